"""Label colours, symbols and patterns, defined once.

For the terminal (rich colour names), HTML, Markdown and plots.

The guide's four labels take colours of the Okabe-Ito palette, chosen to stay apart
for readers with any common colour-vision deficiency: ``official_claim`` blue and
``factual_report`` orange (the pair most often confused by meaning) differ in hue for
every type of colour blindness and in lightness, so they also differ in grey. Each
label also has an underline pattern and a symbol, so colour is never the only cue.
Labels outside the guide (a model trained on your own labels) get colours, patterns
and symbols in turn from further lists, the same for the same label order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

_V = TypeVar("_V")

# label: (strong colour for bars, underlines and text; light colour for highlighting).
# The light tints were chosen so that every pair stays at least 10 CIELAB units apart
# for normal vision and simulated protanopia, deuteranopia and tritanopia (Machado et
# al. 2009); the strong blue/orange pair stays more than 75 apart
# (tests/reports/test_palette_colour_blind.py).
LABEL_COLOURS: dict[str, tuple[str, str]] = {
    "official_claim": ("#0072b2", "#8abedc"),  # Okabe-Ito blue
    "factual_report": ("#b86e00", "#dab47a"),  # Okabe-Ito orange, darkened for text
    "speculation": ("#b2478a", "#f0dce9"),  # Okabe-Ito reddish purple, darkened
    "analysis": ("#00785a", "#a8d1c7"),  # Okabe-Ito bluish green, darkened
}
#: for labels outside the guide, in turn: distinct hues and lightness (Tol's muted set)
_OTHERS = [("#332288", "#dcd8f2"), ("#117733", "#d2ecd9"), ("#882255", "#f1d6e3"),
           ("#44aa99", "#d4efea"), ("#999933", "#efefd0"), ("#aa4499", "#f2d9ee"),
           ("#6b7280", "#e5e7eb"), ("#cc6677", "#f6dde1")]
#: rich colour names for the terminal, matching the strong colours above
TERMINAL_COLOURS = {
    "official_claim": "blue",
    "factual_report": "dark_orange",
    "speculation": "magenta",
    "analysis": "green",
}
_OTHER_TERMINAL = ["slate_blue1", "green4", "deep_pink4", "cyan", "yellow4", "orchid",
                   "grey50", "indian_red"]
EMOJI = {"official_claim": "🟦", "factual_report": "🟧", "speculation": "🟪", "analysis": "🟩"}
_OTHER_EMOJI = ["🔷", "🟢", "🔶", "🟣", "🔴", "🟡", "🟤", "⚫", "🔵", "🟠"]
#: CSS text-decoration styles: a second cue beside colour (and in grey print)
PATTERNS = {"official_claim": "solid", "factual_report": "double", "speculation": "dotted",
            "analysis": "dashed"}
_OTHER_PATTERNS = ["solid", "double", "dotted", "dashed", "wavy"]


def _others(labels: Collection[str]) -> dict[str, int]:
    """Each label outside the guide and its turn (0, 1, ...), in ``labels`` order."""
    out: dict[str, int] = {}
    for label in labels:
        if label not in LABEL_COLOURS and label not in out:
            out[label] = len(out)
    return out


def _in_turn(labels: Collection[str], own: Mapping[str, _V], others: Sequence[_V]) -> dict[str, _V]:
    """Each label's value in ``own`` (the guide's labels), else the next of ``others``."""
    turn = _others(labels)
    return {label: own.get(label) or others[turn[label] % len(others)] for label in labels}


def label_colours(labels: Collection[str]) -> dict[str, tuple[str, str]]:
    """(strong, light) colour of each label: the guide's own, then distinct ones in turn.

    Parameters
    ----------
    labels : iterable of str
        The labels, in the model's order.

    Returns
    -------
    dict of str to (str, str)
        Hex colours by label.

    Examples
    --------
    >>> label_colours(["official_claim", "sport", "weather"])["official_claim"][0]
    '#0072b2'
    >>> len(set(label_colours(["a", "b", "c", "d", "e"]).values()))
    5
    """
    return _in_turn(labels, LABEL_COLOURS, _OTHERS)


def label_symbols(labels: Collection[str]) -> dict[str, str]:
    """A Markdown symbol per label: the guide's coloured squares, then other shapes.

    Parameters
    ----------
    labels : iterable of str
        The labels, in the model's order.

    Returns
    -------
    dict of str to str
        One emoji by label.

    Examples
    --------
    >>> label_symbols(["sport", "weather"])
    {'sport': '🔷', 'weather': '🟢'}
    """
    return _in_turn(labels, EMOJI, _OTHER_EMOJI)


def label_patterns(labels: Collection[str]) -> dict[str, str]:
    """A CSS underline style per label (``solid``, ``double``, ``dotted``, ...).

    Parameters
    ----------
    labels : iterable of str
        The labels, in the model's order.

    Returns
    -------
    dict of str to str
        One style by label.
    """
    return _in_turn(labels, PATTERNS, _OTHER_PATTERNS)


def terminal_colours(labels: Collection[str]) -> dict[str, str]:
    """A rich colour name per label, the guide's own then others in turn.

    Parameters
    ----------
    labels : iterable of str
        The labels, in the model's order.

    Returns
    -------
    dict of str to str
        One colour name by label.
    """
    return _in_turn(labels, TERMINAL_COLOURS, _OTHER_TERMINAL)


def colour(label: str | None, labels: Collection[str] | None = None) -> str:
    """The terminal colour of ``label`` (rich markup); white for none.

    Parameters
    ----------
    label : str or None
        A label.
    labels : iterable of str, optional
        The model's labels: a label outside the guide takes its turn among them,
        else it is white.

    Returns
    -------
    str
        A rich colour name.

    Examples
    --------
    >>> colour("analysis"), colour(None), colour("sport", ["sport", "weather"])
    ('green', 'white', 'slate_blue1')
    """
    if not label:
        return "white"
    if label in TERMINAL_COLOURS:
        return TERMINAL_COLOURS[label]
    return terminal_colours(labels or ()).get(label, "white")
