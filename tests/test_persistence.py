import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifier.errors import ModelFileError
from classifier.persistence import load_model, resolve_model_path, save_model

SENTENCES = ["Police said two men were held.", "Prices may rise.", "It marks a shift."]


def test_round_trip_gives_identical_probabilities(tiny_model, saved_model):
    loaded = load_model(saved_model)
    assert loaded.labels == tiny_model.labels
    np.testing.assert_array_equal(  # the pipeline itself, read on first use
        loaded.pipeline.predict_proba(SENTENCES), tiny_model.predict_proba(SENTENCES)
    )
    np.testing.assert_allclose(  # what it predicts with: the NumPy export
        loaded.predict_proba(SENTENCES), tiny_model.predict_proba(SENTENCES), rtol=0, atol=1e-9
    )
    assert loaded.metadata["name"] == "tiny"
    assert loaded.metadata["format_version"] == 1


def test_fresh_process_gives_identical_probabilities(tiny_model, saved_model):
    code = (
        "import sys, json; from classifier import load_model; "
        "print(json.dumps(load_model(sys.argv[1], fast=False).predict_proba("
        "json.loads(sys.argv[2])).tolist()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(saved_model), json.dumps(SENTENCES)],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(out.stdout) == tiny_model.predict_proba(SENTENCES).tolist()


def test_refuses_to_overwrite_without_force(tiny_model, saved_model):
    with pytest.raises(ModelFileError, match="already exists"):
        save_model(tiny_model, saved_model)


def test_force_replaces(tiny_model, tmp_path):
    path = save_model(tiny_model, tmp_path / "m")
    save_model(tiny_model, path, force=True)
    assert load_model(path).labels == tiny_model.labels
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_checksum_mismatch_is_refused(tiny_model, tmp_path):
    path = save_model(tiny_model, tmp_path / "m")
    artifact = path / "model.joblib"
    artifact.write_bytes(artifact.read_bytes()[:-10])
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load_model(path)


def test_not_a_model(tmp_path):
    with pytest.raises(ModelFileError, match="not a classifier model"):
        load_model(tmp_path)
    with pytest.raises(ModelFileError, match="no such model"):
        load_model(tmp_path / "missing")
    (tmp_path / "metadata.json").write_text('{"package": "other"}')
    with pytest.raises(ModelFileError, match="not a classifier model"):
        load_model(tmp_path)


def test_unknown_format_version_says_what_to_do(tiny_model, tmp_path):
    path = save_model(tiny_model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    meta["format_version"] = 99
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="retrain it, or install classifier=="):
        load_model(path)


def test_other_sklearn_version_warns(tiny_model, tmp_path):
    path = save_model(tiny_model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    meta["versions"]["scikit-learn"] = "0.1"
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.warns(UserWarning, match="saved with scikit-learn 0.1"):
        load_model(path)


def test_default_model_is_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_model_path().name == "default"
    model = load_model()
    assert set(model.labels) == {"official_claim", "speculation", "analysis", "factual_report"}
    assert load_model("default").labels == model.labels


def test_model_env_variable(saved_model, monkeypatch):
    monkeypatch.setenv("CLASSIFIER_MODEL", str(saved_model))
    assert load_model().metadata["name"] == "tiny"


# Trust (issue 4): malicious pickles, the safe formats, crash-safe saves, version guard.

KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path

from classifier.tfidf.backend import SklearnModel

target, point = Path(sys.argv[1]), sys.argv[2]
real_write, real_replace = SklearnModel.write, os.replace


def write(self, folder, format="joblib"):  # the artifact half written, then killed
    files = real_write(self, folder, format)
    path = folder / files[0]
    path.write_bytes(path.read_bytes()[:100])
    os.kill(os.getpid(), signal.SIGKILL)


def replace(src, dst):  # killed between moving the old model aside and the new one in
    real_replace(src, dst)
    if Path(src) == target:
        os.kill(os.getpid(), signal.SIGKILL)


if point == "writing":
    SklearnModel.write = write
else:
    os.replace = replace
from classifier.cli import app

app(sys.argv[3:])
"""


class MarkerPayload:
    """A pickle whose loading creates ``path``: stands in for any code an attacker runs."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def plant_malicious_pickle(folder, marker, rewrite_checksum):
    """Swap the model's pickle for a malicious one; an attacker who sends the whole
    folder can also rewrite the recorded checksum (``rewrite_checksum``)."""
    import joblib

    from classifier.persistence import sha256_file

    joblib.dump(MarkerPayload(marker), folder / "model.joblib")
    if rewrite_checksum:
        meta = json.loads((folder / "metadata.json").read_text())
        meta["files"]["model.joblib"] = sha256_file(folder / "model.joblib")
        (folder / "metadata.json").write_text(json.dumps(meta))


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_malicious_payload_really_runs_code_when_unpickled(tmp_path):
    import joblib

    marker = tmp_path / "pwned"
    joblib.dump(MarkerPayload(marker), tmp_path / "evil.joblib")
    joblib.load(tmp_path / "evil.joblib")
    assert marker.exists()  # so the marker tests below are not vacuous


def test_checksum_refuses_a_swapped_malicious_pickle(tiny_model, tmp_path):
    path, marker = save_model(tiny_model, tmp_path / "m"), tmp_path / "pwned"
    plant_malicious_pickle(path, marker, rewrite_checksum=False)
    for safe in (False, True):
        with pytest.raises(ModelFileError, match="checksum mismatch"):
            load_model(path, safe=safe)
    assert not marker.exists()


@pytest.mark.parametrize("fast", [False, True])
def test_safe_load_never_unpickles(tiny_model, tmp_path, fast):
    path, marker = save_model(tiny_model, tmp_path / "m"), tmp_path / "pwned"
    plant_malicious_pickle(path, marker, rewrite_checksum=True)
    model = load_model(path, safe=True, fast=fast)  # reads model.npz, allow_pickle=False
    assert not marker.exists()
    np.testing.assert_allclose(
        model.predict_proba(SENTENCES), tiny_model.predict_proba(SENTENCES), rtol=0, atol=1e-9
    )


def test_safe_load_refuses_a_model_that_is_only_a_pickle(tiny_data, tmp_path):
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    model = train(tiny_data, PipelineConfig(estimator="sgd"), cv=0)  # no NumPy export
    path, marker = save_model(model, tmp_path / "m"), tmp_path / "pwned"
    plant_malicious_pickle(path, marker, rewrite_checksum=True)
    with pytest.raises(ModelFileError, match="safe loading refuses it.*--format skops"):
        load_model(path, safe=True)
    assert not marker.exists()


@pytest.mark.parametrize("safe", [False, True])
def test_skops_format_round_trip(tiny_model, tmp_path, safe):
    from classifier.tfidf.backend import SklearnModel

    path = save_model(tiny_model, tmp_path / "m", format="skops")
    meta = json.loads((path / "metadata.json").read_text())
    assert meta["format"] == "skops" and set(meta["files"]) == {"model.skops", "model.npz"}
    loaded = load_model(path, safe=safe)
    assert isinstance(loaded, SklearnModel)  # the full pipeline, read without pickle
    np.testing.assert_array_equal(
        loaded.pipeline.predict_proba(SENTENCES), tiny_model.predict_proba(SENTENCES)
    )


def test_metadata_records_the_format_actually_written(tiny_model, tmp_path):
    skops_model = load_model(save_model(tiny_model, tmp_path / "a", format="skops"))
    path = save_model(skops_model, tmp_path / "b")  # re-saved with the default format
    meta = json.loads((path / "metadata.json").read_text())
    assert meta["format"] == "joblib" and "model.joblib" in meta["files"]
    with pytest.raises(ModelFileError, match="cannot save format 'pickle'"):
        save_model(tiny_model, tmp_path / "c", format="pickle")


def test_unlisted_artifact_is_never_read(tiny_model, tmp_path):
    path, marker = save_model(tiny_model, tmp_path / "m", format="skops"), tmp_path / "pwned"
    plant_malicious_pickle(path, marker, rewrite_checksum=False)  # not in metadata["files"]
    meta = json.loads((path / "metadata.json").read_text())
    meta["format"] = "joblib"  # metadata pointing at a file it does not checksum
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="lists no model.joblib"):
        load_model(path)
    assert not marker.exists()


def test_failed_save_leaves_the_previous_model_unchanged(tiny_model, tmp_path, monkeypatch):
    from classifier.tfidf.backend import SklearnModel

    path = save_model(tiny_model, tmp_path / "m")
    before = snapshot(path)

    def broken_write(self, folder, format="joblib"):
        (folder / "model.joblib").write_bytes(b"half a model")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SklearnModel, "write", broken_write)
    with pytest.raises(ModelFileError, match="could not save.*No space left.*unchanged"):
        save_model(tiny_model, path, force=True)
    assert snapshot(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no staging folder left behind
    monkeypatch.undo()
    assert load_model(path).labels == tiny_model.labels


@pytest.mark.parametrize("point", ["writing", "swapping"])
def test_train_killed_mid_save_leaves_the_previous_model_loadable(
    tiny_dir, tiny_model, tmp_path, point
):
    import signal

    from classifier.persistence import backup_path

    path = save_model(tiny_model, tmp_path / "m")
    before, proba = snapshot(path), tiny_model.predict_proba(SENTENCES)
    args = ["train", "--data", str(tiny_dir / "tiny.csv"), "--out", str(path), "--cv", "0",
            "--force", "--seed", "1"]
    result = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(path), point, *args],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr
    survivor = path if point == "writing" else backup_path(path)
    assert snapshot(survivor) == before  # byte for byte
    np.testing.assert_array_equal(load_model(path, fast=False).predict_proba(SENTENCES), proba)
    save_model(tiny_model, path, force=True)  # the next save puts things back in order
    assert not backup_path(path).exists()
    np.testing.assert_array_equal(load_model(path, fast=False).predict_proba(SENTENCES), proba)


@pytest.mark.parametrize("fmt", ["joblib", "skops"])
def test_other_sklearn_version_warns_once_with_both_versions(
    tiny_model, tmp_path, monkeypatch, fmt
):
    import warnings

    import sklearn
    import sklearn.base

    with monkeypatch.context() as patch:  # every pickled estimator records version 0.1
        patch.setattr(sklearn.base, "__version__", "0.1")
        path = save_model(tiny_model, tmp_path / "m", format=fmt)
    meta = json.loads((path / "metadata.json").read_text())
    meta["versions"]["scikit-learn"] = "0.1"
    (path / "metadata.json").write_text(json.dumps(meta))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_model(path)
    assert [str(w.message) for w in caught] == [
        f"{path} was saved with scikit-learn 0.1, this is {sklearn.__version__}; predictions "
        "may differ (retrain to be safe, or install scikit-learn==0.1)"
    ]
    assert caught[0].filename == __file__  # points at the caller's load_model line
    with warnings.catch_warnings(record=True) as raw:  # what scikit-learn alone would say
        warnings.simplefilter("always")
        if fmt == "joblib":
            import joblib

            joblib.load(path / "model.joblib")
        else:
            from classifier.tfidf.skops_format import load_skops

            load_skops(path / "model.skops")
    assert len(raw) > 1

