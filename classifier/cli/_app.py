"""The Typer app, its shared options, and the one place library errors become exits."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from classifier import __version__
from classifier.errors import ClassifierError

if TYPE_CHECKING:
    from rich.console import Console

T = TypeVar("T")

app = typer.Typer(
    name="classifier",
    help="Tag news sentences as factual report, official claim, speculation or analysis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


# help panels shared by the commands
INPUT, MODEL, OUTPUT, CHECKS = "Input", "Model", "Output", "Data checks"


class OutputFormat(str, Enum):
    """What ``predict`` prints: tables, an article view, or prediction rows."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"
    markdown = "markdown"


class ReportFormat(str, Enum):
    """What ``evaluate`` and ``explain`` print: tables for people, or JSON."""

    table = "table"
    json = "json"


ReportFormatOption = Annotated[
    ReportFormat | None,
    typer.Option("--format", metavar="FORMAT", rich_help_panel=OUTPUT,
                 help="table (default) or json."),
]
# the old spelling of --format json, kept hidden for one release
JsonAlias = Annotated[bool, typer.Option("--json", hidden=True)]


def report_format(value: ReportFormat | None, as_json: bool) -> ReportFormat:
    """``--format``, or ``json`` from the old ``--json`` flag.

    Parameters
    ----------
    value : ReportFormat or None
        ``--format`` as given.
    as_json : bool
        The old ``--json`` flag.

    Returns
    -------
    ReportFormat
        ``table`` when neither was given.

    Raises
    ------
    ClassifierError
        If both were given.
    """
    if as_json and value is ReportFormat.table:
        raise ClassifierError("--json is the old spelling of --format json; give only --format")
    return ReportFormat.json if as_json else (value or ReportFormat.table)


def make_console(stderr: bool = False) -> Console:
    """A rich console on standard output, or on standard error.

    Parameters
    ----------
    stderr : bool, default False
        Print to standard error.

    Returns
    -------
    rich.console.Console
        The console.
    """
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False)


@contextlib.contextmanager
def clean_errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and exit status 1.

    Ctrl-C exits with status 130 and one line.

    Yields
    ------
    None
        The command runs inside the block.
    """
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


def examples(*lines: str) -> str:
    """A command's epilog: its examples, one a paragraph (the help keeps them apart).

    Parameters
    ----------
    *lines : str
        One command line each.

    Returns
    -------
    str
        The epilog.
    """
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


def pick(value: T | None, alias: T | None, name: str, old: str) -> T | None:
    """The value of an option given under its name or its old, hidden spelling.

    The old spelling is kept for one release; both at once is an error.

    Parameters
    ----------
    value : Any
        The option under its name (``None``: not given).
    alias : Any
        The option under its old spelling (``None``: not given).
    name, old : str
        Both spellings, for the message.

    Returns
    -------
    Any
        Whichever was given.

    Raises
    ------
    ClassifierError
        If both were given with different values.
    """
    if alias is not None and value is not None and alias != value:
        raise ClassifierError(f"{old} is the old name of {name}; give only {name}")
    return alias if value is None else value



ModelOption = Annotated[
    str | None,
    typer.Option("--model", "-m", metavar="MODEL", rich_help_panel=MODEL,
                 help="Model folder or shipped model name \\[default: default]."),
]
TextColumn = Annotated[str, typer.Option(metavar="NAME", rich_help_panel=INPUT,
                                         help="Column holding the text.")]
LabelColumn = Annotated[str, typer.Option(metavar="NAME", rich_help_panel=INPUT,
                                          help="Column holding the label.")]
EncodingOption = Annotated[
    str, typer.Option(metavar="CODEC", rich_help_panel=INPUT,
                      help="Encoding of the CSV, JSONL and text input (e.g. latin-1, cp1252).")
]
SafeOption = Annotated[
    bool, typer.Option("--safe", rich_help_panel=MODEL,
                       help="Never unpickle: load model.skops or model.npz only (for a model "
                       "from someone else).")
]
