"""crisol's web pages: stories, articles, entities, events and search, rendered on the server.

``create_web_app(store_url)`` runs them on their own; ``router(store_url)`` gives an APIRouter to
include elsewhere; ``mount(app)`` adds them beside the REST API (``crisol serve``: pages at the root, API
under ``/api``).
Everything taken from articles is escaped (Jinja2 autoescape; highlighted text is built from
escaped pieces in :mod:`crisol.web.highlight`).
"""

from crisol.web.app import create_web_app, mount, router

__all__ = ["create_web_app", "mount", "router"]
