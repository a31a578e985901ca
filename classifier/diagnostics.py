"""Where a model goes wrong: metrics plus reliability bins, confident mistakes, topics.

``diagnose`` scores a model once and returns everything the evaluation report
(``classifier.reports.evaluation_report``) shows, as dataclasses: the ``EvaluationReport``,
the reliability (calibration) bins behind its ECE, the most confident mistakes,
and the errors per topic when the data has a topic column.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.data import LabeledData
from classifier.evaluation import EvaluationReport, check_labels, score
from classifier.prediction import OnBatch, predict_proba

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from classifier.model import Model


@dataclass(frozen=True)
class ReliabilityBin:
    """Sentences whose top probability fell in ``[lower, upper)``.

    Their mean confidence against their accuracy (``None`` for an empty bin).
    """

    lower: float
    upper: float
    count: int
    confidence: float | None
    accuracy: float | None


@dataclass(frozen=True)
class Mistake:
    """One wrongly labeled sentence, with the model's probabilities (and its topic, if known)."""

    text: str
    true: str
    predicted: str
    confidence: float
    probabilities: dict[str, float]
    topic: str | None = None


@dataclass(frozen=True)
class Confusion:
    """How often sentences of label ``true`` were labeled ``predicted``."""

    true: str
    predicted: str
    count: int


@dataclass(frozen=True)
class TopicErrors:
    """Errors on one topic, with its most frequent confusions."""

    topic: str
    n: int
    errors: int
    error_rate: float
    confusions: list[Confusion]


@dataclass(frozen=True)
class Diagnostics:
    """Everything ``classifier evaluate --report`` shows, as plain numbers."""

    report: EvaluationReport
    reliability: list[ReliabilityBin]
    mistakes: list[Mistake]
    topics: list[TopicErrors] | None
    model: dict

    def to_dict(self) -> dict:
        """The diagnostics as plain data (for ``report.json``).

        Returns
        -------
        dict
            Every field, nested dataclasses as dicts.
        """
        return asdict(self)


def reliability_bins(
    confidence: ArrayLike, correct: ArrayLike, bins: int = 10,
) -> list[ReliabilityBin]:
    """Equal-width confidence bins, the same ones ``expected_calibration_error`` uses.

    Parameters
    ----------
    confidence : array-like of float
        Each sentence's top probability.
    correct : array-like of bool
        Whether its predicted label was right.
    bins : int, default 10
        How many bins over ``[0, 1]``.

    Returns
    -------
    list of ReliabilityBin
        One per bin, lowest first.

    Examples
    --------
    >>> [b.count for b in reliability_bins([0.95, 0.55, 0.52], [True, False, True], bins=2)]
    [0, 3]
    """
    import numpy as np

    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        count = int(mask.sum())
        out.append(ReliabilityBin(
            float(edges[b]), float(edges[b + 1]), count,
            float(confidence[mask].mean()) if count else None,
            float(correct[mask].mean()) if count else None,
        ))
    return out


def topic_errors(topics: Sequence[str | None], true: Sequence[str], predicted: Sequence[str],
                 top: int = 3) -> list[TopicErrors]:
    """Errors per topic, highest error rate first; sentences without a topic are skipped.

    Parameters
    ----------
    topics : sequence of str or None
        Each sentence's topic.
    true, predicted : sequence of str
        Each sentence's true and predicted labels.
    top : int, default 3
        Confusions listed per topic.

    Returns
    -------
    list of TopicErrors
        One per topic.
    """
    rows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for topic, t, p in zip(topics, true, predicted):
        if topic:
            rows[topic].append((t, p))
    out = []
    for topic, pairs in rows.items():
        wrong = Counter((t, p) for t, p in pairs if t != p)
        errors = sum(wrong.values())
        out.append(TopicErrors(
            topic, len(pairs), errors, errors / len(pairs),
            [Confusion(t, p, c) for (t, p), c in wrong.most_common(top)],
        ))
    out.sort(key=lambda e: (-e.error_rate, -e.n, e.topic))
    return out


def diagnose(model: Model, data: LabeledData, topics: Sequence[str | None] | None = None,
             mistakes: int = 20, bins: int = 10, on_batch: OnBatch | None = None) -> Diagnostics:
    """Score ``model`` on ``data`` once and gather the report's figures.

    Parameters
    ----------
    model : Model
        A loaded model.
    data : LabeledData
        Labeled sentences.
    topics : sequence of str or None, optional
        One per sentence of ``data``: adds the errors per topic.
    mistakes : int, default 20
        How many of the most confident mistakes to keep.
    bins : int, default 10
        Reliability bins.
    on_batch : callable, optional
        ``on_batch(done, total)``, called as the sentences are scored.

    Returns
    -------
    Diagnostics
        Metrics, reliability bins, mistakes and topic errors.

    Raises
    ------
    DataError
        If ``data`` has labels the model does not know.
    """
    import numpy as np

    if topics is not None and len(topics) != len(data):
        raise ValueError(f"{len(topics)} topics for {len(data)} sentences")
    check_labels(model.labels, data)
    proba = predict_proba(model, data.texts, on_batch)
    labels = model.labels
    predicted = [labels[i] for i in proba.argmax(axis=1)]
    report = score(data.labels, predicted, proba, labels, data.source)
    confidence = proba.max(axis=1)
    correct = [t == p for t, p in zip(data.labels, predicted)]
    wrong = [i for i in np.argsort(-confidence, kind="stable") if not correct[i]][:mistakes]
    return Diagnostics(
        report=report,
        reliability=reliability_bins(confidence, correct, bins),
        mistakes=[
            Mistake(data.texts[i], data.labels[i], predicted[i], float(confidence[i]),
                    {label: float(p) for label, p in zip(labels, proba[i])},
                    topics[i] if topics is not None else None)
            for i in wrong
        ],
        topics=topic_errors(topics, data.labels, predicted) if topics is not None else None,
        model={key: model.metadata.get(key) for key in ("name", "backend", "created")},
    )


def load_topics(
    paths: str | Sequence[str | Path], data: LabeledData, text_column: str = "text",
    topic_column: str = "topic",
) -> list[str | None] | None:
    """The topic of each sentence of ``data``, read again from its files.

    Sentences are matched by text, so rows that ``load_labeled`` dropped do not shift
    the topics.

    Parameters
    ----------
    paths : str or list of str
        The files ``data`` was read from.
    data : LabeledData
        The sentences.
    text_column, topic_column : str
        The columns holding the text and the topic.

    Returns
    -------
    list of str or None, or None
        One topic (or ``None``) per sentence; ``None`` when the files have no
        ``topic_column``.
    """
    from classifier.data.tables import _read_table

    paths = [paths] if isinstance(paths, str) else list(paths)
    table = _read_table(paths)
    if topic_column not in table.column_names or text_column not in table.column_names:
        return None
    by_text: dict[str, str] = {}
    for text, topic in zip(table[text_column], table[topic_column]):
        if text is not None and topic is not None and str(topic).strip():
            by_text.setdefault(str(text).strip(), str(topic).strip())
    return [by_text.get(text.strip()) for text in data.texts]
