"""`classifier serve`."""

from __future__ import annotations

from typing import Annotated

import typer

from classifier.cli._app import ModelOption, app, clean_errors


@app.command("serve")
def serve_cli(
    model: ModelOption = None,
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (each loads the "
                                                    "model once).")] = 1,
    max_bytes: Annotated[int, typer.Option(min=1, help="Largest request body, bytes.")] = (
        2_000_000),
    max_chars: Annotated[int, typer.Option(min=1, help="Longest article, characters.")] = (
        200_000),
    max_sentences: Annotated[int, typer.Option(min=1, help="Most sentences in one "
                                                          "/v1/predict batch.")] = 2_000,
) -> None:
    r"""Serve the HTTP API and the web page at / (needs the serve extra).

    Endpoints: /v1/tag, /v1/predict, /v1/models, /healthz, /openapi.json.

    Install: pip install 'news-sentence-classifier\[serve]'
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        typer.echo("error: classifier serve needs the serve extra: "
                   "pip install 'news-sentence-classifier[serve]'", err=True)
        raise typer.Exit(1) from None
    from classifier.serve.app import Limits, run

    with clean_errors():
        typer.echo(f"classifier: serving on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
        run(model, host=host, port=port, workers=workers,
            limits=Limits(max_bytes, max_chars, max_sentences))
