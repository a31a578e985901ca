"""The NumPy scorer (``classifier.tfidf.numpy_scorer``): it gives the pipeline's
probabilities, for the tiny model, the shipped one and every feature step."""

from pathlib import Path

import numpy as np
import pytest

from classifier.persistence import load_model, save_model


def test_fast_scorer_matches_the_pipeline(tiny_model, saved_model, seed_text):
    from classifier.text.sentences import split_sentences
    from classifier.tfidf.numpy_scorer import FastModel

    fast = load_model(saved_model, fast=True)
    assert isinstance(fast, FastModel) and fast.labels == tiny_model.labels
    texts = [s.text for s in split_sentences(seed_text)] + ["", "A", "ÉTÉ 2024 — ça va?"]
    np.testing.assert_allclose(
        fast.predict_proba(texts), tiny_model.predict_proba(texts), rtol=0, atol=1e-9
    )


def test_shipped_model_fast_path_matches_on_test_sentences():
    from classifier.data import load_labeled

    test = Path(__file__).resolve().parents[2] / "data" / "test.jsonl"
    texts = load_labeled(test).texts
    reference = load_model(fast=False).predict_proba(texts)  # the scikit-learn pipeline
    for fast in (True, None):  # the NumPy scorer alone, and the default (NumPy, lazy pipeline)
        np.testing.assert_allclose(load_model(fast=fast).predict_proba(texts), reference,
                                   rtol=0, atol=1e-9)


def test_model_without_fast_arrays_falls_back_to_the_pipeline(tiny_data, tmp_path):
    from classifier.tfidf.backend import SklearnModel
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    model = train(tiny_data, PipelineConfig(estimator="sgd"), cv=0)
    path = save_model(model, tmp_path / "sgd")
    assert "model.npz" not in load_model(path).metadata["files"]
    assert isinstance(load_model(path, fast=True), SklearnModel)


@pytest.mark.parametrize("char_range", [(1, 3), (3, 5)])
def test_fast_scorer_matches_with_and_without_the_vectorised_index(tiny_data, tmp_path,
                                                                   char_range):
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    config = PipelineConfig(char_ngram_range=char_range, min_df=1, sublinear_tf=True)
    model = train(tiny_data, config, cv=0)
    fast = load_model(save_model(model, tmp_path / "m"), fast=True)
    char = fast._blocks[1]
    assert (char.index is None) == (char_range[0] == 1)  # (1, n) falls back to strings
    texts = tiny_data.texts + ["", "  x  ", "ÉTÉ 2024 — ça va?"]
    np.testing.assert_allclose(fast.predict_proba(texts), model.predict_proba(texts),
                               rtol=0, atol=1e-9)


@pytest.mark.parametrize("format", ["joblib", "skops"])
def test_case_step_round_trips_and_the_fast_scorer_applies_it(tiny_data, tmp_path, format):
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    model = train(tiny_data, PipelineConfig(lowercase=False, normalize_case=True), cv=0)
    folder = save_model(model, tmp_path / "m", format=format)
    texts = [t.upper() for t in tiny_data.texts] + tiny_data.texts
    for loaded in (load_model(folder, fast=True), load_model(folder, safe=True)):
        np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts),
                                   rtol=0, atol=1e-9)
