"""Source attribution (issue 19): who speaks, the cue, the kind, offsets, resolution."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.text.attribution import KINDS, attribute, find_sources
from classifier.text.sentences import split_sentences


@pytest.mark.parametrize("sentence, source, cue, kind", [
    ("The ministry said 14 people were detained.", "The ministry", "said", "official"),
    ("Prices will rise, the central bank warned on Tuesday.", "the central bank", "warned",
     "official"),
    ("\u201cWe are ready,\u201d said Anna Berg, the council leader.", "Anna Berg", "said",
     "official"),
    ("Turnout fell to 41 percent, according to the electoral commission.",
     "the electoral commission", "according to", "official"),
    ("Lena Varga, who runs the plant, has told reporters the line will close.", "Lena Varga",
     "has told reporters", "official"),
    ("Analysts say the merger may be blocked.", "Analysts", "say", "commentator"),
    ("Her father, John Roe, said she was happy.", "Her father, John Roe", "said", "private"),
    ("Sources close to the talks said a deal was near.", "Sources close to the talks", "said",
     "unnamed"),
    ("Observers speculate that rates could fall.", "Observers", "speculate", "commentator"),
])
def test_attribute_finds_source_cue_and_kind(sentence, source, cue, kind):
    found = attribute(sentence)
    assert found is not None
    assert (found.text, found.cue, found.kind) == (source, cue, kind)
    assert sentence[found.start:found.end] == found.text
    assert sentence[found.cue_start:found.cue_end] == found.cue


@pytest.mark.parametrize("sentence", [
    "Ukraine executed drone strikes on January 14.",
    "The vote is on Friday.",
    "\u201cIt was said that the bridge would fall,\u201d",
    "",
])
def test_unattributed_sentences_have_no_source(sentence):
    assert attribute(sentence) is None


def test_pronouns_and_roles_resolve_to_the_nearest_earlier_named_speaker():
    text = ("Maria Lind chairs the committee. The plan is late, Maria Lind said. "
            "Tom Abbot, the engineer, said work would start soon. He said costs had risen. "
            "The engineer added that the budget was tight.")
    spans = [(s.start, s.end) for s in split_sentences(text)]
    found = find_sources(text, spans)
    assert found[0] is None
    he, role = found[3], found[4]
    assert (he.text, he.resolved) == ("He", "Tom Abbot")
    assert text[he.resolved_start:he.resolved_end] == "Tom Abbot"
    assert (role.text, role.resolved) == ("The engineer", "Tom Abbot")
    assert he.speaker == "Tom Abbot"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcXYZ ,.\"'\u201c\u201d:said")), max_size=120))
def test_offsets_always_point_into_the_text(text):
    spans = [(s.start, s.end) for s in split_sentences(text)]
    for source in find_sources(text, spans):
        if source is not None:
            assert text[source.start:source.end] == source.text
            assert source.kind in KINDS
            if source.cue_start is not None:
                assert text[source.cue_start:source.cue_end] == source.cue
