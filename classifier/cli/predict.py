"""`classifier predict`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from classifier.cli._app import (
    EncodingOption,
    ModelOption,
    OutputFormat,
    SafeOption,
    TextColumn,
    app,
    clean_errors,
    make_console,
)
from classifier.cli.batch import Engine, run_batch
from classifier.errors import ClassifierError


@app.command("predict")
def predict_cli(
    texts: Annotated[
        list[str] | None, typer.Argument(help="Text(s) to tag; each is split into sentences.")
    ] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option("--file", "-f", help="Plain-text article(s) to tag (repeat for several)."),
    ] = None,
    input_path: Annotated[
        Path | None,
        typer.Option("--input", "-i", help="CSV, JSONL or Parquet table; one text per row."),
    ] = None,
    model: ModelOption = None,
    text_column: TextColumn = "text",
    id_column: Annotated[
        str | None, typer.Option(help="Column of row ids for --input \\[default: row number].")
    ] = None,
    split_sentences: Annotated[
        bool,
        typer.Option("--split-sentences/--no-split", help="Split --input rows into sentences."),
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.table,
    summary: Annotated[
        bool, typer.Option(help="Show each document's label counts and shares.")
    ] = True,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Stream --input (JSONL, CSV, Parquet or a folder "
                     "of .txt) to this .jsonl, .csv or .parquet file, in bounded memory."),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="Worker processes for --output "
                          "(0: all cores; Dask: workers of the local cluster).")
    ] = 0,
    engine: Annotated[
        Engine, typer.Option(help="Where --output runs: local processes, or Dask "
                             "(needs the dask extra; writes a Parquet folder).")
    ] = Engine.local,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://host:8786) "
                                 "\\[default: start a local cluster].")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary (--output).")
    ] = False,
    encoding: EncodingOption = "utf-8",
    safe: SafeOption = False,
) -> None:
    """Label every sentence of texts, articles (--file), a table (--input) or stdin."""
    if output is not None:
        with clean_errors():
            if input_path is None or texts or file:
                raise ClassifierError("--output streams an --input file or folder; give "
                                      "--input and no texts or --file")
            run_batch(model=model, input_path=input_path, output=output,
                      text_column=text_column, id_column=id_column, split=split_sentences,
                      jobs=jobs, engine=engine.value, scheduler=scheduler, quiet=quiet,
                      encoding=encoding, safe=safe)
        return
    with clean_errors():
        _predict_to_stdout(texts or [], file or [], input_path, model, text_column, id_column,
                           split_sentences, output_format, summary, encoding, safe)


def _predict_to_stdout(texts, files, input_path, model, text_column, id_column, split,
                       output_format, summary, encoding, safe) -> None:
    """Rows (jsonl, csv) are written as they come; the other formats show articles."""
    from classifier.batch import articles_from_rows, predict_rows, write_rows
    from classifier.batch.sources import texts_chunk
    from classifier.cli._progress import progress_bar
    from classifier.persistence import load_model

    stdin = None
    if not texts and not files and input_path is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise ClassifierError("nothing to predict: give a text, --file, --input, or stdin")
        stdin = getattr(sys.stdin, "buffer", sys.stdin).read()
    given = texts_chunk(texts, files, stdin, encoding)
    loaded = load_model(model, fast=True, safe=safe)
    with progress_bar(make_console(stderr=True), "tagging") as step:
        rows = predict_rows(loaded, input_path, chunks=[given], text_column=text_column,
                              id_column=id_column, split=split, encoding=encoding,
                              on_progress=lambda p: step(p.done, p.total))
        if output_format in (OutputFormat.jsonl, OutputFormat.csv):
            write_rows((batch for _, batch in rows), sys.stdout.buffer,
                       output_format.value, loaded.labels)
            return
        scored = list(rows)
    if output_format is OutputFormat.json:
        from classifier.reports.tables import rows_as_json

        typer.echo(rows_as_json([row for _, batch in scored for row in batch.to_pylist()],
                           loaded.labels))
        return
    results = [doc for chunk, batch in scored
               for doc in articles_from_rows(chunk, batch, loaded.labels)]
    if output_format in (OutputFormat.html, OutputFormat.markdown):
        from classifier.reports.article_view import as_html, as_markdown

        render = as_html if output_format is OutputFormat.html else as_markdown
        sys.stdout.write(render(results))
    else:
        _print_tables(results, summary)


def _print_tables(results, summary: bool) -> None:
    from classifier.prediction import summarize
    from classifier.reports.tables import predictions_table, summary_table

    console = make_console()
    for doc_id, article in results:
        console.print(predictions_table(doc_id, article))
        if summary and len(article.sentences) > 1:
            console.print(summary_table(article.summary, f"summary: {doc_id}"))
    if summary and len(results) > 1:
        labels = [p.label for _, a in results for p in a.sentences]
        console.print(summary_table(summarize(labels, results[0][1].labels), "all documents"))
