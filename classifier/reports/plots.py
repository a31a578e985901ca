"""The evaluation report's figures as PNG bytes (matplotlib, the ``plot`` extra).

Figures are drawn on ``matplotlib.figure.Figure`` objects directly, never through
``pyplot``, so nothing global (backend, open figures) changes and no display is
needed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from classifier.errors import MissingExtraError, install_hint

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from classifier.diagnostics import ReliabilityBin
    from classifier.evaluation import ClassMetrics

INSTALL_HINT = install_hint("plot")
DPI = 110


def require_matplotlib() -> None:
    """Raise ``MissingExtraError`` (saying what to install) when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingExtraError(
            f"the evaluation report's plots need matplotlib, which is not installed: "
            f"{INSTALL_HINT}"
        ) from None


def _figure(width: float, height: float) -> Figure:
    require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No "Software" entry, so the same figures give the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def confusion_png(labels: list[str], confusion: list[list[int]]) -> bytes:
    """Heatmap of the confusion matrix: rows true, columns predicted.

    Colour is the share of the true label's sentences; text is the count and that
    share.

    Parameters
    ----------
    labels : list of str
        The labels, in matrix order.
    confusion : list of list of int
        Counts, rows true and columns predicted.

    Returns
    -------
    bytes
        A PNG.
    """
    import numpy as np

    counts = np.asarray(confusion, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    size = 1.6 + 0.95 * len(labels)
    figure = _figure(size + 0.8, size)
    axes = figure.add_subplot()
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted label")
    axes.set_ylabel("true label")
    axes.set_title("Confusion matrix (share of each true label)")
    for i in range(len(labels)):
        for j in range(len(labels)):
            axes.text(j, i, f"{int(counts[i, j])}\n{shares[i, j]:.0%}", ha="center",
                      va="center", fontsize=9,
                      color="white" if shares[i, j] > 0.55 else "#1f2937")
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04, format="{x:.0%}")
    return _png(figure)


def reliability_png(bins: Sequence[ReliabilityBin], ece: float) -> bytes:
    """Reliability diagram: accuracy against mean confidence per bin.

    The diagonal is perfect calibration; the number of sentences per bin is below.

    Parameters
    ----------
    bins : list of ReliabilityBin
        Equal-width confidence bins.
    ece : float
        The expected calibration error, in the title.

    Returns
    -------
    bytes
        A PNG.
    """
    figure = _figure(5.6, 5.4)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    filled = [b for b in bins if b.count]
    width = bins[0].upper - bins[0].lower if bins else 0.1
    top.plot([0, 1], [0, 1], linestyle="--", color="#9ca3af", label="perfect calibration")
    top.bar([b.lower + width / 2 for b in filled], [b.accuracy for b in filled],
            width=width * 0.92, color="#93c5fd", edgecolor="#2563eb", label="accuracy in bin")
    top.plot([b.confidence for b in filled], [b.accuracy for b in filled], marker="o",
             color="#1d4ed8", label="mean confidence vs accuracy")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_ylabel("accuracy")
    top.set_title(f"Reliability (expected calibration error {ece:.3f})")
    top.legend(loc="upper left", fontsize=8)
    bottom.bar([b.lower + width / 2 for b in bins], [b.count for b in bins],
               width=width * 0.92, color="#d1d5db", edgecolor="#6b7280")
    bottom.set_xlabel("confidence (probability of the predicted label)")
    bottom.set_ylabel("sentences")
    return _png(figure)


def per_class_png(per_class: Sequence[ClassMetrics], colours: dict[str, tuple[str, str]]) -> bytes:
    """Precision, recall and F1 of each label as grouped bars.

    Parameters
    ----------
    per_class : list of ClassMetrics
        One entry per label.
    colours : dict of str to (str, str)
        Label colours (``label_colours``).

    Returns
    -------
    bytes
        A PNG.
    """
    figure = _figure(7.0, 3.8)
    axes = figure.add_subplot()
    metrics = [("precision", 0.55), ("recall", 0.78), ("f1", 1.0)]
    step = 0.26
    for k, (name, alpha) in enumerate(metrics):
        xs = [i + (k - 1) * step for i in range(len(per_class))]
        values = [getattr(m, name) for m in per_class]
        bars = axes.bar(xs, values, width=step * 0.95, alpha=alpha, label=name,
                        color=[colours[m.label][0] for m in per_class], edgecolor="#374151",
                        linewidth=0.5)
        axes.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7, padding=2)
    axes.set_xticks(range(len(per_class)), [m.label for m in per_class])
    axes.set_ylim(0, 1.22)
    axes.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    axes.set_ylabel("score")
    axes.set_title("Per-class precision, recall and F1")
    legend = axes.legend(loc="upper center", fontsize=8, ncols=3, frameon=False)
    for handle in legend.legend_handles:
        handle.set_color("#6b7280")  # type: ignore[union-attr]  # bar handles: Rectangles
    return _png(figure)
