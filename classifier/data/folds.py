"""Splitting labeled data: its fingerprint and grouped, stratified folds."""

from __future__ import annotations

import hashlib

from classifier.data.tables import LabeledData


def fingerprint(data: LabeledData) -> str:
    """SHA-256 of the rows in order: the same data gives the same fingerprint."""
    digest = hashlib.sha256()
    for text, label in zip(data.texts, data.labels):
        digest.update(f"{label}\t{text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def make_folds(data: LabeledData, n_splits: int, random_state: int = 0):
    """Stratified folds, grouped (no group in two folds) when groups are known."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    smallest = min(data.label_counts.values())
    n_splits = max(2, min(n_splits, smallest))
    if data.groups is not None and len(set(data.groups)) >= n_splits:
        splitter = StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)
        return list(splitter.split(data.texts, data.labels, data.groups)), True
    splitter = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(data.texts, data.labels)), False
