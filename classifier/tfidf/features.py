"""Feature extraction: word and character TF-IDF plus the guide's cue features."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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

    def fit(self, raw_documents: Iterable[str], y: object = None) -> StableTfidfVectorizer:
        """Learn the vocabulary (sorted) and idf weights.

        Parameters
        ----------
        raw_documents : iterable of str
            The texts.
        y : None
            Ignored.

        Returns
        -------
        StableTfidfVectorizer
            This vectorizer, fitted.
        """
        self.fit_transform(raw_documents, y)
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: object = None) -> sparse.csr_matrix:
        """Learn the vocabulary (sorted) and idf weights; return the TF-IDF matrix.

        Parameters
        ----------
        raw_documents : iterable of str
            The texts.
        y : None
            Ignored.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_texts, n_terms)
            The texts' TF-IDF rows.
        """
        matrix = super().fit_transform(raw_documents, y)
        self.vocabulary_: dict[str, int] = dict(sorted(self.vocabulary_.items()))
        return matrix

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_stop_words_id", None)  # an id() cache: differs on every run
        return state


class CueFeatures(TransformerMixin, BaseEstimator):
    """Attribution, hedging, interpretation and form cues as a sparse matrix.

    Parameters
    ----------
    weight : float, default 1.0
        Scales the block against the TF-IDF features (they are L2-normalised, these
        are in [0, 1]); the only state.
    """

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X: Iterable[str], y: object = None) -> CueFeatures:
        """Nothing to learn: record the number of features.

        Parameters
        ----------
        X : iterable of str
            The texts (unused).
        y : None
            Ignored.

        Returns
        -------
        CueFeatures
            This transformer.
        """
        self.n_features_out_ = len(NAMES)
        return self

    def transform(self, X: Iterable[str]) -> sparse.csr_matrix:
        """The cue features of each text, times ``weight``.

        Parameters
        ----------
        X : iterable of str
            The texts.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_texts, len(NAMES))
            One row per text.
        """
        return sparse.csr_matrix(cue_matrix(list(X)) * self.weight)

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        """The feature names, ``cue_`` plus each of ``NAMES``.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        numpy.ndarray of str
            One name per column.
        """
        return np.array([f"cue_{name}" for name in NAMES], dtype=object)


class CaseNormalizer(TransformerMixin, BaseEstimator):
    """Lower-cases headline-style and all-caps texts to predict (``classifier.text.casing``).

    Training text passes unchanged: the corpus is edited prose, and its few Title
    Case headlines are learned as written. Text to predict comes from anywhere, and
    a line in capitals is scored far better in lower case than as written.
    """

    def fit(self, X: Iterable[str], y: object = None) -> CaseNormalizer:
        """Nothing to learn.

        Parameters
        ----------
        X : iterable of str
            The texts (unused).
        y : None
            Ignored.

        Returns
        -------
        CaseNormalizer
            This transformer.
        """
        return self

    def fit_transform(self, X: Iterable[str], y: object = None, **fit_params: Any) -> list[str]:
        """The training texts, unchanged (the model learns from them as written).

        Parameters
        ----------
        X : iterable of str
            The texts.
        y : None
            Ignored.
        **fit_params : dict
            Ignored.

        Returns
        -------
        list of str
            ``X`` as a list.
        """
        return list(X)

    def transform(self, X: Iterable[str]) -> list[str]:
        """The texts to predict, shouting and Title Case lowered (``normalize_case``).

        Parameters
        ----------
        X : iterable of str
            The texts.

        Returns
        -------
        list of str
            One text per input.
        """
        return [normalize_case(text) for text in X]


# ``config`` is a PipelineConfig, typed Any: classifier.tfidf.pipeline imports this module
def build_features(config: Any) -> FeatureUnion:
    """Word (and character) TF-IDF, plus the cue features, as one transformer.

    Parameters
    ----------
    config : PipelineConfig
        The n-gram ranges, document frequencies, casing and cue settings.

    Returns
    -------
    sklearn.pipeline.FeatureUnion
        Blocks named ``word``, ``char`` (if ``config.char_ngram_range``) and ``cues``
        (if ``config.cues``).
    """
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
