"""Progress bars for long commands, built here only.

They are shown on a terminal and silent in pipes and CI (they go to stderr, so piped
output stays clean).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def progress_bar(console: Any, description: str, total: int | None = None
                 ) -> Iterator[Callable[..., None]]:
    """A transient progress bar, drawn only if ``console`` is a terminal.

    Parameters
    ----------
    console : rich.console.Console
        Where to draw.
    description : str
        The bar's label.
    total : int, optional
        Steps in all (unknown: a spinner).

    Yields
    ------
    callable
        ``update(done, total=None)``.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=total)

        def update(done: int, new_total: int | None = None) -> None:
            progress.update(task, completed=done, total=new_total)

        yield update


@contextlib.contextmanager
def rows_progress(console: Any, description: str, quiet: bool = False) -> Iterator[Any]:
    """A bar with rows, rows/s and ETA for streaming runs; kept on screen when done.

    Parameters
    ----------
    console : rich.console.Console
        Where to draw.
    description : str
        The first task's label.
    quiet : bool, default False
        Draw nothing (also off a terminal).

    Yields
    ------
    tuple of (rich.progress.Progress, TaskID)
        The progress display and its first task.
    """
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[rows]:>12,} rows  {task.fields[rate]:>8,.0f} rows/s"),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=console, transient=False, disable=quiet or not console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None, rows=0, rate=0.0)
        yield progress, task


def batch_updater(progress: Any, task: Any) -> Callable[[Any], None]:
    """``on_progress`` for ``classifier.batch``: bytes (or rows, files) done, and rows/s.

    Parameters
    ----------
    progress : rich.progress.Progress
        The display (``rows_progress``).
    task : TaskID
        The task to update.

    Returns
    -------
    callable
        Takes a ``BatchProgress``.
    """

    def update(p: Any) -> None:
        rate = p.rows_in / p.seconds if p.seconds else 0.0
        progress.update(task, completed=p.done, total=p.total, rows=p.rows_in, rate=rate)

    return update
