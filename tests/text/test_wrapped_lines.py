"""Hard-wrapped text (issue 18, item 3): ``fold -s -w N`` gives the same sentences,
and the same labels, as the text unwrapped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_a16f0ea716d6622e.txt"


def fold(text: str, width: int) -> str:
    """What ``fold -s -w width`` makes of ``text`` (coreutils, as a user would run it)."""
    done = subprocess.run(["fold", "-s", "-w", str(width)], input=text.encode("utf-8"),
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def sentences(text: str) -> list[tuple[str, str]]:
    return [(" ".join(s.text.split()), s.kind) for s in split_sentences(text)]


def team_articles(split: str = "test") -> dict[str, str]:
    """The team's articles of one split as text: headline, then paragraphs of three
    sentences; ``sep`` alternates between blank lines and single line breaks."""
    rows: dict[str, list[dict]] = {}
    for line in (ROOT / "data" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("article_id"):
            rows.setdefault(row["article_id"], []).append(row)
    out = {}
    for k, (article, items) in enumerate(sorted(rows.items())):
        items.sort(key=lambda r: r["position"])
        body = [r["text"] for r in items[1:]]
        paragraphs = [" ".join(body[i:i + 3]) for i in range(0, len(body), 3)]
        sep = "\n\n" if k % 2 else "\n"
        out[article] = items[0]["text"] + "\n" + sep.join(paragraphs) + "\n"
    return out


def test_fold_really_wraps_the_seed_article():
    wrapped = fold(SEED.read_text(encoding="utf-8"), 70)
    assert max(len(line) for line in wrapped.splitlines()) <= 70
    assert len(wrapped.splitlines()) > len(SEED.read_text(encoding="utf-8").splitlines()) + 10


@pytest.mark.parametrize("width", [60, 70, 80])
def test_wrapped_seed_article_gives_the_same_sentences(width):
    text = SEED.read_text(encoding="utf-8")
    assert sentences(fold(text, width)) == sentences(text)
    assert len(sentences(text)) == 16


@pytest.mark.parametrize("split", ["test", "shift"])
@pytest.mark.parametrize("width", [60, 70, 80])
def test_wrapped_team_articles_give_the_same_sentences(split, width):
    articles = team_articles(split)
    assert len(articles) >= 20
    for article, text in articles.items():
        assert sentences(fold(text, width)) == sentences(text), article


def test_wrapped_offsets_still_point_into_the_wrapped_text():
    wrapped = fold(SEED.read_text(encoding="utf-8"), 70)
    for s in split_sentences(wrapped):
        assert wrapped[s.start:s.end] == s.text


def test_wrapped_article_gets_the_same_labels():
    from classifier.persistence import load_model

    model = load_model(fast=True)
    text = SEED.read_text(encoding="utf-8")
    plain, wrapped = model.tag_article(text), model.tag_article(fold(text, 70))
    assert [p.label for p in wrapped.sentences] == [p.label for p in plain.sentences]
    for a, b in zip(plain.sentences, wrapped.sentences):
        assert a.probabilities == pytest.approx(b.probabilities, abs=1e-9)


def test_lines_that_are_not_wrapped_stay_apart():
    # a list of headlines, one a line, is not wrapped text: no line is joined
    text = ("Storm batters coast as rivers burst their banks\nCouncil delays vote on "
            "new housing plan\nMinisters meet unions over pay\nMarkets rise on rate hopes\n")
    assert [s for s, _ in sentences(text)] == text.splitlines()


def test_predict_cli_on_wrapped_stdin_matches_unwrapped():
    text = SEED.read_text(encoding="utf-8")

    def run(body: str) -> list[tuple[str, str]]:
        done = subprocess.run([sys.executable, "-m", "classifier", "predict", "--format",
                               "jsonl"], input=body.encode("utf-8"), capture_output=True,
                              check=True)
        rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
        return [(" ".join(r["text"].split()), r["label"]) for r in rows]

    assert run(fold(text, 70)) == run(text)
