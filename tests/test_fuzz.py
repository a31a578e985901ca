"""Property tests: arbitrary Unicode cannot crash the loaders, the splitter or predict,
and every input comes back exactly once, in order (issue 4).

Kept fast: modest ``max_examples``, no deadline (the first call warms pysbd and
datasets). The 1 MB inputs are fixed examples rather than generated ones.
"""

from __future__ import annotations

import csv
import itertools
import json
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier.data import load_texts
from classifier.text.sentences import split_sentences

# Characters scrapers really produce, and the ones that break naive code: NUL and other
# controls, every line and paragraph separator, byte-order mark, right-to-left marks and
# overrides, combining marks, emoji with joiners, and lone surrogates.
NASTY = [
    "\x00", "\x01", "\x1b", "\x7f", "\r", "\n", "\t", "\x0b", "\x0c", "\x1c", "\x1e", "\x85",
    "\u2028", "\u2029", "\ufeff", "\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\u0301",
    "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "😀", "👩\u200d👩\u200d👧",
    "🇺🇦", "\ud800", "\udfff", "\udce9", "ß", "İ", "ﬁ", "\u3000", "…", "“", "”", ".", "!",
    "?", " ", "Mr.", "U.S.", "said", "may", "Police", "1.5", "- ", "• ",
]
PIECES = st.one_of(st.characters(exclude_categories=()), st.sampled_from(NASTY))
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=300),
    st.lists(PIECES, max_size=80).map("".join),
    st.sampled_from(["", " ", "\n", "\t \n\u3000\u2028", "."]),
)
# What a UTF-8 file can hold: everything but lone surrogates.
FILE_TEXT = TEXT.map(lambda t: "".join(c for c in t if not 0xD800 <= ord(c) <= 0xDFFF))

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=15, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])


def check_spans(text, sentences):
    """Sentences are non-empty, trimmed, in order, disjoint, and exactly their span."""
    end = 0
    for s in sentences:
        assert text[s.start:s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= end
        end = s.end


@FAST
@given(TEXT)
def test_split_sentences_never_crashes_and_keeps_exact_spans(text):
    check_spans(text, split_sentences(text))


@pytest.fixture(scope="module")
def models(tiny_model, saved_model):
    from classifier.persistence import load_model

    return {"pipeline": tiny_model, "numpy": load_model(saved_model, fast=True)}


@FAST
@given(st.lists(TEXT, max_size=8))
def test_predict_gives_one_result_per_input_in_order(models, texts):
    results = {}
    for name, model in models.items():
        predictions = model.predict(texts)
        assert [p.text for p in predictions] == texts
        for text, p in zip(texts, predictions):
            if text.strip():
                assert p.label in model.labels and p.error is None
                assert abs(sum(p.probabilities.values()) - 1) < 1e-9
            else:
                assert p.label is None and p.error == "empty text"
        results[name] = model.predict_proba(texts)
    # the NumPy scorer is the pipeline, to the last digits, on any input
    np.testing.assert_allclose(results["numpy"], results["pipeline"], rtol=0, atol=1e-9)


@FAST
@given(st.lists(TEXT, max_size=5))
def test_tag_articles_gives_one_article_per_input_in_order(models, texts):
    articles = models["numpy"].tag_articles(texts)
    assert [a.text for a in articles] == texts
    for text, article in zip(texts, articles):
        # only a heading, byline or dateline on a line of its own is left unlabeled
        assert all(p.label is not None or p.kind != "sentence" for p in article.sentences)
        check_spans(text, [p for p in article.sentences])


_names = itertools.count()


def write_table(folder, suffix, texts):
    """``texts`` as a table with an id column; a fresh name each time (datasets caches)."""
    path = folder / f"t{next(_names)}{suffix}"
    ids = [f"{i:03d}" for i in range(len(texts))]
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "id"])
            writer.writerows(zip(texts, ids))
    elif suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for text, i in zip(texts, ids):
                handle.write(json.dumps({"text": text, "id": i}, ensure_ascii=False) + "\n")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"text": pa.array(texts, pa.string()), "id": ids}), path)
    return path, ids


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
@FILES
@given(texts=st.lists(FILE_TEXT, min_size=1, max_size=6))
def test_load_texts_returns_every_row_exactly_in_order(tmp_path, suffix, texts):
    path, ids = write_table(tmp_path, suffix, texts)
    if suffix == ".csv":  # the csv module writes a lone "\r" as a line break: not ours
        texts = [t.replace("\r\n", "\n") for t in texts]
        got = [t.replace("\r\n", "\n") for t in load_texts(path, id_column="id")[0]]
    else:
        got = load_texts(path, id_column="id")[0]
    assert got == texts
    assert load_texts(path, id_column="id")[1] == ids


@FILES
@given(texts=st.lists(FILE_TEXT, min_size=1, max_size=5))
def test_predict_cli_returns_one_row_per_input_row_in_order(tmp_path, saved_model, texts):
    from typer.testing import CliRunner

    from classifier.cli import app

    path, ids = write_table(tmp_path, ".jsonl", texts)
    result = CliRunner().invoke(app, ["predict", "--model", str(saved_model), "--input",
                                      str(path), "--id-column", "id", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    # JSON Lines are split on "\n" only: str.splitlines() would also split on U+2028
    rows = [json.loads(line) for line in result.stdout.split("\n") if line]
    assert [r["id"] for r in rows] == ids and [r["text"] for r in rows] == texts
    assert [r["label"] is None for r in rows] == [not t.strip() for t in texts]


MEGABYTE = 1_000_000
LONG_TEXTS = {
    "one word": "a" * MEGABYTE,
    "sentences": ("Police said two men were held. " * (MEGABYTE // 31 + 1))[:MEGABYTE],
    "abbreviations": ("Dr. Smith of the U.S. said 3.5 p.m. was late. " * 21740)[:MEGABYTE],
    "emoji and rtl": ("😀 \u202eשלום\u202c! " * 100_000)[:MEGABYTE],
    "no spaces": ("x." * (MEGABYTE // 2)),
}


@pytest.mark.parametrize("name", list(LONG_TEXTS))
def test_a_one_megabyte_line_is_split_in_seconds(name):
    text = LONG_TEXTS[name]
    begun = time.perf_counter()
    sentences = split_sentences(text)
    assert time.perf_counter() - begun < 60  # pysbd alone: hours for "abbreviations"
    check_spans(text, sentences)
    assert sentences


def test_a_one_megabyte_text_is_predicted(models):
    texts = ["Prices may rise.", LONG_TEXTS["sentences"], "", LONG_TEXTS["emoji and rtl"]]
    for model in models.values():
        labels = [p.label for p in model.predict(texts)]
        assert labels[2] is None and all(labels[i] in model.labels for i in (0, 1, 3))
