"""What POST /api/articles accepts, and what the OpenAPI document promises (issue 11, item 16).

``null``, ``"hola"`` and one character were stored as articles; a 1,000-deep object answered 500
text/plain; the schema listed neither problem+json nor the 202/404/409/413/415/421/503 answers.
"""

from __future__ import annotations

import json

import pytest

ARTICLE = {"title": "Reabre el mercado de abastos", "text": "El mercado de abastos reabrió el lunes tras "
           "las obras de la cubierta. Los puestos vuelven a abrir a las siete.", "date": "2025-05-05",
           "outlet": "Diario del Barrio", "language": "es"}  # fmt: skip
JSON = {"content-type": "application/json"}


def post(client, body: bytes):
    return client.post("/articles", content=body, headers=JSON)


def refused(r, status: int = 422) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["input"] == "request body", problem
    return problem


@pytest.mark.parametrize(
    "body, what",
    [
        (b"null", "null"),
        (b'"hola"', "a string"),
        (b"x", "no JSON value"),
        (b"7", "a number"),
        (b" true", "true"),
        (b"\xef\xbb\xbf-1", "a number"),
    ],
)
def test_a_json_body_that_is_no_object_or_list_is_a_problem_naming_the_body(empty_client, body, what):
    problem = refused(post(empty_client, body))
    assert problem["type"].endswith("/invalid-body") and what in problem["detail"]
    assert empty_client.get("/articles").json()["count"] == 0


@pytest.mark.parametrize(
    "body",
    [
        b'{"a":' * 1000 + b"1" + b"}" * 1000,
        b"[" * 1000 + b"]" * 1000,
        b'[{"title": "t", "text": ' + b"[" * 5000 + b"]" * 5000 + b"}]",
    ],
)
def test_deeply_nested_json_is_a_422_problem_not_a_500(empty_client, body):
    problem = refused(post(empty_client, body))
    assert "deep" in problem["detail"] or "no article" in problem["detail"]


@pytest.mark.parametrize(
    "article",
    [{"title": "Hola", "text": "x"}, {"title": "Hola"}, {"text": "   "}, {"title": "Hola", "text": "Hola"}],
)
def test_an_article_needs_a_few_words_of_text(empty_client, article):
    refused(empty_client.post("/articles", json=article))
    assert empty_client.get("/articles").json()["count"] == 0


def test_a_list_must_hold_objects(empty_client):
    problem = refused(empty_client.post("/articles", json=[1, "dos", None]))
    assert "expected a JSON object" in problem["detail"]


def test_the_documented_html_field_is_read_as_html(empty_client):
    page = (
        "<html><head><title>x</title></head><body><nav>Inicio | Deportes</nav><article><p>El mercado de "
        "abastos reabrió el lunes tras las obras de la cubierta.</p><p>Los puestos vuelven a abrir a las "
        "siete de la mañana.</p></article></body></html>"
    )
    r = empty_client.post("/articles", json={"title": "Reabre el mercado", "html": page, "language": "es"})
    assert r.status_code == 201, r.text
    stored = empty_client.get(f"/articles/{r.json()['articles'][0]['id']}").json()
    assert "mercado de abastos" in stored["text"] and "<p>" not in stored["text"]


# ---- the OpenAPI document ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec(client):
    return client.get("http://testserver/openapi.json").json()


def test_every_error_answer_is_documented_as_problem_json(spec):
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)
                    assert response["content"]["application/problem+json"]["schema"]["$ref"].endswith(
                        "/ProblemPublic"
                    )
            assert {"401", "421", "503"} <= set(op["responses"]), (method, path)
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_the_writes_document_every_answer_they_can_give(spec):
    for path in ("/api/articles", "/api/articles/upload"):
        responses = spec["paths"][path]["post"]["responses"]
        assert {"200", "201", "202", "400", "403", "413", "415", "422", "503"} <= set(responses), path
        assert responses["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/IngestJobPublic")


def test_look_ups_by_id_document_404_and_ambiguous_prefixes_409(spec):
    for path in (
        "/api/articles/{id}",
        "/api/articles/{id}/raw",
        "/api/stories/{id}",
        "/api/entities/{id}",
        "/api/ingest/jobs/{id}",
    ):
        assert "404" in spec["paths"][path]["get"]["responses"], path
    assert "409" in spec["paths"]["/api/articles/{id}"]["get"]["responses"]


def test_the_limits_are_in_the_schema(spec):
    params = {p["name"]: p["schema"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params["q"]["maxLength"] == 10_000 and params["offset"]["maximum"] == 1_000_000_000


def test_the_answers_match_the_documented_statuses(client, spec):
    """Each error the API gives in these tests is one the document lists for that operation."""
    cases = [
        ("get", "/api/articles/{id}", client.get("/articles/zzzz-none")),
        ("get", "/api/stories/{id}", client.get("/stories/zzzz-none")),
        ("get", "/api/articles", client.get("/articles?offset=-1")),
        ("post", "/api/articles", client.post("/articles", content=b"null", headers=JSON)),
        (
            "post",
            "/api/articles",
            client.post("/articles", content=json.dumps(ARTICLE), headers={"content-type": "text/plain"}),
        ),
        ("get", "/api/search", client.get("/search?q=" + "a" * 10_001)),
    ]
    for method, path, r in cases:
        assert str(r.status_code) in spec["paths"][path][method]["responses"], (path, r.status_code)
        assert r.headers["content-type"] == "application/problem+json"
