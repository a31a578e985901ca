import json

import pytest

from classifier.data import check_trainable, file_format, load_labeled, load_texts
from classifier.errors import DataError


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_load_labeled_reads_every_format(tiny_dir, suffix):
    data = load_labeled(tiny_dir / f"tiny{suffix}", group_column="group")
    assert len(data) == 48
    assert set(data.labels) == {"official_claim", "speculation", "analysis", "factual_report"}
    assert data.groups is not None and len(data.groups) == 48
    assert data.label_counts["analysis"] == 12


def test_load_several_files(tiny_dir):
    data = load_labeled([tiny_dir / "tiny.jsonl", tiny_dir / "tiny.jsonl"])
    assert len(data) == 96


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_labeled(tmp_path / "nope.csv")


def test_unknown_format(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    with pytest.raises(DataError, match="unknown format '.xlsx'"):
        load_labeled(path)
    assert file_format("a.JSONL") == "json"


def test_missing_column_names_the_columns_found(tiny_dir):
    with pytest.raises(DataError, match=r"no column 'sentence'; columns found: text, label"):
        load_labeled(tiny_dir / "tiny.csv", text_column="sentence")


def test_empty_rows_are_dropped_and_counted(tmp_path):
    path = tmp_path / "d.jsonl"
    rows = [{"text": "A", "label": "x"}, {"text": "", "label": "y"},
            {"text": "B", "label": None}, {"text": "C", "label": "y"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = load_labeled(path)
    assert data.texts == ["A", "C"]
    assert data.dropped == {"empty text": 1, "empty label": 1}


def test_no_labeled_rows(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,label\n,\n")
    with pytest.raises(DataError, match="no labeled rows"):
        load_labeled(path)


def test_non_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("text,label\nok,a\ncaf\xe9,b\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin.csv:3: not UTF-8"):
        load_labeled(path)


def test_single_class_is_refused(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("text,label\nA,x\nB,x\n")
    with pytest.raises(DataError, match="only one label"):
        check_trainable(load_labeled(path))


def test_load_texts_keeps_every_row_in_order(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "first", "id": "a"}\n{"text": null, "id": "b"}\n'
                    '{"text": "third", "id": "c"}\n')
    texts, ids = load_texts(path, id_column="id")
    assert texts == ["first", "", "third"]
    assert ids == ["a", "b", "c"]
    assert load_texts(path)[1] == ["0", "1", "2"]


# Input that cannot break it (issue 4): awkward but valid files load exactly; broken ones
# fail with one line that names the place.


def test_csv_with_embedded_newlines_quotes_and_na_like_text_round_trips(tmp_path):
    import csv

    texts = ['He said "no".\nThen left.', "a, b, c", "NA", "null", "007", "1e5", "  ", ""]
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "id"])
        writer.writerows([t, f"{i:03d}"] for i, t in enumerate(texts))
    got, ids = load_texts(path, id_column="id")
    assert got == texts  # nothing turned into null or a number, no row skipped
    assert ids == [f"{i:03d}" for i in range(len(texts))]


def test_jsonl_broken_line_is_named(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "A", "label": "x"}\n{"text": "B", "label": \n{"text": "C"}\n')
    with pytest.raises(DataError, match=r"d.jsonl:2: not valid JSON \(Expecting value"):
        load_labeled(path)


def test_jsonl_line_that_is_not_an_object_is_named(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "A", "label": "x"}\n\n["B", "y"]\n')
    with pytest.raises(DataError, match=r"d.jsonl:3: expected a JSON object, got list"):
        load_labeled(path)


def test_jsonl_lone_surrogate_escape_is_named(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "ok", "label": "x"}\n{"text": "bad \\ud800", "label": "y"}\n')
    with pytest.raises(DataError, match=r"d.jsonl:2: field 'text' holds a lone surrogate"):
        load_labeled(path)


def test_lone_surrogate_bytes_in_a_file_are_not_utf8(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"text,label\nok,a\nbad \xed\xa0\x80 bytes,b\n")  # CESU-style surrogate
    with pytest.raises(DataError, match=r"d.csv:3: not UTF-8"):
        load_labeled(path)


def test_parquet_null_text_is_dropped_for_training_and_kept_for_prediction(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"text": ["A", None, "C"], "label": ["x", "y", "y"]}), path)
    data = load_labeled(path)
    assert data.texts == ["A", "C"] and data.dropped == {"empty text": 1}
    assert load_texts(path)[0] == ["A", "", "C"]


@pytest.mark.parametrize(
    ("suffix", "body"),
    [(".csv", "text,label\nCafé ok,a\nB,b\n"),
     (".jsonl", '{"text": "Café ok", "label": "a"}\n{"text": "B", "label": "b"}\n')],
)
def test_bom_prefixed_utf8_works(tmp_path, suffix, body):
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    data = load_labeled(path)
    assert data.texts == ["Café ok", "B"] and data.labels == ["a", "b"]


@pytest.mark.parametrize(
    ("suffix", "body"),
    [(".csv", "text,label\nCafé crème,a\nZürich,b\n"),
     (".jsonl", '{"text": "Café crème", "label": "a"}\n{"text": "Zürich", "label": "b"}\n')],
)
def test_latin1_fails_clearly_and_loads_with_its_encoding(tmp_path, suffix, body):
    path = tmp_path / f"latin{suffix}"
    path.write_bytes(body.encode("latin-1"))
    line = 2 if suffix == ".csv" else 1  # the first line with an accent
    with pytest.raises(DataError, match=rf"latin{suffix}:{line}: not UTF-8 .*--encoding latin"):
        load_labeled(path)
    data = load_labeled(path, encoding="latin-1")
    assert data.texts == ["Café crème", "Zürich"]
    assert load_texts(path, encoding="cp1252")[0] == ["Café crème", "Zürich"]


def test_unknown_encoding_is_one_clear_error(tiny_dir):
    with pytest.raises(DataError, match="unknown encoding 'klingon'"):
        load_labeled(tiny_dir / "tiny.csv", encoding="klingon")
