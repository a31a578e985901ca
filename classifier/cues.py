"""Cue features from the labeling guide's decision order: who says it, how sure, what kind.

Pure Python + NumPy, so the fast inference path and the scikit-learn transformer
share one implementation. Lexicons live in ``lexicons/cues.json``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_TOKEN = re.compile(r"[a-z0-9']+|[\"“”?]")
_QUOTE_THEN_SAYS = re.compile(
    r"[,.?!]?[\"”’]\s*,?\s*(?:[\w.'’-]+\s+){0,6}?(?:said|says|told|added|stated|warned|insisted)\b"
)
_TRAILING_ATTRIBUTION = re.compile(
    r",\s+(?:[\w.'’()-]+\s+){0,10}?(?:said|says|told|added|stated|warned|reported|announced|"
    r"confirmed|insisted|claimed|estimated)\b[^,;]*[.!?\"”’]*\s*$"
)
_ACCORDING = re.compile(r"\baccording to\b")
_LEADING_SAYS = re.compile(
    r"^(?:[\w.'’()-]+\s+){1,8}?(?:said|says|told|announced|claimed|reported|warned|"
    r"confirmed|insisted|stated|believes|expects|estimated|denied|insists|maintains)\b"
)
_NUMBER = re.compile(r"\d")
_STARTS_QUOTE = re.compile(r"^\s*[\"“‘']")

NAMES: tuple[str, ...] = (
    "reporting_verb", "official_noun", "commentator_noun", "private_noun",
    "official_and_reporting", "commentator_and_reporting", "private_and_reporting",
    "according_to", "according_official", "quote_then_says", "trailing_attribution",
    "trailing_attr_official", "trailing_attr_commentator", "leading_says",
    "leading_says_official", "leading_says_commentator", "starts_with_quote",
    "has_quote", "hedge_count", "hedge_any", "hedge_and_official_attr",
    "hedge_and_commentator", "future", "schedule_and_future", "interpretive_count",
    "interpretive_any", "interpretive_and_commentator", "negation", "number",
    "question", "short", "long",
)


@lru_cache(maxsize=1)
def lexicons() -> dict[str, frozenset[str]]:
    """The cue word lists shipped with the package."""
    text = resources.files("classifier").joinpath("lexicons/cues.json").read_text("utf-8")
    return {name: frozenset(words) for name, words in json.loads(text).items()}


def _any(tokens: set[str], words: frozenset[str]) -> float:
    return 1.0 if not tokens.isdisjoint(words) else 0.0


def cue_vector(text: str) -> list[float]:
    """The cue features of one sentence, in the order of ``NAMES``."""
    lex = lexicons()
    lower = text.lower()
    token_list = _TOKEN.findall(lower)
    tokens = set(token_list)
    reporting = _any(tokens, lex["reporting_verbs"])
    official = _any(tokens, lex["official_nouns"])
    commentator = _any(tokens, lex["commentator_nouns"])
    private = _any(tokens, lex["private_nouns"])
    according = 1.0 if _ACCORDING.search(lower) else 0.0
    quote_says = 1.0 if _QUOTE_THEN_SAYS.search(lower) else 0.0
    trailing = _TRAILING_ATTRIBUTION.search(lower)
    trailing_text = set(_TOKEN.findall(trailing.group(0))) if trailing else set()
    leading = _LEADING_SAYS.search(lower)
    leading_text = set(_TOKEN.findall(leading.group(0))) if leading else set()
    hedges = sum(1 for t in token_list if t in lex["hedges"])
    interpretive = sum(1 for t in token_list if t in lex["interpretive"])
    future = _any(tokens, lex["future"])
    official_attr = max(
        according * official,
        _any(trailing_text, lex["official_nouns"]),
        _any(leading_text, lex["official_nouns"]),
        quote_says * official,
    )
    commentator_attr = max(
        _any(trailing_text, lex["commentator_nouns"]),
        _any(leading_text, lex["commentator_nouns"]),
    )
    n_words = len(token_list)
    return [
        reporting, official, commentator, private,
        reporting * official, reporting * commentator, reporting * private,
        according, according * official, quote_says, 1.0 if trailing else 0.0,
        _any(trailing_text, lex["official_nouns"]),
        _any(trailing_text, lex["commentator_nouns"]),
        1.0 if leading else 0.0,
        _any(leading_text, lex["official_nouns"]),
        _any(leading_text, lex["commentator_nouns"]),
        1.0 if _STARTS_QUOTE.match(text) else 0.0,
        1.0 if ('"' in text or "“" in text or "”" in text) else 0.0,
        min(hedges, 4) / 4.0, 1.0 if hedges else 0.0,
        (1.0 if hedges else 0.0) * official_attr,
        (1.0 if hedges else 0.0) * commentator_attr,
        future, future * _any(tokens, lex["schedule"]),
        min(interpretive, 4) / 4.0, 1.0 if interpretive else 0.0,
        (1.0 if interpretive else 0.0) * commentator_attr,
        _any(tokens, lex["negations"]),
        1.0 if _NUMBER.search(text) else 0.0,
        1.0 if "?" in text else 0.0,
        1.0 if n_words < 8 else 0.0,
        1.0 if n_words > 35 else 0.0,
    ]


def cue_matrix(texts):
    """Cue features of many sentences as a dense ``(n, len(NAMES))`` float array."""
    import numpy as np

    return np.array([cue_vector(t) for t in texts], dtype=np.float64).reshape(
        len(texts), len(NAMES)
    )
