"""Batch prediction: one reader, one row schema, one writer, two engines.

- reading: ``classifier.data.records`` (every row once, in order; bad rows are
  error rows), and ``classifier.batch.sources`` for texts, files and stdin;
- the row schema and scoring: ``classifier.batch.rows`` (``output_schema``,
  ``score_chunk``);
- writing: ``classifier.batch.writer`` (JSONL, CSV or Parquet; to a file, whole or
  not at all, or to a stream);
- engines: ``local`` (processes on this machine) and ``dask`` (a cluster), behind
  ``predict_file(engine=...)``.

``predict --format jsonl|csv|json`` on stdout goes through ``predict_rows`` and the
same writer, so stdout and ``--output`` hold the same rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from classifier.batch.local import (
    BatchProgress,
    BatchResult,
    OnProgress,
    default_jobs,
    resolve_model,
    score_chunks,
)
from classifier.batch.rows import articles_from_rows, output_schema, score_chunk
from classifier.batch.writer import OutputError, PredictionWriter, output_kind
from classifier.data.records import RawChunk, input_size, iter_chunks, whole
from classifier.errors import ClassifierError

ENGINES = ("local", "dask")


def predict_file(
    model: Any, input_path: str | Path, output_path: str | Path, *, engine: str = "local",
    text_column: str = "text", id_column: str | None = None, split: bool = False,
    jobs: int = 1, encoding: str = "utf-8", safe: bool = False, scheduler: str | None = None,
    chunk_rows: int = 1000, part_bytes: int = 2 << 20, on_progress: OnProgress | None = None,
    min_confidence: float = 0.0,
) -> BatchResult:
    r"""Predict every row of an input file or folder into an output, streaming, in order.

    Parameters
    ----------
    model : Model, str, Path or None
        A loaded model, or a model folder or shipped name (``None``: the default).
    input_path : str or Path
        JSONL, CSV or Parquet file, or a folder of ``.txt`` articles.
    output_path : str or Path
        ``.jsonl``, ``.csv`` or ``.parquet`` file (the Dask engine: a ``.parquet``
        folder of parts); it replaces a previous output only once complete.
    engine : {"local", "dask"}
        Processes on this machine, or a Dask cluster (the ``dask`` extra).
    text_column, id_column : str
        Where the text and the optional row id are.
    split : bool
        One row per sentence, with its index and offsets.
    jobs : int
        Worker processes (``0``: all cores); for Dask, the local cluster's workers.
    encoding : str
        Encoding of a CSV, JSONL or ``.txt`` input.
    safe : bool
        Never unpickle the model (local engine).
    scheduler : str, optional
        A running Dask scheduler's address (``engine="dask"`` only).
    chunk_rows, part_bytes : int
        Rows per chunk (local), bytes per partition (Dask).
    on_progress : callable, optional
        Called with a ``BatchProgress`` as the run goes.
    min_confidence : float
        A row whose best probability is below it gets no label, and ``error`` says
        ``low confidence`` (its probabilities are kept).

    Returns
    -------
    BatchResult

    Raises
    ------
    ClassifierError
        A bad option, input or output; ``OutputError`` when writing failed (the
        previous output is then unchanged).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.jsonl").write_text('{"text": ""}\n')
    >>> predict_file(None, folder / "in.jsonl", folder / "out.jsonl").errors
    1
    """
    if engine not in ENGINES:
        raise ClassifierError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise ClassifierError("--scheduler applies to --engine dask")
    if engine == "dask":
        if safe:
            raise ClassifierError("--safe does not apply to --engine dask yet")
        from classifier.batch.dask import predict_file_dask

        return predict_file_dask(model, input_path, output_path, text_column=text_column,
                                 id_column=id_column, split=split, scheduler=scheduler,
                                 workers=jobs or None, part_bytes=part_bytes,
                                 on_progress=on_progress, encoding=encoding,
                                 min_confidence=min_confidence)
    from classifier.batch.local import predict_file as predict_local

    return predict_local(model, input_path, output_path, text_column=text_column,
                         id_column=id_column, split=split, jobs=jobs, chunk_rows=chunk_rows,
                         on_progress=on_progress, encoding=encoding, safe=safe,
                         min_confidence=min_confidence)


def predict_rows(
    model: Any, input_path: str | Path | None = None, *, chunks: Sequence[RawChunk] = (),
    text_column: str = "text", id_column: str | None = None, split: bool = True,
    encoding: str = "utf-8", chunk_rows: int = 1000, on_progress: OnProgress | None = None,
    min_confidence: float = 0.0,
) -> Iterator[tuple[RawChunk, Any]]:
    """Prediction rows of texts in memory and of an input table, chunk by chunk.

    What ``predict`` prints on stdout: the same rows (``output_schema``) as
    ``predict_file`` writes. Rows are numbered in order over ``chunks`` then the
    table; a table row without an id keeps its own row number as id.

    Parameters
    ----------
    model : Model
        A loaded model.
    input_path : str or Path, optional
        A JSONL, CSV or Parquet table, or a folder of ``.txt`` articles. A text
        that does not decode in ``encoding`` is a ``DataError`` here (at a
        terminal, a wrong ``--encoding`` is more likely than one bad row).
    chunks : sequence of RawChunk
        Texts already in memory (``classifier.batch.sources.texts_chunk``); always
        split into sentences.
    text_column, id_column : str
        Where the table's text and optional row id are.
    split : bool
        Split the table's rows into sentences.
    encoding : str
        Encoding of the table (ASCII-compatible).
    chunk_rows : int
        Table rows per chunk.
    on_progress : callable, optional
        Called with a ``BatchProgress`` after each chunk.
    min_confidence : float
        A row whose best probability is below it gets no label (``low confidence``).

    Yields
    ------
    (RawChunk, Rows)
        Each chunk and its rows, in order.
    """
    started = time.perf_counter()
    part = whole(input_path, encoding) if input_path is not None else None
    total = sum(len(c) for c in chunks) + (input_size(part) if part is not None else 0)
    counts = {"in": 0, "out": 0, "done": 0}
    offset = 0
    pending: list[tuple[RawChunk, bool]] = [(c, True) for c in chunks if len(c)]

    def sources() -> Iterator[tuple[RawChunk, bool, int]]:
        for chunk, split_it in pending:
            yield chunk, split_it, len(chunk)
        if part is not None:
            for chunk in iter_chunks(part, text_column, id_column, chunk_rows=chunk_rows,
                                     strict=True):
                yield chunk, split, chunk.consumed

    for chunk, split_it, consumed in sources():
        if chunk.first_row != offset:  # rows after the texts: renumber, keep the ids
            chunk.ids = [str(chunk.first_row + k) if i is None else i
                         for k, i in enumerate(chunk.ids)]
            chunk.first_row = offset
        offset += len(chunk)
        batch = score_chunk(model, chunk, split_it, min_confidence)
        counts["in"] += len(chunk)
        counts["out"] += batch.num_rows
        counts["done"] += consumed
        if on_progress:
            on_progress(BatchProgress(counts["done"], total, counts["in"], counts["out"],
                                      time.perf_counter() - started))
        yield chunk, batch


def write_rows(batches: Iterator[Any], sink: Any, kind: str, labels: tuple[str, ...]) -> int:
    """Write prediction rows as JSONL or CSV to a binary stream.

    Parameters
    ----------
    batches : iterator of Rows or pyarrow.RecordBatch
        The rows, in ``output_schema(labels)``.
    sink : binary file object
        Where to write (standard output, for ``predict``).
    kind : {'jsonl', 'csv'}
        The format.
    labels : tuple of str
        The model's labels (one probability column each).

    Returns
    -------
    int
        The number of rows written.
    """
    with PredictionWriter(None, output_schema(labels), sink=sink, kind=kind) as writer:
        for batch in batches:
            writer.write(batch)
    return writer.rows


__all__ = [
    "ENGINES", "BatchProgress", "BatchResult", "OutputError", "PredictionWriter",
    "articles_from_rows", "default_jobs", "output_kind", "output_schema", "predict_file",
    "predict_rows", "resolve_model", "score_chunk", "score_chunks", "write_rows",
]
