"""Label colours, defined once: for the terminal (rich colour names), HTML and plots."""

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
#: rich colour names for the terminal, matching the strong colours above
TERMINAL_COLOURS = {
    "factual_report": "green",
    "official_claim": "blue",
    "speculation": "magenta",
    "analysis": "yellow",
}
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


def colour(label: str | None) -> str:
    """The terminal colour of ``label`` (rich markup); white for none or an unknown one.

    >>> colour("analysis"), colour(None)
    ('yellow', 'white')
    """
    return TERMINAL_COLOURS.get(label or "", "white")
