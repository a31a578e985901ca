"""Typed prediction results, and prediction in batches.

The results are one sentence's, one article's and label summaries; batched
prediction calls back after each batch (for progress bars).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from classifier.text.attribution import Source, find_sources

if TYPE_CHECKING:
    import numpy as np

    # classifier.model imports this module: its Model is described here, not imported
    class _Model(Protocol):
        """What batched prediction needs of a ``classifier.model.Model``."""

        def predict_proba(self, texts: Sequence[str],
                          contexts: Sequence[str] | None = None) -> np.ndarray: ...

        def predict(self, texts: Sequence[str],
                    min_confidence: float = 0.0) -> list[Prediction]: ...

        def tag_articles(self, texts: Sequence[str],
                         min_confidence: float = 0.0) -> list[ArticlePrediction]: ...

OnBatch = Callable[[int, int], None]
BATCH_SIZE = 512


@dataclass(frozen=True)
class Prediction:
    """The label of one sentence and the probability of every label.

    ``label`` is ``None`` (and ``error`` says why) when the text is empty, when it
    is not a sentence (``kind`` is ``"heading"``, ``"byline"`` or ``"dateline"``), or
    when the best probability is below the ``min_confidence`` asked for (``error``
    is ``"low confidence"``; the probabilities are kept), so that every input row
    still has exactly one result.
    """

    text: str
    label: str | None
    probabilities: dict[str, float]
    start: int | None = None
    end: int | None = None
    error: str | None = None
    kind: str = "sentence"
    #: who the sentence is attributed to (official claims, attributed speculation or
    #: analysis); set by ``ArticlePrediction``, offsets into the article
    source: Source | None = None

    @property
    def confidence(self) -> float:
        """Probability of the predicted label.

        The best probability when the label was withheld for low confidence; 0 when
        nothing was scored.
        """
        if self.label:
            return self.probabilities.get(self.label, 0.0)
        return max(self.probabilities.values(), default=0.0)

    def top(self, k: int) -> list[tuple[str, float]]:
        """The ``k`` most probable labels with their probabilities, most probable first.

        Parameters
        ----------
        k : int
            How many.

        Returns
        -------
        list of (str, float)
            Empty for a text that was not scored.

        Examples
        --------
        >>> Prediction("x", "a", {"a": 0.7, "b": 0.2, "c": 0.1}).top(2)
        [('a', 0.7), ('b', 0.2)]
        """
        return sorted(self.probabilities.items(), key=lambda kv: -kv[1])[:k]


@dataclass(frozen=True)
class LabelShare:
    """How many sentences got ``label``, and their share of the labeled sentences."""

    label: str
    count: int
    share: float


@dataclass(frozen=True)
class ArticlePrediction:
    """An article split into sentences, each one labeled, with label shares."""

    text: str
    sentences: list[Prediction] = field(default_factory=list)
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # each attributed sentence gets its source (``Prediction.source``)
        object.__setattr__(self, "sentences", attach_sources(self.text, self.sentences))

    @property
    def sources(self) -> list[Source]:
        """The sources of the article's attributed sentences, in order."""
        return [s.source for s in self.sentences if s.source is not None]

    @property
    def summary(self) -> list[LabelShare]:
        """Count and share of each label over the article's sentences."""
        return summarize([s.label for s in self.sentences], self.labels)


#: labels whose sentences get a source: an official claim, and speculation or analysis
#: attributed to someone (a commentator's forecast); factual reports get none
ATTRIBUTED_LABELS = frozenset({"official_claim", "speculation", "analysis"})


def attach_sources(text: str, sentences: Sequence[Prediction]) -> list[Prediction]:
    """``sentences`` with ``source`` set where an attributed sentence names one.

    Parameters
    ----------
    text : str
        The article.
    sentences : sequence of Prediction
        Its labeled sentences. Offsets are into ``text`` for sentences with offsets;
        a sentence without offsets (not split from an article) is attributed on its
        own text.

    Returns
    -------
    list of Prediction
        The same sentences, those labeled one of ``ATTRIBUTED_LABELS`` with their source.

    Examples
    --------
    >>> text = "Prices will rise, the bank said. He added more."
    >>> p = [Prediction(text[:32], "official_claim", {}, 0, 32),
    ...      Prediction(text[33:], "factual_report", {}, 33, 47)]
    >>> [s.source.text if s.source else None for s in attach_sources(text, p)]
    ['the bank', None]
    """
    sentences = list(sentences)
    wanted = [i for i, s in enumerate(sentences) if s.label in ATTRIBUTED_LABELS]
    if not wanted:
        return sentences
    spans = [i for i in wanted if sentences[i].start is not None]
    found: dict[int, Source | None] = {}
    if spans:
        # the whole article, so that pronouns resolve to speakers of earlier sentences
        every: list[int] = []
        offsets: list[tuple[int, int]] = []
        for i, s in enumerate(sentences):
            if s.start is not None and s.end is not None:
                every.append(i)
                offsets.append((s.start, s.end))
        found.update(zip(every, find_sources(text, offsets)))
    for i in wanted:
        if sentences[i].start is None:
            found[i] = find_sources(sentences[i].text, [(0, len(sentences[i].text))])[0]
    keep = set(wanted)
    return [replace(s, source=found[i]) if i in keep and found.get(i) is not None else s
            for i, s in enumerate(sentences)]


def sentence_source(text: str, label: str | None) -> Source | None:
    """The source of one sentence labeled ``label`` (``None`` for factual reports).

    Parameters
    ----------
    text : str
        One sentence.
    label : str or None
        Its label.

    Returns
    -------
    Source or None
        With offsets into ``text``; ``None`` when the label is not attributed or the
        sentence names nobody.

    Examples
    --------
    >>> sentence_source("Analysts say rates may fall.", "speculation").kind
    'commentator'
    """
    if label not in ATTRIBUTED_LABELS:
        return None
    return find_sources(text, [(0, len(text))])[0]


#: the source columns of a prediction row (``classifier.batch.rows``), in order
SOURCE_COLUMNS = ("source", "source_start", "source_end", "source_kind", "cue", "cue_start",
                  "cue_end", "speaker")


def source_columns(groups: Sequence[tuple[str, Sequence[tuple[int, int]]]],
                   labels: Sequence[str | None]) -> dict[str, list]:
    """The ``SOURCE_COLUMNS`` of flat prediction rows, one value per row.

    A row whose label is not in ``ATTRIBUTED_LABELS``, or that names no source, gets
    nulls; offsets are into the input row's text.

    Parameters
    ----------
    groups : sequence of (str, sequence of (int, int))
        Per input row in order, its text and the spans of its output rows (its
        sentences, or the whole text).
    labels : sequence of str or None
        The output rows' labels, flat.

    Returns
    -------
    dict of str to list
        One list per column of ``SOURCE_COLUMNS``.

    Examples
    --------
    >>> text = "It rained. Rates will rise, the bank said."
    >>> cols = source_columns([(text, [(0, 10), (11, 42)])], ["factual_report", "official_claim"])
    >>> cols["source"], cols["source_start"], cols["cue"]
    ([None, 'the bank'], [None, 28], [None, 'said'])
    """
    out: dict[str, list] = {name: [] for name in SOURCE_COLUMNS}
    k = 0
    for text, spans in groups:
        rows = list(labels[k: k + len(spans)])
        k += len(spans)
        found = (find_sources(text, list(spans)) if any(
            label in ATTRIBUTED_LABELS for label in rows) else [None] * len(spans))
        for label, source in zip(rows, found):
            keep = source if label in ATTRIBUTED_LABELS else None
            for name, value in zip(SOURCE_COLUMNS, _source_values(keep)):
                out[name].append(value)
    return out


def _source_values(source: Source | None) -> tuple:
    if source is None:
        return (None,) * len(SOURCE_COLUMNS)
    return (source.text, source.start, source.end, source.kind, source.cue or None,
            source.cue_start, source.cue_end, source.speaker)


def summarize(labels: list[str | None], order: tuple[str, ...] = ()) -> list[LabelShare]:
    """Count and share of each label, in ``order`` and then by frequency.

    Parameters
    ----------
    labels : list of str or None
        One label per sentence; ``None`` (unlabeled) is not counted.
    order : tuple of str, optional
        Labels listed first, in this order, even with no sentence.

    Returns
    -------
    list of LabelShare
        Shares of the labeled sentences (0 when there are none).
    """
    counts = Counter(label for label in labels if label is not None)
    total = sum(counts.values())
    names = list(order) + [label for label, _ in counts.most_common() if label not in order]
    return [
        LabelShare(label, counts[label], counts[label] / total if total else 0.0)
        for label in names
    ]


EMPTY = "empty text"
LOW_CONFIDENCE = "low confidence"


def not_a_sentence(kind: str) -> str:
    """The ``error`` of a line left unlabeled because it is not a sentence.

    Parameters
    ----------
    kind : str
        ``heading``, ``byline`` or ``dateline``.

    Returns
    -------
    str
        ``not a sentence: KIND``.
    """
    return f"not a sentence: {kind}"


def check_min_confidence(min_confidence: float) -> float:
    """``min_confidence`` if it is a probability, else a one-line ``ClassifierError``.

    Parameters
    ----------
    min_confidence : float
        The value asked for.

    Returns
    -------
    float
        The same value.

    Raises
    ------
    ClassifierError
        If it is outside ``[0, 1]``.
    """
    if not 0.0 <= min_confidence <= 1.0:
        from classifier.errors import ClassifierError

        raise ClassifierError(f"min_confidence must be between 0 and 1, got {min_confidence}")
    return min_confidence


def make_predictions(
    texts: list[str], labels: tuple[str, ...], proba: Sequence[Any],
    spans: Sequence[tuple[int, int]] | None = None, kinds: Sequence[str] | None = None,
    min_confidence: float = 0.0,
) -> list[Prediction]:
    """Turn a probability matrix (rows = texts, columns = labels) into predictions.

    Parameters
    ----------
    texts : list of str
        The texts.
    labels : tuple of str
        The columns.
    proba : sequence of array-like or None
        One row per text; ``None`` for a text that was not scored: empty, or (per
        ``kinds``) not a sentence.
    spans : sequence of (int, int), optional
        Offsets of each text in its article.
    kinds : sequence of str, optional
        ``sentence``, ``heading``, ``byline`` or ``dateline`` per text.
    min_confidence : float, default 0.0
        A best probability below it leaves the label empty (``low confidence``).

    Returns
    -------
    list of Prediction
        One per text, in order.
    """
    results = []
    for i, text in enumerate(texts):
        start, end = spans[i] if spans is not None else (None, None)
        kind = kinds[i] if kinds is not None else "sentence"
        if proba[i] is None:
            error = EMPTY if kind == "sentence" else not_a_sentence(kind)
            results.append(Prediction(text, None, {}, start, end, error, kind))
            continue
        probabilities = {label: float(p) for label, p in zip(labels, proba[i])}
        best = max(range(len(labels)), key=lambda k: proba[i][k])
        if proba[i][best] < min_confidence:
            results.append(Prediction(text, None, probabilities, start, end,
                                      LOW_CONFIDENCE, kind))
            continue
        results.append(Prediction(text, labels[best], probabilities, start, end, None, kind))
    return results

def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _in_batches(call: Callable[[list[str]], list], texts: Sequence[str],
                on_batch: OnBatch | None, batch_size: int) -> list:
    """``call`` on each batch of ``texts``, results joined, ``on_batch`` after each."""
    texts = list(texts)
    out: list = []
    for start, end in _chunks(len(texts), batch_size):
        out.extend(call(texts[start:end]))
        if on_batch is not None:
            on_batch(end, len(texts))
    return out


def predict_proba(model: _Model, texts: Sequence[str], on_batch: OnBatch | None = None,
                  batch_size: int = BATCH_SIZE,
                  contexts: Sequence[str] | None = None) -> np.ndarray:
    """``model.predict_proba(texts, contexts)`` in batches, with a callback after each.

    Parameters
    ----------
    model : Model
        A loaded model.
    texts : sequence of str
        The sentences.
    on_batch : callable, optional
        ``on_batch(done, total)``, called after each batch; without it, one call.
    batch_size : int, default BATCH_SIZE
        Sentences per batch.
    contexts : sequence of str, optional
        The previous sentence of each (for a model that reads context).

    Returns
    -------
    numpy.ndarray of shape (len(texts), len(model.labels))
        As one ``model.predict_proba`` call gives.
    """
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


def predict(model: _Model, texts: Sequence[str], on_batch: OnBatch | None = None,
            batch_size: int = BATCH_SIZE, min_confidence: float = 0.0) -> list[Prediction]:
    """``model.predict(texts)`` in batches of ``batch_size`` texts.

    Parameters
    ----------
    model : Model
        A loaded model.
    texts : sequence of str
        The sentences.
    on_batch : callable, optional
        ``on_batch(done, total)``, called after each batch.
    batch_size : int, default BATCH_SIZE
        Texts per batch.
    min_confidence : float, default 0.0
        Below it a sentence gets no label.

    Returns
    -------
    list of Prediction
        One per text, in order.
    """
    return _in_batches(lambda part: model.predict(part, min_confidence=min_confidence),
                       texts, on_batch, batch_size)


def tag_articles(model: _Model, texts: Sequence[str], on_batch: OnBatch | None = None,
                 batch_size: int = 64, min_confidence: float = 0.0) -> list[ArticlePrediction]:
    """``model.tag_articles(texts)`` in batches of ``batch_size`` articles.

    Parameters
    ----------
    model : Model
        A loaded model.
    texts : sequence of str
        The articles.
    on_batch : callable, optional
        ``on_batch(done, total)``, called after each batch.
    batch_size : int, default 64
        Articles per batch.
    min_confidence : float, default 0.0
        Below it a sentence gets no label.

    Returns
    -------
    list of ArticlePrediction
        One per article, in order.
    """
    return _in_batches(lambda part: model.tag_articles(part, min_confidence=min_confidence),
                       texts, on_batch, batch_size)


def apply_temperature(proba: np.ndarray, temperature: float) -> np.ndarray:
    """``proba`` (rows of probabilities) with its log-probabilities divided by ``temperature``.

    Parameters
    ----------
    proba : numpy.ndarray of shape (n, n_labels)
        Probabilities; rows of NaN (empty texts) stay NaN.
    temperature : float
        The temperature.

    Returns
    -------
    numpy.ndarray
        The calibrated probabilities, each row summing to 1.
    """
    import numpy as np

    if temperature == 1.0 or proba.size == 0:
        return proba
    with np.errstate(divide="ignore"):
        logits = np.log(proba) / temperature
    logits -= np.max(logits, axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)
