"""The one row schema of batch prediction, and the one function that fills it.

Every output of ``predict`` (``--format jsonl|csv|json`` on stdout, ``--output
x.jsonl|csv|parquet``, the local and the Dask engine) holds these columns, in
this order:

========== ======= ==============================================================
column     type    meaning
========== ======= ==============================================================
row        int64   the input row (0-based; a text argument, ``--file`` or stdin
                   counts as one row each, in the order given)
id         string  the ``--id-column`` value, else the row number (for arguments
                   ``1, 2, ...``, for ``--file`` its path, for stdin ``stdin``)
sentence_index
           int64   the sentence's 0-based index in its row when split (null for a
                   row with no sentence), ``0`` when not split; tables number
                   sentences from 1 (``#`` = ``sentence_index + 1``)
kind       string  ``sentence``; or ``heading``, ``byline``, ``dateline`` for a line
                   of an article that is not a sentence (left unlabeled, with the
                   reason in ``error``); null for an empty or unreadable row
start, end int64   the sentence's character offsets in the row's text when split
                   (null when not split, or no sentence)
text       string  the sentence (split) or the row's text
label      string  the predicted label; null for a row with an error, and for one
                   below ``--min-confidence`` (``error``: ``low confidence``)
confidence float64 the best probability (6 decimals): that of ``label``; null for a
                   row that was not scored
p_<label>  float64 the probability of each label, in the model's label order
source     string  who an attributed sentence is attributed to (official claims,
                   attributed speculation or analysis; null otherwise), with
                   ``source_start``/``source_end`` (offsets in the row's text),
                   ``source_kind`` (official, commentator, private, unnamed),
                   ``cue`` with ``cue_start``/``cue_end`` (the reporting verb or
                   phrase) and ``speaker`` (the earlier speaker a pronoun stands
                   for, else the source): ``classifier.prediction.SOURCE_COLUMNS``
error      string  why a row has no label (``empty text``, ``blank line``,
                   ``invalid JSON (...)``, ``malformed CSV record (...)``,
                   ``not a sentence: heading``, ``low confidence``, ...)
========== ======= ==============================================================

Every input row gives at least one output row (exactly one when not split), in
input order: an empty or unreadable row is an error row, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classifier.data.records import RawChunk
from classifier.prediction import (
    LOW_CONFIDENCE,
    SOURCE_COLUMNS,
    ArticlePrediction,
    Prediction,
    not_a_sentence,
    source_columns,
)

EMPTY = "empty text"
FIXED_COLUMNS = ("row", "id", "sentence_index", "kind", "start", "end", "text", "label",
                 "confidence")


def output_schema(labels: tuple[str, ...]) -> Any:
    """The columns of a prediction row; the same for every format and engine.

    Parameters
    ----------
    labels : tuple of str
        The model's labels, in its order: one ``p_<label>`` column each.

    Returns
    -------
    pyarrow.Schema

    Examples
    --------
    >>> output_schema(("a", "b")).names
    ['row', 'id', 'sentence_index', 'kind', 'start', 'end', 'text', 'label', 'confidence', \
'p_a', 'p_b', 'source', 'source_start', 'source_end', 'source_kind', 'cue', 'cue_start', \
'cue_end', 'speaker', 'error']
    """
    import pyarrow as pa

    return pa.schema(
        [("row", pa.int64()), ("id", pa.string()), ("sentence_index", pa.int64()),
         ("kind", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
         ("text", pa.string()),
         ("label", pa.string()), ("confidence", pa.float64())]
        + [(f"p_{label}", pa.float64()) for label in labels]
        + [(name, pa.int64() if name.endswith(("_start", "_end")) else pa.string())
           for name in SOURCE_COLUMNS]
        + [("error", pa.string())]
    )


@dataclass
class Rows:
    """Prediction rows of one chunk, by column (``output_schema``), without pyarrow.

    Built by ``score_chunk``; ``to_pylist`` gives one dict per row (what JSONL and
    CSV hold), ``to_arrow`` a pyarrow ``RecordBatch`` (what Parquet holds).
    Probabilities are rounded to 6 decimals; NaN marks a row that was not scored
    (a row below the minimum confidence keeps them, with no label).
    """

    labels: tuple[str, ...]
    row: list[int] = field(default_factory=list)
    id: list[str] = field(default_factory=list)
    sentence_index: list[int | None] = field(default_factory=list)
    kind: list[str | None] = field(default_factory=list)
    start: list[int | None] = field(default_factory=list)
    end: list[int | None] = field(default_factory=list)
    text: list[str | None] = field(default_factory=list)
    label: list[str | None] = field(default_factory=list)
    confidence: Any = None  # float array, NaN where there is no label
    proba: Any = None  # (rows, labels) float array, NaN rows where there is no label
    error: list[str | None] = field(default_factory=list)
    #: ``SOURCE_COLUMNS`` name -> one value per row (``classifier.prediction.source_columns``)
    sources: dict[str, list] = field(default_factory=dict)
    #: rows scored whole (not split) that hold several sentences (each got one label)
    several_sentences: int = 0

    @property
    def num_rows(self) -> int:
        """How many rows."""
        return len(self.row)

    @property
    def errors(self) -> int:
        """How many rows have an error."""
        return sum(e is not None for e in self.error)

    @property
    def schema(self) -> Any:
        """``output_schema(labels)``."""
        return output_schema(self.labels)

    def to_pylist(self) -> list[dict]:
        """One dict per row, in the schema's column order (``None`` for nulls).

        Returns
        -------
        list of dict
            Column name to value.
        """
        names = [f"p_{label}" for label in self.labels]
        confidence = self.confidence.tolist() if self.num_rows else []
        proba = self.proba.tolist() if self.num_rows else []
        out = []
        for k in range(self.num_rows):
            missing = confidence[k] != confidence[k]  # NaN: not scored
            item = {"row": self.row[k], "id": self.id[k],
                    "sentence_index": self.sentence_index[k], "kind": self.kind[k],
                    "start": self.start[k], "end": self.end[k], "text": self.text[k],
                    "label": self.label[k], "confidence": None if missing else confidence[k]}
            for name, value in zip(names, proba[k]):
                item[name] = None if missing else value
            for name in SOURCE_COLUMNS:
                item[name] = self.sources[name][k] if name in self.sources else None
            item["error"] = self.error[k]
            out.append(item)
        return out

    def to_arrow(self) -> Any:
        """The rows as a pyarrow ``RecordBatch`` in ``output_schema(labels)``.

        Returns
        -------
        pyarrow.RecordBatch
            Missing probabilities (rows not scored) are nulls.
        """
        import numpy as np
        import pyarrow as pa

        n = self.num_rows
        proba = self.proba if n else np.zeros((0, len(self.labels)))
        confidence = self.confidence if n else np.zeros(0)
        missing = np.isnan(confidence)
        columns = [
            pa.array(self.row, pa.int64()), pa.array(self.id, pa.string()),
            pa.array(self.sentence_index, pa.int64()), pa.array(self.kind, pa.string()),
            pa.array(self.start, pa.int64()),
            pa.array(self.end, pa.int64()), pa.array(self.text, pa.string()),
            pa.array(self.label, pa.string()),
            pa.array(confidence, pa.float64(), mask=missing),
        ]
        columns += [pa.array(proba[:, j], pa.float64(), mask=missing)
                    for j in range(len(self.labels))]
        for name in SOURCE_COLUMNS:
            kind = pa.int64() if name.endswith(("_start", "_end")) else pa.string()
            columns.append(pa.array(self.sources.get(name, [None] * n), kind))
        columns.append(pa.array(self.error, pa.string()))
        return pa.RecordBatch.from_arrays(columns, schema=output_schema(self.labels))


def score_chunk(model: Any, chunk: RawChunk, split: bool = False,
                min_confidence: float = 0.0) -> Rows:
    """Prediction rows of one chunk (``output_schema``).

    Parameters
    ----------
    model : Model
        A loaded model.
    chunk : RawChunk
        Consecutive input rows (``classifier.data.records``).
    split : bool
        One row per sentence (a row with no sentence still gives one row), each
        scored with the sentence before it as context, as ``Model.tag_article``
        does; else one row per input row. A heading, byline or dateline on a
        line of its own is not scored (``kind`` and ``error`` say so).
    min_confidence : float
        A row whose best probability is below it keeps its probabilities but no
        label (``error``: ``low confidence``).

    Returns
    -------
    Rows
        A row whose text is empty or could not be read has a null label and an
        ``error``. NumPy only: no pyarrow (nor pandas) is imported for it.
    """
    import numpy as np

    from classifier.text.sentences import has_several_sentences, split_sentences

    labels = tuple(model.labels)
    out = Rows(labels)
    ids = [str(chunk.first_row + k) if i is None else i for k, i in enumerate(chunk.ids)]
    texts: list[str] = []
    contexts: list[str] = []
    groups: list[tuple[str, list[tuple[int, int]]]] = []  # per input row: text, row spans
    for k, text in enumerate(chunk.texts):
        row = chunk.first_row + k
        error = chunk.errors[k]
        text = text if text is not None or error is not None else ""
        body = text or ""  # None only for a row that could not be read (error set)
        pieces = None
        if split and error is None and body.strip():
            pieces = split_sentences(body)
        if pieces:
            for index, s in enumerate(pieces):
                sentence = s.kind == "sentence"
                _add(out, row, ids[k], index, s.kind, s.start, s.end, s.text,
                     None if sentence else not_a_sentence(s.kind))
                # a wrapped line leaves a line break inside: the model reads one space
                texts.append(" ".join(s.text.split()) if sentence else "")
                contexts.append(" ".join(pieces[index - 1].text.split()) if index else "")
            groups.append((body, [(s.start, s.end) for s in pieces]))
        else:
            if error is None and not body.strip():
                error = EMPTY
            if error is None and not split and has_several_sentences(body):
                out.several_sentences += 1
            _add(out, row, ids[k], None if split else 0, None if error else "sentence",
                 None, None, text, error)
            texts.append(body if error is None else "")
            contexts.append("")
            groups.append((body, [(0, len(body))]))
    if texts:
        proba = np.asarray(model.predict_proba(texts, contexts if split else None), dtype=float)
    else:
        proba = np.empty((0, len(labels)))
    missing = np.isnan(proba[:, 0]) if len(proba) else np.zeros(0, dtype=bool)
    best = np.argmax(np.where(np.isnan(proba), -1.0, proba), axis=1)
    top = np.max(np.where(missing[:, None], 0.0, proba), axis=1) if len(proba) else np.zeros(0)
    low = ~missing & (top < min_confidence)
    out.label = [None if m or lo else labels[b] for b, m, lo in zip(best, missing, low)]
    out.error = [LOW_CONFIDENCE if lo and e is None else e if e is not None or not m else EMPTY
                 for e, m, lo in zip(out.error, missing, low)]
    out.proba = np.round(proba, 6)
    out.confidence = np.round(top, 6)
    out.confidence[missing] = np.nan
    out.sources = source_columns(groups, out.label)
    return out


def _add(
    out: Rows, row: int, row_id: str, sentence: int | None, kind: str | None,
    start: int | None, end: int | None, text: str | None, error: str | None,
) -> None:
    out.row.append(row)
    out.id.append(row_id)
    out.sentence_index.append(sentence)
    out.kind.append(kind)
    out.start.append(start)
    out.end.append(end)
    out.text.append(text)
    out.error.append(error)


def articles_from_rows(
    chunk: RawChunk, batch: Any, labels: tuple[str, ...],
) -> list[tuple[str, ArticlePrediction]]:
    """The rows of one scored chunk as ``(id, ArticlePrediction)`` per input row.

    For the views that show articles (tables, HTML, Markdown, the JSON document
    list): the same rows as every other output, grouped by input row.

    Parameters
    ----------
    chunk : RawChunk
        The chunk that was scored (for each row's whole text).
    batch : pyarrow.RecordBatch
        ``score_chunk(model, chunk, split)``.
    labels : tuple of str
        The model's labels.

    Returns
    -------
    list of (str, ArticlePrediction)
        One entry per input row, in order; a row with an error holds one
        ``Prediction`` with ``label=None`` and that error.
    """
    grouped: dict[int, list[dict]] = {}
    for row in batch.to_pylist():
        grouped.setdefault(row["row"], []).append(row)
    out = []
    for k in range(len(chunk)):
        rows = grouped.get(chunk.first_row + k, [])
        sentences = [_prediction(row, labels) for row in rows]
        text = chunk.texts[k] or ""
        out.append((rows[0]["id"] if rows else str(chunk.first_row + k),
                    ArticlePrediction(text, sentences, labels)))
    return out


def _prediction(row: dict, labels: tuple[str, ...]) -> Prediction:
    probabilities = ({label: row[f"p_{label}"] for label in labels}
                     if row["confidence"] is not None else {})
    return Prediction(row["text"] or "", row["label"], probabilities, row["start"],
                      row["end"], row["error"], row["kind"] or "sentence")
