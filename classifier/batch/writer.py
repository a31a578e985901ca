"""The one writer of prediction rows: JSONL, CSV or Parquet, to a file or a stream.

A file is written whole or not at all: rows go to a temporary sibling
(``.NAME.PID.TOKEN.tmp``) that is flushed, synced and closed, and only then
renamed over the target; if anything fails (a full disk, an interrupt), the
previous target stays and the temporary file is removed. ``OutputLock`` keeps
two runs from writing one target at once, and ``clean_stale`` removes the
temporary files and staging folders that a killed run (``kill -9``) left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from classifier.errors import ClassifierError, DataError
from classifier.leftovers import pid_alive, remove_stale

OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet"}
PARQUET_ROW_GROUP = 65_536  # rows buffered before a Parquet row group is written
# .NAME.PID.tmp (older runs), .NAME.PID.TOKEN.tmp, .NAME.PID.TOKEN.dask (staging folder)
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)(?:\.(?P<token>[0-9a-f]{6,}(?:\.old)?))?"
                        r"\.(?P<kind>tmp|dask)$")


class OutputError(ClassifierError):
    """The output could not be written (a full disk, no permission).

    The previous output, if any, is unchanged.
    """


def output_kind(path: str | Path) -> str:
    """``jsonl``, ``csv`` or ``parquet``, from the output path's suffix.

    Parameters
    ----------
    path : str or Path
        The output file.

    Returns
    -------
    str
        The format.

    Raises
    ------
    DataError
        For an unknown suffix.

    Examples
    --------
    >>> output_kind("out.CSV")
    'csv'
    """
    kind = OUTPUT_SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        known = ", ".join(sorted(OUTPUT_SUFFIXES))
        raise DataError(f"{path}: unknown output format {Path(path).suffix or '(none)'!r}; "
                        f"use one of {known}")
    return kind


def temporary_path(path: Path) -> Path:
    """A unique sibling of ``path`` to write to before renaming.

    Never a half file under ``path``, and never another run's temporary file.

    Parameters
    ----------
    path : Path
        The output.

    Returns
    -------
    Path
        ``.NAME.PID.TOKEN.tmp`` beside it.
    """
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp")


def staging_folder(path: Path) -> Path:
    """A new, unique, empty sibling folder of ``path`` to build a folder output in.

    Parameters
    ----------
    path : Path
        The output folder.

    Returns
    -------
    Path
        ``.NAME.PID.TOKEN.dask`` beside it, created.
    """
    folder = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.dask")
    folder.mkdir(parents=True)
    return folder


def clean_stale(folder: Path) -> list[Path]:
    """Remove the temporary files, staging folders and locks of dead runs in ``folder``.

    Only names this module makes (``.NAME.PID[.TOKEN].tmp``, ``.NAME.PID.TOKEN.dask``,
    ``.NAME.lock``) whose process no longer runs are removed
    (``classifier.leftovers.remove_stale``).

    Parameters
    ----------
    folder : Path
        The output's folder.

    Returns
    -------
    list of Path
        What was removed.
    """
    removed = remove_stale(folder, _TEMPORARY)
    try:
        locks = [p for p in Path(folder).glob(".*.lock") if p.is_file()]
    except OSError:
        return removed
    for lock in locks:
        owner = _lock_owner(lock)
        if owner is not None and not pid_alive(owner):
            with contextlib.suppress(OSError):
                lock.unlink()
                removed.append(lock)
    return removed


class OutputLock:
    """One writer per output: ``.NAME.lock`` beside it, holding the writer's PID.

    A second run that asks for the same output while the first runs fails with
    one clear error; the lock of a dead run is taken over.

    Parameters
    ----------
    path : str or Path
        The output the lock guards.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.lock = self.path.with_name(f".{self.path.name}.lock")
        self._held = False

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = _lock_owner(self.lock)
                if owner is not None and pid_alive(owner):
                    raise OutputError(f"{self.path}: another run is writing this output "
                                      f"(process {owner}); wait for it or choose another "
                                      "output") from None
                self.lock.unlink(missing_ok=True)  # a dead run's lock
                continue
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot write here: {exc.strerror}") from None
            with os.fdopen(fd, "w") as handle:
                handle.write(str(os.getpid()))
            self._held = True
            return self
        raise OutputError(f"{self.path}: could not take the output lock {self.lock}")

    def __exit__(self, *exc: object) -> None:
        if self._held and _lock_owner(self.lock) == os.getpid():
            self.lock.unlink(missing_ok=True)
        self._held = False


def _lock_owner(lock: Path) -> int | None:
    try:
        text = lock.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _sync(path: Path) -> None:
    """Flush ``path``'s data to the disk (a full disk fails here, not after the rename)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PredictionWriter:
    """Writes record batches of prediction rows as JSONL, CSV or Parquet.

    Use as a context manager. To a path, rows go to a temporary sibling file that
    is synced, closed and renamed to ``path`` only when the block ends without an
    error; on any error the temporary file is removed and ``path`` is unchanged.
    To a binary stream (``sink``, e.g. ``sys.stdout.buffer``), JSONL and CSV rows
    are written as they come.

    Parameters
    ----------
    path : str or Path, optional
        The output file; its suffix picks the format unless ``kind`` is given.
    schema : pyarrow.Schema
        ``classifier.batch.rows.output_schema(labels)``.
    sink : binary file, optional
        A stream to write to instead of a file.
    kind : str, optional
        ``jsonl``, ``csv`` or ``parquet`` (with ``sink``: ``jsonl`` or ``csv``).
    """

    def __init__(self, path: str | Path | None, schema: Any, *, sink: IO[bytes] | None = None,
                 kind: str | None = None):
        if (path is None) == (sink is None):
            raise ValueError("give a path or a sink")
        self.path = Path(path) if path is not None else None
        self.schema, self.sink = schema, sink
        self.kind = kind or output_kind(self.path)  # type: ignore[arg-type]
        if sink is not None and self.kind == "parquet":
            raise DataError("Parquet is written to a file, not to a stream")
        self.rows = 0
        self._tmp = temporary_path(self.path) if self.path is not None else None
        self._writer: Any = None
        self._handle: Any = None
        self._pending: list = []

    def __enter__(self) -> PredictionWriter:
        target: Any = self.sink
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                clean_stale(self.path.parent)
                target = self._tmp
            if self.kind == "parquet":
                import pyarrow.parquet as pq

                self._writer = pq.ParquetWriter(target, self.schema)
            elif self.path is not None:
                self._handle = open(target, "wb")  # noqa: SIM115
            else:
                self._handle = self.sink
            if self.kind == "csv":
                self._handle.write(_csv_line(self._names()).encode("utf-8"))
        except OSError as error:
            self._discard()
            raise OutputError(_describe(self.path or "output", error)) from None
        return self

    def _names(self) -> list[str]:
        return list(self.schema.names) if hasattr(self.schema, "names") else list(self.schema)

    def write(self, batch: Any) -> None:
        """Append rows.

        Parameters
        ----------
        batch : Rows or pyarrow.RecordBatch
            Rows in the writer's schema.

        Raises
        ------
        OutputError
            Writing failed (a full disk, a closed pipe): one line naming the output.
        """
        try:
            self._write(batch)
        except OSError as error:
            raise OutputError(_describe(self.path or "output", error)) from None
        self.rows += batch.num_rows

    def _write(self, batch: Any) -> None:
        if self.kind == "jsonl":
            dumps = json.dumps
            self._handle.write("".join(dumps(row, ensure_ascii=False) + "\n"
                                       for row in batch.to_pylist()).encode("utf-8"))
        elif self.kind == "csv":
            self._handle.write("".join(_csv_line(row.values())
                                       for row in batch.to_pylist()).encode("utf-8"))
        else:
            self._pending.append(batch.to_arrow() if hasattr(batch, "to_arrow") else batch)
            if sum(b.num_rows for b in self._pending) >= PARQUET_ROW_GROUP:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._pending:
            self._writer.write_table(pa.Table.from_batches(self._pending, self.schema))
            self._pending = []

    def _close(self) -> None:
        """Write what is buffered and close; raises if any of it fails."""
        if self.kind == "parquet":
            self._flush()
        if self._writer is not None:
            self._writer.close()
        if self._handle is not None:
            if self.sink is None:
                self._handle.close()
            else:
                self._handle.flush()
        if self._tmp is not None:
            _sync(self._tmp)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            try:
                self._close()
            except BaseException as error:
                self._discard()
                if isinstance(error, OSError):
                    raise OutputError(_describe(self.path or "output", error)) from None
                raise
            if self._tmp is not None and self.path is not None:
                try:
                    os.replace(self._tmp, self.path)
                except OSError as error:
                    self._discard()
                    raise OutputError(_describe(self.path, error)) from None
            return
        self._discard()

    def _discard(self) -> None:
        """Close quietly and remove the temporary file."""
        for closable in (self._writer, self._handle):
            if closable is not None and closable is not self.sink:
                with contextlib.suppress(Exception):
                    closable.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.unlink(missing_ok=True)


def _csv_cell(value: Any) -> str:
    """A CSV cell as pyarrow writes it: strings quoted, nulls empty, numbers bare."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    return repr(value) if isinstance(value, float) else str(value)


def _csv_line(values: Any) -> str:
    r"""One CSV record (RFC 4180, ``\n`` line ends; line breaks stay inside quotes)."""
    return ",".join(map(_csv_cell, values)) + "\n"


def _describe(path: Path | str, error: BaseException) -> str:
    """One line for a failed write; the previous output is unchanged."""
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return f"{path}: could not write the output ({reason}); the previous file, if any, is " \
           "unchanged"
