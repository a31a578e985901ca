"""Training-data hygiene: what in labeled data deserves a look before training.

Pure: ``check_hygiene`` takes ``LabeledData`` and returns a ``HygieneReport``;
the CLI prints its ``problems`` and, with ``--strict``, fails on them
(``require_clean``). Nothing here drops or changes a row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from classifier.data import LabeledData
from classifier.errors import DataError

MIN_EXAMPLES = 5
MAX_IMBALANCE = 10.0


@dataclass(frozen=True)
class Conflict:
    """One text that appears with more than one label, and how often with each."""

    text: str
    labels: dict[str, int]


@dataclass(frozen=True)
class HygieneReport:
    """Findings on one labeled data set; ``problems`` lists the ones that matter.

    ``dropped`` holds the rows the loader left out (empty text or label), by
    reason. ``duplicates`` counts rows that repeat an earlier row exactly (same
    text, same label): harmless for training, listed for information.
    """

    rows: int
    label_counts: dict[str, int]
    dropped: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    duplicates: int = 0
    small_labels: dict[str, int] = field(default_factory=dict)
    imbalance: float = 1.0
    min_examples: int = MIN_EXAMPLES
    max_imbalance: float = MAX_IMBALANCE

    @property
    def conflicting_rows(self) -> int:
        """Rows whose text appears with more than one label."""
        return sum(sum(c.labels.values()) for c in self.conflicts)

    @property
    def problems(self) -> list[str]:
        """One line per problem, most serious first; empty when the data is clean."""
        return self._problems(with_text=True)

    def _problems(self, with_text: bool) -> list[str]:
        lines = []
        if self.conflicts:
            first = self.conflicts[0]
            shown = ", ".join(f"{label} ×{n}" for label, n in first.labels.items())
            example = (f"{_clip(first.text)!r}" if with_text
                       else f"text sha256 {_digest(first.text)}")
            lines.append(
                f"conflicting labels on {_count(len(self.conflicts), 'text')} "
                f"({self.conflicting_rows} rows), e.g. {example}: {shown}"
            )
        for reason, count in self.dropped.items():
            lines.append(f"{_count(count, 'row')} dropped: {reason}")
        if self.small_labels:
            shown = ", ".join(f"{label} ({n})" for label, n in self.small_labels.items())
            lines.append(f"labels with fewer than {self.min_examples} examples: {shown}")
        if self.imbalance > self.max_imbalance:
            counts = self.label_counts
            largest = max(counts, key=counts.__getitem__)
            smallest = min(counts, key=counts.__getitem__)
            lines.append(
                f"extreme imbalance: {largest!r} has {self.imbalance:.1f}x the rows of "
                f"{smallest!r} (limit {self.max_imbalance:g}x)"
            )
        return lines

    def to_dict(self, examples: int = 10) -> dict:
        """Plain data for JSON and model metadata, with the first ``examples`` conflicts.

        Texts are given by a SHA-256 prefix, never verbatim: a model's metadata is
        shared, and training text may be someone else's (real news enters by
        reference only).

        Parameters
        ----------
        examples : int, default 10
            How many conflicts to list.

        Returns
        -------
        dict
            The report's fields, plus ``conflicting_texts``, ``conflicting_rows`` and
            ``problems``.
        """
        data = asdict(self)
        data["conflicts"] = [{"text_sha256": _digest(c.text), "labels": c.labels}
                             for c in self.conflicts[:examples]]
        data["conflicting_texts"] = len(self.conflicts)
        data["conflicting_rows"] = self.conflicting_rows
        data["problems"] = self._problems(with_text=False)
        return data


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def check_hygiene(
    data: LabeledData, min_examples: int = MIN_EXAMPLES, max_imbalance: float = MAX_IMBALANCE
) -> HygieneReport:
    """Look for conflicting duplicates, dropped rows, tiny labels and extreme imbalance.

    Texts are compared exactly, apart from surrounding whitespace.

    Parameters
    ----------
    data : LabeledData
        The labeled rows.
    min_examples : int, default MIN_EXAMPLES
        A label with fewer rows is a problem.
    max_imbalance : float, default MAX_IMBALANCE
        A largest-to-smallest label ratio above this is a problem.

    Returns
    -------
    HygieneReport
        The findings; nothing in ``data`` is changed.

    Examples
    --------
    >>> from classifier.data import LabeledData
    >>> data = LabeledData(["Rain fell.", "Rain fell.", "It may rain."], ["a", "b", "b"])
    >>> check_hygiene(data, min_examples=1).problems[0]
    "conflicting labels on 1 text (2 rows), e.g. 'Rain fell.': a ×1, b ×1"
    """
    by_text: dict[str, Counter] = defaultdict(Counter)
    for text, label in zip(data.texts, data.labels):
        by_text[text.strip()][label] += 1
    conflicts = [
        Conflict(text, dict(sorted(labels.items())))
        for text, labels in by_text.items()
        if len(labels) > 1
    ]
    conflicts.sort(key=lambda c: -sum(c.labels.values()))
    duplicates = sum(n - 1 for labels in by_text.values() for n in labels.values())
    counts = data.label_counts
    small = {label: n for label, n in counts.items() if n < min_examples}
    imbalance = max(counts.values()) / min(counts.values()) if counts else 1.0
    return HygieneReport(
        rows=len(data),
        label_counts=counts,
        dropped=dict(data.dropped),
        conflicts=conflicts,
        duplicates=duplicates,
        small_labels=dict(sorted(small.items(), key=lambda item: item[1])),
        imbalance=imbalance,
        min_examples=min_examples,
        max_imbalance=max_imbalance,
    )


def require_clean(report: HygieneReport, source: str = "") -> None:
    """Raise ``DataError`` listing the report's problems, if it has any (``--strict``).

    Parameters
    ----------
    report : HygieneReport
        The findings.
    source : str, optional
        Where the data came from, to start the message with.

    Raises
    ------
    DataError
        If ``report.problems`` is not empty.
    """
    if report.problems:
        where = f"{source}: " if source else ""
        raise DataError(f"{where}data problems (strict): " + "; ".join(report.problems))
