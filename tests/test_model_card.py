import json

from classifier.labels import DESCRIPTIONS
from classifier.model_card import CARD, model_card
from classifier.persistence import load_model, save_model

SECTIONS = ["## Model", "## Intended use", "## Labels", "## Training data", "## Metrics",
            "## Limits", "## How to load it"]


def test_saved_models_get_a_card_from_their_metadata(saved_model):
    card = (saved_model / CARD).read_text(encoding="utf-8")
    metadata = json.loads((saved_model / "metadata.json").read_text(encoding="utf-8"))
    assert card == model_card(metadata)
    assert card.startswith(f"# Model card: {saved_model.name}")
    for heading in SECTIONS:
        assert f"\n{heading}\n" in card
    for label in metadata["labels"]:
        assert f"`{label}` | {DESCRIPTIONS[label]}" in card
    assert f"rows: {metadata['data']['rows']}" in card
    assert metadata["data"]["fingerprint"] in card
    assert "Domain shift" in card and f"Trained on `{metadata['data']['source']}`" in card
    assert f'load_model("path/to/{saved_model.name}")' in card


def test_card_is_not_checksummed_and_editing_it_does_not_block_loading(tiny_model, tmp_path):
    folder = save_model(tiny_model, tmp_path / "m")
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert CARD not in metadata["files"]
    (folder / CARD).write_text("edited by hand\n", encoding="utf-8")
    assert load_model(folder).labels == tiny_model.labels
    save_model(load_model(folder), folder, force=True)  # rewritten on every save
    assert (folder / CARD).read_text(encoding="utf-8").startswith("# Model card: m")


def test_metrics_and_calibration_are_reported():
    metadata = {
        "name": "x", "labels": ["official_claim", "speculation"],
        "data": {"source": "mine.csv", "rows": 10, "label_counts": {"speculation": 6,
                                                                      "official_claim": 4}},
        "metrics": {
            "cv": {"folds": [0.8, 0.9], "mean": 0.85, "std": 0.05, "grouped": True},
            "test": {"source": "test.csv", "n": 20, "macro_f1": 0.75, "accuracy": 0.8,
                     "brier": 0.31, "ece": 0.042,
                     "per_class": [{"label": "speculation", "precision": 0.7, "recall": 0.9,
                                    "f1": 0.79, "support": 12}]},
        },
    }
    card = model_card(metadata)
    assert "grouped (no article in two folds) 2-fold cross-validated macro-F1: 0.850 ± 0.050" \
        in card
    assert "macro-F1 0.750, accuracy 0.800" in card
    assert "| `speculation` | 0.700 | 0.900 | 0.790 | 12 |" in card
    assert "expected calibration error (10 bins): 0.042" in card and "Brier score: 0.310" in card
    assert "`speculation` 6 (60%)" in card
    assert "Trained on `mine.csv`" in card  # not the project's corpus


def test_card_tolerates_sparse_metadata_and_custom_labels():
    card = model_card({"labels": ["rumour", "fact"], "backend": "transformer"})
    assert "custom label" in card and "No metrics were recorded" in card
    assert "fine-tuned" in card and "Not recorded." in card


def test_the_project_corpus_is_named_as_such():
    card = model_card({"data": {"source": "data/train.jsonl, data/dev.jsonl", "rows": 5}})
    assert "Trained on news prose written for this project" in card
