"""Progress bars: drawn on a terminal, silent in pipes and CI."""

import io
import subprocess
import sys

import pytest
from rich.console import Console

from classifier.cli._progress import batch_updater, progress_bar, rows_progress


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


def test_bar_without_a_total_is_a_spinner():
    console = Console(file=io.StringIO(), force_terminal=True, width=80)
    with progress_bar(console, "loading") as step:
        step(2)
    assert "loading" in console.file.getvalue()


def test_rows_progress_shows_rows_and_rate_from_batch_progress():
    from classifier.batch.local import BatchProgress

    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    with rows_progress(console, "predicting") as (progress, task):
        update = batch_updater(progress, task)
        update(BatchProgress(done=50, total=200, rows_in=1500, rows_out=1500, seconds=2.0))
        shown = progress.tasks[0]
        assert (shown.completed, shown.total) == (50, 200)
        assert shown.fields == {"rows": 1500, "rate": 750.0}
        update(BatchProgress(done=0, total=200, rows_in=0, rows_out=0, seconds=0.0))
        assert progress.tasks[0].fields["rate"] == 0.0  # no time yet: no rate, no error
        update(BatchProgress(done=200, total=200, rows_in=3000, rows_out=3100, seconds=3.0))
    output = console.file.getvalue()
    assert "predicting" in output and "3,000 rows" in output and "1,000 rows/s" in output


@pytest.mark.parametrize("terminal, quiet", [(False, False), (True, True)])
def test_rows_progress_is_silent_off_a_terminal_or_when_quiet(terminal, quiet):
    console = Console(file=io.StringIO(), force_terminal=terminal, width=120)
    with rows_progress(console, "predicting", quiet=quiet) as (progress, task):
        progress.update(task, completed=1, total=1, rows=10, rate=5.0)
    assert console.file.getvalue() == ""


def test_commands_write_nothing_extra_to_a_pipe(saved_model, tiny_dir):
    result = subprocess.run(
        [sys.executable, "-m", "classifier", "evaluate", "--model", str(saved_model),
         "--data", str(tiny_dir / "tiny.csv"), "--json"],
        capture_output=True, text=True, check=True,
    )
    assert result.stderr == ""
    assert result.stdout.lstrip().startswith("{")
