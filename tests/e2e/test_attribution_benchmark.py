"""benchmarks/attribution.py runs on a tiny team-written file (no network, no real news)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_attribution_benchmark_runs_on_tiny_team_data(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "attribution.py"), "--no-real",
                    "--team", str(ROOT / "tests" / "data" / "attribution_tiny.jsonl"),
                    "--out", str(tmp_path)], check=True, capture_output=True, text=True)
    result = json.loads((tmp_path / "attribution.json").read_text())
    (team,) = result["parts"]
    assert team["part"] == "team" and team["gold"] == 13
    for key in ("exact_match", "token_f1", "kind_accuracy", "found"):
        assert 0 <= team[key] <= 1
    assert team["exact_match"] >= 0.7  # the rules find most sources of plain news prose
    assert "| team | 13 |" in (tmp_path / "attribution.md").read_text()


def test_token_f1_and_gold_repair():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from attribution import repair, token_f1

    assert token_f1("the bank", "the bank") == 1.0 and token_f1("x", "y") == 0.0
    text = "They said there was time, he said."
    # a gold "he" found inside "there" moves to the whole word before the cue
    row = repair(text, {"source": [11, 13], "cue": [29, 33]}, (0, len(text)))
    assert text[slice(*row["source"])] == "he" and row["source"] == [26, 28] and row["repaired"]
    assert repair(text, {"source": [0, 4]}, (0, len(text))) == {"source": [0, 4]}
