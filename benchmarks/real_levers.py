"""Ablation of the real-news levers for the fast (TF-IDF) model, chosen on real-dev.

Levers (issue 16): real labeled training data (real-train, with a weight), the accurate
model's pseudo-labels of the unlabeled real pool (hard or soft, a confidence floor, a
weight), and the class weighting. Each variant is trained on the team corpus
(train+dev) plus what it adds, and scored on real-dev (where choices are made),
real-test (reported, never chosen on) and the team's test split. Needs the fetched
source (``classifier data fetch``) and teacher probabilities for the pool
(``classifier.distillation.teacher_probabilities``, cached by ``--teacher``).

    python benchmarks/real_levers.py --teacher models/accurate
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifier.data import load_labeled  # noqa: E402
from classifier.evaluation import bootstrap_macro_f1, score  # noqa: E402
from classifier.tfidf.pipeline import load_config  # noqa: E402


def fit(texts, labels, weights, config):
    import numpy as np

    from classifier.tfidf.pipeline import build_pipeline

    pipeline = build_pipeline(config, 0)
    pipeline.fit(texts, labels, clf__sample_weight=np.asarray(weights, dtype=float))
    return pipeline


def scores(pipeline, splits) -> dict:
    out = {}
    labels = list(pipeline.classes_)
    for name, data in splits.items():
        proba = pipeline.predict_proba(data.texts)
        predicted = [labels[i] for i in proba.argmax(axis=1)]
        report = score(data.labels, predicted, proba, labels)
        row = {"macro_f1": round(report.macro_f1, 4),
               "official_recall": round(report.recall("official_claim"), 4)}
        if data.groups and name.startswith("real"):
            low, high = bootstrap_macro_f1(data.labels, predicted, data.groups, labels, n=300)
            row["interval"] = [round(low, 3), round(high, 3)]
        out[name] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teacher", type=Path, default=ROOT / "models" / "accurate")
    parser.add_argument("--cache", type=Path, default=None,
                        help="cached teacher probabilities [default: the real-news cache]")
    parser.add_argument("--only", nargs="*", help="variant names to run")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "real_levers.json")
    args = parser.parse_args()

    from classifier.distillation import pseudo_labeled, teacher_probabilities

    config = load_config(ROOT / "models" / "config.json")
    team = load_labeled([ROOT / "data" / "train.jsonl", ROOT / "data" / "dev.jsonl"],
                        group_column="group")
    real = load_labeled(["real-train"])
    splits = {"real-dev": load_labeled(["real-dev"]), "real-test": load_labeled(["real-test"]),
              "test": load_labeled(ROOT / "data" / "test.jsonl")}
    pool = teacher_probabilities(args.teacher, cache=args.cache)
    articles = sorted(set(real.groups), key=lambda g: int(g.split(":")[1]))

    def real_subset(n_sentences):
        keep, total = set(), 0
        for group in articles:
            if total >= n_sentences:
                break
            keep.add(group)
            total += real.groups.count(group)
        idx = [i for i, g in enumerate(real.groups) if g in keep]
        return [real.texts[i] for i in idx], [real.labels[i] for i in idx]

    def variant(real_n=0, real_w=1.0, pseudo=None, cfg=config):
        texts, labels, weights = list(team.texts), list(team.labels), [1.0] * len(team)
        if real_n:
            t, y = real_subset(real_n)
            texts += t
            labels += y
            weights += [real_w] * len(t)
        if pseudo:
            t, y, w = pseudo_labeled(pool, **pseudo)
            texts += t
            labels += y
            weights += w
        return texts, labels, weights, cfg

    big = len(real)
    variants = {
        "team only (today's shipped config)": variant(),
        "+ real-train 1k": variant(1000),
        "+ real-train 2k": variant(2000),
        f"+ real-train all ({big})": variant(big),
        "+ real-train all, weight 3": variant(big, 3.0),
        "+ pseudo hard, weight 0.5": variant(pseudo={"weight": 0.5}),
        "+ pseudo hard, weight 1": variant(pseudo={"weight": 1.0}),
        "+ pseudo hard, floor 0.8": variant(pseudo={"weight": 1.0, "floor": 0.8}),
        "+ pseudo soft, weight 1": variant(pseudo={"weight": 1.0, "soft": True}),
        "+ real-train weight 3 + pseudo hard 0.5": variant(big, 3.0, {"weight": 0.5}),
        "+ real-train weight 3 + pseudo soft 1": variant(big, 3.0, {"weight": 1.0, "soft": True}),
    }
    variants["+ real-train + pseudo hard 0.5, floor 0.8"] = variant(
        big, 1.0, {"weight": 0.5, "floor": 0.8})
    variants["+ real-train + pseudo hard 1, floor 0.8"] = variant(
        big, 1.0, {"weight": 1.0, "floor": 0.8})
    variants["+ real-train + pseudo soft 1"] = variant(big, 1.0, {"weight": 1.0, "soft": True})
    sweep = {"C": [1.0, 2.0, 4.0], "cue_weight": [0.5, 1.0]}
    for name, values in sweep.items():
        for value in values:
            cfg = config.with_params(**{name: value})
            variants[f"+ real-train, {name}={value:g}"] = variant(big, 1.0, None, cfg)
    variants["+ real-train, class_weight=None, no boost"] = variant(
        big, 1.0, None, config.with_params(class_weight=None, class_boost=()))
    variants["+ real-train, no character n-grams"] = variant(
        big, 1.0, None, config.with_params(char_ngram_range=None))
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    for name, (texts, labels, weights, cfg) in variants.items():
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        pipeline = fit(texts, labels, weights, cfg)
        results[name] = {"rows": len(texts), **scores(pipeline, splits),
                         "seconds": round(time.perf_counter() - t0, 1)}
        print(name, json.dumps(results[name]), flush=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
