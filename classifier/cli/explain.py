"""`classifier explain`."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from classifier.cli._app import (
    OUTPUT,
    JsonAlias,
    ModelOption,
    ReportFormat,
    ReportFormatOption,
    SafeOption,
    app,
    clean_errors,
    examples,
    make_console,
    report_format,
)


class FeatureKind(str, Enum):
    """The feature kinds ``explain --kind`` can list."""

    word = "word"
    char = "char"
    cue = "cue"


@app.command("explain", epilog=examples(
    'classifier explain "Analysts say the ruling may slow the merger."',
    'classifier explain "Prices may rise." --top 5 --format json',
    "classifier explain --top 25 --kind cue",
))
def explain_cli(
    text: Annotated[
        str | None,
        typer.Argument(help="Sentence to explain; leave it out to list each label's "
                       "strongest features over the whole model."),
    ] = None,
    model: ModelOption = None,
    top: Annotated[
        int | None,
        typer.Option(min=1, metavar="N", rich_help_panel=OUTPUT,
                     help="Features per label \\[default: 10 for a sentence, 25 for the "
                     "model]."),
    ] = None,
    kind: Annotated[
        list[FeatureKind] | None,
        typer.Option("--kind", metavar="KIND", rich_help_panel=OUTPUT,
                     help="Model view: only these feature kinds: word, char, cue (repeat)."),
    ] = None,
    output_format: ReportFormatOption = None,
    safe: SafeOption = False,
    as_json: JsonAlias = False,
) -> None:
    """Show which features push a sentence toward each label, with their weights.

    Features: words, character n-grams, cues. Without a sentence: each label's strongest.
    """
    from rich.markup import escape

    from classifier.persistence import load_model
    from classifier.prediction import sentence_source
    from classifier.reports.article_view import source_note
    from classifier.reports.explain_view import explanation_tables, top_features_tables

    with clean_errors():
        as_json = report_format(output_format, as_json) is ReportFormat.json
        loaded = load_model(model, safe=safe)
        if text is None:
            kinds = tuple(k.value for k in kind) if kind else None
            result = loaded.top_features(top or 25, kinds)
            tables = top_features_tables(result)
        else:
            result = loaded.explain(text, top=top or 10)
            tables = explanation_tables(result, top or 10)
    source = sentence_source(text, result.label) if text is not None else None
    if as_json:
        payload = result.to_dict()
        if text is not None:
            payload["source"] = source.to_dict() if source else None
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console = make_console()
    for table in tables:
        console.print(table)
    if source is not None:
        console.print(f"source: {escape(source_note(source))}", highlight=False)
