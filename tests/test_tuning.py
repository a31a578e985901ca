from classifier.tfidf.pipeline import PipelineConfig, load_config
from classifier.tuning import sample_configs, tune


def test_sample_configs_starts_with_base_and_is_reproducible():
    base = PipelineConfig(C=1.0)
    first = sample_configs(5, base, random_state=1)
    assert first[0] == base and len(first) == 5 and len(set(first)) == 5
    assert sample_configs(5, base, random_state=1) == first


def test_tune_ranks_by_macro_f1(tiny_data):
    configs = [PipelineConfig(char_ngram_range=None),
               PipelineConfig(char_ngram_range=None, cues=False, C=0.01)]
    result = tune(tiny_data, configs, folds=3)
    means = [c.mean for c in result.ranked]
    assert means == sorted(means, reverse=True)
    assert result.grouped and len(result.best.folds) == 3


def test_tune_cli_writes_a_config_train_can_use(tiny_dir, tmp_path):
    from typer.testing import CliRunner

    from classifier.cli import app

    out = tmp_path / "best.json"
    result = CliRunner().invoke(app, ["tune", "--data", str(tiny_dir / "tiny.jsonl"),
                                      "--group-column", "group", "--candidates", "2",
                                      "--folds", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output
    config = load_config(out)
    result = CliRunner().invoke(app, ["train", "--data", str(tiny_dir / "tiny.jsonl"),
                                      "--config", str(out), "--cv", "0",
                                      "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    from classifier.persistence import load_model

    saved = load_model(tmp_path / "m").metadata["config"]
    assert PipelineConfig.from_dict(saved) == config


def test_a_failing_candidate_is_ranked_last_not_fatal(tiny_data):
    configs = [PipelineConfig(min_df=1000, char_ngram_range=None, cues=False),
               PipelineConfig(char_ngram_range=None)]
    result = tune(tiny_data, configs, folds=2)
    assert result.best.config == configs[1] and result.best.error is None
    assert "min_df" in result.ranked[-1].error
