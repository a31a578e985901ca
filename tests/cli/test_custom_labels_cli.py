"""Own label sets through the command line (issue 18, items 7 and 8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TOPICS = {
    "sport": ["The striker scored twice in the second half.",
              "The club signed a new goalkeeper on Friday.",
              "Fans filled the stadium for the derby.",
              "The coach named an unchanged side for the final.",
              "The runner set a national record in the relay.",
              "The match ended goalless after extra time.",
              "The captain lifted the trophy at the final whistle.",
              "The team trained indoors because of the frost.",
              "The referee sent off two players before half time.",
              "The cyclist won the mountain stage by a minute.",
              "The boxer retained his title on points.",
              "The tennis final was delayed by rain."],
    "weather": ["Heavy rain flooded the valley overnight.",
                "Forecasters expect snow on higher ground.",
                "The heatwave pushed temperatures past 35 degrees.",
                "Strong winds brought down power lines.",
                "Fog delayed flights at the airport.",
                "A frost warning covers the whole region.",
                "The storm moved north along the coast.",
                "Hail damaged crops across the plain.",
                "Drought has left the reservoir half empty.",
                "Thunderstorms are likely in the afternoon.",
                "The river burst its banks after days of rain.",
                "Sunshine returns after a week of cloud."],
    "money": ["The central bank raised interest rates again.",
              "Shares fell sharply at the open.",
              "Inflation slowed to three percent in March.",
              "The company reported a quarterly loss.",
              "The currency slipped against the dollar.",
              "Mortgage approvals rose for a second month.",
              "The bank cut its growth forecast.",
              "Bond yields climbed to a ten-year high.",
              "The retailer warned on profits.",
              "Oil prices rose on supply fears.",
              "The budget deficit narrowed last year.",
              "Unemployment fell to its lowest level in years."],
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "classifier", *args], capture_output=True,
                          text=True, input=stdin, timeout=300)


@pytest.fixture(scope="module")
def topics_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("topics") / "topics.jsonl"
    rows = [{"text": t, "label": label, "group": f"{label}-{i // 3}"}
            for label, texts in TOPICS.items() for i, t in enumerate(texts)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_evaluate_with_labels_the_model_does_not_know_fails_in_one_line(topics_file):
    done = run("evaluate", "--data", str(topics_file))
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    for label in ("'money'", "'sport'", "'weather'", "official_claim", "factual_report"):
        assert label in lines[0]


def test_train_on_a_small_custom_set_warns_about_tiny_labels(topics_file, tmp_path):
    done = run("train", "--data", str(topics_file), "--output", str(tmp_path / "m"),
               "--folds", "3", "--group-column", "group")
    assert done.returncode == 0, done.stderr
    for label in ("sport", "weather", "money"):
        assert f"warning: label '{label}' has only 12 rows" in done.stderr


def test_train_warns_when_cross_validation_is_near_chance(tmp_path):
    # labels that do not follow the text: nothing to learn
    path = tmp_path / "noise.jsonl"
    texts = [t for texts in TOPICS.values() for t in texts]
    rows = [{"text": t, "label": ["sport", "weather", "money"][i % 3]}
            for i, t in enumerate(texts)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done = run("train", "--data", str(path), "--output", str(tmp_path / "m"), "--folds", "3")
    assert done.returncode == 0, done.stderr
    assert "is near chance (0.333 for 3 labels)" in done.stderr


def test_train_with_a_cascade_config_on_custom_labels_fails_in_one_line(topics_file, tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"config": {"estimator": "cascade"}}), encoding="utf-8")
    done = run("train", "--data", str(topics_file), "--output", str(tmp_path / "m"),
               "--config", str(config))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("error: the cascade decides "
                                                           "'official_claim' first")
    assert "Traceback" not in done.stderr


def test_tune_on_custom_labels_has_no_failed_candidate(topics_file, tmp_path):
    done = run("tune", "--data", str(topics_file), "--output", str(tmp_path / "cfg.json"),
               "--candidates", "6", "--folds", "3", "--group-column", "group", "--top", "6")
    assert done.returncode == 0, done.stderr
    assert "failed" not in done.stdout
    assert "official_claim" not in done.stdout
    assert (tmp_path / "cfg.json").exists()


def test_a_custom_model_gets_its_own_card_symbols_and_colours(topics_file, tmp_path):
    out = tmp_path / "topics"
    assert run("train", "--data", str(topics_file), "--output", str(out),
               "--folds", "0").returncode == 0
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "`sport`" in card and "`weather`" in card and "`money`" in card
    for news in ("journalists", "official sources", "news prose written for this project",
                 "Grey zones in the guide", "Police said"):
        assert news not in card, news

    text = "The striker scored twice. Heavy rain flooded the valley. Shares fell sharply."
    markdown = run("predict", "--model", str(out), "--format", "markdown", text).stdout
    share_line = markdown.splitlines()[2]
    symbols = [part.split()[0] for part in share_line.split(" · ")]
    assert len(symbols) == 3 and len(set(symbols)) == 3 and "⬜" not in symbols

    html = run("predict", "--model", str(out), "--format", "html", text).stdout
    colours = json.loads(html.split('data-colours="')[1].split('"')[0].replace("&quot;", '"'))
    assert set(colours) == {"sport", "weather", "money"}
    assert len(set(colours.values())) == 3
