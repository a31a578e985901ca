"""Headings, bylines and datelines on a line of their own (issue 18, item 5)."""

from __future__ import annotations

import pytest

from classifier.text.sentences import line_kind, split_sentences


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Key points:", "heading"),
        ("What we know so far:", "heading"),
        ("## Background", "heading"),
        ("By Jane Doe", "byline"),
        ("By JANE DOE and ALI KHAN, Staff Reporters", "byline"),
        ("Reporting by Jane Doe; Editing by Tom Roe", "byline"),
        ("14 January 2025", "dateline"),
        ("Updated: Jan. 14, 2025 at 3:45 p.m. ET", "dateline"),
        ("Published Tuesday 14 January 2025 10:32 GMT", "dateline"),
        ("2025-01-14", "dateline"),
        ("LONDON (Reuters) -", "dateline"),
        ("Kyiv, Jan 14 (AP) \u2014", "dateline"),
        # sentences, headlines and fragments that only look like them
        ("By Tuesday the talks had collapsed.", "sentence"),
        ("By Tuesday the talks had collapsed", "sentence"),
        ("The vote is on Monday.", "sentence"),
        ("2014-15.", "sentence"),
        ("Storm batters coast", "sentence"),
        ("Police said two men were arrested on January 14.", "sentence"),
        ("It may rain.", "sentence"),
    ],
)
def test_line_kind(line, kind):
    assert line_kind(line) == kind


def test_non_sentences_are_flagged_only_alone_on_a_line():
    text = ("Council delays vote\nBy Jane Doe\n14 January 2025\n\nKey points:\n"
            "- The vote moves to March.\n- Critics fear delays.\n\n"
            "LONDON (Reuters) - The council said on Tuesday it would delay the vote.")
    got = [(s.text, s.kind) for s in split_sentences(text)]
    assert got == [
        ("Council delays vote", "sentence"),
        ("By Jane Doe", "byline"),
        ("14 January 2025", "dateline"),
        ("Key points:", "heading"),
        ("The vote moves to March.", "sentence"),
        ("Critics fear delays.", "sentence"),
        ("LONDON (Reuters) - The council said on Tuesday it would delay the vote.",
         "sentence"),
    ]


def test_tag_article_leaves_non_sentences_unlabeled_with_a_reason(tiny_model):
    article = tiny_model.tag_article("Key points:\nBy Jane Doe\nPolice said two men were held.")
    heading, byline, sentence = article.sentences
    assert (heading.kind, heading.label, heading.error) == (
        "heading", None, "not a sentence: heading")
    assert (byline.kind, byline.label, byline.error) == ("byline", None, "not a sentence: byline")
    assert sentence.kind == "sentence" and sentence.label is not None and sentence.error is None
    assert sum(s.count for s in article.summary) == 1
