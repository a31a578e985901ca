"""Rendering for the batch commands: `predict --output` and `train --streaming`.

Not a command of its own: `predict` and `train` call these when given the batch
options. Progress (rows/s, ETA) goes to stderr, and only on a terminal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from classifier.cli._app import make_console

if TYPE_CHECKING:
    from classifier.model import Model
    from classifier.tfidf.hashed import StreamProgress


class Engine(str, Enum):
    """Where ``predict --input`` runs: in this process (and its workers), or on Dask."""

    local = "local"
    dask = "dask"


def run_batch(
    *, model: Model | str | Path | None, input_path: Path, output: Path, text_column: str,
    id_column: str | None,
    split: bool, jobs: int, engine: str, scheduler: str | None, quiet: bool,
    encoding: str = "utf-8", safe: bool = False, min_confidence: float = 0.0,
) -> None:
    """`classifier predict --input PATH --output PATH`: stream, then one summary line.

    Parameters
    ----------
    model : Model, str, Path or None
        The model, or where to load it from.
    input_path, output : Path
        The input table and the output file.
    text_column : str
        The column holding the text.
    id_column : str, optional
        The column holding the row id.
    split : bool
        One output row per sentence.
    jobs : int
        Worker processes (``0``: one per core).
    engine : {'local', 'dask'}
        Where to run.
    scheduler : str, optional
        A Dask scheduler's address.
    quiet : bool
        No progress bar and no summary line.
    encoding : str, default 'utf-8'
        The input's encoding.
    safe : bool, default False
        Load the model without unpickling.
    min_confidence : float, default 0.0
        Below it a row gets no label.
    """
    from classifier.batch import predict_file
    from classifier.cli._progress import batch_updater, rows_progress

    console = make_console(stderr=True)
    description = "predicting"
    if engine == "dask":
        workers = jobs or "all"
        description += f" on {scheduler or f'a local cluster of {workers} workers'}"
    with _terminate_as_interrupt(), rows_progress(console, description, quiet) as bar:
        result = predict_file(model, input_path, output, engine=engine, text_column=text_column,
                              id_column=id_column, split=split, jobs=jobs, encoding=encoding,
                              safe=safe, scheduler=scheduler, on_progress=batch_updater(*bar),
                              min_confidence=min_confidence)
    if not quiet:
        errors = f", {result.errors:,} with an error" if result.errors else ""
        console.print(
            f"wrote {result.rows_out:,} rows for {result.rows_in:,} input rows{errors} to "
            f"{result.output} in {result.seconds:.1f} s ({result.rows_per_s:,.0f} rows/s, "
            f"{result.engine}, {result.workers} worker{'s' if result.workers > 1 else ''})"
        )
    if result.several_sentences:
        rows = "row holds" if result.several_sentences == 1 else "rows hold"
        console.print(f"warning: {result.several_sentences:,} {rows} several sentences and got "
                      "one label; pass --split-sentences to label each sentence",
                      style="yellow", markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a `kill`, a job scheduler's timeout) unwinds like Ctrl-C.

    So the temporary output is removed instead of left behind.
    """
    import signal

    def interrupt(signum: int, frame: FrameType | None) -> None:
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


def train_streaming_cli(
    *, data: list[str], out: Path, text_column: str, label_column: str, seed: int,
    passes: int, test: list[str] | None, force: bool, quiet: bool = False,
) -> None:
    """`classifier train --streaming`: a progress bar per pass, optional test score, save.

    Parameters
    ----------
    data : list of str
        The training files.
    out : Path
        The model folder to save.
    text_column, label_column : str
        The columns holding the text and the label.
    seed : int
        The random seed.
    passes : int
        Passes over the data.
    test : list of str, optional
        Held-out files to score the model on.
    force : bool
        Replace an existing model folder.
    quiet : bool, default False
        No progress bars.
    """
    from classifier.cli._progress import rows_progress
    from classifier.data import load_labeled
    from classifier.persistence import save_model
    from classifier.tfidf.hashed import StreamingConfig, train_streaming
    from classifier.training import record_test

    console = make_console(stderr=True)
    state: dict[str, Any] = {"pass": 0, "begun": 0.0, "last": 0.0}
    with rows_progress(console, "reading labels", quiet) as (progress, task):

        def update(p: StreamProgress) -> None:
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
        report = record_test(model, load_labeled(test, text_column, label_column))
        console.print(f"test macro-F1: {report.macro_f1:.3f} on {report.n} rows")
    save_model(model, out, force=force)
    console.print(f"saved model to {out}")
