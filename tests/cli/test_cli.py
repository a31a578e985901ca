import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier import __version__
from classifier.cli import app

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_train_evaluate_predict_round_trip(tiny_dir, tmp_path, suffix):
    data = tiny_dir / f"tiny{suffix}"
    out = tmp_path / "model"
    result = run("train", "--data", data, "--out", out, "--cv", "3", "--group-column", "group")
    assert result.exit_code == 0, result.output
    assert "3-fold CV macro-F1" in result.output
    assert (out / "metadata.json").is_file()

    result = run("evaluate", "--model", out, "--data", data, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 48 and report["macro_f1"] > 0.9

    result = run("evaluate", "--model", out, "--data", data)
    assert "macro avg" in result.output and "confusion" in result.output

    result = run("predict", "--model", out, "--format", "jsonl", "Prices may rise. It rained.")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == ["Prices may rise.", "It rained."]
    assert all(r["label"] in report["labels"] for r in rows)


def test_train_refuses_existing_model_without_force(tiny_dir, saved_model):
    result = run("train", "--data", tiny_dir / "tiny.csv", "--out", saved_model, "--cv", "0")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_predict_file_table_with_summary(saved_model, seed_text, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(seed_text, encoding="utf-8")
    result = run("predict", "--model", saved_model, "--file", article)
    assert result.exit_code == 0, result.output
    assert "summary" in result.output and "Ukrainian strike" in result.output


def test_predict_several_files_json(saved_model, tmp_path):
    paths = []
    for i, text in enumerate(["One thing happened. Another may follow.", "Police said so."]):
        paths += ["--file", tmp_path / f"a{i}.txt"]
        (tmp_path / f"a{i}.txt").write_text(text)
    result = run("predict", "--model", saved_model, "--format", "json", *paths)
    docs = json.loads(result.output)
    assert [len(d["sentences"]) for d in docs] == [2, 1]
    assert sum(v["count"] for v in docs[0]["summary"].values()) == 2


def test_predict_stdin_csv(saved_model):
    result = run("predict", "--model", saved_model, "--format", "csv",
                 input="Officials said it. It may rain.\n")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["text"] for r in rows] == ["Officials said it.", "It may rain."]
    assert {"p_analysis", "p_speculation", "confidence", "start", "end"} <= set(rows[0])


def test_predict_table_input_keeps_every_row(saved_model, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"t": "Police said so.", "k": "x"}\n{"t": null, "k": "y"}\n'
                    '{"t": "It may rain.", "k": "z"}\n')
    result = run("predict", "--model", saved_model, "--input", path, "--text-column", "t",
                 "--id-column", "k", "--format", "jsonl")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["x", "y", "z"]
    assert rows[1]["label"] is None and rows[1]["error"] == "empty text"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["evaluate", "--data", "missing.csv"], "missing.csv: no such file"),
        (["predict", "--model", "no-such-model", "x"], "no-such-model: no such model"),
        (["predict", "--file", "missing.txt"], "missing.txt: no such file"),
        (["train", "--data", "x.txt", "--out", "m"], "unknown format '.txt'"),
    ],
)
def test_errors_are_one_line_without_traceback(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("x.txt").write_text("x")
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_column_error(tiny_dir, tmp_path):
    result = run("train", "--data", tiny_dir / "tiny.csv", "--out", tmp_path / "m",
                 "--label-column", "tag")
    assert result.exit_code == 1
    assert "no column 'tag'; columns found: text, label, group" in result.output


def test_single_class_error(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("text,label\nA b c,x\nD e f,x\n")
    result = run("train", "--data", path, "--out", tmp_path / "m")
    assert result.exit_code == 1 and "only one label" in result.output


def test_model_path_that_is_not_a_model(tmp_path):
    result = run("predict", "--model", tmp_path, "Some text.")
    assert result.exit_code == 1 and "not a classifier model" in result.output


def test_installed_command_runs_in_a_subprocess(tmp_path):
    exe = shutil.which("classifier") or str(Path(sys.executable).with_name("classifier"))
    result = subprocess.run(
        [exe, "predict", "--format", "jsonl", "The minister said the talks had failed."],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    )
    row = json.loads(result.stdout)
    assert row["label"] in {"official_claim", "speculation", "analysis", "factual_report"}
    bad = subprocess.run([exe, "evaluate", "--data", "nope.csv"], capture_output=True,
                         text=True, cwd=tmp_path)
    assert bad.returncode == 1 and bad.stderr.strip() == "error: nope.csv: no such file"


@pytest.mark.parametrize(("command", "text"), [
    ("train", "[default: 4]"), ("predict", "[default: row number]"),
    ("predict", "[default: a local cluster]"),
])
def test_help_shows_defaults_written_in_brackets(command, text):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0 and text in result.output
