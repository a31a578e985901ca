"""`classifier evaluate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from classifier.cli._app import (
    INPUT,
    OUTPUT,
    EncodingOption,
    JsonAlias,
    LabelColumn,
    ModelOption,
    ReportFormat,
    ReportFormatOption,
    SafeOption,
    TextColumn,
    app,
    clean_errors,
    examples,
    make_console,
    report_format,
)

if TYPE_CHECKING:
    from classifier.data.tables import LabeledData
    from classifier.evaluation import EvaluationReport
    from classifier.model import Model
    from classifier.prediction import OnBatch


@app.command("evaluate", epilog=examples(
    "classifier evaluate --data data/test.jsonl",
    "classifier evaluate --model models/mine --data test.csv --format json",
    "classifier evaluate --data data/test.jsonl --report report/",
))
def evaluate_cli(
    data: Annotated[
        list[str], typer.Option("--data", "-d", metavar="FILE", rich_help_panel=INPUT,
                                help="Labeled CSV, JSONL or Parquet file(s).")
    ],
    model: ModelOption = None,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    encoding: EncodingOption = "utf-8",
    output_format: ReportFormatOption = None,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report", metavar="FOLDER", rich_help_panel=OUTPUT,
                     help="Also write an HTML report with plots, and its figures as JSON, "
                     "into this folder (needs the plot extra)."),
    ] = None,
    topic_column: Annotated[
        str, typer.Option(metavar="NAME", rich_help_panel=OUTPUT,
                          help="Column of topics for the report's errors per topic, if any.")
    ] = "topic",
    safe: SafeOption = False,
    as_json: JsonAlias = False,
) -> None:
    """Score a model on labeled data: per-class P/R/F1, macro-F1, accuracy, confusion."""
    from classifier.cli._progress import progress_bar
    from classifier.data import load_labeled
    from classifier.evaluation import evaluate
    from classifier.persistence import load_model
    from classifier.reports.tables import evaluation_tables

    err = make_console(stderr=True)
    with clean_errors():
        as_json = report_format(output_format, as_json) is ReportFormat.json
        if report_dir is not None:
            from classifier.reports.evaluation_report import check_report_folder
            from classifier.reports.plots import require_matplotlib

            require_matplotlib()
            check_report_folder(report_dir)  # before the scoring, not after
        loaded = load_model(model, safe=safe)
        dataset = load_labeled(data, text_column, label_column, encoding=encoding)
        for reason, count in dataset.dropped.items():
            err.print(f"dropped {count} rows: {reason}", style="yellow", markup=False)
        with progress_bar(err, "scoring", len(dataset)) as step:
            if report_dir is None:
                report = evaluate(loaded, dataset, on_batch=step)
            else:
                report = _write_report(loaded, dataset, data, text_column, topic_column,
                                       report_dir, step)
    if report_dir is not None:
        err.print(f"report written to {report_dir / 'report.html'}", soft_wrap=True)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    console = make_console()
    for table in evaluation_tables(report):
        console.print(table)


def _write_report(
    model: Model, dataset: LabeledData, paths: list[str], text_column: str,
    topic_column: str, folder: Path, on_batch: OnBatch | None,
) -> EvaluationReport:
    """Diagnose, write the report folder, and return the plain evaluation report."""
    from classifier.diagnostics import diagnose, load_topics
    from classifier.reports.evaluation_report import write_report

    topics = load_topics(paths, dataset, text_column, topic_column)
    diagnostics = diagnose(model, dataset, topics, on_batch=on_batch)
    write_report(diagnostics, folder)
    return diagnostics.report
