"""Compatibility: models saved before the move pickle ``classifier.features``.

The classes live in ``classifier.tfidf.features``; this module only lets older model files load.
"""

from classifier.tfidf.features import CaseNormalizer, CueFeatures, StableTfidfVectorizer

__all__ = ["CaseNormalizer", "CueFeatures", "StableTfidfVectorizer"]
