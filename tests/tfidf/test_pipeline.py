import pytest

from classifier.errors import ConfigError
from classifier.tfidf.pipeline import PipelineConfig, build_pipeline, load_config, save_config


def test_config_round_trip(tmp_path):
    config = PipelineConfig(word_ngram_range=(1, 3), char_ngram_range=None, C=0.5)
    save_config(config, tmp_path / "c.json", score=0.7)
    assert load_config(tmp_path / "c.json") == config


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"estimator": "forest"}, "unknown estimator"),
        ({"word_ngram_range": (3, 1)}, "word_ngram_range"),
        ({"colour": "red"}, "unknown configuration keys: colour"),
    ],
)
def test_invalid_config(values, message):
    with pytest.raises(ConfigError, match=message):
        PipelineConfig.from_dict(values)


def test_load_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(ConfigError, match="not a JSON configuration"):
        load_config(tmp_path / "bad.json")


@pytest.mark.parametrize("estimator", ["logreg", "linearsvc", "sgd"])
def test_every_estimator_fits_and_gives_probabilities(tiny_data, estimator):
    pipeline = build_pipeline(PipelineConfig(estimator=estimator), random_state=0)
    pipeline.fit(tiny_data.texts, tiny_data.labels)
    proba = pipeline.predict_proba(["Police said two men were arrested."])
    assert proba.shape == (1, 4)
    assert abs(proba.sum() - 1) < 1e-9
    assert list(pipeline.classes_) == sorted(set(tiny_data.labels))


def test_class_boost_weights_a_label_up(tiny_data, tmp_path):
    import numpy as np

    from classifier.tfidf.estimators import BoostedLogisticRegression

    config = PipelineConfig(class_boost=(("official_claim", 3.0),))
    save_config(config, tmp_path / "c.json")
    assert load_config(tmp_path / "c.json") == config
    plain = build_pipeline(PipelineConfig()).fit(tiny_data.texts, tiny_data.labels)
    boosted = build_pipeline(config).fit(tiny_data.texts, tiny_data.labels)
    assert isinstance(boosted.named_steps["clf"], BoostedLogisticRegression)
    column = list(boosted.classes_).index("official_claim")
    texts = ["It may rain.", "The vote is on Friday."]
    assert np.all(boosted.predict_proba(texts)[:, column] > plain.predict_proba(texts)[:, column])
