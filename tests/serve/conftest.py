"""A server on 127.0.0.1 (a free port) with the shipped model, shared by the API tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def server():
    from classifier.serve.app import Limits, create_app, serving

    app = create_app(limits=Limits(max_bytes=50_000, max_chars=20_000, max_sentences=50))
    with serving(app) as url:
        yield url
