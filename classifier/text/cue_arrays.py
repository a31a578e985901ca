r"""The cue features of a whole batch with array operations, equal to ``cue_vector``'s.

``cues.cue_vector`` reads one sentence at a time in Python, which was about half
the cost of applying the fast model. Here the batch is one array of code points:
words (``cues._WORD``) are found from character classes (a word is the stretch
from the first to the last letter of a run of ``[A-Za-z'’.-]``, or from the first
digit to the last digit or comma of a run of ``[\d,.]``), looked up in the
lexicons once, and the guide's attribution rules (a trailing ", X said", a leading
"X said") become per-sentence reductions over word flags. Character tests are
counts per sentence; the few regular expressions run only on the sentences a
cheap test shows could match. Sentences outside these shapes ("according to",
"by X's count", a dateline, a word cut by the attribution's comma, a character
that lower-cases to ASCII) go to ``cue_vector`` itself, so every row equals it
(tests compare both on the team corpus; ``benchmarks/cue_identity.py`` on the
real-news pool).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat

import numpy as np

from classifier.text import cues

CHUNK = 4096  # sentences per pass: bounds the size of the per-character arrays

# word flags: one bit per lexicon the rules read
_FLAGS = ("reporting_verbs", "hedges", "interpretive", "future", "official_nouns",
          "commentator_nouns", "private_nouns", "pronouns", "function_words", "negations",
          "schedule")
(VERB, HEDGE, INTERP, FUTURE, OFFICIAL, COMMENTATOR, PRIVATE, PRONOUN, FUNCTION, NEGATION,
 SCHEDULE) = (1 << i for i in range(len(_FLAGS)))


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@lru_cache(maxsize=1)
def _word_flags() -> dict[str, int]:
    """Every lexicon word (lower case) and the bits of the lexicons that hold it."""
    lex = cues.lexicons()
    flags: dict[str, int] = {}
    for bit, name in enumerate(_FLAGS):
        for word in lex[name]:
            flags[word] = flags.get(word, 0) | (1 << bit)
    return flags


# character bits: one lookup gives every class a rule reads
LETTER, DIGIT, SPACE, RUN, NUMBER, COMMA, CUT, QUOTE, APOSTROPHE, OPENING, CLOSING, DASH, \
    ODD, QUESTION, PUNCT, ESS = (1 << i for i in range(16))
_MEMBERS = {
    LETTER: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    RUN: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'’.-",  # cues._WORD's inner class
    NUMBER: "0123456789,.",  # and every other Unicode digit
    COMMA: ",",
    CUT: ",”\"’",  # where a trailing attribution may begin
    QUOTE: "\"“”‘",  # has_quote
    APOSTROPHE: "'’",
    OPENING: "".join(cues._OPENING_QUOTES),
    CLOSING: "".join(cues._CLOSING_QUOTES),
    DASH: "—–-",
    # lower-case to ASCII, or match ASCII letters under re.I: cue_vector decides
    ODD: "\u212a\u0130\u0131\u017f",
    QUESTION: "?",
    PUNCT: ",.?!",
    ESS: "sS\u017f",  # "s" under re.I
}


def _bits_of(char: str) -> int:
    bits = sum(bit for bit, members in _MEMBERS.items() if char in members)
    if char.isdecimal():  # \d
        bits |= DIGIT | NUMBER
    if char.isspace() or char == "\x00":  # str.strip's spaces; NUL separates texts
        bits |= SPACE
    return bits


_ASCII_BITS = np.array([_bits_of(chr(c)) for c in range(128)], dtype=np.uint16)


def _char_bits(points: np.ndarray) -> np.ndarray:
    """The class bits of every character (beyond ASCII: one ``_bits_of`` per distinct one)."""
    wide = points >= 128
    bits = _ASCII_BITS[np.where(wide, 0, points)]
    if wide.any():
        at = np.flatnonzero(wide)
        unique, inverse = np.unique(points[at], return_inverse=True)
        table = np.array([_bits_of(chr(c)) for c in unique.tolist()], dtype=np.uint16)
        bits[at] = table[inverse]
    return bits


def _spans(run: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every match of ``first (run)* last``, the longest in each run."""
    run_id = np.cumsum(run & ~np.concatenate(([False], run[:-1])))
    heads, tails = np.flatnonzero(first), np.flatnonzero(last)
    if heads.size == 0:
        return heads, heads
    head_run, tail_run = run_id[heads], run_id[tails]
    starts = heads[np.concatenate(([True], head_run[1:] != head_run[:-1]))]
    last_of_run = np.concatenate((tail_run[1:] != tail_run[:-1], [True]))
    has_head = np.zeros(int(run_id[-1]) + 1, dtype=bool)
    has_head[head_run] = True  # a run with a last char but no first one ("," alone): no word
    tails = tails[last_of_run]
    return starts, tails[has_head[tail_run[last_of_run]]] + 1


def _letter_words(bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the words that begin with a letter.

    Such a word runs from the first to the last letter of a run of ``[A-Za-z'’.-]``:
    stretches of letters, joined when only ``'’.-`` lie between them.
    """
    letter = (bits & LETTER) != 0
    edge = np.flatnonzero(letter[1:] != letter[:-1]) + 1  # where letters begin or end
    if letter[0]:
        edge = np.concatenate(([0], edge))
    if letter[-1]:
        edge = np.append(edge, letter.size)
    begin, end = edge[0::2], edge[1::2]  # stretches [begin, end)
    non_run = np.concatenate(([0], np.cumsum((bits & RUN) == 0)))
    joined = non_run[begin[1:]] == non_run[end[:-1]]  # only run chars between two stretches
    return begin[np.concatenate(([True], ~joined))], end[np.concatenate((~joined, [True]))]


def _words(bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted starts and ends of the words ``cues._WORD`` finds, as position marks."""
    size = bits.size + 1
    is_start, is_end = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    if not (bits & LETTER).any():
        starts = ends = np.zeros(0, dtype=np.int64)
    else:
        starts, ends = _letter_words(bits)
    is_start[starts], is_end[ends] = True, True
    starts, ends = _spans((bits & NUMBER) != 0, (bits & DIGIT) != 0,
                          (bits & (DIGIT | COMMA)) != 0)
    is_start[starts], is_end[ends] = True, True
    return is_start, is_end


def _word_strings(lowered: np.ndarray, is_start: np.ndarray, is_end: np.ndarray) -> list[str]:
    """The words in lower case (their letters are ASCII), by one split of one string."""
    inside = np.cumsum(is_start[:-1].astype(np.int8) - is_end[:-1]) > 0
    out = np.where(inside, lowered, np.uint32(32))
    touching = np.flatnonzero(is_start & is_end)  # "a1": two words with no gap
    if touching.size:
        out = np.insert(out, touching, 32)
    return out.tobytes().decode("utf-32-le", "surrogatepass").split()


def _ascii_lower(points: np.ndarray) -> np.ndarray:
    return points + ((points - 65 < 26) * 32).astype(np.uint32)  # uint32: wraps below 65


def _first_in_text(owner: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Index of each text's first word where ``mask`` (words sorted by text), else -1."""
    at = np.flatnonzero(mask)
    return _first_at(owner[at], at, n)


def _first_at(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each text ``i``, the first of ``values`` whose sorted key is ``i``, else -1."""
    out = np.full(n, -1, dtype=np.int64)
    if keys.size:
        index = np.minimum(np.searchsorted(keys, np.arange(n)), keys.size - 1)
        found = keys[index] == np.arange(n)
        out[found] = values[index[found]]
    return out


def _find_all(haystack: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``haystack`` (overlaps allowed), by ``str.find``."""
    found, at = [], haystack.find(needle)
    while at >= 0:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


class _Batch:
    """Texts joined by NUL, as code points and class bits, with positions mapped to texts."""

    def __init__(self, texts: list[str], joined: str):
        self.texts, self.joined, self.n = texts, joined, len(texts)
        self.points = _codes(joined)
        self.lengths = np.fromiter(map(len, texts), dtype=np.int64, count=self.n)
        self.offsets = np.concatenate(([0], np.cumsum(self.lengths + 1)[:-1]))
        self.bits = _char_bits(self.points)
        self.text_bits = np.bitwise_or.reduceat(self.bits, self.offsets)  # the bits each holds

    def owner(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.offsets, positions, side="right") - 1

    def having(self, positions: Sequence[int] | np.ndarray) -> np.ndarray:
        """Which texts hold one of ``positions``."""
        out = np.zeros(self.n, dtype=bool)
        out[self.owner(np.asarray(positions, dtype=np.int64))] = True
        return out

    def contains(self, bit: int) -> np.ndarray:
        return (self.text_bits & bit) != 0

    def any(self, mask: np.ndarray) -> np.ndarray:
        """Which texts hold a position where ``mask`` (one per character) is true."""
        if mask.size < self.bits.size:
            mask = np.append(mask, np.zeros(self.bits.size - mask.size, dtype=bool))
        return np.logical_or.reduceat(mask, self.offsets)

    def substring(self, needles: Iterable[str], haystack: str | None = None) -> np.ndarray:
        found = [at for needle in needles for at in _find_all(haystack or self.joined, needle)]
        return self.having(found)

    def last_at(self, positions: np.ndarray) -> np.ndarray:
        """Each text's last of the sorted ``positions``, in text coordinates; -1 for none."""
        index = np.searchsorted(positions, self.offsets + self.lengths) - 1
        found = (index >= 0) & (positions[np.maximum(index, 0)] >= self.offsets) if (
            positions.size) else np.zeros(self.n, dtype=bool)
        return np.where(found, positions[np.maximum(index, 0)] - self.offsets, -1) if (
            positions.size) else np.full(self.n, -1)


def cue_matrix(texts: list[str]) -> np.ndarray:
    """``cues.cue_matrix(texts)``: the same array, computed batch-wise.

    Parameters
    ----------
    texts : list of str
        The sentences.

    Returns
    -------
    numpy.ndarray
        A ``(len(texts), len(cues.NAMES))`` float array, one row per sentence.
    """
    width = len(cues.NAMES)
    if not texts:
        return np.zeros((0, width))
    return np.vstack([_chunk(texts[i:i + CHUNK]) for i in range(0, len(texts), CHUNK)]
                     ).reshape(len(texts), width)


def _chunk(texts: list[str]) -> np.ndarray:
    n = len(texts)
    # NUL after every text: in no word, in no pattern, a space to strip
    joined = "\x00".join(texts) + "\x00"
    if joined.count("\x00") != n:
        return np.array([cues.cue_vector(t) for t in texts], dtype=np.float64)
    batch = _Batch(texts, joined)
    bits, offsets = batch.bits, batch.offsets
    is_start, is_end = _words(bits)
    starts, ends = np.flatnonzero(is_start), np.flatnonzero(is_end)
    if starts.size == 0:  # not one word in the batch
        return np.array([cues.cue_vector(t) for t in texts], dtype=np.float64)
    owner = batch.owner(starts)
    lowered = _ascii_lower(batch.points)
    words = _word_strings(lowered, is_start, is_end)
    flags = np.fromiter(map(_word_flags().get, words, repeat(0)), dtype=np.int64,
                        count=len(words))
    capital = (batch.points[starts] >= 65) & (batch.points[starts] <= 90)
    n_words = np.bincount(owner, minlength=n)
    rank = np.arange(starts.size) - (np.cumsum(n_words) - n_words)[owner]
    word_at, word_end = starts - offsets[owner], ends - offsets[owner]

    def total(mask: np.ndarray) -> np.ndarray:
        return np.bincount(owner[mask], minlength=n)

    def has(bit: int, mask: np.ndarray | None = None) -> np.ndarray:
        hit = (flags & bit) != 0
        return total(hit if mask is None else hit & mask) > 0

    # the stripped body: where each text's first and last non-space characters are
    lead = np.zeros(n, dtype=np.int64)
    last = batch.lengths - 1
    for i in np.flatnonzero((bits[offsets] & SPACE) != 0):  # rare: most texts start solid
        lead[i] = len(texts[i]) - len(texts[i].lstrip())
    for i in np.flatnonzero((bits[np.maximum(offsets + last, 0)] & SPACE) != 0):
        last[i] = len(texts[i].rstrip()) - 1
    empty = last < lead
    body_len = np.where(empty, 0, last - lead + 1)
    first_at = np.minimum(offsets + lead, bits.size - 1)
    first_char = np.where(empty, 0, batch.points[first_at])
    first_bits = np.where(empty, 0, bits[first_at])
    last_bits = np.where(empty, 0, bits[np.clip(offsets + last, 0, bits.size - 1)])

    # sentences outside the array rules go to cue_vector
    lower_joined = lowered.tobytes().decode("utf-32-le", "surrogatepass")
    slow = batch.contains(ODD) | batch.substring(("ccording",))
    dateline = batch.contains(DASH) & ((first_bits & LETTER) | (first_char > 127)).astype(bool)
    head = np.minimum(offsets + lead, bits.size - 6)[:, None] + np.arange(6)
    dateline |= (lowered[np.maximum(head, 0)] == _codes("update")).all(axis=1) & (
        body_len >= 6)
    for i in np.flatnonzero(dateline & ~slow):
        slow[i] = bool(cues._DATELINE.match(texts[i].strip()))
    space_after = np.append(bits[1:] & SPACE, 0) != 0
    ess_space = np.append((bits[1:-1] & ESS != 0) & (bits[2:] & SPACE != 0), [False, False])
    possessive = ((bits & APOSTROPHE) != 0) & (space_after | ess_space)
    possessive = batch.any(possessive) & batch.substring(
        ("count", "reckoning", "estimate", "tally", "view", "figures", "calculation",
         "account", "assessment"), lower_joined)
    for i in np.flatnonzero(possessive & ~slow):
        slow[i] = bool(cues._POSSESSIVE_SOURCE.search(texts[i]))

    # attribution: a trailing ", X said" first, then a leading "X said"
    verb = (flags & VERB) != 0
    has_verb = total(verb) > 0
    cut = batch.last_at(np.flatnonzero(bits & CUT))
    cut_body = cut - lead
    may_trail = has_verb & (cut_body > 0) & (cut_body < body_len - 1)
    in_tail = word_at > cut[owner]
    slow |= may_trail & (total((word_at <= cut[owner]) & (word_end > cut[owner])) > 0)
    tail_count = total(in_tail)
    trailing = may_trail & (tail_count > 0) & (tail_count <= 14) & (total(in_tail & verb) > 0)
    subject_t = in_tail & ~verb & trailing[owner]
    subject_rank = np.cumsum(subject_t) - 1
    first_subject = _first_in_text(owner, subject_t, n)
    subject_t &= subject_rank - subject_rank[np.maximum(first_subject, 0)][owner] < 8

    open_quote = (first_bits & OPENING) != 0  # cues._OPEN_QUOTE: the same four quotes
    leading_at = _first_in_text(owner, verb & (rank > 0) & (rank < 12), n)
    leading = has_verb & ~trailing & ~open_quote & (leading_at >= 0)
    verb_rank = np.where(leading, rank[np.maximum(leading_at, 0)], 0)
    subject_l = leading[owner] & (rank < verb_rank[owner]) & (rank >= verb_rank[owner] - 8)
    rest_from = np.zeros(n, dtype=np.int64)  # the rest follows the verb's first occurrence
    for i in np.flatnonzero(leading & ~slow):
        at, text = leading_at[i], texts[i]
        word = text[word_at[at]:word_end[at]]
        rest_from[i] = lead[i] + text[lead[i]:lead[i] + body_len[i]].find(word) + len(word)
    # ... and is the words after it only when a word ends there (else cue_vector)
    slow |= leading & ~is_end[offsets + rest_from]

    subject = subject_t | subject_l
    in_rest = np.where(trailing[owner], word_end <= cut[owner],
                       ~leading[owner] | (word_at >= rest_from[owner]))
    kind = trailing | leading
    first_sub = _first_in_text(owner, subject, n)
    who_official, who_name = has(OFFICIAL, subject), total(
        subject & capital & ((flags & (FUNCTION | PRONOUN)) == 0)) > 0
    who_commentator, who_private = has(COMMENTATOR, subject), has(PRIVATE, subject)
    who_pronoun = (first_sub >= 0) & ((flags[np.maximum(first_sub, 0)] & PRONOUN) != 0) & (
        total(subject) <= 2)
    hedges, interp = total(((flags & HEDGE) != 0) & in_rest), total(
        ((flags & INTERP) != 0) & in_rest)
    future = has(FUTURE, in_rest)
    unofficial = kind & (who_commentator | who_private)
    official = kind & ~unofficial & (who_official | who_name)

    has_quote = batch.contains(QUOTE)
    quoted = has_quote | batch.contains(APOSTROPHE)
    says = np.zeros(n, dtype=bool)
    closing = ((bits[:-1] & PUNCT) != 0) & ((bits[1:] & CLOSING) != 0)
    for i in np.flatnonzero(quoted & batch.any(closing)):
        says[i] = bool(cues._QUOTE_THEN_SAYS.search(texts[i]))
    starts_quote, ends_quote = (first_bits & OPENING) != 0, (last_bits & CLOSING) != 0
    figures = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(batch.substring(cues._FIGURE_WORDS, lower_joined)):
        figures[i] = bool(cues._FIGURES_SHOW.search(texts[i]))
    negation = has(NEGATION) | batch.substring(("n't",))
    h, i_ = hedges > 0, interp > 0
    no_kind = ~kind
    none = np.zeros(n, dtype=bool)  # "according to" and "by X's count" went to cue_vector
    columns = [
        kind, leading, trailing, none, none,
        figures, says,
        who_official & kind, who_name & kind, who_commentator & kind, who_private & kind,
        who_pronoun & kind,
        official, unofficial,
        starts_quote, ends_quote, starts_quote & ends_quote & no_kind, has_quote,
        np.minimum(hedges, 3) / 3.0, h, np.minimum(interp, 3) / 3.0, i_, future,
        future & has(SCHEDULE),
        official & h, unofficial & h, unofficial & i_, who_private & kind & h,
        no_kind & h, no_kind & i_,
        has(OFFICIAL), has_verb, negation,
        batch.contains(DIGIT), batch.contains(QUESTION),
        n_words < 8, n_words > 35,
    ]
    out = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    for i in np.flatnonzero(slow):
        out[i] = cues.cue_vector(texts[i])
    return out
