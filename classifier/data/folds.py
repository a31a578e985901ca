"""Splitting labeled data: its fingerprint and grouped, stratified folds."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from classifier.data.tables import LabeledData

if TYPE_CHECKING:
    import numpy as np


def fingerprint(data: LabeledData) -> str:
    """SHA-256 of the rows in order: the same data gives the same fingerprint.

    Parameters
    ----------
    data : LabeledData
        The rows (texts and labels).

    Returns
    -------
    str
        The hex digest.
    """
    digest = hashlib.sha256()
    for text, label in zip(data.texts, data.labels):
        digest.update(f"{label}\t{text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def make_folds(
    data: LabeledData, n_splits: int, random_state: int = 0,
) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """Stratified folds, grouped (no group in two folds) when groups are known.

    Parameters
    ----------
    data : LabeledData
        The rows to split.
    n_splits : int
        Folds wanted; at least 2 and at most the smallest label's count.
    random_state : int, default 0
        Seed of the shuffle.

    Returns
    -------
    folds : list of (numpy.ndarray, numpy.ndarray)
        Train and test row indices per fold.
    grouped : bool
        Whether the folds keep groups apart (``data.groups`` known and enough groups).
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    smallest = min(data.label_counts.values())
    n_splits = max(2, min(n_splits, smallest))
    if data.groups is not None and len(set(data.groups)) >= n_splits:
        splitter = StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)
        return list(splitter.split(data.texts, data.labels, data.groups)), True
    splitter = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(data.texts, data.labels)), False
