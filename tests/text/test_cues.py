import pytest

from classifier.text.cues import NAMES, cue_matrix, cue_vector


def cues(text):
    return dict(zip(NAMES, cue_vector(text)))


def test_vector_length_matches_names():
    assert len(cue_vector("Anything at all.")) == len(NAMES)
    assert cue_matrix([]).shape == (0, len(NAMES))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Two men were detained, the interior ministry said in a statement.", "attr_trailing"),
        ("According to the ministry, 14 people died.", "attr_according"),
        ("Police said two men were arrested on Friday.", "attr_leading"),
        ("Google said on Monday that it would comply with the order.", "attr_leading"),
        ("The crowd was close to half a million, by the Metropolitan Police's reckoning.",
         "attr_possessive"),
        ('"The cap is holding," a Coast Guard spokesman said on Friday.', "attr_trailing"),
    ],
)
def test_official_attribution(text, kind):
    c = cues(text)
    assert c[kind] == 1.0 and c["official_source"] == 1.0 and c["unofficial_source"] == 0.0


def test_commentator_is_not_official_even_with_an_employer():
    c = cues("The franc would probably weaken, an economist at a Zurich bank said.")
    assert c["attr_trailing"] == 1.0
    assert c["unofficial_source"] == 1.0 and c["official_source"] == 0.0
    assert c["unofficial_x_hedge"] == 1.0


def test_hedges_are_counted_outside_the_attribution():
    c = cues("The ministry said prices may rise.")
    assert c["official_x_hedge"] == 1.0 and c["noattr_x_hedge"] == 0.0
    c = cues("Prices may rise next year.")
    assert c["attr_any"] == 0.0 and c["noattr_x_hedge"] == 1.0 and c["future"] == 1.0


def test_quote_without_attribution_is_a_continuation():
    c = cues("“Crews will work through the night.”")
    assert c["quote_no_attr"] == 1.0


def test_interpretive_and_question():
    c = cues("Does the decision reflect a broader shift?")
    assert c["interp_any"] == 1.0 and c["question"] == 1.0


@pytest.mark.parametrize("text", ["", " ", "—", "\x00", "’", "a" * 10_000, "Said, said."])
def test_odd_input_does_not_crash(text):
    assert len(cue_vector(text)) == len(NAMES)
