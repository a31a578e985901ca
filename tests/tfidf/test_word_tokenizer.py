"""Issue 17: the batch-wise word tokenizer equals ``re.findall`` of the token pattern."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.tfidf.features import TOKEN_PATTERN
from classifier.tfidf.ngrams import WordTokenizer

DATA = Path(__file__).resolve().parents[2] / "data"
PATTERNS = [TOKEN_PATTERN, r"(?u)\b\w\w+\b", r"(?u)\b\w+\b"]
ODD = ["", "a", "“Hi,” she said?", "x_y z9 ٣٤ é ß ﬁ ½ ² 𝔘𝔫𝔦", '""??', "a\tb\nc\x00d", "İstanbul"]


def check(pattern, texts):
    tokens, owner = WordTokenizer.for_pattern(pattern).tokenize(texts)
    expected = [(i, t) for i, text in enumerate(texts) for t in re.findall(pattern, text)]
    assert list(zip(owner.tolist(), tokens)) == expected


@pytest.mark.parametrize("pattern", PATTERNS)
def test_corpus_tokens_equal_findall(pattern):
    with (DATA / "test.jsonl").open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    check(pattern, texts + ODD)


def test_other_patterns_keep_findall():
    for pattern in (r"\w+", r"(?u)\b\w+\b|[a-z]", r"(?u)\b\w+\b|[^x]", r"(?u)\b\w{3,}\b"):
        assert WordTokenizer.for_pattern(pattern) is None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PATTERNS), st.lists(st.text(alphabet=st.sampled_from(
    list("ab Z_9 \t\n.,'’\"“”‘?-") + ["é", "٣", "½", "ﬁ", "\u2028", "𝔘"]), max_size=25),
    max_size=5))
def test_random_texts(pattern, texts):
    check(pattern, texts)
