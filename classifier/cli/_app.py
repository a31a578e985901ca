"""The Typer app, its shared options, and the one place library errors become exits."""

from __future__ import annotations

import contextlib
from enum import Enum
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
    html = "html"
    markdown = "markdown"


def make_console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False)


@contextlib.contextmanager
def clean_errors():
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
    typer.Option("--model", "-m", help="Model folder or shipped model name \\[default: default]."),
]
TextColumn = Annotated[str, typer.Option(help="Column holding the text.")]
EncodingOption = Annotated[
    str, typer.Option(help="Encoding of the CSV, JSONL and text input (e.g. latin-1, cp1252).")
]
SafeOption = Annotated[
    bool, typer.Option(help="Never unpickle: load model.skops or model.npz only (for a model "
                       "from someone else).")
]
