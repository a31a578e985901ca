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


def _gather_inputs(texts, files, input_path, text_column, id_column, split, encoding="utf-8"):
    """(id, text) pairs from arguments, files, a table, or stdin; and whether to split."""
    from classifier.data import load_texts

    docs: list[tuple[str, str]] = [
        (str(i + 1), _decode_argument(t, f"argument {i + 1}", encoding))
        for i, t in enumerate(texts or [])
    ]
    for path in files or []:
        try:
            docs.append((str(path), _decode(path.read_bytes(), str(path), encoding)))
        except FileNotFoundError:
            raise ClassifierError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise ClassifierError(f"{path}: is a folder, expected a text file") from None
    if input_path is not None:
        table_texts, ids = load_texts(input_path, text_column, id_column, encoding)
        docs.extend(zip(ids, table_texts))
        return docs, split
    if not docs:
        if sys.stdin is None or sys.stdin.isatty():
            raise ClassifierError("nothing to predict: give a text, --file, --input, or stdin")
        stdin = getattr(sys.stdin, "buffer", None)
        raw = stdin.read() if stdin is not None else sys.stdin.read()
        docs.append(("stdin", raw if isinstance(raw, str) else _decode(raw, "stdin", encoding)))
    return docs, True


def _decode(raw: bytes, name: str, encoding: str) -> str:
    """Text of ``raw`` in ``encoding`` (a UTF-8 byte-order mark is dropped), or one clear error."""
    try:
        text = raw.decode(encoding)
    except LookupError:
        raise ClassifierError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        raise ClassifierError(
            f"{name}: not {shown} ({exc.reason} at byte {exc.start}); "
            "pass its encoding with --encoding (e.g. --encoding latin-1)"
        ) from None
    return text.removeprefix("\ufeff")


def _decode_argument(text: str, name: str, encoding: str) -> str:
    """An argument as typed: bytes the shell passed that were not UTF-8 reach Python as
    lone surrogates (PEP 383); decode them with ``encoding`` instead."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    try:
        raw = text.encode(sys.getfilesystemencoding(), "surrogateescape")
    except UnicodeEncodeError:  # surrogates that did not come from the shell's bytes
        raise ClassifierError(f"{name}: not valid Unicode text (lone surrogates)") from None
    return _decode(raw, name, encoding)


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
    from classifier.cli._progress import progress_bar
    from classifier.persistence import load_model
    from classifier.reports.tables import as_csv, as_json, as_jsonl, prediction_rows

    if output is not None:
        with clean_errors():
            if input_path is None or texts or file:
                raise ClassifierError("--output streams an --input file or folder; give "
                                      "--input and no texts or --file")
            if safe or encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
                raise ClassifierError("--safe and --encoding do not apply to --output")
            run_batch(model=model, input_path=input_path, output=output,
                      text_column=text_column, id_column=id_column, split=split_sentences,
                      jobs=jobs, engine=engine.value, scheduler=scheduler, quiet=quiet)
        return

    with clean_errors():
        docs, split = _gather_inputs(texts, file, input_path, text_column, id_column,
                                     split_sentences, encoding)
        loaded = load_model(model, fast=True, safe=safe)
        with progress_bar(make_console(stderr=True), "tagging", len(docs)) as step:
            results = _tag(loaded, docs, split, step)
    if output_format in (OutputFormat.html, OutputFormat.markdown):
        from classifier.reports.article_view import as_html, as_markdown

        render = as_html if output_format is OutputFormat.html else as_markdown
        sys.stdout.write(render(results))
        return
    if output_format is OutputFormat.json:
        typer.echo(as_json(results))
        return
    if output_format in (OutputFormat.jsonl, OutputFormat.csv):
        rows = [row for doc_id, article in results for row in prediction_rows(doc_id, article)]
        sys.stdout.write(as_jsonl(rows) if output_format is OutputFormat.jsonl else as_csv(rows))
        return
    _print_tables(results, summary)


def _tag(model, docs, split, on_batch=None):
    """Tag documents as articles (split) or as single sentences, one result per doc."""
    from classifier import prediction as batching
    from classifier.prediction import ArticlePrediction

    if split:
        articles = batching.tag_articles(model, [t for _, t in docs], on_batch)
        return list(zip([d for d, _ in docs], articles))
    predictions = batching.predict(model, [t for _, t in docs], on_batch)
    return [
        (doc_id, ArticlePrediction(text, [p], model.labels))
        for (doc_id, text), p in zip(docs, predictions)
    ]


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
