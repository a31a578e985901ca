"""The benchmark runs once on the tiny fixtures so that it cannot rot."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runs_on_tiny_data(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--tiny",
                    "--out", str(tmp_path)], check=True, capture_output=True, text=True)
    results = json.loads((tmp_path / "results.json").read_text())
    systems = [q["system"] for q in results["quality"]]
    assert systems[:3] == ["shipped (tfidf)", "naive tfidf+logreg", "cue-word rule"]
    for q in results["quality"]:
        assert 0 <= q["test"]["macro_f1"] <= 1 and 0 <= q["shift"]["macro_f1"] <= 1
    assert all(s["sentences_per_s"] > 0 for s in results["speed"].values())
    assert results["cold_start"]["classifier_predict_s"] > 0
    assert "| shipped (tfidf) |" in (tmp_path / "results.md").read_text()


def test_cue_rule_follows_the_decision_order():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import cue_rule

    assert cue_rule("The ministry said prices may rise.") == "official_claim"
    assert cue_rule("Prices may rise.") == "speculation"
    assert cue_rule("The rise reflects demand.") == "analysis"
    assert cue_rule("Prices rose 3%.") == "factual_report"
