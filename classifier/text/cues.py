"""Cue features from the labeling guide's decision order: who says it, how sure, what kind.

The guide decides by attribution first (is the main clause said by an official
source?), then uncertainty, then interpretation. Bag-of-words cannot see who is
speaking, so this module finds the attribution (a leading "X said", a trailing
", X said.", "according to X", "by X's count", a closing quotation), classifies its
subject (institution or named source, commentator, private person, pronoun), and
measures hedging and interpretation in the rest of the sentence only.

Pure Python + NumPy, so the fast inference path and the scikit-learn transformer
share one implementation. Word lists live in ``lexicons/cues.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# a word, without trailing . ’ ' - (a number keeps a trailing comma)
_WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’.-]*[A-Za-z])?|\d(?:[\d,.]*[\d,])?")
_OPENING_QUOTES = frozenset("\"“‘'")
_CLOSING_QUOTES = frozenset("\"”’'")
_OPEN_QUOTE = re.compile(r"^\s*[\"“‘']")
_QUOTE_THEN_SAYS = re.compile(
    r"[,.?!][\"”’']\s*(?:[\w.'’-]+\s+){0,6}?(?:said|says|told|added|stated|wrote|warned|"
    r"insisted|explained|continued)\b", re.I,
)
_ACCORDING = re.compile(r"\baccording to\s+([^,;]+)", re.I)
_POSSESSIVE_SOURCE = re.compile(
    r"\b(?:by|in|on)\s+([^,;]*?)['’]s?\s+(?:own\s+)?(?:count|reckoning|estimate|tally|view|"
    r"figures|calculations?|account|assessment)\b", re.I,
)
_FIGURES_SHOW = re.compile(
    r"\b(figures|data|statistics|records|filings?|documents)\s+(?:released\s+\w+\s+)?"
    r"(?:show|showed|shows|suggest|released|published)\b", re.I,
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'()-]{2,40}\s+[—–-]\s+|^update[^:]{0,20}:\s*", re.I)
_NUMBER = re.compile(r"\d")

NAMES: tuple[str, ...] = (
    "attr_any", "attr_leading", "attr_trailing", "attr_according", "attr_possessive",
    "figures_show", "quote_then_says", "subj_official", "subj_name", "subj_commentator",
    "subj_private", "subj_pronoun", "official_source", "unofficial_source",
    "starts_with_quote", "ends_with_quote", "quote_no_attr", "has_quote",
    "hedge", "hedge_any", "interp", "interp_any", "future", "schedule_future",
    "official_x_hedge", "unofficial_x_hedge", "unofficial_x_interp", "private_x_hedge",
    "noattr_x_hedge", "noattr_x_interp", "official_noun_anywhere", "reporting_anywhere",
    "negation", "number", "question", "short", "long",
)


@lru_cache(maxsize=1)
def lexicons() -> dict[str, frozenset[str]]:
    """The cue word lists shipped with the package (lower case).

    Returns
    -------
    dict of str to frozenset of str
        Each list's name and its words.
    """
    text = resources.files("classifier.text").joinpath("lexicons/cues.json").read_text("utf-8")
    return {name: frozenset(words) for name, words in json.loads(text).items()}


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _lower(words: list[str]) -> list[str]:
    """The words in lower case (words hold no spaces: one join, one split)."""
    return " ".join(words).lower().split(" ") if words else []


def _subject_kind(words: list[str], lex: Mapping[str, frozenset[str]]) -> dict[str, float]:
    """Who the attribution's subject is: official, a named source, commentator, ..."""
    lower = [w.lower() for w in words]
    tokens = set(lower)
    kind = {
        "official": float(not tokens.isdisjoint(lex["official_nouns"])),
        "commentator": float(not tokens.isdisjoint(lex["commentator_nouns"])),
        "private": float(not tokens.isdisjoint(lex["private_nouns"])),
        "pronoun": float(bool(lower) and lower[0] in lex["pronouns"] and len(lower) <= 2),
        "name": 0.0,
    }
    for word, low in zip(words, lower):
        if word[:1].isupper() and low not in lex["function_words"] and low not in lex["pronouns"]:
            kind["name"] = 1.0
            break
    return kind


def _find_attribution(body: str, words: list[str], lower: list[str],
                      lex: Mapping[str, frozenset[str]]) -> tuple[str, list[str], str | None]:
    """(kind, subject words, rest of the sentence) of the sentence's attribution, if any.

    ``words`` are ``body``'s words, ``lower`` the same in lower case; the rest is
    ``None`` when it is the whole body.
    """
    according = _ACCORDING.search(body) if "ccording" in body else None
    if according:
        rest = body[: according.start()] + body[according.end():]
        return "according", _words(according.group(1))[:8], rest
    possessive = _POSSESSIVE_SOURCE.search(body) if ("'" in body or "’" in body) else None
    if possessive:
        rest = body[: possessive.start()] + body[possessive.end():]
        return "possessive", _words(possessive.group(1))[-6:], rest
    verbs = lex["reporting_verbs"]
    if verbs.isdisjoint(lower):  # no reporting verb: neither a trailing nor a leading one
        return "", [], None
    # trailing: the last clause (after a comma or a closing quote) holds the verb
    cut = max(body.rfind(","), body.rfind("”"), body.rfind('"'), body.rfind("’"))
    if 0 < cut < len(body) - 1:
        tail = _words(body[cut + 1:])
        if 0 < len(tail) <= 14 and not verbs.isdisjoint([w.lower() for w in tail]):
            subject = [w for w in tail if w.lower() not in verbs]
            return "trailing", subject[:8], body[:cut]
    for i, word in enumerate(words[:12]):
        if i > 0 and word.lower() in verbs and not _OPEN_QUOTE.match(body):
            rest = body.split(word, 1)[1] if word in body else body
            return "leading", words[:i][-8:], rest
    return "", [], None


_LOWERS_TO_ASCII = frozenset("\u212a\u0130")  # Kelvin sign -> k, dotted I -> i + dot
_NOBODY = dict.fromkeys(("official", "commentator", "private", "pronoun", "name"), 0.0)
_FIGURE_WORDS = ("figures", "data", "statistics", "records", "filing", "documents")


def cue_vector(text: str) -> list[float]:
    """The cue features of one sentence, in the order of ``NAMES``.

    Parameters
    ----------
    text : str
        One sentence.

    Returns
    -------
    list of float
        One value per name in ``NAMES``.
    """
    lex = lexicons()
    stripped = text.strip()
    body = _DATELINE.sub("", stripped)
    body_words = _words(body)
    body_lower = _lower(body_words)
    kind, subject, rest = _find_attribution(body, body_words, body_lower, lex)
    who = _subject_kind(subject, lex) if kind else _NOBODY
    rest_words = body_lower if rest is None else _lower(_words(rest))
    lower = text.lower()
    # lower-casing first finds the same words unless a character lower-cases to ASCII
    same = body is stripped or body == stripped
    all_words = body_lower if same and not _LOWERS_TO_ASCII.intersection(text) else (
        _words(lower))
    tokens = set(all_words)
    hedge_words, interp_words = lex["hedges"], lex["interpretive"]
    hedges = len([w for w in rest_words if w in hedge_words])
    interp = len([w for w in rest_words if w in interp_words])
    future = float(not lex["future"].isdisjoint(rest_words))
    unofficial = float(bool(kind) and bool(who["commentator"] or who["private"]))
    official = float(bool(kind) and not unofficial and bool(
        who["official"] or who["name"] or kind in ("according", "possessive")))
    has_quote = float('"' in text or "“" in text or "”" in text or "‘" in text)
    quoted = has_quote or "’" in text or "'" in text
    quote_says = float(quoted and bool(_QUOTE_THEN_SAYS.search(text)))
    starts_quote = float(text.lstrip()[:1] in _OPENING_QUOTES)
    ends_quote = float(text.rstrip()[-1:] in _CLOSING_QUOTES)
    figures = any(w in lower for w in _FIGURE_WORDS) and bool(_FIGURES_SHOW.search(text))
    n = len(all_words)
    h, i = float(hedges > 0), float(interp > 0)
    return [
        float(bool(kind)), float(kind == "leading"), float(kind == "trailing"),
        float(kind == "according"), float(kind == "possessive"),
        float(figures), quote_says,
        who["official"], who["name"], who["commentator"], who["private"], who["pronoun"],
        official, unofficial,
        starts_quote, ends_quote, float(starts_quote and ends_quote and not kind), has_quote,
        min(hedges, 3) / 3.0, h, min(interp, 3) / 3.0, i, future,
        future * float(not tokens.isdisjoint(lex["schedule"])),
        official * h, unofficial * h, unofficial * i, who["private"] * h,
        float(not kind) * h, float(not kind) * i,
        float(not tokens.isdisjoint(lex["official_nouns"])),
        float(not tokens.isdisjoint(lex["reporting_verbs"])),
        float(not tokens.isdisjoint(lex["negations"]) or "n't" in text),
        float(bool(_NUMBER.search(text))), float("?" in text),
        float(n < 8), float(n > 35),
    ]


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """Cue features of many sentences as a dense ``(n, len(NAMES))`` float array.

    One ``cue_vector`` per sentence: the reference. The models compute the same
    array batch-wise with ``classifier.text.cue_arrays.cue_matrix``.

    Parameters
    ----------
    texts : sequence of str
        The sentences.

    Returns
    -------
    numpy.ndarray
        One row per sentence, one column per name in ``NAMES``.
    """
    from itertools import chain

    import numpy as np

    width = len(NAMES)
    values = chain.from_iterable(map(cue_vector, texts))
    return np.fromiter(values, dtype=np.float64, count=len(texts) * width).reshape(
        len(texts), width
    )
