"""The shipped corpus: schema, labels, splits and leakage (issue 9)."""

import json
from collections import Counter
from pathlib import Path

import pytest

from classifier.data import load_labeled
from classifier.data.dedup import near_duplicates
from classifier.labels import LABELS

DATA = Path(__file__).resolve().parents[2] / "data"
SPLITS = ("train", "dev", "test", "shift")
FIELDS = {"id", "text", "label", "topic", "style", "era", "hard_case", "article_id",
          "position", "writer", "group", "split"}


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[dict]]:
    return {
        split: [json.loads(line) for line in
                (DATA / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]
        for split in SPLITS
    }


def test_schema_and_label_set(corpus):
    for split, rows in corpus.items():
        assert rows, split
        for row in rows:
            assert set(row) == FIELDS
            assert row["label"] in LABELS and row["split"] == split
            assert row["text"].strip() == row["text"] and row["text"]


def test_loads_through_the_package_loader():
    data = load_labeled(DATA / "train.jsonl", group_column="group")
    assert set(data.labels) == set(LABELS) and not data.dropped


def test_no_group_and_no_id_crosses_splits(corpus):
    seen_groups, seen_ids = {}, {}
    for split, rows in corpus.items():
        for row in rows:
            assert seen_groups.setdefault(row["group"], split) == split, row["group"]
            assert seen_ids.setdefault(row["id"], split) == split, row["text"]


def test_no_near_duplicates_across_splits(corpus):
    for i, left in enumerate(SPLITS):
        for right in SPLITS[i + 1 :]:
            pairs = near_duplicates([r["text"] for r in corpus[left]],
                                    [r["text"] for r in corpus[right]], threshold=0.8)
            examples = [(corpus[left][p.left]["text"], corpus[right][p.right]["text"])
                        for p in pairs[:3]]
            assert not pairs, f"{left}/{right}: {len(pairs)} near-duplicates, e.g. {examples}"


def test_near_duplicates_within_splits_under_one_percent(corpus):
    for split, rows in corpus.items():
        pairs = near_duplicates([r["text"] for r in rows], threshold=0.8)
        assert len(pairs) < 0.01 * len(rows), split


def test_articles_are_whole_and_ordered(corpus):
    for rows in corpus.values():
        positions = {}
        for row in rows:
            if row["article_id"]:
                positions.setdefault(row["article_id"], []).append(row["position"])
        for article, found in positions.items():
            assert sorted(found) == list(range(len(found))), article


def test_shift_split_is_its_own_writer(corpus):
    shift_writers = {r["writer"] for r in corpus["shift"]}
    other_writers = {r["writer"] for s in ("train", "dev", "test") for r in corpus[s]}
    assert shift_writers.isdisjoint(other_writers)
    assert all(r["article_id"] for r in corpus["shift"])
    assert len(corpus["shift"]) >= 300


def test_every_label_in_every_split(corpus):
    for split, rows in corpus.items():
        counts = Counter(r["label"] for r in rows)
        assert set(counts) == set(LABELS), split


def test_size_balance_topics_and_hard_cases(corpus):
    rows = [r for split in SPLITS for r in corpus[split]]
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= 10_000
    assert min(labels.values()) >= 2_000
    topics = Counter(r["topic"] for r in rows)
    assert len(topics) >= 12 and max(topics.values()) <= 0.15 * len(rows)
    for label in LABELS:
        hard = sum(1 for r in rows if r["label"] == label and r["hard_case"])
        assert hard >= 0.20 * labels[label], label
    articles = {r["article_id"] for r in rows if r["article_id"]}
    assert len(articles) >= 100
    assert sum(1 for r in rows if r["article_id"]) >= 1_500


def test_data_card_matches_the_files(corpus):
    card = (DATA / "README.md").read_text(encoding="utf-8")
    total = sum(len(rows) for rows in corpus.values())
    assert f"{total:,} English news sentences" in card
    for split in SPLITS:
        assert str(len(corpus[split])) in card
