"""Issue #15 attacks on batch prediction, each rerun as a test (items 3, 5, 8, 9, 11).

Every test here failed on the code before the fix: a truncated file renamed over a
good output, Dask replacing its input, two Dask runs mixing rows, empty rows and
oversized CSV cells lost or multiplied on stdout, a deep JSON line ending the run,
worker processes outliving a killed parent, temporaries of dead runs left for good.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def one_error_line(result, message):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


# -- item 3: only a complete, closed file replaces the target ------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_full_disk_keeps_the_previous_output(saved_model, tmp_path, suffix):
    """The disk fills (a file-size limit: writes fail with EFBIG) while writing."""
    import hashlib
    import resource

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(
        {"text": f"Row {i} {hashlib.sha256(str(i).encode()).hexdigest()} may rise."}) + "\n"
        for i in range(3000)))
    out = tmp_path / f"out{suffix}"
    out.write_bytes(b"the previous good output")

    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

    proc = subprocess.run(
        [sys.executable, "-m", "classifier", "predict", "--model", str(saved_model), "--input",
         str(source), "--output", str(out), "--jobs", "1", "--quiet"],
        capture_output=True, text=True, preexec_fn=small_disk, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(out) in lines[0], lines
    assert out.read_bytes() == b"the previous good output"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.jsonl", out.name])


def test_a_writer_that_fails_on_close_is_not_renamed(tmp_path):
    import pyarrow as pa

    from classifier.batch.rows import output_schema
    from classifier.batch.writer import OutputError, PredictionWriter

    target = tmp_path / "out.jsonl"
    target.write_text("good\n")
    schema = output_schema(("a", "b"))
    writer = PredictionWriter(target, schema)
    with pytest.raises(OutputError, match="No space left on device"), writer:
        writer.write(pa.RecordBatch.from_pylist([], schema))

        class Broken:
            def write(self, data):
                return len(data)

            def close(self):
                raise OSError(errno.ENOSPC, "No space left on device")

        writer._handle.close()
        writer._handle = Broken()
    assert target.read_text() == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


# -- item 8: every row once, in order, in every stdout format ------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_empty_texts_and_rows_stay_in_stdout_output(saved_model, tmp_path, fmt):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Police said two men were held."}\n{"text": ""}\n\n'
                      '{"text": "Prices may rise."}\n')
    result = run("predict", "--model", saved_model, "--input", source, "--format", fmt,
                 "--split-sentences")
    assert result.exit_code == 0, result.output
    rows = _rows(result.output, fmt)
    assert [r["row"] for r in rows] == [0, 1, 2, 3]
    assert [r["error"] for r in rows] == [None, "empty text", "blank line", None]
    result = run("predict", "--model", saved_model, "--format", fmt, "Prices may rise.", "",
                 "   ")
    rows = _rows(result.output, fmt)
    assert [(r["id"], r["error"]) for r in rows] == [
        ("1", None), ("2", "empty text"), ("3", "empty text")]


def _rows(output: str, fmt: str) -> list[dict]:
    import csv
    import io

    if fmt == "jsonl":
        return [json.loads(line) for line in output.splitlines()]
    if fmt == "json":
        return [row for doc in json.loads(output) for row in doc["sentences"]]
    rows = list(csv.DictReader(io.StringIO(output)))
    return [{**r, "row": int(r["row"]), "error": r["error"] or None} for r in rows]


def test_a_17_mb_quoted_csv_cell_is_one_row(saved_model, tmp_path):
    cell = "Officials said so.\n" * (17 * (1 << 20) // 19)
    source = tmp_path / "big.csv"
    source.write_text('id,text\na,"Prices may rise."\nb,"' + cell + '"\nc,Fine.\n')
    for args in (["--format", "jsonl"], ["--output", tmp_path / "out.jsonl", "--jobs", "1"]):
        result = run("predict", "--model", saved_model, "--input", source, "--id-column", "id",
                     *args)
        assert result.exit_code == 0, result.output[-300:]
        text = (tmp_path / "out.jsonl").read_text() if "--output" in args else result.stdout
        rows = [json.loads(line) for line in text.splitlines()]
        assert [r["id"] for r in rows] == ["a", "b", "c"]
        assert rows[0]["label"] and rows[2]["label"]


# -- item 9: one bad record never aborts a stream ------------------------------------


def test_a_deeply_nested_jsonl_line_is_an_error_row(saved_model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Prices may rise."}\n' + "[" * 2000 + "]" * 2000 + "\n"
                      + '{"text": "' + "x" * 3 + '", "n": ' + "[" * 5000 + "]" * 5000 + "}\n"
                      '{"text": "Police said so."}\n')
    out = tmp_path / "out.jsonl"
    result = run("predict", "--model", saved_model, "--input", source, "--output", out,
                 "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2, 3]
    assert rows[1]["error"].startswith("invalid JSON") and rows[2]["error"]
    assert rows[3]["label"]
    result = run("predict", "--model", saved_model, "--input", source, "--format", "jsonl")
    assert result.exit_code == 0 and len(result.output.splitlines()) == 4


# -- item 5: the Dask engine ---------------------------------------------------------


def test_dask_refuses_to_replace_its_input(saved_model, tmp_path):
    pytest.importorskip("distributed")
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = tmp_path / "src.parquet"
    pq.write_table(pa.table({"text": ["Prices may rise."]}), source)
    result = run("predict", "--model", saved_model, "--input", source, "--output", source,
                 "--engine", "dask", "--jobs", "1")
    one_error_line(result, "overwrite the input")
    assert pq.read_table(source).column("text").to_pylist() == ["Prices may rise."]


def test_dask_staging_names_are_unique_and_a_concurrent_writer_is_refused(tmp_path):
    from classifier.batch.writer import OutputLock, staging_folder
    from classifier.errors import ClassifierError

    target = tmp_path / "out.parquet"
    a, b = staging_folder(target), staging_folder(target)
    assert a != b and a.is_dir() and b.is_dir() and a.parent == tmp_path
    with OutputLock(target):
        with pytest.raises(ClassifierError, match="another run is writing"):
            with OutputLock(target):
                pass
    with OutputLock(target):  # released: the next run goes ahead
        pass


# -- item 11: leftovers after kill -9 ------------------------------------------------


def test_stale_temporaries_of_dead_processes_are_cleaned(saved_model, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale_file = tmp_path / f".out.jsonl.{dead.pid}.tmp"
    stale_file.write_text("half")
    stale_folder = tmp_path / f".out.parquet.{dead.pid}.abc123.dask"
    stale_folder.mkdir()
    (stale_folder / "part-00000.parquet").write_bytes(b"half")
    live = tmp_path / f".other.jsonl.{os.getpid()}.tmp"  # a live process's: kept
    live.write_text("in progress")
    mine = tmp_path / "notes.1.tmp"  # not ours: kept
    mine.write_text("keep")
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Prices may rise."}\n')
    result = run("predict", "--model", saved_model, "--input", source, "--output",
                 tmp_path / "new.jsonl", "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert not stale_file.exists() and not stale_folder.exists()
    assert live.exists() and mine.exists()


def test_worker_processes_die_with_a_killed_parent(saved_model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": f"Row {i} may rise."}) + "\n"
                              for i in range(400_000)))
    out = tmp_path / "out.jsonl"
    exe = [sys.executable, "-m", "classifier", "predict", "--model", str(saved_model),
           "--input", str(source), "--output", str(out), "--jobs", "2", "--quiet"]
    proc = subprocess.Popen(exe, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = _children(proc.pid)
    assert len(workers) >= 2, "the workers did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    alive = [pid for pid in workers if _alive(pid)]
    for pid in alive:  # do not leave them behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
