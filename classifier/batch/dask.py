"""The Dask engine: batch prediction on a Dask cluster (or a ``LocalCluster``).

The input is planned into parts that start on record boundaries and know their
first row number (``classifier.data.records.plan_parts``); ``dask.dataframe.from_map``
reads them, and ``map_partitions`` scores each partition through the same
``score_chunk`` as the local engine and writes it as ``part-NNNNN.parquet`` into
a staging folder of a unique name (``.NAME.PID.TOKEN.dask``) that is renamed into
place at the end. The same checks as the local engine hold: the output is not the
input, one run writes an output at a time (``OutputLock``), and staging folders of
dead runs are removed. Rows are numbered and
ordered as in the local engine, so both give the same rows. The driver gathers
each partition's counts as it finishes (progress, and the totals).

A saved model travels as its folder (``ModelRef``): each worker process loads
it once, with the NumPy scorer when there is one, and the client reads only its
labels. A ``Model`` object is sent to the workers as it is.

Needs the ``dask`` extra (``pip install 'news-sentence-classifier[dask]'``). On a remote
cluster the workers must have ``classifier`` installed and see the input and
output paths (a shared file system), and the model folder unless it is a
shipped model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.batch.local import BatchProgress, BatchResult, check_output
from classifier.batch.rows import output_schema, score_chunk
from classifier.batch.writer import OutputError, OutputLock, clean_stale, staging_folder
from classifier.data.records import Part, RawChunk, input_size, iter_chunks, plan_parts
from classifier.errors import (
    ClassifierError,
    DataError,
    MissingExtraError,
    ModelFileError,
    install_hint,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from distributed import Client

    from classifier.model import Model

COUNTS = ("partition", "rows_in", "rows_out", "errors")
INSTALL_HINT = f"the Dask engine needs the dask extra: {install_hint('dask')}"


@dataclass(frozen=True)
class ModelRef:
    """A saved model as workers find it.

    Its folder, its shipped name (for workers that do not see the folder), and a key
    of its checksums.
    """

    folder: str
    name: str | None
    key: str


# Each worker process keeps the model it loaded here, by folder and key.
_MODELS: dict[tuple[str, str], Model] = {}


def model_key(metadata: dict[str, Any]) -> str:
    """A short digest of a model's artifact checksums: changes whenever the model does.

    Parameters
    ----------
    metadata : dict
        The model's metadata (``files``).

    Returns
    -------
    str
        16 hex digits.
    """
    files = json.dumps(metadata.get("files") or {}, sort_keys=True)
    return hashlib.sha256(files.encode()).hexdigest()[:16]


def model_for_workers(
    model: Model | str | Path | None,
) -> tuple[Model | ModelRef, tuple[str, ...]]:
    """What to send the workers for ``model``, and its labels, without loading it here.

    Parameters
    ----------
    model : Model, str, Path or None
        A loaded model (sent as it is), or a model folder or shipped name.

    Returns
    -------
    shipped : Model or ModelRef
        What each task receives.
    labels : tuple of str
        The model's labels (read from its metadata).
    """
    from classifier.model import Model
    from classifier.persistence import models_dirs, read_metadata, resolve_model_path

    if isinstance(model, Model):
        return model, tuple(model.labels)
    folder = resolve_model_path(model).resolve()
    metadata = read_metadata(folder)
    shipped = folder.parent in {d.resolve() for d in models_dirs()}
    ref = ModelRef(str(folder), folder.name if shipped else None, model_key(metadata))
    return ref, tuple(metadata["labels"])


def worker_model(model: Model | ModelRef) -> Model:
    """The model a task was given: loaded once per process for a ``ModelRef``.

    Parameters
    ----------
    model : Model or ModelRef
        What the client sent.

    Returns
    -------
    Model
        The model itself, or the worker's loaded copy (NumPy scorer when there is one).

    Raises
    ------
    ModelFileError
        If the worker's copy of the model differs from the client's.
    """
    if not isinstance(model, ModelRef):
        return model
    loaded = _MODELS.get((model.folder, model.key))
    if loaded is None:
        from classifier.persistence import load_model, read_metadata, resolve_model_path

        where = model.folder if Path(model.folder).is_dir() or not model.name else model.name
        folder = resolve_model_path(where)
        if model_key(read_metadata(folder)) != model.key:
            raise ModelFileError(f"{folder}: this worker's copy of the model differs from "
                                 "the client's")
        _MODELS.clear()  # one model per worker: a long-lived cluster does not pile them up
        loaded = _MODELS[(model.folder, model.key)] = load_model(folder, fast=True)
    return loaded


def require_extra() -> None:
    """Raise ``MissingExtraError`` unless dask.dataframe and distributed import."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise MissingExtraError(INSTALL_HINT) from None


def _raw_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([("row", pa.int64()), ("id", pa.string()), ("text", pa.string()),
                      ("error", pa.string())])


def _counts_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([(name, pa.int64()) for name in COUNTS])


def _frame(table: pa.Table) -> pd.DataFrame:
    """A pandas frame backed by Arrow types, so nulls and int64 survive the round trip."""
    import pandas as pd

    return table.to_pandas(types_mapper=pd.ArrowDtype)


def read_part(part: Part, text_column: str, id_column: str | None) -> pd.DataFrame:
    """One input part as a pandas frame of raw rows: row, id, text, error.

    Parameters
    ----------
    part : Part
        A byte range of a JSONL or CSV file, a Parquet row group, or some ``.txt`` files.
    text_column : str
        The column holding the text.
    id_column : str, optional
        The column holding the row id.

    Returns
    -------
    pandas.DataFrame
        One row per input row.
    """
    import pyarrow as pa

    rows: list[int] = []
    ids: list[str | None] = []
    texts: list[str | None] = []
    errors: list[str | None] = []
    for chunk in iter_chunks(part, text_column, id_column, chunk_rows=1 << 16):
        rows.extend(range(chunk.first_row, chunk.first_row + len(chunk)))
        ids += chunk.ids
        texts += chunk.texts
        errors += chunk.errors
    return _frame(pa.table([rows, ids, texts, errors], schema=_raw_schema()))


def score_partition(
    frame: pd.DataFrame, model: Model | ModelRef, split: bool, min_confidence: float = 0.0,
) -> pa.Table:
    """Score one partition of raw rows: the local engine's ``score_chunk``, chunk-wise.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw rows (``read_part``).
    model : Model or ModelRef
        The model (see ``worker_model``).
    split : bool
        One output row per sentence.
    min_confidence : float, default 0.0
        Below it a row gets no label.

    Returns
    -------
    pyarrow.Table
        The prediction rows, in ``output_schema(model.labels)``.
    """
    import pyarrow as pa

    model = worker_model(model)
    table = pa.Table.from_pandas(frame, schema=_raw_schema(), preserve_index=False)
    rows, ids = table.column("row").to_pylist(), table.column("id").to_pylist()
    texts, errors = table.column("text").to_pylist(), table.column("error").to_pylist()
    del frame, table
    batches, step = [], 1000
    for lo in range(0, len(rows), step):
        chunk = RawChunk(rows[lo], ids[lo:lo + step], texts[lo:lo + step], errors[lo:lo + step])
        batches.append(score_chunk(model, chunk, split, min_confidence).to_arrow())
    schema = output_schema(model.labels)
    return pa.Table.from_batches(batches, schema) if batches else schema.empty_table()


def predict_partition(
    frame: pd.DataFrame, model: Model | ModelRef, split: bool, folder: str,
    partition_info: dict[str, Any] | None = None, min_confidence: float = 0.0,
) -> pd.DataFrame:
    """Score one partition and write it to ``folder/part-NNNNN.parquet``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw rows (``read_part``).
    model : Model or ModelRef
        The model (see ``worker_model``).
    split : bool
        One output row per sentence.
    folder : str
        The staging folder.
    partition_info : dict
        Given by Dask: the partition's ``number``.
    min_confidence : float, default 0.0
        Below it a row gets no label.

    Returns
    -------
    pandas.DataFrame
        One row: partition, input rows, output rows, error rows.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    assert partition_info is not None  # Dask passes it to a function that takes it
    number = partition_info["number"]
    table = score_partition(frame, model, split, min_confidence)
    pq.write_table(table, Path(folder) / f"part-{number:05d}.parquet")
    rows_in = len(pc.unique(table.column("row"))) if table.num_rows else 0
    counts = [number, rows_in, table.num_rows, table.num_rows - table.column("error").null_count]
    return _frame(pa.table({k: [v] for k, v in zip(COUNTS, counts)}))


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A ``distributed.Client`` for the run.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler to attach to.
    workers : int, optional
        Without a scheduler: single-threaded worker processes of a new
        ``LocalCluster`` (default: one per core).

    Yields
    ------
    distributed.Client
        Closed (with its cluster) on exit.

    Raises
    ------
    ClassifierError
        If the scheduler cannot be reached.
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ClassifierError(f"could not reach the Dask scheduler at {scheduler}: "
                                  f"{exc}") from None
        with client:
            yield client
        return
    from classifier.batch.local import default_jobs

    # Memory: the system allocator hands freed Arrow buffers back (mimalloc, the default,
    # keeps tens of MB per worker), and without a dashboard the workers' statistical
    # profiler only piles up samples (and costs time).
    pool = os.environ.get("ARROW_DEFAULT_MEMORY_POOL", "system")
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            LocalCluster(n_workers=workers or default_jobs(), threads_per_worker=1,
                         processes=True, dashboard_address=None,
                         env={"ARROW_DEFAULT_MEMORY_POOL": pool}) as cluster, \
            Client(cluster) as client:
        yield client


def predict_file_dask(
    model: Model | str | Path | None, input_path: str | Path, output_path: str | Path, *,
    text_column: str = "text", id_column: str | None = None, split: bool = False,
    scheduler: str | None = None, workers: int | None = None, part_bytes: int = 2 << 20,
    on_progress: Callable[[BatchProgress], None] | None = None, encoding: str = "utf-8",
    min_confidence: float = 0.0,
) -> BatchResult:
    """``classifier.batch.local.predict_file`` on a Dask cluster; writes a Parquet folder.

    Parameters
    ----------
    model : Model, str, Path or None
        A loaded model, or a model folder or shipped name (``None``: the default),
        which each worker loads once (the client reads only its labels).
    input_path : str or Path
        JSONL, CSV or Parquet file, or a folder of ``.txt`` articles.
    output_path : str or Path
        A folder ending in ``.parquet``, holding ``part-NNNNN.parquet`` files in
        input order (read it with ``pyarrow.parquet.read_table(output_path)``).
    text_column, id_column : str
        Where the text and the optional row id are.
    split : bool
        One output row per sentence.
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); without one a
        ``LocalCluster`` of ``workers`` processes is started for the run.
    workers : int, optional
        Worker processes of that cluster (default: one per core).
    part_bytes : int
        Target size of one partition of a JSONL or CSV input.
    on_progress : callable, optional
        Called with a ``BatchProgress`` as each partition is written (in any order).
    encoding : str
        Encoding of a CSV, JSONL or ``.txt`` input (ASCII-compatible).
    min_confidence : float
        A row whose best probability is below it gets no label (``low confidence``).

    Returns
    -------
    BatchResult
        Rows read and written, rows with an error, the time taken and the workers used.
    """
    require_extra()
    output_path = Path(output_path)
    if output_path.suffix.lower() != ".parquet":
        raise DataError(f"{output_path}: the Dask engine writes Parquet; name the output "
                        "*.parquet")
    check_output(input_path, output_path)
    _check_replaceable(output_path)
    started = time.perf_counter()
    shipped, labels = model_for_workers(model)
    parts = plan_parts(input_path, part_bytes=part_bytes, text_column=text_column,
                       encoding=encoding)
    with OutputLock(output_path):
        clean_stale(output_path.parent)
        try:
            tmp = staging_folder(output_path)
        except OSError as exc:
            raise OutputError(f"{output_path}: cannot write here ({exc.strerror})") from None
        try:
            with connect(scheduler, workers) as client:
                counts = _run(client, parts, shipped, labels, text_column, id_column, split,
                              tmp, started, on_progress, min_confidence)
                workers_used = len(client.scheduler_info().get("workers", {})) or 1
            _replace_folder(tmp, output_path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return BatchResult(str(input_path), str(output_path), *counts,
                       time.perf_counter() - started, "dask", workers_used)


def _run(
    client: Client, parts: list[Part], model: Model | ModelRef, labels: tuple[str, ...],
    text_column: str, id_column: str | None, split: bool, tmp: Path, started: float,
    on_progress: Callable[[BatchProgress], None] | None, min_confidence: float = 0.0,
) -> tuple[int, int, int]:
    """Read, score and write every part on the cluster; (rows in, rows out, errors)."""
    import dask
    import dask.dataframe as dd
    from distributed import as_completed

    if not isinstance(model, ModelRef):  # a Model object: sent to each worker once
        model = dask.delayed(model, pure=True)
    # the frames hold Arrow strings already: no conversion step (nor dask.dataframe
    # imported on the workers for it)
    with dask.config.set({"dataframe.convert-string": False}):
        raw = dd.from_map(read_part, parts, args=(text_column, id_column),
                          meta=_frame(_raw_schema().empty_table()), enforce_metadata=False)
        written = raw.map_partitions(predict_partition, model, split, str(tmp),
                                     min_confidence=min_confidence,
                                     meta=_frame(_counts_schema().empty_table()),
                                     enforce_metadata=False)
        futures = client.compute(written.to_delayed())
    sizes = [input_size(part) for part in parts]
    total, done, totals = sum(sizes), 0, [0, 0, 0]
    try:
        for future in as_completed(futures):
            number, *counts = future.result().iloc[0].tolist()
            totals = [a + b for a, b in zip(totals, counts)]
            done += sizes[number]
            if on_progress:
                on_progress(BatchProgress(done, total, totals[0], totals[1],
                                          time.perf_counter() - started))
    except BaseException:
        client.cancel(futures)
        raise
    return totals[0], totals[1], totals[2]


def _check_replaceable(path: Path) -> None:
    """Refuse to replace anything but a file or a folder of Parquet files."""
    if path.is_dir() and any(p.suffix != ".parquet" for p in path.iterdir()):
        raise DataError(f"{path}: exists and holds other files than Parquet; "
                        "refusing to replace it")


def _replace_folder(tmp: Path, target: Path) -> None:
    """Swap ``tmp`` into ``target``, removing a previous output only after the swap.

    Called under ``OutputLock``: no other run of this package swaps it meanwhile.
    """
    old = tmp.with_name(tmp.name[:-len(".dask")] + ".old.dask")
    try:
        if target.exists() or target.is_symlink():
            target.rename(old)
        try:
            tmp.rename(target)
        except OSError:
            if old.exists():
                old.rename(target)  # put the previous output back
            raise
    except OSError as exc:
        raise OutputError(f"{target}: could not write the output ({exc.strerror}); the "
                          "previous output, if any, is unchanged") from None
    if old.is_dir() and not old.is_symlink():
        shutil.rmtree(old, ignore_errors=True)
    else:
        old.unlink(missing_ok=True)
