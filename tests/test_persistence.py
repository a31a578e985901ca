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


def test_fast_scorer_matches_the_pipeline(tiny_model, saved_model, seed_text):
    from classifier.fast import FastModel
    from classifier.sentences import split_sentences

    fast = load_model(saved_model, fast=True)
    assert isinstance(fast, FastModel) and fast.labels == tiny_model.labels
    texts = [s.text for s in split_sentences(seed_text)] + ["", "A", "ÉTÉ 2024 — ça va?"]
    np.testing.assert_allclose(
        fast.predict_proba(texts), tiny_model.predict_proba(texts), rtol=0, atol=1e-9
    )


def test_shipped_model_fast_path_matches_on_test_sentences():
    from pathlib import Path

    from classifier.data import load_labeled

    test = Path(__file__).resolve().parents[1] / "data" / "test.jsonl"
    texts = load_labeled(test).texts
    np.testing.assert_allclose(
        load_model(fast=True).predict_proba(texts), load_model().predict_proba(texts),
        rtol=0, atol=1e-9,
    )


def test_model_without_fast_arrays_falls_back_to_the_pipeline(tiny_data, tmp_path):
    from classifier.model import SklearnModel
    from classifier.pipeline import PipelineConfig
    from classifier.training import train

    model = train(tiny_data, PipelineConfig(estimator="sgd"), cv=0)
    path = save_model(model, tmp_path / "sgd")
    assert "model.npz" not in load_model(path).metadata["files"]
    assert isinstance(load_model(path, fast=True), SklearnModel)
