"""Vectorised n-gram counting for the NumPy scorer: whole batches, no per-text loops.

scikit-learn's analyzers build every n-gram as a Python string, one text at a
time; that is most of the cost of applying a TF-IDF model. Here an n-gram is an
integer key (its characters' or tokens' small codes, packed into 64 bits, which
is exact: no hashing collisions), found in the fitted vocabulary through an
open-addressing table, and counted for the whole batch with one sort. The
counts equal scikit-learn's ``char_wb`` and ``word`` analyzers' (tests).
"""

from __future__ import annotations

import re
from itertools import chain, repeat

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class KeyTable:
    """An open-addressing hash table from non-zero ``uint64`` keys to column indices.

    Parameters
    ----------
    keys : numpy.ndarray of uint64
        Distinct non-zero keys (0 marks an empty slot).
    values : numpy.ndarray of int
        The value of each key.
    """

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        keys = np.asarray(keys, dtype=np.uint64)
        if keys.size and (keys == 0).any():
            raise ValueError("key 0 marks an empty slot")
        self.bits = max(4, int(np.ceil(np.log2(max(keys.size, 1) * 4))))
        self.mask = np.uint64((1 << self.bits) - 1)
        self.keys = np.zeros(1 << self.bits, dtype=np.uint64)
        self.values = np.full(1 << self.bits, -1, dtype=np.int64)
        pending = np.arange(keys.size)
        slot = self._slot(keys)
        while pending.size:
            at = slot[pending]
            free = self.keys[at] == 0
            first = np.unique(at[free], return_index=True)[1]
            winners = pending[free][first]
            self.keys[slot[winners]] = keys[winners]
            self.values[slot[winners]] = values[winners]
            placed = np.zeros(keys.size, dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slot[pending] = (slot[pending] + np.uint64(1)) & self.mask

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        return (keys * _GOLDEN) >> np.uint64(64 - self.bits)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The value of every key, ``-1`` where the key is absent.

        Parameters
        ----------
        keys : numpy.ndarray of uint64
            Non-zero keys.

        Returns
        -------
        numpy.ndarray of int64
            One value per key.
        """
        slot = self._slot(keys)
        found = self.keys[slot]
        out = self.values[slot]
        missed = found != keys
        out[missed] = -1
        active = np.flatnonzero(missed & (found != 0))  # probe on: the slot was taken
        slot = slot[active]
        while active.size:
            slot = (slot + np.uint64(1)) & self.mask
            found = self.keys[slot]
            hit = found == keys[active]
            out[active[hit]] = self.values[slot[hit]]
            again = ~hit & (found != 0)
            active, slot = active[again], slot[again]
        return out

    def find(
        self, keys: np.ndarray, owner: np.ndarray, at: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(owner, value) of the keys at positions ``at`` that are in the table.

        Parameters
        ----------
        keys : numpy.ndarray of uint64
            Keys, one per position.
        owner : numpy.ndarray of int
            The text each position belongs to.
        at : numpy.ndarray of int
            The positions to look up.

        Returns
        -------
        owners, values : numpy.ndarray
            For the keys found only.
        """
        value = self.lookup(keys[at])
        hit = value >= 0
        return owner[at[hit]], value[hit]


def _joined(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The (rows, columns) of every n-gram length, end to end."""
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows, cols = zip(*found)
    return np.concatenate(rows), np.concatenate(cols)


def count_pairs(
    rows: np.ndarray, cols: np.ndarray, n_cols: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (row, col) pairs and how often each occurs, sorted by row.

    Parameters
    ----------
    rows, cols : numpy.ndarray of int
        One pair per occurrence.
    n_cols : int
        More than any column index.

    Returns
    -------
    rows, cols, counts : numpy.ndarray of int64
        One entry per distinct pair.
    """
    if rows.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    pairs = rows.astype(np.int64) * n_cols + cols
    pairs.sort()
    starts = np.flatnonzero(np.concatenate(([True], pairs[1:] != pairs[:-1])))
    counts = np.diff(np.append(starts, pairs.size))
    distinct = pairs[starts]
    row = distinct // n_cols
    return row, distinct - row * n_cols, counts


def _pack_width(alphabet_size: int, longest: int) -> int | None:
    """Bits per symbol so ``longest`` codes fit in 63 bits, or ``None`` if they do not."""
    bits = max(1, int(alphabet_size).bit_length())
    return bits if bits * longest <= 63 else None


class CharNgramIndex:
    """scikit-learn's ``char_wb`` n-grams of a vocabulary, matched batch-wise.

    Only ``2 <= low <= 3``: then every padded word is at least ``low`` long and the
    n-grams of a batch are exactly those of the space-joined batch without a space
    inside them. Made by ``build``, which returns ``None`` for anything else.

    Parameters
    ----------
    table : KeyTable
        Packed n-gram keys to columns.
    codes : numpy.ndarray of uint64
        Each code point's small code (0: not in the vocabulary's alphabet).
    bits : int
        Bits per character in a key.
    low, high : int
        The n-gram range.
    lowercase : bool
        Whether texts are lower-cased first.
    """

    def __init__(self, table: KeyTable, codes: np.ndarray, bits: int, low: int, high: int,
                 lowercase: bool):
        self.table, self.codes, self.bits = table, codes, bits
        self.low, self.high, self.lowercase = low, high, lowercase

    @classmethod
    def build(cls, terms: list[str], low: int, high: int, lowercase: bool) -> CharNgramIndex | None:
        """The index of a ``char_wb`` vocabulary, or ``None`` if it cannot be packed.

        Parameters
        ----------
        terms : list of str
            The vocabulary, in column order.
        low, high : int
            The n-gram range (``2 <= low <= 3``).
        lowercase : bool
            Whether texts are lower-cased first.

        Returns
        -------
        CharNgramIndex or None
            ``None`` for another range, or n-grams too long to pack into 63 bits.
        """
        if not 2 <= low <= 3 or high < low:
            return None
        joined = "".join(terms)
        alphabet = sorted(set(joined) | {" "})
        bits = _pack_width(len(alphabet), high)
        lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        if bits is None or not ((low <= lengths) & (lengths <= high)).all():
            return None
        codes = np.zeros(ord(alphabet[-1]) + 1, dtype=np.uint64)
        codes[[ord(c) for c in alphabet]] = np.arange(1, len(alphabet) + 1, dtype=np.uint64)
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        keys = _pack(codes[points], lengths, 1 << bits)
        return cls(KeyTable(keys, np.arange(len(terms))), codes, bits, low, high, lowercase)

    def match(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, column) of every vocabulary n-gram occurrence in ``texts``.

        Parameters
        ----------
        texts : list of str
            The batch.

        Returns
        -------
        rows, cols : numpy.ndarray
            One entry per occurrence.
        """
        if self.lowercase:
            texts = [t.lower() for t in texts]
        docs = [" ".join(t.split()) for t in texts]
        joined = " " + " ".join(docs) + " "
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        known = points < self.codes.size
        code = np.where(known, self.codes[np.where(known, points, 0)], np.uint64(0))
        # an n-gram belongs to the text it starts in, or starts before (at its space)
        lengths = np.fromiter((len(d) + 1 for d in docs), dtype=np.int64, count=len(docs))
        owner = np.append(np.repeat(np.arange(len(docs)), lengths), len(docs) - 1)
        blocked = (points == 32)[1:]  # a space may not be inside an n-gram
        unusable = code == 0  # an n-gram may not hold an unknown character
        key = np.zeros(code.size, dtype=np.uint64)
        found = []
        for n in range(1, self.high + 1):
            last = code.size - n + 1
            if last <= 0:
                break
            key = key[:last] | (code[n - 1:] << np.uint64(self.bits * (n - 1)))
            unusable = unusable[:last] | (code[n - 1:] == 0)
            if n > 2:
                unusable |= blocked[n - 3:n - 3 + last]
            if n < self.low:
                continue
            found.append(self.table.find(key, owner, np.flatnonzero(~unusable)))
        return _joined(found)


class WordNgramIndex:
    """scikit-learn's ``word`` n-grams (no stop words) of a vocabulary, batch-wise.

    Made by ``build``.

    Parameters
    ----------
    pattern : re.Pattern
        The vectorizer's token pattern.
    token_ids : dict of str to int
        Each vocabulary token's id (from 1).
    table : KeyTable
        Packed n-gram keys to columns.
    n_tokens : int
        The base of the key packing (tokens + 1).
    low, high : int
        The n-gram range.
    lowercase : bool
        Whether texts are lower-cased first.
    """

    def __init__(self, pattern: re.Pattern[str], token_ids: dict[str, int], table: KeyTable,
                 n_tokens: int, low: int, high: int, lowercase: bool):
        self.pattern, self.token_ids, self.table = pattern, token_ids, table
        self.n_tokens, self.low, self.high, self.lowercase = n_tokens, low, high, lowercase

    @classmethod
    def build(cls, terms: list[str], token_pattern: str, low: int, high: int,
              lowercase: bool) -> WordNgramIndex | None:
        """The index of a ``word`` vocabulary, or ``None`` if it cannot be packed.

        Parameters
        ----------
        terms : list of str
            The vocabulary (space-joined tokens), in column order.
        token_pattern : str
            The vectorizer's token pattern.
        low, high : int
            The n-gram range.
        lowercase : bool
            Whether texts are lower-cased first.

        Returns
        -------
        WordNgramIndex or None
            ``None`` when a term is outside the range or the keys need over 63 bits.
        """
        lengths = np.fromiter((t.count(" ") + 1 for t in terms), dtype=np.int64,
                              count=len(terms))
        if not ((low <= lengths) & (lengths <= high)).all():
            return None
        flat = " ".join(terms).split(" ") if terms else []
        token_ids: dict[str, int] = {}  # a dict, not np.unique: sorting strings is slow
        ids = np.fromiter((token_ids.setdefault(t, len(token_ids) + 1) for t in flat),
                          dtype=np.uint64, count=len(flat))
        width = len(token_ids) + 1
        if width ** high >= 1 << 63:
            return None
        keys = _pack(ids, lengths, width)
        table = KeyTable(keys, np.arange(len(terms)))
        return cls(re.compile(token_pattern), token_ids, table, width, low, high, lowercase)

    def match(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, column) of every vocabulary n-gram occurrence in ``texts``.

        Parameters
        ----------
        texts : list of str
            The batch.

        Returns
        -------
        rows, cols : numpy.ndarray
            One entry per occurrence.
        """
        if self.lowercase:
            texts = [t.lower() for t in texts]
        get = self.token_ids.get
        tokenizer = WordTokenizer.for_pattern(self.pattern.pattern)
        if tokenizer is not None:
            tokens, owner = tokenizer.tokenize(texts)
            ids = np.fromiter(map(get, tokens, repeat(0)), dtype=np.uint64, count=len(tokens))
        else:
            findall = self.pattern.findall
            token_lists = [findall(t) for t in texts]
            lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64,
                                  count=len(token_lists))
            ids = np.fromiter(map(get, chain.from_iterable(token_lists), repeat(0)),
                              dtype=np.uint64, count=int(lengths.sum()))
            owner = np.repeat(np.arange(len(texts)), lengths)
        found = []
        key = np.zeros(ids.size, dtype=np.uint64)
        scale = np.uint64(1)
        for n in range(1, self.high + 1):
            last = ids.size - n + 1
            if last <= 0:
                break
            key = key[:last] + ids[n - 1:] * scale
            scale = scale * np.uint64(self.n_tokens)
            if n < self.low:
                continue
            same = owner[:last] == owner[n - 1:]
            known = np.ones(last, dtype=bool)
            for j in range(n):
                known &= ids[j:j + last] != 0
            found.append(self.table.find(key, owner, np.flatnonzero(same & known)))
        return _joined(found)


_WORD_PATTERN = re.compile(r'\(\?u\)\\b\\w(\\w)?\+\\b(?:\|\[((?:[^\]\\^-]|\\")+)\])?')


class WordTokenizer:
    r"""``findall`` of a word token pattern, for a whole batch at once.

    The pattern is ``(?u)\b\w+\b`` (or ``\w\w+``, sklearn's default), optionally
    ``|[chars]`` of single characters.

    A token is a maximal run of word characters (``str.isalnum`` or ``_``, as ``re``'s
    ``\w``), at least ``shortest`` long, or one of ``chars``; all are found with
    array operations on the batch's code points and cut out by one ``split``.

    Parameters
    ----------
    shortest : int
        1 for ``\w+``, 2 for ``\w\w+``.
    chars : str
        Characters that are tokens by themselves.
    """

    def __init__(self, shortest: int, chars: str):
        self.shortest, self.chars = shortest, chars
        # per ASCII character: 1 a word character, 2 a token by itself
        self.ascii_kind = np.array([(chr(c).isalnum() or c == 95) + 2 * (chr(c) in chars)
                                    for c in range(128)], dtype=np.int8)

    @classmethod
    def for_pattern(cls, pattern: str) -> WordTokenizer | None:
        """The tokenizer of ``pattern``, or ``None`` when it has another shape.

        Parameters
        ----------
        pattern : str
            A token pattern.

        Returns
        -------
        WordTokenizer or None
            Cached per pattern.
        """
        if pattern not in _TOKENIZERS:
            match = _WORD_PATTERN.fullmatch(pattern)
            _TOKENIZERS[pattern] = None if match is None else cls(
                2 if match.group(1) else 1, (match.group(2) or "").replace('\\"', '"'))
        return _TOKENIZERS[pattern]

    def tokenize(self, texts: list[str]) -> tuple[list[str], np.ndarray]:
        """The tokens of all ``texts`` in order, and the index of the text of each.

        Parameters
        ----------
        texts : list of str
            The batch.

        Returns
        -------
        tokens : list of str
            Equal to ``findall`` over the texts, concatenated.
        owner : numpy.ndarray of int
            The text of each token.
        """
        joined = "\x00".join(texts) + "\x00"
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        wide = points >= 128
        kind = self.ascii_kind[np.where(wide, 0, points)]
        if wide.any():
            at = np.flatnonzero(wide)
            unique, inverse = np.unique(points[at], return_inverse=True)
            kind[at] = np.array([chr(c).isalnum() + 2 * (chr(c) in self.chars)
                                 for c in unique.tolist()], dtype=np.int8)[inverse]
        word, single = kind == 1, kind == 2
        edge = np.flatnonzero(np.diff(word.astype(np.int8), prepend=0, append=0))
        begin, end = edge[0::2], edge[1::2]  # runs of word characters [begin, end)
        if self.shortest > 1:
            long_enough = end - begin >= self.shortest
            begin, end = begin[long_enough], end[long_enough]
        starts = np.zeros(points.size + 1, dtype=np.int8)
        starts[begin] = 1
        starts[end] -= 1
        inside = np.cumsum(starts[:-1]) > 0
        first = single.copy()  # where tokens start
        first[begin] = True
        out = np.where(inside | single, points, np.uint32(32))
        # a space before every token start, so that touching tokens come apart
        cut = np.flatnonzero(first)
        out = np.insert(out, cut, np.uint32(32))
        tokens = out.tobytes().decode("utf-32-le", "surrogatepass").split()
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        offsets = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        owner = np.searchsorted(offsets, cut, side="right") - 1
        return tokens, owner


_TOKENIZERS: dict[str, WordTokenizer | None] = {}


def _pack(symbols: np.ndarray, lengths: np.ndarray, base: int) -> np.ndarray:
    """One key per term, ``sum(symbol_j * base**j)``, from the terms' symbols laid end to end."""
    if lengths.size == 0:
        return np.zeros(0, dtype=np.uint64)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(symbols.size) - np.repeat(starts, lengths)
    weights = np.power(np.uint64(base), position.astype(np.uint64))
    return np.add.reduceat(symbols.astype(np.uint64) * weights, starts)


def tfidf_scores(
    rows: np.ndarray, cols: np.ndarray, n_rows: int, idf: np.ndarray,
    coef_by_class: np.ndarray, sublinear: bool,
) -> np.ndarray:
    """``normalize(tf * idf) @ coef_by_class.T`` for every row, from n-gram occurrences.

    Parameters
    ----------
    rows, cols : numpy.ndarray of int
        (text, term) of every occurrence.
    n_rows : int
        Texts in the batch.
    idf : numpy.ndarray
        The terms' idf weights.
    coef_by_class : numpy.ndarray of shape (n_classes, n_terms)
        The block's coefficients, C-contiguous.
    sublinear : bool
        Use ``1 + log(tf)``.

    Returns
    -------
    numpy.ndarray of shape (n_rows, n_classes)
        Each text's L2-normalised TF-IDF row times the coefficients (zero for a text
        without a known term).
    """
    out = np.zeros((n_rows, coef_by_class.shape[0]))
    doc, col, count = count_pairs(rows, cols, idf.size)
    if doc.size == 0:
        return out
    tf = count.astype(np.float64)
    if sublinear:
        tf = np.log(tf) + 1.0
    values = tf * idf[col]
    starts = np.flatnonzero(np.concatenate(([True], doc[1:] != doc[:-1])))
    present = doc[starts]
    norm = np.sqrt(np.add.reduceat(values * values, starts))
    for k, coef in enumerate(coef_by_class):
        out[present, k] = np.add.reduceat(values * coef[col], starts) / norm
    return out
