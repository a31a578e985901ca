"""Issue 17: ``load_model()`` predicts through the NumPy scorer; the pipeline is lazy."""

import json
import subprocess
import sys
import threading

import numpy as np
import pytest

from classifier.persistence import load_model, save_model

SENTENCES = ["Police said two men were held.", "Prices may rise.", "It marks a shift.", ""]


def test_default_load_scores_with_numpy_and_reads_the_pipeline_once(saved_model, monkeypatch):
    from classifier.tfidf import backend

    reads = []
    real = backend._read_pipeline
    monkeypatch.setattr(backend, "_read_pipeline",
                        lambda *a, **k: reads.append(a[2]) or real(*a, **k))
    model = load_model(saved_model)
    assert isinstance(model, backend.SklearnModel) and not model.pipeline_loaded
    reference = load_model(saved_model, fast=False).predict_proba(SENTENCES)
    reads.clear()
    np.testing.assert_allclose(model.predict_proba(SENTENCES), reference, rtol=0, atol=1e-9)
    assert not model.pipeline_loaded and reads == []
    model.explain(SENTENCES[0])  # needs feature names: reads the pipeline
    model.top_features(3)
    assert model.pipeline_loaded and reads == ["joblib"]  # once
    np.testing.assert_array_equal(model.pipeline.predict_proba(SENTENCES[:3]), reference[:3])


def test_the_pipeline_is_read_once_when_threads_ask_together(saved_model, monkeypatch):
    from classifier.tfidf import backend

    reads = []
    real = backend._read_pipeline
    monkeypatch.setattr(backend, "_read_pipeline",
                        lambda *a, **k: reads.append(a[2]) or real(*a, **k))
    model = load_model(saved_model)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(id(model.pipeline)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == ["joblib"] and len(set(seen)) == 1


def test_default_model_predicts_like_the_pipeline_everywhere(saved_model, seed_text):
    default, reference = load_model(saved_model), load_model(saved_model, fast=False)
    got, expected_rows = default.predict(SENTENCES), reference.predict(SENTENCES)
    assert [p.label for p in got] == [p.label for p in expected_rows]
    article, expected = default.tag_article(seed_text), reference.tag_article(seed_text)
    assert [(p.label, p.start, p.end) for p in article.sentences] == [
        (p.label, p.start, p.end) for p in expected.sentences]
    np.testing.assert_allclose(
        [list(p.probabilities.values()) for p in article.sentences],
        [list(p.probabilities.values()) for p in expected.sentences], rtol=0, atol=1e-9)


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_engine_gives_the_same_rows_with_the_default_model(saved_model, tmp_path, jobs):
    from classifier.batch import predict_file

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in SENTENCES))
    predict_file(load_model(saved_model), source, tmp_path / "a.jsonl", jobs=jobs,
                 chunk_rows=2)
    predict_file(load_model(saved_model, fast=False), source, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()


def test_saving_a_lazily_loaded_model_reads_its_pipeline(saved_model, tmp_path):
    model = load_model(saved_model)
    again = load_model(save_model(model, tmp_path / "again", format="skops"), safe=True)
    assert not again.pipeline_loaded  # safe and lazy: skops read on first use
    np.testing.assert_array_equal(again.pipeline.predict_proba(SENTENCES[:3]),
                                  load_model(saved_model, fast=False).predict_proba(
                                      SENTENCES[:3]))


def test_refitting_replaces_the_numpy_export(saved_model, tiny_data):
    from sklearn.base import clone

    model = load_model(saved_model)
    refit = clone(model.pipeline).fit(tiny_data.texts[:40], tiny_data.labels[:40])
    model.pipeline = refit  # from now on the refitted pipeline scores, not the old arrays
    np.testing.assert_array_equal(model.predict_proba(SENTENCES[:3]),
                                  refit.predict_proba(SENTENCES[:3]))


def test_predicting_with_the_default_load_imports_no_scikit_learn(saved_model):
    code = (
        "import sys; from classifier import load_model\n"
        "m = load_model(sys.argv[1]); m.predict(['Police said two men were held.'])\n"
        "m.tag_article('Police said two men were held. Prices may rise.')\n"
        "assert 'sklearn' not in sys.modules\n"
        "m.explain('Prices may rise.'); assert 'sklearn' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code, str(saved_model)], check=True)
