"""Source attribution: who says a sentence, with which words, and what kind of source.

For each sentence of an article this module finds the **source** (the noun phrase
naming who speaks: "the Pentagon", "a spokesman for the ministry", "he"), the **cue**
(the reporting verb or phrase: "said", "has warned", "told reporters", "according
to") and the source's **kind** (``official``, ``commentator``, ``private`` or
``unnamed``), each with character offsets into the article. A pronoun or a bare role
("the minister") is resolved to the nearest earlier named speaker of the article.

It extends the labeling guide's cue machinery (``classifier.text.cues``: the same
reporting verbs and noun lists, plus ``lexicons/attribution.json``) with a small
token-level grammar: the subject noun phrase left of a reporting verb outside
quotation marks ("X said", "X, a role, said"), the inverted "..., said X", "according
to X", "quoted X as saying", "X issued a statement" and a headline's "X: ...". It
reads copy as published, with straight quotes whose side shows only in their spacing
and hyphens that stand for lost spaces ("Roe-said"). Pure Python and rule-based:
no model, no download. Sentences without a cue word are skipped without tokenizing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from classifier.text.cues import lexicons as cue_lexicons

# words in -ly that are not adverbs: "the British weekly said"
_LY_NOUNS = frozenset("weekly daily monthly quarterly family assembly ally rally".split())
_EXPERT_SUFFIXES = ("ologist", "ologists", "ician", "icians", "ographer", "ographers")
#: the source kinds, in the order reports list them
KINDS = ("official", "commentator", "private", "unnamed")

_TITLES = r"(?:Mr|Mrs|Ms|Dr|St|Rep|Sen|Gov|Gen|Lt|Col|Prof|Jr|Sr|Rev|Sgt|Capt|Supt|Det|Inc|Corp|Ltd|Co|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec)\."  # noqa: E501
_TOKEN = re.compile(
    rf"{_TITLES}|(?:[A-Za-z]\.){{2,}}|[A-Za-z0-9\u00c0-\u024f\ufffd](?:[\w'’&.\u00c0-\u024f\ufffd-]*[\w\ufffd])?(?:(?<=s)['’](?!\w))?|\S",
)
_LETTERS = re.compile(r"[a-z]+")
_OPEN = frozenset("“")
_CLOSE = frozenset("”")
_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december jan feb aug sept sep oct nov "
    "dec weekend morning afternoon evening night".split()
)
_SENTENCE_OPENERS = frozenset('“"‘:—–-')


@dataclass(frozen=True)
class Source:
    """Who a sentence is attributed to, with character offsets into the article.

    ``text == article[start:end]``; the cue (``cue_start:cue_end``) is the reporting
    verb or phrase, and ``resolved_*`` name the earlier speaker a pronoun or bare role
    stands for (``None`` when the source names itself or nothing earlier fits).
    """

    text: str
    start: int
    end: int
    kind: str
    cue: str = ""
    cue_start: int | None = None
    cue_end: int | None = None
    resolved: str | None = None
    resolved_start: int | None = None
    resolved_end: int | None = None

    @property
    def speaker(self) -> str:
        """The resolved speaker if there is one, else the source itself."""
        return self.resolved or self.text

    def to_dict(self) -> dict:
        """The source as a plain dict (for JSON).

        Returns
        -------
        dict
            Every field of the source, by name.
        """
        from dataclasses import asdict

        return asdict(self)


class _Tok(NamedTuple):
    """One token: a tuple, as a sentence makes dozens of them per request."""

    text: str
    start: int
    end: int
    low: str
    word: bool
    cap: bool


@lru_cache(maxsize=1)
def _lex() -> dict[str, frozenset[str]]:
    text = resources.files("classifier.text").joinpath("lexicons/attribution.json").read_text(
        "utf-8")
    lex = {name: frozenset(words) for name, words in json.loads(text).items()}
    cues = cue_lexicons()
    risky = {"put", "puts", "calls", "backed", "supports", "object", "objects",
             "projects", "figures", "posted", "according", "notes", "expected", "expects",
             "forecast", "forecasts", "predict", "oppose", "opposed", "opposes", "believe",
             "think", "reckon", "say", "urge", "warn", "deny", "confirm", "claim", "admit",
             "concede", "insist", "reveal", "disclose", "allege", "vow", "assert", "argue",
             "contend", "acknowledge", "announce", "write"}
    verbs = (cues["reporting_verbs"] - risky) | lex["extra_verbs"]
    # a sentence holds none of these words: no verb, "according to" or statement cue
    triggers = frozenset(verbs) | lex["statement_verbs"] | {"according"}
    return {**lex, "verbs": frozenset(verbs), "official_nouns": cues["official_nouns"],
            "triggers": triggers}


# prefixes that make a real compound with a reporting verb ("so-called", "under-reported")
_HYPHEN_PREFIXES = frozenset(
    "so well under over un self long oft much ill half re pre co non mis ever widely "
    "most least little best".split())


def _glued(s: str) -> int:
    """Where a hyphen that stands for a space glues a reporting verb to a word.

    Copy that lost its spaces ("Roe-said", "the report-says", "said-later")
    has the verb after the last hyphen or "said" before the first; ``-1`` if none.
    """
    left, _, right = s.rpartition("-")
    if right and right.islower() and right in _lex()["verbs"] and left[-1:].isalnum() \
            and left.lower() not in _HYPHEN_PREFIXES:
        return len(left)
    left, _, right = s.partition("-")
    if left.lower() in ("said", "says", "told") and right[:1].isalnum():
        return len(left)
    return -1


def _tokens(text: str, offset: int) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        s, start = m.group(), m.start() + offset
        word = s[0].isalnum() or s[0] == "\ufffd"
        cut = _glued(s) if word and "-" in s else -1
        if cut > 0:
            for part, at in ((s[:cut], start), (s[cut + 1:], start + cut + 1)):
                out.append(_Tok(part, at, at + len(part), part.lower(), True,
                                part[0].isupper()))
            continue
        out.append(_Tok(s, start, m.end() + offset, s.lower(), word, word and s[0].isupper()))
    return out


def _quoted(toks: list[_Tok]) -> list[bool]:
    """Whether each token lies inside quotation marks (curly pairs, straight toggles).

    An odd straight quote that opens the sentence is a leftover of the previous one
    (the splitter cut after a closing quote), not an opening.
    """
    inside, out = False, []
    straight = [k for k, t in enumerate(toks) if t.text == '"']
    stray = straight[0] if len(straight) % 2 and straight and straight[0] == 0 else -1
    for k, t in enumerate(toks):
        if k == stray:
            out.append(False)
            continue
        if t.text == '"':
            # a straight quote's side shows in its spacing: one that a space follows
            # closes ('said: " Prime' is a leftover), one glued to the next word only
            # opens; glued to both ('O"Neill') it stands for an apostrophe
            right = k + 1 < len(toks) and toks[k + 1].start == t.end and (
                toks[k + 1].word or toks[k + 1].text in "'‘(")
            left = k > 0 and toks[k - 1].end == t.start and toks[k - 1].word
            if left and right:
                out.append(inside)
                continue
            out.append(True)
            inside = right
            continue
        if t.text in _OPEN:
            out.append(True)
            inside = True
            continue
        if t.text in _CLOSE:
            out.append(True)
            inside = False
            continue
        out.append(inside)
    return out


def _suffix_verb(t: _Tok) -> bool:
    return not t.cap and len(t.low) > 4 and t.low.endswith(("ed", "ing"))


def _backward_np(toks: list[_Tok], j: int) -> tuple[int, int] | None:
    """Token span ``(i, j)`` of the noun phrase that ends at token ``j``."""
    lex = _lex()
    stops, joiners, dets = lex["np_stops"], lex["np_joiners"], lex["determiners"]
    role_nouns = lex["roles_to"]
    if j < 0 or not toks[j].word:
        return None
    if toks[j].low in lex["pronouns"]:
        return (j, j)
    k = j
    i = None
    while k >= 0:
        t = toks[k]
        if t.text == ")" and i is not None:
            # a parenthesis inside the phrase: "the Transport (RMT) union"
            m = k - 1
            while m >= 0 and k - m <= 8 and toks[m].text != "(":
                m -= 1
            if m > 0 and toks[m].text == "(" and toks[m - 1].word:
                k = m - 1
                continue
            break
        if not t.word:
            break
        # a capitalised word inside the sentence is a name ("Mrs May", "Northern")
        proper = t.cap and k > 0 and toks[k - 1].text not in _SENTENCE_OPENERS and t.low != "i"
        if t.low == "to" and i is not None and k and (
                toks[k - 1].low in ("close", "next") or toks[k - 1].low in role_nouns):
            k -= 1  # "sources close to the talks", "an adviser to the president"
            continue
        if t.low in joiners and not proper:
            left = toks[k - 1] if k else None
            if i is not None and left is not None and left.word and left.low not in stops \
                    and left.low not in lex["pronouns"] and not _suffix_verb(left):
                k -= 1
                continue
            break
        if not proper and (t.low in stops or t.low in lex["pronouns"]):
            break
        if _suffix_verb(t) and not (k and toks[k - 1].low in dets):
            break
        if t.low.endswith("ly") and not t.cap and t.low not in dets and t.low not in _LY_NOUNS:
            break
        i = k
        k -= 1
        if t.low in ("the", "a", "an") and not (k >= 0 and toks[k].low in joiners) and not (
                k > 0 and toks[k].low == "to" and (toks[k - 1].low in ("close", "next")
                                                   or toks[k - 1].low in role_nouns)):
            break
    if i is None:
        return None
    while i <= j and toks[i].low in joiners:
        i += 1
    if i == j and toks[j].low in ("some", "many", "several", "most", "both"):
        return (i, j)  # "some have argued": the quantifier stands for people
    if i > j or toks[j].low in dets or toks[j].low.endswith(("'s", "’s")):
        return None
    # "Debbie Willis of the Monroe Police Department": a person's name, then where from
    for m in range(i + 2, j):
        if toks[m].low in ("of", "from", "at") and all(
                toks[n].cap and toks[n].low not in lex["official_nouns"] for n in range(i, m)):
            return (i, m - 1)
        if not toks[m].cap:
            break
    return (i, j)


def _forward_np(toks: list[_Tok], i: int, inverted: bool = False) -> tuple[int, int] | None:
    """Token span of the noun phrase that starts at token ``i``."""
    lex = _lex()
    stops, joiners, dets = lex["np_stops"], lex["np_joiners"], lex["determiners"]
    k, j, head, seen_cap = i, None, False, False
    nouns = lex["official_nouns"] | lex["inverted_nouns"] | lex["document_nouns"]
    while k < len(toks):
        t = toks[k]
        if not t.word:
            break
        if t.low in joiners and j is not None:
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is not None and nxt.word and nxt.low not in _TIME_WORDS and (
                    nxt.cap or (nxt.low in dets and not inverted)):
                k += 1
                continue
            break
        if j is not None and (t.low in stops or t.low in _TIME_WORDS):
            break
        if j is None and t.low in stops and t.low not in ("earlier", "this", "last"):
            break
        if head and (_suffix_verb(t) or (not t.cap and t.low.endswith("ly"))):
            break
        if head and t.low in ("the", "a", "an") and toks[k - 1].low not in joiners:
            break  # a second noun phrase: "told reporters the line ..."
        if inverted and not t.cap and seen_cap and t.low not in nouns:
            break
        j = k
        head = head or t.low not in dets
        seen_cap = seen_cap or t.cap
        k += 1
    if j is None or not head:
        return None
    return (i, j)


@dataclass(frozen=True)
class _Found:
    np: tuple[int, int]
    cue: tuple[int, int]
    document: bool = False
    verb: str = ""
    fallback: bool = False


def _head_is_document(toks: list[_Tok], np: tuple[int, int]) -> bool:
    nouns = _lex()["document_nouns"]
    return any(toks[k].low in nouns for k in range(np[0], np[1] + 1))


def _according(toks: list[_Tok], quoted: list[bool]) -> _Found | None:
    for k in range(len(toks) - 2):
        if toks[k].low == "according" and toks[k + 1].low == "to" and not quoted[k]:
            np = _forward_np(toks, k + 2)
            if np:
                return _Found(np, (k, k + 1))
    return None


def _possessive(toks: list[_Tok], quoted: list[bool]) -> _Found | None:
    """"in X's words", "by X's count": the possessor is the source."""
    nouns = _lex()["document_nouns"] | {"words", "count", "reckoning", "estimate", "tally",
                                         "view", "account"}
    for k in range(len(toks) - 2):
        t = toks[k]
        if t.low in ("in", "by") and not quoted[k]:
            for m in range(k + 1, min(k + 7, len(toks) - 1)):
                if toks[m].low.endswith(("'s", "’s")) and toks[m + 1].low in nouns:
                    if toks[m].cap:
                        return _Found((m, m), (k, m + 1))
                    break
    return None


def _unclosed_apposition(toks: list[_Tok], quoted: list[bool],
                         np: tuple[int, int]) -> tuple[int, int] | None:
    """The name before an apposition that no comma closes.

    "Ivan Roe, the director of the centre said" and "James Roe, founder of
    the group said": the phrase before the verb is a role after a comma, and a
    person's name (two or more capitalised words) stands alone before the comma.
    """
    lex = _lex()
    roles = lex["official_nouns"] | lex["commentator_nouns"] | lex["private_nouns"]
    c = np[0] - 1
    while c >= 0 and np[0] - c <= 25 and toks[c].text != "," and not quoted[c] and (
            toks[c].word or toks[c].text in "()-'’"):
        c -= 1
    if c < 2 or toks[c].text != "," or quoted[c]:
        return None
    apposition = toks[c + 1: np[1] + 1]
    first = apposition[0].low
    if not (first in ("the", "a", "an") or first in roles) or not any(
            t.low in roles for t in apposition):
        return None
    name = _backward_np(toks, c - 1)
    if name is None or name[1] - name[0] < 1:
        return None
    if name[0] and toks[name[0] - 1].text not in ",:;\"“”'‘’(" and not (
            name[0] == 1 and not toks[0].word):
        return None
    if all(t.cap and t.low not in lex["official_nouns"] and t.low not in lex["document_nouns"]
           for t in toks[name[0]: name[1] + 1]):
        return name
    return None


def _quoted_as(toks: list[_Tok], v: int) -> _Found | None:
    """The source of "quoted": "quoted experts as saying", "he was quoted as saying".

    The one quoted speaks; in the passive, the subject does.
    """
    if v + 1 < len(toks) and toks[v + 1].low == "as":
        j = v - 1
        while j >= 0 and toks[j].low in _lex()["skip_before_verb"]:
            j -= 1
        if j > 0 and toks[j].low in ("was", "were", "is", "are", "been", "being"):
            np = _backward_np(toks, j - 1)
            if np:
                return _Found(np, (j, v + 1), verb="quoted")
        return None
    np = _forward_np(toks, v + 1)
    if np and np[1] + 1 < len(toks) and toks[np[1] + 1].low == "as":
        return _Found(np, (v, v), verb="quoted")
    return None


def _adverb(t: _Tok) -> bool:
    """A lowercase adverb in -ly ("finally", "publicly"), not "weekly" or "family"."""
    return t.word and not t.cap and len(t.low) > 4 and t.low.endswith("ly") and (
        t.low not in _LY_NOUNS)


_AUXILIARIES = frozenset(
    "has have had will would could can may might must shall should did does do not never is "
    "was were are be been".split())
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_PERIODS = frozenset("week month year weekend morning afternoon evening night".split())


def _time_phrase(toks: list[_Tok], j: int) -> int | None:
    """The first token of a time phrase that ends at ``j`` ("last week", "on Tuesday")."""
    low = toks[j].low
    if low in _WEEKDAYS:
        return j - 1 if j and toks[j - 1].low == "on" else j
    if low in _PERIODS and j and toks[j - 1].low in ("this", "last", "next", "that"):
        return j - 1
    return None


_CONTINUE = frozenset({"continue", "continues", "continued", "continuing"})
_SPEECH_INFINITIVES = frozenset({
    "argue", "claim", "deny", "insist", "maintain", "say", "stress", "warn", "blame",
    "accuse", "call", "demand", "dispute", "reject", "urge", "assert", "defend"})


def _verb_candidates(toks: list[_Tok], quoted: list[bool]) -> Iterator[_Found]:
    lex = _lex()
    verbs, skip, docs = lex["verbs"], lex["skip_before_verb"], lex["document_verbs"]
    for v, t in enumerate(toks):
        if not t.word or quoted[v] or t.cap and v:
            continue
        issued = None
        if t.low in lex["statement_verbs"]:
            # "the ministry issued a statement", "she released a warning": with its object
            issued = _forward_np(toks, v + 1)
            if issued is None or not any(toks[k].low in lex["statement_nouns"]
                                         for k in range(issued[0], issued[1] + 1)):
                continue
        elif t.low not in verbs:
            continue
        elif (t.low in _CONTINUE and v + 2 < len(toks) and toks[v + 1].low == "to"
              and toks[v + 2].low not in verbs and toks[v + 2].low not in _SPEECH_INFINITIVES):
            continue  # "prices continued to rise": not speech, unlike "continued to deny"
        j = v - 1
        while j >= 0:
            if toks[j].low in skip and not (toks[j].cap and j) or _adverb(toks[j]):
                j -= 1
            elif (when := _time_phrase(toks, j)) is not None:  # "X earlier this week said"
                j = when - 1
            elif toks[j].text == ")" and j > 2:  # "The agency (SAFE) said"
                m = j - 1
                while m > 0 and j - m <= 8 and toks[m].text != "(":
                    m -= 1
                if toks[m].text != "(":
                    break
                j = m - 1
            else:
                break
        # the cue keeps auxiliaries ("has told") but not adverbs ("also said")
        cue_start = next((k for k in range(j + 1, v) if toks[k].low in _AUXILIARIES), v)
        if t.low == "quoted":
            found = _quoted_as(toks, v)
            if found:
                yield found
                continue
        if t.low.endswith("ed") and v + 1 < len(toks) and toks[v + 1].low == "by":
            # "the damage reported by Ukrainian sources": the agent is the source
            np = _forward_np(toks, v + 2)
            if np:
                yield _Found(np, (v, v + 1), verb=t.low)
            continue
        if t.low in ("told", "telling", "tells", "tell"):
            obj = _forward_np(toks, v + 1)
            cue = (cue_start, obj[1] if obj else v)
        elif issued is not None:
            cue = (cue_start, issued[1])
        else:
            cue = (cue_start, v)
        if j >= 0 and toks[j].word:
            np = _backward_np(toks, j)
            if np is None or t.low.endswith("ing") and not (
                    np[0] and toks[np[0] - 1].low == "with"):
                continue
            document = t.low in docs
            # a document verb needs a document ("the study found"), a "that" clause
            # ("the agency found that ...") or a person ("he suggested")
            if document and not (_head_is_document(toks, np) or (
                    v + 1 < len(toks) and toks[v + 1].low == "that") or (
                    np[0] == np[1] and toks[np[0]].low in ("he", "she", "they", "we", "i"))):
                continue
            yield _Found(_unclosed_apposition(toks, quoted, np) or np, cue, document, t.low)
            continue
        # ", a role, said" / "X, who ..., said": the phrase before the first comma
        while j >= 0 and toks[j].text in "-–—":
            j -= 1
        if j >= 0 and toks[j].text == "," and v - j <= 3:
            source = _appositive(toks, quoted, j)
            if source:
                yield _Found(source, cue, verb=t.low)
                continue
        if j >= 0 and toks[j].text == "," and t.low.endswith("ing"):
            # ", saying ...": the main clause's subject speaks
            np = _subject(toks)
            if np:
                yield _Found(np, (v, v), verb=t.low, fallback=True)
            continue
        if j < 0 or toks[j].text in ",:”\"" or quoted[j]:
            if t.low in docs or t.low.endswith("ing") or t.low in ("told", "tells") or (
                    j < 0 and t.low not in ("said", "says", "say")) or t.low in lex["not_inverted"]:
                continue
            np = _forward_np(toks, v + 1, inverted=True)
            # "says he hopes": a pronoun after the verb starts a clause, not an inversion
            if np and not (toks[np[0]].low in lex["pronouns"] and np[1] > np[0]):
                yield _Found(np, (v, v), verb=t.low)


def _headline_speaker(toks: list[_Tok]) -> _Found | None:
    """"Ruth Roe: 'We will win'": a name (up to four capitalised words) then a colon.

    Without a quotation after the colon the name must hold a role noun ("Minister:
    ...") or two words or more, and no section label ("READ MORE:", "Watch:").
    """
    lex = _lex()
    roles = lex["official_nouns"] | lex["document_nouns"] | lex["commentator_nouns"] | lex[
        "private_nouns"]
    for k in range(1, min(5, len(toks) - 1)):
        if toks[k].text == ":":
            head = toks[:k]
            if not (all(t.cap for t in head) and toks[0].word):
                return None
            if toks[k + 1].text in "'‘\"“":
                return _Found((0, k - 1), (k, k), verb=":")
            # "Minister: Talks will go on", "Jane Roe: ...": a role or a full name says
            # the headline; "READ MORE:", "Watch:" and the like do not
            if any(t.low in lex["not_speakers"] or t.text.isupper() and len(t.text) > 1
                   for t in head):
                return None
            if any(t.low in roles for t in head) or len(head) >= 2:
                return _Found((0, k - 1), (k, k), verb=":")
            return None
    return None


def _subject(toks: list[_Tok]) -> tuple[int, int] | None:
    """The noun phrase that opens the sentence, if a word (its verb) follows it."""
    i = 0
    while i < len(toks) and not toks[i].word:
        i += 1
    if i + 2 < len(toks) and toks[i + 1].text == ",":
        i += 2  # "However, the council stood by it, saying"
    np = _forward_np(toks, i)
    if np and np[1] + 1 < len(toks) and toks[np[1] + 1].word:
        return np
    return None


_PREPOSITIONS = frozenset("to after before during since until about over under against into "
                          "through via per than like as".split())


def _appositive(toks: list[_Tok], quoted: list[bool], comma: int) -> tuple[int, int] | None:
    """The source before ", <apposition>, said": the first of a chain of comma phrases.

    "Jane Roe, a spokeswoman for the council, said" gives "Jane Roe"; a role then a
    name ("her father, John Roe, said") is one source.
    """
    lex = _lex()
    roles = lex["official_nouns"] | lex["commentator_nouns"] | lex["private_nouns"]
    segments: list[tuple[int, int]] = []
    end = comma
    while len(segments) < 4:
        k = end - 1
        while k >= 0 and end - k <= 30 and toks[k].text not in ",“”\":;(" and not quoted[k]:
            if toks[k].text == ")":  # "a fellow at the Institute (IRR) in Lisbon"
                m = k - 1
                while m > 0 and k - m <= 8 and toks[m].text not in "()":
                    m -= 1
                if toks[m].text == "(":
                    k = m
            k -= 1
        if end - k < 2:
            break
        np = _backward_np(toks, end - 1)
        whole = np is not None and np[0] == k + 1
        clause = toks[k + 1].low in ("who", "which", "whose", "where", "from", "of") or (
            _suffix_verb(toks[k + 1]))
        # "the agency behind the ads", "executive director at Acme": a role phrase
        role = toks[k + 1].low in ("the", "a", "an") or toks[k + 1].low in roles
        if not whole and not ((clause or role) and k >= 0 and toks[k].text == ","):
            if np is not None and segments and segments[-1][0] < 0 and (
                    toks[np[0]].cap or toks[np[0]].low in ("the", "a", "an")) and np[0] and (
                    toks[np[0] - 1].word and toks[np[0] - 1].low not in lex["np_joiners"]
                    and toks[np[0] - 1].low not in _PREPOSITIONS):
                segments.append(np)  # "... violence The new president, who ..., said"
            break
        segments.append((k + 1, end - 1) if whole else (-1, -1))
        if k < 0 or toks[k].text != ",":
            break
        end = k
    if len(segments) < 2 or segments[-1][0] < 0:
        return None
    first = segments[-1]
    second = segments[-2]
    if second[0] < 0:
        return first
    names = [t for t in toks[second[0]: second[1] + 1] if t.word]
    role = not toks[first[0]].cap or any(
        t.low in lex["official_nouns"] | lex["private_nouns"] for t in toks[first[0]: first[1] + 1])
    if role and names and len(names) <= 4 and all(
            t.cap and t.low not in lex["official_nouns"] for t in names):
        return (first[0], second[1])
    return first


def _kind_of(words: list[str], article: str, name: str | None) -> str:
    """The source's kind from its words and, for a bare name, its first mention's role."""
    lex = _lex()
    low = {w.lower() for w in words}
    if low & lex["commentator_nouns"]:
        return "commentator"
    if low & lex["private_nouns"]:
        return "private"
    core = []  # the words before the first preposition: "sources" of "sources close to"
    for w in words:
        if w.lower() in lex["np_joiners"] or w.lower() == "close":
            break
        core.append(w.lower())
    head = core[-1] if core else ""
    if head in lex["unnamed_nouns"] and not (low & lex["official_nouns"]) and not any(
            w in ("for", "of") for w in low):
        return "unnamed"
    if any(w.endswith(_EXPERT_SUFFIXES) for w in low):
        return "commentator"
    if low & lex["official_nouns"] or low & lex["document_nouns"]:
        return "official"
    if name:
        role = _first_mention_role(article, name)
        if role:
            return role
        return "official"
    # the guide counts named and institutional sources first: official by default
    return "official"


def _first_mention_role(article: str, name: str) -> str | None:
    """The kind of the role noun nearest the first mention of ``name`` (within 8 words)."""
    lex = _lex()
    pos = article.find(name)
    if pos < 0:
        last = name.split()[-1]
        pos = article.find(last) if len(last) > 2 else -1
    if pos < 0:
        return None
    # the apposition after the whole name: "Roe" is first "Jan Roe, chief analyst"
    rest = re.match(r"(?: [A-Z][\w'’-]*)*", article[pos + len(name):])
    end = pos + len(name) + (rest.end() if rest else 0)
    head = _apposition_head(article[end: end + 120])
    if head:
        return head
    before = re.findall(r"[A-Za-z-]+", article[max(0, pos - 80): pos])[-6:]
    after = re.findall(r"[A-Za-z-]+", article[pos + len(name): pos + len(name) + 100])[:8]
    ranked = sorted([(len(before) - i, w) for i, w in enumerate(before)]
                    + [(i + 1, w) for i, w in enumerate(after)])
    for _, word in ranked:
        low = word.lower()
        if low in lex["commentator_nouns"]:
            return "commentator"
        if low in lex["private_nouns"]:
            return "private"
        if low in lex["official_nouns"]:
            return "official"
    return None


_APPOSITION = re.compile(r"\s*,\s+([A-Za-z' -]{2,80}?)\s*(?:[,.;:()\"“”]|\s(?:at|of|for|"
                         r"with|from|in|on|based|who|which|and)\s)")


_HOMETOWN = re.compile(r"\s*,\s+(?:from\s+[A-Z]|\d{1,2}\s*,)")


def _apposition_head(after: str) -> str | None:
    """The kind of the role an apposition gives a name, from its head noun.

    The head is the last word before a preposition or comma ("Jan Roe, chief
    market analyst at Acme, says": an analyst, a commentator, not a chief).
    """
    if _HOMETOWN.match(after):
        return "private"  # "Jane Roe, from Leeds, said", "Jane Roe, 34, said"
    m = _APPOSITION.match(after)
    if not m:
        return None
    head = m.group(1).split()[-1].lower()
    lex = _lex()
    if head in lex["commentator_nouns"] or head.endswith(_EXPERT_SUFFIXES):
        return "commentator"
    if head in lex["private_nouns"]:
        return "private"
    if head in lex["official_nouns"]:
        return "official"
    return None


def _name_part(toks: list[_Tok], np: tuple[int, int]) -> tuple[int, int] | None:
    """The trailing run of capitalised words of a noun phrase (a name), without titles."""
    lex = _lex()
    j = np[1]
    if not toks[j].cap or toks[j].low in lex["pronouns"]:
        return None
    i = j
    while i - 1 >= np[0] and (toks[i - 1].cap or toks[i - 1].text.endswith(".")):
        i -= 1
    while i < j and toks[i].low.rstrip(".") in lex["official_nouns"] | {
            "mr", "mrs", "ms", "dr", "rep", "sen", "gov", "gen", "prof", "prime", "foreign",
            "vice", "deputy", "first", "chief", "house", "speaker"}:
        i += 1
    return (i, j)


@dataclass(frozen=True)
class _Speaker:
    start: int
    end: int
    text: str
    kind: str
    person: bool


def find_sources(article: str, spans: list[tuple[int, int]]) -> list[Source | None]:
    """The source of each sentence span of ``article`` (``None`` where none is found).

    Parameters
    ----------
    article : str
        The whole text.
    spans : list of (int, int)
        Sentence offsets into ``article``, in order (``split_sentences`` gives them).

    Returns
    -------
    list of Source or None
        One per span. Pronouns and bare roles are resolved to the nearest earlier
        named speaker found in the article.

    Examples
    --------
    >>> text = "Ministers met on Monday. The plan will work, Anna Berg said. She said more."
    >>> from classifier.text.sentences import split_sentences
    >>> found = find_sources(text, [(s.start, s.end) for s in split_sentences(text)])
    >>> [(s.text, s.cue, s.resolved) if s else None for s in found]
    [None, ('Anna Berg', 'said', None), ('She', 'said', 'Anna Berg')]
    """
    lex = _lex()
    speakers: list[_Speaker] = []
    out: list[Source | None] = []
    triggers = lex["triggers"]
    for start, end in spans:
        sentence = article[start:end]
        if ":" not in sentence and triggers.isdisjoint(_LETTERS.findall(sentence.lower())):
            out.append(None)  # no cue word: no source (and no tokens to make)
            continue
        toks = _tokens(sentence, start)
        found = attribute_tokens(toks)
        if found is None:
            out.append(None)
            continue
        i, j = found.np
        words = [t.text for t in toks[i: j + 1]]
        text = article[toks[i].start: toks[j].end]
        cue = (toks[found.cue[0]].start, toks[found.cue[1]].end)
        name = _name_part(toks, found.np)
        pronoun = i == j and toks[i].low in lex["pronouns"]
        # "the minister", "the Hungarian top diplomat", "the agency": a role, no name
        bare_role = not pronoun and name is None and toks[i].low in ("the", "this") and (
            j > i and not toks[j].cap)
        resolved: _Speaker | None = None
        if pronoun:
            low = toks[i].low
            resolved = _resolve(speakers, "person" if low in ("he", "she") else
                                "thing" if low == "it" else "any")
        elif bare_role:
            thing = toks[j].low in lex["organisation_words"] | lex["document_nouns"]
            resolved = _resolve(speakers, "thing" if thing else "person")
        if resolved is not None and resolved.person:
            r0, r1 = _full_name(article, resolved, start)
            resolved = _Speaker(r0, r1, article[r0:r1], resolved.kind, True)
        if resolved is not None:
            kind = resolved.kind if pronoun else _kind_of(words, article, None)
            if pronoun or kind == "official" and resolved.kind != "official":
                kind = resolved.kind
        else:
            name_text = article[toks[name[0]].start: toks[name[1]].end] if name else None
            kind = _kind_of(words, article, name_text)
        out.append(Source(
            text=text, start=toks[i].start, end=toks[j].end, kind=kind,
            cue=article[cue[0]:cue[1]], cue_start=cue[0], cue_end=cue[1],
            resolved=resolved.text if resolved else None,
            resolved_start=resolved.start if resolved else None,
            resolved_end=resolved.end if resolved else None,
        ))
        if name is not None:
            n0, n1 = toks[name[0]].start, toks[name[1]].end
            institution = bool({w.lower() for w in words} & lex["official_nouns"]) and not (
                name[1] > name[0]) or any(
                t.low in lex["organisation_words"] or "." in t.text[1:-1]
                for t in toks[name[0]: name[1] + 1]) or _head_is_document(toks, found.np)
            speakers.append(_Speaker(n0, n1, article[n0:n1], kind, not institution))
    return out


# capitalised words before a name; one ending in a full stop only if an initial or title
_NAME_RUN = re.compile(r"(?:(?:[A-Z][\w'’-]*|[A-Z][a-z]?\.) +){1,4}$")
_GIVEN_AFTER = re.compile(r" ([A-Z][\w'’-]+)(?![\w'’-]| [A-Z])")
_TITLE_WORDS = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col sgt capt rev president prime minister deputy "
    "vice foreign first chief speaker secretary lord lady sir dame".split())


def _full_name(article: str, speaker: _Speaker, before: int) -> tuple[int, int]:
    """The span of the speaker's full name at its last mention before ``before``.

    "Larry Roe" for a later "Roe", "Wang Lin" for "Wang"; without the titles and
    roles before it ("Trade Minister Ana Roe": "Ana Roe").
    The speaker's own span if the article has no longer form.
    """
    lex = _lex()
    words = speaker.text.split()
    drop = lex["official_nouns"] | lex["private_nouns"] | lex["commentator_nouns"] | (
        _TITLE_WORDS)
    stop = lex["np_stops"] | lex["determiners"] | lex["np_joiners"] | _TIME_WORDS
    best: tuple[int, int] | None = None
    for m in re.finditer(rf"(?<![\w'’-]){re.escape(words[-1])}(?![\w'’-])", article[:before]):
        run = _NAME_RUN.search(article, max(0, m.start() - 80), m.start())
        keep: list[int] = []
        if run is not None:
            for w in re.finditer(r"\S+", run.group()):
                low = w.group().lower().rstrip(".")
                keep = [] if low in drop or low in stop else keep + [run.start() + w.start()]
        joiner = re.search(r"\b(of|for|and) +$", article[max(0, m.start() - 85): (
            run.start() if run else m.start())])
        if keep and joiner and (joiner.group(1) != "and" or len(keep) >= 2):
            keep = keep[1:]  # "Minister of Commerce Wang Lin": "Commerce" is no name
        if len(keep) > 3:
            keep = keep[-2:]
        if keep:
            best = (keep[0], m.end())
        elif len(words) == 1:
            after = _GIVEN_AFTER.match(article, m.end())
            if after and after.group(1).lower() not in stop | drop:
                best = (m.start(), after.end())
    return best or (speaker.start, speaker.end)


def _resolve(speakers: list[_Speaker], want: str) -> _Speaker | None:
    """The nearest earlier speaker that is a ``person``, a ``thing`` or ``any``.

    A thing is an institution or a document.
    """
    for speaker in reversed(speakers):
        if want == "any" or speaker.person == (want == "person"):
            return speaker
    return None


def attribute_tokens(toks: list[_Tok]) -> _Found | None:
    """The attribution of one sentence's tokens: the first reporting verb with a subject.

    Parameters
    ----------
    toks : list of _Tok
        The sentence's tokens.

    Returns
    -------
    _Found or None
        The source and cue spans, as token indices; ``None`` when nobody is named.
    """
    if not toks:
        return None
    quoted = _quoted(toks)
    according = _according(toks, quoted)
    candidates = list(_verb_candidates(toks, quoted))
    core = _lex()["core_verbs"]
    verb = next((c for c in candidates if c.verb in core and not c.fallback), None) or next(
        (c for c in candidates if not c.fallback), None) or next(iter(candidates), None)
    if verb is None and not according:
        return _headline_speaker(toks)
    if according and (verb is None or according.cue[0] < verb.cue[0] or verb.document):
        return according
    if verb:
        return verb
    return according or _possessive(toks, quoted)


def attribute(sentence: str) -> Source | None:
    """The source of one sentence on its own.

    Parameters
    ----------
    sentence : str
        One sentence.

    Returns
    -------
    Source or None
        The source, with offsets into ``sentence``; ``None`` when it names nobody.

    Examples
    --------
    >>> s = attribute("Prices will rise next year, the central bank warned on Tuesday.")
    >>> (s.text, s.cue, s.kind)
    ('the central bank', 'warned', 'official')
    >>> attribute("Prices rose.") is None
    True
    """
    return find_sources(sentence, [(0, len(sentence))])[0]
