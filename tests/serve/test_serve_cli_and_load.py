"""`classifier serve` on the command line, and the load benchmark on a tiny run."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from classifier.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_serve_help_names_the_options():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--model", "--workers", "--max-bytes",
                   "--max-sentences"):
        assert option in result.output
    assert "127.0.0.1" in result.output


def test_serve_refuses_a_model_that_does_not_load():
    result = CliRunner().invoke(app, ["serve", "--model", "no-such-model", "--port", "0"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: no-such-model")


def test_load_benchmark_runs_on_loopback(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "serve_load.py"), "--tiny",
                    "--out", str(tmp_path)], check=True, capture_output=True, text=True,
                   timeout=300)
    result = json.loads((tmp_path / "serve_load.json").read_text())
    (run,) = result["runs"]
    assert run["model"] == "default" and run["errors"] == 0 and run["requests"] == 20
    assert run["requests_per_s"] > 0 and run["p50_ms"] <= run["p95_ms"]
    assert "| default | 1 |" in (tmp_path / "serve_load.md").read_text()
