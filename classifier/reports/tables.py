"""Rendering results for people (rich tables) and machines (the JSON document list).

JSONL and CSV rows are written by ``classifier.batch.writer``, one row schema for all.

Takes the library's dataclasses and returns strings or rich renderables; prints nothing.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import TYPE_CHECKING

from classifier.evaluation import EvaluationReport
from classifier.prediction import ArticlePrediction, LabelShare, summarize
from classifier.reports.palette import colour

if TYPE_CHECKING:
    from rich.table import Table

    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.tuning import TuneResult


def prediction_rows(doc_id: str, article: ArticlePrediction, row: int = 0) -> list[dict]:
    """An article's sentences as prediction rows.

    The columns are ``classifier.batch.rows.output_schema``'s (without the source
    columns); an article without a sentence is one error row, so no input disappears.

    Parameters
    ----------
    doc_id : str
        The document's id.
    article : ArticlePrediction
        The tagged article.
    row : int, default 0
        The input row number.

    Returns
    -------
    list of dict
        One row per sentence.
    """
    out = []
    for index, p in enumerate(article.sentences):
        item: dict = {"row": row, "id": doc_id, "sentence_index": index, "kind": p.kind,
                      "start": p.start, "end": p.end, "text": p.text, "label": p.label,
                      "confidence": round(p.confidence, 6) if p.probabilities else None}
        for label in article.labels:
            value = p.probabilities.get(label)
            item[f"p_{label}"] = round(value, 6) if value is not None else None
        item["error"] = p.error
        out.append(item)
    if not out:
        out.append({"row": row, "id": doc_id, "sentence_index": None, "kind": None,
                    "start": None, "end": None,
                    "text": article.text, "label": None, "confidence": None,
                    **{f"p_{label}": None for label in article.labels}, "error": "empty text"})
    return out


def as_json(docs: list[tuple[str, ArticlePrediction]]) -> str:
    """Documents, each with its sentences (prediction rows) and label summary, as JSON.

    Parameters
    ----------
    docs : list of (str, ArticlePrediction)
        Each document's id and tagged article.

    Returns
    -------
    str
        One JSON array (``rows_as_json`` of their rows).
    """
    labels = docs[0][1].labels if docs else ()
    rows = [r for k, (doc_id, article) in enumerate(docs)
            for r in prediction_rows(doc_id, article, k)]
    return rows_as_json(rows, labels)


class _Listed:
    """Row dicts as the batch writer takes rows."""

    def __init__(self, rows: list[dict]):
        self.rows, self.num_rows = rows, len(rows)

    def to_pylist(self) -> list[dict]:
        return self.rows


def _write(rows: list[dict], kind: str) -> str:
    import io

    from classifier.batch import write_rows

    if not rows:
        return ""
    labels = tuple(k[2:] for k in rows[0] if k.startswith("p_"))
    sink = io.BytesIO()
    write_rows(iter([_Listed(rows)]), sink, kind, labels)
    return sink.getvalue().decode("utf-8")


def as_jsonl(rows: list[dict]) -> str:
    """Prediction rows as JSON Lines, as ``predict --format jsonl`` writes them.

    Parameters
    ----------
    rows : list of dict
        Prediction rows.

    Returns
    -------
    str
        One line per row (``""``: no rows).
    """
    return _write(rows, "jsonl")


def as_csv(rows: list[dict]) -> str:
    """Prediction rows as CSV, as ``predict --format csv`` writes them.

    Parameters
    ----------
    rows : list of dict
        Prediction rows.

    Returns
    -------
    str
        A header and one line per row (``""``: no rows).
    """
    return _write(rows, "csv")


def rows_as_json(rows: list[dict], labels: tuple[str, ...] = ()) -> str:
    """Prediction rows (``classifier.batch.rows``) grouped by input row, as one JSON array.

    Each element is ``{"id", "row", "summary", "sentences": [rows]}``.

    Parameters
    ----------
    rows : list of dict
        Prediction rows, in input order.
    labels : tuple of str, optional
        The model's labels, the order of each summary.

    Returns
    -------
    str
        Indented JSON.

    Examples
    --------
    >>> print(rows_as_json([{"row": 0, "id": "1", "label": "analysis"}], ("analysis",)))
    [
      {
        "id": "1",
        "row": 0,
        "summary": {
          "analysis": {
            "count": 1,
            "share": 1.0
          }
        },
        "sentences": [
          {
            "row": 0,
            "id": "1",
            "label": "analysis"
          }
        ]
      }
    ]
    """
    docs: list[dict] = []
    for row in rows:
        if not docs or docs[-1]["row"] != row["row"]:
            docs.append({"id": row["id"], "row": row["row"], "summary": {}, "sentences": []})
        docs[-1]["sentences"].append(row)
    for doc in docs:
        doc["summary"] = summary_dict(summarize([r["label"] for r in doc["sentences"]],
                                                tuple(labels)))
    return json.dumps(docs, ensure_ascii=False, indent=2)


def top_cell(top: list[tuple[str, float]], labels: Collection[str] = ()) -> str:
    """``label 0.61, label 0.30`` with each label in its colour (rich markup).

    Parameters
    ----------
    top : list of (str, float)
        Labels and probabilities (``Prediction.top``).
    labels : iterable of str, optional
        The model's labels, for the colours of labels outside the guide.

    Returns
    -------
    str
        rich markup.

    Examples
    --------
    >>> top_cell([("analysis", 0.61), ("speculation", 0.3)])
    '[green]analysis[/] 0.61, [magenta]speculation[/] 0.30'
    """
    return ", ".join(f"[{colour(label, labels)}]{label}[/] {p:.2f}" for label, p in top)


def with_top(row: dict, labels: tuple[str, ...], k: int) -> dict:
    """A prediction row with ``top``: its ``k`` most probable labels.

    Parameters
    ----------
    row : dict
        A prediction row (``p_<label>`` columns).
    labels : tuple of str
        The model's labels.
    k : int
        How many.

    Returns
    -------
    dict
        The row plus ``top`` as ``[{"label", "p"}]`` (empty for a row that was not
        scored).

    Examples
    --------
    >>> with_top({"p_a": 0.2, "p_b": 0.7, "p_c": 0.1}, ("a", "b", "c"), 2)["top"]
    [{'label': 'b', 'p': 0.7}, {'label': 'a', 'p': 0.2}]
    """
    scored = [(label, row.get(f"p_{label}")) for label in labels]
    ranked = sorted(((lab, p) for lab, p in scored if p is not None), key=lambda x: -x[1])
    return {**row, "top": [{"label": lab, "p": p} for lab, p in ranked[:k]]}


def summary_dict(shares: list[LabelShare]) -> dict:
    """``{label: {"count", "share"}}`` of label shares.

    Parameters
    ----------
    shares : list of LabelShare
        The shares (``summarize``).

    Returns
    -------
    dict
        Shares rounded to four places.
    """
    return {s.label: {"count": s.count, "share": round(s.share, 4)} for s in shares}


def predictions_table(doc_id: str, article: ArticlePrediction, top_k: int = 0) -> Table:
    """A rich table of one document's sentences, labels, confidence and sources.

    Parameters
    ----------
    doc_id : str
        The document's id, the table's title.
    article : ArticlePrediction
        The tagged article.
    top_k : int, default 0
        Add a column of each sentence's ``top_k`` most probable labels.

    Returns
    -------
    rich.table.Table
        One row per sentence.
    """
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=doc_id, title_justify="left", expand=False, show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("label")
    table.add_column("conf", justify="right")
    if top_k:
        table.add_column(f"top {top_k}")
    table.add_column("source", overflow="fold", max_width=28)
    table.add_column("sentence", overflow="fold")
    for index, p in enumerate(article.sentences):
        label = p.label or f"- ({p.error})"
        source = p.source
        table.add_row(
            str(index + 1),
            f"[{colour(p.label, article.labels)}]{label}[/]",
            f"{p.confidence:.2f}" if p.probabilities else "",
            *([top_cell(p.top(top_k), article.labels)] if top_k else []),
            escape(f"{source.speaker} ({source.kind})") if source else "",
            p.text,
        )
    return table


def summary_table(shares: list[LabelShare], title: str = "summary") -> Table:
    """A rich table of label counts and shares.

    Parameters
    ----------
    shares : list of LabelShare
        The shares (``summarize``).
    title : str, default 'summary'
        The table's title.

    Returns
    -------
    rich.table.Table
        One row per label.
    """
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("label")
    table.add_column("sentences", justify="right")
    table.add_column("share", justify="right")
    labels = [x.label for x in shares]
    for s in shares:
        table.add_row(f"[{colour(s.label, labels)}]{s.label}[/]", str(s.count), f"{s.share:.0%}")
    return table


def evaluation_tables(report: EvaluationReport) -> list[Table]:
    """Per-class metrics, then the confusion matrix (rows: true, columns: predicted).

    Parameters
    ----------
    report : EvaluationReport
        The evaluation.

    Returns
    -------
    list of rich.table.Table
        The two tables.
    """
    from rich.table import Table

    metrics = Table(title=f"evaluation on {report.n} sentences", title_justify="left")
    for name, justify in [("label", "left"), ("precision", "right"), ("recall", "right"),
                          ("f1", "right"), ("support", "right")]:
        metrics.add_column(name, justify=justify)  # type: ignore[arg-type]
    for m in report.per_class:
        metrics.add_row(
            f"[{colour(m.label, report.labels)}]{m.label}[/]", f"{m.precision:.3f}",
            f"{m.recall:.3f}", f"{m.f1:.3f}", str(m.support),
        )
    metrics.add_section()
    metrics.add_row("macro avg", "", "", f"{report.macro_f1:.3f}", str(report.n))
    metrics.add_row("accuracy", "", "", f"{report.accuracy:.3f}", "")
    metrics.add_row("brier / ece", "", "", f"{report.brier:.3f} / {report.ece:.3f}", "")

    confusion = Table(title="confusion (rows: true, columns: predicted)", title_justify="left")
    confusion.add_column("true \\ pred")
    for label in report.labels:
        confusion.add_column(label, justify="right")
    for label, row in zip(report.labels, report.confusion):
        confusion.add_row(label, *[str(v) for v in row])
    return [metrics, confusion]


def _config_summary(config: PipelineConfig) -> str:
    parts = [f"word{tuple(config.word_ngram_range)}"]
    parts.append(f"char{tuple(config.char_ngram_range)}" if config.char_ngram_range else "nochar")
    parts.append(f"cues×{config.cue_weight:g}" if config.cues else "nocues")
    parts.append(f"min_df={config.min_df}")
    if not config.sublinear_tf:
        parts.append("raw-tf")
    if config.stop_words:
        parts.append(f"stop={config.stop_words}")
    reg = f"alpha={config.alpha:g}" if config.estimator == "sgd" else f"C={config.C:g}"
    parts.append(f"{config.estimator}({reg}, {config.class_weight or 'unweighted'})")
    parts += [f"{label}×{boost:g}" for label, boost in config.class_boost]
    return " ".join(parts)


def tune_table(result: TuneResult, top: int = 10) -> Table:
    """The ranked candidates of a tuning run.

    Parameters
    ----------
    result : TuneResult
        The tuning run.
    top : int, default 10
        Candidates shown.

    Returns
    -------
    rich.table.Table
        One row per candidate, best first.
    """
    from rich.table import Table

    kind = "grouped " if result.grouped else ""
    table = Table(title=f"tuning: {kind}cross-validated macro-F1", title_justify="left")
    table.add_column("rank", justify="right")
    table.add_column("macro-F1", justify="right")
    table.add_column("± std", justify="right")
    table.add_column("configuration", overflow="fold")
    for rank, candidate in enumerate(result.ranked[:top], 1):
        if candidate.error:
            table.add_row(str(rank), "failed", "", f"{_config_summary(candidate.config)}: "
                          f"{candidate.error}")
            continue
        table.add_row(str(rank), f"{candidate.mean:.3f}", f"{candidate.std:.3f}",
                      _config_summary(candidate.config))
    return table
