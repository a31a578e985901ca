"""Build data/{train,dev,test,shift}.jsonl and the data card from the writers' batches.

Reads data/raw/<writer>/*.jsonl, cleans and de-duplicates the sentences, splits them
by group (article, or writer x topic x style for stand-alone sentences) so that no
group and no near-duplicate crosses splits, and writes data/README.md from the files.
Deterministic: the same raw files give the same splits.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.data.dedup import near_duplicates, normalize  # noqa: E402

RAW = ROOT / "data" / "raw"
OUT = ROOT / "data"
SHIFT_WRITERS = {"w08"}
LABELS = ("factual_report", "official_claim", "speculation", "analysis")
SPLIT_SHARES = (("test", 0.12), ("dev", 0.08))
_BULLET = re.compile(r"^\s*(?:[-*\u2022]+\s+)")
FIELDS = ("id", "text", "label", "topic", "style", "era", "hard_case", "article_id", "position",
          "writer", "group", "split")


def read_raw() -> list[dict]:
    rows = []
    for path in sorted(RAW.glob("*/*.jsonl")):
        writer = path.parent.name
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in LABELS:
                continue
            row["text"] = _BULLET.sub("", str(row["text"])).strip()
            row["id"] = hashlib.sha256(normalize(row["text"]).encode()).hexdigest()[:12]
            row["writer"] = writer
            row["hard_case"] = row.get("hard_case") or ""
            row["article_id"] = row.get("article_id") or None
            rows.append(row)
    return rows


def dedupe_exact(rows: list[dict]) -> tuple[list[dict], int]:
    seen, kept = set(), []
    for row in rows:
        key = normalize(row["text"])
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept, len(rows) - len(kept)


def assign_groups(rows: list[dict]) -> None:
    for row in rows:
        if row["article_id"]:
            row["group"] = row["article_id"]
        else:
            row["group"] = f"{row['writer']}-{row['topic']}-{row['style']}"


def _bucket(group: str) -> float:
    digest = hashlib.sha256(group.encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF


def assign_splits(rows: list[dict]) -> None:
    """Shift writers go to `shift`; other groups to test/dev/train by a stable hash."""
    for row in rows:
        if row["writer"] in SHIFT_WRITERS:
            row["split"] = "shift"
            continue
        u, row["split"] = _bucket(row["group"]), "train"
        edge = 0.0
        for name, share in SPLIT_SHARES:
            if edge <= u < edge + share:
                row["split"] = name
            edge += share


def drop_cross_split_duplicates(rows: list[dict]) -> int:
    """Drop the held-out side of every near-duplicate pair that crosses splits."""
    order = ["train", "dev", "test", "shift"]
    dropped = set()
    for i, name in enumerate(order):
        for other in order[i + 1 :]:
            a = [k for k, r in enumerate(rows) if r["split"] == name and k not in dropped]
            b = [k for k, r in enumerate(rows) if r["split"] == other and k not in dropped]
            if not a or not b:
                continue
            pairs = near_duplicates([rows[k]["text"] for k in a], [rows[k]["text"] for k in b])
            dropped.update(b[p.right] for p in pairs)
    for k in sorted(dropped, reverse=True):
        del rows[k]
    return len(dropped)


def renumber_articles(rows: list[dict]) -> None:
    """Keep article positions contiguous after de-duplication."""
    by_article = defaultdict(list)
    for row in rows:
        if row["article_id"]:
            by_article[row["article_id"]].append(row)
    for article in by_article.values():
        article.sort(key=lambda r: r["position"])
        for i, row in enumerate(article):
            row["position"] = i


def write_splits(rows: list[dict]) -> None:
    for split in ("train", "dev", "test", "shift"):
        with (OUT / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                if row["split"] == split:
                    handle.write(json.dumps({k: row.get(k) for k in FIELDS},
                                            ensure_ascii=False) + "\n")


def main() -> None:
    rows = read_raw()
    read = len(rows)
    rows, exact = dedupe_exact(rows)
    assign_groups(rows)
    assign_splits(rows)
    near = drop_cross_split_duplicates(rows)
    renumber_articles(rows)
    write_splits(rows)
    stats = {"read": read, "exact_duplicates_dropped": exact,
             "cross_split_near_duplicates_dropped": near}
    within = {}
    for split in ("train", "dev", "test", "shift"):
        texts = [r["text"] for r in rows if r["split"] == split]
        within[split] = len(near_duplicates(texts))
    stats["near_duplicate_pairs_within_split"] = within
    (OUT / "build_stats.json").write_text(json.dumps(stats, indent=2) + "\n")
    print(json.dumps(stats))
    subprocess.run([sys.executable, str(ROOT / "scripts" / "data_card.py")], check=True)


if __name__ == "__main__":
    main()
