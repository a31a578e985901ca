import sys

import pytest

from classifier.diagnostics import reliability_bins
from classifier.errors import MissingExtraError
from classifier.evaluation import ClassMetrics
from classifier.reports.palette import label_colours
from classifier.reports.plots import (
    confusion_png,
    per_class_png,
    reliability_png,
    require_matplotlib,
)

PNG = b"\x89PNG\r\n\x1a\n"
LABELS = ["analysis", "factual_report", "official_claim", "speculation"]


def size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_figures_are_pngs_and_deterministic():
    confusion = [[5, 1, 0, 0], [0, 6, 0, 1], [1, 0, 4, 0], [0, 0, 2, 7]]
    bins = reliability_bins([0.9, 0.8, 0.4, 0.95], [True, False, True, True])
    per_class = [ClassMetrics(label, 0.8, 0.7, 0.75, 10) for label in LABELS]
    figures = [
        confusion_png(LABELS, confusion),
        reliability_png(bins, 0.1),
        per_class_png(per_class, label_colours(LABELS)),
    ]
    for png in figures:
        assert png.startswith(PNG)
        width, height = size(png)
        assert 300 < width < 2000 and 200 < height < 2000
    assert confusion_png(LABELS, confusion) == figures[0]


def test_empty_confusion_rows_and_custom_labels():
    png = confusion_png(["yes", "no"], [[0, 0], [1, 3]])
    assert png.startswith(PNG)


def test_missing_matplotlib_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"classifier\[plot\]"):
        require_matplotlib()
