import json

from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_explain_a_sentence_as_tables(saved_model):
    result = run("explain", "--model", saved_model, "Police said two men were held.", "--top", 4)
    assert result.exit_code == 0, result.output
    assert "Police said two men were held." in result.output
    assert "contribution" in result.output and "cue:" in result.output


def test_explain_a_sentence_as_json(saved_model):
    result = run("explain", "--model", saved_model, "Prices may rise.", "--top", 3, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["text"] == "Prices may rise." and payload["estimator"] == "logreg"
    for label in payload["stages"][0]["labels"]:
        positive = [c for c in label["contributions"] if c["value"] * c["weight"] > 0]
        assert len(positive) <= 3


def test_explain_the_model(saved_model):
    result = run("explain", "--model", saved_model, "--top", 5, "--kind", "word")
    assert result.exit_code == 0, result.output
    assert "toward official_claim" in result.output and "strongest features" in result.output
    result = run("explain", "--model", saved_model, "--top", 2, "--json")
    stages = json.loads(result.output)["stages"]
    assert all(len(label["toward"]) == 2 for label in stages[0]["labels"])


def test_explain_errors_are_one_line(saved_model):
    result = run("explain", "--model", saved_model, "  ")
    assert result.exit_code == 1 and result.output.strip() == "error: nothing to explain: " \
        "the text is empty"
