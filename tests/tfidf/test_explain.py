import numpy as np
import pytest

from classifier.errors import ExplainError
from classifier.model import Model
from classifier.tfidf.explain import KINDS, explain
from classifier.tfidf.pipeline import PipelineConfig
from classifier.training import train

SENTENCE = "Officials said the bridge may reopen next week."


@pytest.fixture(scope="module")
def cascade_model(tiny_data):
    return train(tiny_data, PipelineConfig(estimator="cascade"), cv=0)


def _softmax(scores):
    scores = np.asarray(scores) - max(scores)
    return np.exp(scores) / np.exp(scores).sum()


def test_contributions_add_up_to_the_scores_and_probabilities(tiny_model):
    result = tiny_model.explain(SENTENCE)
    (stage,) = result.stages
    assert result.estimator == "logreg" and stage.name == "all labels"
    for score in stage.labels:
        total = score.intercept + sum(c.contribution for c in score.contributions)
        assert total == pytest.approx(score.score)
        assert score.intercept + sum(score.totals.values()) == pytest.approx(score.score)
    # the model's own arithmetic: softmax of the scores is predict_proba
    scores = {s.label: s.score for s in stage.labels}
    labels = list(tiny_model.labels)
    expected = tiny_model.predict_proba([SENTENCE])[0]
    assert _softmax([scores[label] for label in labels]) == pytest.approx(expected)
    assert result.probabilities == pytest.approx(dict(zip(labels, expected)))
    assert result.label == tiny_model.predict([SENTENCE])[0].label


def test_contributions_are_sorted_and_cut_to_top(tiny_model):
    full = explain(tiny_model, SENTENCE)
    cut = explain(tiny_model, SENTENCE, top=3)
    for whole, part in zip(full.stages[0].labels, cut.stages[0].labels):
        values = [c.contribution for c in whole.contributions]
        assert values == sorted(values, reverse=True)
        assert part.toward(10) == whole.toward(3)
        assert part.against(10) == whole.against(3)
        assert part.totals == whole.totals and part.score == whole.score
        assert all(c.contribution > 0 for c in whole.toward(100))
        assert {c.kind for c in whole.contributions} <= set(KINDS)


def test_every_feature_kind_is_named(tiny_model):
    result = explain(tiny_model, SENTENCE)
    features = {(c.kind, c.feature) for c in result.stages[0].labels[0].contributions}
    assert ("word", "said") in features
    assert ("cue", "attr_any") in features
    assert any(kind == "char" for kind, _ in features)


def test_cascade_is_explained_stage_by_stage(cascade_model):
    result = cascade_model.explain(SENTENCE)
    assert result.estimator == "cascade"
    first, rest = result.stages
    assert {s.label for s in first.labels} == {"official_claim", "not official_claim"}
    assert "official_claim" not in {s.label for s in rest.labels}
    # the two-label stage is a mirror image: log-odds of one label against the other
    yes = next(s for s in first.labels if s.label == "official_claim")
    no = next(s for s in first.labels if s.label == "not official_claim")
    assert yes.score == pytest.approx(-no.score)
    assert yes.probability == pytest.approx(1 / (1 + np.exp(-yes.score)))
    assert yes.probability == pytest.approx(result.probabilities["official_claim"])
    # stage 2 is conditional on "not official_claim"; the joint is the product
    for score in rest.labels:
        joint = (1 - yes.probability) * score.probability
        assert result.probabilities[score.label] == pytest.approx(joint)
    assert _softmax([s.score for s in rest.labels]) == pytest.approx(
        [s.probability for s in rest.labels])


def test_sgd_scores_are_its_decision_function(tiny_data):
    model = train(tiny_data, PipelineConfig(estimator="sgd"), cv=0)
    result = model.explain(SENTENCE)
    features = model.pipeline.named_steps["features"].transform([SENTENCE])
    decision = model.pipeline.named_steps["clf"].decision_function(features)[0]
    scores = {s.label: s.score for s in result.stages[0].labels}
    assert [scores[label] for label in model.labels] == pytest.approx(decision)


def test_calibrated_models_cannot_be_explained(tiny_data):
    model = train(tiny_data, PipelineConfig(estimator="linearsvc"), cv=0)
    with pytest.raises(ExplainError, match="CalibratedClassifierCV"):
        model.explain(SENTENCE)


def test_the_numpy_scorer_says_how_to_explain(saved_model):
    from classifier.persistence import load_model

    with pytest.raises(ExplainError, match="fast=False"):
        load_model(saved_model, fast=True).explain(SENTENCE)


def test_other_backends_raise_a_clear_error():
    class Other(Model):
        backend = "transformer"
        metadata: dict = {}
        labels = ("a", "b")

        def write(self, folder):
            return []

        @classmethod
        def read(cls, folder, metadata, fast=False):
            return cls()

        def _proba(self, texts):
            return np.full((len(texts), 2), 0.5)

    with pytest.raises(ExplainError, match="transformer backend cannot explain"):
        Other().explain(SENTENCE)
    with pytest.raises(ExplainError, match="transformer backend"):
        Other().top_features()


def test_empty_text_is_refused(tiny_model):
    with pytest.raises(ExplainError, match="empty"):
        tiny_model.explain("   ")


def test_top_features_per_label(tiny_model):
    result = tiny_model.top_features(5)
    assert result.estimator == "logreg" and result.n_features > 0
    (stage,) = result.stages
    assert [f.label for f in stage.labels] == list(tiny_model.labels)
    coef = tiny_model.pipeline.named_steps["clf"].coef_
    for k, label in enumerate(stage.labels):
        assert 0 < len(label.toward) <= 5
        weights = [w.weight for w in label.toward]
        assert weights == sorted(weights, reverse=True)
        assert weights[0] == pytest.approx(coef[k].max())
        assert label.against[0].weight == pytest.approx(coef[k].min())


def test_top_features_by_kind(tiny_model, cascade_model):
    words = tiny_model.top_features(10, kinds=("word",))
    assert {w.kind for label in words.stages[0].labels for w in label.toward} == {"word"}
    cues = cascade_model.top_features(3, kinds=("cue",))
    assert len(cues.stages) == 2
    assert {w.kind for s in cues.stages for label in s.labels for w in label.toward} == {"cue"}
    with pytest.raises(ExplainError, match="unknown feature kind"):
        tiny_model.top_features(3, kinds=("letters",))


def test_explanations_are_plain_data(tiny_model):
    import json

    assert json.loads(json.dumps(tiny_model.explain(SENTENCE, top=2).to_dict()))["label"]
    assert json.loads(json.dumps(tiny_model.top_features(2).to_dict()))["stages"]
