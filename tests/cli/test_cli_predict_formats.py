import re

from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()


def test_article_as_html(saved_model, seed_text, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(seed_text, encoding="utf-8")
    result = runner.invoke(app, ["predict", "--model", str(saved_model), "--file", str(article),
                                 "--format", "html"])
    assert result.exit_code == 0, result.output
    html = result.output
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count('class="s') >= 10 and 'class="bar"' in html and "data-p=" in html


def test_article_as_markdown(saved_model):
    result = runner.invoke(app, ["predict", "--model", str(saved_model), "--format", "markdown",
                                 "Police said two men were held. More arrests may follow."])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("## 1\n")
    assert "| 1 |" in result.output and "| 2 |" in result.output


def test_table_rows_as_html(saved_model, tiny_dir):
    result = runner.invoke(app, ["predict", "--model", str(saved_model), "--input",
                                 str(tiny_dir / "tiny.csv"), "--format", "html"])
    assert result.exit_code == 0, result.output
    # one highlighted span per row (sources are underlined with class="src ...")
    assert len(re.findall(r'class="s(?: low)?"', result.output)) == 48
