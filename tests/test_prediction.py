"""Typed results and batched prediction (``classifier.prediction``)."""

import numpy as np
import pytest

from classifier import prediction as batching
from classifier.errors import ClassifierError
from classifier.prediction import (
    ArticlePrediction,
    Prediction,
    check_min_confidence,
    make_predictions,
    sentence_source,
    source_columns,
    summarize,
)

LABELS = ("factual_report", "official_claim", "speculation")


def test_make_predictions_labels_scored_rows_and_says_why_others_have_none():
    proba = [[0.2, 0.7, 0.1], None, None, [0.4, 0.35, 0.25]]
    texts = ["A claim.", "", "By Jane Doe", "Unsure."]
    spans = [(0, 8), (9, 9), (10, 21), (22, 29)]
    kinds = ["sentence", "sentence", "byline", "sentence"]
    preds = make_predictions(texts, LABELS, proba, spans, kinds, min_confidence=0.5)
    assert [p.label for p in preds] == ["official_claim", None, None, None]
    assert [p.error for p in preds] == [None, "empty text", "not a sentence: byline",
                                        "low confidence"]
    assert preds[0].probabilities == {"factual_report": 0.2, "official_claim": 0.7,
                                      "speculation": 0.1}
    assert preds[2].kind == "byline" and preds[2].probabilities == {}
    assert preds[3].probabilities["factual_report"] == 0.4  # withheld, not dropped
    assert [(p.start, p.end) for p in preds] == spans


def test_confidence_is_the_label_probability_or_the_best_one():
    probabilities = {"a": 0.6, "b": 0.4}
    assert Prediction("x", "b", probabilities).confidence == 0.4
    assert Prediction("x", None, probabilities, error="low confidence").confidence == 0.6
    assert Prediction("", None, {}, error="empty text").confidence == 0.0


def test_summarize_keeps_the_given_order_then_frequency_and_skips_unlabeled():
    shares = summarize(["b", "c", None, "c", "a"], order=("a", "b"))
    assert [(s.label, s.count) for s in shares] == [("a", 1), ("b", 1), ("c", 2)]
    assert sum(s.share for s in shares) == pytest.approx(1.0)
    assert [(s.label, s.share) for s in summarize([None], ("a",))] == [("a", 0.0)]


def test_min_confidence_must_be_a_probability():
    assert check_min_confidence(0.0) == 0.0 and check_min_confidence(1.0) == 1.0
    with pytest.raises(ClassifierError, match="between 0 and 1"):
        check_min_confidence(-0.1)


def test_an_article_attaches_sources_to_attributed_sentences_only():
    text = "Rates will rise, the central bank said. It rained, police said."
    article = ArticlePrediction(text, [
        Prediction(text[:39], "official_claim", {}, 0, 39),
        Prediction(text[40:], "factual_report", {}, 40, len(text)),
    ], LABELS)
    first, second = article.sentences
    assert text[first.source.start:first.source.end] == "the central bank"
    assert first.source.kind == "official" and first.source.cue == "said"
    assert second.source is None  # a factual report gets no source, whatever it names
    assert article.sources == [first.source]
    assert [(s.label, s.count) for s in article.summary] == [
        ("factual_report", 1), ("official_claim", 1), ("speculation", 0)]


def test_one_sentence_gets_a_source_only_under_an_attributed_label():
    assert sentence_source("Police said two men were held.", "factual_report") is None
    assert sentence_source("Police said two men were held.", "official_claim").text == "Police"


def test_source_columns_are_flat_with_offsets_into_each_input_row():
    groups = [("The bank said rates rise.", [(0, 25)]), ("Rates rise, the bank said.", [(0, 26)])]
    cols = source_columns(groups, ["factual_report", "official_claim"])
    assert list(cols) == list(batching.SOURCE_COLUMNS)
    assert all(len(values) == 2 for values in cols.values())
    assert cols["source"] == [None, "the bank"] and cols["source_start"] == [None, 12]
    assert cols["source_kind"] == [None, "official"] and cols["cue"] == [None, "said"]


# Batched prediction with a callback after each batch (the CLI's progress bars).

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
