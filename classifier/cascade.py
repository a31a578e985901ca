"""Compatibility: models saved before the move pickle ``classifier.cascade``.

The classes live in ``classifier.tfidf.estimators``; this module only lets older model files load.
"""

from classifier.tfidf.estimators import CascadeClassifier

__all__ = ["CascadeClassifier"]
