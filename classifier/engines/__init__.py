"""Engines that run batch prediction somewhere other than this process's workers.

Each engine lives in its own module behind an optional extra, imported only when
asked for (``classifier.engines.dask`` needs ``pip install 'classifier[dask]'``).
"""
