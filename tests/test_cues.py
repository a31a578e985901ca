import pytest

from classifier.cues import NAMES, cue_matrix, cue_vector


def cues(text):
    return dict(zip(NAMES, cue_vector(text)))


def test_vector_length_matches_names():
    assert len(cue_vector("Anything at all.")) == len(NAMES)
    assert cue_matrix([]).shape == (0, len(NAMES))


@pytest.mark.parametrize(
    "text",
    [
        "Two men were detained, the interior ministry said in a statement.",
        "According to the ministry, 14 people died.",
        "Police said two men were arrested on Friday.",
    ],
)
def test_official_attribution(text):
    c = cues(text)
    assert c["trailing_attr_official"] or c["according_official"] or c["leading_says_official"]


def test_commentator_attribution_and_hedge():
    c = cues("The franc would probably weaken, an economist at a Zurich bank said.")
    assert c["trailing_attr_commentator"] == 1.0
    assert c["hedge_any"] == 1.0


def test_quote_closed_by_speaker():
    assert cues('"We will not back down," the minister said.')["quote_then_says"] == 1.0


def test_interpretive_and_question():
    c = cues("Does the decision reflect a broader shift?")
    assert c["interpretive_any"] == 1.0 and c["question"] == 1.0
