import json
import re
from html import unescape

from classifier.prediction import ArticlePrediction, Prediction
from classifier.reports.article_view import as_html, as_markdown
from classifier.reports.palette import LABEL_COLOURS

LABELS = ("analysis", "factual_report", "official_claim", "speculation")


def article() -> ArticlePrediction:
    text = "Police said <two> men were held.\n\nMore arrests may follow | soon. It rained."
    spans = [(0, 32), (34, 65), (66, 77)]
    probs = [
        {"official_claim": 0.8, "speculation": 0.1, "analysis": 0.05, "factual_report": 0.05},
        {"official_claim": 0.1, "speculation": 0.45, "analysis": 0.4, "factual_report": 0.05},
        {"official_claim": 0.0, "speculation": 0.0, "analysis": 0.1, "factual_report": 0.9},
    ]
    sentences = [
        Prediction(text[s:e], max(p, key=p.get), p, s, e) for (s, e), p in zip(spans, probs)
    ]
    return ArticlePrediction(text, sentences, LABELS)


def test_html_highlights_every_sentence_with_probabilities():
    doc = article()
    html = as_html([("a.txt", doc)])
    spans = re.findall(r'<span class="s[^"]*"[^>]*>(.*?)</span>', html)
    # a source is underlined with its kind after it (issue 19): drop that markup
    plain = [re.sub(r"<[^>]+>", "", re.sub(r'<sup class="kind">.*?</sup>', "", s))
             for s in spans]
    assert [unescape(s) for s in plain] == [p.text for p in doc.sentences]
    assert "&lt;two&gt;" in html and "<two>" not in html
    for p in doc.sentences:
        light = LABEL_COLOURS[p.label][1]
        assert f'data-label="{p.label}" style="background:{light}' in html
    data = [json.loads(unescape(d)) for d in re.findall(r'data-p="([^"]+)"', html)]
    assert data[0]["official_claim"] == 0.8 and len(data) == 3
    assert 'title="official_claim 80% · speculation 10%' in html
    assert html.count('class="s low"') == 1  # the 45% sentence is underlined
    assert "\n\n" in html  # paragraph breaks kept between sentences


def test_html_share_bar_adds_up():
    html = as_html([("a.txt", article()), ("b.txt", article())])
    widths = [float(w) for w in re.findall(r'<span style="width:([\d.]+)%', html)]
    assert len(widths) == 6 and abs(sum(widths[:3]) - 100) < 0.02
    assert "2 documents, 6 sentences" in html
    assert "<script>" in html and "http" not in html


def test_html_for_unsplit_rows_and_empty_text():
    empty = Prediction("", None, {}, error="empty text")
    row = Prediction("It rained.", "factual_report", {"factual_report": 1.0})
    html = as_html([("1", ArticlePrediction("", [empty], LABELS)),
                    ("2", ArticlePrediction("It rained.", [row], LABELS))])
    assert html.count('class="s') == 1 and "It rained." in html


def test_markdown_table():
    md = as_markdown([("a.txt", article())])
    lines = md.splitlines()
    assert lines[0] == "## a.txt"
    assert "🟦 official_claim 33% (1)" in lines[2]
    assert ("| 1 | 🟦 official_claim | 0.80 | Police (official; said) | "
            "Police said <two> men were held. |") in md
    assert "More arrests may follow \\| soon." in md  # pipes escaped
    assert sum(line.startswith("| ") and line[2].isdigit() for line in lines) == 3
