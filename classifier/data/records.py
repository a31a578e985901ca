"""Reading a corpus in chunks, and writing prediction rows in chunks, at any size.

The I/O edge of batch prediction and out-of-core training. An input is a JSONL,
CSV or Parquet file, or a folder of ``.txt`` articles; it is read as ``Part``\\ s
(byte ranges, row groups or runs of files, so that a cluster can read them
independently), each yielding ``RawChunk``\\ s of at most ``chunk_rows`` rows.
Nothing is dropped: a row that cannot be decoded, a JSONL line that is not JSON,
a malformed CSV record (a stray quote, a wrong number of fields) comes back with
``text=None`` and an ``error`` saying why, and reading goes on. Output is written
through pyarrow to a temporary file that is renamed into place on success.

Rows are counted as a person would look them up: a JSONL row is a line (a blank
line is a row with an error), a CSV row is a record (a blank line is none), a
Parquet row a row, and a folder's row is one file (sorted by path, its id the
relative path).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.errors import DataError

INPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet"}
PARQUET_ROW_GROUP = 65_536  # rows buffered before a Parquet row group is written
MAX_RECORD_BYTES = 16 << 20  # a CSV quote never closed ends a record here, not at the end


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


class _Lines:
    """The lines of a CSV input for ``csv.reader``, decoded, with the raw lines of the
    record being read kept in ``taken`` (to size it, or to read it again).

    A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``. Lines pushed back with
    ``push_back`` come first. Mid-record, the input ends at ``MAX_RECORD_BYTES``
    (``ran_out`` is then set), so a quote that is never closed cannot swallow the file.
    """

    def __init__(self, source: Iterator[bytes]):
        self.source = source
        self.pending: list[bytes] = []
        self.taken: list[bytes] = []
        self.size, self.ran_out, self.dirty = 0, False, False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.taken and self.size > MAX_RECORD_BYTES:
            self.ran_out = True
            raise StopIteration
        line = self.pending.pop() if self.pending else next(self.source, None)
        if line is None:
            self.ran_out = bool(self.taken)
            raise StopIteration
        self.taken.append(line)
        self.size += len(line)
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:  # kept byte for byte: the cell's error names the byte
            self.dirty = True
            return line.decode("utf-8", "surrogateescape")

    def take(self) -> tuple[list[bytes], bool, bool]:
        """The raw lines of the record just read, whether the input ran out in it, and
        whether it holds bytes that are not UTF-8; then start the next record."""
        taken, ran_out, dirty = self.taken, self.ran_out, self.dirty
        self.taken, self.size, self.ran_out, self.dirty = [], 0, False, False
        return taken, ran_out, dirty

    def push_back(self, lines: list[bytes]) -> None:
        self.pending.extend(reversed(lines))


def _split_lines(handle, start: int, stop: int | None) -> Iterator[bytes]:
    """The lines of ``handle`` from byte ``start`` to ``stop`` (``None``: the end)."""
    handle.seek(start)
    left = None if stop is None else stop - start
    for line in handle:
        if left is not None:
            if left <= 0:
                return
            line, left = line[:left], left - len(line)
        if b"\r" in line:  # a lone carriage return also ends a line
            yield from line.splitlines(keepends=True)
        else:
            yield line


def _csv_records(lines: Iterator[bytes], width: int | None):
    """(size in bytes, fields, error, dirty) of each CSV record, in order.

    A blank line gives no fields and no error. A record that spans lines must be
    well formed (RFC 4180: nothing but a separator after a closing quote, every quote
    closed); if not, only its first line is taken as the record, an error with an
    unbalanced quote, and reading resumes on the next line, so a stray quote costs
    one row, not the rows after it. A one-line record is read leniently, as other
    CSV readers do (``"ab"c`` is ``abc``). A record without ``width`` fields is an error.
    """
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
    feed = _Lines(lines)
    reader = csv.reader(feed, strict=True)
    while True:
        try:
            fields, error = next(reader), None
        except StopIteration:
            return
        except csv.Error as exc:
            fields, error = None, str(exc)
        taken, ran_out, dirty = feed.take()
        if error is not None or ran_out:
            reader = csv.reader(feed, strict=True)  # a fresh start on the next line
            if len(taken) > 1 or ran_out:
                feed.push_back(taken[1:])
                taken, error = taken[:1], "unbalanced quote"
            else:
                fields, error = _lenient(taken[0])
        if error is None and fields and width is not None and len(fields) != width:
            n = len(fields)
            error = f"{n} field{'s' * (n != 1)}, the header has {width}"
        if error is not None:
            fields, error = None, f"malformed CSV record ({error})"
        yield sum(map(len, taken)), fields, error, dirty


def _lenient(line: bytes) -> tuple[list[str] | None, str | None]:
    """(fields, error) of one CSV line read as leniently as the csv module can."""
    try:
        return next(csv.reader([line.decode("utf-8", "surrogateescape")]), []), None
    except csv.Error as exc:
        return None, str(exc)


def _csv_header(path: str) -> tuple[list[str], int]:
    """The column names of a CSV file and the size of its header record in bytes."""
    offset = 0
    with open(path, "rb") as handle:
        for size, fields, error, _ in _csv_records(_split_lines(handle, 0, None), None):
            offset += size  # blank lines before the header included
            if fields:
                names = [name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                         for name in fields]
                return [names[0].removeprefix("\ufeff")] + names[1:], offset
            if error:
                raise DataError(f"{path}: could not read the CSV header: {error}")
    return [], os.path.getsize(path)


def _check_columns(path: str, names: list[str], columns) -> None:
    for name in columns:
        if name and name not in names:
            raise DataError(f"{path}: no column {name!r}; columns found: "
                            f"{', '.join(names) or 'none'}")


def _raw(value: str, dirty: bool) -> str | bytes:
    """A CSV cell as read: its bytes if its record holds bytes that are not UTF-8."""
    return value.encode("utf-8", "surrogateescape") if dirty else value


def _csv_chunks(part, text_column, id_column, label_column, chunk_rows):
    names, header_size = _csv_header(part.path)
    _check_columns(part.path, names, (text_column, id_column, label_column))
    text_at = names.index(text_column)
    id_at = names.index(id_column) if id_column else None
    label_at = names.index(label_column) if label_column else None
    start = max(part.start, header_size)
    chunk = RawChunk(part.first_row, labels=[] if label_column else None,
                     consumed=start - part.start)
    with open(part.path, "rb") as handle:
        for size, fields, error, dirty in _csv_records(
                _split_lines(handle, start, part.stop), len(names)):
            chunk.consumed += size
            if fields == []:  # a blank line is not a row
                continue
            if fields is None:
                _append(chunk, None, None, error)
            else:
                text, error = _decode(_raw(fields[text_at], dirty))
                _append(chunk, None if id_at is None else _key(_raw(fields[id_at], dirty)),
                        text, error,
                        None if label_at is None else _key(_raw(fields[label_at], dirty)))
            if len(chunk) >= chunk_rows:
                yield chunk
                chunk = RawChunk(chunk.first_row + len(chunk),
                                 labels=[] if label_column else None)
    if len(chunk) or chunk.consumed:
        yield chunk


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
    if base.kind == "csv":
        return _csv_parts(base.path, part_bytes, text_column)
    bounds = _record_bounds(base.path, part_bytes)
    rows = [_count_lines(base.path, lo, hi) for lo, hi in bounds]
    starts = [sum(rows[:i]) for i in range(len(rows))]
    return [Part(base.path, base.kind, lo, hi, first) for (lo, hi), first in zip(bounds, starts)]


def _csv_parts(path: str, part_bytes: int, text_column: str) -> list[Part]:
    """Parts of about ``part_bytes`` that start on records as the CSV reader finds them
    (malformed ones included), with their first row numbers."""
    names, start = _csv_header(path)
    _check_columns(path, names, (text_column,))
    parts, low, first, row, position = [], start, 0, 0, start
    with open(path, "rb") as handle:
        for size, fields, _, _ in _csv_records(_split_lines(handle, start, None), len(names)):
            if position - low >= part_bytes:
                parts.append(Part(path, "csv", low, position, first))
                low, first = position, row
            position += size
            row += fields != []
    if position > low or not parts:
        parts.append(Part(path, "csv", low, position, first))
    return parts


def _record_bounds(path: str, part_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``part_bytes`` that start and end on line starts (JSONL)."""
    size = os.path.getsize(path)
    start, bounds = 0, []
    with open(path, "rb") as handle:
        while start < size:
            target = start + part_bytes
            stop = None if target >= size else _line_after(handle, target)
            stop = size if stop is None else stop
            bounds.append((start, stop))
            start = stop
    return bounds or [(start, start)]


def _line_after(handle, target: int) -> int | None:
    """The first line start at or after ``target`` (``None``: the end of the file)."""
    handle.seek(target)
    position = target
    for line in handle:
        position += len(line)
        if line.endswith(b"\n"):
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
        self._writer: Any = None
        self._handle: Any = None
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
