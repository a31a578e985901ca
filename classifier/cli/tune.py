"""`classifier tune`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from classifier.cli._app import TextColumn, app, clean_errors, make_console


@app.command("tune")
def tune_cli(
    data: Annotated[
        list[str], typer.Option("--data", "-d", help="Labeled training file(s) (train only).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the best config.")],
    text_column: TextColumn = "text",
    label_column: Annotated[str, typer.Option(help="Column holding the label.")] = "label",
    group_column: Annotated[
        str | None, typer.Option(help="Group ids (e.g. article) so folds do not leak.")
    ] = None,
    candidates: Annotated[int, typer.Option(help="Configurations to try.")] = 20,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5,
    base: Annotated[
        Path | None, typer.Option(help="Configuration to start from (tried first).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (sampling and folds).")] = 0,
    top: Annotated[int, typer.Option(help="Rows of the ranked table to show.")] = 10,
) -> None:
    """Search features and estimators by grouped cross-validated macro-F1; save the best."""
    from rich.progress import Progress

    from classifier.data import load_labeled
    from classifier.reports.tables import tune_table
    from classifier.tfidf.pipeline import load_config, save_config
    from classifier.tuning import sample_configs, tune

    console = make_console(stderr=True)
    with clean_errors():
        dataset = load_labeled(data, text_column, label_column, group_column)
        configs = sample_configs(
            candidates, load_config(base) if base else None, random_state=seed
        )
        with Progress(console=console, transient=True,
                      disable=not console.is_terminal) as progress:
            task = progress.add_task("tuning", total=None)
            result = tune(
                dataset, configs, folds, seed,
                on_step=lambda done, total: progress.update(task, completed=done, total=total),
            )
        save_config(
            result.best.config, out, cv_macro_f1=round(result.best.mean, 4),
            cv_std=round(result.best.std, 4), grouped=result.grouped,
            candidates=len(configs), data=dataset.source,
        )
    make_console().print(tune_table(result, top))
    console.print(f"best macro-F1 {result.best.mean:.3f}; configuration written to {out}")
