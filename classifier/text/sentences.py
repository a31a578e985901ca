"""Split news text into sentences with character offsets.

Wraps pysbd (rule-based, offline) and adds what news copy needs on top: each line
break that starts a new line with a capital, digit, quote or bullet ends a sentence
(headlines and bullet lists have no full stop), bullet markers are not part of the
sentence, and every sentence keeps its exact span in the original text.

Hard-wrapped text (wire copy, e-mail, text pasted from a PDF, ``fold -s -w 70``) is
recognised by its line lengths: inside a paragraph, a line break where the next
word would not have fitted on the line is a wrap, and the lines are joined. A blank
line, a bullet, or a heading, byline or dateline on a line of its own still ends a
block. Such non-sentences (``Key points:``, ``By Jane Doe``, ``14 January 2025``)
come back with ``kind`` set to ``"heading"``, ``"byline"`` or ``"dateline"``, so the
model can leave them unlabeled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pysbd import Segmenter

_BULLET = re.compile(r"[-*\u2022\u2013\u2014\u25aa\u25cf>]+\s+|\d{1,2}[.)]\s+")
# A line break followed by one of these starts a new block; a lowercase letter after
# a line break means the text was hard-wrapped mid-sentence.
_CONTINUATION = re.compile(r"\n[ \t]*(?=[a-z(,;:])")
_BLOCK_BREAK = re.compile(r"\n")
# Wrapped text: lines no longer than this (wider lines are paragraphs, not wraps).
_MAX_WRAP_WIDTH = 150
_FIRST_WORD = re.compile(r"\S+")
_SENTENCE = "sentence"
_RUNS = re.compile(r"\s+|\S+")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'\u201d\u2019)]*\s*$")
_ENDS_QUOTE = re.compile(r"[.!?][\"'\u201d\u2019)]+\s*$")
_ENDS_CLAUSE = re.compile(r"[.!?:;,\"'\u201d\u2019)]\s*$")
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
    #: ``"sentence"``, or a line that is not one: ``"heading"``, ``"byline"``, ``"dateline"``
    kind: str = _SENTENCE


@lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    # pysbd's English segmenter, made once per process, with its costliest passes
    # made cheap (same splits: classifier.text.fast_pysbd)
    from classifier.text.fast_pysbd import segmenter

    return segmenter()


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the line blocks that may each hold several sentences."""
    joins = {m.start() for m in _CONTINUATION.finditer(text)}
    if "\n" in text:
        joins |= _wrap_joins(text)
    spans, begin = [], 0
    for match in _BLOCK_BREAK.finditer(text):
        if match.start() in joins:
            continue
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(text)))
    return spans


def _wrap_joins(text: str) -> set[int]:
    """Positions of the line breaks that hard-wrapped a paragraph.

    The text counts as wrapped when its longest line is at most ``_MAX_WRAP_WIDTH``
    characters, at least two lines that go on into another come close to it, and at
    least one line goes on in lower case mid-sentence. Then a break is a wrap when
    the next line's first word would not have fitted on the line (a greedy wrapper's
    rule, as ``fold -s`` and ``textwrap`` follow), unless the next line is a bullet,
    either line is a heading, byline or dateline, a quotation ended the line, or the
    line belongs to the text's first lines (a headline) with no end punctuation and
    a paragraph after it (a capital that starts a wrapped or punctuated line).
    """
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, line))
        at += len(line) + 1
    widths = [len(line.rstrip()) for _, line in lines]
    width = max(widths)
    # fold counts bytes, other wrappers characters: a break fits either count
    sizes = [len(line.rstrip().encode("utf-8", "surrogatepass")) for _, line in lines]
    size = max(sizes)
    if width > _MAX_WRAP_WIDTH or len(lines) < 3:
        return set()
    follows = [i for i in range(len(lines) - 1) if widths[i] and lines[i + 1][1].strip()]
    long = sum(widths[i] >= width - 15 for i in follows)
    lower = sum(lines[i + 1][1].lstrip()[:1].islower() for i in follows)
    if long < 2 or lower < 1:
        return set()
    joins = set()
    headline = True  # still in the text's first lines, before any end punctuation
    seen = wrap = False
    for i in range(len(lines) - 1):
        if not widths[i]:
            headline, wrap = headline and not seen, False
            continue
        line, following = lines[i][1], lines[i + 1][1]
        word = _FIRST_WORD.search(following)
        starts_block = not wrap
        wrap = word is not None and _is_wrap(line, following, word.group(), headline,
                                            starts_block, (widths[i] + 1, width),
                                            (sizes[i] + 1, size), widths[i + 1])
        if wrap:
            joins.add(lines[i + 1][0] - 1)
        seen, headline = True, headline and wrap and not _ENDS_SENTENCE.search(line)
    return joins


def _is_wrap(line: str, following: str, word: str, headline: bool, starts_block: bool,
             chars: tuple[int, int], size: tuple[int, int], next_width: int) -> bool:
    """Whether the break between ``line`` and ``following`` wrapped a paragraph.

    ``chars`` and ``size`` are the line's length (plus a space) and the text's width,
    in characters and in UTF-8 bytes.
    """
    if chars[0] + len(word) <= chars[1] - 1 and size[0] + len(
            word.encode("utf-8", "surrogatepass")) <= size[1] - 1:
        return False  # the word would have fitted: the line was ended on purpose
    width = chars[1]
    if (headline and not _ENDS_CLAUSE.search(line) and not word[0].islower()
            and (next_width >= width - 15
                 or (_ENDS_CLAUSE.search(following) and len(following.split()) > 3))):
        return False  # a headline (no end punctuation) and then a paragraph
    if _BULLET.match(following.lstrip()):
        # a list item, unless the line goes on: "17." after "on Aug." is a wrapped date
        if word[0] in "*\u2022\u25aa\u25cf>" or line.rstrip().endswith(":"):
            return False
        if _BULLET.match(line.lstrip()) or (not word[0].isdigit()
                                            and _ENDS_CLAUSE.search(line)):
            return False
    if _ENDS_QUOTE.search(line) and word[0].isupper():
        return False  # a quotation ended the paragraph (pysbd keeps ".' Next" together)
    if starts_block and line_kind(line) != _SENTENCE:
        return False
    # a paragraph ended, and a heading, byline or dateline follows
    return not (_ENDS_SENTENCE.search(line) and line_kind(following) != _SENTENCE)


_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|"
           "april|june|july|august|september|october|november|december")
_DAYS = "mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|" \
    "friday|saturday|sunday"
_DATE_WORDS = re.compile(
    rf"\b(?:{_MONTHS}|{_DAYS})\b\.?|\b\d{{1,4}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}[:.]\d{{2}}\b|"
    r"\b[ap]\.m\.|\b(?:am|pm|gmt|utc|bst|cet|cest|est|edt|et|pst|pdt|pt|ist|aest)\b|"
    r"\b(?:updated|published|posted|last|modified|on|at|ago|hours?|minutes?|mins?|days?|"
    r"yesterday|today)\b",
    re.IGNORECASE,
)
# a dateline names a month or day, a time, or a whole numeric date; "2014-15." does not
_DATE_HINT = re.compile(
    rf"\b(?:{_MONTHS}|{_DAYS}|ago|yesterday|today)\b|\b\d{{1,2}}:\d{{2}}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)
# "LONDON (Reuters) -", "Kyiv, Jan 14 (AP) --", "PARIS --" alone on a line
_AGENCY = r"\((?:[A-Z]{2,8}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)\)"
_AGENCY_DATELINE = re.compile(
    rf"^[A-Z][A-Za-z.'\- ]{{1,40}}(?:,\s*[A-Za-z0-9., ]{{1,30}})?\s*{_AGENCY}\s*[-\u2013\u2014:]*$|"
    r"^[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Za-z0-9., ]{1,30})?\s*[-\u2013\u2014]+$"
)
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by|story by)\s+(\S.*)$",
                     re.IGNORECASE)
_BYLINE_JOINERS = {"and", "&", "in", "for", "of", "the", "staff", "with", "editing", "by",
                   "additional", "reporting", "writing", "de", "van", "von", "al", "bin"}


def line_kind(line: str) -> str:
    """What a line standing alone is: ``"sentence"``, or a non-sentence of news copy.

    The non-sentences are ``"heading"``, ``"byline"`` and ``"dateline"``.

    Examples
    --------
    >>> [line_kind(x) for x in ["Key points:", "By Jane Doe and Ali Khan",
    ...                         "Updated 14 January 2025, 10:32 GMT", "Prices rose."]]
    ['heading', 'byline', 'dateline', 'sentence']
    """
    line = line.strip()
    if len(line) > 120 or not any(c.isalnum() for c in line):
        return _SENTENCE
    words = line.split()
    if line.startswith("#") and line.lstrip("#")[:1] == " ":
        return "heading"
    if line.endswith(":") and len(words) <= 8 and not re.search(r"[.!?]\s", line):
        return "heading"
    byline = _BYLINE.match(line)
    if byline and len(words) <= 12 and line[-1] not in "!?":
        names = [w.strip(",;") for w in byline.group(1).split()]
        capitals = [w for w in names if w and w.lower() not in _BYLINE_JOINERS]
        if capitals and all(w[:1].isupper() for w in capitals) and not line.endswith(
                tuple(f" {w.lower()}." for w in ("said", "says"))):
            return "byline"
    if _DATE_HINT.search(line) and len(words) <= 12 and (
            not _ENDS_SENTENCE.search(line) or line.endswith(("a.m.", "p.m."))):
        rest = _DATE_WORDS.sub(" ", line)
        if not re.sub(r"[\s,.:;|/()\-\u2013\u2014]+", "", rest):
            return "dateline"
    if _AGENCY_DATELINE.match(line) and len(words) <= 8:
        return "dateline"
    return _SENTENCE


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
    """Spans of at most ``_MAX_CHUNK`` characters that cover ``block``.

    They are cut at likely sentence ends (else at a space, else anywhere).
    """
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
    block = text[start:end]
    if not block.strip():
        return []
    # pysbd reads every whitespace run as one space (a wrapped line leaves "word \nword"),
    # and each position of the squeezed block maps back to the text
    squeezed, where = _squeeze(block)
    spans = []
    for low, high in _chunks(squeezed):
        for a, b in _segment_chunk(squeezed[low:high], low, high):
            spans.append((start + where[a], start + where[b - 1] + 1))
    return spans


def _squeeze(block: str) -> tuple[str, list[int]]:
    """``block`` with each whitespace run as one space.

    Also returns each character's index in ``block``.
    """
    if "  " not in block and "\n" not in block and "\t" not in block and "\r" not in block:
        return block, list(range(len(block)))
    chars, where = [], []
    for match in _RUNS.finditer(block):
        piece = match.group()
        if piece[0].isspace():
            chars.append(" ")
            where.append(match.start())
        else:
            chars.append(piece)
            where.extend(range(match.start(), match.end()))
    return "".join(chars), where


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
        In text order; ``text[s.start:s.end] == s.text`` for each. A heading,
        byline or dateline on a line of its own has ``kind`` set to say so.

    Examples
    --------
    >>> [s.text for s in split_sentences("Officials said it. It may rain.")]
    ['Officials said it.', 'It may rain.']
    """
    sentences = []
    for block_start, block_end in _blocks(text):
        kind = line_kind(text[block_start:block_end])
        if kind != _SENTENCE:
            start, end = _strip(text, block_start, block_end)
            sentences.append(Sentence(text[start:end], start, end, kind))
            continue
        for start, end in _segment_block(text, block_start, block_end):
            start, end = _strip(text, start, end)
            if start < end:
                sentences.append(Sentence(text[start:end], start, end))
    return sentences


# a likely sentence end inside a text: a lowercase word or a number, end punctuation,
# space, then a capital or an opening quote (cheap; split_sentences confirms)
_INNER_END = re.compile(r"[a-z0-9%)]{2}[.!?][\"'\u201d\u2019)]*\s+[\"\u201c\u2018(]?[A-Z]")


SEVERAL_WINDOW = 4000  # characters of a row that has_several_sentences reads


def has_several_sentences(text: str | None) -> bool:
    """Whether ``text`` holds more than one sentence (a table row meant as one).

    >>> has_several_sentences("Police said two men were held. More may follow.")
    True
    >>> has_several_sentences("The U.S. Army said it.")
    False
    """
    if not text or (not _INNER_END.search(text) and "\n" not in text.strip()):
        return False
    # the start is enough to tell, and a 17 MB cell is not split whole for a warning
    return len(split_sentences(text[:SEVERAL_WINDOW])) > 1
