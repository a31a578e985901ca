"""The four labels of ``shared/LABELS.md``, in the guide's decision order."""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    "official_claim",
    "speculation",
    "analysis",
    "factual_report",
)

DESCRIPTIONS: dict[str, str] = {
    "official_claim": "attributed to an official source: government, police, military, "
    "a company, a named organisation or its spokesperson",
    "speculation": "uncertain, about the future or the possible: predictions, "
    "hypotheticals, fears, open questions",
    "analysis": "interprets: explains why, says what something means, judges "
    "significance, characterises a trend",
    "factual_report": "events, actions, numbers, dates and places in the writer's "
    "own voice",
}

EXAMPLES: dict[str, str] = {
    "official_claim": "Authorities in Moscow reported that the attacks included six "
    "U.S.-made ATACMS ballistic missiles.",
    "speculation": "The recent escalation may provoke a stronger retaliatory response "
    "from Russia.",
    "analysis": "The Ukrainian military's use of Western weaponry reflects ongoing "
    "support from its allies.",
    "factual_report": "Ukraine executed drone and missile strikes on January 14, "
    "targeting Russian industrial sites.",
}


def describe(label: str) -> str:
    """One-line description of ``label``; empty for labels outside the guide.

    Parameters
    ----------
    label : str
        A label.

    Returns
    -------
    str
        Its description.
    """
    return DESCRIPTIONS.get(label, "")
