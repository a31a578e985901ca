"""`classifier tune`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from classifier.cli._app import (
    INPUT,
    OUTPUT,
    EncodingOption,
    LabelColumn,
    TextColumn,
    app,
    clean_errors,
    examples,
    make_console,
    pick,
)
from classifier.errors import ClassifierError

SEARCH = "Search"


@app.command("tune", epilog=examples(
    "classifier tune --data train.jsonl --group-column group --output cfg.json",
    "classifier tune -d mine.csv -o cfg.json --candidates 40 --folds 3",
    "classifier train --data mine.csv --config cfg.json --output models/mine",
))
def tune_cli(
    data: Annotated[
        list[str], typer.Option("--data", "-d", metavar="FILE", rich_help_panel=INPUT,
                                help="Labeled training file(s) (train only).")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="JSON", rich_help_panel=OUTPUT,
                                  help="Where to write the best configuration (required).")
    ] = None,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    group_column: Annotated[
        str | None, typer.Option(metavar="NAME", rich_help_panel=INPUT,
                                 help="Group ids (e.g. article) so folds do not leak.")
    ] = None,
    encoding: EncodingOption = "utf-8",
    candidates: Annotated[int, typer.Option(min=1, metavar="N", rich_help_panel=SEARCH,
                                            help="Configurations to try.")] = 20,
    folds: Annotated[int, typer.Option(min=2, metavar="N", rich_help_panel=SEARCH,
                                       help="Cross-validation folds.")] = 5,
    base: Annotated[
        Path | None, typer.Option(metavar="JSON", rich_help_panel=SEARCH,
                                  help="Configuration to start from (tried first).")
    ] = None,
    seed: Annotated[int, typer.Option(metavar="N", rich_help_panel=SEARCH,
                                      help="Random seed (sampling and folds).")] = 0,
    top: Annotated[int, typer.Option(metavar="N", rich_help_panel=OUTPUT,
                                     help="Rows of the ranked table to show.")] = 10,
    out: Annotated[Path | None, typer.Option("--out", hidden=True)] = None,  # old name
) -> None:
    """Search features and estimators by grouped cross-validated macro-F1; save the best."""
    from classifier.cli._progress import progress_bar
    from classifier.data import load_labeled
    from classifier.reports.tables import tune_table
    from classifier.tfidf.pipeline import load_config, save_config
    from classifier.training import CVResult, training_warnings
    from classifier.tuning import sample_configs, tune

    console = make_console(stderr=True)
    with clean_errors():
        out = pick(output, out, "--output", "--out")
        if out is None:
            raise ClassifierError("missing --output: the JSON file to write the best "
                                  "configuration to")
        dataset = load_labeled(data, text_column, label_column, group_column, encoding)
        configs = sample_configs(
            candidates, load_config(base) if base else None, random_state=seed,
            labels=dataset.labels,
        )
        with progress_bar(console, "tuning") as step:
            result = tune(dataset, configs, folds, seed, on_step=step)
        save_config(
            result.best.config, out, cv_macro_f1=round(result.best.mean, 4),
            cv_std=round(result.best.std, 4), grouped=result.grouped,
            candidates=len(configs), data=dataset.source,
        )
    make_console().print(tune_table(result, top))
    console.print(f"best macro-F1 {result.best.mean:.3f}; configuration written to {out}")
    best = CVResult(result.best.folds, result.best.mean, result.best.std, result.grouped)
    for warning in training_warnings(dataset.label_counts, best):
        console.print(f"warning: {warning}", style="yellow", markup=False, highlight=False)
