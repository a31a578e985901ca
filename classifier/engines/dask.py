"""The Dask engine: batch prediction on a Dask cluster (or a ``LocalCluster``).

The input is planned into parts that start on record boundaries and know their
first row number (``classifier.chunks.plan_parts``); ``dask.dataframe.from_map``
reads them, ``map_partitions`` scores each partition with the loaded model
(sent to each worker once) through the same ``score_chunk`` as the local
engine, and ``to_parquet`` writes one file per partition into a temporary
folder that is renamed into place at the end. Rows are numbered and ordered as
in the local engine, so both give the same rows.

Needs the ``dask`` extra (``pip install 'classifier[dask]'``). On a remote
cluster the workers must have ``classifier`` installed and see the input and
output paths (a shared file system).
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

from classifier.batch import BatchResult, resolve_model, score_chunk
from classifier.chunks import Part, RawChunk, iter_chunks, output_schema, plan_parts
from classifier.errors import ClassifierError, DataError, MissingExtraError

INSTALL_HINT = "the Dask engine needs the dask extra: pip install 'classifier[dask]'"
RAW_COLUMNS = ("row", "id", "text", "error")


def require_extra() -> None:
    """Raise ``MissingExtraError`` unless dask.dataframe and distributed import."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise MissingExtraError(INSTALL_HINT) from None


def _raw_schema():
    import pyarrow as pa

    return pa.schema([("row", pa.int64()), ("id", pa.string()), ("text", pa.string()),
                      ("error", pa.string())])


def _frame(table):
    """A pandas frame backed by Arrow types, so nulls and int64 survive the round trip."""
    import pandas as pd

    return table.to_pandas(types_mapper=pd.ArrowDtype)


def read_part(part: Part, text_column: str, id_column: str | None):
    """One input part as a pandas frame of raw rows: row, id, text, error."""
    import pyarrow as pa

    rows, ids, texts, errors = [], [], [], []
    for chunk in iter_chunks(part, text_column, id_column, chunk_rows=1 << 16):
        rows.extend(range(chunk.first_row, chunk.first_row + len(chunk)))
        ids += chunk.ids
        texts += chunk.texts
        errors += chunk.errors
    return _frame(pa.table([rows, ids, texts, errors], schema=_raw_schema()))


def score_partition(frame, model, split: bool):
    """Score one partition of raw rows: the local engine's ``score_chunk``, chunk-wise."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, schema=_raw_schema(), preserve_index=False)
    rows, ids = table.column("row").to_pylist(), table.column("id").to_pylist()
    texts, errors = table.column("text").to_pylist(), table.column("error").to_pylist()
    batches, step = [], 1000
    for lo in range(0, len(rows), step):
        chunk = RawChunk(rows[lo], ids[lo:lo + step], texts[lo:lo + step], errors[lo:lo + step])
        batches.append(score_chunk(model, chunk, split))
    schema = output_schema(model.labels)
    return _frame(pa.Table.from_batches(batches, schema) if batches else schema.empty_table())


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None):
    """A ``distributed.Client``: attached to ``scheduler`` when given, else to a new
    ``LocalCluster`` of ``workers`` single-threaded worker processes."""
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
    from classifier.batch import default_jobs

    with LocalCluster(n_workers=workers or default_jobs(), threads_per_worker=1,
                      processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def predict_file_dask(
    model, input_path: str | Path, output_path: str | Path, *, text_column: str = "text",
    id_column: str | None = None, split: bool = False, scheduler: str | None = None,
    workers: int | None = None, part_bytes: int = 16 << 20,
) -> BatchResult:
    """``classifier.batch.predict_file`` on a Dask cluster; writes a Parquet folder.

    Parameters
    ----------
    model : Model, str, Path or None
        A loaded model, or a model folder or shipped name (``None``: the default).
    output_path : str or Path
        A folder ending in ``.parquet``, holding ``part-NNNNN.parquet`` files in
        input order (read it with ``pyarrow.parquet.read_table(output_path)``).
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); without one a
        ``LocalCluster`` of ``workers`` processes is started for the run.
    part_bytes : int
        Target size of one partition of a JSONL or CSV input.
    """
    require_extra()
    import dask
    import dask.dataframe as dd

    output_path = Path(output_path)
    if output_path.suffix.lower() != ".parquet":
        raise DataError(f"{output_path}: the Dask engine writes Parquet; name the output "
                        "*.parquet")
    _check_replaceable(output_path)
    started = time.perf_counter()
    loaded = resolve_model(model)
    parts = plan_parts(input_path, part_bytes=part_bytes, text_column=text_column)
    schema = output_schema(loaded.labels)
    tmp = output_path.with_name(f".{output_path.name}.dask.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with connect(scheduler, workers) as client:
        raw = dd.from_map(read_part, parts, args=(text_column, id_column),
                          meta=_frame(_raw_schema().empty_table()), enforce_metadata=False)
        scored = raw.map_partitions(score_partition, dask.delayed(loaded, pure=True), split,
                                    meta=_frame(schema.empty_table()), enforce_metadata=False)
        try:
            scored.to_parquet(tmp, write_index=False, schema=schema, write_metadata_file=False,
                              name_function=lambda i: f"part-{i:05d}.parquet")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        workers_used = len(client.scheduler_info().get("workers", {})) or 1
    rows_in, rows_out, errors = _count(tmp)
    _replace_folder(tmp, output_path)
    return BatchResult(str(input_path), str(output_path), rows_in, rows_out, errors,
                       time.perf_counter() - started, "dask", workers_used)


def _count(folder: Path) -> tuple[int, int, int]:
    """(input rows, output rows, error rows) of a written prediction folder."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rows_in = rows_out = errors = 0
    for path in sorted(folder.glob("*.parquet")):
        table = pq.read_table(path, columns=["row", "error"])
        rows_out += table.num_rows
        errors += table.num_rows - table.column("error").null_count
        if table.num_rows:
            rows_in += len(pc.unique(table.column("row")))
    return rows_in, rows_out, errors


def _check_replaceable(path: Path) -> None:
    """Refuse to replace anything but a file or a folder of Parquet files."""
    if path.is_dir() and any(p.suffix != ".parquet" for p in path.iterdir()):
        raise DataError(f"{path}: exists and holds other files than Parquet; "
                        "refusing to replace it")


def _replace_folder(tmp: Path, target: Path) -> None:
    """Swap ``tmp`` into ``target``, removing a previous output only after the swap."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    if old.is_dir():
        shutil.rmtree(old)
    else:
        old.unlink(missing_ok=True)
