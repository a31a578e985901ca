"""Reading labeled and unlabeled text tables (CSV, JSONL, Parquet, or a Hub dataset).

This is the I/O edge of the package: every file goes through ``datasets`` and is
validated here, so the rest of the library works on plain lists.
"""

from __future__ import annotations

import codecs
import csv
import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import DataError

if TYPE_CHECKING:
    from datasets import Dataset

FORMATS = {".csv": "csv", ".jsonl": "json", ".json": "json", ".parquet": "parquet"}
#: how a Hugging Face Hub dataset is named where a file is expected (``hf:owner/name``)
HUB_PREFIX = "hf:"


@dataclass(frozen=True)
class LabeledData:
    """Texts with their labels, optional groups (e.g. article ids) and row notes."""

    texts: list[str]
    labels: list[str]
    groups: list[str] | None = None
    source: str = ""
    dropped: dict[str, int] = field(default_factory=dict)
    #: the sentence before each row in its article (``""`` for none), when known
    contexts: list[str] | None = None
    #: each row's sample weight for training (``None``: all 1)
    weights: list[float] | None = None

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def label_counts(self) -> dict[str, int]:
        """How many rows carry each label, most common first."""
        return dict(Counter(self.labels).most_common())


def file_format(path: str | Path) -> str:
    """The ``datasets`` builder name for ``path``, from its suffix.

    Parameters
    ----------
    path : str or Path
        A data file.

    Returns
    -------
    str
        ``json``, ``csv`` or ``parquet``.

    Raises
    ------
    DataError
        For an unknown suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"{path}: unknown format {suffix or '(none)'!r}; use one of {known}")
    return FORMATS[suffix]


def _codec(encoding: str) -> str:
    """The canonical name of ``encoding`` (``utf-8``, ``iso8859-1``, ...)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}") from None


def _check_lines(path: Path, codec: str) -> None:
    """Fail on the first line that does not decode, or (JSON Lines) parse, naming it.

    datasets reports neither with a line number. A UTF-8 byte-order mark is fine.
    """
    if FORMATS[path.suffix.lower()] == "parquet":
        return
    json_lines = path.suffix.lower() == ".jsonl"
    decoder = codecs.getincrementaldecoder(codec)()
    name = "UTF-8" if codec == "utf-8" else codec
    with path.open("rb") as handle:
        for lineno, line in enumerate(handle, 1):
            try:
                text = decoder.decode(line)
            except UnicodeDecodeError as exc:
                hint = ("re-save the file as UTF-8, or pass its encoding, e.g. "
                        "encoding='latin-1' (--encoding latin-1)")
                raise DataError(
                    f"{path}:{lineno}: not {name} ({exc.reason} at byte {exc.start}); {hint}"
                ) from None
            except UnicodeError as exc:  # utf-16/32 without a byte-order mark
                raise DataError(
                    f"{path}:{lineno}: not {name} ({exc}); a file without a byte-order mark "
                    f"needs its byte order: --encoding {codec}-le or {codec}-be"
                ) from None
            if json_lines:
                _check_json_line(path, lineno, text.lstrip("\ufeff") if lineno == 1 else text)


def _check_json_line(path: Path, lineno: int, line: str) -> None:
    """One JSON object per non-blank line, with strings that are valid Unicode."""
    if not line.strip():
        return
    try:
        row = json.loads(line)
    except ValueError as exc:
        reason = getattr(exc, "msg", str(exc))
        column = getattr(exc, "colno", None)
        where = f" at column {column}" if column else ""
        raise DataError(f"{path}:{lineno}: not valid JSON ({reason}{where})") from None
    except RecursionError:  # nested deeper than the interpreter's stack
        raise DataError(f"{path}:{lineno}: not valid JSON (nested too deeply)") from None
    if not isinstance(row, dict):
        raise DataError(f"{path}:{lineno}: expected a JSON object, got {type(row).__name__}")
    for key, value in row.items():
        if isinstance(value, str) and not _is_unicode(value):
            raise DataError(
                f"{path}:{lineno}: field {key!r} holds a lone surrogate escape "
                "(\\ud800-\\udfff without its pair); not valid Unicode text"
            )


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _csv_options(path: Path, codec: str) -> dict:
    """Read every CSV cell as the text it is: no NA guessing, no number parsing.

    A whitespace-only line is a row (pandas would drop it, or turn "NA" into null and
    "007" into 7).
    """
    import datasets

    with path.open(encoding="utf-8-sig" if codec == "utf-8" else codec, newline="") as handle:
        header = next(csv.reader(handle), None)
    options = {"keep_default_na": False, "na_filter": False, "skip_blank_lines": False}
    if header and len(set(header)) == len(header):
        options["features"] = datasets.Features({c: datasets.Value("string") for c in header})
    return options


def _read_table(paths: Sequence[str | Path], encoding: str = "utf-8") -> Dataset:
    """Load local files (all one format) or one Hub dataset id as a ``Dataset``."""
    import datasets

    datasets.utils.logging.set_verbosity_error()
    datasets.utils.logging.disable_progress_bar()
    hub = [str(p) for p in paths if str(p).startswith(HUB_PREFIX)]
    if hub:
        if len(paths) > 1:
            raise DataError(f"{hub[0]}: a Hub dataset is read alone, not with other files")
        return _read_hub(hub[0].removeprefix(HUB_PREFIX))
    local = [Path(p) for p in paths]
    for path in local:
        if not path.exists():
            raise DataError(f"{path}: no such file{_hub_hint(str(path))}")
        if path.is_dir():
            raise DataError(f"{path}: is a folder, expected a CSV, JSONL or Parquet file")
    builders = {file_format(p) for p in local}
    if len(builders) > 1:
        raise DataError("all data files must have the same format")
    codec = _codec(encoding)
    for path in local:
        _check_lines(path, codec)
    builder = builders.pop()
    options = _csv_options(local[0], codec) if builder == "csv" else {}
    if codec != "utf-8" and builder != "parquet":
        options["encoding"] = codec
    try:
        # No cache: datasets keys it on path and timestamp, so a file replaced with
        # its old timestamp (cp -p, touch -d) would give its old rows. Reading is
        # about as fast as checking a content hash, so the cache does not pay.
        with tempfile.TemporaryDirectory(prefix="classifier-read-") as cache:
            return datasets.load_dataset(
                builder, data_files=[str(p) for p in local], split="train",
                cache_dir=cache, keep_in_memory=True, **options
            )
    except Exception as exc:  # datasets raises many types; report one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{', '.join(map(str, local))}: could not read: {first}") from None


def _hub_hint(name: str) -> str:
    """A hint for a missing file named like a Hub dataset (``owner/name``)."""
    if name.count("/") == 1 and not Path(name).suffix and not name.startswith((".", "/")):
        return f" (a Hugging Face Hub dataset is named {HUB_PREFIX}{name})"
    return ""


def _read_hub(name: str) -> Dataset:
    import datasets

    try:
        return datasets.load_dataset(name, split="train")
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{HUB_PREFIX}{name}: not loadable from the Hub: {first}") from None


def _column(table: Dataset, name: str, path: str) -> list[Any]:
    if name not in table.column_names:
        found = ", ".join(table.column_names) or "none"
        raise DataError(f"{path}: no column {name!r}; columns found: {found}")
    # One conversion: indexing a datasets Column row by row costs ~0.2 ms a row.
    return table.data.column(name).to_pylist()


def load_labeled(
    paths: str | Path | Sequence[str | Path],
    text_column: str = "text",
    label_column: str = "label",
    group_column: str | None = None,
    encoding: str = "utf-8",
) -> LabeledData:
    """Load labeled sentences from CSV, JSONL or Parquet files (or a Hub dataset).

    Rows with an empty text or label are dropped and counted in ``dropped``;
    nothing is dropped silently. A real-news split name (``real-train``,
    ``real-dev``, ``real-test``) loads that split, grouped by article, once
    ``classifier data fetch`` has run.

    Parameters
    ----------
    paths : str, Path or sequence of them
        Files, real-news split names, or ``hf:owner/name`` Hub datasets.
    text_column, label_column : str
        The columns holding the text and the label.
    group_column : str, optional
        A column grouping rows (an article id) that folds keep together.
    encoding : str, default 'utf-8'
        Encoding of the CSV/JSONL files (with or without a byte-order mark).

    Returns
    -------
    LabeledData
        The rows kept, in order, with their source and dropped counts.

    Raises
    ------
    DataError
        For a missing or unreadable file, a missing column, or no labeled row.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not paths:
        raise DataError("no data files given")
    real = [p for p in paths if _is_real_split(p)]
    if real:
        files = [p for p in paths if p not in real]
        parts = [_load_real(str(name)) for name in real]
        if files:
            parts.append(load_labeled(files, text_column, label_column, group_column, encoding))
        return concat_labeled(parts, with_groups=bool(group_column) or not files)
    source = ", ".join(map(str, paths))
    table = _read_table(paths, encoding)
    texts = _column(table, text_column, source)
    labels = _column(table, label_column, source)
    groups = _column(table, group_column, source) if group_column else None
    kept: list[int] = []
    dropped: Counter[str] = Counter()
    for i, (text, label) in enumerate(zip(texts, labels)):
        if text is None or not str(text).strip():
            dropped["empty text"] += 1
        elif label is None or not str(label).strip():
            dropped["empty label"] += 1
        else:
            kept.append(i)
    if not kept:
        raise DataError(f"{source}: no labeled rows (read {len(texts)})")
    contexts = _previous_sentences(table, texts)
    return LabeledData(
        texts=[str(texts[i]) for i in kept],
        labels=[str(labels[i]).strip() for i in kept],
        groups=[str(groups[i]) for i in kept] if groups is not None else None,
        source=source,
        dropped=dict(dropped),
        contexts=[contexts[i] for i in kept] if contexts is not None else None,
    )


def _previous_sentences(table: Dataset, texts: Sequence[object]) -> list[str] | None:
    """Each row's previous sentence in its article, from ``article_id`` and ``position``.

    ``""`` for a first sentence or a row with no article; ``None`` without those columns.
    """
    if not {"article_id", "position"} <= set(table.column_names):
        return None
    articles, positions = _column(table, "article_id", ""), _column(table, "position", "")
    where = {(a, p): i for i, (a, p) in enumerate(zip(articles, positions))
             if a is not None and p is not None}
    out = []
    for article, position in zip(articles, positions):
        before = where.get((article, position - 1)) if position is not None else None
        out.append(str(texts[before] or "") if before is not None else "")
    return out


def _is_real_split(path: str | Path) -> bool:
    """True for a real-news split name (``real-dev``) that is not also a file here."""
    from classifier.data.real_news import SPLITS

    return str(path) in SPLITS and not Path(path).exists()


def _load_real(split: str) -> LabeledData:
    """A real-news split as labeled data, grouped by article (needs the fetched source)."""
    from classifier.data.real_news import load_real_news

    rows = load_real_news(split)
    return LabeledData(
        texts=[r.text for r in rows], labels=[r.label for r in rows],
        groups=[f"real:{r.article_id}" for r in rows], source=split,
        contexts=[r.previous for r in rows],
    )


def concat_labeled(parts: list[LabeledData], with_groups: bool = True) -> LabeledData:
    """One ``LabeledData`` from several, in order.

    Parameters
    ----------
    parts : list of LabeledData
        The data sets.
    with_groups : bool, default True
        Keep groups (``""`` for a part without them); else none.

    Returns
    -------
    LabeledData
        Rows, dropped counts, contexts and weights joined.
    """
    dropped: Counter = Counter()
    for part in parts:
        dropped.update(part.dropped)
    return LabeledData(
        texts=[t for p in parts for t in p.texts],
        labels=[label for p in parts for label in p.labels],
        groups=[g for p in parts for g in (p.groups or [""] * len(p))] if with_groups else None,
        source=", ".join(p.source for p in parts),
        dropped=dict(dropped),
        contexts=[c for p in parts for c in (p.contexts or [""] * len(p))]
        if any(p.contexts is not None for p in parts) else None,
        weights=[w for p in parts for w in (p.weights or [1.0] * len(p))]
        if any(p.weights is not None for p in parts) else None,
    )


def load_texts(
    path: str | Path, text_column: str = "text", id_column: str | None = None,
    encoding: str = "utf-8",
) -> tuple[list[str], list[str]]:
    """Load the texts of a table to predict, and their ids (row numbers by default).

    Every row is kept, in order; an empty or null text comes back as ``""``.

    Parameters
    ----------
    path : str or Path
        A CSV, JSONL or Parquet file.
    text_column : str, default 'text'
        The column holding the text.
    id_column : str, optional
        The column holding the ids.
    encoding : str, default 'utf-8'
        Encoding of a CSV/JSONL file.

    Returns
    -------
    texts, ids : list of str
        One of each per row.
    """
    table = _read_table([path], encoding)
    texts = ["" if t is None else str(t) for t in _column(table, text_column, str(path))]
    if id_column:
        ids = [str(i) for i in _column(table, id_column, str(path))]
    else:
        ids = [str(i) for i in range(len(texts))]
    return texts, ids


def check_trainable(data: LabeledData, min_per_class: int = 2) -> None:
    """Refuse data a classifier cannot learn from: one class, or classes too small.

    Parameters
    ----------
    data : LabeledData
        The training rows.
    min_per_class : int, default 2
        Rows each label needs.

    Raises
    ------
    DataError
        Naming the one label, or the labels with too few rows.
    """
    counts = data.label_counts
    if len(counts) < 2:
        only = next(iter(counts))
        raise DataError(f"{data.source}: only one label ({only!r}); need at least two")
    small = [f"{label} ({n})" for label, n in counts.items() if n < min_per_class]
    if small:
        raise DataError(
            f"{data.source}: labels with fewer than {min_per_class} rows: {', '.join(small)}"
        )

