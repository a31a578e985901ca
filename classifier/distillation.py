"""Distillation: the accurate model labels unlabeled real news for the fast model.

A teacher (any saved model, in practice the fine-tuned transformer) scores the
unlabeled real-news pool once; its probabilities are cached beside the fetched
source, keyed by the teacher's checksums and the pool's content, so a rerun with the
same teacher and pool reads them back. ``pseudo_labeled`` turns them into weighted
training rows: hard labels (the teacher's top label) or soft targets (one row per
label, weighted by its probability), optionally above a confidence floor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import ClassifierError

if TYPE_CHECKING:
    from classifier.data.real_news import PoolSentence
    from classifier.data.tables import LabeledData


@dataclass(frozen=True)
class TeacherLabels:
    """The pool's sentences and the teacher's probabilities for each."""

    texts: list[str]
    labels: tuple[str, ...]
    proba: Any  # numpy array (n, len(labels))
    teacher: str
    articles: list[str] | None = None


def _pool_key(texts: list[str], contexts: list[str] | None, teacher: Path) -> str:
    digest = hashlib.sha256()
    metadata = json.loads((teacher / "metadata.json").read_text(encoding="utf-8"))
    digest.update(json.dumps(metadata.get("files", {}), sort_keys=True).encode())
    for i, text in enumerate(texts):
        digest.update(text.encode("utf-8", "surrogatepass") + b"\n")
        if contexts is not None:
            digest.update(contexts[i].encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()[:16]


def teacher_probabilities(teacher: str | Path, cache: str | Path | None = None,
                          pool: Sequence[PoolSentence] | None = None,
                          threads: int | None = None) -> TeacherLabels:
    """The teacher's probabilities for every sentence of the real-news pool.

    Parameters
    ----------
    teacher : str or Path
        A saved model folder (or shipped name) to label the pool with.
    cache : str or Path, optional
        Folder for the cached probabilities; default the real-news cache folder.
    pool : list of PoolSentence, optional
        Default ``load_real_pool()`` (needs ``classifier data fetch``).
    threads : int, optional
        Torch threads for a transformer teacher.

    Returns
    -------
    TeacherLabels
        The teacher's own probabilities (a calibration temperature is not applied).
    """
    import numpy as np

    from classifier.data.real_news import data_home, load_real_pool
    from classifier.persistence import load_model, resolve_model_path

    pool = load_real_pool() if pool is None else pool
    folder = resolve_model_path(str(teacher))
    texts = [p.text for p in pool]
    contexts = [p.previous for p in pool]
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    config = metadata.get("config") or {}
    uses_context = bool(config.get("context")) and bool(config.get("predict_context", True))
    key = _pool_key(texts, contexts if uses_context else None, folder)
    target = Path(cache) if cache else data_home()
    path = target / f"teacher-{key}.npz"
    if path.is_file():
        saved = np.load(path)
        return TeacherLabels(texts, tuple(str(x) for x in saved["labels"]), saved["proba"],
                             str(folder), [p.article_id for p in pool])
    model = load_model(folder)
    if threads and hasattr(model, "threads"):
        model.threads = threads
    # the teacher's own probabilities, not calibrated ones: a confidence floor then
    # selects the same rows whatever temperature the teacher carries (and the cache,
    # keyed on the teacher's files, holds what they give)
    parts = [model.predict_proba(texts[i:i + 2048], contexts[i:i + 2048], calibrated=False)
             for i in range(0, len(texts), 2048)]
    proba = np.vstack(parts) if parts else np.zeros((0, len(model.labels)))
    target.mkdir(parents=True, exist_ok=True)
    np.savez(path, proba=proba, labels=np.array(model.labels))
    return TeacherLabels(texts, tuple(model.labels), proba, str(folder),
                         [p.article_id for p in pool])


def pseudo_labeled(teacher: TeacherLabels, weight: float = 1.0, floor: float = 0.0,
                   soft: bool = False, limit: int | None = None,
                   ) -> tuple[list[str], list[str], list[float]]:
    """Weighted training rows from the teacher's probabilities.

    Parameters
    ----------
    teacher : TeacherLabels
        The pool and the teacher's probabilities.
    weight : float
        Sample weight of a pseudo-labeled sentence (against 1 for a labeled one).
    floor : float
        Keep only sentences whose top probability reaches it.
    soft : bool
        One row per label with weight ``weight * p`` (labels under 0.05 dropped)
        instead of one row with the top label.
    limit : int, optional
        Use only the first ``limit`` sentences of the pool.

    Returns
    -------
    texts, labels, weights : lists of the same length

    Examples
    --------
    >>> import numpy as np
    >>> t = TeacherLabels(["a", "b"], ("x", "y"), np.array([[0.9, 0.1], [0.4, 0.6]]), "m")
    >>> pseudo_labeled(t, weight=0.5, floor=0.7)
    (['a'], ['x'], [0.5])
    >>> pseudo_labeled(t, soft=True)[1]
    ['x', 'y', 'x', 'y']
    """
    if weight <= 0:
        raise ClassifierError("the weight of pseudo-labeled rows must be positive")
    n = len(teacher.texts) if limit is None else min(limit, len(teacher.texts))
    texts, labels, weights = [], [], []
    for i in range(n):
        row = teacher.proba[i]
        if row.max() < floor or row[0] != row[0]:  # below the floor, or an empty text
            continue
        if soft:
            for j, p in enumerate(row):
                if p >= 0.05:
                    texts.append(teacher.texts[i])
                    labels.append(teacher.labels[j])
                    weights.append(float(weight * p))
        else:
            texts.append(teacher.texts[i])
            labels.append(teacher.labels[int(row.argmax())])
            weights.append(float(weight))
    return texts, labels, weights


def with_pseudo_labels(data: LabeledData, teacher: str | Path, weight: float = 0.5,
                       floor: float = 0.8, soft: bool = False,
                       threads: int | None = None) -> LabeledData:
    """``data`` plus the teacher's pseudo-labels of the real-news pool, weighted.

    Parameters
    ----------
    data : LabeledData
        The labeled training rows (weight 1 unless they carry weights).
    teacher : str or Path
        The model that labels the pool (``classifier data fetch`` must have run).
    weight, floor, soft
        As in ``pseudo_labeled``.
    threads : int, optional
        Torch threads for a transformer teacher.

    Returns
    -------
    LabeledData
        ``data`` followed by the pseudo-labeled rows, grouped by pool article.
    """
    from classifier.data.tables import LabeledData, concat_labeled

    labels = teacher_probabilities(teacher, threads=threads)
    texts, pseudo, weights = pseudo_labeled(labels, weight=weight, floor=floor, soft=soft)
    article = dict(zip(labels.texts, labels.articles or []))
    extra = LabeledData(
        texts=texts, labels=pseudo, groups=[f"pool:{article.get(t, '')}" for t in texts],
        source=f"pseudo-labels of the real-news pool by {Path(labels.teacher).name} "
               f"(weight {weight:g}, floor {floor:g}{', soft' if soft else ''})",
        weights=weights,
    )
    return concat_labeled([data, extra], with_groups=data.groups is not None)
