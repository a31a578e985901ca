"""Saving and loading models: a folder with the artifact and ``metadata.json``.

A model folder holds ``model.joblib`` (the fitted pipeline) and ``metadata.json``
(format version, labels, versions, configuration, data fingerprint, metrics and the
SHA-256 of every artifact). Writes are atomic: the folder is built under a
temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from classifier.errors import ModelFileError

FORMAT_VERSION = 1
METADATA = "metadata.json"
ARTIFACT = "model.joblib"
FAST_ARTIFACT = "model.npz"
DEFAULT_MODEL = "default"
MODEL_ENV = "CLASSIFIER_MODEL"


def models_dirs() -> list[Path]:
    """Where named models are looked up: the wheel's copy, then the source tree's."""
    here = Path(__file__).resolve().parent
    return [d for d in (here / "_models", here.parent / "models") if d.is_dir()]


def resolve_model_path(path: str | Path | None = None) -> Path:
    """The folder of the model named by ``path`` (a folder, a name, or the default)."""
    if path is None:
        path = os.environ.get(MODEL_ENV) or DEFAULT_MODEL
    candidate = Path(path)
    if candidate.is_file() and candidate.name in (ARTIFACT, METADATA):
        candidate = candidate.parent
    if (candidate / METADATA).is_file():
        return candidate
    if candidate.exists():
        raise ModelFileError(f"{path}: not a classifier model (no {METADATA} inside)")
    if len(candidate.parts) == 1:
        for folder in models_dirs():
            if (folder / str(path) / METADATA).is_file():
                return folder / str(path)
    known = sorted({p.parent.name for d in models_dirs() for p in d.glob(f"*/{METADATA}")})
    hint = f"; shipped models: {', '.join(known)}" if known else ""
    raise ModelFileError(f"{path}: no such model{hint}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_metadata(folder: Path) -> dict:
    """The metadata of a model folder, checked to be one of this package's."""
    try:
        metadata = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{folder}: unreadable {METADATA}: {exc}") from None
    if not isinstance(metadata, dict) or metadata.get("package") != "classifier":
        raise ModelFileError(f"{folder}: not a classifier model")
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        saved_by = metadata.get("versions", {}).get("classifier", "unknown")
        raise ModelFileError(
            f"{folder}: model format {version} is not supported (this package reads "
            f"format {FORMAT_VERSION}); retrain it, or install classifier=={saved_by}"
        )
    return metadata


def verify_files(folder: Path, metadata: dict) -> None:
    """Refuse artifacts whose SHA-256 differs from the one recorded at save time."""
    files = metadata.get("files") or {}
    if not files:
        raise ModelFileError(f"{folder}: metadata lists no files and checksums")
    for name, expected in files.items():
        path = folder / name
        if not path.is_file():
            raise ModelFileError(f"{folder}: missing file {name}")
        if sha256_file(path) != expected:
            raise ModelFileError(
                f"{path}: checksum mismatch; the file was changed or truncated after "
                "saving, refusing to load it"
            )


def _warn_versions(folder: Path, metadata: dict) -> None:
    import sklearn

    saved = metadata.get("versions", {}).get("scikit-learn")
    if saved and saved != sklearn.__version__:
        warnings.warn(
            f"{folder} was saved with scikit-learn {saved}, this is "
            f"{sklearn.__version__}; predictions may differ (retrain to be safe)",
            UserWarning,
            stacklevel=3,
        )


def save_model(model, path: str | Path, force: bool = False) -> Path:
    """Write ``model`` to the folder ``path`` atomically; refuse to overwrite unless ``force``.

    Returns the folder written.
    """
    import joblib

    target = Path(path)
    if target.exists() and not force:
        raise ModelFileError(f"{target}: already exists; pass force=True (--force) to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a model folder is shareable
        joblib.dump(model.pipeline, staging / ARTIFACT, compress=3, protocol=4)
        files = [ARTIFACT]
        if _write_fast(model.pipeline, staging / FAST_ARTIFACT):
            files.append(FAST_ARTIFACT)
        metadata = dict(model.metadata)
        metadata.update(
            package="classifier",
            format_version=FORMAT_VERSION,
            name=target.name,
            files={name: sha256_file(staging / name) for name in files},
        )
        (staging / METADATA).write_text(
            json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        model.metadata = metadata
        _replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_fast(pipeline, path: Path) -> bool:
    """Export the NumPy scoring arrays when the pipeline's shape allows it."""
    import numpy as np

    from classifier.fast import export

    arrays = export(pipeline)
    if arrays is None:
        return False
    with path.open("wb") as handle:  # a file handle: np.savez would append ".npz"
        np.savez(handle, **arrays)
    return True


def _replace(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; an existing target is kept until the swap."""
    if not target.exists():
        os.replace(staging, target)
        return
    backup = target.with_name(f".{target.name}.old")
    shutil.rmtree(backup, ignore_errors=True)
    os.replace(target, backup)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def load_model(path: str | Path | None = None, fast: bool = False):
    """Load a saved model: a folder, a shipped model's name, or the default model.

    Checksums are verified before anything is read. With ``fast=True`` the NumPy
    scorer is used when the model has one (same probabilities, no scikit-learn
    import); otherwise the scikit-learn pipeline is unpickled.

    >>> load_model().labels
    ('analysis', 'factual_report', 'official_claim', 'speculation')
    """
    folder = resolve_model_path(path)
    metadata = read_metadata(folder)
    verify_files(folder, metadata)
    if fast and FAST_ARTIFACT in metadata["files"]:
        return _load_fast(folder, metadata)
    return _load_pipeline(folder, metadata)


def _load_fast(folder: Path, metadata: dict):
    import numpy as np

    from classifier.fast import FastModel

    try:
        with np.load(folder / FAST_ARTIFACT, allow_pickle=False) as arrays:
            return FastModel(arrays, metadata)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{folder / FAST_ARTIFACT}: could not load: {exc}") from None


def _load_pipeline(folder: Path, metadata: dict):
    import joblib

    from classifier.model import SklearnModel

    _warn_versions(folder, metadata)
    try:
        pipeline = joblib.load(folder / ARTIFACT)
    except Exception as exc:
        raise ModelFileError(f"{folder / ARTIFACT}: could not load: {exc}") from None
    return SklearnModel(pipeline, metadata)
