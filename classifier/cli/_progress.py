"""Progress bars for long commands: shown on a terminal, silent in pipes and CI."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def progress_bar(console, description: str, total: int | None = None):
    """Yield ``update(done, total=None)``; draws a bar only if ``console`` is a terminal.

    The bar is transient (it disappears when done) and goes to ``console``, which
    the commands point at stderr, so piped output stays clean.
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
