"""``classifier.tfidf.backend``: ``SklearnModel``'s artifacts, its lazy pipeline, and the
NumPy export (``load_model``'s use of them is in ``test_default_load.py``)."""

import pickle
import warnings

import numpy as np
import pytest
import sklearn

from classifier.errors import ModelFileError
from classifier.tfidf import backend
from classifier.tfidf.backend import (
    FAST_ARTIFACT,
    SklearnModel,
    export,
    library_versions,
    warn_if_versions_differ,
)
from classifier.tfidf.numpy_scorer import FastModel

SENTENCES = ["Police said two men were held.", "Prices may rise next year.",
             "The decision reflects a broader shift.", "", "ÉTÉ 2024 — ça va?"]


def written(model, folder, format="joblib"):
    """``model`` written to ``folder`` and the metadata ``read`` expects (checksums are the
    caller's business: ``persistence`` verifies them before ``read``)."""
    folder.mkdir()
    files = model.write(folder, format)
    return {**model.metadata, "format": format, "files": {name: "" for name in files}}


@pytest.fixture(scope="module")
def joblib_folder(tiny_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("backend") / "joblib"
    return folder, written(tiny_model, folder)


def test_a_model_needs_a_pipeline_or_a_scorer_with_a_source(tiny_model):
    with pytest.raises(ValueError, match="needs a pipeline, or a scorer and a source"):
        SklearnModel()
    with pytest.raises(ValueError):
        SklearnModel(scorer=object())  # no source to read the pipeline from
    model = SklearnModel(tiny_model.pipeline, {"name": "tiny"})
    assert model.pipeline_loaded and model.labels == tiny_model.labels
    assert repr(model) == f"SklearnModel(name='tiny', labels={list(tiny_model.labels)})"
    assert repr(SklearnModel(tiny_model.pipeline)).startswith("SklearnModel(name='unsaved'")


@pytest.mark.parametrize("format, artifact", [("joblib", "model.joblib"),
                                              ("skops", "model.skops"),
                                              (None, "model.joblib")])
def test_write_saves_the_pipeline_and_its_numpy_export(tiny_model, tmp_path, format, artifact):
    tmp_path.joinpath("m").mkdir()
    files = tiny_model.write(tmp_path / "m", format)
    assert files == [artifact, FAST_ARTIFACT]
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == sorted(files)


def test_read_by_default_scores_with_numpy_and_reads_the_pipeline_lazily(
        tiny_model, joblib_folder):
    folder, meta = joblib_folder
    model = SklearnModel.read(folder, meta)
    assert isinstance(model, SklearnModel) and not model.pipeline_loaded
    assert model.labels == tiny_model.labels
    reference = tiny_model.predict_proba(SENTENCES)
    np.testing.assert_allclose(model.predict_proba(SENTENCES), reference, rtol=0, atol=1e-9)
    assert not model.pipeline_loaded  # predicting needs no pipeline
    pipeline = model.pipeline
    assert model.pipeline_loaded and model.pipeline is pipeline  # read once
    keep = [i for i, t in enumerate(SENTENCES) if t]
    np.testing.assert_allclose(pipeline.predict_proba([SENTENCES[i] for i in keep]),
                               reference[keep], rtol=0, atol=1e-12)


def test_read_fast_and_eager(tiny_model, joblib_folder):
    folder, meta = joblib_folder
    fast = SklearnModel.read(folder, meta, fast=True)
    eager = SklearnModel.read(folder, meta, fast=False)
    assert isinstance(fast, FastModel)
    assert isinstance(eager, SklearnModel) and eager.pipeline_loaded
    np.testing.assert_allclose(fast.predict_proba(SENTENCES), eager.predict_proba(SENTENCES),
                               rtol=0, atol=1e-9)
    # without model.npz, even fast=True reads the pipeline
    no_npz = {**meta, "files": {"model.joblib": ""}}
    model = SklearnModel.read(folder, no_npz, fast=True)
    assert isinstance(model, SklearnModel) and model.pipeline_loaded


def test_write_read_round_trip_in_skops_and_safe_loading(tiny_model, tmp_path):
    meta = written(tiny_model, tmp_path / "skops", "skops")
    lazy = SklearnModel.read(tmp_path / "skops", meta, safe=True)
    assert isinstance(lazy, SklearnModel) and not lazy.pipeline_loaded
    np.testing.assert_array_equal(lazy.pipeline.predict_proba(SENTENCES[:3]),
                                  tiny_model.pipeline.predict_proba(SENTENCES[:3]))
    assert isinstance(SklearnModel.read(tmp_path / "skops", meta, fast=True, safe=True),
                      FastModel)
    eager = SklearnModel.read(tmp_path / "skops", meta, fast=False, safe=True)
    assert eager.pipeline_loaded


def test_safe_loading_refuses_a_pickle_only_model(joblib_folder):
    folder, meta = joblib_folder
    assert isinstance(SklearnModel.read(folder, meta, safe=True), FastModel)  # no pickle
    with pytest.raises(ModelFileError, match="exists only as a pickle"):
        SklearnModel.read(folder, {**meta, "files": {"model.joblib": ""}}, safe=True)


def test_unknown_format_or_unlisted_artifact_is_a_model_file_error(joblib_folder):
    folder, meta = joblib_folder
    for fast in (None, False):
        with pytest.raises(ModelFileError, match="unknown artifact format 'pickle'"):
            SklearnModel.read(folder, {**meta, "format": "pickle"}, fast=fast)
        with pytest.raises(ModelFileError, match="metadata lists no model.skops"):
            SklearnModel.read(folder, {**meta, "format": "skops"}, fast=fast)


def test_a_broken_joblib_file_is_a_model_file_error(tiny_model, tmp_path):
    meta = written(tiny_model, tmp_path / "m")
    (tmp_path / "m" / "model.joblib").write_bytes(b"not a pickle")
    with pytest.raises(ModelFileError, match="model.joblib: could not load"):
        SklearnModel.read(tmp_path / "m", meta, fast=False)
    lazy = SklearnModel.read(tmp_path / "m", meta)  # predicts until the pipeline is needed
    assert lazy.predict_labels(SENTENCES[:1])
    with pytest.raises(ModelFileError, match="could not load"):
        lazy.pipeline  # noqa: B018


def test_a_lazy_model_pickles_without_its_lock(tiny_model, joblib_folder):
    folder, meta = joblib_folder
    model = SklearnModel.read(folder, meta)
    copy = pickle.loads(pickle.dumps(model))  # batch workers get the model this way
    assert not copy.pipeline_loaded and copy._lock is not model._lock
    np.testing.assert_array_equal(copy.predict_proba(SENTENCES), model.predict_proba(SENTENCES))
    assert copy.pipeline_loaded is False and copy.pipeline.classes_.tolist() == list(
        tiny_model.labels)


def test_setting_the_pipeline_drops_the_numpy_scorer(tiny_model, joblib_folder):
    folder, meta = joblib_folder
    model = SklearnModel.read(folder, meta)

    class Constant:
        classes_ = np.array(["x", "y"])

        def predict_proba(self, texts):
            return np.tile([0.2, 0.8], (len(texts), 1))

    model.pipeline = Constant()
    assert model.labels == ("x", "y")
    np.testing.assert_array_equal(model.predict_proba(["a", "b"]), [[0.2, 0.8]] * 2)


def test_another_scikit_learn_warns_once_at_a_lazy_read(joblib_folder):
    folder, meta = joblib_folder
    old = {**meta, "versions": {**meta["versions"], "scikit-learn": "0.0.1"}}
    with pytest.warns(UserWarning, match="saved with scikit-learn 0.0.1") as caught:
        model = SklearnModel.read(folder, old)
    assert len([w for w in caught if issubclass(w.category, UserWarning)]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no second warning when the pipeline is read
        model.pipeline  # noqa: B018


def test_warn_if_versions_differ(tmp_path):
    same = {"versions": {"scikit-learn": sklearn.__version__}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_if_versions_differ(tmp_path, same) is False
        assert warn_if_versions_differ(tmp_path, {}) is False  # unknown: nothing to say
    with pytest.warns(UserWarning, match=r"install scikit-learn==1\.0\.0"):
        assert warn_if_versions_differ(tmp_path, {"versions": {"scikit-learn": "1.0.0"}})


def test_export_holds_what_the_numpy_scorer_needs(tiny_model):
    arrays = export(tiny_model.pipeline)
    assert arrays is not None
    assert arrays["classes"].tolist() == list(tiny_model.labels)
    assert arrays["coef"].shape[0] == len(tiny_model.labels)
    assert arrays["intercept"].shape == (len(tiny_model.labels),)
    assert {"word_terms", "word_idf", "spec"} <= set(arrays)


def test_export_is_none_for_a_pipeline_the_scorer_cannot_reproduce(tiny_model):
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import Pipeline

    steps = tiny_model.pipeline.steps
    assert export(Pipeline(steps[:-1] + [("clf", SGDClassifier())])) is None
    assert export(Pipeline([("extra", "passthrough"), *steps])) is None


def test_library_versions_name_the_saved_model_s_dependencies():
    versions = library_versions()
    assert set(versions) == {"classifier", "python", "scikit-learn", "numpy", "scipy",
                             "joblib"}
    assert versions["scikit-learn"] == sklearn.__version__
    assert backend._installed_sklearn_version() == sklearn.__version__
