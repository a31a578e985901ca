"""The scale benchmark runs once in --tiny mode so that it cannot rot."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_scale_benchmark_runs_on_tiny_data(tmp_path):
    pytest.importorskip("distributed")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--tiny",
                    "--out", str(tmp_path)], check=True, capture_output=True, text=True)
    results = json.loads((tmp_path / "scale.json").read_text())
    assert set(results["predict"]) == {"jobs 1", "jobs 2", "dask, 2-worker LocalCluster"}
    for run in results["predict"].values():
        assert run["rows_per_s"] > 0 and run["peak_rss_mb"] > 0
        assert run["output_rows"] == results["corpus"]["predict_rows"]
    assert results["train_streaming"]["rows_per_s"] > 0
    assert "| jobs 2 |" in (tmp_path / "scale.md").read_text()


def test_corpus_rows_are_json_with_id_and_text(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from scale import make_corpus

    make_corpus(ROOT / "tests" / "data" / "tiny.jsonl", tmp_path / "c.jsonl", 50, labels=True)
    rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert len(rows) == 50 and rows[0]["id"] == "s0" and rows[0]["text"] and rows[0]["label"]
