"""The TF-IDF backend: a fitted scikit-learn pipeline and its NumPy export.

The pipeline is saved as joblib or skops, and its NumPy export (``model.npz``)
feeds the scikit-learn-free scorer.

Artifact names, their readers and writers, and the scikit-learn version check live
here, not in ``Model`` or ``persistence``.
"""

from __future__ import annotations

import json
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from classifier.model import Model

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from classifier.tfidf.explain import Explanation, ModelFeatures
    from classifier.tfidf.numpy_scorer import FastModel

ARTIFACT = "model.joblib"
FAST_ARTIFACT = "model.npz"
SKOPS_ARTIFACT = "model.skops"
PIPELINE_ARTIFACTS = {"joblib": ARTIFACT, "skops": SKOPS_ARTIFACT}


class SklearnModel(Model):
    """The TF-IDF + linear model: a fitted scikit-learn ``Pipeline``.

    Saved as ``model.joblib`` (pickle; the default) or ``model.skops`` (skops,
    loads without running code), plus, when the pipeline's shape allows,
    ``model.npz`` for the NumPy scorer (``classifier.tfidf.numpy_scorer``; no pickle either).

    A model read from a folder with ``model.npz`` predicts through the NumPy scorer
    (same probabilities to 1e-9, no scikit-learn import) and reads its pipeline
    lazily, once, when something needs it: ``explain``, ``top_features``, saving,
    or code that uses ``pipeline`` itself (refitting). A model built from a
    fitted pipeline (training) predicts through that pipeline.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline, optional
        The fitted pipeline; without it, ``scorer`` and ``source`` are needed.
    metadata : dict, optional
        The model's metadata.
    scorer : FastModel, optional
        Predicts while the pipeline is not needed.
    source : (Path, str), optional
        The folder and format the pipeline is read from on first use.
    """

    backend = "tfidf"
    formats = ("joblib", "skops")

    def __init__(self, pipeline: Pipeline | None = None, metadata: dict | None = None, *,
                 scorer: FastModel | None = None, source: tuple[Path, str] | None = None):
        if pipeline is None and (scorer is None or source is None):
            raise ValueError("SklearnModel needs a pipeline, or a scorer and a source")
        self._pipeline = pipeline
        self.metadata = metadata or {}
        self._scorer = scorer  # FastModel: predicts while the pipeline is not needed
        self._source = source  # (folder, format) the pipeline is read from on first use
        self._lock = threading.Lock()

    @property
    def pipeline(self) -> Pipeline:
        """The fitted scikit-learn pipeline, read from the model folder on first use.

        Setting it (a refitted pipeline) makes it score from then on, not the old NumPy
        export.
        """
        if self._pipeline is None:
            with self._lock:  # two threads asking at once read the file once
                if self._pipeline is None:
                    assert self._source is not None
                    folder, format = self._source
                    self._pipeline = _read_pipeline(folder, self.metadata, format, warn=False)
        return self._pipeline

    @pipeline.setter
    def pipeline(self, pipeline: Pipeline) -> None:
        """A new pipeline (refitted): it scores from now on, not the old NumPy export."""
        self._pipeline, self._scorer = pipeline, None

    @property
    def pipeline_loaded(self) -> bool:
        """Whether the scikit-learn pipeline is in memory (read, or given at creation)."""
        return self._pipeline is not None

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the order of the probability columns."""
        if self._scorer is not None:
            return self._scorer.labels
        return tuple(str(c) for c in self.pipeline.classes_)

    def _proba(self, texts: list[str]) -> np.ndarray:
        if self._scorer is not None:
            return self._scorer._proba(texts)
        return self.pipeline.predict_proba(texts)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_lock"]  # a lock does not pickle (batch workers get the model)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        name = self.metadata.get("name", "unsaved")
        return f"SklearnModel(name={name!r}, labels={list(self.labels)})"

    def explain(self, text: str, top: int | None = None) -> Explanation:
        """Per-label feature contributions of ``text`` (``classifier.tfidf.explain``).

        Parameters
        ----------
        text : str
            One sentence.
        top : int, optional
            Keep the ``top`` strongest contributions each way per label.

        Returns
        -------
        Explanation
            The probabilities and each stage's per-label scores.
        """
        from classifier.tfidf.explain import explain

        return explain(self, text, top)

    def top_features(self, top: int = 25, kinds: tuple[str, ...] | None = None) -> ModelFeatures:
        """Each label's strongest features (``classifier.tfidf.explain``).

        Parameters
        ----------
        top : int, default 25
            Features per label and direction.
        kinds : tuple of str, optional
            Some of ``"word"``, ``"char"``, ``"cue"``; default all.

        Returns
        -------
        ModelFeatures
            The features, stage by stage.
        """
        from classifier.tfidf.explain import top_features

        return top_features(self, top, kinds)

    def write(self, folder: Path, format: str | None = "joblib") -> list[str]:
        """Write the pipeline (joblib or skops) and, where its shape allows, ``model.npz``.

        Parameters
        ----------
        folder : Path
            An existing, empty folder.
        format : {'joblib', 'skops'}, default 'joblib'
            How the pipeline is saved (``None``: joblib).

        Returns
        -------
        list of str
            The names of the files written.
        """
        import numpy as np

        if format == "skops":
            from classifier.tfidf.skops_format import dump_skops

            dump_skops(self.pipeline, folder / SKOPS_ARTIFACT)
            files = [SKOPS_ARTIFACT]
        else:
            import joblib

            joblib.dump(self.pipeline, folder / ARTIFACT, compress=3, protocol=4)
            files = [ARTIFACT]
        arrays = export(self.pipeline)
        if arrays is not None:
            with (folder / FAST_ARTIFACT).open("wb") as handle:  # np.savez would add ".npz"
                np.savez(handle, **arrays)  # type: ignore[arg-type]
            files.append(FAST_ARTIFACT)
        return files

    @classmethod
    def read(cls, folder: Path, metadata: dict, fast: bool | None = None,
             safe: bool = False) -> Model:
        """The model of ``folder``; ``fast`` picks how it predicts.

        Parameters
        ----------
        folder : Path
            The model folder (its checksums already verified).
        metadata : dict
            Its ``metadata.json``.
        fast : bool, optional
            ``None`` (the default): through the NumPy scorer when ``model.npz`` exists,
            with the pipeline read lazily (``pipeline``); ``True``: the NumPy scorer
            alone (``FastModel``: read-only, no feature names); ``False``: through the
            pipeline, read now. A model without ``model.npz`` always uses its pipeline.
        safe : bool, default False
            Unpickle nothing: the skops pipeline (trusted types only) or the NumPy
            scorer; a model saved only as a pickle is refused.

        Returns
        -------
        Model
            A ``SklearnModel``, or a ``FastModel`` for ``fast=True``.
        """
        if safe:
            return cls._read_safe(folder, metadata, fast)
        has_fast = FAST_ARTIFACT in metadata.get("files", {})
        if fast and has_fast:
            return _read_fast(folder, metadata)
        format = metadata.get("format", "joblib")
        if fast is None and has_fast:
            return cls._read_lazy(folder, metadata, format)
        return cls(_read_pipeline(folder, metadata, format), metadata)

    @classmethod
    def _read_lazy(cls, folder: Path, metadata: dict, format: str,
                   stacklevel: int = 5) -> SklearnModel:
        """NumPy scorer now, pipeline on first use; a version warning now, as an eager read."""
        if format not in PIPELINE_ARTIFACTS:
            _read_pipeline(folder, metadata, format)  # raises the unknown-format error
        if PIPELINE_ARTIFACTS[format] not in metadata.get("files", {}):
            _read_pipeline(folder, metadata, format)  # raises the missing-artifact error
        saved = metadata.get("versions", {}).get("scikit-learn")
        if saved and saved != _installed_sklearn_version():
            warn_if_versions_differ(folder, metadata, stacklevel=stacklevel)
        return cls(None, metadata, scorer=_read_fast(folder, metadata),
                   source=(Path(folder), format))

    @classmethod
    def _read_safe(cls, folder: Path, metadata: dict, fast: bool | None) -> Model:
        from classifier.errors import ModelFileError

        files = metadata.get("files", {})
        if FAST_ARTIFACT in files and (fast or SKOPS_ARTIFACT not in files):
            return _read_fast(folder, metadata)
        if SKOPS_ARTIFACT in files:
            if fast is None and FAST_ARTIFACT in files:
                return cls._read_lazy(folder, metadata, "skops", stacklevel=6)
            return cls(_read_pipeline(folder, metadata, "skops"), metadata)
        raise ModelFileError(
            f"{folder}: the model exists only as a pickle ({ARTIFACT}), which can run code "
            "when loaded; safe loading refuses it. Ask for the model saved with "
            "format='skops' (--format skops), or load it without safe only if you trust "
            "its source"
        )


def export(pipeline: Pipeline) -> dict[str, np.ndarray] | None:
    """The arrays ``FastModel`` needs, or ``None`` if the pipeline has another shape.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A fitted ``features`` + ``clf`` pipeline (optionally after ``case``).

    Returns
    -------
    dict of str to numpy.ndarray or None
        Vocabularies, idf weights, coefficients, classes and a JSON ``spec``; ``None``
        for a pipeline the NumPy scorer cannot reproduce.
    """
    features, clf = pipeline.named_steps.get("features"), pipeline.named_steps.get("clf")
    steps = [name for name, _ in pipeline.steps]
    head = _export_head(clf)
    if head is None or steps not in (["features", "clf"], ["case", "features", "clf"]):
        return None
    arrays: dict[str, np.ndarray] = {}
    blocks = []
    for name, transformer in features.transformer_list:
        if name == "cues":
            blocks.append({"name": name, "kind": "cues", "weight": transformer.weight})
            continue
        if getattr(transformer, "norm", None) != "l2" or transformer.strip_accents:
            return None
        if transformer.analyzer not in ("word", "char_wb") or transformer.stop_words:
            return None
        if transformer.preprocessor is not None or transformer.tokenizer is not None:
            return None
        blocks.append({
            "name": name, "kind": transformer.analyzer,
            "ngram_range": list(transformer.ngram_range),
            "lowercase": transformer.lowercase, "sublinear_tf": transformer.sublinear_tf,
            "token_pattern": transformer.token_pattern, "use_idf": transformer.use_idf,
        })
        terms = sorted(transformer.vocabulary_, key=transformer.vocabulary_.get)
        arrays[f"{name}_terms"] = np.array(terms, dtype=str)
        arrays[f"{name}_idf"] = (
            transformer.idf_ if transformer.use_idf else np.ones(len(terms))
        ).astype(np.float64)
    spec, arrays["coef"], arrays["intercept"] = head
    arrays["classes"] = np.array([str(c) for c in clf.classes_], dtype=str)
    arrays["spec"] = np.array(json.dumps({"blocks": blocks, "head": spec,
                                          "case": steps[0] == "case"}))
    return arrays


def _export_head(clf: Any) -> tuple[dict[str, Any], np.ndarray, np.ndarray] | None:
    """(spec, coef rows, intercepts) of a logistic regression or a cascade of two."""
    from sklearn.linear_model import LogisticRegression

    from classifier.tfidf.estimators import CascadeClassifier

    def rows(model: Any) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(model.coef_, np.float64), np.asarray(model.intercept_, np.float64)

    from classifier.tfidf.estimators import BoostedLogisticRegression

    if type(clf) in (LogisticRegression, BoostedLogisticRegression):
        coef, intercept = rows(clf)
        return {"kind": "logreg"}, coef, intercept
    if type(clf) is CascadeClassifier and all(
        type(m) is LogisticRegression for m in (clf.first_, clf.rest_)
    ):
        (c1, b1), (c2, b2) = rows(clf.first_), rows(clf.rest_)
        spec = {"kind": "cascade", "first": str(clf.first),
                "first_positive": int(list(clf.first_.classes_).index(True)),
                "rest_classes": [str(c) for c in clf.rest_.classes_]}
        return spec, np.vstack([c1, c2]), np.concatenate([b1, b2])
    return None


def _read_fast(folder: Path, metadata: dict) -> FastModel:
    """The NumPy scorer from ``model.npz``, loaded with ``allow_pickle=False``."""
    from classifier.tfidf.numpy_scorer import FastModel

    return FastModel.read(folder, metadata)


def _read_pipeline(folder: Path, metadata: dict, format: str, warn: bool = True) -> Pipeline:
    """The fitted pipeline from the artifact of ``format``; only a checksummed file.

    ``warn=False``: the version warning was given already (at a lazy load).
    """
    from classifier.errors import ModelFileError

    name = PIPELINE_ARTIFACTS.get(format)
    if name is None:
        raise ModelFileError(f"{folder}: unknown artifact format {format!r}; "
                             "known: joblib, skops")
    if name not in metadata.get("files", {}):
        raise ModelFileError(f"{folder}: metadata lists no {name} (format {format})")
    if warn:
        differ = warn_if_versions_differ(folder, metadata, stacklevel=5)
    else:
        import sklearn

        differ = metadata.get("versions", {}).get("scikit-learn") not in (
            None, sklearn.__version__)
    with warnings.catch_warnings():
        if differ:  # one warning says it all, not one per pickled estimator
            from sklearn.exceptions import InconsistentVersionWarning

            warnings.simplefilter("ignore", InconsistentVersionWarning)
        if format == "skops":
            from classifier.tfidf.skops_format import load_skops

            return load_skops(folder / name)
        import joblib

        try:
            return joblib.load(folder / name)
        except Exception as exc:
            raise ModelFileError(f"{folder / name}: could not load: {exc}") from None


def _installed_sklearn_version() -> str | None:
    """scikit-learn's installed version, read without importing it."""
    from importlib import metadata

    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return None


def warn_if_versions_differ(folder: Path, metadata: dict, stacklevel: int = 4) -> bool:
    """Warn (once per load) when the model was saved by another scikit-learn.

    Parameters
    ----------
    folder : Path
        The model folder, named in the warning.
    metadata : dict
        Its metadata (``versions``).
    stacklevel : int, default 4
        Passed to ``warnings.warn``, so that the warning points at the caller.

    Returns
    -------
    bool
        Whether a warning was given.
    """
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


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved TF-IDF model depends on.

    Returns
    -------
    dict of str to str
        Library name to version (the package, Python, scikit-learn, NumPy, SciPy, joblib).
    """
    import platform

    import joblib
    import numpy
    import scipy
    import sklearn

    from classifier import __version__

    return {
        "classifier": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
