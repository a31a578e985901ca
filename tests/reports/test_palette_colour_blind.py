"""Label colours that stay apart for colour-blind readers, and colours, symbols and
patterns for any label set (issue 18, items 9 and 15)."""

from __future__ import annotations

import itertools

import pytest

from classifier.reports.palette import (
    LABEL_COLOURS,
    label_colours,
    label_patterns,
    label_symbols,
    terminal_colours,
)

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
MACHADO = {
    "normal": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def _linear(h: str) -> list[float]:
    out = []
    for i in (1, 3, 5):
        c = int(h[i:i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return out


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = (min(max(x, 0.0), 1.0) for x in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen(colour: str, vision: str) -> tuple[float, float, float]:
    m, rgb = MACHADO[vision], _linear(colour)
    return _lab([sum(m[i][j] * rgb[j] for j in range(3)) for i in range(3)])


def distance(a: str, b: str, vision: str) -> float:
    return sum((x - y) ** 2 for x, y in zip(seen(a, vision), seen(b, vision))) ** 0.5


def test_simulation_sees_red_and_green_alike_under_deuteranopia():
    # the check below means something: a red/green pair collapses for deuteranopes
    assert distance("#d62728", "#2ca02c", "normal") > 70
    assert distance("#d62728", "#2ca02c", "deuteranopia") < 25


@pytest.mark.parametrize("vision", list(MACHADO))
def test_official_claim_and_factual_report_stay_far_apart(vision):
    claim, report = LABEL_COLOURS["official_claim"], LABEL_COLOURS["factual_report"]
    assert distance(claim[0], report[0], vision) > 75
    assert distance(claim[1], report[1], vision) > 40


@pytest.mark.parametrize("vision", list(MACHADO))
def test_every_pair_of_highlights_stays_apart(vision):
    for (a, ca), (b, cb) in itertools.combinations(LABEL_COLOURS.items(), 2):
        assert distance(ca[1], cb[1], vision) >= 10, (a, b, vision)


def test_patterns_tell_the_guide_labels_apart_without_colour():
    assert len(set(label_patterns(LABEL_COLOURS).values())) == 4


def test_custom_labels_get_their_own_colours_symbols_and_patterns():
    labels = ["sport", "weather", "money", "health", "crime"]
    for derived in (label_colours(labels), label_symbols(labels), terminal_colours(labels)):
        assert list(derived) == labels
        assert len(set(derived.values())) == len(labels)
    assert "⬜" not in label_symbols(labels).values()
    assert set(label_patterns(labels)) == set(labels)
    # the same labels in the same order always get the same colours
    assert label_colours(labels) == label_colours(list(labels))
