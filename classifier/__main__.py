"""``python -m classifier`` runs the CLI."""

from classifier.cli import app

app(prog_name="classifier")
