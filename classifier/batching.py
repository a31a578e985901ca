"""Scoring in batches, with a callback after each one (for progress bars)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from classifier.prediction import ArticlePrediction, Prediction

OnBatch = Callable[[int, int], None]
BATCH_SIZE = 512


def _chunks(n: int, size: int):
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def predict_proba(model, texts: Sequence[str], on_batch: OnBatch | None = None,
                  batch_size: int = BATCH_SIZE, contexts: Sequence[str] | None = None):
    """``model.predict_proba(texts, contexts)``, calling ``on_batch(done, total)`` after
    each batch."""
    import numpy as np

    texts = list(texts)
    contexts = list(contexts) if contexts is not None else None
    if on_batch is None or len(texts) <= batch_size:
        proba = model.predict_proba(texts, contexts)
        if on_batch is not None:
            on_batch(len(texts), len(texts))
        return proba
    parts = []
    for start, end in _chunks(len(texts), batch_size):
        parts.append(model.predict_proba(texts[start:end],
                                         contexts[start:end] if contexts else None))
        on_batch(end, len(texts))
    return np.vstack(parts)


def predict(model, texts: Sequence[str], on_batch: OnBatch | None = None,
            batch_size: int = BATCH_SIZE) -> list[Prediction]:
    """``model.predict(texts)`` in batches of ``batch_size`` texts."""
    texts = list(texts)
    out: list[Prediction] = []
    for start, end in _chunks(len(texts), batch_size):
        out.extend(model.predict(texts[start:end]))
        if on_batch is not None:
            on_batch(end, len(texts))
    return out


def tag_articles(model, texts: Sequence[str], on_batch: OnBatch | None = None,
                 batch_size: int = 64) -> list[ArticlePrediction]:
    """``model.tag_articles(texts)`` in batches of ``batch_size`` articles."""
    texts = list(texts)
    out: list[ArticlePrediction] = []
    for start, end in _chunks(len(texts), batch_size):
        out.extend(model.tag_articles(texts[start:end]))
        if on_batch is not None:
            on_batch(end, len(texts))
    return out
