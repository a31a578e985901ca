"""Fitting the pipeline: cross-validated scoring and the final fit, no printing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from classifier.data import LabeledData, check_trainable
from classifier.data.folds import fingerprint, make_folds
from classifier.metadata import data_summary, new_metadata
from classifier.tfidf.backend import SklearnModel, library_versions
from classifier.tfidf.pipeline import PipelineConfig, build_pipeline

if TYPE_CHECKING:
    from classifier.data.hygiene import HygieneReport
    from classifier.evaluation import EvaluationReport
    from classifier.model import Model


@dataclass(frozen=True)
class CVResult:
    """Cross-validated macro-F1: per fold, mean and standard deviation."""

    folds: list[float]
    mean: float
    std: float
    grouped: bool

    def to_dict(self) -> dict:
        """The result as plain data (for the model's metadata).

        Returns
        -------
        dict
            Every field by name.
        """
        return asdict(self)


def cross_validate(
    data: LabeledData, config: PipelineConfig | None = None, folds: int = 5,
    random_state: int = 0, on_fold: Callable[[int, int], None] | None = None,
) -> CVResult:
    """Macro-F1 of ``config`` over grouped, stratified folds of ``data``.

    Parameters
    ----------
    data : LabeledData
        The training rows.
    config : PipelineConfig, optional
        The pipeline; default ``PipelineConfig()``.
    folds : int, default 5
        Folds wanted (at most the smallest label's count).
    random_state : int, default 0
        Seed of the folds and the classifier.
    on_fold : callable, optional
        ``on_fold(done, total)``, called after each fold.

    Returns
    -------
    CVResult
        Per-fold scores, mean, standard deviation, and whether folds were grouped.
    """
    import numpy as np
    from sklearn.metrics import f1_score

    check_trainable(data)
    splits, grouped = make_folds(data, folds, random_state)
    texts, labels = np.array(data.texts, dtype=object), np.array(data.labels, dtype=object)
    scores = []
    for train_idx, test_idx in splits:
        pipeline = build_pipeline(config, random_state)
        pipeline.fit(texts[train_idx], labels[train_idx])
        predicted = pipeline.predict(texts[test_idx])
        scores.append(float(f1_score(labels[test_idx], predicted, average="macro")))
        if on_fold:
            on_fold(len(scores), len(splits))
    return CVResult(scores, float(np.mean(scores)), float(np.std(scores)), grouped)


#: a label with fewer training rows than this is too small to learn reliably
FEW_ROWS = 20
#: cross-validated macro-F1 within this of chance (1 / number of labels) is "near chance"
NEAR_CHANCE = 0.1


def check_config_labels(config: PipelineConfig, labels: Iterable[str]) -> None:
    """Raise ``ConfigError`` if ``config`` names a label the data does not have.

    A class boost, or the cascade's first stage (the guide's ``official_claim``),
    only makes sense for a label in the data.

    Parameters
    ----------
    config : PipelineConfig
        The configuration.
    labels : iterable of str
        The data's labels.

    Raises
    ------
    ConfigError
        Naming the missing labels.
    """
    from classifier.errors import ConfigError

    present = set(labels)
    missing = sorted({label for label, _ in config.class_boost} - present)
    if missing:
        raise ConfigError(f"class_boost names {', '.join(map(repr, missing))}, which the data "
                          f"does not have (its labels: {', '.join(sorted(present))})")
    if config.estimator == "cascade" and ("official_claim" not in present or len(present) < 3):
        raise ConfigError("the cascade decides 'official_claim' first and needs it and two more "
                          f"labels; the data has {', '.join(sorted(present))}: use another "
                          "estimator")


def training_warnings(label_counts: dict[str, int], cv: CVResult | None = None) -> list[str]:
    """What a person should know about a training run, one line each.

    Labels with very few rows, and cross-validated macro-F1 near chance; nothing
    when all is well.

    Parameters
    ----------
    label_counts : dict of str to int
        Rows per label.
    cv : CVResult, optional
        The cross-validation, if one ran.

    Returns
    -------
    list of str
        The warnings.

    Examples
    --------
    >>> for line in training_warnings({"a": 12, "b": 300}, CVResult([0.5], 0.55, 0.05, True)):
    ...     print(line[:60])
    label 'a' has only 12 rows: too few to learn it reliably (ai
    cross-validated macro-F1 0.550 is near chance (0.500 for 2 l
    """
    out = [f"label {label!r} has only {count} rows: too few to learn it reliably (aim for 100 "
           "or more)" for label, count in sorted(label_counts.items()) if count < FEW_ROWS]
    if cv is not None and label_counts:
        chance = 1.0 / len(label_counts)
        if cv.mean < chance + max(NEAR_CHANCE, cv.std):
            out.append(f"cross-validated macro-F1 {cv.mean:.3f} is near chance ({chance:.3f} for "
                       f"{len(label_counts)} labels): the model has learned little; add rows, or "
                       "check that the labels follow the text")
    return out


TRANSFORMER_OPTIONS = "--epochs, --threads, --context, --learning-rate, --batch-size and " \
    "--max-length"


def check_train_options(
    *, backend: str = "tfidf", streaming: bool = False, config: bool = False,
    group_column: str | None = None, save_format: str | None = None, strict: bool = False,
    encoding: str = "utf-8", transformer_options: bool = False,
) -> None:
    """Refuse training options that do not go together, before any work.

    Parameters
    ----------
    backend : {"tfidf", "transformer"}
        The backend asked for.
    streaming : bool
        Out-of-core training (``classifier.tfidf.hashed``).
    config : bool
        Whether a pipeline configuration was given.
    group_column : str, optional
        The group column asked for.
    save_format : str, optional
        ``joblib`` or ``skops``, if asked for.
    strict, encoding :
        The data checks asked for.
    transformer_options : bool
        Whether any fine-tuning option (epochs, threads, context, ...) was given.

    Raises
    ------
    ClassifierError
        One line naming the options that clash.

    Examples
    --------
    >>> check_train_options(backend="transformer", save_format="skops")
    Traceback (most recent call last):
    ...
    classifier.errors.ClassifierError: --save-format applies to --backend tfidf (the \
transformer saves safetensors, which hold no code)
    """
    from classifier.errors import ClassifierError

    if streaming:
        if backend != "tfidf" or config or group_column:
            raise ClassifierError("--streaming trains its own hashed model; it takes no "
                                  "--backend, --config or --group-column")
        if save_format or strict or encoding.lower() not in ("utf-8", "utf8"):
            raise ClassifierError("--save-format, --strict and --encoding do not apply "
                                  "to --streaming")
        return
    if backend != "transformer" and transformer_options:
        raise ClassifierError(f"{TRANSFORMER_OPTIONS} apply to --backend transformer")
    if save_format and backend != "tfidf":
        raise ClassifierError("--save-format applies to --backend tfidf (the transformer "
                              "saves safetensors, which hold no code)")


def record_hygiene(model: Model, hygiene: HygieneReport) -> None:
    """Write a data check into the model's metadata (``data.hygiene``).

    The check is ``classifier.data.hygiene.check_hygiene``'s, as ``train --data``
    records it.

    Parameters
    ----------
    model : Model
        The trained model.
    hygiene : HygieneReport
        The check of its training data.
    """
    model.metadata.setdefault("data", {})["hygiene"] = hygiene.to_dict()


def record_test(model: Model, test: LabeledData) -> EvaluationReport:
    """Score ``model`` on held-out ``test`` data and write the scores into its metadata.

    Parameters
    ----------
    model : Model
        The trained model.
    test : LabeledData
        Held-out labeled data.

    Returns
    -------
    EvaluationReport
        The scores, also stored as ``metrics.test``.
    """
    from classifier.evaluation import evaluate

    report = evaluate(model, test)
    model.metadata.setdefault("metrics", {})["test"] = report.to_dict()
    return report


def train(
    data: LabeledData, config: PipelineConfig | None = None, random_state: int = 0,
    cv: int = 5, on_fold: Callable[[int, int], None] | None = None, *,
    hygiene: HygieneReport | None = None, test: LabeledData | None = None,
) -> SklearnModel:
    """Fit the pipeline on all of ``data``; cross-validate first when ``cv > 1``.

    The returned model carries its metadata: configuration, data fingerprint,
    label counts, library versions and the cross-validated macro-F1; with
    ``hygiene`` (``check_hygiene(data)``) and ``test`` (held-out labeled data) also
    the data check and the test scores, as ``classifier train`` saves them.

    Parameters
    ----------
    data : LabeledData
        The training rows (with ``weights``, each row's sample weight: e.g.
        pseudo-labeled rows from ``classifier.distillation``).
    config : PipelineConfig, optional
        The pipeline (default: the shipped configuration).
    random_state : int
        Seed of the folds and the estimator.
    cv : int
        Cross-validation folds (0 or 1: none).
    on_fold : callable, optional
        ``on_fold(done, total)`` after each fold.
    hygiene : Hygiene, optional
        A data check to record (``data.hygiene``).
    test : LabeledData, optional
        Held-out data to score and record (``metrics.test``).

    Returns
    -------
    SklearnModel
    """
    config = config or PipelineConfig()
    check_trainable(data)
    check_config_labels(config, data.labels)
    cv_result = cross_validate(data, config, cv, random_state, on_fold) if cv > 1 else None
    pipeline = build_pipeline(config, random_state)
    if data.weights is not None:
        pipeline.fit(data.texts, data.labels, clf__sample_weight=list(data.weights))
    else:
        pipeline.fit(data.texts, data.labels)
    metadata = new_metadata(
        "tfidf", list(pipeline.classes_), config.to_dict(), random_state=random_state,
        versions=library_versions(),
        data=data_summary(data.source, fingerprint(data), len(data), data.label_counts,
                          data.dropped),
        metrics={"cv": cv_result.to_dict() if cv_result else None},
    ).to_dict()
    model = SklearnModel(pipeline, metadata)
    if hygiene is not None:
        record_hygiene(model, hygiene)
    if test is not None:
        record_test(model, test)
    return model


__all__ = ["CVResult", "check_config_labels", "check_train_options", "record_hygiene",
           "record_test", "cross_validate", "fingerprint", "make_folds",
           "train", "training_warnings"]
