"""`classifier predict` as a user runs it (issue 18): web pages, headings, rows that
hold several sentences, meaningless option combinations, `sentence_index`,
`--min-confidence`, `--top-k` and the HTML article view."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "text"))
from test_html_input import PAGE  # noqa: E402

ARTICLE = ("Council delays vote on harbour wall\nBy Jane Doe\n14 January 2025\n\n"
           "Key points:\n- The council said the vote moves to March.\n"
           "- Critics fear the delay will raise costs.\n\n"
           "The mayor said the plans run to 400 pages. Engineers may ask for more time.\n")


def run(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "classifier", "predict", *map(str, args)],
                          capture_output=True, text=True, input=stdin, timeout=300)


def rows_of(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def one_error_line(done: subprocess.CompletedProcess, *needles: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# item 4: web pages

def test_an_html_file_is_tagged_as_its_article_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    rows = rows_of(run("--file", page, "--format", "jsonl"))
    texts = [r["text"] for r in rows]
    assert texts[0] == "Council delays vote on the new harbour wall"
    assert not any("<" in t or "Copyright" in t or "track" in t for t in texts)
    from classifier.text.html import extract_text

    text = extract_text(PAGE)
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)


def test_html_on_stdin_is_detected_and_html_flag_forces_it(tmp_path):
    detected = rows_of(run("--format", "jsonl", stdin=PAGE))
    assert detected[0]["text"] == "Council delays vote on the new harbour wall"
    odd = tmp_path / "page.txt"  # a page under another suffix, without a doctype
    odd.write_text("<div><p>The council said it.</p><p>It may rain.</p></div>",
                   encoding="utf-8")
    forced = rows_of(run("--file", odd, "--html", "--format", "jsonl"))
    assert [r["text"] for r in forced] == ["The council said it.", "It may rain."]


# items 5 and 13: headings flagged in every output, sentence_index

def test_headings_bylines_and_datelines_are_flagged_in_every_output(tmp_path):
    rows = rows_of(run("--format", "jsonl", stdin=ARTICLE))
    kinds = {r["text"]: (r["kind"], r["label"], r["error"]) for r in rows}
    assert kinds["By Jane Doe"] == ("byline", None, "not a sentence: byline")
    assert kinds["14 January 2025"] == ("dateline", None, "not a sentence: dateline")
    assert kinds["Key points:"] == ("heading", None, "not a sentence: heading")
    assert kinds["Council delays vote on harbour wall"][0] == "sentence"
    assert [r["sentence_index"] for r in rows] == list(range(len(rows)))

    table = list(csv.DictReader(io.StringIO(run("--format", "csv", stdin=ARTICLE).stdout)))
    assert [(r["kind"], r["error"]) for r in table] == [(r["kind"], r["error"] or "")
                                                        for r in rows]
    doc = json.loads(run("--format", "json", stdin=ARTICLE).stdout)[0]
    assert [s["kind"] for s in doc["sentences"]] == [r["kind"] for r in rows]
    assert sum(v["count"] for v in doc["summary"].values()) == len(rows) - 3
    markdown = run("--format", "markdown", stdin=ARTICLE).stdout
    assert "| 2 | – (not a sentence: byline) |" in markdown
    html = run("--format", "html", stdin=ARTICLE).stdout
    assert '<small class="tag none">heading</small>' in html
    assert "byline" in run(stdin=ARTICLE).stdout  # the table's label column

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = run("--input", folder, "--split-sentences", "--output", out, "--quiet")
    assert done.returncode == 0, done.stderr
    streamed = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["kind"], r["error"], r["sentence_index"]) for r in streamed] == [
        (r["kind"], r["error"], r["sentence_index"]) for r in rows]


# item 6: rows that hold several sentences

def test_rows_with_several_sentences_warn_once_with_the_count(tmp_path):
    table = tmp_path / "rows.csv"
    table.write_text("text\nPolice said two men were held. More arrests may follow.\n"
                     "It rained.\nThe vote is on Friday. Critics fear delays. It may fail.\n"
                     "The U.S. Army said it.\n", encoding="utf-8")
    done = run("--input", table, "--format", "jsonl")
    assert len(rows_of(done)) == 4
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: 2 rows hold several sentences and got one label; pass "
                        "--split-sentences to label each sentence"]
    split = run("--input", table, "--split-sentences", "--format", "jsonl")
    assert len(rows_of(split)) == 7 and "warning" not in split.stderr
    streamed = run("--input", table, "--output", tmp_path / "o.csv")
    assert streamed.returncode == 0 and "2 rows hold several sentences" in streamed.stderr


# item 11: meaningless combinations

@pytest.mark.parametrize(("args", "needle"), [
    (["--input", "{table}", "--output", "{out}.csv", "--format", "json"],
     "--format is for stdout"),
    (["--file", "{table}", "--split-sentences"], "--split-sentences apply to --input"),
    (["It rained.", "--text-column", "body"], "--text-column apply to --input"),
    (["It rained.", "--jobs", "2"], "--jobs apply to --output"),
    (["It rained.", "--engine", "dask"], "--engine apply to --output"),
    (["It rained.", "--format", "jsonl", "--top-k", "2"], "--top-k applies to --format table"),
    (["It rained.", "--format", "json", "--no-summary"], "--no-summary applies to --format"),
    (["--input", "{table}", "--html"], "--html applies to --file and stdin"),
    (["--input", "{table}", "--output", "{out}.jsonl", "--top-k", "2"], "--top-k"),
    (["It rained.", "--min-confidence", "1.5"], "between 0 and 1"),
])
def test_meaningless_combinations_are_refused_in_one_line(args, needle, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("text\nIt rained.\n", encoding="utf-8")
    args = [a.format(table=table, out=tmp_path / "out") for a in args]
    one_error_line(run(*args), needle)
    assert not any(tmp_path.glob("out*"))


def test_old_spellings_are_accepted():
    assert run("It rained.", "--summary").returncode == 0
    assert run("It rained.", "--no-split").returncode == 0


# item 14: --min-confidence and --top-k

def test_min_confidence_leaves_unsure_sentences_unlabeled_everywhere(tmp_path):
    text = "Officials fear the plan may reflect a trend. It rained. The ministry said it."
    plain = rows_of(run("--format", "jsonl", text))
    cut = max(r["confidence"] for r in plain) - 1e-6  # all but the surest sentence
    rows = rows_of(run("--format", "jsonl", "--min-confidence", cut, text))
    unsure = [r for r in rows if r["label"] is None]
    assert len(unsure) == len(rows) - 1
    for before, after in zip(plain, rows):
        assert after["confidence"] == before["confidence"]  # kept, and the p_ columns
        assert after["p_analysis"] == before["p_analysis"]
        if after["label"] is None:
            assert after["error"] == "low confidence"
    table = tmp_path / "t.jsonl"
    table.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert run("--input", table, "--split-sentences", "--output", out, "--min-confidence",
               cut, "--quiet").returncode == 0
    streamed = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["label"] for r in streamed] == [r["label"] for r in rows]


def test_top_k_lists_the_most_probable_labels():
    docs = json.loads(run("--format", "json", "--top-k", "2", "Prices may rise.").stdout)
    top = docs[0]["sentences"][0]["top"]
    assert len(top) == 2 and top[0]["p"] >= top[1]["p"]
    assert top[0]["label"] == docs[0]["sentences"][0]["label"]
    markdown = run("--format", "markdown", "--top-k", "3", "Prices may rise.").stdout
    assert "| # | label | conf | top 3 | source | sentence |" in markdown
    assert "top 2" in run("--top-k", "2", "Prices may rise.").stdout


# item 15: the HTML article view

def test_html_page_names_the_model_and_shows_labels_without_hovering():
    html = run("--format", "html", "--file", ROOT / "seeds" / "000_a16f0ea716d6622e.txt").stdout
    assert re.search(r"Tagged by model default \(tfidf\), classifier [\d.]+, trained "
                     r"\d{4}-\d\d-\d\d; tagged \d{4}-\d\d-\d\d\.", html)
    assert html.count('<small class="tag"') == 16  # every sentence's label, as text
    assert "@media print" in html and "print-color-adjust:exact" in html
    assert '<div class="filter" role="group"' in html
    for label in ("official_claim", "factual_report", "speculation", "analysis"):
        assert f'<button type="button" data-label="{label}"' in html
    assert '<p class="counts">16 sentences, 16 labeled</p>' in html
