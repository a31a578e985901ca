"""Rich tables for explanations (``classifier.tfidf.explain``); rendering only, prints nothing."""

from __future__ import annotations

from typing import TypeVar

from classifier.reports.palette import colour
from classifier.tfidf.explain import Contribution, Explanation, LabelScore, ModelFeatures

_T = TypeVar("_T")


def feature_text(feature: str, kind: str) -> str:
    """How a feature reads in a table: char n-grams quoted, spaces shown as ␣.

    Parameters
    ----------
    feature : str
        The feature's name.
    kind : {'word', 'char', 'cue'}
        Its kind.

    Returns
    -------
    str
        The text shown.
    """
    if kind == "char":
        return '"' + feature.replace(" ", "␣") + '"'
    if kind == "cue":
        return f"cue:{feature}"
    return feature


def _label(label: str) -> str:
    base = label.removeprefix("not ")
    return f"[{colour(base)}]{label}[/]"


def _shown(scores: tuple[_T, ...]) -> tuple[_T, ...]:
    # In a two-label stage the second label is the mirror image of the first.
    return scores[:1] if len(scores) == 2 else scores


def _score_line(score: LabelScore) -> str:
    parts = " ".join(
        f"{'+' if value >= 0 else '-'} {kind} {abs(value):.2f}"
        for kind, value in score.totals.items() if value
    )
    return f"score {score.score:.2f} = intercept {score.intercept:.2f} {parts}"


def _row(c: Contribution, style: str) -> tuple[str, ...]:
    return (feature_text(c.feature, c.kind), c.kind, f"{c.value:.3f}", f"{c.weight:+.3f}",
            f"[{style}]{c.contribution:+.3f}[/]")


def explanation_tables(explanation: Explanation, top: int = 10) -> list:
    """One table per label (per stage for a cascade).

    The features pushing toward the label, then the strongest ones pushing away,
    with value × weight = contribution.

    Parameters
    ----------
    explanation : Explanation
        What ``Model.explain`` returned.
    top : int, default 10
        Features shown toward each label (a third as many away from it, at least 3).

    Returns
    -------
    list
        rich renderables: a header, then a title and a table per label.
    """
    from rich.table import Table
    from rich.text import Text

    best = explanation.label
    header = Text.from_markup(
        f"[bold]{explanation.text}[/]\n→ [{colour(best)}]{best}[/] "
        f"({explanation.probabilities[best]:.2f}); "
        + ", ".join(f"{k} {v:.2f}" for k, v in sorted(explanation.probabilities.items(),
                                                       key=lambda kv: -kv[1]) if k != best)
    )
    out: list = [header]
    for stage in explanation.stages:
        if len(explanation.stages) > 1:
            out.append(Text.from_markup(f"\n[bold]{stage.name}[/]: {stage.description}"))
        for score in _shown(stage.labels):
            out.append(Text.from_markup(
                f"\n{_label(score.label)}  p={score.probability:.2f}   "
                f"[dim]{_score_line(score)}[/]"
            ))
            table = Table()
            for name, justify in [("feature", "left"), ("kind", "left"), ("value", "right"),
                                  ("weight", "right"), ("contribution", "right")]:
                table.add_column(name, justify=justify)  # type: ignore[arg-type]
            for c in score.toward(top):
                table.add_row(*_row(c, "green"))
            against = score.against(max(3, top // 3))
            if against:
                table.add_section()
                for c in against:
                    table.add_row(*_row(c, "red"))
            out.append(table)
    return out


def top_features_tables(features: ModelFeatures) -> list:
    """Per label (per stage for a cascade): its strongest features each way.

    Parameters
    ----------
    features : ModelFeatures
        What ``Model.top_features`` returned.

    Returns
    -------
    list
        rich renderables, a table per label.
    """
    from rich.table import Table
    from rich.text import Text

    out: list = []
    for stage in features.stages:
        if len(features.stages) > 1:
            out.append(Text.from_markup(f"\n[bold]{stage.name}[/]: {stage.description}"))
        for label in _shown(stage.labels):
            table = Table(title=f"{_label(label.label)}: strongest features "
                          f"(of {features.n_features})", title_justify="left")
            table.add_column("#", justify="right", style="dim")
            table.add_column(f"toward {label.label}")
            table.add_column("weight", justify="right", style="green")
            table.add_column("against")
            table.add_column("weight", justify="right", style="red")
            for i in range(max(len(label.toward), len(label.against))):
                cells = [str(i + 1)]
                for side in (label.toward, label.against):
                    if i < len(side):
                        w = side[i]
                        cells += [feature_text(w.feature, w.kind), f"{w.weight:+.2f}"]
                    else:
                        cells += ["", ""]
                table.add_row(*cells)
            out.append(table)
    return out
