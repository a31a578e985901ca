"""Issue 15, model side: where a model is looked up, which of its files are read, what
``--force`` may replace, and malformed metadata. Each test reproduces an attack."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.errors import ModelFileError
from classifier.persistence import load_model, models_dirs, resolve_model_path, save_model

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def one_error_line(result, message):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert message in lines[0], result.output


class MarkerPayload:
    """A pickle whose loading creates ``path``: stands in for any code an attacker runs."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def plant_trap_model(tiny_data, folder: Path, marker: Path) -> Path:
    """A folder that loads as a model whose only artifact is a malicious pickle (with a
    matching checksum): loading it, fast or not, runs code that creates ``marker``."""
    import joblib

    from classifier.persistence import sha256_file
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    model = train(tiny_data, PipelineConfig(estimator="sgd"), cv=0)  # no model.npz
    save_model(model, folder)
    joblib.dump(MarkerPayload(marker), folder / "model.joblib")
    meta = json.loads((folder / "metadata.json").read_text())
    meta["files"] = {"model.joblib": sha256_file(folder / "model.joblib")}
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


def shipped(name="default") -> Path:
    return next(d / name for d in models_dirs() if (d / name / "metadata.json").is_file())


# 1. No model from the working directory unless asked for by a path.


@pytest.mark.parametrize("planted", ["default", ".default.old"])
def test_a_bare_name_never_loads_a_model_from_the_working_directory(
    tiny_data, tmp_path, monkeypatch, planted
):
    marker = tmp_path / "pwned"
    plant_trap_model(tiny_data, tmp_path / "work" / planted, marker)
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.delenv("CLASSIFIER_MODEL", raising=False)
    assert resolve_model_path() == shipped()
    assert resolve_model_path("default") == shipped()
    monkeypatch.setenv("CLASSIFIER_MODEL", "default")
    assert resolve_model_path() == shipped()
    monkeypatch.delenv("CLASSIFIER_MODEL")
    assert load_model(fast=True).labels == load_model(shipped(), fast=True).labels
    (tmp_path / "work" / "data.csv").write_text("text,label\nPolice said so.,official_claim\n")
    for args in (["predict", "--format", "jsonl", "Police said so."],
                 ["explain", "Police said so."],
                 ["evaluate", "--data", "data.csv"],
                 ["predict", "--input", "data.csv", "--output", "out.jsonl", "--jobs", "1"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    assert not marker.exists()


def test_a_model_in_the_working_directory_needs_a_path(tiny_model, tmp_path, monkeypatch):
    save_model(tiny_model, tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelFileError, match=r"mine: no such model.*\./mine"):
        resolve_model_path("mine")
    for path in ("./mine", "mine/", str(tmp_path / "mine"), "./mine/metadata.json"):
        assert resolve_model_path(path) == tmp_path / "mine", path
    assert resolve_model_path("./mine").is_absolute()  # workers may run elsewhere
    monkeypatch.setenv("CLASSIFIER_MODEL", "./mine")
    assert load_model().labels == tiny_model.labels
    result = run("predict", "--model", "mine", "Police said so.")
    one_error_line(result, "no such model")


def test_a_relative_model_path_reaches_the_workers(tiny_model, tiny_dir, tmp_path, monkeypatch):
    save_model(tiny_model, tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    result = run("predict", "--model", "./mine", "--input", tiny_dir / "tiny.csv",
                 "--output", "out.jsonl", "--jobs", "2", "--quiet")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in Path("out.jsonl").read_text().splitlines()]
    expected = tiny_model.predict([r["text"] for r in rows])
    assert [r["label"] for r in rows] == [p.label for p in expected]


# 12. A model is never fetched from a hub.


def test_a_hub_looking_model_name_never_reaches_the_network(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    calls = []

    def no_network(*args, **kwargs):
        calls.append(args)
        raise OSError("network used")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    for name in ("sentence-transformers/all-MiniLM-L6-v2", "someone/defualt"):
        with pytest.raises(ModelFileError, match="never fetched from a hub"):
            load_model(name)
        result = run("predict", "--model", name, "Police said so.")
        one_error_line(result, "models are never fetched from a hub")
    assert calls == []


# 4. --force replaces only a model of this package, or an empty folder.


def test_force_never_deletes_a_folder_that_is_not_a_model(tiny_model, tiny_dir, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.csv").write_bytes((tiny_dir / "tiny.csv").read_bytes())
    result = run("train", "--data", data / "train.csv", "--out", data, "--force", "--cv", "0")
    one_error_line(result, "not a classifier model")
    assert (data / "train.csv").read_bytes() == (tiny_dir / "tiny.csv").read_bytes()
    with pytest.raises(ModelFileError, match="not a classifier model.*refusing to replace"):
        save_model(tiny_model, data, force=True)
    (tmp_path / "file").write_text("keep")
    with pytest.raises(ModelFileError, match="refusing to replace"):
        save_model(tiny_model, tmp_path / "file", force=True)
    assert (tmp_path / "file").read_text() == "keep"
    (tmp_path / "empty").mkdir()
    assert load_model(save_model(tiny_model, tmp_path / "empty", force=True)).labels
    assert load_model(save_model(tiny_model, tmp_path / "empty", force=True)).labels


def test_train_out_dot_is_one_line(tiny_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (["--out", "."], ["--out", ".", "--force"], ["--out", "..", "--force"]):
        result = run("train", "--data", tiny_dir / "tiny.csv", "--cv", "0", *args)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines()[-1].startswith("error: "), result.output
        assert "Traceback" not in result.output
    assert sorted(os.listdir(tmp_path)) == []


def test_train_into_an_unwritable_folder_is_one_line(tiny_dir, tmp_path, monkeypatch):
    import tempfile

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: fail the way a read-only folder does

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied", str(folder))

        monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    try:
        result = run("train", "--data", tiny_dir / "tiny.csv", "--cv", "0",
                     "--out", folder / "m")
        assert result.exit_code == 1, result.output
        last = result.output.strip().splitlines()[-1]
        assert last.startswith("error: ") and "Permission denied" in last, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    finally:
        folder.chmod(0o755)


# 7. Labels come from the model; file names stay in the folder.


@pytest.mark.parametrize("fast", [False, True])
def test_metadata_labels_that_disagree_with_the_model_are_refused(tiny_model, tmp_path, fast):
    path = save_model(tiny_model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    meta["labels"] = meta["labels"][::-1]
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="labels .* do not match"):
        load_model(path, fast=fast)


def test_metadata_labels_that_disagree_fail_in_one_line_under_jobs(
    tiny_model, tiny_dir, tmp_path
):
    path = save_model(tiny_model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    meta["labels"] = meta["labels"][::-1]
    (path / "metadata.json").write_text(json.dumps(meta))
    (tmp_path / "previous.csv").write_text("keep")
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "predict", "--model", str(path), "--input",
         str(tiny_dir / "tiny.csv"), "--output", str(tmp_path / "previous.csv"),
         "--jobs", "2", "--quiet"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "do not match" in lines[0], result.stderr
    assert (tmp_path / "previous.csv").read_text() == "keep"


def test_a_tampered_model_fails_in_one_line_under_jobs(tiny_model, tiny_dir, tmp_path):
    path = save_model(tiny_model, tmp_path / "m")
    (path / "model.npz").write_bytes(b"tampered")
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "predict", "--model", str(path), "--input",
         str(tiny_dir / "tiny.csv"), "--output", str(tmp_path / "out.jsonl"),
         "--jobs", "2", "--quiet"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "checksum mismatch" in lines[0], result.stderr


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "sub/../../x",
                                  "..", ""])
def test_metadata_file_names_may_not_leave_the_folder(tiny_model, tmp_path, monkeypatch, name):
    import classifier.persistence as persistence

    path = save_model(tiny_model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    meta["files"][name] = "0" * 64
    (path / "metadata.json").write_text(json.dumps(meta))
    hashed = []
    real = persistence.sha256_file
    monkeypatch.setattr(persistence, "sha256_file", lambda p: hashed.append(p) or real(p))
    with pytest.raises(ModelFileError, match="not a file name inside the model folder"):
        load_model(path)
    assert all(p.parent == path for p in hashed)


# 10. Malformed metadata.json: one line, never a traceback.


def deep(n):
    return "[" * n + "]" * n


@pytest.mark.parametrize("text", [
    "[1, 2]", '"text"', deep(100_000),
    '{"package": "classifier", "format_version": 1, "versions": []}',
    '{"package": "classifier", "format_version": 2, "versions": []}',
    '{"package": "classifier", "format_version": 1, "backend": "tfidf", "files": []}',
    '{"package": "classifier", "format_version": 1, "backend": "tfidf", "labels": "ab", '
    '"files": {"model.npz": "0"}}',
    '{"package": "classifier", "format_version": 1, "backend": ["tfidf"]}',
    '{"package": "classifier", "format_version": 1, "backend": "tfidf", "config": [], '
    '"files": {"model.npz": "0"}}',
    '{"package": "classifier", "format_version": 1, "backend": "tfidf", '
    '"files": {"model.npz": 7}}',
    '{"package": "classifier", "format_version": 1, "backend": "tfidf", "data": '
    + deep(50_000) + "}",
])
def test_malformed_metadata_is_one_line(tmp_path, text):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "metadata.json").write_text(text)
    with pytest.raises(ModelFileError):
        load_model(folder)
    result = run("predict", "--model", folder, "Police said so.")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and len(result.output.splitlines()) == 1, (
        result.output)


# 11. Staging folders of a killed save are cleaned by the next save in that folder.

KILL_IN_SAVE = """
import os, signal, sys
from pathlib import Path

from classifier.persistence import load_model, save_model
from classifier.tfidf.backend import SklearnModel

real_write = SklearnModel.write


def write(self, folder, format="joblib"):
    real_write(self, folder, format)
    os.kill(os.getpid(), signal.SIGKILL)


model = load_model(sys.argv[1])
SklearnModel.write = write
save_model(model, Path(sys.argv[2]), force=True)
"""


def test_a_killed_save_leaves_nothing_after_the_next_save(tiny_model, tmp_path):
    source = save_model(tiny_model, tmp_path / "source")
    models = tmp_path / "models"
    target = save_model(tiny_model, models / "m")
    staged = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", KILL_IN_SAVE, str(source), str(target)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == -9, result.stderr
        staged.append(sorted(set(os.listdir(models)) - {"m"}))
    assert len(staged[0]) == 1 and staged[0][0].endswith(".staging")
    assert len(staged[1]) == 1 and staged[1] != staged[0]  # the first one was cleaned
    live = models / f".m.{os.getpid()}.live.staging"  # a save still running here
    live.mkdir()
    save_model(tiny_model, models / "other")
    assert sorted(os.listdir(models)) == [live.name, "m", "other"]
    assert load_model(target).labels == tiny_model.labels
