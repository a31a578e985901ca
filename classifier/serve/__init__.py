"""The HTTP API and the web page (the ``serve`` extra: FastAPI and uvicorn).

``create_app(model)`` builds the ASGI application with the model loaded once;
``classifier serve`` runs it with uvicorn. See ``classifier.serve.app``.
"""

from classifier.serve.app import Limits, create_app

__all__ = ["Limits", "create_app"]
