"""Draw a blind re-labeling sample: ids and texts only, no labels.

    python scripts/relabel_sample.py NAME WRITER [WRITER ...]

Writes data/relabel/sample_NAME.jsonl with a random 10% (fixed seed) of the named
writers' sentences from data/raw, in random order, without their labels.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.data.dedup import normalize  # noqa: E402


def main() -> None:
    name, writers = sys.argv[1], sys.argv[2:]
    rows = []
    for writer in writers:
        for path in sorted((ROOT / "data" / "raw" / writer).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    text = json.loads(line)["text"].lstrip("-•* ").strip()
                    rows.append({"id": hashlib.sha256(normalize(text).encode()).hexdigest()[:12],
                                 "text": text})
    rng = random.Random(f"relabel-{name}")
    sample = rng.sample(rows, max(1, round(len(rows) * 0.10)))
    out = ROOT / "data" / "relabel" / f"sample_{name}.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample))
    print(f"{len(sample)} of {len(rows)} sentences -> {out}")


if __name__ == "__main__":
    main()
