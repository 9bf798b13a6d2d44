"""Who may talk to a running server: host names, cross-origin writes, tokens (crisol.api.guard).

A page on another origin can send a form (text/plain, url-encoded, multipart) or a no-cors
fetch to a loopback server; a rebound DNS name reaches it under a foreign Host. None of these
may store anything or read through a foreign name. The real-browser version of the attack is
in tests/web/test_web_cross_origin.py.
"""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from crisol.api import create_app
from crisol.api.guard import LOOPBACK_NAMES, Guard
from crisol.cli import app as cli_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

TOKEN = "s3cret-token"
ARTICLE = {"title": "Reabre el mercado de abastos", "text": "El mercado de abastos reabrió el lunes tras "
           "las obras de la cubierta. Los puestos vuelven a abrir a las siete.", "date": "2025-05-05",
           "outlet": "Diario del Barrio", "language": "es"}  # fmt: skip
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(tmp_path):
    app = create_app(str(tmp_path / "g.db"), analyze=False, guard=Guard(LOOPBACK_NAMES, TOKEN))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c


def stored(client) -> int:
    return client.get("/api/articles").json()["count"]


def test_a_write_with_the_token_and_json_is_stored(client):
    r = client.post("/api/articles", json=ARTICLE, headers=AUTH)
    assert r.status_code == 201, r.text
    r = client.post("/api/articles", json=ARTICLE, headers={"X-Crisol-Token": TOKEN})
    assert r.status_code == 200 and stored(client) == 1


def test_a_write_without_the_token_is_refused_with_a_problem(client):
    r = client.post("/api/articles", json=ARTICLE)
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/token-required") and "Bearer" in r.json()["detail"]
    assert (
        client.post("/api/articles", json=ARTICLE, headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    assert stored(client) == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_what_a_foreign_form_can_send_is_refused_even_with_the_token(client, content_type):
    headers = {**AUTH, **({"content-type": content_type} if content_type else {})}
    r = client.post("/api/articles", content=json.dumps(ARTICLE).encode(), headers=headers)
    assert r.status_code == 415, r.text
    assert stored(client) == 0


def test_writes_from_another_origin_or_site_are_refused(client):
    r = client.post("/api/articles", json=ARTICLE, headers={**AUTH, "Origin": "https://evil.example"})
    assert r.status_code == 403 and "evil.example" in r.json()["detail"]
    r = client.post("/api/articles", json=ARTICLE, headers={**AUTH, "Origin": "null"})
    assert r.status_code == 403
    r = client.post("/api/articles", json=ARTICLE, headers={**AUTH, "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert stored(client) == 0
    # the server's own pages (same origin) may write
    r = client.post(
        "/api/articles",
        json=ARTICLE,
        headers={**AUTH, "Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"},
    )
    assert r.status_code == 201


def test_a_foreign_host_name_gets_no_answer_so_dns_rebinding_reads_nothing(client):
    r = client.get("/api/articles", headers={"Host": "rebound.attacker.example"})
    assert r.status_code == 421 and "--allow-host" in r.json()["detail"]
    assert client.get("/", headers={"Host": "rebound.attacker.example:8000"}).status_code == 421
    for name in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        assert client.get("/api/articles", headers={"Host": name}).status_code == 200, name


def test_a_private_server_needs_the_token_for_reads_and_a_browser_gets_a_cookie(tmp_path):
    app = create_app(str(tmp_path / "p.db"), analyze=False, guard=Guard(None, TOKEN, private=True))
    with TestClient(app, base_url="http://news.example") as c:
        assert c.get("/api/articles").status_code == 401
        assert c.get("/api/articles", headers=AUTH).status_code == 200
        first = c.get("/api/articles", params={"token": TOKEN})
        assert first.status_code == 200 and "HttpOnly" in first.headers["set-cookie"]
        assert "SameSite=Strict" in first.headers["set-cookie"]
        assert c.get("/api/articles").status_code == 200  # the cookie now
        # a cookie is not enough to write: a header is, which another origin cannot send
        assert c.post("/api/articles", json=ARTICLE).status_code == 401
        assert c.post("/api/articles", json=ARTICLE, headers=AUTH).status_code == 201


def test_serve_beyond_loopback_refuses_to_start_without_a_token(tmp_path):
    r = CliRunner().invoke(
        cli_app, ["--db", str(tmp_path / "s.db"), "serve", "--host", "0.0.0.0"], env={"CRISOL_TOKEN": ""}
    )
    assert r.exit_code == 2
    assert "--token" in r.output and "0.0.0.0" in r.output


def test_serve_guards_by_bind_address():
    from crisol.cli.serve import server_guard

    local = server_guard("127.0.0.1", None, [])
    assert local.token and not local.private and "localhost" in local.hosts
    assert "news.example" in server_guard("127.0.0.1", None, ["news.example:443"]).hosts
    public = server_guard("0.0.0.0", "tok", [])
    assert public.private and public.token == "tok" and public.hosts is None
    named = server_guard("192.0.2.7", "tok", ["news.example"])
    assert named.hosts >= {"192.0.2.7", "news.example"}
