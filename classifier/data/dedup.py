"""Near-duplicate detection by character 5-gram Jaccard similarity.

Used to keep near-copies out of different corpus splits (leakage) and to report
them within a split. Sparse matrix products keep it fast for tens of thousands
of sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import CountVectorizer

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class DuplicatePair:
    """Two texts whose character n-gram Jaccard similarity reached the threshold.

    ``left`` and ``right`` are indices into the lists compared.
    """

    left: int
    right: int
    similarity: float


def normalize(text: str) -> str:
    """Lowercase with runs of whitespace collapsed: the form compared for duplicates.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        ``text`` lower-cased, whitespace runs made one space, ends stripped.
    """
    return _SPACE.sub(" ", text.lower()).strip()


def _shingles(texts: Sequence[str], n: int) -> CountVectorizer:
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(
        analyzer="char", ngram_range=(n, n), binary=True, lowercase=False,
        preprocessor=normalize, dtype=float,
    )
    return vectorizer


def near_duplicates(
    left: list[str], right: list[str] | None = None, threshold: float = 0.8, n: int = 5,
    block: int = 2000,
) -> list[DuplicatePair]:
    """Pairs with character ``n``-gram Jaccard >= ``threshold``.

    Parameters
    ----------
    left : list of str
        The texts to compare.
    right : list of str, optional
        Texts to compare ``left`` with; without them, pairs run within ``left``
        (each pair once, ``left < right``).
    threshold : float, default 0.8
        The least Jaccard similarity of a pair.
    n : int, default 5
        The length of the character n-grams (of the ``normalize``d texts).
    block : int, default 2000
        Rows of ``left`` compared at once (bounds memory).

    Returns
    -------
    list of DuplicatePair
        The pairs, by ``left`` index.
    """
    import numpy as np

    within = right is None
    vectorizer = _shingles(left, n)
    texts = list(left) + ([] if right is None else list(right))
    if not any(len(normalize(t)) >= n for t in texts):
        return []  # no text holds an n-gram: nothing can be a near-duplicate
    matrix = vectorizer.fit_transform(texts)
    a = matrix[: len(left)].tocsr()
    b = a if within else matrix[len(left):].tocsr()
    size_a = np.asarray(a.sum(axis=1)).ravel()
    size_b = np.asarray(b.sum(axis=1)).ravel()
    pairs: list[DuplicatePair] = []
    for start in range(0, a.shape[0], block):
        inter = (a[start : start + block] @ b.T).tocoo()
        rows, cols, values = inter.row + start, inter.col, inter.data
        union = size_a[rows] + size_b[cols] - values
        sim = np.divide(values, union, out=np.zeros_like(values), where=union > 0)
        keep = sim >= threshold
        if within:
            keep &= rows < cols
        pairs.extend(
            DuplicatePair(int(r), int(c), float(s))
            for r, c, s in zip(rows[keep], cols[keep], sim[keep])
        )
    return pairs
