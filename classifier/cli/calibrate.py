"""`classifier calibrate`."""

from __future__ import annotations

from typing import Annotated

import typer

from classifier.cli._app import app, clean_errors, examples


@app.command("calibrate", epilog=examples(
    "classifier calibrate --model models/mine --data real-dev",
    "classifier calibrate --model models/mine --data held_out.jsonl",
    "classifier calibrate --model models/mine --reset",
))
def calibrate_cli(
    model: Annotated[
        str,
        typer.Option("--model", "-m", metavar="MODEL",
                     help="Model folder to calibrate (its metadata.json is updated)."),
    ],
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", metavar="FILE",
                     help="Held-out labeled CSV, JSONL or Parquet file(s), or real-dev; "
                     "never the data you report figures on."),
    ] = None,
    text_column: Annotated[str, typer.Option(metavar="NAME", help="Column holding the text.")
                           ] = "text",
    label_column: Annotated[str, typer.Option(metavar="NAME",
                                              help="Column holding the label.")] = "label",
    reset: Annotated[bool, typer.Option("--reset", help="Remove the model's temperature.")
                     ] = False,
) -> None:
    """Fit a temperature on held-out labeled sentences so that probabilities match accuracy.

    The most probable label never changes; what --min-confidence keeps does.
    """
    from classifier.calibration import calibrate_saved_model
    from classifier.data import load_labeled
    from classifier.errors import ClassifierError

    with clean_errors():
        if reset:
            calibrate_saved_model(model, None, reset=True)
            typer.echo(f"{model}: calibration removed")
            return
        if not data:
            raise ClassifierError("give held-out labeled data: --data FILE (or --reset)")
        labeled = load_labeled(data, text_column=text_column, label_column=label_column)
        result = calibrate_saved_model(model, labeled)
    assert result is not None
    typer.echo(f"{model}: temperature {result.temperature:.3f}, fitted on {result.fitted_on} "
               f"({result.n} sentences): expected calibration error {result.ece_before:.3f} "
               f"-> {result.ece_after:.3f}, log-loss {result.nll_before:.3f} -> "
               f"{result.nll_after:.3f}")
