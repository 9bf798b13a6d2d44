"""The API docs page (/docs) is served with crisol's own Swagger UI files: nothing from a CDN.

The page in a browser with every outside request refused: tests/web/test_web_browser.py."""

from __future__ import annotations

import hashlib
import re
import warnings

from crisol.api.docs import SWAGGER_UI

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


def _docs_client():
    from crisol.api import create_app

    return TestClient(create_app(":memory:", analyze=False))


def test_the_docs_page_links_only_to_this_server():
    with _docs_client() as client:
        page = client.get("/docs")
        assert page.status_code == 200
        links = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", page.text)
        assert links, page.text
        assert all(link.startswith("/") for link in links), links
        for link in links:
            got = client.get(link)
            assert got.status_code == 200, link
        js = client.get("/docs/static/swagger-ui-bundle.js")
        assert js.headers["content-type"].startswith("text/javascript") and b"SwaggerUIBundle" in js.content
        assert client.get("/redoc").status_code == 404  # FastAPI's ReDoc page needs a CDN: not served
        assert client.get("/docs/static/../docs.py").status_code == 404


def test_the_shipped_files_are_the_ones_provenance_names():
    """PROVENANCE.md records where each file came from and its hash; a file changed without
    updating it (or a hash mistyped) fails here."""
    recorded = dict(
        re.findall(
            r"^\s*\| ([\w.-]+) \| ([0-9a-f]{64}) \|$", (SWAGGER_UI / "PROVENANCE.md").read_text(), re.M
        )
    )
    shipped = {p.name for p in SWAGGER_UI.iterdir() if p.name != "PROVENANCE.md"}
    assert set(recorded) == shipped
    for name, digest in recorded.items():
        assert hashlib.sha256((SWAGGER_UI / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (SWAGGER_UI / "LICENSE").read_text()
