import json
import subprocess
import sys

import numpy as np
import pytest

from classifier.errors import ModelFileError
from classifier.persistence import load_model, resolve_model_path, save_model

SENTENCES = ["Police said two men were held.", "Prices may rise.", "It marks a shift."]


def test_round_trip_gives_identical_probabilities(tiny_model, saved_model):
    loaded = load_model(saved_model)
    assert loaded.labels == tiny_model.labels
    np.testing.assert_array_equal(
        loaded.predict_proba(SENTENCES), tiny_model.predict_proba(SENTENCES)
    )
    assert loaded.metadata["name"] == "tiny"
    assert loaded.metadata["format_version"] == 1


def test_fresh_process_gives_identical_probabilities(tiny_model, saved_model):
    code = (
        "import sys, json; from classifier import load_model; "
        "print(json.dumps(load_model(sys.argv[1]).predict_proba(json.loads(sys.argv[2]))"
        ".tolist()))"
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
