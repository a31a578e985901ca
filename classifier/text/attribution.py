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
quotation marks ("X said", "X, a role, said"), the inverted "..., said X", and "according
to X". Pure Python and rule-based: no model, no download.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

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


@dataclass(frozen=True)
class _Tok:
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
    return {**lex, "verbs": frozenset(verbs), "official_nouns": cues["official_nouns"]}


def _tokens(text: str, offset: int) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        s = m.group()
        word = s[0].isalnum() or s[0] == "\ufffd"
        out.append(_Tok(s, m.start() + offset, m.end() + offset, s.lower(), word,
                        word and s[0].isupper()))
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
        if t.text in _OPEN or (t.text == '"' and not inside):
            out.append(True)
            inside = True
            continue
        if t.text in _CLOSE or t.text == '"':
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
        if t.low == "to" and i is not None and k and toks[k - 1].low in ("close", "next"):
            k -= 1  # "sources close to the talks"
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
                k > 0 and toks[k].low == "to" and toks[k - 1].low in ("close", "next")):
            break
    if i is None:
        return None
    while i <= j and toks[i].low in joiners:
        i += 1
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


def _verb_candidates(toks: list[_Tok], quoted: list[bool]):
    lex = _lex()
    verbs, skip, docs = lex["verbs"], lex["skip_before_verb"], lex["document_verbs"]
    for v, t in enumerate(toks):
        if not t.word or quoted[v] or t.low not in verbs or t.cap and v:
            continue
        j = v - 1
        while j >= 0:
            if toks[j].low in skip and not (toks[j].cap and j):
                j -= 1
            elif toks[j].text == ")" and j > 2:  # "The agency (SAFE) said"
                m = j - 1
                while m > 0 and j - m <= 8 and toks[m].text != "(":
                    m -= 1
                if toks[m].text != "(":
                    break
                j = m - 1
            else:
                break
        cue_start = j + 1
        if t.low.endswith("ed") and v + 1 < len(toks) and toks[v + 1].low == "by":
            # "the damage reported by Ukrainian sources": the agent is the source
            np = _forward_np(toks, v + 2)
            if np:
                yield _Found(np, (v, v + 1), verb=t.low)
            continue
        if t.low in ("told", "telling", "tells", "tell"):
            obj = _forward_np(toks, v + 1)
            cue = (cue_start, obj[1] if obj else v)
        else:
            cue = (cue_start, v)
        if j >= 0 and toks[j].word:
            np = _backward_np(toks, j)
            if np is None or t.low.endswith("ing") and not (
                    np[0] and toks[np[0] - 1].low == "with"):
                continue
            document = t.low in docs
            if document and not _head_is_document(toks, np):
                continue
            yield _Found(np, cue, document, t.low)
            continue
        # ", a role, said" / "X, who ..., said": the phrase before the first comma
        while j >= 0 and toks[j].text in "-–—":
            j -= 1
        if j >= 0 and toks[j].text == "," and v - j <= 3:
            found = _appositive(toks, quoted, j)
            if found:
                yield _Found(found, cue, verb=t.low)
                continue
        if j >= 0 and toks[j].text == "," and t.low.endswith("ing"):
            # ", saying ...": the main clause's subject speaks
            np = _subject(toks)
            if np:
                yield _Found(np, (v, v), verb=t.low, fallback=True)
            continue
        if j < 0 or toks[j].text in ",:”\"" or quoted[j]:
            if t.low in docs or t.low.endswith("ing") or t.low in ("told", "tells") or (
                    j < 0 and t.low not in ("said", "says", "say")):
                continue
            np = _forward_np(toks, v + 1, inverted=True)
            if np:
                yield _Found(np, (v, v), verb=t.low)


def _headline_speaker(toks: list[_Tok]) -> _Found | None:
    """"Ruth Roe: 'We will win'": a name (up to four capitalised words) then a colon."""
    for k in range(1, min(5, len(toks) - 1)):
        if toks[k].text == ":":
            if all(t.cap for t in toks[:k]) and toks[k + 1].text in "'‘\"“" and toks[0].word:
                return _Found((0, k - 1), (k, k), verb=":")
            return None
    return None


def _subject(toks: list[_Tok]) -> tuple[int, int] | None:
    """The noun phrase that opens the sentence, if a word (its verb) follows it."""
    i = 0
    while i < len(toks) and not toks[i].word:
        i += 1
    np = _forward_np(toks, i)
    if np and np[1] + 1 < len(toks) and toks[np[1] + 1].word:
        return np
    return None


def _appositive(toks: list[_Tok], quoted: list[bool], comma: int) -> tuple[int, int] | None:
    """The source before ", <apposition>, said": the first of a chain of comma phrases.

    "Jane Roe, a spokeswoman for the council, said" gives "Jane Roe"; a role then a
    name ("her father, John Roe, said") is one source.
    """
    lex = _lex()
    segments: list[tuple[int, int]] = []
    end = comma
    while len(segments) < 4:
        k = end - 1
        while k >= 0 and end - k <= 30 and toks[k].text not in ",“”\":;(" and not quoted[k]:
            k -= 1
        if end - k < 2:
            break
        np = _backward_np(toks, end - 1)
        whole = np is not None and np[0] == k + 1
        clause = toks[k + 1].low in ("who", "which", "whose", "where", "from", "of") or (
            _suffix_verb(toks[k + 1]))
        if not whole and not (clause and k >= 0 and toks[k].text == ","):
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
    for start, end in spans:
        toks = _tokens(article[start:end], start)
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
        bare_role = not pronoun and name is None and toks[i].low in ("the", "this") and all(
            not t.cap for t in toks[i + 1: j + 1])
        resolved: _Speaker | None = None
        if pronoun or bare_role:
            person = toks[i].low in ("he", "she") or bare_role and not (
                {w.lower() for w in words} & lex["document_nouns"])
            resolved = _resolve(speakers, person)
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
                name[1] > name[0])
            speakers.append(_Speaker(n0, n1, article[n0:n1], kind, not institution))
    return out


def _resolve(speakers: list[_Speaker], person: bool) -> _Speaker | None:
    for speaker in reversed(speakers):
        if speaker.person or not person:
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
