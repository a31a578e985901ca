"""`classifier export`."""

from __future__ import annotations

from typing import Annotated

import typer

from classifier.cli._app import app, clean_errors, examples


@app.command("export", epilog=examples(
    "classifier export --onnx --model path/to/accurate-copy",
    "classifier export --onnx --int8 --model path/to/accurate-copy",
))
def export_cli(
    model: Annotated[
        str,
        typer.Option("--model", "-m", metavar="MODEL",
                     help="Transformer model folder to add the export to."),
    ],
    onnx: Annotated[
        bool,
        typer.Option("--onnx", help="Add model.onnx (listed and checksummed in the "
                     "metadata); predictions then run in ONNX Runtime."),
    ] = False,
    int8: Annotated[
        bool, typer.Option("--int8", help="Quantise the ONNX weights to int8 (dynamic).")
    ] = False,
) -> None:
    """Add a faster inference format to a saved transformer model's folder."""
    from classifier.errors import ClassifierError
    from classifier.persistence import export_onnx

    with clean_errors():
        if not onnx:
            raise ClassifierError("say which export: --onnx")
        path = export_onnx(model, int8=int8)
    typer.echo(f"wrote {path}")
