"""Saving and loading models: a folder with the artifact and ``metadata.json``.

A model folder holds the backend's artifacts (for TF-IDF: ``model.joblib`` or
``model.skops``, the fitted pipeline, and ``model.npz``, its NumPy export) and
``metadata.json`` (format version, artifact format, backend, labels, versions,
configuration, data fingerprint, metrics and the SHA-256 of every artifact).
Writes are atomic: the folder is built under a temporary name and renamed into
place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from classifier.errors import ModelFileError
from classifier.leftovers import STAGING, remove_stale, staging_prefix
from classifier.metadata import FORMAT_VERSION, PACKAGE, ModelMetadata, temperature_of

if TYPE_CHECKING:
    from classifier.model import Model

METADATA = "metadata.json"
BACKENDS = {
    "tfidf": ("classifier.tfidf.backend", "SklearnModel"),
    "transformer": ("classifier.transformer.backend", "TransformerModel"),
}
DEFAULT_MODEL = "default"
MODEL_ENV = "CLASSIFIER_MODEL"


def models_dirs() -> list[Path]:
    """Where named models are looked up: the wheel's copy, then the source tree's.

    Returns
    -------
    list of Path
        The folders that exist.
    """
    here = Path(__file__).resolve().parent
    return [d for d in (here / "_models", here.parent / "models") if d.is_dir()]


def looks_like_path(name: str | Path) -> bool:
    """Whether ``name`` names a folder rather than a shipped model.

    Parameters
    ----------
    name : str or Path
        A model argument.

    Returns
    -------
    bool
        True for a ``Path``, an absolute path, ``.`` or ``..``, or a name holding a
        separator (``./default``).
    """
    if isinstance(name, Path):
        return True
    seps = {os.sep, os.altsep or os.sep, "/"}
    return os.path.isabs(name) or name in (".", "..") or any(sep in name for sep in seps)


def resolve_model_path(path: str | Path | None = None) -> Path:
    """The folder of the model named by ``path``, as an absolute path.

    A name (``default``, ``accurate``) is only ever a shipped model, never a
    folder of the working directory; a folder is given as a path (``./default``,
    ``/models/x``, ``models/x``). Nothing is fetched from a hub.

    Parameters
    ----------
    path : str or Path, optional
        A shipped model's name or a model folder; ``None`` reads
        ``CLASSIFIER_MODEL`` (a name or a path), else the shipped ``default``.

    Returns
    -------
    Path
        The model folder (or, after a save killed mid-swap, its backup).

    Raises
    ------
    ModelFileError
        If there is no such model.
    """
    if path is None:
        path = os.environ.get(MODEL_ENV) or DEFAULT_MODEL
    if not looks_like_path(path):
        return _shipped_model(str(path))
    candidate = Path(path)
    if candidate.is_file() and (candidate.parent / METADATA).is_file():
        candidate = candidate.parent
    if (candidate / METADATA).is_file():
        return candidate.absolute()
    if candidate.exists():
        raise ModelFileError(f"{path}: not a classifier model (no {METADATA} inside)")
    if (backup_path(candidate) / METADATA).is_file():
        # a save killed between its two renames: the old model
        return backup_path(candidate).absolute()
    hub = ("; models are never fetched from a hub: give a local model folder"
           if _looks_like_hub_id(str(path)) else "")
    raise ModelFileError(f"{path}: no such model folder{hub}{_shipped_hint()}")


def _shipped_model(name: str) -> Path:
    """The shipped model called ``name``."""
    for folder in models_dirs():
        if (folder / name / METADATA).is_file():
            return folder / name
    here = (f"; for the folder {name} here, give a path: ./{name}"
            if (Path(name) / METADATA).is_file() else "")
    raise ModelFileError(f"{name}: no such model{_shipped_hint()}{here}")


def _shipped_hint() -> str:
    known = sorted({p.parent.name for d in models_dirs() for p in d.glob(f"*/{METADATA}")})
    return f"; shipped models: {', '.join(known)}" if known else ""


def _looks_like_hub_id(name: str) -> bool:
    """``owner/name``, the shape of a model id on a hub."""
    owner, _, rest = name.partition("/")
    return bool(owner and rest) and "/" not in rest and not name.startswith((".", "~"))


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        The hex digest.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_metadata(folder: Path) -> dict:
    """The metadata of a model folder, checked to be one of this package's (a JSON dict).

    Parameters
    ----------
    folder : Path
        The model folder.

    Returns
    -------
    dict
        ``metadata.json``'s object.

    Raises
    ------
    ModelFileError
        If it is unreadable or not this package's metadata.
    """
    return read_model_metadata(folder).to_dict()


def read_model_metadata(folder: Path) -> ModelMetadata:
    """The typed metadata of a model folder (``ModelMetadata.from_json``).

    Parameters
    ----------
    folder : Path
        The model folder.

    Returns
    -------
    ModelMetadata
        The checked metadata.

    Raises
    ------
    ModelFileError
        If it is unreadable or not this package's metadata.
    """
    try:
        text = (folder / METADATA).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{folder}: unreadable {METADATA}: {exc}") from None
    return ModelMetadata.from_json(text, str(folder))


def verify_files(folder: Path, metadata: dict) -> None:
    """Refuse artifacts whose SHA-256 differs from the one recorded at save time.

    Every name must be a plain file name inside ``folder`` (no ``..``, no
    separator, not absolute): a hand-edited metadata cannot point elsewhere.

    Parameters
    ----------
    folder : Path
        The model folder.
    metadata : dict
        Its metadata (``files``: name to SHA-256).

    Raises
    ------
    ModelFileError
        If no file is listed, or a file is misnamed, missing or changed.
    """
    files = metadata.get("files") or {}
    if not files:
        raise ModelFileError(f"{folder}: metadata lists no files and checksums")
    for name in files:
        check_file_name(folder, name)
    for name, expected in files.items():
        path = folder / name
        if not path.is_file():
            raise ModelFileError(f"{folder}: missing file {name}")
        if sha256_file(path) != expected:
            raise ModelFileError(
                f"{path}: checksum mismatch; the file was changed or truncated after "
                "saving, refusing to load it"
            )


def check_file_name(folder: Path, name: str) -> None:
    """Raise ``ModelFileError`` unless ``name`` is a plain file name (``model.npz``).

    Parameters
    ----------
    folder : Path
        The model folder, named in the message.
    name : str
        A name listed in the metadata.

    Raises
    ------
    ModelFileError
        For an empty name, ``.``, ``..``, or one holding a separator.
    """
    plain = (isinstance(name, str) and name not in ("", ".", "..")
             and PurePosixPath(name).name == name and PureWindowsPath(name).name == name)
    if not plain:
        raise ModelFileError(f"{folder}: metadata lists {name!r}, which is not a file name "
                             "inside the model folder; refusing to load it")


def backend_class(name: str) -> type[Model]:
    """The ``Model`` subclass that reads models saved by backend ``name``.

    Parameters
    ----------
    name : str
        The metadata's ``backend``.

    Returns
    -------
    type
        The class, imported from ``BACKENDS``.

    Raises
    ------
    ModelFileError
        For an unknown backend.
    """
    if name not in BACKENDS:
        raise ModelFileError(f"unknown model backend {name!r}; known: {', '.join(BACKENDS)}")
    module, cls = BACKENDS[name]
    return getattr(import_module(module), cls)


def save_model(
    model: Model, path: str | Path, force: bool = False, format: str | None = None
) -> Path:
    """Write ``model`` to the folder ``path`` atomically; refuse to overwrite unless ``force``.

    The backend writes its artifacts into a staging folder; the metadata records
    their SHA-256; the folder is then renamed into place.

    Parameters
    ----------
    model : Model
        The trained model.
    path : str or Path
        The model folder.
    force : bool, default False
        Replace an existing model (never a folder that is not one).
    format : str, optional
        The artifact format of a backend that has several (TF-IDF: ``"joblib"``, the
        default, or ``"skops"``, which loads without running code); the metadata
        records it.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    ModelFileError
        If the folder may not be replaced, the format is unknown, or writing fails.
    """
    target = Path(path)
    formats = tuple(getattr(model, "formats", ()))
    if format is not None and format not in formats:
        known = ", ".join(formats) if formats else "none to choose from"
        raise ModelFileError(
            f"the {model.backend} backend cannot save format {format!r}; formats: {known}"
        )
    try:
        check_target(target, force)
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target.parent, STAGING)  # left by saves that were killed
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target.name), suffix=".staging",
                                        dir=target.parent))
    except OSError as exc:  # a read-only or missing folder: one line
        raise ModelFileError(f"{target}: could not save ({exc})") from None
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
        with _folder_lock(target.parent):  # two saves to one target take turns
            check_target(target, force)
            _replace(staging, target)
        model.metadata = metadata
    except OSError as exc:  # disk full, permissions: one line; the old model stays
        raise ModelFileError(
            f"{target}: could not save ({exc}); any previous model there is unchanged"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def check_target(path: str | Path, force: bool = False) -> None:
    """Raise ``ModelFileError`` unless a model may be saved to ``path``.

    ``path`` must be a folder of its own (not ``.``, ``..``, the working directory
    or one above it). An existing one is replaced only with ``force``, and only
    if it is a model of this package or an empty folder: ``--force`` never
    deletes a data folder.

    Parameters
    ----------
    path : str or Path
        The model folder.
    force : bool, default False
        Whether an existing model may be replaced.

    Raises
    ------
    ModelFileError
        Saying why the folder may not be used.
    """
    target = Path(path)
    here = Path.cwd().resolve()
    if target.name in ("", ".", "..") or target.resolve() in (here, *here.parents):
        raise ModelFileError(f"{path}: not a folder of its own; save the model to a new "
                             f"folder (e.g. {Path(path) / 'my-model'})")
    _restore_interrupted(target)
    if not (target.exists() or target.is_symlink()):
        return
    if not force:
        raise ModelFileError(f"{target}: already exists; pass force=True (--force) to replace it")
    if target.is_symlink() or not target.is_dir():
        raise ModelFileError(f"{target}: is a file, not a classifier model; refusing to "
                             "replace it, even with --force")
    if any(target.iterdir()) and not is_model_folder(target):
        raise ModelFileError(f"{target}: not a classifier model (no {METADATA} of this "
                             "package inside) and not empty; refusing to replace it, even "
                             "with --force: remove it yourself or pick another folder")


def is_model_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a ``metadata.json`` written by this package (any version).

    Parameters
    ----------
    folder : Path
        A folder.

    Returns
    -------
    bool
        False when the file is missing or unreadable.
    """
    import json

    try:
        values = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(values, dict) and values.get("package") == PACKAGE


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (POSIX ``flock``; elsewhere no lock)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def backup_path(target: Path) -> Path:
    """Where ``_replace`` keeps the previous model while it swaps the new one in.

    Parameters
    ----------
    target : Path
        The model folder.

    Returns
    -------
    Path
        ``.NAME.old`` beside it.
    """
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


def load_model(
    path: str | Path | None = None, fast: bool | None = None, safe: bool = False,
) -> Model:
    """Load a saved model: a folder, a shipped model's name, or the default model.

    Checksums are verified before anything is read; the backend named in the
    metadata reads the artifacts.

    Parameters
    ----------
    path : str or Path, optional
        A model folder or shipped name (see ``resolve_model_path``).
    fast : bool, optional
        ``None`` (the default): a TF-IDF model predicts through its NumPy scorer (no
        scikit-learn import) and reads its scikit-learn pipeline only when something
        needs it (``explain``, saving, refitting), once. ``True`` gives the NumPy
        scorer alone (``FastModel``, read-only, no feature names); ``False`` predicts
        through the pipeline, read at once. The probabilities agree to 1e-9.
    safe : bool, default False
        Unpickle nothing, so a model from an untrusted source cannot run code: the
        TF-IDF backend reads ``model.skops`` (trusted types only) or ``model.npz``
        (``allow_pickle=False``) and refuses a model that has only ``model.joblib``.

    Returns
    -------
    Model
        The loaded model.

    Raises
    ------
    ModelFileError
        If the folder is not a model, a file was changed, or the labels in the
        metadata do not match the model's.

    Examples
    --------
    >>> load_model().labels
    ('analysis', 'factual_report', 'official_claim', 'speculation')
    """
    folder = resolve_model_path(path)
    meta = read_model_metadata(folder)
    metadata = meta.to_dict()
    verify_files(folder, metadata)
    try:
        temperature_of(metadata)
    except ModelFileError as exc:
        raise ModelFileError(f"{folder}/{exc}") from None
    cls = backend_class(meta.backend)
    model = cls.read(folder, metadata, fast=fast, safe=safe)
    if list(model.labels) != list(meta.labels):  # the model knows its labels, not the JSON
        raise ModelFileError(
            f"{folder}: labels in {METADATA} {meta.labels} do not match the model's "
            f"{list(model.labels)}; the metadata was edited, refusing to load it"
        )
    return model


def replace_metadata(folder: Path, metadata: ModelMetadata) -> None:
    """Write ``metadata`` over a model folder's ``metadata.json`` in one step.

    The new text goes to a temporary file in the folder, is synced, takes the old
    file's mode, and is renamed over it: a reader sees the old file or the new one.

    Parameters
    ----------
    folder : Path
        The model folder.
    metadata : ModelMetadata
        The metadata to write.
    """
    target = folder / METADATA
    handle, temporary = tempfile.mkstemp(prefix=".metadata.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(metadata.to_json())
            out.flush()
            os.fsync(out.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(temporary, mode)  # mkstemp's 0600 would stick
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_onnx(path: str | Path | None = None, int8: bool = False) -> Path:
    """Add an ONNX export of a transformer model to its folder.

    The network goes to ``model.onnx``, which the metadata then lists with its SHA-256
    and describes under ``onnx``; nothing else in the folder changes. ``load_model``
    then predicts with ONNX Runtime when it is installed (``fast=False``: torch).
    Needs the ``onnx`` and ``transformer`` extras.

    Parameters
    ----------
    path : str or Path, optional
        A transformer model folder or shipped name.
    int8 : bool, default False
        Quantise the weights to int8 (dynamic quantisation).

    Returns
    -------
    Path
        The ``model.onnx`` file.

    Raises
    ------
    ModelFileError
        If the model is not a transformer, or the export cannot be written.
    """
    from classifier.transformer.onnx_backend import ONNX_ARTIFACT, export_network

    folder = resolve_model_path(path)
    meta = read_model_metadata(folder)
    if meta.backend != "transformer":
        raise ModelFileError(f"{folder}: an ONNX export is for transformer models; this one "
                             f"is {meta.backend}")
    model = load_model(folder, fast=False)
    staging = Path(tempfile.mkdtemp(prefix=".onnx.", dir=folder))
    try:
        info = export_network(model, staging / ONNX_ARTIFACT, int8=int8)
        os.replace(staging / ONNX_ARTIFACT, folder / ONNX_ARTIFACT)
        (folder / ONNX_ARTIFACT).chmod(0o644)
        meta.files = {**(meta.files or {}), ONNX_ARTIFACT: sha256_file(folder / ONNX_ARTIFACT)}
        meta.extra["onnx"] = {"file": ONNX_ARTIFACT, **info}
        replace_metadata(folder, meta)
    except OSError as exc:
        raise ModelFileError(f"{folder}: could not add the ONNX export ({exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder / ONNX_ARTIFACT
