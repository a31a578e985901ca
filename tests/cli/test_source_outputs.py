"""Sources in every output of predict and explain (issue 19), with the shipped model."""

import csv
import io
import json

from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()
TEXT = ("Bus fares will rise in April, the transport authority said on Monday. "
        "Ridership fell last year. Analysts say the rise could push riders away.")


def run(*args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_jsonl_and_csv_rows_carry_the_source_columns():
    rows = [json.loads(line) for line in run("predict", "--format", "jsonl", TEXT).splitlines()]
    claim = next(r for r in rows if r["label"] == "official_claim")
    assert (claim["source"], claim["source_kind"], claim["cue"]) == (
        "the transport authority", "official", "said")
    text = claim["text"]
    start = claim["source_start"] - claim["start"]
    assert text[start:start + len(claim["source"])] == claim["source"]
    facts = [r for r in rows if r["label"] == "factual_report"]
    assert facts and all(r["source"] is None for r in facts)
    table = list(csv.DictReader(io.StringIO(run("predict", "--format", "csv", TEXT))))
    assert [r["source"] for r in table] == [r["source"] or "" for r in rows]
    assert {"source_start", "source_end", "source_kind", "cue", "speaker"} <= set(table[0])


def test_json_table_markdown_and_html_show_the_source():
    docs = json.loads(run("predict", "--format", "json", TEXT))
    assert "the transport authority" in json.dumps(docs)
    table = run("predict", "--format", "table", TEXT)  # narrow: the cells wrap
    assert "source" in table and "(official)" in table and "(commentator)" in table
    markdown = run("predict", "--format", "markdown", TEXT)
    assert "| # | label | conf | source | sentence |" in markdown
    assert "the transport authority (official; said)" in markdown
    page = run("predict", "--format", "html", TEXT)
    assert '<u class="src official"' in page and ">the transport authority</u>" in page
    assert "Analysts</u>" in page  # attributed commentary gets its source too


def test_explain_names_the_source():
    assert "source: Analysts (commentator; say)" in run(
        "explain", "Analysts say the ruling may slow the merger.")
    payload = json.loads(run("explain", "--json", "The ministry said prices would rise."))
    assert payload["source"]["text"] == "The ministry" and payload["source"]["kind"] == "official"
    assert json.loads(run("explain", "--json", "It rained on Tuesday."))["source"] is None


def test_python_api_article_sources():
    from classifier import load_model

    article = load_model().tag_article(TEXT)
    (first, *_) = article.sources
    assert first.text == "the transport authority" and TEXT[first.start:first.end] == first.text
    assert article.sentences[0].source == first
