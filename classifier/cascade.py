"""The guide's shape as one estimator: attribution first, then content.

``CascadeClassifier`` fits a binary model "is it ``first`` (official_claim)?" and a
multi-class model over the remaining labels, and combines them as
``P(first) = p`` and ``P(other k) = (1 - p) * P(k | not first)``. In the first stage
content words (may, reflects) appear on both sides and lose weight, so attribution
decides, as the decision order says.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from classifier.fast import cascade_probabilities


class CascadeClassifier(ClassifierMixin, BaseEstimator):
    """Two-stage classifier: ``first`` label versus the rest, then among the rest.

    Parameters
    ----------
    first : str
        The label decided first (the guide's step 1).
    first_estimator, rest_estimator : classifier with ``predict_proba``
        Cloned and fitted; logistic regressions by default.
    """

    def __init__(self, first="official_claim", first_estimator=None, rest_estimator=None):
        self.first = first
        self.first_estimator = first_estimator
        self.rest_estimator = rest_estimator

    def fit(self, X, y):
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

    def predict_proba(self, X):
        check_is_fitted(self, "rest_")
        p_first = self.first_.predict_proba(X)[:, list(self.first_.classes_).index(True)]
        p_rest = self.rest_.predict_proba(X)
        return cascade_probabilities(
            p_first, p_rest, list(self.rest_.classes_), list(self.classes_), self.first
        )

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

