"""Agreement between the corpus labels and blind re-labels (Cohen's kappa, confusion).

Reads every data/relabel/labels_*.jsonl (ids and labels from an annotator who did not
see the corpus labels), joins them with the corpus by id, and writes
data/relabel/agreement.json and data/relabel/disagreements.jsonl for review.
"""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, confusion_matrix

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
LABELS = ["factual_report", "official_claim", "speculation", "analysis"]


def main() -> None:
    corpus = {}
    for split in ("train", "dev", "test", "shift"):
        for line in (DATA / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            corpus[row["id"]] = row
    pairs, missing = [], 0
    for path in sorted((DATA / "relabel").glob("labels_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["id"] in corpus:
                pairs.append((corpus[row["id"]], row["label"], path.stem))
            else:
                missing += 1
    gold = [c["label"] for c, _, _ in pairs]
    blind = [label for _, label, _ in pairs]
    agreement = {
        "n": len(pairs),
        "share": len(pairs) / len(corpus),
        "agreement": sum(a == b for a, b in zip(gold, blind)) / len(pairs),
        "kappa": cohen_kappa_score(gold, blind, labels=LABELS),
        "labels": LABELS,
        "confusion": confusion_matrix(gold, blind, labels=LABELS).tolist(),
        "not_in_corpus": missing,
        "annotators": sorted({a for _, _, a in pairs}),
    }
    notes = DATA / "relabel" / "notes.md"
    agreement["notes"] = notes.read_text(encoding="utf-8") if notes.exists() else ""
    (DATA / "relabel" / "agreement.json").write_text(json.dumps(agreement, indent=2) + "\n")
    with (DATA / "relabel" / "disagreements.jsonl").open("w", encoding="utf-8") as handle:
        for c, label, annotator in pairs:
            if c["label"] != label:
                handle.write(json.dumps({"id": c["id"], "text": c["text"], "corpus": c["label"],
                                         "blind": label, "annotator": annotator,
                                         "writer": c["writer"]}, ensure_ascii=False) + "\n")
    print(f"n={agreement['n']} agreement={agreement['agreement']:.3f} "
          f"kappa={agreement['kappa']:.3f} missing={missing}")


if __name__ == "__main__":
    main()
