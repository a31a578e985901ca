"""``train --backend transformer --learning-rate --batch-size --max-length`` through the
installed command (issue 18, item 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def test_transformer_options_reach_the_fine_tuning(tmp_path):
    pytest.importorskip("torch", reason="needs the transformer extra (make test installs it)")
    out = tmp_path / "m"
    done = subprocess.run(
        [sys.executable, "-m", "classifier", "train", "--backend", "transformer", "--data",
         str(DATA / "tiny.jsonl"), "--group-column", "group", "--output", str(out),
         "--epochs", "1", "--threads", "1", "--learning-rate", "0.0001", "--batch-size", "8",
         "--max-length", "24"],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "epoch 1/1" in done.stderr
    config = json.loads((out / "metadata.json").read_text())["config"]
    assert (config["learning_rate"], config["batch_size"], config["max_length"]) == (
        0.0001, 8, 24)


@pytest.mark.parametrize("option", [["--learning-rate", "0.001"], ["--batch-size", "8"],
                                    ["--max-length", "64"]])
def test_transformer_options_are_refused_for_tfidf_in_one_line(option, tmp_path):
    done = subprocess.run([sys.executable, "-m", "classifier", "train", "--data",
                           str(DATA / "tiny.jsonl"), "--output", str(tmp_path / "m"), *option],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: --epochs, --threads, --context, --learning-rate, --batch-size and --max-length "
        "apply to --backend transformer"]
