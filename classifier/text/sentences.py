"""Split news text into sentences with character offsets.

Wraps pysbd (rule-based, offline) and adds what news copy needs on top: each line
break that starts a new line with a capital, digit, quote or bullet ends a sentence
(headlines and bullet lists have no full stop), bullet markers are not part of the
sentence, and every sentence keeps its exact span in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_BULLET = re.compile(r"[-*\u2022\u2013\u2014\u25aa\u25cf>]+\s+|\d{1,2}[.)]\s+")
# A line break followed by one of these starts a new block; a lowercase letter after
# a line break means the text was hard-wrapped mid-sentence.
_CONTINUATION = re.compile(r"\n[ \t]*(?=[a-z(,;:])")
_BLOCK_BREAK = re.compile(r"\n")
# pysbd's time grows with the square of the text it gets (a 100 kB paragraph takes
# minutes), so longer blocks are first cut at a likely sentence end: a lowercase
# word, end punctuation, space, then a capital or an opening quote.
_MAX_CHUNK = 3000
_LIKELY_END = re.compile(r"[a-z]{3}[.!?][\"'\u201d\u2019)]*\s+(?=[\"\u201c\u2018(A-Z])")


@dataclass(frozen=True)
class Sentence:
    """One sentence and its span in the text it came from: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the line blocks that may each hold several sentences."""
    joins = {m.start() for m in _CONTINUATION.finditer(text)}
    spans, begin = [], 0
    for match in _BLOCK_BREAK.finditer(text):
        if match.start() in joins:
            continue
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``[start, end)`` to the sentence proper: no outer space, no bullet."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    bullet = _BULLET.match(text, start, end)
    if bullet and bullet.end() < end:
        start = bullet.end()
    return start, end


def _chunks(block: str) -> list[tuple[int, int]]:
    """Spans of at most ``_MAX_CHUNK`` characters that cover ``block``, cut at likely
    sentence ends (else at a space, else anywhere)."""
    spans, begin = [], 0
    while len(block) - begin > _MAX_CHUNK:
        limit = begin + _MAX_CHUNK
        cut = None
        for match in _LIKELY_END.finditer(block, begin, limit):
            cut = match.end()
        if cut is None:
            space = block.rfind(" ", begin + 1, limit)
            cut = space + 1 if space > begin else limit
        spans.append((begin, cut))
        begin = cut
    spans.append((begin, len(block)))
    return spans


def _segment_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one block, located in ``text`` by search, not trust."""
    block = text[start:end].replace("\n", " ")  # same length: offsets hold
    if not block.strip():
        return []
    spans = []
    for low, high in _chunks(block):
        spans.extend(_segment_chunk(block[low:high], start + low, start + high))
    return spans


def _segment_chunk(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one chunk of a block, offset to ``start`` in the text."""
    pieces = _segmenter().segment(chunk) if any(c in chunk for c in ".!?") else [chunk]
    spans, cursor = [], 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        found = chunk.find(piece, cursor)
        if found < 0:  # the segmenter altered the text: keep the rest whole
            spans.append((start + cursor, end))
            return spans
        spans.append((start + found, start + found + len(piece)))
        cursor = found + len(piece)
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences, keeping each one's character offsets.

    Parameters
    ----------
    text : str
        An article or any run of prose; headlines and bullet lines count as
        sentences of their own.

    Returns
    -------
    list of Sentence
        In text order; ``text[s.start:s.end] == s.text`` for each.

    Examples
    --------
    >>> [s.text for s in split_sentences("Officials said it. It may rain.")]
    ['Officials said it.', 'It may rain.']
    """
    sentences = []
    for block_start, block_end in _blocks(text):
        for start, end in _segment_block(text, block_start, block_end):
            start, end = _strip(text, start, end)
            if start < end:
                sentences.append(Sentence(text[start:end], start, end))
    return sentences
