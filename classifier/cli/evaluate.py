"""`classifier evaluate`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from classifier.cli import ModelOption, TextColumn, app, clean_errors, make_console


@app.command("evaluate")
def evaluate_cli(
    data: Annotated[
        list[str], typer.Option("--data", "-d", help="Labeled CSV, JSONL or Parquet file(s).")
    ],
    model: ModelOption = None,
    text_column: TextColumn = "text",
    label_column: Annotated[str, typer.Option(help="Column holding the label.")] = "label",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as JSON instead of tables.")
    ] = False,
) -> None:
    """Score a model on labeled data: per-class P/R/F1, macro-F1, accuracy, confusion."""
    from classifier.data import load_labeled
    from classifier.evaluation import evaluate
    from classifier.persistence import load_model
    from classifier.report import evaluation_tables

    with clean_errors():
        report = evaluate(load_model(model), load_labeled(data, text_column, label_column))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    console = make_console()
    for table in evaluation_tables(report):
        console.print(table)
