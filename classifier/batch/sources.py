"""Texts given on the command line, in text files or on stdin, as one chunk of rows.

The decoding of ``predict``'s texts lives here, once: an argument, a ``--file`` and
stdin are decoded with the one ``encoding`` the user gave (a UTF-8 byte-order mark
is dropped), and a text that does not decode is one clear ``DataError``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from classifier.data.records import RawChunk
from classifier.errors import DataError


def decode(raw: bytes, name: str, encoding: str = "utf-8") -> str:
    r"""Text of ``raw`` in ``encoding`` (a UTF-8 byte-order mark is dropped).

    Parameters
    ----------
    raw : bytes
        The bytes read.
    name : str
        Where they came from, for the message.
    encoding : str, default 'utf-8'
        Their encoding.

    Returns
    -------
    str
        The decoded text.

    Raises
    ------
    DataError
        One line naming ``name`` and suggesting ``--encoding``, or naming an unknown
        encoding.

    Examples
    --------
    >>> decode(b"caf\xe9", "a.txt", "latin-1")
    'café'
    """
    try:
        text = raw.decode(encoding)
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        raise DataError(
            f"{name}: not {shown} ({exc.reason} at byte {exc.start}); "
            "pass its encoding with --encoding (e.g. --encoding latin-1)"
        ) from None
    return text.removeprefix("\ufeff")


def decode_argument(text: str, name: str, encoding: str = "utf-8") -> str:
    """An argument as typed, its undecodable bytes decoded with ``encoding``.

    Bytes the shell passed that were not UTF-8 reach Python as lone surrogates
    (PEP 383); they are turned back into bytes and decoded with ``encoding``.

    Parameters
    ----------
    text : str
        The argument as Python received it.
    name : str
        Its name, for the message.
    encoding : str, default 'utf-8'
        The encoding to decode its bytes with.

    Returns
    -------
    str
        The text.

    Raises
    ------
    DataError
        If the argument holds lone surrogates that did not come from the shell, or its
        bytes are not in ``encoding``.
    """
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    try:
        raw = text.encode(sys.getfilesystemencoding(), "surrogateescape")
    except UnicodeEncodeError:  # surrogates that did not come from the shell's bytes
        raise DataError(f"{name}: not valid Unicode text (lone surrogates)") from None
    return decode(raw, name, encoding)


def texts_chunk(
    texts: Sequence[str] = (), files: Sequence[Path] = (), stdin: bytes | str | None = None,
    encoding: str = "utf-8", html: bool | None = None,
) -> RawChunk:
    """One chunk of rows from the command line's texts, files and stdin.

    Each text argument (id ``1``, ``2``, ...), then each file (its path as id), then
    stdin (id ``stdin``), in that order.

    Parameters
    ----------
    texts : sequence of str
        Texts as given on the command line.
    files : sequence of Path
        Plain-text files, read whole.
    stdin : bytes or str, optional
        What was read from standard input.
    encoding : str
        Encoding of the files, stdin and undecodable argument bytes.
    html : bool, optional
        Read the files and stdin as web pages and keep their article text
        (``classifier.text.html.extract_text``; offsets then count characters of
        that text). ``None``: when a file's suffix or its content says it is HTML.

    Returns
    -------
    RawChunk
        The rows, first row 0.

    Raises
    ------
    DataError
        If a file cannot be read or a text cannot be decoded.

    Examples
    --------
    >>> texts_chunk(["Prices may rise.", ""]).ids
    ['1', '2']
    """
    chunk = RawChunk(0)
    for i, text in enumerate(texts):
        _add(chunk, str(i + 1), decode_argument(text, f"argument {i + 1}", encoding))
    for path in files:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise DataError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise DataError(f"{path}: is a folder, expected a text file") from None
        except OSError as exc:
            raise DataError(f"{path}: cannot read ({exc.strerror})") from None
        _add(chunk, str(path), _page(decode(raw, str(path), encoding), str(path), html))
    if stdin is not None:
        text = stdin if isinstance(stdin, str) else decode(stdin, "stdin", encoding)
        _add(chunk, "stdin", _page(text, "", html))
    return chunk


def _page(text: str, name: str, html: bool | None) -> str:
    """``text``, or the article text of it when it is (or is said to be) a web page."""
    from classifier.text.html import extract_text, looks_like_html

    if html or (html is None and looks_like_html(text, name)):
        return extract_text(text)
    return text


def _add(chunk: RawChunk, row_id: str, text: str) -> None:
    chunk.ids.append(row_id)
    chunk.texts.append(text)
    chunk.errors.append(None)
