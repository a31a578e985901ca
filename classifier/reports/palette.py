"""Label colours for HTML and plots, matching the terminal's (``report.COLOURS``)."""

from __future__ import annotations

# label: (strong colour for bars and text, light colour for highlighted sentences)
LABEL_COLOURS: dict[str, tuple[str, str]] = {
    "factual_report": ("#2e8b57", "#d8f0e1"),
    "official_claim": ("#2f67c9", "#dce7fb"),
    "speculation": ("#a8449f", "#f5def2"),
    "analysis": ("#c08a00", "#fbefc6"),
}
_OTHERS = [("#6b7280", "#e5e7eb"), ("#0e7c86", "#d3eef0"), ("#b4541a", "#f8e1d3"),
           ("#5b4db5", "#e4e0f7")]
EMOJI = {"factual_report": "🟩", "official_claim": "🟦", "speculation": "🟪", "analysis": "🟨"}


def label_colours(labels) -> dict[str, tuple[str, str]]:
    """(strong, light) colour of each label; labels outside the guide cycle through greys
    and other tones.

    >>> label_colours(["official_claim", "other"])["official_claim"][0]
    '#2f67c9'
    """
    out, k = {}, 0
    for label in labels:
        if label in LABEL_COLOURS:
            out[label] = LABEL_COLOURS[label]
        else:
            out[label] = _OTHERS[k % len(_OTHERS)]
            k += 1
    return out
