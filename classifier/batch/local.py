"""The local engine: batch prediction in bounded memory, on all cores of this machine.

``predict_file`` streams an input (see ``classifier.data.records``) through a model in
chunks and writes one prediction row per input row (or per sentence with
``split=True``), in input order, through ``classifier.batch.writer``. With
``jobs > 1`` chunks are scored by worker processes that each load the model once
and die with this process; at most ``2 * jobs`` chunks are in flight, so memory
stays flat whatever the input size. ``classifier.batch.rows.score_chunk`` is the one
scoring function every engine and the stdout output use, so all give the same rows.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.batch.rows import output_schema, score_chunk
from classifier.batch.writer import OutputLock, PredictionWriter, output_kind
from classifier.data.records import RawChunk, input_size, iter_chunks, whole
from classifier.errors import ClassifierError

OnProgress = Callable[["BatchProgress"], None]


@dataclass(frozen=True)
class BatchProgress:
    """How far a run is: ``done`` of ``total`` input units (bytes, rows or files)."""

    done: int
    total: int
    rows_in: int
    rows_out: int
    seconds: float


@dataclass(frozen=True)
class BatchResult:
    """What a batch run read and wrote."""

    input: str
    output: str
    rows_in: int
    rows_out: int
    errors: int
    seconds: float
    engine: str = "local"
    workers: int = 1
    #: rows scored whole (not split) that hold several sentences (local engine)
    several_sentences: int = 0

    @property
    def rows_per_s(self) -> float:
        """Input rows per second over the whole run."""
        return self.rows_in / self.seconds if self.seconds > 0 else 0.0


def default_jobs() -> int:
    """The number of cores this process may use.

    Returns
    -------
    int
        At least 1.
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_model(model: Any, safe: bool = False) -> Any:
    """A loaded model from a ``Model``, a model folder, a shipped name, or ``None``.

    Parameters
    ----------
    model : Model, str, Path or None
        A ``Model`` is returned as it is; anything else is loaded with ``fast=True``.
    safe : bool, default False
        Load without unpickling.

    Returns
    -------
    Model
        The model.
    """
    from classifier.model import Model

    if isinstance(model, Model):
        return model
    from classifier.persistence import load_model

    return load_model(model, fast=True, safe=safe)


def check_output(input_path: str | Path, output_path: Path) -> None:
    """Refuse an output that is the input (or a link to it) before any work.

    Parameters
    ----------
    input_path : str or Path
        The input.
    output_path : Path
        The output.

    Raises
    ------
    ClassifierError
        If both name the same file.
    """
    source = Path(input_path)
    try:
        same = source.resolve() == output_path.resolve() or (
            output_path.exists() and os.path.samefile(source, output_path))
    except OSError:
        same = False
    if same:
        raise ClassifierError(f"{output_path}: output would overwrite the input")


# Worker processes keep their model here: loaded once by ``_init_worker``.
_WORKER_MODEL = None


def die_with_parent() -> None:
    """In a worker process: exit as soon as the process that started it is gone.

    Even after a ``kill -9`` that gave the parent no chance to stop its workers.
    """
    import multiprocessing
    import multiprocessing.connection
    import threading

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


_WORKER_ERROR: ClassifierError | None = None


def _init_worker(model: Any, safe: bool) -> None:
    global _WORKER_MODEL, _WORKER_ERROR
    die_with_parent()
    try:
        _WORKER_MODEL = resolve_model(model, safe)
    except ClassifierError as error:  # raised with the first chunk: one line, not a
        _WORKER_ERROR = error  # broken pool and a traceback per worker


def _score_in_worker(chunk: RawChunk, split: bool, min_confidence: float = 0.0) -> Any:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    return score_chunk(_WORKER_MODEL, chunk, split, min_confidence)


def score_chunks(model: Any, chunks: Iterable[RawChunk], split: bool = False,
                 min_confidence: float = 0.0) -> Iterator[tuple[RawChunk, Any]]:
    """Score chunks in this process, in order.

    Parameters
    ----------
    model : Model
        A loaded model.
    chunks : iterable of RawChunk
        The input rows.
    split : bool, default False
        One output row per sentence.
    min_confidence : float, default 0.0
        Below it a row gets no label.

    Yields
    ------
    tuple of (RawChunk, Rows)
        Each chunk and its prediction rows.
    """
    for chunk in chunks:
        yield chunk, score_chunk(model, chunk, split, min_confidence)


def predict_file(
    model: Any, input_path: str | Path, output_path: str | Path, *, text_column: str = "text",
    id_column: str | None = None, split: bool = False, jobs: int = 1,
    chunk_rows: int = 1000, on_progress: OnProgress | None = None,
    encoding: str = "utf-8", safe: bool = False, min_confidence: float = 0.0,
) -> BatchResult:
    r"""Predict every row of ``input_path`` into ``output_path``, streaming, in order.

    Parameters
    ----------
    model : Model, str, Path or None
        A loaded model, or a model folder or shipped name (``None``: the default),
        which each worker then loads itself (the NumPy scorer when there is one).
    input_path : str or Path
        JSONL, CSV or Parquet file, or a folder of ``.txt`` articles.
    output_path : str or Path
        ``.jsonl``, ``.csv`` or ``.parquet``; written to a temporary sibling file
        and renamed when complete (see ``classifier.batch.writer``).
    text_column, id_column : str
        Where the text and the optional row id are.
    split : bool
        Split each text into sentences: one output row per sentence, with the
        row's id, the sentence index and its character offsets.
    jobs : int
        Worker processes (``0``: one per core, or none for an input of a few
        chunks); ``1`` scores in this process.
    chunk_rows : int
        Rows per chunk.
    on_progress : callable, optional
        Called with a ``BatchProgress`` after each chunk.
    encoding : str
        Encoding of a CSV, JSONL or ``.txt`` input (ASCII-compatible).
    safe : bool
        Load the model without unpickling (see ``load_model``).
    min_confidence : float
        A row whose best probability is below it gets no label (``low confidence``).

    Returns
    -------
    BatchResult
        Rows read and written, rows with an error, and the time taken.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.jsonl").write_text('{"text": "Police said two men were held."}\n')
    >>> result = predict_file(None, folder / "in.jsonl", folder / "out.jsonl")
    >>> json.loads((folder / "out.jsonl").read_text())["label"]
    'official_claim'
    """
    output_path = Path(output_path)
    output_kind(output_path)  # fail on an unknown suffix before any work
    part = whole(input_path, encoding)
    check_output(input_path, output_path)
    if output_path.is_dir():
        raise ClassifierError(f"{output_path}: is a folder; the local engine writes one file")
    if jobs <= 0:  # all cores, unless the input is too small to repay starting workers
        jobs = 1 if _is_small(part, chunk_rows) else default_jobs()
    started = time.perf_counter()
    if jobs == 1 or _is_model(model):
        loaded = resolve_model(model, safe)
        labels, for_workers = loaded.labels, loaded
    else:  # workers load the model themselves; this process only needs its labels
        from classifier.persistence import read_metadata, resolve_model_path

        for_workers = str(resolve_model_path(model))
        labels = tuple(read_metadata(Path(for_workers))["labels"])
    total = input_size(part)
    chunks = iter_chunks(part, text_column, id_column, chunk_rows=chunk_rows)
    counts = {"in": 0, "out": 0, "errors": 0, "done": 0, "several": 0}

    def report(chunk: RawChunk, batch: Any) -> None:
        counts["several"] += batch.several_sentences
        counts["in"] += len(chunk)
        counts["out"] += batch.num_rows
        counts["errors"] += batch.errors
        counts["done"] += chunk.consumed
        if on_progress:
            on_progress(BatchProgress(counts["done"], total, counts["in"], counts["out"],
                                      time.perf_counter() - started))

    with OutputLock(output_path), PredictionWriter(output_path, output_schema(labels)) as writer:
        scored = (score_chunks(loaded, chunks, split, min_confidence) if jobs == 1
                  else _score_parallel(for_workers, chunks, split, jobs, safe, min_confidence))
        for chunk, batch in scored:
            writer.write(batch)
            report(chunk, batch)
    return BatchResult(str(input_path), str(output_path), counts["in"], counts["out"],
                       counts["errors"], time.perf_counter() - started, "local", jobs,
                       counts["several"])


def _is_small(part: Any, chunk_rows: int) -> bool:
    """Whether ``part`` holds only a few chunks (bytes, rows or files, by kind)."""
    size = input_size(part)
    if part.kind == "txt":
        return size < 64
    return size < (4 * chunk_rows if part.kind == "parquet" else 1 << 20)


def _is_model(model: Any) -> bool:
    from classifier.model import Model

    return isinstance(model, Model)


def _score_parallel(model: Any, chunks: Iterable[RawChunk], split: bool, jobs: int,
                    safe: bool = False, min_confidence: float = 0.0
                    ) -> Iterator[tuple[RawChunk, Any]]:
    """``(chunk, rows)`` scored in ``jobs`` processes, yielded in input order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn: a fresh interpreter per worker, safe whatever threads this one runs
    context = multiprocessing.get_context("spawn")
    pending: deque = deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(model, safe)) as pool:
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(_score_in_worker, chunk, split,
                                                   min_confidence)))
                if len(pending) >= 2 * jobs:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        except BrokenProcessPool:
            raise ClassifierError("a worker process stopped unexpectedly (out of memory, or "
                                  "killed); rerun with --jobs 1 to see why") from None
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise
