"""`predict --output` and `train --streaming` through the CLI."""

import json

from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_predict_output_streams_a_file(tiny_dir, saved_model, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("predict", "--model", saved_model, "--input", tiny_dir / "tiny.csv",
                 "--output", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "wrote 48 rows for 48 input rows" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["row"] for r in rows] == list(range(48))


def test_predict_output_quiet_and_split_from_a_text_folder(saved_model, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Police said two men were held. More may follow.")
    (folder / "b.txt").write_text("")
    out = tmp_path / "out.csv"
    result = run("predict", "--model", saved_model, "--input", folder, "--output", out,
                 "--split-sentences", "--quiet", "--jobs", "1")
    assert result.exit_code == 0 and result.output == ""
    lines = out.read_text().splitlines()
    assert len(lines) == 4 and lines[1].startswith('0,"a.txt",0,"sentence",0,30,')
    assert lines[3].endswith('"empty text"')


def test_predict_output_errors_are_one_line(tiny_dir, tmp_path):
    result = run("predict", "--output", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and "give --input" in result.output
    result = run("predict", "--input", tiny_dir / "tiny.csv", "--output", tmp_path / "o.xlsx")
    assert result.exit_code == 1 and "unknown output format" in result.output
    result = run("predict", "--input", tiny_dir / "tiny.csv", "--output",
                 tmp_path / "o.jsonl", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 1 and "--engine dask" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_train_streaming_saves_a_model_that_predicts(tiny_dir, tmp_path):
    out = tmp_path / "streamed"
    result = run("train", "--streaming", "--passes", "2", "--data", tiny_dir / "tiny.jsonl",
                 "--out", out, "--test", tiny_dir / "tiny.csv")
    assert result.exit_code == 0, result.output
    assert "streamed 2 passes" in result.output and "test macro-F1" in result.output
    result = run("predict", "--model", out, "--format", "jsonl", "Police said so.")
    assert result.exit_code == 0 and '"label"' in result.output
    result = run("train", "--streaming", "--data", tiny_dir / "tiny.jsonl", "--out",
                 tmp_path / "x", "--group-column", "group")
    assert result.exit_code == 1 and "--streaming" in result.output


def test_a_killed_run_leaves_no_file_behind(tmp_path, saved_model):
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": f"Row {i} may rise."}) + "\n"
                              for i in range(200_000)))
    out = tmp_path / "out.jsonl"
    exe = [sys.executable, "-m", "classifier", "predict", "--model", str(saved_model),
           "--input", str(source), "--output", str(out), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(exe, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_predict_output_keeps_going_past_a_malformed_csv_record(saved_model, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('text\n"Police said two men were held.\n"The vote is on Friday."\n'
                      '"Prices may rise."\n')
    out = tmp_path / "out.jsonl"
    result = run("predict", "--model", saved_model, "--input", source, "--output", out,
                 "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "wrote 3 rows for 3 input rows, 1 with an error" in result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["label"] is None, r["error"]) for r in rows] == [
        (True, "malformed CSV record (unbalanced quote)"), (False, None), (False, None)]
