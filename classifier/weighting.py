"""Logistic regression with per-label boosts on top of balanced class weights."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_sample_weight


class BoostedLogisticRegression(LogisticRegression):
    """``LogisticRegression`` whose samples are weighted by class balance times a boost.

    ``class_boost`` maps labels to multipliers (e.g. ``{"official_claim": 2.0}``):
    the guide decides attribution first, and on real copy the attribution is
    easily outvoted by content words, so the first label can be weighted up.
    With ``balanced=True`` the boost multiplies scikit-learn's balanced weights.
    """

    def __init__(self, class_boost=None, balanced=True, *, C=1.0, max_iter=2000,
                 random_state=None):
        super().__init__(C=C, max_iter=max_iter, random_state=random_state)
        self.class_boost = class_boost
        self.balanced = balanced

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y)
        weights = compute_sample_weight("balanced", y) if self.balanced else np.ones(len(y))
        for label, boost in dict(self.class_boost or {}).items():
            weights[y == label] *= boost
        if sample_weight is not None:
            weights = weights * np.asarray(sample_weight)
        return super().fit(X, y, sample_weight=weights)
