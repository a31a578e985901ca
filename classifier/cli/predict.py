"""`classifier predict`."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from classifier.cli._app import (
    INPUT,
    OUTPUT,
    EncodingOption,
    ModelOption,
    OutputFormat,
    SafeOption,
    app,
    clean_errors,
    examples,
    make_console,
)
from classifier.cli.batch import Engine, run_batch
from classifier.errors import ClassifierError

if TYPE_CHECKING:
    from rich.console import Console

    from classifier.batch.rows import Rows
    from classifier.data.records import RawChunk
    from classifier.prediction import ArticlePrediction

BATCH = "Large inputs (--output)"
TOP_K_FORMATS = (OutputFormat.table, OutputFormat.json, OutputFormat.markdown)


@app.command("predict", epilog=examples(
    'classifier predict "The ministry said 14 people were detained. More may follow."',
    "classifier predict --file article.txt --format html > article.html",
    "classifier predict --file page.html --min-confidence 0.6 --top-k 2",
    "cat article.txt | classifier predict --format jsonl",
    "classifier predict --input texts.csv --text-column body --id-column id --format csv",
    "classifier predict --input archive.jsonl --split-sentences --output tags.parquet",
))
def predict_cli(
    texts: Annotated[
        list[str] | None, typer.Argument(metavar="TEXT",
                                         help="Text(s) to tag; each is split into sentences.")
    ] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option("--file", "-f", metavar="FILE", rich_help_panel=INPUT,
                     help="Article(s) to tag: plain text, or a web page (.html, or --html); "
                     "repeat for several."),
    ] = None,
    input_path: Annotated[
        Path | None,
        typer.Option("--input", "-i", metavar="TABLE", rich_help_panel=INPUT,
                     help="CSV, JSONL or Parquet table, or a folder of .txt: one text per row."),
    ] = None,
    text_column: Annotated[
        str | None, typer.Option(metavar="NAME", rich_help_panel=INPUT,
                                 help="--input: column holding the text \\[default: text].")
    ] = None,
    id_column: Annotated[
        str | None, typer.Option(metavar="NAME", rich_help_panel=INPUT,
                                 help="--input: column of row ids \\[default: row number].")
    ] = None,
    split_sentences: Annotated[
        bool, typer.Option("--split-sentences", rich_help_panel=INPUT,
                           help="--input: split each row into sentences (rows are taken "
                           "as sentences otherwise; texts, --file and stdin are always split).")
    ] = False,
    html: Annotated[
        bool, typer.Option("--html", rich_help_panel=INPUT,
                           help="Read --file and stdin as web pages and tag their article "
                           "text (found by suffix or content otherwise).")
    ] = False,
    encoding: EncodingOption = "utf-8",
    model: ModelOption = None,
    safe: SafeOption = False,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", metavar="FORMAT", rich_help_panel=OUTPUT,
                     help="On stdout: table (default), json, jsonl, csv, html or markdown."),
    ] = None,
    min_confidence: Annotated[
        float, typer.Option(metavar="P", rich_help_panel=OUTPUT,
                            help="Leave a sentence unlabeled (error: low confidence) when its "
                            "best probability is below P (0 to 1).")
    ] = 0.0,
    top_k: Annotated[
        int | None, typer.Option(min=1, metavar="K", rich_help_panel=OUTPUT,
                                 help="Show the K most probable labels of each sentence "
                                 "(table, json, markdown).")
    ] = None,
    no_summary: Annotated[
        bool, typer.Option("--no-summary", rich_help_panel=OUTPUT,
                           help="Tables: no label counts and shares per document.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", rich_help_panel=BATCH,
                     help="Stream --input to this .jsonl, .csv or .parquet file (its suffix "
                     "is the format), in bounded memory."),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=0, metavar="N", rich_help_panel=BATCH,
                                 help="Worker processes (0: all cores, the default; Dask: "
                                 "workers of the local cluster).")
    ] = None,
    engine: Annotated[
        Engine | None, typer.Option(metavar="NAME", rich_help_panel=BATCH,
                                    help="local (default) processes, or dask (the dask "
                                    "extra; writes a Parquet folder).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(metavar="ADDRESS", rich_help_panel=BATCH,
                                 help="Dask scheduler (tcp://host:8786) \\[default: a local "
                                 "cluster].")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", rich_help_panel=BATCH,
                           help="No progress bar or summary line.")
    ] = False,
    # old spellings, kept hidden for one release
    no_split: Annotated[bool, typer.Option("--no-split", hidden=True)] = False,
    summary: Annotated[bool, typer.Option("--summary", hidden=True)] = False,
) -> None:
    """Label every sentence of texts, articles (--file), a table (--input) or stdin."""
    from classifier.prediction import check_min_confidence

    with clean_errors():
        check_min_confidence(min_confidence)
        _check_options(texts, file, input_path, text_column, id_column, split_sentences,
                       html, output_format, top_k, no_summary or summary, output, jobs,
                       engine, scheduler, quiet)
        if output is not None and input_path is not None:  # (checked above)
            run_batch(model=model, input_path=input_path, output=output,
                      text_column=text_column or "text", id_column=id_column,
                      split=split_sentences, jobs=jobs or 0,
                      engine=(engine or Engine.local).value, scheduler=scheduler,
                      quiet=quiet, encoding=encoding, safe=safe,
                      min_confidence=min_confidence)
            return
        _predict_to_stdout(texts or [], file or [], input_path, model, text_column or "text",
                           id_column, split_sentences, output_format or OutputFormat.table,
                           not no_summary, encoding, safe, html or None, min_confidence,
                           top_k)


def _check_options(
    texts: list[str] | None, files: list[Path] | None, input_path: Path | None,
    text_column: str | None, id_column: str | None, split: bool, html: bool,
    output_format: OutputFormat | None, top_k: int | None, summary_flag: bool,
    output: Path | None, jobs: int | None, engine: Engine | None, scheduler: str | None,
    quiet: bool,
) -> None:
    """Refuse, in one line, options that would do nothing in this combination."""
    if input_path is None:
        unused = [name for name, value in (("--split-sentences", split),
                                           ("--text-column", text_column),
                                           ("--id-column", id_column)) if value]
        if unused:
            raise ClassifierError(f"{', '.join(unused)} apply to --input tables; texts, "
                                  "--file and stdin are always split into sentences")
    elif html and not (texts or files):
        raise ClassifierError("--html applies to --file and stdin, not to --input tables")
    if output is not None:
        if input_path is None or texts or files:
            raise ClassifierError("--output streams an --input file or folder; give "
                                  "--input and no texts or --file")
        if output_format is not None:
            raise ClassifierError(f"--format is for stdout; --output writes the format of "
                                  f"its suffix ({output.suffix or 'none'}): .jsonl, .csv or "
                                  ".parquet")
        if top_k is not None or summary_flag:
            raise ClassifierError("--top-k and --no-summary are for stdout formats; --output "
                                  "rows carry every label's probability (p_<label> columns)")
        return
    unused = [name for name, value in (("--jobs", jobs is not None), ("--engine", engine),
                                       ("--scheduler", scheduler), ("--quiet", quiet))
              if value]
    if unused:
        raise ClassifierError(f"{', '.join(unused)} apply to --output (streaming an --input "
                              "to a file)")
    fmt = output_format or OutputFormat.table
    if top_k is not None and fmt not in TOP_K_FORMATS:
        raise ClassifierError(f"--top-k applies to --format table, json and markdown; {fmt.value} "
                              "shows every label's probability already")
    if summary_flag and fmt is not OutputFormat.table:
        raise ClassifierError("--no-summary applies to --format table")


def _predict_to_stdout(
    texts: list[str], files: list[Path], input_path: Path | None, model: str | None,
    text_column: str, id_column: str | None, split: bool, output_format: OutputFormat,
    summary: bool, encoding: str, safe: bool, html: bool | None = None,
    min_confidence: float = 0.0, top_k: int | None = None,
) -> None:
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
    given = texts_chunk(texts, files, stdin, encoding, html=html)
    loaded = load_model(model, fast=True, safe=safe)
    several = [0]

    def counted(rows: Iterable[tuple[RawChunk, Rows]]) -> Iterator[tuple[RawChunk, Rows]]:
        for chunk, batch in rows:
            several[0] += batch.several_sentences
            yield chunk, batch

    err = make_console(stderr=True)
    with progress_bar(err, "tagging") as step:
        rows = counted(predict_rows(loaded, input_path, chunks=[given], text_column=text_column,
                                    id_column=id_column, split=split, encoding=encoding,
                                    on_progress=lambda p: step(p.done, p.total),
                                    min_confidence=min_confidence))
        if output_format in (OutputFormat.jsonl, OutputFormat.csv):
            write_rows((batch for _, batch in rows), sys.stdout.buffer,
                       output_format.value, loaded.labels)
            _warn_several(err, several[0])
            return
        scored = list(rows)
    _warn_several(err, several[0])
    if output_format is OutputFormat.json:
        from classifier.reports.tables import rows_as_json, with_top

        rows_out = [row for _, batch in scored for row in batch.to_pylist()]
        if top_k:
            rows_out = [with_top(row, loaded.labels, top_k) for row in rows_out]
        typer.echo(rows_as_json(rows_out, loaded.labels))
        return
    results = [doc for chunk, batch in scored
               for doc in articles_from_rows(chunk, batch, loaded.labels)]
    if output_format is OutputFormat.html:
        from datetime import date

        from classifier.reports.article_view import as_html, model_caption

        caption = model_caption(loaded.metadata, tagged=date.today().isoformat())
        sys.stdout.write(as_html(results, caption=caption))
    elif output_format is OutputFormat.markdown:
        from classifier.reports.article_view import as_markdown

        sys.stdout.write(as_markdown(results, top_k=top_k or 0))
    else:
        _print_tables(results, summary, top_k or 0)


def _warn_several(console: Console, count: int) -> None:
    """One warning for table rows that hold several sentences but got one label."""
    if count:
        rows = "row holds" if count == 1 else "rows hold"
        console.print(f"warning: {count} {rows} several sentences and got one label; "
                      "pass --split-sentences to label each sentence", style="yellow",
                      markup=False, highlight=False, soft_wrap=True)


def _print_tables(
    results: list[tuple[str, ArticlePrediction]], summary: bool, top_k: int = 0,
) -> None:
    from classifier.prediction import summarize
    from classifier.reports.tables import predictions_table, summary_table

    console = make_console()
    for doc_id, article in results:
        console.print(predictions_table(doc_id, article, top_k=top_k))
        if summary and len(article.sentences) > 1:
            console.print(summary_table(article.summary, f"summary: {doc_id}"))
    if summary and len(results) > 1:
        labels = [p.label for _, a in results for p in a.sentences]
        console.print(summary_table(summarize(labels, results[0][1].labels), "all documents"))
