"""Fail if any file tracked by git holds a sentence of the real-news source.

The real-news set enters by reference only (ids, offsets, hashes, labels). This check
fetches the source (``classifier data fetch``) and looks for every source sentence of
8 or more words, verbatim (case and punctuation aside), in every tracked file.

    python scripts/check_real_text.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from classifier.data.real_news import fetch_news_articles, find_source_text

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    paths = [ROOT / p for p in listed if p and (ROOT / p).is_file()
             and (ROOT / p).stat().st_size < 50_000_000]
    leaks = find_source_text(paths, fetch_news_articles())
    for path, article, index in leaks[:20]:
        print(f"{path.relative_to(ROOT)}: holds sentence {index} of real-news article {article}")
    if leaks:
        print(f"error: {len(leaks)} source sentence(s) in tracked files; the real-news text "
              "must enter by reference only", file=sys.stderr)
        return 1
    print(f"ok: none of {len(paths)} tracked files holds a real-news source sentence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
