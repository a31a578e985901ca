"""The ``classifier`` command: a thin layer that parses, calls the library, renders.

``_app`` holds the Typer app and the options commands share; each command is one
module (``predict``, ``train``, ``evaluate``, ``explain``, ``tune``, ``data``) that registers
itself on the app when imported. Heavy libraries (scikit-learn, datasets) are
imported inside command bodies only, so start-up stays fast.
"""

from classifier.cli import data, evaluate, explain, predict, train, tune  # noqa: F401
from classifier.cli._app import app

__all__ = ["app"]
