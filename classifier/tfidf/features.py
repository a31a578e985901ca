"""Feature extraction: word and character TF-IDF plus the guide's cue features."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier.text.casing import normalize_case
from classifier.text.cue_arrays import cue_matrix
from classifier.text.cues import NAMES

TOKEN_PATTERN = r"(?u)\b\w+\b|[\"“”‘’?]"


class StableTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` that pickles the same bytes for the same fit.

    scikit-learn's vocabulary dict order depends on string hashing, and it caches
    an ``id()``; sorting the one and dropping the other makes saved models
    byte-identical for the same data and seed.
    """

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents, y)
        return self

    def fit_transform(self, raw_documents, y=None):
        matrix = super().fit_transform(raw_documents, y)
        self.vocabulary_ = dict(sorted(self.vocabulary_.items()))
        return matrix

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_stop_words_id", None)  # an id() cache: differs on every run
        return state


class CueFeatures(TransformerMixin, BaseEstimator):
    """Attribution, hedging, interpretation and form cues as a sparse matrix.

    Stateless apart from ``weight``, which scales the block against the TF-IDF
    features (they are L2-normalised, these are in [0, 1]).
    """

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X, y=None):
        self.n_features_out_ = len(NAMES)
        return self

    def transform(self, X):
        return sparse.csr_matrix(cue_matrix(list(X)) * self.weight)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"cue_{name}" for name in NAMES], dtype=object)


class CaseNormalizer(TransformerMixin, BaseEstimator):
    """Lower-cases headline-style and all-caps texts to predict (``classifier.text.casing``).

    Training text passes unchanged: the corpus is edited prose, and its few Title
    Case headlines are learned as written. Text to predict comes from anywhere, and
    a line in capitals is scored far better in lower case than as written.
    """

    def fit(self, X, y=None):
        return self

    def fit_transform(self, X, y=None, **fit_params):
        return list(X)

    def transform(self, X):
        return [normalize_case(text) for text in X]


def build_features(config) -> FeatureUnion:
    """Word (and character) TF-IDF, plus the cue features, as one transformer."""
    parts = [
        (
            "word",
            StableTfidfVectorizer(
                ngram_range=config.word_ngram_range,
                min_df=config.min_df,
                max_df=config.max_df,
                sublinear_tf=config.sublinear_tf,
                stop_words=config.stop_words,
                lowercase=config.lowercase,
                token_pattern=TOKEN_PATTERN,
            ),
        )
    ]
    if config.char_ngram_range is not None:
        parts.append(
            (
                "char",
                StableTfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=config.char_ngram_range,
                    min_df=config.min_df,
                    max_df=config.max_df,
                    sublinear_tf=config.sublinear_tf,
                    lowercase=config.lowercase,
                ),
            )
        )
    if config.cues:
        parts.append(("cues", CueFeatures(weight=config.cue_weight)))
    return FeatureUnion(parts)
