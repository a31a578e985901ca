import base64
import hashlib
import json
import re

import pytest

from classifier.data import LabeledData
from classifier.diagnostics import diagnose
from classifier.reports.evaluation_report import IMAGES, render_html, write_report


@pytest.fixture(scope="module")
def written(tiny_model, tiny_data, tmp_path_factory):
    data = LabeledData(
        tiny_data.texts + ["Prices may climb further <next> year & more.",
                           "The storm closed three schools."],
        tiny_data.labels + ["analysis", "official_claim"],
        source="tiny+2",
    )
    topics = [f"topic{i % 4}" for i in range(len(data))]
    details = diagnose(tiny_model, data, topics)
    folder = tmp_path_factory.mktemp("report")
    files = write_report(details, folder)
    payload = json.loads(files.json.read_text(encoding="utf-8"))
    return details, files, payload, files.html.read_text(encoding="utf-8")


def section(html: str, table_id: str) -> str:
    return re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)


def cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def test_files_exist_and_json_names_them(written):
    _, files, payload, _ = written
    assert files.html.name == "report.html" and files.json.name == "report.json"
    assert set(payload["images"]) == set(IMAGES)
    for name, entry in payload["images"].items():
        path = files.html.parent / entry["file"]
        assert path == files.images[name] and path.read_bytes().startswith(b"\x89PNG")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]


def test_html_embeds_the_same_images(written):
    _, files, _, html = written
    for name in IMAGES:
        match = re.search(rf'<img id="img-{name}"[^>]*src="data:image/png;base64,([^"]+)"',
                          html)
        assert match, name
        assert base64.b64decode(match.group(1)) == files.images[name].read_bytes()
    assert "http://" not in html and "https://" not in html  # self-contained


def test_json_holds_the_diagnostics(written):
    details, _, payload, _ = written
    assert payload["report"] == json.loads(json.dumps(details.report.to_dict()))
    assert len(payload["reliability"]) == 10
    assert len(payload["mistakes"]) == len(details.mistakes)
    assert [t["topic"] for t in payload["topics"]] == [t.topic for t in details.topics]


def test_html_tables_match_the_json(written):
    _, _, payload, html = written
    report = payload["report"]
    rows = re.findall(r"<tr>(.*?)</tr>", section(html, "per-class-table"), re.S)[1:]
    for metrics, row in zip(report["per_class"], rows):
        assert cells(row) == [metrics["label"], f"{metrics['precision']:.3f}",
                              f"{metrics['recall']:.3f}", f"{metrics['f1']:.3f}",
                              str(metrics["support"])]
    assert f"{report['macro_f1']:.3f}" in html and f"{report['ece']:.3f}" in html
    rows = re.findall(r"<tr>(.*?)</tr>", section(html, "confusion-table"), re.S)[1:]
    assert [cells(row)[1:] for row in rows] == [[str(v) for v in r] for r in report["confusion"]]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section(html, "topics-table"), re.S)[1:]
    assert [cells(row)[:3] for row in rows] == [
        [t["topic"], str(t["n"]), str(t["errors"])] for t in payload["topics"]]
    rows = re.findall(r"<tr>(.*?)</tr>", section(html, "mistakes-table"), re.S)[1:]
    assert len(rows) == len(payload["mistakes"])
    for mistake, row in zip(payload["mistakes"], rows):
        values = cells(row)
        assert values[2:5] == [mistake["true"], mistake["predicted"],
                               f"{mistake['confidence']:.2f}"]


def test_text_is_escaped(written):
    from dataclasses import replace

    from classifier.diagnostics import Mistake

    details = written[0]
    odd = Mistake("Prices <b>may</b> climb & more.", "analysis", "speculation", 0.9,
                  {"speculation": 0.9}, topic="<t>")
    html = render_html(replace(details, mistakes=[odd]), {name: b"png" for name in IMAGES})
    assert "Prices &lt;b&gt;may&lt;/b&gt; climb &amp; more." in html
    assert "<b>may</b>" not in html and "&lt;t&gt;" in html


def test_report_without_topics_or_mistakes(tiny_model):
    data = LabeledData(["It rained on Friday."], ["factual_report"], source="one")
    details = diagnose(tiny_model, data)
    html = render_html(details, {name: b"png" for name in IMAGES})
    assert "no topic column" in html
    assert "No mistakes." in html or "mistakes-table" in html
