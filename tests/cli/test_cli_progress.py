"""Progress bars: drawn on a terminal, silent in pipes and CI."""

import io
import subprocess
import sys

from rich.console import Console

from classifier.cli._progress import progress_bar


def run(console) -> str:
    with progress_bar(console, "scoring", 3) as step:
        for done in range(1, 4):
            step(done)
        step(3, 4)
        step(4)
    return console.file.getvalue()


def test_bar_is_drawn_on_a_terminal():
    output = run(Console(file=io.StringIO(), force_terminal=True, width=80))
    assert "scoring" in output and "4/4" in output


def test_bar_is_silent_when_not_a_terminal():
    assert run(Console(file=io.StringIO(), force_terminal=False, width=80)) == ""


def test_commands_write_nothing_extra_to_a_pipe(saved_model, tiny_dir):
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "evaluate", "--model", str(saved_model),
         "--data", str(tiny_dir / "tiny.csv"), "--json"],
        capture_output=True, text=True, check=True,
    )
    assert result.stderr == ""
    assert result.stdout.lstrip().startswith("{")
