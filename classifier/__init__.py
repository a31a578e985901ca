"""Tag news sentences as factual report, official claim, speculation or analysis.

>>> from classifier import split_sentences
>>> [s.text for s in split_sentences("Police said two men were held. More may follow.")]
['Police said two men were held.', 'More may follow.']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_model": "classifier.persistence",
    "save_model": "classifier.persistence",
    "train": "classifier.training",
    "cross_validate": "classifier.training",
    "evaluate": "classifier.evaluation",
    "calibrate": "classifier.calibration",
    "calibrate_saved_model": "classifier.calibration",
    "Calibration": "classifier.calibration",
    "load_labeled": "classifier.data",
    "load_texts": "classifier.data",
    "split_sentences": "classifier.text.sentences",
    "PipelineConfig": "classifier.tfidf.pipeline",
    "build_pipeline": "classifier.tfidf.pipeline",
    "Model": "classifier.model",
    "Prediction": "classifier.prediction",
    "ArticlePrediction": "classifier.prediction",
    "EvaluationReport": "classifier.evaluation",
    "LABELS": "classifier.labels",
    "ClassifierError": "classifier.errors",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from classifier.calibration import Calibration, calibrate, calibrate_saved_model
    from classifier.data import load_labeled, load_texts
    from classifier.errors import ClassifierError
    from classifier.evaluation import EvaluationReport, evaluate
    from classifier.labels import LABELS
    from classifier.model import Model
    from classifier.persistence import load_model, save_model
    from classifier.prediction import ArticlePrediction, Prediction
    from classifier.text.sentences import split_sentences
    from classifier.tfidf.pipeline import PipelineConfig, build_pipeline
    from classifier.training import cross_validate, train


def __getattr__(name: str) -> Any:
    # PEP 562: import the heavy modules only when their names are used.
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
