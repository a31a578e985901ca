"""``ModelMetadata``: what ``metadata.json`` in a model folder holds, typed and versioned.

The JSON form is documented in ``docs/model-format.md``. Every trainer builds its
metadata with ``new_metadata`` and ``save_model`` adds the save-time fields
(``package``, ``format_version``, ``name``, ``format``, ``files``), so a model's
metadata has one shape whether it was trained from Python or from the CLI.

``Model.metadata`` stays the plain JSON dict (``ModelMetadata.to_dict()``), so
``model.metadata["metrics"]`` keeps working; ``ModelMetadata.from_dict`` types it.

>>> meta = new_metadata("tfidf", ["a", "b"], {"C": 1.0}, versions={"python": "3.11"})
>>> ModelMetadata.from_dict(meta.to_dict()) == meta
True
>>> meta.to_dict()["labels"]
['a', 'b']
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from classifier.errors import ModelFileError

#: Version of the ``metadata.json`` layout. Bump it (and teach ``from_dict`` to read
#: the old one) when a field changes meaning; adding an optional field needs no bump.
FORMAT_VERSION = 1
#: the range a calibration temperature may take (``calibration.temperature``)
TEMPERATURE_BOUNDS = (0.05, 20.0)
PACKAGE = "classifier"


@dataclass
class ModelMetadata:
    """The fields of ``metadata.json``; backend-specific keys are kept in ``extra``.

    Parameters
    ----------
    backend : str
        The registry name of the backend that reads the folder (``tfidf``, ``transformer``).
    labels : list of str
        The labels, in the column order of ``predict_proba``.
    config : dict
        The backend's training configuration (e.g. ``PipelineConfig.to_dict()``).
    random_state : int or None
        The seed the model was trained with.
    created : str
        ISO 8601 time of training, UTC, to the second.
    versions : dict
        Versions of the libraries the model depends on (``classifier``, ``python``, ...).
    data : dict
        The training data: ``source``, ``fingerprint``, ``rows``, ``label_counts``,
        ``dropped`` and, when checked, ``hygiene``.
    metrics : dict
        ``cv`` (cross-validated macro-F1 or ``None``) and, when scored, ``test``.
    package, format_version, name, format, files
        Written by ``save_model``: the package, this layout's version, the folder's
        name, the artifact format (backends with several) and each artifact's SHA-256.
    extra : dict
        Any other top-level key (the transformer's ``base_model``, ``device``, ...).
    """

    backend: str
    labels: list[str]
    config: dict[str, Any] = field(default_factory=dict)
    random_state: int | None = None
    created: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    package: str | None = None
    format_version: int | None = None
    name: str | None = None
    format: str | None = None
    files: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ModelMetadata:
        """Type a metadata dict; unknown keys go to ``extra``, a missing backend is ``tfidf``.

        Parameters
        ----------
        values : dict
            The metadata's JSON object.

        Returns
        -------
        ModelMetadata
            The typed metadata (not checked; see ``from_json``).
        """
        known = {f.name for f in fields(cls)} - {"extra"}
        kwargs = {k: v for k, v in values.items() if k in known}
        kwargs.setdefault("backend", "tfidf")  # models saved before the backend field
        kwargs.setdefault("labels", [])
        extra = {k: v for k, v in values.items() if k not in known}
        return cls(**kwargs, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: every field set, with ``extra``'s keys at the top level.

        Returns
        -------
        dict
            Save-time fields still ``None`` are left out.
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "extra" and not (value is None and f.name in _SAVE_TIME):
                out[f.name] = value
        out.update(self.extra)
        return out

    @classmethod
    def from_json(cls, text: str, where: str = "metadata.json") -> ModelMetadata:
        """Parse and check ``metadata.json``: this package's, in a layout it reads.

        Parameters
        ----------
        text : str
            The file's text.
        where : str, default 'metadata.json'
            The file's path, for messages.

        Returns
        -------
        ModelMetadata
            The typed metadata.

        Raises
        ------
        ModelFileError
            If the text is not JSON, not this package's metadata, of another format
            version, or has fields of the wrong type.
        """
        try:
            values = json.loads(text)
        except ValueError as exc:
            raise ModelFileError(f"{where}: unreadable metadata: {exc}") from None
        except RecursionError:
            raise ModelFileError(f"{where}: unreadable metadata: nested too deeply") from None
        if not isinstance(values, dict) or values.get("package") != PACKAGE:
            raise ModelFileError(f"{where}: not a classifier model")
        version = values.get("format_version")
        if version != FORMAT_VERSION:
            versions = values.get("versions")
            saved_by = versions.get("classifier") if isinstance(versions, dict) else None
            saved_by = saved_by if isinstance(saved_by, str) else "unknown"
            raise ModelFileError(
                f"{where}: model format {version} is not supported (this package reads "
                f"format {FORMAT_VERSION}); retrain it, or install classifier=={saved_by}"
            )
        _check_types(values, where)
        return cls.from_dict(values)

    def to_json(self) -> str:
        """``metadata.json``'s text: sorted keys, two-space indent, a final newline.

        Returns
        -------
        str
            The JSON text.
        """
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"


_SAVE_TIME = {"package", "format_version", "name", "format", "files"}
#: The JSON type of each field ``from_json`` reads; ``None`` allowed where listed.
_TYPES: dict[str, tuple[type, ...]] = {
    "backend": (str,), "labels": (list,), "config": (dict,), "random_state": (int, type(None)),
    "created": (str,), "versions": (dict,), "data": (dict,), "metrics": (dict,),
    "name": (str, type(None)), "format": (str, type(None)), "files": (dict, type(None)),
}


def _check_types(values: dict[str, Any], where: str) -> None:
    """Refuse a hand-edited metadata whose fields have the wrong JSON type, in one line."""
    for key, types in _TYPES.items():
        if key in values and not isinstance(values[key], types):
            expected = " or ".join("null" if t is type(None) else _JSON[t] for t in types)
            raise ModelFileError(f"{where}: malformed metadata: {key!r} must be {expected}, "
                                 f"not {_json_type(values[key])}")
    for key, items in (("labels", values.get("labels") or []),
                       ("files", list((values.get("files") or {}).values()))):
        if not all(isinstance(item, str) for item in items):
            raise ModelFileError(f"{where}: malformed metadata: {key!r} must hold strings")


_JSON = {str: "a string", list: "a list", dict: "an object", int: "an integer"}


def _json_type(value: Any) -> str:
    return "null" if value is None else _JSON.get(type(value), type(value).__name__)


def new_metadata(
    backend: str, labels: list[str], config: dict[str, Any], *, random_state: int | None = 0,
    versions: dict[str, str] | None = None, data: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None, **extra: Any,
) -> ModelMetadata:
    """Metadata of a freshly trained model (``created`` is now); ``save_model`` completes it.

    Parameters
    ----------
    backend : str
        The backend's registry name.
    labels : list of str
        The model's labels.
    config : dict
        The training configuration.
    random_state : int, optional
        The seed used.
    versions : dict of str to str, optional
        Library versions.
    data : dict, optional
        The ``data`` field (``data_summary``).
    metrics : dict, optional
        Scores (default ``{"cv": None}``).
    **extra : Any
        Backend-specific fields, kept at the top level.

    Returns
    -------
    ModelMetadata
        Without the fields ``save_model`` sets (package, format version, name, format,
        files).
    """
    return ModelMetadata(
        backend=backend, labels=[str(label) for label in labels], config=config,
        random_state=random_state,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        versions=versions or {}, data=data or {}, metrics=metrics or {"cv": None},
        extra=extra,
    )


def data_summary(source: str, fingerprint: str, rows: int, label_counts: dict[str, int],
                 dropped: dict[str, int]) -> dict[str, Any]:
    """The ``data`` field: where the rows came from, their fingerprint and counts.

    Parameters
    ----------
    source : str
        The files read.
    fingerprint : str
        The rows' SHA-256 (``classifier.data.folds.fingerprint``).
    rows : int
        Rows used.
    label_counts : dict of str to int
        Rows per label.
    dropped : dict of str to int
        Rows left out, by reason.

    Returns
    -------
    dict
        The field's JSON object.
    """
    return {"source": source, "fingerprint": fingerprint, "rows": rows,
            "label_counts": label_counts, "dropped": dropped}


def temperature_of(metadata: dict) -> float:
    """The temperature recorded in a model's metadata (1.0 when there is none).

    Parameters
    ----------
    metadata : dict
        The model's metadata.

    Returns
    -------
    float
        A positive, finite temperature.

    Raises
    ------
    ModelFileError
        If ``calibration.temperature`` is there but not a positive finite number.
    """
    calibration = metadata.get("calibration")
    if calibration is None:
        return 1.0
    value = calibration.get("temperature") if isinstance(calibration, dict) else None
    low, high = TEMPERATURE_BOUNDS
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or not low <= value <= high):
        raise ModelFileError(f"metadata.json: calibration.temperature must be a number in "
                             f"[{low}, {high}], got {value!r}")
    return float(value)
