import numpy as np

from classifier import prediction as batching


def test_batched_probabilities_match_one_call(tiny_model, tiny_data):
    calls = []
    proba = batching.predict_proba(tiny_model, tiny_data.texts, lambda d, t: calls.append((d, t)),
                                   batch_size=10)
    assert np.allclose(proba, tiny_model.predict_proba(tiny_data.texts))
    assert calls == [(10, 48), (20, 48), (30, 48), (40, 48), (48, 48)]


def test_without_callback_it_is_one_call(tiny_model, tiny_data):
    proba = batching.predict_proba(tiny_model, tiny_data.texts[:3])
    assert proba.shape == (3, len(tiny_model.labels))


def test_batched_predictions_and_articles(tiny_model, seed_text):
    texts = ["Prices may rise.", "", "It rained on Friday."] * 3
    calls = []
    predictions = batching.predict(tiny_model, texts, lambda d, t: calls.append(d), batch_size=4)
    assert predictions == tiny_model.predict(texts)
    assert calls == [4, 8, 9]
    articles = batching.tag_articles(tiny_model, [seed_text, "One. Two."] * 2, batch_size=3)
    assert articles == tiny_model.tag_articles([seed_text, "One. Two."] * 2)
    assert batching.predict(tiny_model, []) == []
