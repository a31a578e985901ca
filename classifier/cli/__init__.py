"""The ``classifier`` command: a thin layer that parses, calls the library, renders.

``_app`` holds the Typer app and the options commands share; each command is one
module (``predict``, ``train``, ``evaluate``, ``explain``, ``tune``, ``data``,
``serve``, ``export``, ``calibrate``) that registers itself on the app when imported.
Heavy libraries (scikit-learn, datasets, FastAPI) are imported inside command bodies
only, so start-up stays fast.
"""

from classifier.cli import (  # noqa: F401
    calibrate,
    data,
    evaluate,
    explain,
    export,
    predict,
    serve,
    train,
    tune,
)
from classifier.cli._app import app

__all__ = ["app"]
