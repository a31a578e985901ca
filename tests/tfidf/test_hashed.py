"""Out-of-core training: chunk-wise SGD on hashed features, saved and loaded as usual."""

import pytest

from classifier.errors import DataError
from classifier.persistence import load_model, save_model
from classifier.tfidf.hashed import StreamingConfig, StreamProgress, train_streaming


def test_streaming_model_trains_saves_loads_and_predicts(tiny_dir, tmp_path):
    seen = []
    config = StreamingConfig(n_features=2**16, passes=2, chunk_rows=10)
    model = train_streaming(tiny_dir / "tiny.csv", config, on_progress=seen.append)
    assert model.labels == ("analysis", "factual_report", "official_claim", "speculation")
    assert model.metadata["data"]["rows"] == 48
    assert len(model.metadata["metrics"]["progressive_accuracy"]) == 2
    assert {p.pass_index for p in seen} == {0, 1, 2}
    assert all(isinstance(p, StreamProgress) for p in seen)
    last = [p for p in seen if p.pass_index == 2][-1]
    assert last.rows == last.total_rows == 48 and last.accuracy is not None

    save_model(model, tmp_path / "streamed")
    loaded = load_model(tmp_path / "streamed", fast=True)
    texts = ["The interior ministry said 14 people had been detained overnight.", ""]
    assert loaded.predict_labels(texts) == model.predict_labels(texts)
    assert loaded.predict_labels(texts)[1] is None


def test_same_data_and_seed_give_the_same_model(tiny_dir):
    config = StreamingConfig(n_features=2**12, passes=1, chunk_rows=16)
    a = train_streaming(tiny_dir / "tiny.jsonl", config).pipeline.named_steps["clf"].coef_
    b = train_streaming(tiny_dir / "tiny.jsonl", config).pipeline.named_steps["clf"].coef_
    assert (a == b).all()


def test_unusable_rows_are_counted_and_one_label_is_refused(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text('{"text": "a", "label": "x"}\n{"text": "", "label": "x"}\n'
                    '{"text": "b", "label": null}\n')
    with pytest.raises(DataError, match="need at least two labels"):
        train_streaming(path)
    path.write_text('{"text": "a", "label": "x"}\n{"text": "", "label": "x"}\n'
                    '{"text": "b", "label": "y"}\nnot json\n')
    model = train_streaming(path, StreamingConfig(n_features=2**10, passes=1))
    dropped = model.metadata["data"]["dropped"]
    assert dropped["empty text"] == 1 and dropped["invalid JSON (Expecting value)"] == 1
