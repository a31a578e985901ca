"""Scoring a model on labeled data: per-class metrics, confusion, calibration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from classifier.data import LabeledData
from classifier.model import Model

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

    from classifier.prediction import OnBatch


@dataclass(frozen=True)
class ClassMetrics:
    """Precision, recall, F1 and support of one label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvaluationReport:
    """Everything ``classifier evaluate`` shows, as plain numbers."""

    labels: list[str]
    per_class: list[ClassMetrics]
    macro_f1: float
    accuracy: float
    confusion: list[list[int]]
    n: int
    brier: float
    ece: float
    source: str = ""

    def to_dict(self) -> dict:
        """The report as plain data (for JSON and the model's metadata).

        Returns
        -------
        dict
            Every field, nested dataclasses as dicts.
        """
        return asdict(self)

    def f1(self, label: str) -> float:
        """The F1 of ``label``.

        Parameters
        ----------
        label : str
            One of ``labels``.

        Returns
        -------
        float
            Its F1.
        """
        return next(m.f1 for m in self.per_class if m.label == label)

    def recall(self, label: str) -> float:
        """The recall of ``label``.

        Parameters
        ----------
        label : str
            One of ``labels``.

        Returns
        -------
        float
            Its recall.
        """
        return next(m.recall for m in self.per_class if m.label == label)


def expected_calibration_error(confidence: ArrayLike, correct: ArrayLike, bins: int = 10) -> float:
    """ECE: the gap between confidence and accuracy, averaged over confidence bins.

    Parameters
    ----------
    confidence : array-like of float
        Each sentence's top probability.
    correct : array-like of bool
        Whether its predicted label was right.
    bins : int, default 10
        Equal-width bins over ``[0, 1]``.

    Returns
    -------
    float
        The bins' gaps weighted by their share of sentences.
    """
    import numpy as np

    confidence, correct = np.asarray(confidence), np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(total)


def score(
    y_true: Sequence[str], y_pred: Sequence[str], proba: np.ndarray,
    model_labels: Sequence[str], source: str = "",
) -> EvaluationReport:
    """Build the report from true labels, predicted labels and probabilities.

    Parameters
    ----------
    y_true, y_pred : sequence of str
        True and predicted labels.
    proba : numpy.ndarray of shape (n, len(model_labels))
        The predicted probabilities.
    model_labels : sequence of str
        The probability columns.
    source : str, optional
        Where the data came from.

    Returns
    -------
    EvaluationReport
        Per-class metrics over the model's labels and any other true label, macro-F1
        over the labels present, accuracy, confusion, Brier score and ECE.
    """
    import numpy as np
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    labels = list(model_labels) + sorted(set(y_true) - set(model_labels))
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
    onehot = np.array([[1.0 if t == lab else 0.0 for lab in model_labels] for t in y_true])
    return EvaluationReport(
        labels=labels,
        per_class=[
            ClassMetrics(lab, float(p[i]), float(r[i]), float(f[i]), int(s[i]))
            for i, lab in enumerate(labels)
        ],
        macro_f1=float(
            f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)
        ),
        accuracy=float(accuracy_score(y_true, y_pred)),
        confusion=confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        n=len(y_true),
        brier=float(np.mean(np.sum((proba - onehot) ** 2, axis=1))),
        ece=expected_calibration_error(
            proba.max(axis=1), [a == b for a, b in zip(y_true, y_pred)]
        ),
        source=source,
    )


def check_labels(model_labels: Sequence[str], data: LabeledData) -> None:
    """Raise a one-line ``DataError`` if ``data`` has labels the model cannot predict.

    Scoring such data gives a table of zeros for those labels, which reads as a
    result; naming them (and the model's labels) says what went wrong.

    Parameters
    ----------
    model_labels : sequence of str
        The model's labels.
    data : LabeledData
        The labeled data.

    Raises
    ------
    DataError
        Naming the unknown labels.

    Examples
    --------
    >>> from classifier.data import LabeledData
    >>> check_labels(("a", "b"), LabeledData(["x", "y"], ["a", "c"], source="d.csv"))
    Traceback (most recent call last):
    ...
    classifier.errors.DataError: d.csv: label 'c' is not one the model knows (its labels: a, b)
    """
    from classifier.errors import DataError

    unknown = sorted(set(data.labels) - set(model_labels))
    if unknown:
        shown = ", ".join(repr(label) for label in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        what = "label" if len(unknown) == 1 else "labels"
        verb = "is not one" if len(unknown) == 1 else "are not ones"
        raise DataError(f"{data.source or 'data'}: {what} {shown}{more} {verb} the model "
                        f"knows (its labels: {', '.join(model_labels)})")


def evaluate(model: Model, data: LabeledData, on_batch: OnBatch | None = None) -> EvaluationReport:
    """Score ``model`` on ``data``: per-class P/R/F1, macro-F1, confusion, Brier, ECE.

    A model that reads context gets each sentence's previous one when ``data`` has it.

    Parameters
    ----------
    model : Model
        A loaded model.
    data : LabeledData
        Labeled sentences.
    on_batch : callable, optional
        ``on_batch(done, total)``, called as the sentences are scored (progress bars).

    Returns
    -------
    EvaluationReport
        The figures.

    Raises
    ------
    DataError
        If ``data`` has a label the model does not know (``check_labels``).
    """
    from classifier.prediction import predict_proba

    check_labels(model.labels, data)

    proba = predict_proba(model, data.texts, on_batch, contexts=data.contexts)
    labels = model.labels
    predicted = [labels[i] for i in proba.argmax(axis=1)]
    return score(data.labels, predicted, proba, labels, data.source)


def bootstrap_macro_f1(y_true: ArrayLike, y_pred: ArrayLike, groups: ArrayLike,
                       labels: Sequence[str] | None = None, n: int = 1000,
                       level: float = 0.90, seed: int = 0) -> tuple[float, float]:
    """A percentile interval for macro-F1 from a bootstrap over groups (articles).

    Sentences of one article are not independent, so whole articles are resampled.

    Parameters
    ----------
    y_true, y_pred : sequence of str
        True and predicted labels.
    groups : sequence of str
        The article (or other unit) of each sentence.
    labels : sequence of str, optional
        Labels to average over; default those in ``y_true``.
    n : int
        Bootstrap replicates.
    level : float
        Coverage of the interval (0.90: the 5th and 95th percentiles).
    seed : int
        Seed of the resampling, so the interval is reproducible.

    Returns
    -------
    (low, high) : tuple of float

    Examples
    --------
    >>> low, high = bootstrap_macro_f1(["a", "b", "a", "b"], ["a", "b", "b", "b"],
    ...                                ["x", "x", "y", "y"], n=200)
    >>> 0.0 <= low <= high <= 1.0
    True
    """
    import numpy as np
    from sklearn.metrics import f1_score

    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    labels = sorted(set(y_true)) if labels is None else list(labels)
    units, index = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(index == u) for u in range(len(units))]
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n):
        rows = np.concatenate([members[u] for u in rng.integers(0, len(units), len(units))])
        scores.append(f1_score(y_true[rows], y_pred[rows], labels=labels, average="macro",
                               zero_division=0))
    tail = (1.0 - level) / 2
    return float(np.quantile(scores, tail)), float(np.quantile(scores, 1.0 - tail))
