"""Chunked reading and atomic writing: every row once, in order, errors kept."""

import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from classifier.batch.rows import output_schema
from classifier.batch.writer import PredictionWriter, output_kind
from classifier.data.records import Part, input_kind, iter_chunks, plan_parts, whole
from classifier.errors import DataError


def read_all(part, **kwargs):
    rows = []
    for chunk in iter_chunks(part, **kwargs):
        for k in range(len(chunk)):
            rows.append((chunk.first_row + k, chunk.ids[k], chunk.texts[k], chunk.errors[k]))
    return rows


def test_jsonl_rows_keep_order_and_errors(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"text": "One.", "id": "a"}\n'
        b"\n"
        b"not json\n"
        b'{"text": "bad \xff byte"}\n'
        b'["a list"]\n'
        b'{"other": 1}\n'
        b'{"text": null, "id": 7}\n'
        b'{"text": "Last, no newline."}'
    )
    rows = read_all(whole(path), id_column="id", chunk_rows=3)
    assert [r[0] for r in rows] == list(range(8))
    assert rows[0] == (0, "a", "One.", None)
    assert rows[1][3] == "blank line"
    assert rows[2][3].startswith("invalid JSON")
    assert rows[3][2] is None and rows[3][3].startswith("not UTF-8")
    assert rows[4][3] == "not a JSON object"
    assert rows[5][3] == "no field 'text'"
    assert rows[6] == (6, "7", "", None)
    assert rows[7][2] == "Last, no newline."


def test_jsonl_without_the_text_field_is_refused(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"body": "x"}\n' * 3)
    with pytest.raises(DataError, match="no field 'text'.*fields found: body"):
        read_all(whole(path))


def test_csv_quoted_line_breaks_and_bad_bytes(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b'id,text\n1,"Two lines,\nstill one row."\n2,\n3,bad \xff\n4,Fine.\n')
    rows = read_all(whole(path), id_column="id", chunk_rows=2)
    assert [r[1] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0][2] == "Two lines,\nstill one row."
    assert rows[1][2] == "" and rows[1][3] is None
    assert rows[2][3].startswith("text not UTF-8")
    with pytest.raises(DataError, match="no column 'body'"):
        read_all(whole(path), text_column="body")


MALFORMED = (b'id,text\n1,One.\n2,"He said hi\n3,Three.\n4,x,y\n5\n'
             b'6,"Six, quoted"\n\n7,Last "quote\n8,"never closed\n9,Nine.\n')


def test_malformed_csv_records_are_error_rows_and_reading_goes_on(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(MALFORMED)
    rows = read_all(whole(path), id_column="id", chunk_rows=3)
    assert [r[0] for r in rows] == list(range(9))  # the blank line is not a row
    assert [r[1] for r in rows] == ["1", None, "3", None, None, "6", "7", None, "9"]
    assert [r[2] for r in rows] == ["One.", None, "Three.", None, None, "Six, quoted",
                                    'Last "quote', None, "Nine."]
    assert [r[3] for r in rows if r[3]] == [
        "malformed CSV record (unbalanced quote)",
        "malformed CSV record (3 fields, the header has 2)",
        "malformed CSV record (1 field, the header has 2)",
        "malformed CSV record (unbalanced quote)",
    ]


@pytest.mark.parametrize("part_bytes", [1, 12, 30])
def test_csv_parts_agree_with_one_stream_on_malformed_records(tmp_path, part_bytes):
    path = tmp_path / "in.csv"
    path.write_bytes(MALFORMED * 3)
    parts = plan_parts(path, part_bytes=part_bytes)
    assert len(parts) > 2 and parts[0].start == len(b"id,text\n")
    got = [row for part in parts for row in read_all(part, id_column="id")]
    assert got == read_all(whole(path), id_column="id")
    assert sum(r[3] is not None for r in got) >= 6


def test_an_unclosed_quote_reads_at_most_max_record_bytes_ahead(tmp_path, monkeypatch):
    import classifier.data.records as chunks

    monkeypatch.setattr(chunks, "MAX_RECORD_BYTES", 64)
    path = tmp_path / "in.csv"
    path.write_bytes(b'text\n"stray\n' + b"".join(b"row %d\n" % i for i in range(40)))
    reads = []
    lines = chunks._split_lines
    monkeypatch.setattr(chunks, "_split_lines", lambda *a: (reads.append(x) or x
                                                             for x in lines(*a)))
    rows = read_all(whole(path))
    assert rows[0][3] == "malformed CSV record (unbalanced quote)"
    assert [r[2] for r in rows[1:]] == [f"row {i}" for i in range(40)]
    assert len(reads) == 42  # header + every line once: the lookahead was pushed back


def test_csv_bom_blank_lines_and_carriage_returns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b'\xef\xbb\xbfid,text\r1,One.\r\n\r\n2,"Two\rlines"\r')
    assert read_all(whole(path), id_column="id") == [
        (0, "1", "One.", None), (1, "2", "Two\rlines", None)]


def test_parquet_and_text_folder(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": ["a.", None, "c."], "key": [10, 11, 12]}), path)
    assert [r[1:] for r in read_all(whole(path), id_column="key")] == [
        ("10", "a.", None), ("11", "", None), ("12", "c.", None)]

    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text("Second.")
    (folder / "a.txt").write_text("First.")
    (folder / "sub" / "c.txt").write_bytes(b"\xff")
    (folder / "notes.md").write_text("ignored")
    rows = read_all(whole(folder), chunk_rows=2)
    assert [r[1] for r in rows] == ["a.txt", "b.txt", "sub/c.txt"]
    assert rows[2][3].startswith("text not UTF-8")
    assert input_kind(folder) == "txt"


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_parts_cover_the_input_exactly_once(tmp_path, suffix):
    texts = [f"Sentence {i}, with \"quotes\"\nand a line break." if i % 3 == 0
             else f"Sentence {i}." for i in range(200)]
    path = tmp_path / f"in{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    else:
        pacsv.write_csv(pa.table({"text": texts}), path)
    parts = plan_parts(path, part_bytes=500)
    assert len(parts) > 5
    rows = [r for part in parts for r in read_all(part, chunk_rows=7)]
    assert rows == read_all(whole(path)) and [r[2] for r in rows] == texts


def test_parquet_parts_are_row_groups(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": [f"t{i}" for i in range(25)]}), path, row_group_size=10)
    parts = plan_parts(path)
    assert [(p.start, p.first_row) for p in parts] == [(0, 0), (1, 10), (2, 20)]
    assert [r[2] for p in parts for r in read_all(p)] == [f"t{i}" for i in range(25)]


def test_unknown_formats_are_refused(tmp_path):
    (tmp_path / "in.txt").write_text("x")
    with pytest.raises(DataError, match="unknown input format"):
        input_kind(tmp_path / "in.txt")
    with pytest.raises(DataError, match="unknown output format"):
        output_kind(tmp_path / "out.xlsx")
    with pytest.raises(DataError, match="no such file"):
        whole(tmp_path / "missing.jsonl")


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_writer_renames_only_on_success(tmp_path, suffix):
    schema = output_schema(("a", "b"))
    batch = schema.empty_table().to_batches() or [pa.RecordBatch.from_pylist([], schema)]
    target = tmp_path / f"out{suffix}"
    with pytest.raises(RuntimeError), PredictionWriter(target, schema) as writer:
        writer.write(batch[0])
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    with PredictionWriter(target, schema) as writer:
        writer.write(batch[0])
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_part_defaults_read_everything(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "a"}\n{"text": "b"}\n')
    assert len(read_all(Part(str(path), "jsonl"))) == 2


def test_text_folder_parts_carry_only_their_files(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(f"Text {i}.")
    parts = plan_parts(tmp_path, part_files=2)
    assert [(p.first_row, p.files) for p in parts] == [
        (0, ("0.txt", "1.txt")), (2, ("2.txt", "3.txt")), (4, ("4.txt",))]
    assert [r[:2] for p in parts for r in read_all(p)] == [(i, f"{i}.txt") for i in range(5)]
