"""A model trained from Python saves the metadata `classifier train` saves (#14)."""

import json

import pytest
from typer.testing import CliRunner

from classifier.cli import app
from classifier.data.hygiene import check_hygiene
from classifier.errors import ClassifierError
from classifier.training import check_train_options, train


def test_python_training_records_hygiene_and_test_scores_like_the_cli(tiny_dir, tiny_data,
                                                                      tmp_path):
    model = train(tiny_data, cv=0, hygiene=check_hygiene(tiny_data), test=tiny_data)
    assert model.metadata["data"]["hygiene"] == check_hygiene(tiny_data).to_dict()
    assert model.metadata["metrics"]["test"]["n"] == 48
    result = CliRunner().invoke(app, ["train", "--data", str(tiny_dir / "tiny.jsonl"),
                                      "--out", str(tmp_path / "m"), "--cv", "0",
                                      "--test", str(tiny_dir / "tiny.jsonl")])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert set(saved["data"]["hygiene"]) == set(model.metadata["data"]["hygiene"])
    assert saved["metrics"]["test"]["n"] == model.metadata["metrics"]["test"]["n"]


@pytest.mark.parametrize(("options", "message"), [
    ({"streaming": True, "backend": "transformer"}, "--streaming trains its own"),
    ({"streaming": True, "strict": True}, "do not apply to --streaming"),
    ({"transformer_options": True}, "apply to --backend transformer"),
    ({"backend": "transformer", "save_format": "skops"}, "--save-format applies"),
])
def test_option_clashes_are_refused_by_the_library(options, message):
    with pytest.raises(ClassifierError, match=message):
        check_train_options(**options)
    check_train_options()  # the defaults go together
