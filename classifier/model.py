"""The model interface every backend implements, and the scikit-learn backend."""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

from classifier.prediction import ArticlePrediction, Prediction, make_predictions
from classifier.sentences import split_sentences


class Model(ABC):
    """A trained sentence classifier with its metadata.

    Subclasses implement ``_proba`` (probabilities for non-empty texts) and
    ``labels``; prediction, article tagging and batching are shared.
    """

    metadata: dict
    backend: str = ""
    #: artifact formats ``write(folder, format=...)`` accepts, the default first;
    #: empty for a backend with a single format (``save_model`` then takes none).
    formats: tuple[str, ...] = ()

    @abstractmethod
    def write(self, folder: Path) -> list[str]:
        """Write this model's artifacts into ``folder``; return their file names."""

    @classmethod
    @abstractmethod
    def read(cls, folder: Path, metadata: dict, fast: bool = False) -> Model:
        """Load a model of this backend from checked artifacts in ``folder``."""

    @classmethod
    def read_safe(cls, folder: Path, metadata: dict, fast: bool = False) -> Model:
        """``read`` without unpickling anything: safe for a model from someone else.

        This default serves backends whose artifacts hold no pickle (safetensors,
        JSON); a backend that saves pickles overrides it with a pickle-free path.
        """
        from classifier.errors import ModelFileError

        pickled = sorted(n for n in metadata.get("files", {}) if is_pickle(n))
        if pickled:
            raise ModelFileError(
                f"{folder}: {', '.join(pickled)} would be unpickled, which can run code; "
                "safe loading refuses it (load it without safe only if you trust its source)"
            )
        return cls.read(folder, metadata, fast=fast)

    @property
    @abstractmethod
    def labels(self) -> tuple[str, ...]:
        """The labels, in the column order of ``predict_proba``."""

    @abstractmethod
    def _proba(self, texts: list[str]):
        """Probabilities ``(len(texts), len(labels))`` for non-empty texts."""

    #: whether the backend reads the previous sentence as context (``tag_article``)
    uses_context: bool = False

    def _proba_context(self, texts: list[str], contexts: list[str]):
        """Probabilities given each text's previous sentence; by default it is ignored."""
        return self._proba(texts)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None):
        """Probability of each label (columns in ``labels`` order) for each text.

        Empty texts get a row of NaN, so rows always match inputs one to one.
        ``contexts`` (the sentence before each text, ``""`` for none) is read by a
        backend that ``uses_context``; others ignore it.
        """
        import numpy as np

        texts = list(texts)
        out = np.full((len(texts), len(self.labels)), np.nan)
        keep = [i for i, t in enumerate(texts) if t and t.strip()]
        if keep and contexts is not None and self.uses_context:
            contexts = list(contexts)
            out[keep] = self._proba_context([texts[i] for i in keep],
                                            [contexts[i] or "" for i in keep])
        elif keep:
            out[keep] = self._proba([texts[i] for i in keep])
        return out

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One ``Prediction`` per text, in order; empty texts get ``label=None``."""
        texts = list(texts)
        proba = self.predict_proba(texts)
        rows = [None if row[0] != row[0] else row for row in proba]  # NaN check
        return make_predictions(texts, self.labels, rows)

    def predict_labels(self, texts: Sequence[str]) -> list[str | None]:
        """Just the labels, as scikit-learn's ``predict`` would return them."""
        return [p.label for p in self.predict(texts)]

    def tag_article(self, text: str) -> ArticlePrediction:
        """Split an article into sentences and label each one, with offsets."""
        return self.tag_articles([text])[0]

    def tag_articles(self, texts: Sequence[str]) -> list[ArticlePrediction]:
        """``tag_article`` for many articles, scored in one batch."""
        split = [split_sentences(t) for t in texts]
        flat = [s.text for sentences in split for s in sentences]
        previous = [sentences[i - 1].text if i else "" for sentences in split
                    for i in range(len(sentences))]
        proba = self.predict_proba(flat, previous) if flat else []
        articles, k = [], 0
        for text, sentences in zip(texts, split):
            rows = proba[k : k + len(sentences)]
            k += len(sentences)
            preds = make_predictions(
                [s.text for s in sentences], self.labels, list(rows),
                spans=[(s.start, s.end) for s in sentences],
            )
            articles.append(ArticlePrediction(text, preds, self.labels))
        return articles

    def explain(self, text: str, top: int | None = None):
        """Why ``text`` gets its label: per-label feature contributions (``classifier.explain``).

        Backends that cannot explain raise ``ExplainError``.
        """
        from classifier.explain import explain

        return explain(self, text, top)

    def top_features(self, top: int = 25, kinds: tuple[str, ...] | None = None):
        """Each label's strongest features over the whole model (``classifier.explain``)."""
        from classifier.explain import top_features

        return top_features(self, top, kinds)


ARTIFACT = "model.joblib"
FAST_ARTIFACT = "model.npz"
SKOPS_ARTIFACT = "model.skops"
# File types that are pickles underneath (torch's .bin and .pt included): loading
# one can run arbitrary code.
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle", ".bin", ".pt", ".pth")


def is_pickle(name: str) -> bool:
    """Whether the artifact ``name`` is a pickle (by its suffix)."""
    return name.lower().endswith(PICKLE_SUFFIXES)


class SklearnModel(Model):
    """The TF-IDF + linear model: a fitted scikit-learn ``Pipeline``.

    Saved as ``model.joblib`` (pickle; the default) or ``model.skops`` (skops,
    loads without running code), plus, when the pipeline's shape allows,
    ``model.npz`` for the NumPy scorer (``classifier.fast``; no pickle either).
    """

    backend = "tfidf"
    formats = ("joblib", "skops")

    def __init__(self, pipeline, metadata: dict | None = None):
        self.pipeline = pipeline
        self.metadata = metadata or {}

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.pipeline.classes_)

    def _proba(self, texts: list[str]):
        return self.pipeline.predict_proba(texts)

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unsaved")
        return f"SklearnModel(name={name!r}, labels={list(self.labels)})"

    def write(self, folder: Path, format: str = "joblib") -> list[str]:
        import numpy as np

        from classifier.fast import export

        if format == "skops":
            from classifier.skops_format import dump_skops

            dump_skops(self.pipeline, folder / SKOPS_ARTIFACT)
            files = [SKOPS_ARTIFACT]
        else:
            import joblib

            joblib.dump(self.pipeline, folder / ARTIFACT, compress=3, protocol=4)
            files = [ARTIFACT]
        arrays = export(self.pipeline)
        if arrays is not None:
            with (folder / FAST_ARTIFACT).open("wb") as handle:  # np.savez would add ".npz"
                np.savez(handle, **arrays)
            files.append(FAST_ARTIFACT)
        return files

    @classmethod
    def read(cls, folder: Path, metadata: dict, fast: bool = False) -> Model:
        if fast and FAST_ARTIFACT in metadata.get("files", {}):
            return _read_fast(folder, metadata)
        return cls(_read_pipeline(folder, metadata, metadata.get("format", "joblib")), metadata)

    @classmethod
    def read_safe(cls, folder: Path, metadata: dict, fast: bool = False) -> Model:
        """Never unpickles: the skops pipeline (trusted types only) or the NumPy scorer."""
        from classifier.errors import ModelFileError

        files = metadata.get("files", {})
        if FAST_ARTIFACT in files and (fast or SKOPS_ARTIFACT not in files):
            return _read_fast(folder, metadata)
        if SKOPS_ARTIFACT in files:
            return cls(_read_pipeline(folder, metadata, "skops"), metadata)
        raise ModelFileError(
            f"{folder}: the model exists only as a pickle ({ARTIFACT}), which can run code "
            "when loaded; safe loading refuses it. Ask for the model saved with "
            "format='skops' (--format skops), or load it without safe only if you trust "
            "its source"
        )


def _read_fast(folder: Path, metadata: dict) -> Model:
    """The NumPy scorer from ``model.npz``, loaded with ``allow_pickle=False``."""
    import numpy as np

    from classifier.errors import ModelFileError
    from classifier.fast import FastModel

    try:
        with np.load(folder / FAST_ARTIFACT, allow_pickle=False) as arrays:
            return FastModel(arrays, metadata)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{folder / FAST_ARTIFACT}: could not load: {exc}") from None


def _read_pipeline(folder: Path, metadata: dict, format: str):
    """The fitted pipeline from the artifact of ``format``; only a checksummed file."""
    from classifier.errors import ModelFileError

    name = {"joblib": ARTIFACT, "skops": SKOPS_ARTIFACT}.get(format)
    if name is None:
        raise ModelFileError(f"{folder}: unknown artifact format {format!r}; "
                             "known: joblib, skops")
    if name not in metadata.get("files", {}):
        raise ModelFileError(f"{folder}: metadata lists no {name} (format {format})")
    warned = warn_if_versions_differ(folder, metadata, stacklevel=5)
    with warnings.catch_warnings():
        if warned:  # one warning says it all, not one per pickled estimator
            from sklearn.exceptions import InconsistentVersionWarning

            warnings.simplefilter("ignore", InconsistentVersionWarning)
        if format == "skops":
            from classifier.skops_format import load_skops

            return load_skops(folder / name)
        import joblib

        try:
            return joblib.load(folder / name)
        except Exception as exc:
            raise ModelFileError(f"{folder / name}: could not load: {exc}") from None


def warn_if_versions_differ(folder: Path, metadata: dict, stacklevel: int = 4) -> bool:
    """Warn (once per load) when the model was saved by another scikit-learn."""
    import sklearn

    saved = metadata.get("versions", {}).get("scikit-learn")
    if saved and saved != sklearn.__version__:
        warnings.warn(
            f"{folder} was saved with scikit-learn {saved}, this is "
            f"{sklearn.__version__}; predictions may differ (retrain to be safe, or "
            f"install scikit-learn=={saved})",
            UserWarning,
            stacklevel=stacklevel,
        )
        return True
    return False
