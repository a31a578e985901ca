"""Compatibility: models saved before the move pickle ``classifier.weighting``.

The classes live in ``classifier.tfidf.estimators``; this module only lets older model files load.
"""

from classifier.tfidf.estimators import BoostedLogisticRegression

__all__ = ["BoostedLogisticRegression"]
