"""Score a saved model on real-dev and real-test and record the figures in its card.

Writes ``metrics.real`` (macro-F1 with a 90% bootstrap interval over articles,
accuracy, official_claim recall, Brier, ECE) into the model's ``metadata.json`` and
regenerates ``MODEL_CARD.md``. Needs ``classifier data fetch``.

    python scripts/record_real_metrics.py models/default [--note "..."]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from classifier.data import load_labeled
from classifier.evaluation import bootstrap_macro_f1, evaluate
from classifier.metadata import ModelMetadata
from classifier.model_card import write_model_card
from classifier.persistence import load_model, replace_metadata


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    model = load_model(args.model)
    real = {}
    for split in ("real-dev", "real-test"):
        data = load_labeled([split])
        report = evaluate(model, data)
        proba = model.predict_proba(data.texts, data.contexts)
        predicted = [model.labels[i] for i in proba.argmax(axis=1)]
        low, high = bootstrap_macro_f1(data.labels, predicted, data.groups, model.labels)
        real[split] = {"n": report.n, "macro_f1": round(report.macro_f1, 4),
                       "macro_f1_90": [round(low, 4), round(high, 4)],
                       "accuracy": round(report.accuracy, 4),
                       "official_claim_recall": round(report.recall("official_claim"), 4),
                       "brier": round(report.brier, 4), "ece": round(report.ece, 4)}
        print(split, json.dumps(real[split]))
    path = args.model / "metadata.json"
    metadata = json.loads(path.read_text(encoding="utf-8"))
    note = args.note or metadata.get("metrics", {}).get("real", {}).get("note")
    if note:  # a note given before is kept
        real["note"] = note
    metadata.setdefault("metrics", {})["real"] = real
    replace_metadata(args.model, ModelMetadata.from_dict(metadata))
    write_model_card(args.model, metadata)


if __name__ == "__main__":
    main()
