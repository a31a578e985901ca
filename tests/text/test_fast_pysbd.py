"""The cheap pysbd passes (classifier.text.fast_pysbd) split exactly as pysbd does."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import pytest

pysbd = pytest.importorskip("pysbd")

from classifier.text import sentences  # noqa: E402
from classifier.text.fast_pysbd import _english, _words_before_stop, segmenter  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _plain():
    return pysbd.Segmenter(language="en", clean=False)


def _team_articles() -> list[str]:
    texts = []
    with open(ROOT / "data" / "attribution_team.jsonl", encoding="utf-8") as handle:
        texts += [json.loads(line)["text"] for line in handle if line.strip()]
    articles = defaultdict(list)
    with open(ROOT / "data" / "dev.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            articles[row.get("article_id") or row["id"]].append((row.get("position", 0),
                                                                 row["text"]))
    for rows in articles.values():
        rows.sort()
        texts.append(" ".join(text for _, text in rows))
        texts.append("\n".join(text for _, text in rows))
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return texts


def _fuzz(n: int, seed: int) -> list[str]:
    from pysbd.lang.english import English

    abbr = [a.strip() for a in English.Abbreviation.ABBREVIATIONS]
    vocab = ("the minister said it was over . Mr. Mrs. Dr. St. U.S. e.g. i.e. a. b. c. i. ii. "
             "(a) (b) b) c) 1. 2. 3. 1) 2) 10. ... .. . . . ! ? !? ?! !! \" “ ” ' ‘ ’ ( ) [ ] "
             "-- — café. \u212aG. ſt. p.m. a.m. 5 3.5% No. 4 Jan. Co. KG Inc. Yahoo! "
             "file.pdf 12:30 x.y").split(" ")
    vocab += [a + "." for a in abbr] + [a.capitalize() + "." for a in abbr]
    words = "prices rose in March while officials warned They We I He However".split()
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        k = rng.randint(1, 40)
        toks = [rng.choice(vocab) if rng.random() < 0.5 else rng.choice(words) for _ in range(k)]
        seps = [rng.choice([" ", " ", " ", "", "  ", "\n"]) for _ in range(k)]
        texts.append("".join(t + s for t, s in zip(toks, seps)))
    return texts


def test_the_fast_segmenter_is_used_for_pysbd_0_3_4():
    assert pysbd.__version__ != "0.3.4" or _english().__name__ == "FastEnglish"
    assert sentences._segmenter().language_module is _english()


def test_same_pieces_as_pysbd_on_made_up_text_with_lists_and_abbreviations():
    plain, fast = _plain(), segmenter()
    for text in _fuzz(1500, seed=19):
        assert fast.segment(text) == plain.segment(text), text


def test_same_sentences_as_pysbd_on_the_team_corpus(monkeypatch):
    texts = _team_articles()
    new = [[(s.start, s.end, s.kind) for s in sentences.split_sentences(t)] for t in texts]
    plain = _plain()
    monkeypatch.setattr(sentences, "_segmenter", lambda: plain)
    old = [[(s.start, s.end, s.kind) for s in sentences.split_sentences(t)] for t in texts]
    assert sum(len(x) for x in old) > 1000
    assert new == old


def test_words_before_a_full_stop():
    assert _words_before_stop("Mr. Smith met Gen. Lee at 5 p.m. in the U.S. today.") == {
        "mr", "gen", "p", "u", "today"}
    assert _words_before_stop("No stop here") == set()
    # a non-ASCII word before a stop: pysbd's own path (the Kelvin sign matches "k")
    assert _words_before_stop("\u212ag. of flour") is None
