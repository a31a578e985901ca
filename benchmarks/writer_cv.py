"""Leave-one-writer-out cross-validation: how the pipeline does on a writer it never saw.

The `shift` split is one unseen writer (565 sentences), so a difference of 0.01 on it
is noise. This script pools a larger, many-writer estimate: for each of the writers of
train+dev, train on the others and predict that writer's sentences; report the pooled
macro-F1, the mean and worst writer, and official_claim recall. Writes
benchmarks/writer_cv.md.

    python benchmarks/writer_cv.py                      # the variants below
    python benchmarks/writer_cv.py --lexicon OLD.json   # the same with another cue lexicon,
        # e.g. git show <commit>:classifier/lexicons/cues.json > OLD.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ablation import VARIANTS as ABLATION  # noqa: E402

from classifier.tfidf.pipeline import build_pipeline, load_config  # noqa: E402

VARIANTS: dict[str, dict] = {name: ABLATION[name] for name in (
    "shipped config", "previous config (lowercase, C=4, cue_weight 1, boost 2)",
    "lowercase n-grams", "official_claim boost 3", "- cues",
)}


def use_lexicon(path: Path) -> None:
    """Make the cue features read ``path`` instead of the packaged lexicon."""
    import classifier.text.cues as cues

    probe = ["Police said two men were arrested.", "Prices may rise, analysts said."]
    before = cues.cue_matrix(probe)
    lex = {k: frozenset(v) for k, v in json.loads(path.read_text("utf-8")).items()}
    cues.lexicons = lambda: lex
    if before.shape != cues.cue_matrix(probe).shape:
        raise SystemExit("the cue lexicon override changed the feature layout")


def main() -> None:
    import numpy as np
    from sklearn.metrics import f1_score, recall_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicon", type=Path, help="a cues.json to use, not the packaged one")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "writer_cv.md")
    args = parser.parse_args()
    if args.lexicon:
        use_lexicon(args.lexicon)
    rows = [json.loads(line) for split in ("train", "dev")
            for line in (ROOT / "data" / f"{split}.jsonl").read_text("utf-8").splitlines() if line]
    texts = np.array([r["text"] for r in rows], dtype=object)
    labels = np.array([r["label"] for r in rows], dtype=object)
    writers = np.array([r["writer"] for r in rows])
    names = sorted(set(writers))
    base = load_config(ROOT / "models" / "config.json")
    lexicon = args.lexicon.name if args.lexicon else "classifier/lexicons/cues.json"
    lines = [
        f"Leave-one-writer-out over train+dev ({len(rows)} sentences, {len(names)} writers: "
        f"{', '.join(names)}); cue lexicon {lexicon}. Each writer is predicted by a model "
        "trained on the other writers only.",
        "",
        "| variant | pooled macro-F1 | mean writer | worst writer | official recall | s |",
        "|---|---|---|---|---|---|",
    ]
    for name, changes in VARIANTS.items():
        config = base.with_params(**changes) if changes else base
        start = time.perf_counter()
        predicted = np.empty(len(labels), dtype=object)
        per_writer = []
        for writer in names:
            held = writers == writer
            model = build_pipeline(config, 0).fit(texts[~held], labels[~held])
            predicted[held] = model.predict(texts[held])
            per_writer.append(f1_score(labels[held], predicted[held], average="macro"))
        recall = recall_score(labels, predicted, labels=["official_claim"], average=None)[0]
        lines.append(
            f"| {name} | {f1_score(labels, predicted, average='macro'):.3f} | "
            f"{np.mean(per_writer):.3f} | {min(per_writer):.3f} | {recall:.3f} | "
            f"{time.perf_counter() - start:.0f} |"
        )
        print(lines[-1], flush=True)
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
