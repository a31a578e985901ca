"""A NumPy-only scorer for the TF-IDF + logistic-regression pipeline.

Applying a saved model should not pay for importing scikit-learn. ``export``
(``classifier.tfidf.backend``) turns a fitted pipeline into plain arrays
(vocabularies, idf weights, cue weight, coefficients), saved as ``model.npz``
beside the joblib file; ``FastModel``
scores with them and gives the same probabilities as the pipeline (to 1e-9,
checked by the tests). N-grams are counted batch-wise with integer keys
(``classifier.tfidf.ngrams``), several times faster than building them as strings.
Pipelines of another shape are not exported.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import numpy as np

from classifier.model import Model
from classifier.text.casing import normalize_case
from classifier.text.cue_arrays import cue_matrix
from classifier.tfidf.ngrams import CharNgramIndex, WordNgramIndex, tfidf_scores

BATCH = 512  # texts scored together: small enough for the n-gram arrays to stay in cache
_WHITE_SPACES = re.compile(r"\s\s+")


def cascade_probabilities(
    p_first: np.ndarray, p_rest: np.ndarray, rest_classes: list[str], classes: list[str],
    first: str,
) -> np.ndarray:
    """Joint probabilities of a two-stage cascade, columns in ``classes`` order.

    ``P(first) = p_first`` and ``P(k) = (1 - p_first) * P(k | not first)``.

    Parameters
    ----------
    p_first : numpy.ndarray of shape (n,)
        Probability of ``first``.
    p_rest : numpy.ndarray of shape (n, len(rest_classes))
        Probabilities among the other labels.
    rest_classes : list of str
        The columns of ``p_rest``.
    classes : list of str
        The output's columns.
    first : str
        The label decided first.

    Returns
    -------
    numpy.ndarray of shape (n, len(classes))
        Rows sum to one.
    """
    out = np.empty((len(p_first), len(classes)))
    for j, label in enumerate(classes):
        if label == first:
            out[:, j] = p_first
        else:
            out[:, j] = (1.0 - p_first) * p_rest[:, rest_classes.index(label)]
    return out


def _logistic(scores: np.ndarray) -> np.ndarray:
    """scikit-learn's LogisticRegression probabilities from its decision scores."""
    if scores.shape[1] == 1:  # binary: a sigmoid of one score
        positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    scores = scores - scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    return scores / scores.sum(axis=1, keepdims=True)


def _char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, exactly as scikit-learn's ``char_wb``."""
    ngrams: list[str] = []
    append = ngrams.append
    for word in _WHITE_SPACES.sub(" ", text).split():
        word = f" {word} "
        length = len(word)
        for n in range(low, high + 1):
            offset = 0
            append(word[:n])
            while offset + n < length:
                offset += 1
                append(word[offset : offset + n])
            if offset == 0:
                break
    return ngrams


def _word_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    """Word n-grams, exactly as scikit-learn's ``word`` analyzer (no stop words)."""
    if high == 1:
        return tokens
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class _Block:
    """One TF-IDF block: analyzer settings, vocabulary, idf, and its columns of coef.

    Scores whole batches through a vectorised n-gram index (``classifier.tfidf.ngrams``)
    when the analyzer allows one, else text by text with Python strings.
    """

    def __init__(self, spec: dict, terms: np.ndarray, idf: np.ndarray, coef_t: np.ndarray):
        self.kind = spec["kind"]
        self.low, self.high = spec["ngram_range"]
        self.lowercase = spec["lowercase"]
        self.sublinear = spec["sublinear_tf"]
        self.pattern = re.compile(spec["token_pattern"]) if self.kind == "word" else None
        self.idf = idf
        self.coef_t = coef_t  # (n_terms, n_classes)
        self.coef_by_class = np.ascontiguousarray(coef_t.T)
        words = terms.tolist()
        if self.kind == "word":
            self.index: WordNgramIndex | CharNgramIndex | None = WordNgramIndex.build(
                words, spec["token_pattern"], self.low, self.high, self.lowercase)
        else:
            self.index = CharNgramIndex.build(words, self.low, self.high, self.lowercase)
        self.vocabulary: dict[str, int] = (
            {} if self.index else {term: i for i, term in enumerate(words)})

    def score_batch(self, texts: list[str]) -> np.ndarray:
        """The block's contribution to the decision function of every text."""
        if self.index is None:
            return np.array([self.score(t) for t in texts]).reshape(len(texts), -1)
        rows, cols = self.index.match(texts)
        return tfidf_scores(rows, cols, len(texts), self.idf, self.coef_by_class,
                            self.sublinear)

    def analyze(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        if self.kind == "word":
            assert self.pattern is not None
            return _word_ngrams(self.pattern.findall(text), self.low, self.high)
        return _char_wb_ngrams(text, self.low, self.high)

    def score(self, text: str) -> np.ndarray:
        """The block's contribution to the decision function of one text."""
        vocabulary = self.vocabulary
        counts = Counter(vocabulary[g] for g in self.analyze(text) if g in vocabulary)
        if not counts:
            return np.zeros(self.coef_t.shape[1])
        index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[index]
        norm = math.sqrt(float(values @ values))
        if norm == 0.0:
            return np.zeros(self.coef_t.shape[1])
        return (values / norm) @ self.coef_t[index]


class FastModel(Model):
    """The exported pipeline, scored with NumPy; same interface as every model.

    Parameters
    ----------
    arrays : mapping of str to numpy.ndarray
        ``export``'s arrays (``model.npz``).
    metadata : dict, optional
        The model's metadata.
    """

    backend = "tfidf"

    def __init__(self, arrays: Mapping[str, np.ndarray], metadata: dict | None = None):
        self.metadata = metadata or {}
        spec = json.loads(str(arrays["spec"]))
        self._head = spec.get("head", {"kind": "logreg"})
        self._case = spec.get("case", False)
        coef = arrays["coef"]
        self._intercept = arrays["intercept"]
        self._labels = tuple(arrays["classes"].tolist())
        self._blocks, self._cues = [], None
        offset = 0
        for block in spec["blocks"]:
            if block["kind"] == "cues":
                from classifier.text.cues import NAMES

                width = len(NAMES)
                self._cues = (block["weight"], coef[:, offset : offset + width].T.copy())
            else:
                terms, idf = arrays[f"{block['name']}_terms"], arrays[f"{block['name']}_idf"]
                width = len(terms)
                coef_t = coef[:, offset : offset + width].T.copy()
                self._blocks.append(_Block(block, terms, idf, coef_t))
            offset += width

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the order of the probability columns."""
        return self._labels

    def write(self, folder: Path, format: str | None = None) -> list[str]:
        """Refuse: a NumPy scorer is read-only.

        Parameters
        ----------
        folder : Path
            Unused.
        format : str, optional
            Unused.

        Raises
        ------
        ModelFileError
            Always; load with ``fast=False`` to save.
        """
        from classifier.errors import ModelFileError

        raise ModelFileError("a fast (NumPy) model is read-only; load with fast=False to save")

    @classmethod
    def read(cls, folder: Path, metadata: dict, fast: bool | None = True,
             safe: bool = False) -> FastModel:
        """The scorer from ``folder/model.npz`` (never a pickle: ``allow_pickle=False``).

        Parameters
        ----------
        folder : Path
            The model folder.
        metadata : dict
            Its metadata.
        fast : bool, default True
            Unused (this class is the fast path).
        safe : bool, default False
            Unused (nothing is unpickled either way).

        Returns
        -------
        FastModel
            The scorer.

        Raises
        ------
        ModelFileError
            If ``model.npz`` cannot be read.
        """
        from classifier.errors import ModelFileError

        path = Path(folder) / "model.npz"
        try:
            with np.load(path, allow_pickle=False) as arrays:
                return cls(arrays, metadata)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelFileError(f"{path}: could not load: {exc}") from None

    def explain(self, text: str, top: int | None = None) -> NoReturn:
        """Refuse: the NumPy scorer keeps no feature names.

        Parameters
        ----------
        text : str
            Unused.
        top : int, optional
            Unused.

        Raises
        ------
        ExplainError
            Always; load the model without ``fast=True``.
        """
        raise self._no_feature_names()

    def top_features(self, top: int = 25, kinds: tuple[str, ...] | None = None) -> NoReturn:
        """Refuse: the NumPy scorer keeps no feature names.

        Parameters
        ----------
        top : int, default 25
            Unused.
        kinds : tuple of str, optional
            Unused.

        Raises
        ------
        ExplainError
            Always; load the model without ``fast=True``.
        """
        raise self._no_feature_names()

    @staticmethod
    def _no_feature_names() -> Exception:
        from classifier.errors import ExplainError

        return ExplainError(
            "the NumPy scorer (fast=True) keeps no feature names; load the model with "
            "load_model(path) (fast=False) to explain it; loaded safely (--safe), only a "
            "model saved with --format skops can be explained"
        )

    def _scores(self, texts: list[str]) -> np.ndarray:
        """Linear scores of every coefficient row (both stages for a cascade)."""
        if self._case:
            texts = [normalize_case(text) for text in texts]
        out = np.tile(self._intercept, (len(texts), 1))
        for lo in range(0, len(texts), BATCH):
            for block in self._blocks:
                out[lo:lo + BATCH] += block.score_batch(texts[lo:lo + BATCH])
        if self._cues is not None:
            weight, coef_t = self._cues
            # einsum, not a BLAS matmul: BLAS threads spinning after a tiny product
            # cost more CPU than the whole product
            out += np.einsum("ij,jk->ik", cue_matrix(texts) * weight, coef_t)
        return out

    def _proba(self, texts: list[str]) -> np.ndarray:
        scores = self._scores(texts)
        if self._head["kind"] == "logreg":
            return _logistic(scores)
        p_first = _logistic(scores[:, :1])[:, self._head["first_positive"]]
        p_rest = _logistic(scores[:, 1:])
        return cascade_probabilities(p_first, p_rest, self._head["rest_classes"],
                                     list(self._labels), self._head["first"])
