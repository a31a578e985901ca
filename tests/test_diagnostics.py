import json

import pytest

from classifier.data import LabeledData
from classifier.diagnostics import diagnose, load_topics, reliability_bins, topic_errors
from classifier.evaluation import evaluate


@pytest.fixture(scope="module")
def shifted():
    """Sentences the tiny model gets partly wrong, with topics."""
    texts = [
        "The minister said taxes would rise.", "Critics fear the plan could fail.",
        "The vote is on Friday.", "The move reflects a broader shift.",
        "Prices may climb further next year.", "Police said two men were held.",
        "The storm closed three schools.", "Observers say the result signals a change.",
    ]
    labels = ["official_claim", "speculation", "factual_report", "analysis",
              "analysis", "factual_report", "official_claim", "speculation"]
    return LabeledData(texts, labels, source="inline")


def test_report_matches_evaluate(tiny_model, shifted):
    details = diagnose(tiny_model, shifted)
    assert details.report == evaluate(tiny_model, shifted)
    assert details.topics is None
    assert set(details.model) == {"name", "backend", "created"}
    assert details.model["backend"] == "tfidf" and details.model["created"]


def test_reliability_bins_give_the_reported_ece(tiny_model, shifted):
    details = diagnose(tiny_model, shifted, bins=10)
    bins = details.reliability
    assert len(bins) == 10 and sum(b.count for b in bins) == len(shifted)
    ece = sum(b.count / len(shifted) * abs(b.confidence - b.accuracy) for b in bins if b.count)
    assert ece == pytest.approx(details.report.ece)
    assert all(b.confidence is None for b in bins if not b.count)


def test_reliability_bins_edges():
    bins = reliability_bins([1.0, 0.0, 0.25], [True, False, True], bins=4)
    assert [b.count for b in bins] == [1, 1, 0, 1]
    assert bins[-1].accuracy == 1.0 and bins[0].accuracy == 0.0


def test_mistakes_are_wrong_and_most_confident_first(tiny_model, shifted):
    details = diagnose(tiny_model, shifted, mistakes=3)
    assert 0 < len(details.mistakes) <= 3
    assert all(m.true != m.predicted for m in details.mistakes)
    confidences = [m.confidence for m in details.mistakes]
    assert confidences == sorted(confidences, reverse=True)
    first = details.mistakes[0]
    assert first.confidence == pytest.approx(max(first.probabilities.values()))
    assert max(first.probabilities, key=first.probabilities.get) == first.predicted
    n_wrong = round(len(shifted) * (1 - details.report.accuracy))
    assert len(diagnose(tiny_model, shifted, mistakes=100).mistakes) == n_wrong


def test_errors_per_topic(tiny_model, shifted):
    topics = ["a", "a", "a", "a", "b", "b", None, "b"]
    details = diagnose(tiny_model, shifted, topics)
    by_topic = {t.topic: t for t in details.topics}
    assert set(by_topic) == {"a", "b"}
    assert by_topic["a"].n == 4 and by_topic["b"].n == 3
    rates = [t.error_rate for t in details.topics]
    assert rates == sorted(rates, reverse=True)
    for t in details.topics:
        assert t.errors == sum(c.count for c in t.confusions) or len(t.confusions) == 3
        assert all(c.true != c.predicted for c in t.confusions)
    with pytest.raises(ValueError):
        diagnose(tiny_model, shifted, ["a"])


def test_topic_errors_counts():
    result = topic_errors(["x", "x", "y"], ["a", "b", "a"], ["a", "a", "a"])
    assert [(t.topic, t.n, t.errors) for t in result] == [("x", 2, 1), ("y", 1, 0)]
    assert result[0].confusions[0].true == "b" and result[0].confusions[0].count == 1


def test_load_topics_matches_by_text(tmp_path, tiny_data):
    from classifier.data import load_labeled

    rows = [{"text": t, "label": lab, "topic": f"t{i % 3}"}
            for i, (t, lab) in enumerate(zip(tiny_data.texts[:6], tiny_data.labels[:6]))]
    rows.insert(2, {"text": "", "label": "analysis", "topic": "dropped"})  # dropped row
    path = tmp_path / "topics.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    data = load_labeled(path)
    assert load_topics([str(path)], data) == ["t0", "t1", "t2", "t0", "t1", "t2"]
    assert load_topics([str(path)], data, topic_column="desk") is None
    assert diagnose_topics_none(tmp_path) is None


def diagnose_topics_none(tmp_path):
    from classifier.data import load_labeled

    path = tmp_path / "plain.csv"
    path.write_text("text,label\nIt rained.,factual_report\nIt may rain.,speculation\n",
                    encoding="utf-8")
    return load_topics(str(path), load_labeled(path))
