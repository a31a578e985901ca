"""Batch prediction over a corpus of any size: one reader (``classifier.data.records``),
one row schema (``rows``), one writer (``writer``), and two engines: ``local``
(processes on this machine) and ``dask`` (a cluster).
"""

from classifier.batch.local import BatchProgress, BatchResult, default_jobs, predict_file

__all__ = ["BatchProgress", "BatchResult", "default_jobs", "predict_file"]
