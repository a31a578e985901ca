"""The ASGI application: the HTTP API and the web page.

``POST /v1/tag``, ``POST /v1/predict``, ``GET /v1/models``, ``GET /healthz``, the
JSON schema at ``/openapi.json``, and the web page at ``/``.

The model is loaded once, when the application is built (one load per worker
process under ``uvicorn --workers N``). Requests larger than ``Limits.max_bytes``,
articles longer than ``Limits.max_chars`` and batches of more than
``Limits.max_sentences`` sentences are refused with 413 and one line saying which
limit; malformed bodies get FastAPI's 422 with the offending field.

(No ``from __future__ import annotations`` here: FastAPI reads the request models
defined inside ``create_app`` from the annotations at run time.)
"""

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from classifier.prediction import Prediction, attach_sources

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Receive, Scope, Send

    from classifier.model import Model
    from classifier.text.attribution import Source

#: environment variables ``classifier serve`` passes to each worker process
ENV_MODEL = "CLASSIFIER_SERVE_MODEL"
ENV_LIMITS = "CLASSIFIER_SERVE_LIMITS"
#: articles up to this many characters are tagged on the event loop (a few ms), longer
#: ones in the thread pool, so that a long article does not hold up other requests
INLINE_CHARS = 20_000


@dataclass(frozen=True)
class Limits:
    """Request limits: body bytes, characters of one article, sentences of one batch."""

    max_bytes: int = 2_000_000
    max_chars: int = 200_000
    max_sentences: int = 2_000

    def encode(self) -> str:
        """The limits as one string, for a worker's environment.

        Returns
        -------
        str
            ``max_bytes,max_chars,max_sentences``.
        """
        return f"{self.max_bytes},{self.max_chars},{self.max_sentences}"

    @classmethod
    def decode(cls, value: str) -> "Limits":
        """The limits from ``encode``'s string.

        Parameters
        ----------
        value : str
            ``max_bytes,max_chars,max_sentences``.

        Returns
        -------
        Limits
            The limits.
        """
        a, b, c = (int(x) for x in value.split(","))
        return cls(a, b, c)


def _source_dict(source: "Source | None") -> dict | None:
    if source is None:
        return None
    return {
        "text": source.text, "start": source.start, "end": source.end, "kind": source.kind,
        "cue": source.cue or None, "cue_start": source.cue_start, "cue_end": source.cue_end,
        "resolved": source.resolved, "resolved_start": source.resolved_start,
        "resolved_end": source.resolved_end,
    }


def prediction_dict(p: Prediction, index: int | None = None) -> dict:
    """One sentence of a response (the API's JSON shape).

    Parameters
    ----------
    p : Prediction
        The sentence's prediction.
    index : int, optional
        Its index in the batch, added as ``index``.

    Returns
    -------
    dict
        Text, offsets, label, confidence, probabilities, kind, error and source.
    """
    out: dict[str, Any] = {} if index is None else {"index": index}
    out.update({
        "text": p.text, "start": p.start, "end": p.end, "label": p.label,
        "confidence": round(p.confidence, 6) if p.label else None,
        "probabilities": {k: round(v, 6) for k, v in p.probabilities.items()},
        "kind": getattr(p, "kind", "sentence"), "error": p.error,
        "source": _source_dict(p.source),
    })
    return out


def _model_info(model: "Model", name: str) -> dict:
    meta = getattr(model, "metadata", {}) or {}
    return {"name": name, "backend": getattr(model, "backend", "") or meta.get("backend", ""),
            "labels": list(model.labels), "created": meta.get("created"),
            "version": meta.get("version")}


def _static(name: str) -> bytes:
    return resources.files("classifier.serve").joinpath("static").joinpath(name).read_bytes()


class _BodyLimit:
    """ASGI middleware: 413 for a request whose Content-Length exceeds ``max_bytes``.

    A plain ASGI class rather than ``@app.middleware("http")``, whose task and
    streams per request cost 0.2 ms of the 5 ms a seed article takes.
    """

    def __init__(self, app: "ASGIApp", max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: "Scope", receive: "Receive", send: "Send") -> None:
        if scope["type"] == "http":
            for key, value in scope["headers"]:
                if key == b"content-length":
                    length = value.decode("latin-1")
                    if length.isdigit() and int(length) > self.max_bytes:
                        from fastapi.responses import JSONResponse

                        response = JSONResponse(status_code=413, content={
                            "detail": f"request body of {length} bytes exceeds the limit "
                                      f"of {self.max_bytes} bytes"})
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)


def create_app(
    model: Any = None, limits: Limits | None = None, name: str | None = None,
) -> "FastAPI":
    """The FastAPI application serving ``model``.

    Parameters
    ----------
    model : Model, str, Path or None
        A loaded model, or what ``load_model`` takes (a folder, a shipped name; None:
        the default model). It is loaded here, once.
    limits : Limits, optional
        Request size and batch limits.
    name : str, optional
        The model's name in responses (default: the name or folder given).

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    ClassifierError
        The model does not load.
    """
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import HTMLResponse, Response
    from pydantic import BaseModel, Field
    from starlette.concurrency import run_in_threadpool

    from classifier.model import Model
    from classifier.persistence import load_model, models_dirs
    from classifier.reports.palette import label_colours

    limits = limits or Limits()
    if not isinstance(model, Model):
        name = name or (str(model) if model is not None else "default")
        model = load_model(model, fast=True)
    name = name or str(getattr(model, "backend", "") or "model")
    loaded: Model = model
    info = _model_info(loaded, name)
    colours = {label: {"strong": strong, "light": light}
               for label, (strong, light) in label_colours(loaded.labels).items()}

    class TagRequest(BaseModel):
        text: str = Field(..., description="The article: headline and body, plain text.")

    class PredictRequest(BaseModel):
        sentences: list[str] = Field(..., description="Sentences, each labeled on its own.")

    app = FastAPI(
        title="classifier",
        summary="Tag news sentences as factual report, official claim, speculation or "
                "analysis, with the source of each attributed sentence.",
        version=info.get("version") or "1",
    )

    app.add_middleware(_BodyLimit, max_bytes=limits.max_bytes)

    @app.get("/healthz")
    def healthz() -> dict:
        """Liveness: the model is loaded and the process answers."""
        return {"status": "ok", "model": name}

    @app.get("/v1/models")
    def models() -> dict:
        """The loaded model, its labels and their colours, and the shipped models."""
        shipped = sorted({p.parent.name for d in models_dirs() for p in d.glob("*/metadata.json")})
        return {"model": info, "colours": colours, "shipped": shipped,
                "limits": {"max_bytes": limits.max_bytes, "max_chars": limits.max_chars,
                           "max_sentences": limits.max_sentences}}

    # The TF-IDF backend's work is CPU-bound Python: in the thread pool it gains nothing
    # and costs GIL hand-offs with the event loop (one worker served the seed article at
    # ~100 requests/s through the pool, ~280 inline). Its short inputs run inline; long
    # ones (INLINE_CHARS take ~20 ms) go to the pool so as not to stall other requests.
    # Transformer backends (a seed article takes ~0.3 s, mostly in native code that
    # releases the GIL) always run in the pool.
    inline = info["backend"] == "tfidf"

    def tag_body(text: str) -> dict:
        article = loaded.tag_article(text)
        return {
            "model": name, "labels": list(loaded.labels),
            "sentences": [prediction_dict(p, i) for i, p in enumerate(article.sentences)],
            "summary": [{"label": s.label, "count": s.count, "share": round(s.share, 6)}
                        for s in article.summary],
        }

    @app.post("/v1/tag")
    async def tag(request: TagRequest) -> dict:
        """Split an article into sentences; label each one, with offsets and sources."""
        if len(request.text) > limits.max_chars:
            raise HTTPException(413, f"article of {len(request.text)} characters exceeds the "
                                     f"limit of {limits.max_chars} characters")
        if inline and len(request.text) <= INLINE_CHARS:
            return tag_body(request.text)
        return await run_in_threadpool(tag_body, request.text)

    def predict_body(sentences: list[str]) -> dict:
        predictions = loaded.predict(sentences)
        predictions = [attach_sources(p.text, [p])[0] for p in predictions]
        return {"model": name, "labels": list(loaded.labels),
                "predictions": [prediction_dict(p) for p in predictions]}

    @app.post("/v1/predict")
    async def predict(request: PredictRequest) -> dict:
        """Label each sentence on its own (no splitting); sources within each sentence."""
        if len(request.sentences) > limits.max_sentences:
            raise HTTPException(413, f"batch of {len(request.sentences)} sentences exceeds the "
                                     f"limit of {limits.max_sentences} sentences")
        total = sum(len(s) for s in request.sentences)
        if total > limits.max_chars:
            raise HTTPException(413, f"{total} characters in all exceed the limit of "
                                     f"{limits.max_chars} characters")
        if inline and total <= INLINE_CHARS:
            return predict_body(request.sentences)
        return await run_in_threadpool(predict_body, request.sentences)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(_static("index.html"))

    media = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}

    @app.get("/static/{asset}", include_in_schema=False)
    def static(asset: str) -> Response:
        suffix = asset.rpartition(".")[2]
        if "/" in asset or suffix not in media or asset.startswith("."):
            raise HTTPException(404, "not found")
        try:
            return Response(_static(asset), media_type=media[suffix])
        except FileNotFoundError:
            raise HTTPException(404, "not found") from None

    return app


def app_from_env() -> "FastAPI":
    """The application for a uvicorn worker, from the variables ``classifier serve`` set.

    Returns
    -------
    fastapi.FastAPI
        The application, its model loaded.
    """
    model = os.environ.get(ENV_MODEL) or None
    limits = Limits.decode(os.environ[ENV_LIMITS]) if os.environ.get(ENV_LIMITS) else None
    return create_app(model, limits)


def run(model: str | None = None, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
        limits: Limits | None = None, log_level: str = "warning") -> None:
    """Serve with uvicorn until interrupted (the model is loaded in each worker).

    With one worker the model is loaded before the socket opens, so a bad model is
    an error here rather than in a worker.

    Parameters
    ----------
    model : str, optional
        A model folder or shipped name (default: the shipped default).
    host : str, default '127.0.0.1'
        Address to bind.
    port : int, default 8000
        Port to bind.
    workers : int, default 1
        uvicorn worker processes.
    limits : Limits, optional
        Request limits (default ``Limits()``).
    log_level : str, default 'warning'
        uvicorn's log level.
    """
    import uvicorn

    limits = limits or Limits()
    if workers <= 1:
        uvicorn.run(create_app(model, limits), host=host, port=port, log_level=log_level)
        return
    os.environ[ENV_MODEL] = model or ""
    os.environ[ENV_LIMITS] = limits.encode()
    from classifier.persistence import load_model

    load_model(model, fast=True)  # fail here, once, if it does not load
    uvicorn.run("classifier.serve.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level=log_level)


@contextlib.contextmanager
def serving(
    app: "ASGIApp", host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0,
) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yield its base URL.

    For tests and benchmarks. The server stops when the block ends.

    Parameters
    ----------
    app : ASGI application
        The application (``create_app``).
    host : str, default '127.0.0.1'
        Address to bind.
    port : int, default 0
        Port to bind (``0``: a free port).
    timeout : float, default 30.0
        Seconds to wait for the server to start (and to stop).

    Yields
    ------
    str
        ``http://HOST:PORT``.

    Raises
    ------
    ClassifierError
        The server did not start within ``timeout`` seconds.
    """
    import threading
    import time

    import uvicorn

    from classifier.errors import ClassifierError

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name="classifier-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ClassifierError(f"the server did not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout)
