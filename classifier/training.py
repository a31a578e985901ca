"""Fitting the pipeline: cross-validated scoring and the final fit, no printing."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from classifier.data import LabeledData, check_trainable
from classifier.data.folds import fingerprint, make_folds
from classifier.metadata import data_summary, new_metadata
from classifier.tfidf.backend import SklearnModel, library_versions
from classifier.tfidf.pipeline import PipelineConfig, build_pipeline


@dataclass(frozen=True)
class CVResult:
    """Cross-validated macro-F1: per fold, mean and standard deviation."""

    folds: list[float]
    mean: float
    std: float
    grouped: bool

    def to_dict(self) -> dict:
        return asdict(self)


def cross_validate(
    data: LabeledData, config: PipelineConfig | None = None, folds: int = 5,
    random_state: int = 0, on_fold=None,
) -> CVResult:
    """Macro-F1 of ``config`` over grouped, stratified folds of ``data``."""
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


def train(
    data: LabeledData, config: PipelineConfig | None = None, random_state: int = 0,
    cv: int = 5, on_fold=None,
) -> SklearnModel:
    """Fit the pipeline on all of ``data``; cross-validate first when ``cv > 1``.

    The returned model carries its metadata: configuration, data fingerprint,
    label counts, library versions and the cross-validated macro-F1.
    """
    config = config or PipelineConfig()
    check_trainable(data)
    cv_result = cross_validate(data, config, cv, random_state, on_fold) if cv > 1 else None
    pipeline = build_pipeline(config, random_state)
    pipeline.fit(data.texts, data.labels)
    metadata = new_metadata(
        "tfidf", list(pipeline.classes_), config.to_dict(), random_state=random_state,
        versions=library_versions(),
        data=data_summary(data.source, fingerprint(data), len(data), data.label_counts,
                          data.dropped),
        metrics={"cv": cv_result.to_dict() if cv_result else None},
    ).to_dict()
    return SklearnModel(pipeline, metadata)


__all__ = ["CVResult", "cross_validate", "fingerprint", "make_folds", "train"]
