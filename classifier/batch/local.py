"""Batch prediction over a corpus of any size, in bounded memory, on all cores.

``predict_file`` streams an input (see ``classifier.data.records``) through a model in
chunks and writes one prediction row per input row (or per sentence with
``split=True``), in input order, to a JSONL, CSV or Parquet file. With
``jobs > 1`` chunks are scored by worker processes that each load the model once;
at most ``2 * jobs`` chunks are in flight, so memory stays flat whatever the
input size. ``score_chunk`` is the one scoring function every engine uses, so
the local and Dask engines give the same rows.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from classifier.data.records import (
    PredictionWriter,
    RawChunk,
    input_size,
    iter_chunks,
    output_kind,
    output_schema,
    whole,
)
from classifier.errors import ClassifierError

EMPTY = "empty text"


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

    @property
    def rows_per_s(self) -> float:
        """Input rows per second over the whole run."""
        return self.rows_in / self.seconds if self.seconds > 0 else 0.0


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def score_chunk(model, chunk: RawChunk, split: bool = False):
    """Prediction rows of one chunk as a pyarrow ``RecordBatch`` (``output_schema``).

    One row per input row, or with ``split`` one per sentence (an article with
    no sentence still gives one row). A row whose text is empty or could not be
    read has a null label and an ``error``.
    """
    import numpy as np
    import pyarrow as pa

    from classifier.text.sentences import split_sentences

    labels = model.labels
    rows = list(range(chunk.first_row, chunk.first_row + len(chunk)))
    ids = [str(r) if i is None else i for i, r in zip(chunk.ids, rows)]
    out: dict[str, list] = {"row": [], "id": [], "sentence": [], "start": [], "end": [],
                            "text": [], "error": []}
    texts: list[str] = []
    for k, text in enumerate(chunk.texts):
        error = chunk.errors[k]
        text = text if text is not None or error is not None else ""
        body = text or ""  # None only for a row that could not be read (error set)
        pieces = None
        if split and error is None and body.strip():
            pieces = split_sentences(body)
        if pieces:
            for index, s in enumerate(pieces):
                _add(out, rows[k], ids[k], index, s.start, s.end, s.text, None)
                texts.append(s.text)
        else:
            if error is None and not body.strip():
                error = EMPTY
            _add(out, rows[k], ids[k], None if split else 0, None, None, text, error)
            texts.append(body if error is None else "")
    proba = model.predict_proba(texts) if texts else np.empty((0, len(labels)))
    missing = np.isnan(proba[:, 0]) if len(proba) else np.zeros(0, dtype=bool)
    best = np.argmax(np.where(np.isnan(proba), -1.0, proba), axis=1)
    errors = [e if e is not None or not m else EMPTY for e, m in zip(out["error"], missing)]
    columns = [
        pa.array(out["row"], pa.int64()), pa.array(out["id"], pa.string()),
        pa.array(out["sentence"], pa.int64()), pa.array(out["start"], pa.int64()),
        pa.array(out["end"], pa.int64()), pa.array(out["text"], pa.string()),
        pa.array([None if m else labels[b] for b, m in zip(best, missing)], pa.string()),
        pa.array(np.round(np.nanmax(np.where(missing[:, None], 0.0, proba), axis=1)
                          if len(proba) else np.zeros(0), 6), pa.float64(),
                 mask=missing),
    ]
    rounded = np.round(proba, 6)
    columns += [pa.array(rounded[:, j], pa.float64(), mask=missing) for j in range(len(labels))]
    columns.append(pa.array(errors, pa.string()))
    return pa.RecordBatch.from_arrays(columns, schema=output_schema(labels))


def _add(out: dict, row, row_id, sentence, start, end, text, error) -> None:
    for key, value in (("row", row), ("id", row_id), ("sentence", sentence), ("start", start),
                       ("end", end), ("text", text), ("error", error)):
        out[key].append(value)


def resolve_model(model):
    """A loaded model from a ``Model``, a model folder, a shipped name, or ``None``."""
    from classifier.model import Model

    if isinstance(model, Model):
        return model
    from classifier.persistence import load_model

    return load_model(model, fast=True)


# Worker processes keep their model here: loaded once by ``_init_worker``.
_WORKER_MODEL = None


def _init_worker(model) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = resolve_model(model)


def _score_in_worker(chunk: RawChunk, split: bool):
    return score_chunk(_WORKER_MODEL, chunk, split)


def predict_file(
    model, input_path: str | Path, output_path: str | Path, *, text_column: str = "text",
    id_column: str | None = None, split: bool = False, jobs: int = 1,
    chunk_rows: int = 1000, on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Predict every row of ``input_path`` into ``output_path``, streaming, in order.

    Parameters
    ----------
    model : Model, str, Path or None
        A loaded model, or a model folder or shipped name (``None``: the default),
        which each worker then loads itself (the NumPy scorer when there is one).
    input_path : str or Path
        JSONL, CSV or Parquet file, or a folder of ``.txt`` articles.
    output_path : str or Path
        ``.jsonl``, ``.csv`` or ``.parquet``; written to a temporary sibling file
        and renamed when complete.
    split : bool
        Split each text into sentences: one output row per sentence, with the
        row's id, the sentence index and its character offsets.
    jobs : int
        Worker processes (``0``: one per core, or none for an input of a few
        chunks); ``1`` scores in this process.

    Returns
    -------
    BatchResult
        Rows read and written, rows with an error, and the time taken.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.jsonl").write_text('{"text": "Police said two men were held."}\\n')
    >>> result = predict_file(None, folder / "in.jsonl", folder / "out.jsonl")
    >>> json.loads((folder / "out.jsonl").read_text())["label"]
    'official_claim'
    """
    output_path = Path(output_path)
    output_kind(output_path)  # fail on an unknown suffix before any work
    part = whole(input_path)
    if jobs <= 0:  # all cores, unless the input is too small to repay starting workers
        jobs = 1 if _is_small(part, chunk_rows) else default_jobs()
    if Path(input_path).resolve() == output_path.resolve():
        raise ClassifierError(f"{output_path}: output would overwrite the input")
    if output_path.is_dir():
        raise ClassifierError(f"{output_path}: is a folder; the local engine writes one file")
    started = time.perf_counter()
    if jobs == 1 or _is_model(model):
        loaded = resolve_model(model)
        labels, for_workers = loaded.labels, loaded
    else:  # workers load the model themselves; this process only needs its labels
        from classifier.persistence import read_metadata, resolve_model_path

        for_workers = str(resolve_model_path(model))
        labels = tuple(read_metadata(Path(for_workers))["labels"])
    total = input_size(part)
    chunks = iter_chunks(part, text_column, id_column, chunk_rows=chunk_rows)
    counts = {"in": 0, "out": 0, "errors": 0, "done": 0}

    def report(chunk: RawChunk, batch) -> None:
        counts["in"] += len(chunk)
        counts["out"] += batch.num_rows
        counts["errors"] += batch.num_rows - batch.column("error").null_count
        counts["done"] += chunk.consumed
        if on_progress:
            on_progress(BatchProgress(counts["done"], total, counts["in"], counts["out"],
                                      time.perf_counter() - started))

    with PredictionWriter(output_path, output_schema(labels)) as writer:
        if jobs == 1:
            for chunk in chunks:
                batch = score_chunk(loaded, chunk, split)
                writer.write(batch)
                report(chunk, batch)
        else:
            _predict_parallel(for_workers, chunks, split, jobs, writer, report)
    return BatchResult(str(input_path), str(output_path), counts["in"], counts["out"],
                       counts["errors"], time.perf_counter() - started, "local", jobs)


def _is_small(part, chunk_rows: int) -> bool:
    """Whether ``part`` holds only a few chunks (bytes, rows or files, by kind)."""
    size = input_size(part)
    if part.kind == "txt":
        return size < 64
    return size < (4 * chunk_rows if part.kind == "parquet" else 1 << 20)


def _is_model(model) -> bool:
    from classifier.model import Model

    return isinstance(model, Model)


def _predict_parallel(model, chunks, split, jobs, writer, report) -> None:
    """Score chunks in ``jobs`` processes, writing results in input order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker, safe whatever threads this one runs
    context = multiprocessing.get_context("spawn")
    pending: deque = deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(model,)) as pool:
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(_score_in_worker, chunk, split)))
                if len(pending) >= 2 * jobs:
                    done, future = pending.popleft()
                    batch = future.result()
                    writer.write(batch)
                    report(done, batch)
            while pending:
                done, future = pending.popleft()
                batch = future.result()
                writer.write(batch)
                report(done, batch)
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise
