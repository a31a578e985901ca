"""Issue 17: the batch-wise cue features equal ``cue_vector`` row for row."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.text import cue_arrays
from classifier.text.cues import NAMES, cue_matrix, cue_vector

DATA = Path(__file__).resolve().parents[2] / "data"

# Team-written sentences that reach every branch: trailing and leading attribution, the
# shapes that go to cue_vector (dateline, "according to", possessive, a word cut by the
# comma), quotes, odd characters, numbers with commas and words that touch.
EDGE = [
    "", " ", "—", "’", "\t\n", "a" * 5000, "Said, said.", "?",
    "Two men were detained, the interior ministry said in a statement.",
    "Police said two men were arrested on Friday.",
    "  Police said two men were arrested on Friday.  ",
    '"The cap is holding," a Coast Guard spokesman said on Friday.',
    "“Crews will work through the night.”",
    "According to the ministry, 14 people died.",
    "The crowd was close to half a million, by the Metropolitan Police's reckoning.",
    "The crowd was large, by the organisers’ own count, officials said.",
    "PARIS — The minister said the talks would resume.",
    "Update 2: Officials said the road may reopen.",
    "It rose 3,000, he said.", "It rose to 1,000,000 in 2016, she told reporters.",
    "Sales of 5G phones rose 12.5% to 3.2bn, analysts said.",
    "The U.S.-based firm’s shares fell, its spokeswoman said.",
    "He said the unsaid things, and she unsaid them.", "They told untold stories, he told me.",
    "Figures released Monday show a drop.", "Data show the economy may slow.",
    "The \u212aelvin scale, he said.", "İstanbul officials said so.", "ſtatistics show it.",
    "Officials won't say whether it could rise, he said.", "It isn't clear.",
    "'Quoted,' said the mayor.", "‘It is done,’ she wrote.", "He said: “We will go.”",
    "Analysts expect prices to rise next week, an economist said.",
    "The mother of the victim said she hoped for justice.",
    "It might, perhaps, reflect a broader shift, they said.",
    "Was it a sign of things to come?", "x1y2 a1 1a ,5 5,, .5. a.b.c -x- 'tis",
    "Schedule: the vote is due next week and will be held on Monday.",
]


def corpus() -> list[str]:
    texts = []
    for name in ("train", "dev", "test", "shift"):
        with (DATA / f"{name}.jsonl").open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def assert_rows_equal(texts):
    got = cue_arrays.cue_matrix(texts)
    expected = np.array([cue_vector(t) for t in texts]).reshape(len(texts), len(NAMES))
    bad = np.flatnonzero((got != expected).any(axis=1))
    assert bad.size == 0, [
        (texts[i][:80], [NAMES[j] for j in np.flatnonzero(got[i] != expected[i])])
        for i in bad[:5]]


def test_every_corpus_sentence_gets_the_same_cues():
    texts = corpus()
    assert len(texts) > 10_000
    assert_rows_equal(texts)


def test_edge_sentences_get_the_same_cues():
    assert_rows_equal(EDGE)
    assert_rows_equal(EDGE[::-1])  # position in the batch does not matter


def test_chunks_and_the_public_function_agree(monkeypatch):
    texts = corpus()[:700] + EDGE
    whole = cue_matrix(texts)
    monkeypatch.setattr(cue_arrays, "CHUNK", 64)
    np.testing.assert_array_equal(cue_arrays.cue_matrix(texts), whole)
    assert cue_matrix([]).shape == (0, len(NAMES))


def test_a_text_holding_the_separator_falls_back_to_cue_vector():
    assert_rows_equal(["Police said it.\x00It may rain.", "Officials said so."])


@pytest.mark.parametrize("text", EDGE[:8])
def test_single_texts(text):
    assert_rows_equal([text])


ALPHABET = st.sampled_from(list("aAsS zZ.,'’\"“”‘-—?!:0123456789\t") + [
    " said", " told", "Police", " may", " according to", " officials", "’s ", " count",
    " data show", "PARIS — ", "n't", " he", "\u212a", "é", "٣"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(ALPHABET, max_size=30).map("".join), min_size=1, max_size=6))
def test_random_batches_get_the_same_cues(texts):
    assert_rows_equal(texts)
