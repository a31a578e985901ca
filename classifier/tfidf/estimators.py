"""The package's own scikit-learn classifiers (pickled inside saved models).

- ``CascadeClassifier``: the guide's shape as one estimator, attribution first;
- ``BoostedLogisticRegression``: balanced class weights times a per-label boost.

The cascade:

``CascadeClassifier`` fits a binary model "is it ``first`` (official_claim)?" and a
multi-class model over the remaining labels, and combines them as
``P(first) = p`` and ``P(other k) = (1 - p) * P(k | not first)``. In the first stage
content words (may, reflects) appear on both sides and lose weight, so attribution
decides, as the decision order says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from classifier.tfidf.numpy_scorer import cascade_probabilities

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from scipy.sparse import spmatrix


class CascadeClassifier(ClassifierMixin, BaseEstimator):
    """Two-stage classifier: ``first`` label versus the rest, then among the rest.

    Parameters
    ----------
    first : str
        The label decided first (the guide's step 1).
    first_estimator, rest_estimator : classifier with ``predict_proba``
        Cloned and fitted; logistic regressions by default.
    """

    def __init__(self, first: str = "official_claim", first_estimator: Any = None,
                 rest_estimator: Any = None):
        self.first = first
        self.first_estimator = first_estimator
        self.rest_estimator = rest_estimator

    def fit(self, X: np.ndarray | spmatrix, y: ArrayLike) -> CascadeClassifier:
        """Fit the first stage on ``first`` versus the rest, the second among the rest.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Labels; ``first`` and at least two others.

        Returns
        -------
        CascadeClassifier
            This estimator, fitted.
        """
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if self.first not in self.classes_ or len(self.classes_) < 3:
            raise ValueError(
                f"a cascade needs the label {self.first!r} and at least two others"
            )
        default = LogisticRegression(max_iter=2000)
        self.first_ = clone(self.first_estimator or default).fit(X, y == self.first)
        rest = y != self.first
        self.rest_ = clone(self.rest_estimator or default).fit(X[rest], y[rest])
        return self

    def predict_proba(self, X: np.ndarray | spmatrix) -> np.ndarray:
        """Joint probabilities of the two stages.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Features.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order; rows sum to one.
        """
        check_is_fitted(self, "rest_")
        p_first = self.first_.predict_proba(X)[:, list(self.first_.classes_).index(True)]
        p_rest = self.rest_.predict_proba(X)
        return cascade_probabilities(
            p_first, p_rest, list(self.rest_.classes_), list(self.classes_), self.first
        )

    def predict(self, X: np.ndarray | spmatrix) -> np.ndarray:
        """The most probable label of each row.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Features.

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class BoostedLogisticRegression(LogisticRegression):
    """``LogisticRegression`` whose samples are weighted by class balance times a boost.

    The guide decides attribution first, and on real copy the attribution is easily
    outvoted by content words, so the first label can be weighted up.

    Parameters
    ----------
    class_boost : dict of str to float, optional
        Labels to multipliers (e.g. ``{"official_claim": 2.0}``).
    balanced : bool, default True
        The boost multiplies scikit-learn's balanced class weights (else weights of 1).
    C : float, default 1.0
        Inverse regularisation strength.
    max_iter : int, default 2000
        Solver iterations.
    random_state : int, optional
        Passed to ``LogisticRegression``.
    """

    def __init__(self, class_boost: dict[str, float] | None = None, balanced: bool = True, *,
                 C: float = 1.0, max_iter: int = 2000, random_state: int | None = None):
        super().__init__(C=C, max_iter=max_iter, random_state=random_state)
        self.class_boost = class_boost
        self.balanced = balanced

    def fit(self, X: np.ndarray | spmatrix, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> BoostedLogisticRegression:
        """Fit with sample weights: class balance (if ``balanced``) times ``class_boost``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Labels.
        sample_weight : array-like of shape (n_samples,), optional
            Multiplies the class weights.

        Returns
        -------
        BoostedLogisticRegression
            This estimator, fitted.
        """
        y = np.asarray(y)
        weights = compute_sample_weight("balanced", y) if self.balanced else np.ones(len(y))
        for label, boost in dict(self.class_boost or {}).items():
            weights[y == label] *= boost
        if sample_weight is not None:
            weights = weights * np.asarray(sample_weight)
        return super().fit(X, y, sample_weight=weights)
