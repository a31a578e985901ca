from pathlib import Path

from classifier.labels import DESCRIPTIONS, EXAMPLES, LABELS, describe

GUIDE = Path(__file__).resolve().parents[2] / "shared" / "LABELS.md"


def test_four_labels_described_with_examples():
    assert set(LABELS) == set(DESCRIPTIONS) == set(EXAMPLES)
    assert describe("speculation").startswith("uncertain")
    assert describe("other") == ""


def test_labels_mirror_the_guide():
    if GUIDE.exists():  # the guide sits beside the repository in CI and here
        text = GUIDE.read_text(encoding="utf-8")
        for label in LABELS:
            assert f"`{label}`" in text
