"""Case normalisation for headline-style and all-caps text.

Case-preserving n-grams tell names and institutions from common words, but then a
headline in Title Case or a line in capitals looks like nothing the model saw.
Such text is lower-cased (prose keeps its case); pure Python, so the NumPy
scorer and the scikit-learn pipeline share it.
"""

from __future__ import annotations


def normalize_case(text: str) -> str:
    """``text`` lower-cased if it is all capitals or Title Case, else unchanged.

    Parameters
    ----------
    text : str
        A sentence or headline.

    Returns
    -------
    str
        ``text`` lower-cased, or ``text`` itself.

    Examples
    --------
    >>> normalize_case("Tesla Hands Over First Model S Sedans at Fremont Plant")
    'tesla hands over first model s sedans at fremont plant'
    >>> normalize_case("Tesla handed over its first sedans on Friday.")
    'Tesla handed over its first sedans on Friday.'
    """
    if text.isupper():
        return text.lower()
    words = [w for w in text.split() if len(w) >= 4]
    if len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
        return text.lower()
    return text
