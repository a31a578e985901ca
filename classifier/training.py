"""Fitting the pipeline: cross-validated scoring and the final fit, no printing."""

from __future__ import annotations

import hashlib
import platform
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from classifier import __version__
from classifier.data import LabeledData, check_trainable
from classifier.tfidf.backend import SklearnModel
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


def fingerprint(data: LabeledData) -> str:
    """SHA-256 of the rows in order: the same data gives the same fingerprint."""
    digest = hashlib.sha256()
    for text, label in zip(data.texts, data.labels):
        digest.update(f"{label}\t{text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def make_folds(data: LabeledData, n_splits: int, random_state: int = 0):
    """Stratified folds, grouped (no group in two folds) when groups are known."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    smallest = min(data.label_counts.values())
    n_splits = max(2, min(n_splits, smallest))
    if data.groups is not None and len(set(data.groups)) >= n_splits:
        splitter = StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)
        return list(splitter.split(data.texts, data.labels, data.groups)), True
    splitter = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(data.texts, data.labels)), False


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
    metadata = {
        "backend": "tfidf",
        "labels": [str(c) for c in pipeline.classes_],
        "config": config.to_dict(),
        "random_state": random_state,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "data": {
            "source": data.source,
            "fingerprint": fingerprint(data),
            "rows": len(data),
            "label_counts": data.label_counts,
            "dropped": data.dropped,
        },
        "metrics": {"cv": cv_result.to_dict() if cv_result else None},
    }
    return SklearnModel(pipeline, metadata)


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import joblib
    import numpy
    import scipy
    import sklearn

    return {
        "classifier": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
