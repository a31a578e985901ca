import numpy as np
import pytest

from classifier.persistence import load_model, save_model
from classifier.tfidf.estimators import CascadeClassifier
from classifier.tfidf.pipeline import PipelineConfig, build_pipeline
from classifier.training import train


def test_cascade_probabilities_sum_to_one(tiny_data):
    pipeline = build_pipeline(PipelineConfig(estimator="cascade"))
    pipeline.fit(tiny_data.texts, tiny_data.labels)
    proba = pipeline.predict_proba(tiny_data.texts)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert isinstance(pipeline.named_steps["clf"], CascadeClassifier)
    assert (pipeline.predict(tiny_data.texts) == np.array(tiny_data.labels)).mean() > 0.9


def test_cascade_needs_its_first_label():
    X = np.eye(4)
    with pytest.raises(ValueError, match="needs the label"):
        CascadeClassifier(first="official_claim").fit(X, ["a", "b", "c", "a"])


def test_cascade_fast_path_matches(tiny_data, tmp_path, seed_text):
    model = train(tiny_data, PipelineConfig(estimator="cascade"), cv=0)
    path = save_model(model, tmp_path / "cascade")
    assert "model.npz" in load_model(path).metadata["files"]
    texts = [s.strip() for s in seed_text.split(".") if s.strip()]
    np.testing.assert_allclose(load_model(path, fast=True).predict_proba(texts),
                               model.predict_proba(texts), rtol=0, atol=1e-9)
