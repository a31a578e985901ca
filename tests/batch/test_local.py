"""``classifier.batch.local``: the local engine's own functions (``predict_file``'s order,
formats and workers are in ``test_batch.py``)."""

import json
import os

import pytest

from classifier.batch import local
from classifier.batch.local import (
    BatchProgress,
    BatchResult,
    check_output,
    default_jobs,
    die_with_parent,
    predict_file,
    resolve_model,
    score_chunks,
)
from classifier.data.records import RawChunk
from classifier.errors import ClassifierError, DataError


def write_jsonl(path, texts):
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    return path


def test_default_jobs_is_the_cores_this_process_may_use(monkeypatch):
    jobs = default_jobs()
    assert jobs >= 1
    if hasattr(os, "sched_getaffinity"):
        assert jobs == len(os.sched_getaffinity(0))
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert default_jobs() == 1  # no way to tell: one


def test_resolve_model_passes_a_model_through_and_loads_a_folder(tiny_model, saved_model):
    assert resolve_model(tiny_model) is tiny_model
    loaded = resolve_model(str(saved_model))
    assert loaded.labels == tiny_model.labels
    assert type(loaded).__name__ == "FastModel"  # loaded with fast=True
    with pytest.raises(ClassifierError):
        resolve_model(saved_model.parent / "no-such-model")


def test_check_output_refuses_the_input_and_a_link_to_it(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", ["x"])
    link = tmp_path / "link.jsonl"
    link.symlink_to(source)
    for output in (source, link, tmp_path / "." / "in.jsonl"):
        with pytest.raises(ClassifierError, match="output would overwrite the input"):
            check_output(source, output)
    check_output(source, tmp_path / "out.jsonl")  # another file: fine
    check_output(tmp_path / "missing.jsonl", tmp_path / "out.jsonl")


def test_score_chunks_yields_each_chunk_with_its_rows_in_order(tiny_model):
    chunks = [RawChunk(0, [None], ["Police said two men were held."], [None]),
              RawChunk(1, [None, None], ["Prices may rise.", ""], [None, None])]
    scored = list(score_chunks(tiny_model, iter(chunks), min_confidence=1.1))
    assert [c for c, _ in scored] == chunks
    assert [rows.row for _, rows in scored] == [[0], [1, 2]]
    # nothing reaches a confidence above 1: every scored row keeps no label
    assert [rows.error for _, rows in scored] == [
        ["low confidence"], ["low confidence", "empty text"]]


def test_rows_per_second_of_a_result():
    assert BatchResult("in", "out", 10, 12, 1, 2.0).rows_per_s == 5.0
    assert BatchResult("in", "out", 10, 10, 0, 0.0).rows_per_s == 0.0  # no time: no rate
    assert BatchResult("in", "out", 0, 0, 0, 1.0).engine == "local"


def test_die_with_parent_does_nothing_in_the_main_process():
    die_with_parent()  # no parent process to watch: returns, starts no thread
    import threading

    assert "die-with-parent" not in [t.name for t in threading.enumerate()]


def test_predict_file_reports_progress_and_counts(tmp_path, tiny_model):
    source = write_jsonl(tmp_path / "in.jsonl",
                         ["Police said two men were held. More may follow.", "", "Prices rose."])
    seen: list[BatchProgress] = []
    result = predict_file(tiny_model, source, tmp_path / "out.jsonl", chunk_rows=2,
                          on_progress=seen.append)
    assert (result.rows_in, result.rows_out, result.errors) == (3, 3, 1)
    assert result.several_sentences == 1 and result.workers == 1
    assert result.input == str(source) and result.output == str(tmp_path / "out.jsonl")
    assert [(p.rows_in, p.rows_out) for p in seen] == [(2, 2), (3, 3)]
    assert seen[-1].done == seen[-1].total == source.stat().st_size
    split = predict_file(tiny_model, source, tmp_path / "split.jsonl", split=True)
    assert (split.rows_in, split.rows_out, split.several_sentences) == (3, 4, 0)


def test_predict_file_uses_one_process_for_a_small_input_when_asked_for_all(tmp_path,
                                                                            saved_model):
    source = write_jsonl(tmp_path / "in.jsonl", ["Prices may rise."])
    result = predict_file(str(saved_model), source, tmp_path / "out.csv", jobs=0)
    assert result.workers == 1 and result.rows_out == 1


def test_predict_file_fails_before_any_work(tmp_path, tiny_model, monkeypatch):
    source = write_jsonl(tmp_path / "in.jsonl", ["x"])
    monkeypatch.setattr(local, "resolve_model", lambda *a: pytest.fail("model loaded"))
    with pytest.raises(DataError, match="unknown output format"):
        predict_file("any", source, tmp_path / "out.txt")
    (tmp_path / "out.jsonl").mkdir()
    with pytest.raises(ClassifierError, match="is a folder; the local engine writes one file"):
        predict_file("any", source, tmp_path / "out.jsonl")
    with pytest.raises(ClassifierError, match="overwrite the input"):
        predict_file("any", source, source)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]
