"""The skops artifact (``model.skops``): a fitted pipeline that loads without running code.

A joblib file is a pickle, and unpickling can run any code the file asks for.
``skops.io`` stores the pipeline as a zip of JSON and NumPy arrays instead and,
when loading, builds only types it trusts: scikit-learn's, NumPy's and SciPy's
by default, plus the ones listed in ``TRUSTED_TYPES`` below (this package's
estimators). A file that names any other type is refused before anything in it
is built. Use it for a model that comes from someone else.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.errors import ModelFileError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

#: Types beyond skops' defaults that a saved pipeline may contain. Each is a plain
#: estimator whose state skops checks like any other: no custom unpickling hooks.
TRUSTED_TYPES = (
    # where the classes lived before 0.2 (``classifier/cascade.py``, ``features.py``):
    # files saved then name these paths
    "classifier.cascade.CascadeClassifier",
    "classifier.features.CaseNormalizer",
    "classifier.features.CueFeatures",
    "classifier.features.StableTfidfVectorizer",
    "classifier.tfidf.estimators.CascadeClassifier",
    "classifier.tfidf.features.CaseNormalizer",
    "classifier.tfidf.features.CueFeatures",
    "classifier.tfidf.features.StableTfidfVectorizer",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)


def untrusted_types(path: str | Path) -> list[str]:
    """Types in the skops file ``path`` that neither skops nor ``TRUSTED_TYPES`` trusts.

    Parameters
    ----------
    path : str or Path
        A ``model.skops`` file.

    Returns
    -------
    list of str
        The types' names, sorted; empty when all are trusted.

    Raises
    ------
    ModelFileError
        If the file is not a readable skops file.
    """
    import skops.io as sio

    try:
        found = sio.get_untrusted_types(file=Path(path))
    except Exception as exc:  # a corrupt zip or schema: one line, not a traceback
        raise ModelFileError(f"{path}: not a readable skops file: {exc}") from None
    return sorted(t for t in found if t not in TRUSTED_TYPES)


def dump_skops(pipeline: Pipeline, path: str | Path) -> None:
    """Write ``pipeline`` to ``path`` in the skops format (zip-compressed).

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        The fitted pipeline.
    path : str or Path
        The file to write.
    """
    import skops.io as sio

    sio.dump(pipeline, Path(path), compression=zipfile.ZIP_DEFLATED)


def load_skops(path: str | Path) -> Pipeline:
    """Load a pipeline from ``path``, refusing any type outside the trusted list.

    Parameters
    ----------
    path : str or Path
        A ``model.skops`` file.

    Returns
    -------
    sklearn.pipeline.Pipeline
        The fitted pipeline.

    Raises
    ------
    ModelFileError
        Naming the unexpected types (nothing is built then), or if the file cannot
        be loaded.
    """
    import skops.io as sio

    unexpected = untrusted_types(path)
    if unexpected:
        raise ModelFileError(
            f"{path}: refusing to load untrusted types: {', '.join(unexpected)}"
        )
    try:
        return sio.load(Path(path), trusted=list(TRUSTED_TYPES))
    except Exception as exc:
        raise ModelFileError(f"{path}: could not load: {exc}") from None
