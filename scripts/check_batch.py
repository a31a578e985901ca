"""Validate a writer's raw corpus batch (stdlib only, so writers can run it anywhere).

Usage: python3 scripts/check_batch.py data/raw/w01/*.jsonl
"""

from __future__ import annotations

import collections
import json
import sys

LABELS = {"factual_report", "official_claim", "speculation", "analysis"}
FIELDS = {"text", "label", "topic", "style", "era", "hard_case", "article_id", "position"}


def check(paths: list[str]) -> int:
    errors = 0
    labels: collections.Counter[str] = collections.Counter()
    hard: collections.Counter[str] = collections.Counter()
    topics: collections.Counter[str] = collections.Counter()
    seen: set[str] = set()
    articles: dict[str, list[int]] = collections.defaultdict(list)
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    print(f"{where}: bad JSON: {exc}")
                    errors += 1
                    continue
                missing = FIELDS - row.keys()
                if missing:
                    print(f"{where}: missing fields {sorted(missing)}")
                    errors += 1
                    continue
                if row["label"] not in LABELS:
                    print(f"{where}: unknown label {row['label']!r}")
                    errors += 1
                words = len(str(row["text"]).split())
                if not 3 <= words <= 80:
                    print(f"{where}: {words} words (keep 6-60; headlines may be short)")
                key = " ".join(str(row["text"]).lower().split())
                if key in seen:
                    print(f"{where}: exact duplicate sentence")
                    errors += 1
                seen.add(key)
                labels[row["label"]] += 1
                topics[row["topic"]] += 1
                if row["hard_case"]:
                    hard[row["label"]] += 1
                if row["article_id"]:
                    articles[row["article_id"]].append(row["position"])
    for art, positions in articles.items():
        if sorted(positions) != list(range(len(positions))):
            print(f"article {art}: positions must be 0..n-1, got {sorted(positions)}")
            errors += 1
    total = sum(labels.values())
    print(f"{total} sentences, {len(articles)} articles, {errors} errors")
    for label in sorted(LABELS):
        n = labels[label]
        print(f"  {label:15s} {n:5d}  hard cases {hard[label]:4d} ({hard[label] / max(n, 1):.0%})")
    print("  topics:", dict(topics))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1:]))
