import json
import sys

from typer.testing import CliRunner

from classifier.cli import app

runner = CliRunner()


def test_evaluate_writes_a_report_with_topics(saved_model, tiny_data, tmp_path):
    data = tmp_path / "labeled.jsonl"
    rows = [{"text": t, "label": lab, "topic": f"desk{i % 3}"}
            for i, (t, lab) in enumerate(zip(tiny_data.texts, tiny_data.labels))]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "report"
    result = runner.invoke(app, ["evaluate", "--model", str(saved_model), "--data", str(data),
                                 "--report", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert f"report written to {out / 'report.html'}" in result.output
    payload = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {t["topic"] for t in payload["topics"]} == {"desk0", "desk1", "desk2"}
    assert payload["report"]["n"] == len(tiny_data)
    assert all((out / image["file"]).is_file() for image in payload["images"].values())
    assert "Errors per topic" in (out / "report.html").read_text(encoding="utf-8")


def test_report_without_a_topic_column(saved_model, tiny_dir, tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(app, ["evaluate", "--model", str(saved_model), "--data",
                                 str(tiny_dir / "tiny.csv"), "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert "macro avg" in result.output
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["topics"] is None


def test_report_needs_matplotlib(saved_model, tiny_dir, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = runner.invoke(app, ["evaluate", "--model", str(saved_model), "--data",
                                 str(tiny_dir / "tiny.csv"), "--report", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "pip install 'news-sentence-classifier[plot]'" in result.output
    assert not (tmp_path / "r").exists()
