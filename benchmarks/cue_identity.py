"""Check that the batch-wise cue features equal ``cue_vector`` on the real-news pool.

The pool (``classifier.data.real_news.load_real_pool``) is read from the fetched
source (``classifier data fetch``); nothing of its text is written anywhere. Prints
counts and timings only; exits 1 on any difference.

    python benchmarks/cue_identity.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    import numpy as np

    from classifier.data.real_news import load_real_pool
    from classifier.errors import DataError
    from classifier.text.cue_arrays import cue_matrix
    from classifier.text.cues import NAMES, cue_vector

    try:
        pool = load_real_pool()
    except DataError as exc:
        print(f"skipped: the real-news source is not fetched ({exc})")
        return 0
    texts = [p.text for p in pool]
    t0 = time.perf_counter()
    expected = np.array([cue_vector(t) for t in texts]).reshape(len(texts), len(NAMES))
    per_sentence = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = cue_matrix(texts)
    batch = time.perf_counter() - t0
    differ = np.flatnonzero((got != expected).any(axis=1))
    print(f"{len(texts)} pool sentences: {len(differ)} rows differ; cue_vector "
          f"{per_sentence:.2f} s, batch {batch:.2f} s ({per_sentence / batch:.1f}x)")
    for i in differ[:10]:  # row numbers and feature names only, never the text
        print(f"  row {i}: {[NAMES[j] for j in np.flatnonzero(got[i] != expected[i])]}")
    return 1 if differ.size else 0


if __name__ == "__main__":
    raise SystemExit(main())
