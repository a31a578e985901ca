r"""Reading a corpus in chunks, and writing prediction rows in chunks, at any size.

The I/O edge of batch prediction and out-of-core training. An input is a JSONL,
CSV or Parquet file, or a folder of ``.txt`` articles; it is read as ``Part``\ s
(byte ranges, row groups or runs of files, so that a cluster can read them
independently), each yielding ``RawChunk``\ s of at most ``chunk_rows`` rows.
Nothing is dropped: a row that cannot be decoded, a JSONL line that is not JSON,
a malformed CSV record (a stray quote, a wrong number of fields) comes back with
``text=None`` and an ``error`` saying why, and reading goes on (with
``strict=True`` a cell that does not decode is an error instead, for a person at a
terminal who passed the wrong ``--encoding``). A CSV record longer than
``MAX_RECORD_BYTES`` is checked ahead without being kept (up to ``MAX_SCAN_BYTES``):
a legal one is still one row, and a quote that is never closed costs one row.
Writing predictions is ``classifier.batch.writer``.

Rows are counted as a person would look them up: a JSONL row is a line (a blank
line is a row with an error), a CSV row is a record (a blank line is none), a
Parquet row a row, and a folder's row is one file (sorted by path, its id the
relative path).
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from classifier.errors import DataError

INPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
MAX_RECORD_BYTES = 16 << 20  # a CSV record is parsed in memory up to here, then scanned
MAX_LOOKAHEAD_BYTES = 64 << 20  # scanned lines kept (to read them again) up to here
MAX_SCAN_BYTES = 1 << 30  # a quote not closed within this many bytes is never closed


@dataclass(frozen=True)
class Part:
    """A slice of an input that can be read on its own (locally or on a worker).

    ``start``/``stop`` are byte offsets (JSONL, CSV: both on record boundaries),
    row-group indices (Parquet) or indices into ``files`` (a folder of ``.txt``);
    ``stop=None`` means to the end. ``first_row`` is the input row number of its
    first row; ``encoding`` that of its text (an ASCII-compatible codec).
    """

    path: str
    kind: str
    start: int = 0
    stop: int | None = None
    first_row: int = 0
    files: tuple[str, ...] = ()
    header: bytes = b""
    encoding: str = "utf-8"


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
    """``jsonl``, ``csv``, ``parquet`` or ``txt`` (a folder), from the path.

    Parameters
    ----------
    path : str or Path
        The input.

    Returns
    -------
    str
        The kind.

    Raises
    ------
    DataError
        If the path does not exist or its suffix is unknown.
    """
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


def text_files(folder: Path) -> tuple[str, ...]:
    """The ``.txt`` entries under ``folder``, as sorted relative POSIX paths.

    Every entry named ``*.txt`` is listed, readable or not (a broken link, a FIFO),
    and so is every sub-folder that cannot be listed, with a trailing ``/``: each
    becomes an error row when read, so that nothing is skipped without a word.
    Symbolic links to folders are not followed.

    Parameters
    ----------
    folder : Path
        A folder of articles.

    Returns
    -------
    tuple of str
        The entries.

    Raises
    ------
    DataError
        If the folder cannot be read or holds no ``.txt`` entry.
    """
    found: list[str] = []

    def unlisted(exc: OSError) -> None:
        where = Path(exc.filename or folder)
        if where == folder:
            raise DataError(f"{folder}: cannot read this folder ({exc.strerror})")
        found.append(where.relative_to(folder).as_posix() + "/")

    for root, dirs, names in os.walk(folder, onerror=unlisted):
        base = Path(root).relative_to(folder)
        found.extend((base / name).as_posix() for name in names if name.endswith(".txt"))
        found.extend((base / name).as_posix() for name in dirs
                     if name.endswith(".txt") and os.path.islink(os.path.join(root, name)))
    if not found:
        raise DataError(f"{folder}: no .txt files in this folder")
    return tuple(sorted(found))


def _read_entry(folder: Path, name: str) -> bytes:
    """The bytes of one entry listed by ``text_files``.

    An ``OSError`` naming why if it is not a readable regular file (a FIFO or device
    is never opened: reading it could block for ever).
    """
    path = folder / name
    if name.endswith("/"):
        os.listdir(path)  # raises the reason it could not be listed
        raise OSError(0, "folder could not be listed")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise OSError(2, "broken symbolic link") from None
        raise
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise OSError(0, kind)
    return path.read_bytes()


def input_codec(encoding: str = "utf-8") -> str:
    r"""The canonical name of ``encoding`` if records can be read in it.

    It must be ASCII-compatible: a line ends at byte ``\n`` and a quote is byte ``"``.

    Parameters
    ----------
    encoding : str, default 'utf-8'
        An encoding name.

    Returns
    -------
    str
        The codec's canonical name.

    Raises
    ------
    DataError
        For an unknown encoding or one that is not ASCII-compatible.

    Examples
    --------
    >>> input_codec("Latin-1")
    'iso8859-1'
    """
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}") from None
    try:
        ascii_compatible = '\n\r",'.encode(codec) == b'\n\r",'
    except (UnicodeError, LookupError):
        ascii_compatible = False
    if not ascii_compatible:
        raise DataError(f"encoding {encoding!r} cannot be read line by line; convert the "
                        "table to UTF-8 (e.g. iconv -f utf-16 -t utf-8)")
    return codec


def whole(path: str | Path, encoding: str = "utf-8") -> Part:
    """The whole input as one part (for reading it in one stream).

    Parameters
    ----------
    path : str or Path
        A JSONL, CSV or Parquet file, or a folder of ``.txt`` articles.
    encoding : str, default 'utf-8'
        The text's encoding (ASCII-compatible).

    Returns
    -------
    Part
        From the start to the end.
    """
    kind = input_kind(path)
    files = text_files(Path(path)) if kind == "txt" else ()
    return Part(str(path), kind, files=files, encoding=input_codec(encoding))


def input_size(part: Part) -> int:
    """How much there is to read, in the unit of ``RawChunk.consumed``.

    Parameters
    ----------
    part : Part
        A part of an input.

    Returns
    -------
    int
        Bytes (JSONL, CSV), rows (Parquet) or files (a folder).
    """
    if part.kind == "txt":
        return (part.stop if part.stop is not None else len(part.files)) - part.start
    if part.kind == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(part.path).metadata.num_rows
    stop = part.stop if part.stop is not None else os.path.getsize(part.path)
    return stop - part.start


def iter_chunks(
    part: Part, text_column: str = "text", id_column: str | None = None,
    label_column: str | None = None, chunk_rows: int = 1000, strict: bool = False,
) -> Iterator[RawChunk]:
    """The rows of ``part``, in order, in chunks of at most ``chunk_rows``.

    Parameters
    ----------
    part : Part
        What to read (``whole(path)``, or one of ``plan_parts(path)``).
    text_column, id_column, label_column : str
        The columns (JSON fields) to read; ids and labels are optional.
    chunk_rows : int
        Rows per chunk at most.
    strict : bool
        Raise ``DataError`` on the first text that does not decode in the part's
        encoding (naming the row and ``--encoding``), instead of an error row.

    Yields
    ------
    RawChunk
        Every row once, in order; a row that cannot be read has ``text=None`` and
        an ``error``.
    """
    readers = {"jsonl": _jsonl_chunks, "csv": _csv_chunks, "parquet": _parquet_chunks,
               "txt": _txt_chunks}
    chunks = readers[part.kind](part, text_column, id_column, label_column, chunk_rows)
    if not strict:
        yield from chunks
        return
    name = "UTF-8" if part.encoding == "utf-8" else part.encoding
    prefixes = (f"text not {name} (", f"not {name} (")
    for chunk in chunks:
        for k, error in enumerate(chunk.errors):
            if error is not None and error.startswith(prefixes):
                where = (f"{part.path}/{chunk.ids[k]}" if part.kind == "txt"
                         else f"{part.path}: row {chunk.first_row + k}")
                raise DataError(f"{where}: not {name} ({error.split('(', 1)[-1]}; pass its "
                                "encoding with --encoding (e.g. --encoding latin-1)")
        yield chunk


def _decode(
    value: object, what: str = "text", codec: str = "utf-8",
) -> tuple[str | None, str | None]:
    """(text, error) of a cell: bytes are decoded with ``codec``, other values made strings."""
    if value is None:
        return "", None
    if isinstance(value, bytes):
        try:
            return value.decode(codec), None
        except UnicodeDecodeError as exc:
            name = "UTF-8" if codec == "utf-8" else codec
            return None, f"{what} not {name} ({exc.reason} at byte {exc.start})"
    return value if isinstance(value, str) else str(value), None


def _key(value: object, codec: str = "utf-8") -> str | None:
    """An id or label cell as a string (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode(codec, errors="replace")
    return value if isinstance(value, str) else str(value)


def _parse_json_line(
    line: bytes, text_column: str, id_column: str | None, label_column: str | None,
    codec: str = "utf-8",
) -> tuple[str | None, str | None, str | None, str | None, Collection[str] | None]:
    """(id, text, label, error, keys) of one JSONL line; ``keys`` is None if not an object."""
    if not line.strip():
        return None, None, None, "blank line", None
    try:
        # UTF-8 bytes: json checks them itself; other codecs are decoded first
        obj = json.loads(line if codec == "utf-8" else line.decode(codec))
    except UnicodeDecodeError as exc:
        name = "UTF-8" if codec == "utf-8" else codec
        return None, None, None, f"not {name} ({exc.reason} at byte {exc.start})", None
    except ValueError as exc:
        return None, None, None, f"invalid JSON ({getattr(exc, 'msg', exc)})", None
    except RecursionError:  # nested deeper than the interpreter's stack
        return None, None, None, "invalid JSON (nested too deeply)", None
    if not isinstance(obj, dict):
        return None, None, None, "not a JSON object", None
    row_id = _key(obj.get(id_column)) if id_column else None
    label = _key(obj.get(label_column)) if label_column else None
    if text_column not in obj:
        return row_id, None, label, f"no field {text_column!r}", obj.keys()
    text, error = _decode(obj[text_column], codec=codec)
    return row_id, text, label, error, obj.keys()


def _jsonl_chunks(
    part: Part, text_column: str, id_column: str | None, label_column: str | None,
    chunk_rows: int,
) -> Iterator[RawChunk]:
    chunk = RawChunk(part.first_row, labels=[] if label_column else None)
    checked = False
    seen: dict[str, Any] = {}
    with open(part.path, "rb") as handle:
        handle.seek(part.start)
        position = part.start
        for line in handle:
            if part.stop is not None and position >= part.stop:
                break
            position += len(line)
            chunk.consumed += len(line)
            if position == len(line) and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]  # a byte-order mark opens the file
            row_id, text, label, error, keys = _parse_json_line(
                line, text_column, id_column, label_column, part.encoding)
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


def _check_fields(part: Part, seen: dict[str, Any]) -> bool:
    """Refuse a JSONL file whose first chunk never has a named field (a typo, not data)."""
    missing = [name for name, found in seen.items() if name != "_keys" and not found]
    if missing:
        found = ", ".join(map(str, seen.get("_keys", ()))) or "none"
        raise DataError(f"{part.path}: no field {missing[0]!r} in the first rows; "
                        f"fields found: {found}")
    return True


def _append(
    chunk: RawChunk, row_id: str | None, text: str | None, error: str | None,
    label: str | None = None,
) -> None:
    chunk.ids.append(row_id)
    chunk.texts.append(text)
    chunk.errors.append(error)
    if chunk.labels is not None:
        chunk.labels.append(label)


class _Lines:
    r"""The lines of a CSV input for ``csv.reader``, decoded.

    The raw lines of the record being read are kept in ``taken`` (to size it, or to
    read it again). A line ends at ``\n``, ``\r\n`` or a lone ``\r``. Lines pushed
    back with ``push_back`` come first. Mid-record, the input ends at
    ``MAX_RECORD_BYTES`` (``limited`` is then set, and ``_scan_record`` decides what
    the record is), so a quote that is never closed cannot swallow the file.
    """

    def __init__(self, source: Iterator[bytes], codec: str = "utf-8"):
        self.source, self.codec = source, codec
        self.pending: list[bytes] = []
        self.taken: list[bytes] = []
        self.size, self.ran_out, self.dirty, self.limited = 0, False, False, False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.taken and self.size > MAX_RECORD_BYTES:
            self.ran_out = self.limited = True
            raise StopIteration
        line = self.next_raw()
        if line is None:
            self.ran_out = bool(self.taken)
            raise StopIteration
        self.taken.append(line)
        self.size += len(line)
        text, dirty = _decode_line(line, self.codec)
        self.dirty = self.dirty or dirty
        return text

    def next_raw(self) -> bytes | None:
        """The next raw line (pushed-back lines first), or ``None`` at the end."""
        return self.pending.pop() if self.pending else next(self.source, None)

    def take(self) -> tuple[list[bytes], bool, bool, bool]:
        """The raw lines of the record just read, and what happened in it; then start the next.

        Returns the lines, whether the input ran out in the record, whether it holds bytes
        that do not decode, and whether it stopped at ``MAX_RECORD_BYTES``.
        """
        taken, ran_out, dirty, limited = self.taken, self.ran_out, self.dirty, self.limited
        self.taken, self.size, self.ran_out, self.dirty, self.limited = [], 0, False, False, False
        return taken, ran_out, dirty, limited

    def push_back(self, lines: list[bytes]) -> None:
        self.pending.extend(reversed(lines))


def _decode_line(line: bytes, codec: str) -> tuple[str, bool]:
    """A line's text, and whether it holds bytes that do not decode.

    Such bytes are kept byte for byte: the cell's error then names the byte.
    """
    try:
        return line.decode(codec), False
    except UnicodeDecodeError:
        return line.decode(codec, "surrogateescape"), True


def _split_lines(handle: BinaryIO, start: int, stop: int | None) -> Iterator[bytes]:
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


def _csv_records(
    open_lines: Callable[[int], Iterator[bytes]], start: int, width: int | None,
    codec: str = "utf-8",
) -> Iterator[tuple[int, list[str] | None, str | None, bool]]:
    """(size in bytes, fields, error, dirty) of each CSV record from byte ``start``, in order.

    ``open_lines(offset)`` gives the input's lines from a byte offset. A blank line
    gives no fields and no error. A record that spans lines must be well formed (RFC
    4180: nothing but a separator after a closing quote, every quote closed); if not,
    only its first line is taken as the record, an error with an unbalanced quote,
    and reading resumes on the next line, so a stray quote costs one row, not the rows
    after it. A one-line record is read leniently, as other CSV readers do (``"ab"c``
    is ``abc``). A record without ``width`` fields is an error. A record longer than
    ``MAX_RECORD_BYTES`` is scanned ahead: a well-formed one is one row (read if it
    fits in ``MAX_RECORD_BYTES + MAX_LOOKAHEAD_BYTES``, else an error row).
    """
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES + MAX_LOOKAHEAD_BYTES))
    feed = _Lines(open_lines(start), codec)
    reader = csv.reader(feed, strict=True)
    position = start
    while True:
        try:
            fields, error = next(reader), None
        except StopIteration:
            return
        except csv.Error as exc:
            fields, error = None, str(exc)
        taken, ran_out, dirty, limited = feed.take()
        size = sum(map(len, taken))
        if limited:
            reader = csv.reader(feed, strict=True)
            legal, ahead, scanned, dropped = _scan_record(taken, feed, width)
            if legal and not dropped:
                size += scanned
                fields, error, dirty = _parse_record(taken + ahead, codec)
            elif legal:
                size += scanned
                fields, error = None, (f"longer than "
                                       f"{(MAX_RECORD_BYTES + MAX_LOOKAHEAD_BYTES) >> 20} MiB")
            else:
                if dropped:  # the lines scanned were not kept: read them again
                    feed.source = open_lines(position + len(taken[0]))
                    feed.pending = []
                else:
                    feed.push_back(taken[1:] + ahead)
                taken, size, error = taken[:1], len(taken[0]), "unbalanced quote"
        elif error is not None or ran_out:
            reader = csv.reader(feed, strict=True)  # a fresh start on the next line
            if len(taken) > 1 or ran_out:
                feed.push_back(taken[1:])
                taken, size, error = taken[:1], len(taken[0]), "unbalanced quote"
            else:
                fields, error = _lenient(taken[0], codec)
        if error is None and fields and width is not None and len(fields) != width:
            n = len(fields)
            error = f"{n} field{'s' * (n != 1)}, the header has {width}"
        if error is not None:
            fields, error = None, f"malformed CSV record ({error})"
        position += size
        yield size, fields, error, dirty


def _scan_record(
    taken: list[bytes], feed: _Lines, width: int | None,
) -> tuple[bool, list[bytes], int, bool]:
    """Follow a record past ``MAX_RECORD_BYTES`` without parsing it into memory.

    Returns ``(legal, ahead, scanned, dropped)``: whether it ends well formed (every
    quote closed, a separator or the line's end after each closing quote, ``width``
    fields) within ``MAX_SCAN_BYTES``, the lines read beyond ``taken`` (kept up to
    ``MAX_LOOKAHEAD_BYTES``; ``dropped`` if more were read), and their size in bytes.
    """
    ahead: list[bytes] = []
    state = {"quoted": False, "start": True, "fields": 1}
    scanned, dropped, kept = 0, False, 0
    for line in taken:
        if _scan_line(line, state, width) is not None:  # csv.reader did not end it here
            return False, ahead, scanned, dropped
    while scanned <= MAX_SCAN_BYTES:
        more = feed.next_raw()
        if more is None:
            return False, ahead, scanned, dropped
        scanned += len(more)
        if not dropped and kept + len(more) <= MAX_LOOKAHEAD_BYTES:
            ahead.append(more)
            kept += len(more)
        else:
            dropped, ahead = True, []
        end = _scan_line(more, state, width)
        if end is not None:
            return end, ahead, scanned, dropped
    return False, ahead, scanned, dropped


def _scan_line(line: bytes, state: dict[str, Any], width: int | None) -> bool | None:
    """Advance the quote state over one line.

    ``None`` if the record goes on after it, else whether it ended well formed.
    """
    n = len(line)
    body = n - (2 if line.endswith(b"\r\n") else 1 if line.endswith((b"\n", b"\r")) else 0)
    i = 0
    while True:
        if state["quoted"]:
            j = line.find(b'"', i, body)
            if j < 0:
                return None  # the line break is inside the quotes
            if line[j + 1:j + 2] == b'"':
                i = j + 2
                continue
            state["quoted"], i = False, j + 1
            if i < body and line[i:i + 1] != b",":
                return False  # something after a closing quote
            continue
        if i >= body:
            break
        if state["start"] and line[i:i + 1] == b'"':
            state["quoted"], state["start"], i = True, False, i + 1
            continue
        j = line.find(b",", i, body)
        if j < 0:
            break
        state["fields"] += 1
        state["start"], i = True, j + 1
    return width is None or state["fields"] == width


def _parse_record(lines: list[bytes], codec: str) -> tuple[list[str] | None, str | None, bool]:
    """(fields, error, dirty) of one well-formed record from its raw lines."""
    decoded = [_decode_line(line, codec) for line in lines]
    try:
        fields = next(csv.reader([text for text, _ in decoded], strict=True), [])
    except csv.Error as exc:
        return None, str(exc), False
    return fields, None, any(dirty for _, dirty in decoded)


def _lenient(line: bytes, codec: str = "utf-8") -> tuple[list[str] | None, str | None]:
    """(fields, error) of one CSV line read as leniently as the csv module can."""
    try:
        return next(csv.reader([line.decode(codec, "surrogateescape")]), []), None
    except csv.Error as exc:
        return None, str(exc)


def _file_lines(
    path: str, stop: int | None = None,
) -> tuple[Callable[[int], Iterator[bytes]], BinaryIO]:
    """``open_lines`` for ``_csv_records``, over an open file, and the file to close."""
    handle = open(path, "rb")  # noqa: SIM115
    return (lambda offset: _split_lines(handle, offset, stop)), handle


def _csv_header(path: str, codec: str = "utf-8") -> tuple[list[str], int]:
    """The column names of a CSV file and the size of its header record in bytes."""
    offset = 0
    open_lines, handle = _file_lines(path)
    with handle:
        for size, fields, error, _ in _csv_records(open_lines, 0, None, codec):
            offset += size  # blank lines before the header included
            if fields:
                names = [name.encode(codec, "surrogateescape").decode(codec, "replace")
                         for name in fields]
                return [names[0].removeprefix("\ufeff")] + names[1:], offset
            if error:
                raise DataError(f"{path}: could not read the CSV header: {error}")
    return [], os.path.getsize(path)


def _check_columns(path: str, names: list[str], columns: Iterable[str | None]) -> None:
    for name in columns:
        if name and name not in names:
            raise DataError(f"{path}: no column {name!r}; columns found: "
                            f"{', '.join(names) or 'none'}")


def _raw(value: str, dirty: bool, codec: str = "utf-8") -> str | bytes:
    """A CSV cell as read: its bytes if its record holds bytes that do not decode."""
    return value.encode(codec, "surrogateescape") if dirty else value


def _csv_chunks(
    part: Part, text_column: str, id_column: str | None, label_column: str | None,
    chunk_rows: int,
) -> Iterator[RawChunk]:
    codec = part.encoding
    names, header_size = _csv_header(part.path, codec)
    _check_columns(part.path, names, (text_column, id_column, label_column))
    text_at = names.index(text_column)
    id_at = names.index(id_column) if id_column else None
    label_at = names.index(label_column) if label_column else None
    start = max(part.start, header_size)
    chunk = RawChunk(part.first_row, labels=[] if label_column else None,
                     consumed=start - part.start)
    open_lines, handle = _file_lines(part.path, part.stop)
    with handle:
        for size, fields, error, dirty in _csv_records(open_lines, start, len(names), codec):
            chunk.consumed += size
            if fields == []:  # a blank line is not a row
                continue
            if fields is None:
                _append(chunk, None, None, error)
            else:
                text, error = _decode(_raw(fields[text_at], dirty, codec), codec=codec)
                _append(chunk, None if id_at is None
                        else _key(_raw(fields[id_at], dirty, codec), codec),
                        text, error, None if label_at is None
                        else _key(_raw(fields[label_at], dirty, codec), codec))
            if len(chunk) >= chunk_rows:
                yield chunk
                chunk = RawChunk(chunk.first_row + len(chunk),
                                 labels=[] if label_column else None)
    if len(chunk) or chunk.consumed:
        yield chunk


def _parquet_chunks(
    part: Part, text_column: str, id_column: str | None, label_column: str | None,
    chunk_rows: int,
) -> Iterator[RawChunk]:
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
            text, error = _decode(value, codec=part.encoding)
            _append(chunk, _key(ids[k]), text, error,
                    _key(labels[k]) if labels is not None else None)
        row += len(chunk)
        yield chunk


def _txt_chunks(
    part: Part, text_column: str, id_column: str | None, label_column: str | None,
    chunk_rows: int,
) -> Iterator[RawChunk]:
    folder = Path(part.path)
    stop = len(part.files) if part.stop is None else part.stop
    chunk = RawChunk(part.first_row)
    for name in part.files[part.start:stop]:
        try:
            text, error = _decode(_read_entry(folder, name), codec=part.encoding)
            if text is not None:
                text = text.removeprefix("\ufeff")  # a byte-order mark is not text
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
               text_column: str = "text", encoding: str = "utf-8") -> list[Part]:
    """Split an input into parts that can be read independently.

    Parts of about ``part_bytes`` (or row groups, or runs of files), each knowing the
    row number it starts at.

    Parameters
    ----------
    path : str or Path
        A JSONL, CSV or Parquet file, or a folder of ``.txt`` articles.
    part_bytes : int, default 16 MiB
        Target size of a JSONL or CSV part.
    part_files : int, default 1000
        Files per part of a folder.
    text_column : str, default 'text'
        The CSV column that must be present.
    encoding : str, default 'utf-8'
        The text's encoding (ASCII-compatible).

    Returns
    -------
    list of Part
        In input order; Parquet parts are its row groups.
    """
    base = whole(path, encoding)
    if base.kind == "txt":
        return [Part(base.path, "txt", first_row=lo, files=base.files[lo:lo + part_files],
                     encoding=base.encoding)
                for lo in range(0, len(base.files), part_files)]
    if base.kind == "parquet":
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(base.path).metadata
        parts, row = [], 0
        for group in range(meta.num_row_groups):
            parts.append(Part(base.path, "parquet", group, group + 1, row,
                              encoding=base.encoding))
            row += meta.row_group(group).num_rows
        return parts or [base]
    if base.kind == "csv":
        return _csv_parts(base.path, part_bytes, text_column, base.encoding)
    bounds = _record_bounds(base.path, part_bytes)
    rows = [_count_lines(base.path, lo, hi) for lo, hi in bounds]
    starts = [sum(rows[:i]) for i in range(len(rows))]
    return [Part(base.path, base.kind, lo, hi, first, encoding=base.encoding)
            for (lo, hi), first in zip(bounds, starts)]


def _csv_parts(path: str, part_bytes: int, text_column: str,
               codec: str = "utf-8") -> list[Part]:
    """Parts of about ``part_bytes`` that start on records as the CSV reader finds them.

    Malformed records included; each part knows its first row number.
    """
    names, start = _csv_header(path, codec)
    _check_columns(path, names, (text_column,))
    parts, low, first, row, position = [], start, 0, 0, start
    open_lines, handle = _file_lines(path)
    with handle:
        for size, fields, _, _ in _csv_records(open_lines, start, len(names), codec):
            if position - low >= part_bytes:
                parts.append(Part(path, "csv", low, position, first, encoding=codec))
                low, first = position, row
            position += size
            row += fields != []
    if position > low or not parts:
        parts.append(Part(path, "csv", low, position, first, encoding=codec))
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


def _line_after(handle: BinaryIO, target: int) -> int | None:
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
