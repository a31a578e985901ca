"""Web pages as input (issue 18, item 4): the article text, not the markup, is tagged,
and offsets count characters of that text."""

from __future__ import annotations

import sys

import pytest

from classifier.text.html import extract_text, looks_like_html

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour Gazette | Council delays vote</title>
<style>body { color: red; }</style><script>window.track = "page";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<header><p class="brand">Harbour Gazette: your town, your news</p></header>
<article>
<h1>Council delays vote on the new harbour wall</h1>
<p>The council said on Tuesday that it would delay the vote on the new harbour wall
until March, after residents asked for more time to read the plans.</p>
<p>Engineers warned that the old wall could fail in a winter storm. Critics fear the
delay will raise the cost of the work by a fifth.</p>
<p>The mayor said the extra weeks would give &ldquo;everyone a fair hearing&rdquo;.
The plans run to 400 pages and include three options for the wall.</p>
<p>Residents will be able to see the plans at the library from Monday, and a public
meeting is planned for the last week of February.</p>
</article>
<aside><p>Most read: Ferry timetable changes for the summer season</p></aside>
<footer><p>Copyright Harbour Gazette. All rights reserved.</p></footer>
</body></html>
"""


@pytest.fixture(params=["trafilatura", "standard library"])
def extractor(request, monkeypatch):
    if request.param == "trafilatura":
        pytest.importorskip("trafilatura", reason="the html extra (make test installs it)")
    else:
        monkeypatch.setitem(sys.modules, "trafilatura", None)  # as without the extra
    return request.param


def test_detects_pages_and_leaves_plain_text_alone():
    assert looks_like_html(PAGE)
    assert looks_like_html("<p>Hi.</p>", "page.HTM")
    assert not looks_like_html("Prices rose 3% <on average> in May. Costs <fell>.")
    assert not looks_like_html("Council delays vote\nThe council said it would wait.")


def test_extracts_the_article_without_markup_or_boilerplate(extractor):
    text = extract_text(PAGE)
    assert "<" not in text and "track" not in text and "color" not in text
    assert "Council delays vote on the new harbour wall" in text.splitlines()[0]
    assert "Critics fear the delay will raise the cost" in " ".join(text.split())
    assert "“everyone a fair hearing”" in text  # entities decoded
    for boilerplate in ("Home", "Copyright", "Most read", "your town, your news"):
        assert boilerplate not in text, boilerplate


def test_tagged_page_offsets_point_into_the_extracted_text(extractor, tiny_model):
    text = extract_text(PAGE)
    article = tiny_model.tag_article(text)
    assert len(article.sentences) == 7  # the headline and six sentences
    assert article.sentences[0].text == "Council delays vote on the new harbour wall"
    for s in article.sentences:
        assert text[s.start:s.end] == s.text
