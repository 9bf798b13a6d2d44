"""crisol's REST API (FastAPI): articles, stories, entities, quotes, events, search, ingestion.

``create_app(store_url)`` builds the application; ``crisol serve`` runs it, ``crisol api get
/path`` calls it in-process. OpenAPI at ``/openapi.json``, interactive docs at ``/docs``.
Errors are RFC 7807 problem details (:mod:`crisol.api.problems`).
"""

from crisol.api.app import create_app

__all__ = ["create_app"]
