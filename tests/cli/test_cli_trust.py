"""The trust options of train, evaluate and predict: --format, --safe, --encoding, --strict."""

import json

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
    assert lines[-1].startswith("error: ") and message in lines[-1], result.output
    return lines


@pytest.fixture
def messy_csv(tmp_path, tiny_dir):
    """The tiny corpus plus a conflicting duplicate and two rows without text."""
    rows = (tiny_dir / "tiny.csv").read_text(encoding="utf-8").splitlines()
    rows += ['"Rain fell, officials said.",official_claim,z1',
             '"Rain fell, officials said.",factual_report,z2', ",analysis,z3", "  ,analysis,z4"]
    path = tmp_path / "messy.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_train_reports_problems_and_says_what_it_dropped(messy_csv, tmp_path):
    result = run("train", "--data", messy_csv, "--out", tmp_path / "m", "--cv", "0")
    assert result.exit_code == 0, result.output
    assert "warning: conflicting labels on 1 text (2 rows)" in result.output
    assert "warning: 2 rows dropped: empty text" in result.output
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert meta["data"]["hygiene"]["conflicting_texts"] == 1
    assert meta["data"]["rows"] == 50 and meta["data"]["dropped"] == {"empty text": 2}


def test_train_strict_fails_on_problems_in_one_line(messy_csv, tmp_path):
    result = run("train", "--data", messy_csv, "--out", tmp_path / "m", "--strict")
    one_error_line(result, "data problems (strict): conflicting labels on 1 text")
    assert not (tmp_path / "m").exists()


def test_train_strict_thresholds(tiny_dir, tmp_path):
    args = ["train", "--data", tiny_dir / "tiny.csv", "--out", tmp_path / "m", "--cv", "0"]
    assert run(*args, "--strict").exit_code == 0  # 12 rows per label, balanced
    result = run(*args, "--force", "--strict", "--min-examples", "20")
    one_error_line(result, "labels with fewer than 20 examples")


def test_train_format_skops_then_predict_and_evaluate_safely(tiny_dir, tmp_path):
    out = tmp_path / "m"
    result = run("train", "--data", tiny_dir / "tiny.csv", "--out", out, "--cv", "0",
                 "--format", "skops")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "metadata.json").read_text())["format"] == "skops"
    assert not (out / "model.joblib").exists()
    result = run("predict", "--model", out, "--safe", "--format", "jsonl", "Prices may rise.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["label"]
    result = run("evaluate", "--model", out, "--safe", "--json", "--data", tiny_dir / "tiny.csv")
    assert result.exit_code == 0 and json.loads(result.output)["n"] == 48


def test_safe_refuses_a_pickle_only_model_in_one_line(tiny_dir, tmp_path):
    config = tmp_path / "sgd.json"
    config.write_text('{"estimator": "sgd"}')
    out = tmp_path / "m"
    assert run("train", "--data", tiny_dir / "tiny.csv", "--out", out, "--cv", "0",
               "--config", config).exit_code == 0
    one_error_line(run("predict", "--model", out, "--safe", "A text."), "safe loading refuses")


@pytest.fixture
def latin1_csv(tmp_path, tiny_dir):
    text = (tiny_dir / "tiny.csv").read_text(encoding="utf-8")
    text += "Café owners said so.,official_claim,z\n"
    path = tmp_path / "latin.csv"
    path.write_bytes(text.encode("latin-1"))
    return path


def test_latin1_files_fail_clearly_and_work_with_encoding(latin1_csv, saved_model, tmp_path):
    out = tmp_path / "m"
    one_error_line(run("train", "--data", latin1_csv, "--out", out, "--cv", "0"),
                   "latin.csv:50: not UTF-8")
    assert run("train", "--data", latin1_csv, "--out", out, "--cv", "0",
               "--encoding", "latin-1").exit_code == 0
    one_error_line(run("evaluate", "--model", out, "--data", latin1_csv), "not UTF-8")
    result = run("evaluate", "--model", out, "--data", latin1_csv, "--encoding", "latin-1",
                 "--json")
    assert result.exit_code == 0 and json.loads(result.output)["n"] == 49
    one_error_line(run("predict", "--model", saved_model, "--input", latin1_csv), "not UTF-8")
    result = run("predict", "--model", saved_model, "--input", latin1_csv, "--encoding",
                 "latin-1", "--format", "jsonl")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 49 and rows[-1]["text"] == "Café owners said so."


def test_predict_file_stdin_and_arguments_take_the_encoding(saved_model, tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes("Le café may open. Officials said so.".encode("latin-1"))
    one_error_line(run("predict", "--model", saved_model, "--file", article), "a.txt: not UTF-8")
    result = run("predict", "--model", saved_model, "--file", article, "--encoding", "latin-1",
                 "--format", "jsonl")
    assert json.loads(result.output.splitlines()[0])["text"] == "Le café may open."

    raw = "Le café may open.".encode("latin-1")
    one_error_line(run("predict", "--model", saved_model, input=raw), "stdin: not UTF-8")
    result = run("predict", "--model", saved_model, "--encoding", "latin-1", "--format", "jsonl",
                 input=raw)
    assert json.loads(result.output)["text"] == "Le café may open."

    argument = raw.decode("utf-8", "surrogateescape")  # how Python receives such argv bytes
    one_error_line(run("predict", "--model", saved_model, argument), "argument 1: not UTF-8")
    result = run("predict", "--model", saved_model, "--encoding", "latin-1", "--format", "jsonl",
                 argument)
    assert json.loads(result.output)["text"] == "Le café may open."


def test_predict_utf8_bom_file_works(saved_model, tmp_path):
    article = tmp_path / "bom.txt"
    article.write_bytes(b"\xef\xbb\xbfPrices may rise.")
    result = run("predict", "--model", saved_model, "--file", article, "--format", "jsonl")
    row = json.loads(result.output)
    assert row["text"] == "Prices may rise." and row["start"] == 0
