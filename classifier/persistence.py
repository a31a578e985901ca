"""Saving and loading models: a folder with the artifact and ``metadata.json``.

A model folder holds the backend's artifacts (for TF-IDF: ``model.joblib`` or
``model.skops``, the fitted pipeline, and ``model.npz``, its NumPy export) and
``metadata.json`` (format version, artifact format, backend, labels, versions,
configuration, data fingerprint, metrics and the SHA-256 of every artifact).
Writes are atomic: the folder is built under a temporary name and renamed into
place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from importlib import import_module
from pathlib import Path

from classifier.errors import ModelFileError
from classifier.metadata import FORMAT_VERSION, PACKAGE, ModelMetadata

METADATA = "metadata.json"
BACKENDS = {
    "tfidf": ("classifier.tfidf.backend", "SklearnModel"),
    "transformer": ("classifier.transformer.backend", "TransformerModel"),
}
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
    if candidate.is_file() and (candidate.parent / METADATA).is_file():
        candidate = candidate.parent
    if (candidate / METADATA).is_file():
        return candidate
    if candidate.exists():
        raise ModelFileError(f"{path}: not a classifier model (no {METADATA} inside)")
    if (backup_path(candidate) / METADATA).is_file():
        return backup_path(candidate)  # a save killed between its two renames: the old model
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
    """The metadata of a model folder, checked to be one of this package's (a JSON dict)."""
    return read_model_metadata(folder).to_dict()


def read_model_metadata(folder: Path) -> ModelMetadata:
    """The typed metadata of a model folder (``ModelMetadata.from_json``)."""
    try:
        text = (folder / METADATA).read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelFileError(f"{folder}: unreadable {METADATA}: {exc}") from None
    return ModelMetadata.from_json(text, str(folder))


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


def backend_class(name: str):
    """The ``Model`` subclass that reads models saved by backend ``name``."""
    if name not in BACKENDS:
        raise ModelFileError(f"unknown model backend {name!r}; known: {', '.join(BACKENDS)}")
    module, cls = BACKENDS[name]
    return getattr(import_module(module), cls)


def save_model(
    model, path: str | Path, force: bool = False, format: str | None = None
) -> Path:
    """Write ``model`` to the folder ``path`` atomically; refuse to overwrite unless ``force``.

    The backend writes its artifacts into a staging folder; the metadata records
    their SHA-256; the folder is then renamed into place. Returns the folder.
    ``format`` picks the artifact format of a backend that has several (TF-IDF:
    ``"joblib"``, the default, or ``"skops"``, which loads without running code);
    the metadata records it.
    """
    target = Path(path)
    formats = tuple(getattr(model, "formats", ()))
    if format is not None and format not in formats:
        known = ", ".join(formats) if formats else "none to choose from"
        raise ModelFileError(
            f"the {model.backend} backend cannot save format {format!r}; formats: {known}"
        )
    _restore_interrupted(target)
    if target.exists() and not force:
        raise ModelFileError(f"{target}: already exists; pass force=True (--force) to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a model folder is shareable
        files = model.write(staging, format or (formats[0] if formats else None))
        meta = ModelMetadata.from_dict(dict(model.metadata, backend=model.backend))
        meta.format = (format or formats[0]) if formats else None
        meta.package, meta.format_version, meta.name = PACKAGE, FORMAT_VERSION, target.name
        meta.files = {name: sha256_file(staging / name) for name in files}
        metadata = meta.to_dict()
        (staging / METADATA).write_text(meta.to_json(), encoding="utf-8")
        # Documentation, not an artifact: not checksummed, rewritten on every save.
        from classifier.model_card import write_model_card

        write_model_card(staging, metadata)
        model.metadata = metadata
        _replace(staging, target)
    except OSError as exc:  # disk full, permissions: one line; the old model stays
        raise ModelFileError(
            f"{target}: could not save ({exc}); any previous model there is unchanged"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def backup_path(target: Path) -> Path:
    """Where ``_replace`` keeps the previous model while it swaps the new one in."""
    return target.with_name(f".{target.name}.old")


def _restore_interrupted(target: Path) -> None:
    """Put back the previous model if a save was killed between its two renames."""
    backup = backup_path(target)
    if not target.exists() and (backup / METADATA).is_file():
        os.replace(backup, target)


def _replace(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; an existing target is kept until the swap.

    A crash between the two renames leaves the previous model complete in
    ``backup_path(target)``: ``load_model`` reads it there and the next save puts
    it back first.
    """
    if not target.exists():
        os.replace(staging, target)
        return
    backup = backup_path(target)
    shutil.rmtree(backup, ignore_errors=True)
    os.replace(target, backup)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def load_model(path: str | Path | None = None, fast: bool = False, safe: bool = False):
    """Load a saved model: a folder, a shipped model's name, or the default model.

    Checksums are verified before anything is read; the backend named in the
    metadata reads the artifacts. With ``fast=True`` a backend may use a lighter
    inference path (the TF-IDF model's NumPy scorer: same probabilities, no
    scikit-learn import). With ``safe=True`` nothing is unpickled, so a model
    from an untrusted source cannot run code: the TF-IDF backend reads
    ``model.skops`` (trusted types only) or ``model.npz`` (``allow_pickle=False``)
    and refuses a model that has only ``model.joblib``.

    >>> load_model().labels
    ('analysis', 'factual_report', 'official_claim', 'speculation')
    """
    folder = resolve_model_path(path)
    meta = read_model_metadata(folder)
    metadata = meta.to_dict()
    verify_files(folder, metadata)
    cls = backend_class(meta.backend)
    return cls.read(folder, metadata, fast=fast, safe=safe)
