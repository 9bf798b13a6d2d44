"""The sources file and the ``crisol sources`` / ``crisol watch`` commands."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crisol.cli import app
from crisol.watch.sources import Source, SourcesError, load_sources, parse_duration, save_sources

YAML = """\
contact: mailto:redaccion@litoral.test
fetch: {delay: 2, timeout_unused: 1}
sources:
  - name: Diario del Litoral
    country: esp
    language: ES
    homepage: https://www.litoral.test/
    feeds: [https://www.litoral.test/rss/portada.xml]
    interval: 15m
"""


def test_yaml_and_toml_files_give_the_same_sources(tmp_path):
    y = tmp_path / "s.yaml"
    y.write_text(YAML.replace("timeout_unused: 1", "read_timeout: 5"), encoding="utf-8")
    sf = load_sources(y)
    (src,) = sf.sources
    assert (src.country, src.language, src.interval) == ("ESP", "es", 900.0)
    assert sf.contact == "mailto:redaccion@litoral.test" and sf.fetch == {"delay": 2, "read_timeout": 5}
    t = save_sources(sf, tmp_path / "s.toml")
    again = load_sources(t)
    assert again.sources == sf.sources and again.contact == sf.contact and again.fetch == sf.fetch


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"feeds": ["https://a.test/rss"]}, "has no name"),
        ({"name": "A"}, "needs at least one feed or sitemap"),
        ({"name": "A", "feeds": ["ftp://a.test/rss"]}, "only http and https"),
        ({"name": "A", "feeds": ["https://a.test/rss"], "interval": "often"}, "interval must be"),
        ({"name": "A", "feeds": ["https://a.test/rss"], "colour": "red"}, "unknown field(s) colour"),
        ({"name": "A", "feeds": ["https://a.test/rss"], "allow_private": "yes"}, "allow_private must be"),
    ],
)
def test_bad_sources_are_refused_with_the_file_and_source_named(tmp_path, entry, message):
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    with pytest.raises(SourcesError) as e:
        load_sources(path)
    assert message in str(e.value) and str(path) in str(e.value)


def _flat(text: str) -> str:
    return " ".join(text.split())  # Rich wraps long messages to the terminal width


def test_durations():
    assert [parse_duration(v) for v in ("45", "90s", "15m", "2h", "1d", 30)] == [45, 90, 900, 7200, 86400, 30]
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_the_sources_commands_add_list_and_remove(tmp_path):
    runner = CliRunner()
    path = str(tmp_path / "fuentes.yaml")
    r = runner.invoke(
        app,
        [
            "sources",
            "add",
            "Diario del Litoral",
            "--feed",
            "https://litoral.test/rss",
            "--country",
            "ESP",
            "--language",
            "es",
            "--interval",
            "30m",
            "--sources",
            path,
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["sources", "add", "Gazette", "--sitemap", "https://gazette.test/news.xml", "-s", path]
    )
    assert r.exit_code == 0, r.output
    again = runner.invoke(app, ["sources", "add", "gazette", "--feed", "https://g.test/rss", "-s", path])
    assert again.exit_code == 2 and "already exists" in _flat(again.output)
    listed = json.loads(runner.invoke(app, ["sources", "list", "--format", "json", "-s", path]).output)
    assert [s["name"] for s in listed["sources"]] == ["Diario del Litoral", "Gazette"]
    assert listed["sources"][0]["interval"] == 1800.0
    assert runner.invoke(app, ["sources", "remove", "Gazette", "-s", path]).exit_code == 0
    assert [s.name for s in load_sources(path).sources] == ["Diario del Litoral"]
    missing = runner.invoke(app, ["sources", "remove", "Nadie", "-s", path])
    assert missing.exit_code == 1 and "no source named 'Nadie'" in _flat(missing.output)


def test_watch_once_and_status_from_the_command_line(tmp_path, server, kit):
    server.page("/news/puerto.html", kit.fixture_page("puerto-v1.html"))
    server.page(
        "/es.xml", kit.rss([(server.url("/news/puerto.html"), "Puerto", "Fri, 14 Mar 2025 09:30:00 GMT")])
    )
    server.routes["/bad.xml"] = lambda h: kit.send(h, 404, b"")
    sf_path = tmp_path / "fuentes.toml"
    sf = load_sources(sf_path)
    sf.contact = kit.UA_CONTACT
    sf.fetch = {"delay": 0.0, "retries": 0}
    sf.add(Source("Diario del Litoral", feeds=[server.url("/es.xml")], language="es", allow_private=True))
    sf.add(Source("Roto", feeds=[server.url("/bad.xml")], allow_private=True))
    save_sources(sf, sf_path)
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    r = runner.invoke(app, ["--db", db, "watch", "--once", "--no-analyze", "-s", str(sf_path)])
    assert r.exit_code == 1, r.output  # one source failed
    assert "new articles" in r.output and "HTTP 404" in r.output
    r = runner.invoke(app, ["--db", db, "sources", "status", "--format", "json"])
    status = {s["name"]: s for s in json.loads(r.output)}
    assert status["Diario del Litoral"]["articles"] == 1 and status["Diario del Litoral"]["last_success"]
    assert status["Roto"]["last_success"] is None and "HTTP 404" in status["Roto"]["last_error"]
    table = runner.invoke(app, ["--db", db, "sources", "status"])
    assert table.exit_code == 0 and "Roto" in table.output
    articles = runner.invoke(app, ["--db", db, "articles", "--format", "json"])
    assert "Diario del Litoral" in articles.output
    assert {h["User-Agent"] for _, _, h in server.log} == {f"crisol/0.1.0 (+{kit.UA_CONTACT})"}


def test_bad_fetch_settings_are_a_usage_error(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("fetch: {delay: -1}\nsources:\n  - {name: A, feeds: ['https://a.test/rss']}\n")
    r = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "watch", "--once", "-s", str(path)])
    assert r.exit_code == 2 and "delay must be a non-negative number" in _flat(r.output)
    path.write_text("fetch: {speed: 3}\nsources:\n  - {name: A, feeds: ['https://a.test/rss']}\n")
    r = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "watch", "--once", "-s", str(path)])
    assert r.exit_code == 2 and "unknown fetch setting(s) speed" in _flat(r.output)
