"""Issue 15, CLI side: inputs an unlucky user or an attacker gives get one ``error:``
line (exit 1, never a traceback), and ``--safe`` is honoured everywhere."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.persistence import save_model

runner = CliRunner()
TEXT = "Police said two men were held."


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def one_error_line(result, message=""):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: ") and message in last, result.output
    assert "Traceback" not in result.output


# 10. Bad --config values.


@pytest.mark.parametrize("config", [
    {"C": "abc"}, {"C": -1}, {"C": True}, {"alpha": 0}, {"min_df": "x"}, {"min_df": 0},
    {"max_df": 2.5}, {"word_ngram_range": 5}, {"word_ngram_range": [1, "b"]},
    {"char_ngram_range": [3]}, {"config": []}, {"config": "x"},
    {"class_boost": {"official_claim": "x"}}, {"class_boost": 5},
    {"class_boost": [["official_claim"]]}, {"cues": "yes"}, {"estimator": 3},
    {"cue_weight": None}, {"stop_words": ["the"]}, {"class_weight": "even"},
])
def test_bad_config_values_are_one_line(tiny_dir, tmp_path, config):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    result = run("train", "--data", tiny_dir / "tiny.csv", "--out", tmp_path / "m", "--cv", "0",
                 "--config", path)
    one_error_line(result, str(path))
    assert not (tmp_path / "m").exists()


def test_deeply_nested_config_is_one_line(tiny_dir, tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"config": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run("train", "--data", tiny_dir / "tiny.csv", "--out", tmp_path / "m", "--cv", "0",
                 "--config", path)
    one_error_line(result, "nested too deeply")


# 10. --encoding utf-16 on a file without a byte-order mark.


def test_utf16_without_bom_is_one_line(tiny_dir, saved_model, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_bytes((tiny_dir / "tiny.csv").read_text(encoding="utf-8").encode("utf-16-le"))
    for args in (["evaluate", "--model", saved_model, "--data", path],
                 ["predict", "--model", saved_model, "--input", path, "--format", "jsonl"],
                 ["train", "--data", path, "--out", tmp_path / "m", "--cv", "0"]):
        result = run(*args, "--encoding", "utf-16")
        one_error_line(result, "utf-16")


# 10. evaluate --report onto an existing file.


def test_evaluate_report_onto_an_existing_file_is_one_line(tiny_dir, saved_model, tmp_path):
    report = tmp_path / "report"
    report.write_text("keep")
    result = run("evaluate", "--model", saved_model, "--data", tiny_dir / "tiny.csv",
                 "--report", report)
    one_error_line(result, "is a file")
    assert report.read_text() == "keep"


# 12. explain honours --safe.


class MarkerPayload:
    """A pickle whose loading creates ``path``: stands in for any code an attacker runs."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_explain_honours_safe(tiny_model, tmp_path):
    import joblib

    path = save_model(tiny_model, tmp_path / "m", format="skops")
    marker = tmp_path / "pwned"
    joblib.dump(MarkerPayload(marker), path / "model.joblib")  # unlisted: must not be read
    safe = run("explain", "--safe", "--model", path, "--json", TEXT)
    assert safe.exit_code == 0, safe.output
    plain = run("explain", "--model", path, "--json", TEXT)
    assert json.loads(safe.stdout) == json.loads(plain.stdout)
    pickled = save_model(tiny_model, tmp_path / "p")  # joblib + npz: no feature names safely
    one_error_line(run("explain", "--safe", "--model", pickled, TEXT), "safe")
    assert not marker.exists()
    assert Path(path / "model.joblib").exists()


# 12. --output honours --safe; a .txt folder reports what it cannot read.


def test_predict_output_honours_safe(tiny_model, tiny_dir, tmp_path):
    import joblib

    path, marker = save_model(tiny_model, tmp_path / "m"), tmp_path / "pwned"
    joblib.dump(MarkerPayload(marker), path / "model.joblib")
    meta = json.loads((path / "metadata.json").read_text())
    from classifier.persistence import sha256_file

    meta["files"]["model.joblib"] = sha256_file(path / "model.joblib")  # a matching checksum
    (path / "metadata.json").write_text(json.dumps(meta))
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        result = run("predict", "--safe", "--model", path, "--input", tiny_dir / "tiny.csv",
                     "--output", out, "--jobs", jobs, "--quiet")
        assert result.exit_code == 0, result.output
        assert len(out.read_text().splitlines()) == 48
    assert not marker.exists()


def test_a_txt_folder_reports_what_it_cannot_read(saved_model, tmp_path):
    import os

    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT)
    (folder / "sub" / "b.txt").write_text(TEXT)
    (folder / "broken.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(folder / "pipe.txt")
    out = tmp_path / "out.jsonl"
    result = run("predict", "--model", saved_model, "--input", folder, "--output", out,
                 "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {"a.txt", "broken.txt", "pipe.txt", "sub/b.txt"}
    assert rows["a.txt"]["error"] is None and rows["sub/b.txt"]["error"] is None
    assert rows["broken.txt"]["error"] and rows["pipe.txt"]["error"]
    assert rows["broken.txt"]["label"] is None and rows["pipe.txt"]["label"] is None
    assert "broken symbolic link" in rows["broken.txt"]["error"]
    assert "not a regular file" in rows["pipe.txt"]["error"]


def test_a_txt_folder_reports_a_sub_folder_it_cannot_list(saved_model, tmp_path, monkeypatch):
    import os

    folder = tmp_path / "articles"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "c.txt").write_text(TEXT)
    (folder / "a.txt").write_text(TEXT)

    def refuse(real):
        def listing(path="."):  # root reads any folder: refuse this one as chmod 000 would
            if os.fspath(path).endswith("locked"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path)
        return listing

    monkeypatch.setattr(os, "scandir", refuse(os.scandir))
    monkeypatch.setattr(os, "listdir", refuse(os.listdir))
    out = tmp_path / "out.jsonl"
    result = run("predict", "--model", saved_model, "--input", folder, "--output", out,
                 "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a.txt", "locked/"]
    assert rows[0]["error"] is None and rows[0]["label"]
    assert "Permission denied" in rows[1]["error"] and rows[1]["label"] is None
