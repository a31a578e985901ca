"""Helpers for the API and browser tests: one HTTP call with the standard library."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def call(url: str, body=None, raw: bytes | None = None, method: str | None = None):
    """(status, parsed JSON or bytes) of one request; HTTP errors are returned, not raised."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload, kind = response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        status, payload, kind = err.code, err.read(), err.headers
    if "json" in (kind.get("content-type") or ""):
        return status, json.loads(payload)
    return status, payload
