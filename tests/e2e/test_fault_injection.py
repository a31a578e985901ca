"""Fault injection (issue 15): a full disk at every write of a save, ``kill -9`` at random
points of a save and of a stream, and concurrent writers. After each fault the previous
model or output is intact, and the next run leaves no temporary behind. Runs in well
under a minute: subprocesses only where a real kill is needed."""

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.errors import ModelFileError
from classifier.persistence import load_model, save_model

SENTENCES = ["Police said two men were held.", "Prices may rise.", "It marks a shift."]
ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# The calls a save makes that touch the disk: a fault may strike at any of them.
SAVE_POINTS = """
import os, shutil, tempfile
from pathlib import Path

import classifier.model_card as card
import classifier.persistence as persistence
from classifier.tfidf.backend import SklearnModel


def inject(fault):
    '''Call ``fault(name)`` before each disk-touching call of a save.'''
    def wrap(owner, name, label):
        real = getattr(owner, name)

        def call(*args, **kwargs):
            fault(label)
            return real(*args, **kwargs)

        setattr(owner, name, call)

    wrap(tempfile, "mkdtemp", "mkdtemp")
    wrap(SklearnModel, "write", "write artifacts")
    wrap(persistence, "sha256_file", "checksum")
    wrap(Path, "write_text", "write text")
    wrap(card, "write_model_card", "model card")
    wrap(os, "replace", "rename")
    wrap(shutil, "rmtree", "remove")
"""


def count_save_points(model, folder: Path) -> list[str]:
    calls: list[str] = []
    namespace: dict = {}
    exec(SAVE_POINTS, namespace)
    with pytest.MonkeyPatch.context() as mp:
        for owner, name in _patched(namespace):
            mp.setattr(owner, name, getattr(owner, name))  # restored on exit
        namespace["inject"](calls.append)
        save_model(model, folder, force=True)
    return calls


def _patched(namespace):
    import shutil
    import tempfile

    import classifier.model_card as card
    import classifier.persistence as persistence
    from classifier.tfidf.backend import SklearnModel

    return [(tempfile, "mkdtemp"), (SklearnModel, "write"), (persistence, "sha256_file"),
            (Path, "write_text"), (card, "write_model_card"), (os, "replace"),
            (shutil, "rmtree")]


def test_disk_full_at_every_write_of_a_save_keeps_the_previous_model(tiny_model, tmp_path):
    models = tmp_path / "models"
    path = save_model(tiny_model, models / "m")
    before = snapshot(path)
    points = count_save_points(tiny_model, models / "m")
    assert len(points) >= 6, points
    before = snapshot(path)
    for k in range(len(points)):
        seen = []

        def fault(label, k=k, seen=seen):
            seen.append(label)
            if len(seen) == k + 1 and label != "remove":  # cleanup may fail quietly
                raise OSError(errno.ENOSPC, "No space left on device")

        namespace: dict = {}
        exec(SAVE_POINTS, namespace)
        with pytest.MonkeyPatch.context() as mp:
            for owner, name in _patched(namespace):
                mp.setattr(owner, name, getattr(owner, name))
            namespace["inject"](fault)
            if points[k] == "remove":
                save_model(tiny_model, path, force=True)
            else:
                with pytest.raises(ModelFileError, match="No space left on device"):
                    save_model(tiny_model, path, force=True)
        assert sorted(os.listdir(models)) == ["m"], (points[k], os.listdir(models))
        after = snapshot(path)
        assert after.keys() == before.keys(), points[k]
        np.testing.assert_allclose(load_model(path).predict_proba(SENTENCES),
                                   tiny_model.predict_proba(SENTENCES), rtol=0, atol=1e-9)


KILL_SAVE = SAVE_POINTS + """
import signal, sys

from classifier.persistence import load_model, save_model

source, target, point = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = load_model(source, fast=False)
seen = []


def fault(label):
    seen.append(label)
    if len(seen) == point:
        os.kill(os.getpid(), signal.SIGKILL)


inject(fault)
save_model(model, Path(target), force=True)
"""


def test_kill_9_at_random_points_of_a_save(tiny_model, tiny_data, tmp_path):
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    other = train(tiny_data, PipelineConfig(C=0.5), cv=0)  # a different model to swap in
    source = save_model(other, tmp_path / "source")
    models = tmp_path / "models"
    path = save_model(tiny_model, models / "m")
    old, new = tiny_model.predict_proba(SENTENCES), other.predict_proba(SENTENCES)
    points = count_save_points(tiny_model, tmp_path / "count")
    for point in sorted(random.Random(15).sample(range(1, len(points) + 1), 4)):
        save_model(tiny_model, path, force=True)  # start from the old model
        result = subprocess.run([sys.executable, "-c", KILL_SAVE, str(source), str(path),
                                 str(point)], capture_output=True, text=True, timeout=120)
        assert result.returncode == -signal.SIGKILL, (points[point - 1], result.stderr)
        proba = load_model(path).predict_proba(SENTENCES)  # old or new, whole
        assert any(np.allclose(proba, p, rtol=0, atol=1e-9) for p in (old, new)), (
            points[point - 1])
        save_model(tiny_model, models / "next")  # the next save in that folder cleans up
        assert sorted(os.listdir(models)) == ["m", "next"], (points[point - 1],
                                                             os.listdir(models))
        save_model(tiny_model, path, force=True)
        assert sorted(os.listdir(models)) == ["m", "next"]
        load_model(models / "next")
        (models / "next").rename(tmp_path / f"done-{point}")


CONCURRENT_SAVE = """
import sys
from pathlib import Path

from classifier.persistence import load_model, save_model

model = load_model(sys.argv[1], fast=False)
for _ in range(2):
    save_model(model, Path(sys.argv[2]), force=True)
"""


def test_concurrent_saves_to_one_folder_each_finish_whole(tiny_model, tiny_data, tmp_path):
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    sources = [save_model(train(tiny_data, PipelineConfig(C=c), cv=0), tmp_path / f"s{c}")
               for c in (0.5, 2.0, 8.0)]
    expected = [load_model(s).predict_proba(SENTENCES) for s in sources]
    models = tmp_path / "models"
    target = save_model(tiny_model, models / "m")
    runs = [subprocess.Popen([sys.executable, "-c", CONCURRENT_SAVE, str(s), str(target)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for s in sources]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert sorted(os.listdir(models)) == ["m"]
    proba = load_model(target).predict_proba(SENTENCES)
    assert any(np.allclose(proba, p, rtol=0, atol=1e-9) for p in expected)


# Streaming: a kill mid-run, a full disk mid-run, two runs to one output.


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    """Enough team-written rows for a stream to be killed half-way."""
    path = tmp_path_factory.mktemp("stream") / "in.jsonl"
    words = ["officials", "said", "prices", "may", "rise", "the", "report", "shows", "a",
             "shift", "police", "held", "two", "men", "analysts", "expect", "growth"]
    rng = random.Random(15)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(30_000):
            text = " ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
            handle.write(json.dumps({"id": f"r{i}", "text": text}) + "\n")
    return path


def rows_of(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8"))


def predict_command(model, source, output):
    return [sys.executable, "-m", "classifier", "predict", "--model", str(model), "--input",
            str(source), "--output", str(output), "--jobs", "1", "--quiet"]


def test_kill_9_mid_stream_keeps_the_previous_output_and_is_cleaned_up(
    saved_model, big_input, tmp_path
):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    rng = random.Random(15)
    for _ in range(2):
        run = subprocess.Popen(predict_command(saved_model, big_input, out),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.")]:
            assert run.poll() is None and time.monotonic() < deadline, "no temporary file"
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        assert out.read_text() == "previous\n"
    result = subprocess.run(predict_command(saved_model, big_input, out), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]
    assert rows_of(out) == rows_of(big_input)


def test_disk_full_mid_stream_keeps_the_previous_output(saved_model, big_input, tmp_path,
                                                         monkeypatch):
    from classifier.batch import writer

    out = tmp_path / "out.csv"
    out.write_text("previous\n")

    class TinyDisk:
        """A file on a disk that fills up after 200 kB."""

        def __init__(self, path, mode):
            self.file, self.room = open(path, mode), 200_000  # noqa: SIM115

        def write(self, data):
            self.room -= len(data)
            if self.room < 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.file.write(data)

        def __getattr__(self, name):
            return getattr(self.file, name)

    monkeypatch.setattr(writer, "open", TinyDisk, raising=False)
    result = CliRunner().invoke(app, ["predict", "--model", str(saved_model), "--input",
                                      str(big_input), "--output", str(out), "--jobs", "1",
                                      "--quiet"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and len(result.output.splitlines()) == 1
    assert "No space left on device" in result.output
    assert out.read_text() == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]


def test_two_streams_to_one_output_never_mix(saved_model, big_input, tmp_path):
    out = tmp_path / "out.jsonl"
    runs = [subprocess.Popen(predict_command(saved_model, big_input, out),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    assert any(code == 0 for code, _ in results), results
    for code, err in results:
        assert code == 0 or (code == 1 and err.startswith("error: ")
                             and len(err.splitlines()) == 1), err
    rows = [json.loads(line)["row"] for line in out.open(encoding="utf-8")]
    assert rows == list(range(rows_of(big_input)))
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]
