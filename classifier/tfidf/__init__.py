"""The fast backend: TF-IDF words and characters plus cue features, a linear model.

- ``pipeline``: ``PipelineConfig`` (every hyperparameter, read and written as JSON),
  ``build_pipeline`` and ``build_estimator``;
- ``features``, ``estimators``: the package's own scikit-learn transformers and classifiers;
- ``backend``: ``SklearnModel`` (the ``Model``), its artifacts (joblib, skops, npz);
- ``numpy_scorer``, ``ngrams``: ``FastModel``, the same probabilities without scikit-learn;
- ``skops_format``: the pickle-free artifact and its trusted types;
- ``hashed``: the out-of-core variant (hashed features, SGD, trained chunk by chunk);
- ``explain``: per-label feature contributions of the linear model.
"""
