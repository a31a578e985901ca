"""``classifier.batch.writer``: formats, whole-or-nothing files, the output lock, cleanup."""

import io
import json
import os
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from classifier.batch import writer as writer_module
from classifier.batch.rows import Rows, output_schema
from classifier.batch.writer import (
    OutputError,
    OutputLock,
    PredictionWriter,
    clean_stale,
    output_kind,
    staging_folder,
    temporary_path,
)
from classifier.errors import DataError

LABELS = ("a", "b")
SCHEMA = output_schema(LABELS)


def make_rows(texts, first=0):
    """Scored rows of ``texts``; ``None`` is an error row (not scored)."""
    rows = Rows(LABELS)
    proba = []
    for k, text in enumerate(texts):
        scored = text is not None
        rows.row.append(first + k)
        rows.id.append(f"r{first + k}")
        rows.sentence_index.append(0)
        rows.kind.append("sentence" if scored else None)
        rows.start.append(None)
        rows.end.append(None)
        rows.text.append(text)
        rows.label.append("b" if scored else None)
        rows.error.append(None if scored else "empty text")
        proba.append([0.25, 0.75] if scored else [np.nan, np.nan])
    rows.proba = np.array(proba).reshape(len(texts), 2)
    rows.confidence = rows.proba.max(axis=1)
    return rows


@pytest.fixture
def dead_pid():
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_output_kind_from_the_suffix():
    assert [output_kind(p) for p in ("x.jsonl", "x.CSV", "dir/x.Parquet")] == [
        "jsonl", "csv", "parquet"]
    with pytest.raises(DataError, match=r"x\.txt: unknown output format '\.txt'; use one of "
                                         r"\.csv, \.jsonl, \.parquet"):
        output_kind("x.txt")
    with pytest.raises(DataError, match=r"unknown output format '\(none\)'"):
        output_kind("out")


def test_temporary_and_staging_names_are_unique_siblings_the_cleaner_knows(tmp_path):
    target = tmp_path / "out.jsonl"
    first, second = temporary_path(target), temporary_path(target)
    assert first != second and first.parent == tmp_path and not first.exists()
    assert first.name.startswith(f".out.jsonl.{os.getpid()}.") and first.suffix == ".tmp"
    folder = staging_folder(tmp_path / "out.parquet")
    assert folder.is_dir() and list(folder.iterdir()) == [] and folder.suffix == ".dask"
    for name in (first.name, folder.name, f".out.jsonl.{os.getpid()}.tmp"):
        assert writer_module._TEMPORARY.match(name), name
    assert not writer_module._TEMPORARY.match("notes.1.tmp")


def test_jsonl_to_a_file_appears_only_when_complete(tmp_path):
    target = tmp_path / "sub" / "out.jsonl"
    with PredictionWriter(target, SCHEMA) as writer:
        writer.write(make_rows(["Prices may rise.", None]))
        assert not target.exists()  # rows go to a temporary sibling first
        writer.write(make_rows(["é \"quoted\""], first=2))
    assert writer.rows == 3
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in rows] == ["Prices may rise.", None, "é \"quoted\""]
    assert rows[1]["p_a"] is None and rows[1]["error"] == "empty text"
    assert list(rows[0]) == SCHEMA.names
    assert "é" in target.read_text(encoding="utf-8")  # not \u-escaped
    assert [p.name for p in target.parent.iterdir()] == ["out.jsonl"]


def test_an_error_in_the_block_keeps_the_previous_output(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("previous\n")
    with pytest.raises(RuntimeError), PredictionWriter(target, SCHEMA) as writer:
        writer.write(make_rows(["x"]))
        raise RuntimeError("interrupted")
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_csv_quotes_strings_leaves_nulls_empty_and_reads_back(tmp_path):
    sink = io.BytesIO()
    texts = ['He said "no".', "two\nlines", None]
    with PredictionWriter(None, SCHEMA, sink=sink, kind="csv") as writer:
        writer.write(make_rows(texts))
    lines = sink.getvalue().decode("utf-8").split("\n")
    assert lines[0] == ",".join(f'"{name}"' for name in SCHEMA.names)
    assert lines[1].startswith('0,"r0",0,"sentence",,,"He said ""no""."')
    table = pacsv.read_csv(io.BytesIO(sink.getvalue()), convert_options=pacsv.ConvertOptions(
        column_types=SCHEMA, strings_can_be_null=True))
    assert table.column("text").to_pylist() == texts
    assert table.column("p_b").to_pylist() == [0.75, 0.75, None]


def test_a_stream_is_flushed_not_closed_and_refuses_parquet():
    sink = io.BytesIO()
    with PredictionWriter(None, SCHEMA, sink=sink, kind="jsonl") as writer:
        writer.write(pa.RecordBatch.from_pylist(make_rows(["x"]).to_pylist(), SCHEMA))
    assert not sink.closed and json.loads(sink.getvalue())["label"] == "b"
    with pytest.raises(DataError, match="Parquet is written to a file"):
        PredictionWriter(None, SCHEMA, sink=io.BytesIO(), kind="parquet")
    with pytest.raises(ValueError, match="give a path or a sink"):
        PredictionWriter(None, SCHEMA)
    with pytest.raises(ValueError, match="give a path or a sink"):
        PredictionWriter("out.jsonl", SCHEMA, sink=io.BytesIO())


def test_parquet_buffers_rows_into_row_groups(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_module, "PARQUET_ROW_GROUP", 3)
    target = tmp_path / "out.parquet"
    with PredictionWriter(target, SCHEMA) as writer:
        for first in range(0, 8, 2):  # Rows and a RecordBatch both go in
            rows = make_rows(["x", None], first)
            writer.write(rows if first else rows.to_arrow())
    table = pq.read_table(target)
    assert table.schema == SCHEMA and table.column("row").to_pylist() == list(range(8))
    assert pq.ParquetFile(target).metadata.num_row_groups == 2  # 4 + 4 rows


def test_an_unwritable_folder_is_one_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="could not write the output"):
        with PredictionWriter(blocker / "out.jsonl", SCHEMA):
            pass


def test_the_lock_holds_this_pid_and_is_released(tmp_path):
    target = tmp_path / "new" / "out.jsonl"
    with OutputLock(target) as lock:
        assert lock.lock == tmp_path / "new" / ".out.jsonl.lock"
        assert lock.lock.read_text() == str(os.getpid())
    assert not lock.lock.exists()


@pytest.mark.parametrize("content", ["dead", "not a pid"])
def test_a_dead_or_unreadable_lock_is_taken_over(tmp_path, dead_pid, content):
    target = tmp_path / "out.jsonl"
    lock = tmp_path / ".out.jsonl.lock"
    lock.write_text(str(dead_pid) if content == "dead" else content)
    with OutputLock(target):
        assert lock.read_text() == str(os.getpid())
    assert not lock.exists()


def test_a_released_lock_that_another_run_took_is_left_alone(tmp_path):
    target = tmp_path / "out.jsonl"
    with OutputLock(target) as held:
        held.lock.write_text("1")  # another (living) process took it over
    assert held.lock.read_text() == "1"


def test_clean_stale_removes_only_dead_runs_leftovers(tmp_path, dead_pid):
    dead = [tmp_path / f".out.jsonl.{dead_pid}.tmp",
            tmp_path / f".out.jsonl.{dead_pid}.a1b2c3.tmp",
            tmp_path / f".out.parquet.{dead_pid}.a1b2c3.dask",
            tmp_path / ".out.csv.lock"]
    live = [tmp_path / f".out.jsonl.{os.getpid()}.a1b2c3.tmp",
            tmp_path / ".mine.jsonl.lock",
            tmp_path / f"out.{dead_pid}.tmp",  # not a name this module makes
            tmp_path / ".junk.lock"]  # no pid in it: nobody to ask, kept
    for path in dead[:2] + live[:1] + live[2:3]:
        path.write_text("half")
    dead[2].mkdir()
    (dead[2] / "part-0.parquet").write_text("half")
    dead[3].write_text(str(dead_pid))
    live[1].write_text(str(os.getpid()))
    live[3].write_text("?")
    assert sorted(clean_stale(tmp_path)) == sorted(dead)
    assert not any(p.exists() for p in dead) and all(p.exists() for p in live)
    assert clean_stale(tmp_path / "missing") == []
