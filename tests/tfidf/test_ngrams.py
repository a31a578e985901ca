import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from classifier.tfidf.features import TOKEN_PATTERN
from classifier.tfidf.ngrams import (
    CharNgramIndex,
    KeyTable,
    WordNgramIndex,
    count_pairs,
    tfidf_scores,
)

TEXTS = [
    "Police said two men were arrested on Friday.",
    "“It is over,” the minister told reporters — and left.",
    "",
    "   ",
    "a",
    "I  am\there\n again",
    "ÉTÉ café 😀 naïve façade, 1,000.5 units",
    "a\udc00b lone surrogate",
    "x" * 30 + " tail",
    "Repeat repeat repeat repeat.",
]
CORPUS = TEXTS + [
    "The ministry said the figures would be published on Monday.",
    "Analysts expect the bank to cut rates, though it may wait.",
    "“We will not back down,” she said.",
]


def counts(index, texts, n_cols):
    rows, cols = index.match(texts)
    doc, col, count = count_pairs(rows, cols, n_cols)
    return sparse.csr_matrix((count, (doc, col)), shape=(len(texts), n_cols))


@pytest.mark.parametrize("ngram_range", [(2, 4), (3, 5), (3, 6)])
@pytest.mark.parametrize("lowercase", [True, False])
def test_char_counts_equal_scikit_learn_char_wb(ngram_range, lowercase):
    reference = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range,
                                lowercase=lowercase).fit(CORPUS)
    terms = sorted(reference.vocabulary_, key=reference.vocabulary_.get)
    index = CharNgramIndex.build(terms, *ngram_range, lowercase)
    got = counts(index, TEXTS, len(terms))
    assert abs(got - reference.transform(TEXTS)).sum() == 0


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 2)])
def test_word_counts_equal_scikit_learn_word(ngram_range):
    reference = CountVectorizer(ngram_range=ngram_range, token_pattern=TOKEN_PATTERN).fit(CORPUS)
    terms = sorted(reference.vocabulary_, key=reference.vocabulary_.get)
    index = WordNgramIndex.build(terms, TOKEN_PATTERN, *ngram_range, True)
    got = counts(index, TEXTS, len(terms))
    assert abs(got - reference.transform(TEXTS)).sum() == 0


def test_char_ranges_it_cannot_match_exactly_are_refused():
    assert CharNgramIndex.build(["a", "ab"], 1, 2, True) is None
    assert CharNgramIndex.build([" ab ", "abcd"], 4, 4, True) is None


def test_key_table_finds_every_key_and_nothing_else():
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(1, 2**62, 5000, dtype=np.uint64))
    table = KeyTable(keys, np.arange(keys.size))
    assert (table.lookup(keys) == np.arange(keys.size)).all()
    absent = keys + np.uint64(1)
    absent = absent[~np.isin(absent, keys)]
    assert (table.lookup(absent) == -1).all()


def test_tfidf_scores_equal_normalised_tfidf_times_coefficients():
    rng = np.random.default_rng(1)
    rows = np.array([0, 0, 0, 2, 2, 3])
    cols = np.array([1, 1, 4, 0, 4, 2])
    idf, coef = rng.random(5) + 1, rng.standard_normal((3, 5))
    dense = np.zeros((4, 5))
    np.add.at(dense, (rows, cols), 1.0)
    for sublinear in (False, True):
        tf = np.where(dense > 0, np.log(np.where(dense > 0, dense, 1)) + 1, 0) if sublinear \
            else dense
        x = tf * idf
        norm = np.linalg.norm(x, axis=1, keepdims=True)
        expected = np.divide(x, norm, out=np.zeros_like(x), where=norm > 0) @ coef.T
        got = tfidf_scores(rows, cols, 4, idf, np.ascontiguousarray(coef), sublinear)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
