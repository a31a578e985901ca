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
