"""Rendering for the batch commands: `predict --output` and `train --streaming`.

Not a command of its own: `predict` and `train` call these when given the batch
options. Progress (rows/s, ETA) goes to stderr, and only on a terminal.
"""

from __future__ import annotations

import contextlib
from enum import Enum
from pathlib import Path

from classifier.cli._app import make_console
from classifier.errors import ClassifierError


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@contextlib.contextmanager
def _progress(console, description: str, quiet: bool):
    """A rich progress bar with rows, rows/s and ETA; disabled off a terminal or if quiet."""
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


def run_batch(
    *, model, input_path: Path, output: Path, text_column: str, id_column: str | None,
    split: bool, jobs: int, engine: str, scheduler: str | None, quiet: bool,
) -> None:
    """`classifier predict --input PATH --output PATH`: stream, then one summary line."""
    with _terminate_as_interrupt():
        _run_batch(model, input_path, output, text_column, id_column, split, jobs, engine,
                   scheduler, quiet)


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM (a `kill`, a job scheduler's timeout) unwinds like Ctrl-C, so the
    temporary output is removed instead of left behind."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_batch(model, input_path, output, text_column, id_column, split, jobs, engine,
               scheduler, quiet) -> None:
    console = make_console(stderr=True)
    if scheduler and engine != "dask":
        raise ClassifierError("--scheduler applies to --engine dask")
    options = dict(text_column=text_column, id_column=id_column, split=split)
    with _progress(console, "predicting", quiet) as (progress, task):

        def update(p) -> None:
            rate = p.rows_in / p.seconds if p.seconds else 0.0
            progress.update(task, completed=p.done, total=p.total, rows=p.rows_in, rate=rate)

        if engine == "dask":
            from classifier.batch.dask import predict_file_dask

            if not quiet:
                where = scheduler or f"a local cluster of {jobs or 'all'} worker processes"
                console.print(f"running on {where}...")
            result = predict_file_dask(model, input_path, output, scheduler=scheduler,
                                       workers=jobs or None, on_progress=update, **options)
        else:
            from classifier.batch.local import predict_file

            result = predict_file(model, input_path, output, jobs=jobs, on_progress=update,
                                  **options)
    if not quiet:
        errors = f", {result.errors:,} with an error" if result.errors else ""
        console.print(
            f"wrote {result.rows_out:,} rows for {result.rows_in:,} input rows{errors} to "
            f"{result.output} in {result.seconds:.1f} s ({result.rows_per_s:,.0f} rows/s, "
            f"{result.engine}, {result.workers} worker{'s' if result.workers > 1 else ''})"
        )


def train_streaming_cli(
    *, data: list[str], out: Path, text_column: str, label_column: str, seed: int,
    passes: int, test: list[str] | None, force: bool, quiet: bool = False,
) -> None:
    """`classifier train --streaming`: a progress bar per pass, optional test score, save."""
    from classifier.data import load_labeled
    from classifier.evaluation import evaluate
    from classifier.persistence import save_model
    from classifier.tfidf.hashed import StreamingConfig, train_streaming

    console = make_console(stderr=True)
    state = {"pass": 0, "begun": 0.0, "last": 0.0}
    with _progress(console, "reading labels", quiet) as (progress, task):

        def update(p) -> None:
            if p.pass_index != state["pass"]:  # a new pass: its own bar and clock
                state.update(task=progress.add_task("", total=p.total_rows, rows=0, rate=0),
                             begun=state["last"], **{"pass": p.pass_index})
            state["last"] = p.seconds
            seconds = p.seconds - state["begun"]
            accuracy = f" (progressive accuracy {p.accuracy:.3f})" if p.accuracy else ""
            name = f"pass {p.pass_index}/{p.passes}{accuracy}" if p.pass_index else "reading labels"
            progress.update(state.get("task", task), completed=p.rows, rows=p.rows,
                            rate=p.rows / seconds if seconds > 0 else 0.0, description=name)

        model = train_streaming(data, StreamingConfig(passes=passes), text_column=text_column,
                                label_column=label_column, random_state=seed,
                                on_progress=update)
    meta = model.metadata
    console.print(f"read {meta['data']['rows']} rows from {meta['data']['source']}: "
                  f"{meta['data']['label_counts']}")
    for reason, count in meta["data"]["dropped"].items():
        console.print(f"[yellow]dropped {count} rows: {reason}[/]")
    console.print(f"streamed {passes} pass{'es' if passes > 1 else ''} in "
                  f"{meta['train_seconds']:.1f} s; progressive accuracy per pass: "
                  f"{meta['metrics']['progressive_accuracy']}")
    if test:
        report = evaluate(model, load_labeled(test, text_column, label_column))
        model.metadata["metrics"]["test"] = report.to_dict()
        console.print(f"test macro-F1: {report.macro_f1:.3f} on {report.n} rows")
    save_model(model, out, force=force)
    console.print(f"saved model to {out}")
