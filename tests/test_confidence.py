"""``min_confidence`` and ``Prediction.top`` in the Python API (issue 18, item 14)."""

from __future__ import annotations

import pytest

from classifier.errors import ClassifierError

TEXTS = ["Police said two men were held.", "Officials fear the plan may reflect a trend.",
         "It rained on Friday."]


def test_predict_min_confidence_withholds_labels_and_keeps_probabilities(tiny_model):
    plain = tiny_model.predict(TEXTS)
    cut = sorted(p.confidence for p in plain)[1]  # the lowest one falls below
    cut_preds = tiny_model.predict(TEXTS, min_confidence=cut)
    for before, after in zip(plain, cut_preds):
        assert after.probabilities == before.probabilities
        assert after.confidence == pytest.approx(before.confidence)
        if before.confidence < cut:
            assert (after.label, after.error) == (None, "low confidence")
        else:
            assert after.label == before.label and after.error is None
    assert sum(p.label is None for p in cut_preds) == 1


def test_tag_article_min_confidence_and_summary(tiny_model):
    article = tiny_model.tag_article(" ".join(TEXTS), min_confidence=1.0)
    assert all(p.label is None and p.error == "low confidence" for p in article.sentences)
    assert sum(s.count for s in article.summary) == 0
    assert all(p.probabilities for p in article.sentences)


def test_min_confidence_must_be_a_probability(tiny_model):
    with pytest.raises(ClassifierError, match="between 0 and 1"):
        tiny_model.predict(TEXTS, min_confidence=1.5)


def test_top_k(tiny_model):
    p = tiny_model.predict(TEXTS[:1])[0]
    top = p.top(2)
    assert len(top) == 2 and top[0] == (p.label, p.confidence) and top[0][1] >= top[1][1]
    assert [label for label, _ in p.top(10)] == sorted(p.probabilities,
                                                       key=lambda k: -p.probabilities[k])
