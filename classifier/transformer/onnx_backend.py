"""The fine-tuned transformer run by ONNX Runtime: export, and a model that predicts with it.

``export_network`` writes a model's network (encoder, pooling, head; with segment
ids when the model reads the previous sentence as context) to an ONNX file with
dynamic batch and sequence axes, optionally quantised to int8 weights (dynamic
quantisation). ``persistence.export_onnx`` adds it to a saved model folder as
``model.onnx``, listed and checksummed in the metadata (key ``onnx``); the
folder's other files stay as they were.

``OnnxTransformerModel`` predicts with that file: ``tokenizers`` encodes every
sentence once, sentences are sorted by token count and scored in batches padded
to their longest, and neither torch nor transformers is imported. Install with
``pip install 'classifier[onnx]'``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from classifier.errors import MissingExtraError, ModelFileError
from classifier.model import Model, refuse_pickles

if TYPE_CHECKING:
    import torch
    from onnxruntime import InferenceSession
    from tokenizers import Tokenizer

ONNX_ARTIFACT = "model.onnx"
TOKENIZER = "tokenizer.json"
INSTALL_HINT = "pip install 'classifier[onnx]'"
OPSET = 18


def require_runtime() -> tuple[ModuleType, ModuleType]:
    """Import onnxruntime and tokenizers, or raise ``MissingExtraError``.

    Returns
    -------
    onnxruntime, tokenizers : module
        The imported modules.
    """
    try:
        import onnxruntime
        import tokenizers
    except ImportError as exc:
        raise MissingExtraError(
            f"ONNX prediction needs {exc.name or 'onnxruntime'}, which is not installed: "
            f"{INSTALL_HINT}") from None
    return onnxruntime, tokenizers


def runtime_available() -> bool:
    """Whether ``OnnxTransformerModel`` can run here.

    Returns
    -------
    bool
        True when onnxruntime and tokenizers import.
    """
    try:
        require_runtime()
    except MissingExtraError:
        return False
    return True


# ``model`` is a TransformerModel, typed Any: classifier.transformer.backend imports this module
def export_network(model: Any, path: Path, int8: bool = False) -> dict:
    """Write ``model``'s network (a ``TransformerModel``) to ``path`` as ONNX.

    Parameters
    ----------
    model : TransformerModel
        The fine-tuned model.
    path : Path
        The ``.onnx`` file to write.
    int8 : bool, default False
        Quantise the weights to int8 (dynamic quantisation).

    Returns
    -------
    dict
        What the metadata records: opset, inputs, int8, and the largest difference
        from torch's logits on a few sentences.

    Raises
    ------
    ModelFileError
        If a float export differs from torch by more than 1e-3.
    """
    import torch

    try:
        import onnx  # noqa: F401  (the exporter's own dependency, named in the hint)
        import onnxscript  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(f"ONNX export needs {exc.name}, which is not installed: "
                                f"{INSTALL_HINT}") from None
    network = model.network.float().eval().cpu()
    context = model.uses_context
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if context else [])

    class Logits(torch.nn.Module):
        """The network with positional inputs, as the exporter wants them."""

        def __init__(self, network: torch.nn.Module):
            super().__init__()
            self.network = network

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
            return self.network(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids)

    probe = ["Officials said the bridge would reopen on Monday.", "Prices may rise.",
             "The decision marks a shift in policy, analysts said."]
    contexts = ["The storm closed the road.", "", "Rates rose again."] if context else None
    pair = (probe, contexts) if context else (probe,)
    batch = dict(model.tokenizer(*pair, padding=True, truncation=True,
                                 max_length=model.max_length, return_tensors="pt"))
    inputs = tuple(batch[name] for name in names)
    batch_dim, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    shapes = tuple({0: batch_dim, 1: sequence} for _ in names)
    target = Path(path)
    plain = target.with_name(target.name + ".float") if int8 else target
    import warnings

    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            Logits(network), inputs, dynamo=True, input_names=names,
            output_names=["logits"], dynamic_shapes=shapes, opset_version=OPSET,
            verbose=False)
        if program is None:
            raise ModelFileError(f"{target}: torch.onnx.export returned no program")
        program.save(str(plain))
        expected = network(**batch).numpy()
    info: dict[str, Any] = {"opset": OPSET, "inputs": names, "int8": int8}
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(plain), str(target), weight_type=QuantType.QInt8)
        plain.unlink()
        for extra in target.parent.glob(target.name + ".float*"):
            extra.unlink()
    onnxruntime, _ = require_runtime()
    session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, {name: batch[name].numpy() for name in names})[0]
    info["max_abs_logit_diff"] = float(np.abs(got - expected).max())
    if not int8 and info["max_abs_logit_diff"] > 1e-3:
        raise ModelFileError(f"{target}: the ONNX export differs from torch by "
                             f"{info['max_abs_logit_diff']:.2g} on the probe sentences")
    return info


def read_verified(folder: Path, name: str, files: dict) -> bytes:
    """The bytes of a listed file whose SHA-256 matches the metadata's.

    Both transformer backends read each file once through this, so the bytes used
    are the bytes checked.

    Parameters
    ----------
    folder : Path
        The model folder.
    name : str
        The file's name.
    files : dict of str to str
        The metadata's ``files``: name to SHA-256.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    ModelFileError
        If the file is unlisted, unreadable, or its checksum differs.
    """
    if name not in files:
        raise ModelFileError(f"{folder}: metadata lists no {name}")
    try:
        data = (folder / name).read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{folder}: could not read {name}: {exc}") from None
    if hashlib.sha256(data).hexdigest() != files[name]:
        raise ModelFileError(f"{folder / name}: checksum mismatch; the file was changed or "
                             "truncated after saving, refusing to load it")
    return data


class OnnxTransformerModel(Model):
    """A fine-tuned transformer whose network runs in ONNX Runtime (read-only).

    Parameters
    ----------
    network : bytes
        The ``model.onnx`` file's content.
    tokenizer : tokenizers.Tokenizer
        The fast tokenizer (``tokenizer.json``), truncating at ``max_length``.
    labels : sequence of str
        The network's outputs, in order.
    metadata : dict, optional
        The model's metadata.
    max_length : int, default 128
        Tokens kept per input.
    batch_size : int, default 64
        Sentences of similar token count scored together.
    threads : int, optional
        ONNX Runtime's intra-op threads (``None``: its default).
    """

    backend = "transformer"

    def __init__(self, network: bytes, tokenizer: Tokenizer, labels: Sequence[str],
                 metadata: dict | None = None, max_length: int = 128, batch_size: int = 64,
                 threads: int | None = None):
        self._network = network
        self.tokenizer = tokenizer
        self._labels = tuple(labels)
        self.metadata = metadata or {}
        self.max_length = max_length
        self.batch_size = batch_size
        self._threads = threads
        self._session: InferenceSession | None = None
        self._inputs = tuple((self.metadata.get("onnx") or {}).get("inputs")
                             or ("input_ids", "attention_mask"))

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the order of the network's outputs."""
        return self._labels

    @property
    def uses_context(self) -> bool:
        """Whether this model reads the previous sentence (as ``TransformerModel``'s).

        True when fine-tuned with context and not told to predict without it
        (``predict_context: false``).
        """
        config = self.metadata.get("config", {})
        return bool(config.get("context")) and bool(config.get("predict_context", True))

    @property
    def threads(self) -> int | None:
        """ONNX Runtime's intra-op threads (``None``: its default).

        Setting it renews the session.
        """
        return self._threads

    @threads.setter
    def threads(self, threads: int | None) -> None:
        if threads != self._threads:
            self._threads, self._session = threads, None  # a new session on next use

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unsaved")
        return f"OnnxTransformerModel(name={name!r}, labels={list(self.labels)})"

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_session": None}  # a session does not pickle

    def _get_session(self) -> InferenceSession:
        if self._session is None:
            onnxruntime, _ = require_runtime()
            options = onnxruntime.SessionOptions()
            if self._threads:
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
            self._session = onnxruntime.InferenceSession(
                self._network, options, providers=["CPUExecutionProvider"])
        return self._session

    def _proba(self, texts: list[str]) -> np.ndarray:
        return self._proba_context(texts, None)

    def _proba_context(self, texts: list[str], contexts: list[str] | None) -> np.ndarray:
        if contexts is None and self.uses_context:
            contexts = [""] * len(texts)
        logits = self.logits(texts, contexts)
        logits = logits.astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        return logits / logits.sum(axis=1, keepdims=True)

    def logits(self, texts: list[str], contexts: list[str] | None = None) -> np.ndarray:
        """The network's logits for ``texts`` (with ``contexts`` as second segments).

        Parameters
        ----------
        texts : list of str
            The sentences.
        contexts : list of str, optional
            A previous sentence per text, for a model fine-tuned with context.

        Returns
        -------
        numpy.ndarray of shape (len(texts), len(labels))
            float32 logits.
        """
        inputs = list(zip(texts, contexts)) if contexts is not None else list(texts)
        encodings = self.tokenizer.encode_batch(inputs)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64,
                              count=len(encodings))
        order = np.argsort(lengths, kind="stable")
        session = self._get_session()
        out = np.empty((len(texts), len(self._labels)), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            index = order[start:start + self.batch_size]
            width = int(lengths[index].max())
            feed = {name: np.zeros((len(index), width), dtype=np.int64)
                    for name in self._inputs}
            for row, i in enumerate(index):
                encoding = encodings[i]
                n = len(encoding.ids)
                feed["input_ids"][row, :n] = encoding.ids
                feed["attention_mask"][row, :n] = 1
                if "token_type_ids" in feed:
                    feed["token_type_ids"][row, :n] = encoding.type_ids
            out[index] = session.run(None, feed)[0]
        return out

    def write(self, folder: Path, format: str | None = None) -> NoReturn:
        """Refuse: an ONNX Runtime model is read-only.

        Parameters
        ----------
        folder : Path
            Unused.
        format : str, optional
            Unused.

        Raises
        ------
        ModelFileError
            Always; load with ``fast=False`` (torch) to save.
        """
        raise ModelFileError("an ONNX Runtime model is read-only; load it with fast=False "
                             "(torch) to save it")

    @classmethod
    def read(cls, folder: Path, metadata: dict, fast: bool | None = None,
             safe: bool = False) -> Model:
        """The model from ``model.onnx`` and ``tokenizer.json`` (both checksummed).

        Parameters
        ----------
        folder : Path
            The model folder.
        metadata : dict
            Its metadata (``onnx``, ``files``, ``config``).
        fast : bool, optional
            Unused (the caller chose ONNX).
        safe : bool, default False
            Refuse a folder that lists a pickle.

        Returns
        -------
        OnnxTransformerModel
            The model, its session created on first use.

        Raises
        ------
        ModelFileError
            If a file is unlisted, changed or unreadable.
        """
        if safe:  # ONNX and JSON hold no code; refuse anything else that would
            refuse_pickles(folder, metadata)
        _, tokenizers = require_runtime()
        folder = Path(folder)
        files = metadata.get("files") or {}
        onnx_file = (metadata.get("onnx") or {}).get("file", ONNX_ARTIFACT)
        network = read_verified(folder, onnx_file, files)
        config = metadata.get("config", {})
        max_length = config.get("max_length", 128)
        try:
            tokenizer = tokenizers.Tokenizer.from_str(
                read_verified(folder, TOKENIZER, files).decode("utf-8"))
        except Exception as exc:  # the Rust side raises plain Exceptions
            if isinstance(exc, ModelFileError):
                raise
            raise ModelFileError(f"{folder / TOKENIZER}: could not load: {exc}") from None
        # as the transformers call in backend._encode: cut at max_length, longest first
        tokenizer.enable_truncation(max_length, strategy="longest_first")
        tokenizer.no_padding()  # each batch is padded here, to its own longest
        return cls(network, tokenizer, metadata.get("labels") or [], metadata,
                   max_length=max_length)


def onnx_info(metadata: dict) -> dict | None:
    """The metadata's ``onnx`` entry when the folder lists its file, else ``None``.

    Parameters
    ----------
    metadata : dict
        A model's metadata.

    Returns
    -------
    dict or None
        Opset, inputs, int8 and file of the export.
    """
    info = metadata.get("onnx")
    if isinstance(info, dict) and info.get("file", ONNX_ARTIFACT) in (metadata.get("files")
                                                                      or {}):
        return info
    return None

