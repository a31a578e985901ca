"""Ablation: which feature blocks help on the dev and shift splits.

Trains each variant on data/train.jsonl, scores it on data/dev.jsonl and
data/shift.jsonl (never trained or tuned on), and writes benchmarks/ablation.md.

    python benchmarks/ablation.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier import evaluate, load_labeled, train  # noqa: E402
from classifier.tfidf.pipeline import PipelineConfig, load_config  # noqa: E402

VARIANTS: dict[str, dict] = {
    "shipped config": {},
    "previous config (lowercase, C=4, cue_weight 1, boost 2)": {
        "lowercase": True, "C": 4.0, "cue_weight": 1.0, "class_boost": (("official_claim", 2.0),),
    },
    "- cues": {"cues": False},
    "- official_claim boost": {"class_boost": ()},
    "official_claim boost 2": {"class_boost": (("official_claim", 2.0),)},
    "official_claim boost 3": {"class_boost": (("official_claim", 3.0),)},
    "- char n-grams": {"char_ngram_range": None},
    "- char, - cues (words only)": {"char_ngram_range": None, "cues": False},
    "lowercase n-grams": {"lowercase": True},
    "C=4": {"C": 4.0},
    "C=16": {"C": 16.0},
    "cue_weight 0.5": {"cue_weight": 0.5},
    "cue_weight 1": {"cue_weight": 1.0},
    "no class weights": {"class_weight": None},
    "word 1-3": {"word_ngram_range": (1, 3)},
    "char 2-5": {"char_ngram_range": (2, 5)},
    "min_df 2": {"min_df": 2},
    "sublinear tf": {"sublinear_tf": True},
    "calibrated": {"calibrate": True},
    "cascade (C_first=1)": {"estimator": "cascade", "C_first": 1.0},
    "cascade (C_first=4)": {"estimator": "cascade", "C_first": 4.0},
    "cascade, - char n-grams": {"estimator": "cascade", "char_ngram_range": None},
}


def main() -> None:
    data = ROOT / "data"
    train_data = load_labeled(data / "train.jsonl", group_column="group")
    splits = {name: load_labeled(data / f"{name}.jsonl") for name in ("dev", "shift")}
    base = load_config(ROOT / "models" / "config.json")
    lines = [
        f"Trained on train ({len(train_data)} sentences); scored on dev "
        f"({len(splits['dev'])}) and shift ({len(splits['shift'])}).",
        "",
        "| variant | dev macro-F1 | shift macro-F1 | dev official recall | "
        "shift official recall | train s |",
        "|---|---|---|---|---|---|",
    ]
    for name, changes in VARIANTS.items():
        config = base.with_params(**changes) if changes else base
        start = time.perf_counter()
        model = train(train_data, config, cv=0)
        seconds = time.perf_counter() - start
        dev, shift = (evaluate(model, splits[s]) for s in ("dev", "shift"))
        lines.append(
            f"| {name} | {dev.macro_f1:.3f} | {shift.macro_f1:.3f} | "
            f"{dev.recall('official_claim'):.3f} | {shift.recall('official_claim'):.3f} | "
            f"{seconds:.1f} |"
        )
        print(lines[-1], flush=True)
    (ROOT / "benchmarks" / "ablation.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    PipelineConfig()  # fail early on an invalid default
    main()
