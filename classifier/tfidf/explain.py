"""Why a sentence got its label: per-label feature contributions of the linear models.

The TF-IDF pipeline scores a sentence linearly: for each label, ``score = intercept +
sum(value_j * weight_j)`` over the sentence's features (word n-grams, character
n-grams, cue features), and the probabilities come from those scores. A feature's
*contribution* to a label is ``value * weight``; contributions and intercept add up
to the score exactly, so the explanation is the model's own arithmetic, not an
approximation.

- ``explain(model, text)``: the contributions in one sentence, per label;
- ``top_features(model)``: each label's strongest features over the whole model.

A cascade (``CascadeClassifier``) is explained stage by stage: stage 1 decides the
first label (official_claim) against the rest, stage 2 decides among the rest. For
a two-label stage the score of a label is its log-odds against the other, so the
two labels' contributions are mirror images. Multi-label logistic regression
weights sum to zero over the labels, so a positive weight pushes toward that label
and away from the others on average.

Only scikit-learn models whose classifier is linear (``coef_``) can be explained;
wrapped estimators (calibrated SVMs) raise ``ExplainError``, and other backends
answer ``Model.explain`` with one (``classifier.model``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from classifier.errors import ExplainError

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline

    from classifier.model import Model

KINDS = ("word", "char", "cue")


@dataclass(frozen=True)
class Contribution:
    """One feature of a sentence and what it adds to a label's score."""

    feature: str
    kind: str
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        """What the feature adds to the label's score: ``value * weight``."""
        return self.value * self.weight


@dataclass(frozen=True)
class LabelScore:
    """A label's score in one stage: intercept plus every feature's contribution.

    ``contributions`` is sorted from the strongest push toward the label to the
    strongest push away from it; it may be cut to the top ones (``explain(top=)``),
    but ``totals`` (per feature kind) always covers every feature, so
    ``intercept + sum(totals.values()) == score``.
    """

    label: str
    probability: float
    score: float
    intercept: float
    totals: dict[str, float]
    contributions: tuple[Contribution, ...]

    def toward(self, n: int = 10) -> list[Contribution]:
        """The ``n`` features that push the most toward this label.

        Parameters
        ----------
        n : int, default 10
            How many.

        Returns
        -------
        list of Contribution
            Strongest first.
        """
        return [c for c in self.contributions if c.contribution > 0][:n]

    def against(self, n: int = 10) -> list[Contribution]:
        """The ``n`` features that push the most away from this label.

        Parameters
        ----------
        n : int, default 10
            How many.

        Returns
        -------
        list of Contribution
            Strongest first.
        """
        return [c for c in reversed(self.contributions) if c.contribution < 0][:n]


@dataclass(frozen=True)
class Stage:
    """One linear decision: all labels at once, or one stage of a cascade."""

    name: str
    description: str
    labels: tuple[LabelScore, ...]


@dataclass(frozen=True)
class Explanation:
    """Why ``text`` got ``label``: the final probabilities and each stage's scores."""

    text: str
    label: str
    probabilities: dict[str, float]
    estimator: str
    stages: tuple[Stage, ...]

    def to_dict(self) -> dict:
        """The explanation as plain data (for JSON).

        Returns
        -------
        dict
            Every field, nested dataclasses as dicts.
        """
        return asdict(self)


@dataclass(frozen=True)
class FeatureWeight:
    """One feature of the model and its weight for a label."""

    feature: str
    kind: str
    weight: float


@dataclass(frozen=True)
class LabelFeatures:
    """A label's strongest features in one stage, both directions."""

    label: str
    toward: tuple[FeatureWeight, ...]
    against: tuple[FeatureWeight, ...]


@dataclass(frozen=True)
class FeatureStage:
    """Each label's strongest features in one stage (all labels, or a cascade stage)."""

    name: str
    description: str
    labels: tuple[LabelFeatures, ...]


@dataclass(frozen=True)
class ModelFeatures:
    """Each label's strongest features over the whole model, stage by stage."""

    estimator: str
    n_features: int
    stages: tuple[FeatureStage, ...]

    def to_dict(self) -> dict:
        """The features as plain data (for JSON).

        Returns
        -------
        dict
            Every field, nested dataclasses as dicts.
        """
        return asdict(self)


@dataclass(frozen=True)
class _LinearStage:
    """Weights of one linear stage, one row per label (binary stages made two rows)."""

    name: str
    description: str
    estimator: Any
    labels: tuple[str, ...]
    coef: Any  # (n_labels, n_features), dense
    intercept: Any  # (n_labels,)


def _pipeline_of(model: Model) -> Pipeline:
    """The fitted scikit-learn pipeline of ``model``, or ``ExplainError`` saying why not."""
    pipeline = getattr(model, "pipeline", None)
    if pipeline is not None:
        return pipeline
    if type(model).__name__ == "FastModel":
        raise ExplainError(
            "the NumPy scorer (fast=True) keeps no feature names; load the model with "
            "load_model(path) (fast=False) to explain it"
        )
    backend = getattr(model, "backend", "") or type(model).__name__
    raise ExplainError(
        f"the {backend} backend cannot explain its predictions; explanations need the "
        "TF-IDF backend's linear model"
    )


def _rows(
    estimator: Any, names: tuple[str, ...],
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(labels, coef, intercept) of a linear estimator; a binary one gets two rows."""
    import numpy as np

    coef = np.asarray(estimator.coef_, dtype=np.float64)
    intercept = np.atleast_1d(np.asarray(estimator.intercept_, dtype=np.float64))
    if coef.shape[0] == 1 and len(names) == 2:
        return names, np.vstack([-coef[0], coef[0]]), np.array([-intercept[0], intercept[0]])
    return names, coef, intercept


def _is_linear(estimator: object) -> bool:
    return hasattr(estimator, "coef_") and hasattr(estimator, "intercept_")


def _stages(clf: Any) -> tuple[str, list[_LinearStage]]:
    """The estimator's kind and its linear stages."""
    from classifier.tfidf.estimators import CascadeClassifier

    if isinstance(clf, CascadeClassifier):
        if not (_is_linear(clf.first_) and _is_linear(clf.rest_)):
            raise ExplainError("this cascade's stages are not linear models; cannot explain it")
        first = str(clf.first)
        first_names = tuple(first if c else f"not {first}" for c in clf.first_.classes_)
        rest_names = tuple(str(c) for c in clf.rest_.classes_)
        return "cascade", [
            _LinearStage(
                f"stage 1: {first} or not",
                f"is the sentence {first}? (decided first, as in the guide)",
                clf.first_, *_rows(clf.first_, first_names),
            ),
            _LinearStage(
                "stage 2: among the rest",
                f"which of the other labels, given it is not {first}",
                clf.rest_, *_rows(clf.rest_, rest_names),
            ),
        ]
    if not _is_linear(clf):
        raise ExplainError(
            f"cannot explain a {type(clf).__name__}: explanations need a linear classifier "
            "(logreg, cascade or sgd; calibrated models are not linear)"
        )
    names = tuple(str(c) for c in clf.classes_)
    kind = "logreg" if type(clf).__name__ == "LogisticRegression" else type(clf).__name__
    return kind, [_LinearStage("all labels", "one linear score per label", clf,
                               *_rows(clf, names))]


def _feature_names(pipeline: Pipeline) -> tuple[list[str], list[str]]:
    """(kind, feature) for every column of the pipeline's features."""
    features = pipeline.named_steps.get("features")
    if features is None:
        raise ExplainError("this pipeline has no 'features' step; cannot explain it")
    kinds, names = [], []
    for full in features.get_feature_names_out():
        block, _, name = str(full).partition("__")
        if block == "cues":
            kinds.append("cue")
            names.append(name.removeprefix("cue_"))
        else:
            kinds.append("char" if block == "char" else "word")
            names.append(name)
    return kinds, names


def _label_score(
    label: str, probability: float, coef_row: np.ndarray, intercept: float, index: np.ndarray,
    values: np.ndarray, kinds: list[str], names: list[str], top: int | None,
) -> LabelScore:
    import numpy as np

    weights = coef_row[index]
    parts = values * weights
    totals = dict.fromkeys(KINDS, 0.0)
    for kind, part in zip((kinds[j] for j in index), parts):
        totals[kind] += float(part)
    order: np.ndarray | list[Any] = np.argsort(-parts, kind="stable")
    if top is not None:
        positive = [i for i in order if parts[i] > 0][:top]
        negative = [i for i in order[::-1] if parts[i] < 0][:top][::-1]
        order = positive + negative
    contributions = tuple(
        Contribution(names[index[i]], kinds[index[i]], float(values[i]), float(weights[i]))
        for i in order
    )
    score = float(intercept + parts.sum())
    return LabelScore(str(label), float(probability), score, float(intercept), totals,
                      contributions)


def explain(model: Model, text: str, top: int | None = None) -> Explanation:
    """Per-label contributions of the features of ``text`` (one sentence).

    Parameters
    ----------
    model : Model
        A TF-IDF model whose pipeline can be read (not ``fast=True``).
    text : str
        The sentence, scored as a whole (it is not split).
    top : int, optional
        Keep only the ``top`` strongest contributions each way per label; the
        per-kind ``totals`` still cover every feature.

    Returns
    -------
    Explanation
        The final probabilities and each stage's per-label scores.

    Raises
    ------
    ExplainError
        If ``text`` is empty or the model's classifier is not linear.

    Examples
    --------
    >>> from classifier import load_model
    >>> model = load_model()
    >>> explanation = model.explain("Officials said the bridge may reopen.", top=5)
    >>> explanation.label == max(explanation.probabilities, key=explanation.probabilities.get)
    True
    """
    import numpy as np

    if not text or not text.strip():
        raise ExplainError("nothing to explain: the text is empty")
    pipeline = _pipeline_of(model)
    estimator, stages = _stages(pipeline.named_steps.get("clf"))
    kinds, names = _feature_names(pipeline)
    row = pipeline[:-1].transform([text]).tocsr()  # every step before the classifier
    index, values = row.indices, row.data.astype(np.float64)
    explained = []
    for stage in stages:
        proba = stage.estimator.predict_proba(row)[0]
        by_class = {str(n): p for n, p in zip(stage.labels, proba)}
        scores = [
            _label_score(label, by_class[label], stage.coef[k], stage.intercept[k], index,
                         values, kinds, names, top)
            for k, label in enumerate(stage.labels)
        ]
        scores.sort(key=lambda s: -s.probability)
        explained.append(Stage(stage.name, stage.description, tuple(scores)))
    final = pipeline.predict_proba([text])[0]
    labels = [str(c) for c in pipeline.classes_]
    probabilities = {label: float(p) for label, p in zip(labels, final)}
    return Explanation(text, max(probabilities, key=probabilities.__getitem__), probabilities,
                       estimator, tuple(explained))


def top_features(
    model: Model, top: int = 25, kinds: tuple[str, ...] | None = None,
) -> ModelFeatures:
    """Each label's ``top`` strongest features (largest weights), both directions.

    Parameters
    ----------
    model : Model
        A TF-IDF model whose pipeline can be read (not ``fast=True``).
    top : int, default 25
        Features per label and direction.
    kinds : tuple of str, optional
        Some of ``"word"``, ``"char"``, ``"cue"`` (character n-grams are many and
        small; words are the easiest to read); default all.

    Returns
    -------
    ModelFeatures
        The features, stage by stage.

    Raises
    ------
    ExplainError
        For an unknown kind, or a classifier that is not linear.
    """
    import numpy as np

    unknown = sorted(set(kinds or ()) - set(KINDS))
    if unknown:
        raise ExplainError(f"unknown feature kind(s) {', '.join(unknown)}; use {', '.join(KINDS)}")
    pipeline = _pipeline_of(model)
    estimator, stages = _stages(pipeline.named_steps.get("clf"))
    feature_kinds, names = _feature_names(pipeline)
    keep = np.array([k in (kinds or KINDS) for k in feature_kinds])
    columns = np.flatnonzero(keep)
    out = []
    for stage in stages:
        labels = []
        for k, label in enumerate(stage.labels):
            weights = stage.coef[k][columns]
            order = np.argsort(-weights, kind="stable")
            toward = [i for i in order[:top] if weights[i] > 0]
            against = [i for i in order[::-1][:top] if weights[i] < 0]
            labels.append(LabelFeatures(
                str(label),
                *(tuple(FeatureWeight(names[columns[i]], feature_kinds[columns[i]],
                                      float(weights[i])) for i in side)
                  for side in (toward, against)),
            ))
        out.append(FeatureStage(stage.name, stage.description, tuple(labels)))
    return ModelFeatures(estimator, len(names), tuple(out))
