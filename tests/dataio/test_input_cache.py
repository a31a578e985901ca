"""Issue 15, item 2: a table read twice gives its current rows, whatever its timestamp
says (``cp -p``, ``touch -d``, an editor that keeps the time)."""

import json
import os

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.data import load_labeled, load_texts

LABELS = ["analysis", "factual_report", "official_claim", "speculation"]


def write_rows(path, n, suffix):
    """``n`` labeled rows; the same byte length for every ``n`` of the same digits."""
    rows = [{"text": f"Sentence number {i} was written by the team.", "label": LABELS[i % 4]}
            for i in range(n)]
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        path.write_text("text,label\n" + "".join(f"{r['text']},{r['label']}\n" for r in rows),
                        encoding="utf-8")


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_replaced_file_with_the_old_timestamp_is_read_again(tmp_path, suffix):
    path, new = tmp_path / f"data{suffix}", tmp_path / f"new{suffix}"
    write_rows(path, 101, suffix)
    assert len(load_labeled(path)) == 101 and len(load_texts(path)[0]) == 101
    stamp = os.stat(path)
    write_rows(new, 500, suffix)  # then `cp -p new data`: the old timestamp
    path.write_bytes(new.read_bytes())
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert len(load_labeled(path)) == 500
    assert len(load_texts(path)[0]) == 500


def test_same_size_same_timestamp_other_content_is_read_again(tmp_path):
    path = tmp_path / "data.jsonl"
    write_rows(path, 8, ".jsonl")
    before = load_labeled(path)
    stamp = os.stat(path)
    path.write_text(path.read_text().replace("team", "crew"), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert os.stat(path).st_size == stamp.st_size
    after = load_labeled(path)
    assert [t.replace("team", "crew") for t in before.texts] == after.texts


def test_evaluate_counts_the_rows_the_file_holds_now(saved_model, tmp_path):
    path, new = tmp_path / "data.jsonl", tmp_path / "new.jsonl"
    write_rows(path, 101, ".jsonl")
    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", "--model", str(saved_model), "--data", str(path),
                                 "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["n"] == 101, result.output
    stamp = os.stat(path)
    write_rows(new, 500, ".jsonl")
    path.write_bytes(new.read_bytes())
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    result = runner.invoke(app, ["evaluate", "--model", str(saved_model), "--data", str(path),
                                 "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["n"] == 500, result.output
