"""Reading a corpus in chunks, and writing prediction rows in chunks, at any size.

The I/O edge of batch prediction and out-of-core training. An input is a JSONL,
CSV or Parquet file, or a folder of ``.txt`` articles; it is read as ``Part``\\ s
(byte ranges, row groups or runs of files, so that a cluster can read them
independently), each yielding ``RawChunk``\\ s of at most ``chunk_rows`` rows.
Nothing is dropped: a row that cannot be decoded comes back with ``text=None``
and an ``error`` saying why. Output is written through pyarrow to a temporary
file that is renamed into place on success.

Rows are counted as a person would look them up: a JSONL row is a line (a blank
line is a row with an error), a CSV row is a record, a Parquet row a row, and a
folder's row is one file (sorted by path, its id the relative path).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from classifier.errors import DataError

INPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet"}
PARQUET_ROW_GROUP = 65_536  # rows buffered before a Parquet row group is written


@dataclass(frozen=True)
class Part:
    """A slice of an input that can be read on its own (locally or on a worker).

    ``start``/``stop`` are byte offsets (JSONL, CSV: both on record boundaries),
    row-group indices (Parquet) or indices into ``files`` (a folder of ``.txt``);
    ``stop=None`` means to the end. ``first_row`` is the input row number of its
    first row.
    """

    path: str
    kind: str
    start: int = 0
    stop: int | None = None
    first_row: int = 0
    files: tuple[str, ...] = ()
    header: bytes = b""


@dataclass
class RawChunk:
    """Consecutive input rows: ids (``None``: use the row number), texts, errors.

    ``consumed`` is the progress made on the input (bytes, rows or files, in the
    unit of ``input_size``); ``labels`` is filled only when a label column is read.
    """

    first_row: int
    ids: list[str | None] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    errors: list[str | None] = field(default_factory=list)
    labels: list[str | None] | None = None
    consumed: int = 0

    def __len__(self) -> int:
        return len(self.texts)


def input_kind(path: str | Path) -> str:
    """``jsonl``, ``csv``, ``parquet`` or ``txt`` (a folder), from the path."""
    path = Path(path)
    if path.is_dir():
        return "txt"
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    kind = INPUT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(INPUT_SUFFIXES))
        raise DataError(f"{path}: unknown input format {path.suffix or '(none)'!r}; use one "
                        f"of {known}, or a folder of .txt files")
    return kind


def output_kind(path: str | Path) -> str:
    """``jsonl``, ``csv`` or ``parquet``, from the output path's suffix."""
    kind = OUTPUT_SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        known = ", ".join(sorted(OUTPUT_SUFFIXES))
        raise DataError(f"{path}: unknown output format {Path(path).suffix or '(none)'!r}; "
                        f"use one of {known}")
    return kind


def text_files(folder: Path) -> tuple[str, ...]:
    """The ``.txt`` files under ``folder``, as sorted relative POSIX paths."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.txt")
                   if p.is_file())
    if not files:
        raise DataError(f"{folder}: no .txt files in this folder")
    return tuple(files)


def whole(path: str | Path) -> Part:
    """The whole input as one part (for reading it in one stream)."""
    kind = input_kind(path)
    files = text_files(Path(path)) if kind == "txt" else ()
    return Part(str(path), kind, files=files)


def input_size(part: Part) -> int:
    """How much there is to read, in the unit of ``RawChunk.consumed``."""
    if part.kind == "txt":
        return (part.stop if part.stop is not None else len(part.files)) - part.start
    if part.kind == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(part.path).metadata.num_rows
    stop = part.stop if part.stop is not None else os.path.getsize(part.path)
    return stop - part.start


def iter_chunks(
    part: Part, text_column: str = "text", id_column: str | None = None,
    label_column: str | None = None, chunk_rows: int = 1000,
) -> Iterator[RawChunk]:
    """The rows of ``part``, in order, in chunks of at most ``chunk_rows``."""
    readers = {"jsonl": _jsonl_chunks, "csv": _csv_chunks, "parquet": _parquet_chunks,
               "txt": _txt_chunks}
    yield from readers[part.kind](part, text_column, id_column, label_column, chunk_rows)


def _decode(value, what: str = "text") -> tuple[str | None, str | None]:
    """(text, error) of a cell: bytes are decoded as UTF-8, other values made strings."""
    if value is None:
        return "", None
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            return None, f"{what} not UTF-8 ({exc.reason} at byte {exc.start})"
    return value if isinstance(value, str) else str(value), None


def _key(value) -> str | None:
    """An id or label cell as a string (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def _parse_json_line(line: bytes, text_column, id_column, label_column):
    """(id, text, label, error, keys) of one JSONL line; ``keys`` is None if not an object."""
    if not line.strip():
        return None, None, None, "blank line", None
    try:
        obj = json.loads(line)  # bytes: json detects UTF-8 and rejects invalid bytes
    except UnicodeDecodeError as exc:
        return None, None, None, f"not UTF-8 ({exc.reason} at byte {exc.start})", None
    except ValueError as exc:
        return None, None, None, f"invalid JSON ({getattr(exc, 'msg', exc)})", None
    if not isinstance(obj, dict):
        return None, None, None, "not a JSON object", None
    row_id = _key(obj.get(id_column)) if id_column else None
    label = _key(obj.get(label_column)) if label_column else None
    if text_column not in obj:
        return row_id, None, label, f"no field {text_column!r}", obj.keys()
    text, error = _decode(obj[text_column])
    return row_id, text, label, error, obj.keys()


def _jsonl_chunks(part, text_column, id_column, label_column, chunk_rows):
    chunk = RawChunk(part.first_row, labels=[] if label_column else None)
    checked, seen = False, {}
    with open(part.path, "rb") as handle:
        handle.seek(part.start)
        position = part.start
        for line in handle:
            if part.stop is not None and position >= part.stop:
                break
            position += len(line)
            chunk.consumed += len(line)
            row_id, text, label, error, keys = _parse_json_line(
                line, text_column, id_column, label_column)
            if keys is not None and not checked:
                for name in (text_column, id_column, label_column):
                    if name:
                        seen[name] = seen.get(name, False) or name in keys
                seen.setdefault("_keys", tuple(keys))
            _append(chunk, row_id, text, error, label)
            if len(chunk) >= chunk_rows:
                if not checked:
                    checked = _check_fields(part, seen)
                yield chunk
                chunk = RawChunk(chunk.first_row + len(chunk),
                                 labels=[] if label_column else None)
    if len(chunk) or chunk.consumed:
        if not checked:
            _check_fields(part, seen)
        yield chunk


def _check_fields(part: Part, seen: dict) -> bool:
    """Refuse a JSONL file whose first chunk never has a named field (a typo, not data)."""
    missing = [name for name, found in seen.items() if name != "_keys" and not found]
    if missing:
        found = ", ".join(map(str, seen.get("_keys", ()))) or "none"
        raise DataError(f"{part.path}: no field {missing[0]!r} in the first rows; "
                        f"fields found: {found}")
    return True


def _append(chunk: RawChunk, row_id, text, error, label=None) -> None:
    chunk.ids.append(row_id)
    chunk.texts.append(text)
    chunk.errors.append(error)
    if chunk.labels is not None:
        chunk.labels.append(label)


class _CountingReader:
    """A binary file that counts the bytes read from it (progress for pyarrow's CSV)."""

    def __init__(self, handle, limit: int | None = None):
        self.handle, self.count, self.limit, self.closed = handle, 0, limit, False

    def read(self, size: int = -1) -> bytes:
        if self.limit is not None:
            left = self.limit - self.count
            size = left if size is None or size < 0 else min(size, left)
        data = self.handle.read(size)
        self.count += len(data)
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True


def _csv_header(path: str) -> bytes:
    """The header record of a CSV file (up to its first unquoted line break)."""
    with open(path, "rb") as handle:
        data = handle.read(1 << 20)
    end = _next_record_start(data, 0, 0)
    return data[:end] if end is not None else data


def _next_record_start(data: bytes, position: int, quotes: int) -> int | None:
    """Offset just after the first line break at or after ``position`` outside quotes.

    ``quotes`` is the number of ``"`` in ``data`` before ``position``; in RFC 4180
    CSV an escaped quote is doubled, so the parity says whether we are in a field.
    """
    while True:
        newline = data.find(b"\n", position)
        if newline < 0:
            return None
        quotes += data.count(b'"', position, newline)
        if quotes % 2 == 0:
            return newline + 1
        position = newline + 1


def _csv_chunks(part, text_column, id_column, label_column, chunk_rows):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    columns = [c for c in (text_column, id_column, label_column) if c]
    header = _csv_header(part.path)
    names = next(csv.reader([header.decode("utf-8", "replace")]), [])
    for name in columns:
        if name not in names:
            raise DataError(f"{part.path}: no column {name!r}; columns found: "
                            f"{', '.join(names) or 'none'}")
    handle = open(part.path, "rb")  # noqa: SIM115 - closed below
    try:
        if part.start:
            handle.seek(part.start)
            limit = None if part.stop is None else part.stop - part.start
            source = pa.BufferReader(header + handle.read(-1 if limit is None else limit))
            counter = None
        else:
            counter = _CountingReader(handle, part.stop)
            source = counter
        reader = pcsv.open_csv(
            source,
            read_options=pcsv.ReadOptions(use_threads=False, block_size=1 << 20),
            convert_options=pcsv.ConvertOptions(
                include_columns=columns, column_types={c: pa.binary() for c in columns}),
        )
        row, reported = part.first_row, 0
        for batch in reader:
            texts = batch.column(text_column).to_pylist()
            ids = batch.column(id_column).to_pylist() if id_column else [None] * len(texts)
            labels = batch.column(label_column).to_pylist() if label_column else None
            for lo in range(0, len(texts), chunk_rows):
                chunk = RawChunk(row, labels=[] if label_column else None)
                for k in range(lo, min(lo + chunk_rows, len(texts))):
                    text, error = _decode(texts[k])
                    _append(chunk, _key(ids[k]), text, error,
                            _key(labels[k]) if labels is not None else None)
                if counter is not None:
                    chunk.consumed, reported = counter.count - reported, counter.count
                row += len(chunk)
                yield chunk
    except pa.ArrowInvalid as exc:
        first = str(exc).strip().splitlines()[0]
        raise DataError(f"{part.path}: could not read CSV: {first}") from None
    finally:
        handle.close()


def _parquet_chunks(part, text_column, id_column, label_column, chunk_rows):
    import pyarrow.parquet as pq

    columns = [c for c in (text_column, id_column, label_column) if c]
    parquet = pq.ParquetFile(part.path)
    found = parquet.schema_arrow.names
    for name in columns:
        if name not in found:
            raise DataError(f"{part.path}: no column {name!r}; columns found: {', '.join(found)}")
    stop = parquet.num_row_groups if part.stop is None else part.stop
    groups = list(range(part.start, stop))
    row = part.first_row
    for batch in parquet.iter_batches(batch_size=chunk_rows, row_groups=groups,
                                      columns=columns):
        texts = batch.column(text_column).to_pylist()
        ids = batch.column(id_column).to_pylist() if id_column else [None] * len(texts)
        labels = batch.column(label_column).to_pylist() if label_column else None
        chunk = RawChunk(row, labels=[] if label_column else None, consumed=len(texts))
        for k, value in enumerate(texts):
            text, error = _decode(value)
            _append(chunk, _key(ids[k]), text, error,
                    _key(labels[k]) if labels is not None else None)
        row += len(chunk)
        yield chunk


def _txt_chunks(part, text_column, id_column, label_column, chunk_rows):
    folder = Path(part.path)
    stop = len(part.files) if part.stop is None else part.stop
    chunk = RawChunk(part.first_row)
    for name in part.files[part.start:stop]:
        try:
            text, error = _decode((folder / name).read_bytes())
        except OSError as exc:
            text, error = None, f"unreadable ({exc.strerror})"
        _append(chunk, name, text, error)
        chunk.consumed += 1
        if len(chunk) >= chunk_rows:
            yield chunk
            chunk = RawChunk(chunk.first_row + len(chunk))
    if len(chunk):
        yield chunk


def plan_parts(path: str | Path, part_bytes: int = 16 << 20, part_files: int = 1000,
               text_column: str = "text") -> list[Part]:
    """Split an input into parts of about ``part_bytes`` (or row groups, or files),
    each knowing the row number it starts at, so they can be read independently."""
    base = whole(path)
    if base.kind == "txt":
        return [Part(base.path, "txt", first_row=lo, files=base.files[lo:lo + part_files])
                for lo in range(0, len(base.files), part_files)]
    if base.kind == "parquet":
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(base.path).metadata
        parts, row = [], 0
        for group in range(meta.num_row_groups):
            parts.append(Part(base.path, "parquet", group, group + 1, row))
            row += meta.row_group(group).num_rows
        return parts or [base]
    bounds = _record_bounds(base.path, part_bytes, quoted=base.kind == "csv")
    if base.kind == "jsonl":
        rows = [_count_lines(base.path, lo, hi) for lo, hi in bounds]
    else:
        rows = [sum(len(c) for c in iter_chunks(Part(base.path, "csv", lo, hi), text_column,
                                                 chunk_rows=1 << 20)) for lo, hi in bounds]
    starts = [sum(rows[:i]) for i in range(len(rows))]
    return [Part(base.path, base.kind, lo, hi, first) for (lo, hi), first in zip(bounds, starts)]


def _record_bounds(path: str, part_bytes: int, quoted: bool) -> list[tuple[int, int]]:
    """Byte ranges of about ``part_bytes`` that start and end on record boundaries.

    Reads the file once, in blocks; for CSV (``quoted``) a line break inside a
    quoted field is not a boundary.
    """
    size = os.path.getsize(path)
    start = len(_csv_header(path)) if quoted else 0
    bounds = []
    with open(path, "rb") as handle:
        while start < size:
            target = start + part_bytes
            stop = None if target >= size else _boundary_after(handle, start, target, quoted)
            stop = size if stop is None else stop
            bounds.append((start, stop))
            start = stop
    return bounds or [(start, start)]


def _boundary_after(handle, start: int, target: int, quoted: bool) -> int | None:
    """The first record start at or after ``target``, scanning from record start ``start``."""
    quotes = 0
    if quoted:  # the quote parity at ``target`` says whether it falls inside a field
        handle.seek(start)
        left = target - start
        while left > 0:
            block = handle.read(min(left, 1 << 22))
            quotes, left = quotes + block.count(b'"'), left - len(block)
    handle.seek(target)
    position = target
    for line in handle:
        position += len(line)
        quotes += line.count(b'"') if quoted else 0
        if line.endswith(b"\n") and quotes % 2 == 0:
            return position
    return None


def _count_lines(path: str, start: int, stop: int) -> int:
    """Lines (rows) in a byte range that starts at a line start."""
    count, last = 0, b"\n"
    with open(path, "rb") as handle:
        handle.seek(start)
        left = stop - start
        while left > 0:
            block = handle.read(min(left, 1 << 22))
            if not block:
                break
            count += block.count(b"\n")
            last, left = block[-1:], left - len(block)
    return count + (last != b"\n")


def output_schema(labels: tuple[str, ...]):
    """The columns of a prediction row; the same for every format and engine."""
    import pyarrow as pa

    return pa.schema(
        [("row", pa.int64()), ("id", pa.string()), ("sentence", pa.int64()),
         ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
         ("label", pa.string()), ("confidence", pa.float64())]
        + [(f"p_{label}", pa.float64()) for label in labels]
        + [("error", pa.string())]
    )


def temporary_path(path: Path) -> Path:
    """A sibling of ``path`` to write to before renaming: never a half file under ``path``."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


class PredictionWriter:
    """Writes record batches to a JSONL, CSV or Parquet file, atomically.

    Use as a context manager: the rows go to a temporary sibling file that is
    renamed to ``path`` only when the block ends without an error.
    """

    def __init__(self, path: str | Path, schema):
        self.path, self.schema = Path(path), schema
        self.kind = output_kind(self.path)
        self.rows = 0
        self._tmp = temporary_path(self.path)
        self._writer = self._handle = None
        self._pending: list = []

    def __enter__(self) -> PredictionWriter:
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.kind == "parquet":
            self._writer = pq.ParquetWriter(self._tmp, self.schema)
        elif self.kind == "csv":
            self._writer = pcsv.CSVWriter(self._tmp, self.schema)
        else:
            self._handle = open(self._tmp, "w", encoding="utf-8")  # noqa: SIM115
        return self

    def write(self, batch) -> None:
        """Append one record batch (in the writer's schema)."""
        self.rows += batch.num_rows
        if self.kind == "jsonl":
            dumps = json.dumps
            self._handle.write("".join(dumps(row, ensure_ascii=False) + "\n"
                                       for row in batch.to_pylist()))
        elif self.kind == "csv":
            self._writer.write_batch(batch)
        else:
            self._pending.append(batch)
            if sum(b.num_rows for b in self._pending) >= PARQUET_ROW_GROUP:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._pending:
            self._writer.write_table(pa.Table.from_batches(self._pending, self.schema))
            self._pending = []

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.kind == "parquet" and exc_type is None:
                self._flush()
            for closable in (self._writer, self._handle):
                if closable is not None:
                    closable.close()
        finally:
            if exc_type is None:
                os.replace(self._tmp, self.path)
            else:
                self._tmp.unlink(missing_ok=True)
