import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.text.sentences import split_sentences


def texts(text):
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Army said on Jan. 5 that Gen. John A. Smith had resigned. He left.",
            ["The U.S. Army said on Jan. 5 that Gen. John A. Smith had resigned.", "He left."],
        ),
        (
            "Shares rose 3.5% to $12.50. The index fell 0.8 points.",
            ["Shares rose 3.5% to $12.50.", "The index fell 0.8 points."],
        ),
        (
            '"We will win," he said. "The troops will stay." Officials were silent.',
            ['"We will win," he said.', '"The troops will stay."', "Officials were silent."],
        ),
        (
            "Mr. Brown met Dr. Jones at 3 p.m. in Washington, D.C. on Friday. It rained.",
            ["Mr. Brown met Dr. Jones at 3 p.m. in Washington, D.C. on Friday.", "It rained."],
        ),
        (
            "Storm batters coast\nHeavy rain flooded 200 homes. More is forecast.",
            ["Storm batters coast", "Heavy rain flooded 200 homes.", "More is forecast."],
        ),
        (
            "Key points\n- Ukraine struck on January 14.\n* Moscow reported losses."
            "\n• Talks stalled",
            ["Key points", "Ukraine struck on January 14.", "Moscow reported losses.",
             "Talks stalled"],
        ),
        ("Did it work? Nobody knows!", ["Did it work?", "Nobody knows!"]),
        ("A line that was hard\nwrapped mid-sentence ends here.",
         ["A line that was hard\nwrapped mid-sentence ends here."]),
        ("", []),
        ("  \n\n  ", []),
    ],
)
def test_split_hard_cases(text, expected):
    assert texts(text) == expected


def test_seed_article_offsets(seed_text):
    sentences = split_sentences(seed_text)
    assert len(sentences) == 16
    assert sentences[0].text.startswith("Ukrainian strike demolishes")
    for s in sentences:
        assert seed_text[s.start : s.end] == s.text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_offsets_always_match_source(text):
    previous_end = 0
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
        assert s.text.strip() == s.text and s.text
        assert s.start >= previous_end
        previous_end = s.end
