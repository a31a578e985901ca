"""Turn raw annotation files (with span strings) into reference files (offsets only).

Annotators write JSONL rows keyed by article id and sentence index, and for the
source-attribution batches the exact source and cue strings. Those strings are text of
the real-news source, so they never enter git: this script turns each into character
offsets in the normalised article, checked against the source, and writes
``data/real/annotations/<name>.jsonl``.

    python scripts/import_real_annotations.py /tmp/rn/labels/E1_A.jsonl [...]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from classifier.data.real_news import REFERENCES, fetch_news_articles
from classifier.text.sentences import split_sentences

FIELDS = ("label", "difficulty", "note", "open_case", "kind", "reason")


def _span(haystack: str, needle: str, start: int, end: int, last: bool = False) -> list[int]:
    """Offsets of ``needle`` inside ``haystack[start:end]`` (first, or last if ``last``),
    as a whole word where it occurs as one ("he" is not the end of "the")."""
    whole = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)",
                                            haystack[start:end])]
    if whole:
        at = start + (whole[-1] if last else whole[0])
        return [at, at + len(needle)]
    find = haystack.rfind if last else haystack.find
    at = find(needle, start, end)
    if at < 0:
        raise ValueError(f"span {needle!r} not found")
    return [at, at + len(needle)]


def convert(row: dict, articles: dict, sentences: dict) -> dict:
    """One raw annotation row as a reference row (no text, offsets instead)."""
    article_id = str(row["article"])
    if article_id not in sentences:
        sentences[article_id] = split_sentences(articles[article_id].text)
    sentence = sentences[article_id][row["index"]]
    text = articles[article_id].text
    out = {"article": article_id, "index": row["index"]}
    out.update({k: row[k] for k in FIELDS if row.get(k)})
    if row.get("source"):
        out["source"] = _span(text, row["source"], sentence.start, sentence.end)
        if row.get("cue"):
            out["cue"] = _span(text, row["cue"], sentence.start, sentence.end)
    if row.get("resolved"):
        try:  # the speaker named earlier in the article, nearest first
            out["resolved"] = _span(text, row["resolved"], 0, sentence.start, last=True)
        except ValueError:
            out["resolved_missing"] = True
    return out


def main(paths: list[str]) -> None:
    articles = fetch_news_articles()
    sentences: dict = {}
    folder = REFERENCES / "annotations"
    folder.mkdir(parents=True, exist_ok=True)
    for path in map(Path, paths):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        converted = [convert(row, articles, sentences) for row in rows]
        converted.sort(key=lambda r: (r["article"], r["index"]))
        target = folder / path.name
        target.write_text("".join(json.dumps(r) + "\n" for r in converted), encoding="utf-8")
        print(f"{target}: {len(converted)} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
