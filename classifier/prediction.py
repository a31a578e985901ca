"""Typed prediction results: one sentence, one article, and label summaries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prediction:
    """The label of one sentence and the probability of every label.

    ``label`` is ``None`` (and ``error`` says why) when the text is empty, so
    that every input row still has exactly one result.
    """

    text: str
    label: str | None
    probabilities: dict[str, float]
    start: int | None = None
    end: int | None = None
    error: str | None = None

    @property
    def confidence(self) -> float:
        """Probability of the predicted label (0 when there is none)."""
        return self.probabilities.get(self.label, 0.0) if self.label else 0.0


@dataclass(frozen=True)
class LabelShare:
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class ArticlePrediction:
    """An article split into sentences, each one labeled, with label shares."""

    text: str
    sentences: list[Prediction] = field(default_factory=list)
    labels: tuple[str, ...] = ()

    @property
    def summary(self) -> list[LabelShare]:
        """Count and share of each label over the article's sentences."""
        return summarize([s.label for s in self.sentences], self.labels)


def summarize(labels: list[str | None], order: tuple[str, ...] = ()) -> list[LabelShare]:
    """Count and share of each label, in ``order`` and then by frequency."""
    counts = Counter(label for label in labels if label is not None)
    total = sum(counts.values())
    names = list(order) + [label for label, _ in counts.most_common() if label not in order]
    return [
        LabelShare(label, counts[label], counts[label] / total if total else 0.0)
        for label in names
    ]


def make_predictions(
    texts: list[str], labels: tuple[str, ...], proba, spans=None
) -> list[Prediction]:
    """Turn a probability matrix (rows = texts, columns = labels) into predictions."""
    results = []
    for i, text in enumerate(texts):
        start, end = spans[i] if spans is not None else (None, None)
        if proba[i] is None:
            results.append(Prediction(text, None, {}, start, end, error="empty text"))
            continue
        probabilities = {label: float(p) for label, p in zip(labels, proba[i])}
        best = max(range(len(labels)), key=lambda k: proba[i][k])
        results.append(Prediction(text, labels[best], probabilities, start, end))
    return results
