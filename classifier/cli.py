"""The ``classifier`` command: a thin layer that parses, calls the library, renders.

Heavy libraries (scikit-learn, datasets) are imported inside commands only.
"""

from __future__ import annotations

import contextlib
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from classifier import __version__
from classifier.errors import ClassifierError

app = typer.Typer(
    name="classifier",
    help="Tag news sentences as factual report, official claim, speculation or analysis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False)


@contextlib.contextmanager
def _clean_errors():
    """Turn library errors into one line on stderr and exit status 1."""
    try:
        yield
    except ClassifierError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"classifier {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Tag news sentences as factual report, official claim, speculation or analysis.

    Labels follow the project's guide (LABELS.md). A default model ships with the
    package, so `classifier predict "..."` works right after install.
    """


ModelOption = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Model folder or shipped model name [default: default]."),
]
TextColumn = Annotated[str, typer.Option(help="Column holding the text.")]


@app.command("train")
def train_cli(
    data: Annotated[
        list[str],
        typer.Option("--data", "-d", help="CSV, JSONL or Parquet file(s) with text and label "
                     "columns (repeat for several), or a Hub dataset id."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to save the model to.")],
    text_column: TextColumn = "text",
    label_column: Annotated[str, typer.Option(help="Column holding the label.")] = "label",
    group_column: Annotated[
        str | None,
        typer.Option(help="Column of group ids (e.g. article) so CV folds do not leak."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Pipeline configuration JSON (from `tune`).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    cv: Annotated[int, typer.Option(help="Cross-validation folds (0 to skip).")] = 5,
    test: Annotated[
        list[str] | None,
        typer.Option(help="Held-out labeled file(s) to score and record in the model."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing model folder.")] = False,
) -> None:
    """Train a model on labeled sentences, report cross-validated macro-F1, save it."""
    from classifier.data import load_labeled
    from classifier.evaluation import evaluate
    from classifier.persistence import save_model
    from classifier.pipeline import PipelineConfig, load_config
    from classifier.training import train

    console = _console(stderr=True)
    with _clean_errors():
        if out.exists() and not force:
            raise ClassifierError(f"{out}: already exists; pass --force to replace it")
        cfg = load_config(config) if config else PipelineConfig()
        dataset = load_labeled(data, text_column, label_column, group_column)
        console.print(f"read {len(dataset)} rows from {dataset.source}: {dataset.label_counts}")
        for reason, count in dataset.dropped.items():
            console.print(f"[yellow]dropped {count} rows: {reason}[/]")
        with console.status("training..."):
            model = train(dataset, cfg, random_state=seed, cv=cv)
        result = model.metadata["metrics"]["cv"]
        if result:
            kind = "grouped " if result["grouped"] else ""
            console.print(
                f"{kind}{len(result['folds'])}-fold CV macro-F1: "
                f"{result['mean']:.3f} ± {result['std']:.3f}"
            )
        if test:
            report = evaluate(model, load_labeled(test, text_column, label_column))
            model.metadata["metrics"]["test"] = report.to_dict()
            console.print(f"test macro-F1: {report.macro_f1:.3f} on {report.n} rows")
        save_model(model, out, force=force)
        console.print(f"saved model to {out}")


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

    with _clean_errors():
        report = evaluate(load_model(model), load_labeled(data, text_column, label_column))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    console = _console()
    for table in evaluation_tables(report):
        console.print(table)


def _gather_inputs(texts, files, input_path, text_column, id_column, split):
    """(id, text) pairs from arguments, files, a table, or stdin; and whether to split."""
    from classifier.data import load_texts

    docs: list[tuple[str, str]] = [(str(i + 1), t) for i, t in enumerate(texts or [])]
    for path in files or []:
        try:
            docs.append((str(path), path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ClassifierError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise ClassifierError(f"{path}: is a folder, expected a text file") from None
        except UnicodeDecodeError as exc:
            raise ClassifierError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if input_path is not None:
        table_texts, ids = load_texts(input_path, text_column, id_column)
        docs.extend(zip(ids, table_texts))
        return docs, split
    if not docs:
        if sys.stdin is None or sys.stdin.isatty():
            raise ClassifierError("nothing to predict: give a text, --file, --input, or stdin")
        docs.append(("stdin", sys.stdin.read()))
    return docs, True


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
        str | None, typer.Option(help="Column of row ids for --input [default: row number].")
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
) -> None:
    """Label every sentence of texts, articles (--file), a table (--input) or stdin."""
    from classifier.persistence import load_model
    from classifier.report import as_csv, as_json, as_jsonl, prediction_rows

    with _clean_errors():
        docs, split = _gather_inputs(texts, file, input_path, text_column, id_column,
                                     split_sentences)
        loaded = load_model(model)
        results = _tag(loaded, docs, split)
    if output_format is OutputFormat.json:
        typer.echo(as_json(results))
        return
    if output_format in (OutputFormat.jsonl, OutputFormat.csv):
        rows = [row for doc_id, article in results for row in prediction_rows(doc_id, article)]
        render = as_jsonl if output_format is OutputFormat.jsonl else as_csv
        sys.stdout.write(render(rows))
        return
    _print_tables(results, summary)


def _tag(model, docs, split):
    """Tag documents as articles (split) or as single sentences, one result per doc."""
    from classifier.prediction import ArticlePrediction

    if split:
        return list(zip([d for d, _ in docs], model.tag_articles([t for _, t in docs])))
    predictions = model.predict([t for _, t in docs])
    return [
        (doc_id, ArticlePrediction(text, [p], model.labels))
        for (doc_id, text), p in zip(docs, predictions)
    ]


def _print_tables(results, summary: bool) -> None:
    from classifier.prediction import summarize
    from classifier.report import predictions_table, summary_table

    console = _console()
    for doc_id, article in results:
        console.print(predictions_table(doc_id, article))
        if summary and len(article.sentences) > 1:
            console.print(summary_table(article.summary, f"summary: {doc_id}"))
    if summary and len(results) > 1:
        labels = [p.label for _, a in results for p in a.sentences]
        console.print(summary_table(summarize(labels, results[0][1].labels), "all documents"))


if __name__ == "__main__":  # pragma: no cover
    app()
