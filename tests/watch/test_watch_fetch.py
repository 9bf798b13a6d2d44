"""The fetcher against a real loopback server that misbehaves on purpose."""

from __future__ import annotations

import gzip
import time
from dataclasses import replace

import pytest

from crisol.watch.clock import SimulatedClock
from crisol.watch.fetch import Fetcher, FetchError, _blocked_reason, parse_retry_after


def _fetcher(config, **kw) -> Fetcher:
    return Fetcher(config, seed=7, **kw)


def test_pages_come_back_with_validators_and_a_304_on_the_second_request(server, fast_config, kit):
    server.page("/news/puerto.html", kit.fixture_page("puerto-v1.html"))
    with _fetcher(fast_config) as f:
        first = f.get(server.url("/news/puerto.html"), allow_private=True)
        again = f.get(server.url("/news/puerto.html"), allow_private=True, etag=first.etag)
    assert first.status == 200 and first.body == kit.fixture_page("puerto-v1.html")
    assert first.etag and first.last_modified and first.charset == "utf-8"
    assert again.not_modified and again.body == b""
    assert server.log[-1][2].get("If-None-Match") == first.etag


def test_the_user_agent_is_honest_and_names_the_contact(server, fast_config, kit):
    server.page("/news/a.html", b"<html><body><p>hola</p></body></html>")
    with _fetcher(fast_config) as f:
        f.get(server.url("/news/a.html"), allow_private=True)
    agents = {headers["User-Agent"] for _, _, headers in server.log}
    assert agents == {f"crisol/0.1.0 (+{kit.UA_CONTACT})"}


def test_server_errors_are_retried_with_backoff_until_they_succeed(server, fast_config, kit):
    calls = []

    def flaky(h):
        calls.append(time.monotonic())
        if len(calls) <= 2:
            kit.send(h, 500, b"boom")
        else:
            kit.send(h, 200, b"<html><body><p>ok</p></body></html>", {"Content-Type": "text/html"})

    server.routes["/flaky"] = flaky
    with _fetcher(fast_config) as f:
        resp = f.get(server.url("/flaky"), allow_private=True)
    assert resp.status == 200 and resp.attempts == 3
    gaps = [b - a for a, b in zip(calls, calls[1:])]
    assert all(g >= 0.02 for g in gaps)  # backoff 0.05 s with jitter down to 50%


def test_a_server_that_keeps_failing_gives_a_clear_error(server, fast_config, kit):
    server.routes["/down"] = lambda h: kit.send(h, 503, b"maintenance")
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/down"), allow_private=True)
    assert e.value.kind == "gave-up" and "3 attempts" in e.value.reason and "HTTP 503" in e.value.reason
    assert server.hits["/down"] == 3


def test_429_waits_for_retry_after(server, fast_config, kit):
    calls = []

    def busy(h):
        calls.append(time.monotonic())
        if len(calls) == 1:
            kit.send(h, 429, b"slow down", {"Retry-After": "1"})
        else:
            kit.send(h, 200, b"<html><body><p>ok</p></body></html>", {"Content-Type": "text/html"})

    server.routes["/busy"] = busy
    with _fetcher(fast_config) as f:
        assert f.get(server.url("/busy"), allow_private=True).status == 200
    assert calls[1] - calls[0] >= 0.95


def test_a_retry_after_beyond_the_limit_is_an_error_not_a_hang(server, fast_config, kit):
    server.routes["/later"] = lambda h: kit.send(h, 429, b"", {"Retry-After": "86400"})
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/later"), allow_private=True)
    assert e.value.kind == "rate-limited" and "86,400 s" in e.value.reason


def test_retry_after_dates_and_seconds():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0) == 0.0
    assert parse_retry_after("30", 0) == 30.0


def test_a_silent_server_times_out_and_is_retried_then_reported(server, fast_config, kit):
    def silent(h):
        time.sleep(1.2)
        kit.send(h, 200, b"late")

    server.routes["/silent"] = silent
    config = replace(fast_config, retries=1, read_timeout=0.3)
    t0 = time.monotonic()
    with _fetcher(config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/silent"), allow_private=True)
    assert e.value.kind == "gave-up" and "timed out" in e.value.reason
    assert server.hits["/silent"] == 2 and time.monotonic() - t0 < 2.0


def test_a_slow_drip_is_cut_at_the_total_deadline(server, fast_config):
    def drip(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(1000):  # one byte every 50 ms never trips the 0.5 s read timeout
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.05)

    server.routes["/drip"] = drip
    t0 = time.monotonic()
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/drip"), allow_private=True)
    assert e.value.kind == "deadline" and "1.5 s deadline" in e.value.reason
    assert time.monotonic() - t0 < 2.5


def test_a_redirect_loop_is_detected(server, fast_config, kit):
    server.routes["/loop-a"] = lambda h: kit.send(h, 302, b"", {"Location": "/loop-b"})
    server.routes["/loop-b"] = lambda h: kit.send(h, 301, b"", {"Location": server.url("/loop-a")})
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/loop-a"), allow_private=True)
    assert e.value.kind == "redirect-loop"
    assert "/loop-a → " in e.value.reason and "/loop-b" in e.value.reason
    assert server.hits["/loop-a"] == 1 and server.hits["/loop-b"] == 1


def test_redirect_chains_are_limited_and_followed(server, fast_config, kit):
    def hop(i):
        server.routes[f"/hop{i}"] = lambda h: kit.send(h, 307, b"", {"Location": f"/hop{i + 1}"})

    for i in range(3):
        hop(i)
    server.page("/hop3", b"<html><body><p>arrived</p></body></html>")
    with _fetcher(replace(fast_config, max_redirects=3)) as f:
        resp = f.get(server.url("/hop0"), allow_private=True)
        assert resp.url == server.url("/hop3") and len(resp.redirects) == 3
        for i in range(3, 8):
            hop(i)
        with pytest.raises(FetchError) as e:
            f.get(server.url("/hop0"), allow_private=True)
    assert e.value.kind == "too-many-redirects"


def test_a_redirect_to_another_scheme_is_refused(server, fast_config, kit):
    server.routes["/sneaky"] = lambda h: kit.send(h, 302, b"", {"Location": "file:///etc/passwd"})
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/sneaky"), allow_private=True)
    assert e.value.kind == "unsafe-scheme"


def test_an_endless_50mb_body_is_cut_at_the_cap(server, fast_config):
    sent = []

    def huge(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")  # no length: the body ends when the server stops
        h.end_headers()
        chunk = b"<p>" + b"a" * 65_000 + b"</p>"
        try:
            for _ in range(50_000_000 // len(chunk)):
                h.wfile.write(chunk)
                sent.append(len(chunk))
        finally:
            h.close_connection = True

    server.routes["/huge"] = huge
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/huge"), allow_private=True)
    assert e.value.kind == "too-large" and "2 MB cap" in e.value.reason
    time.sleep(0.2)
    assert sum(sent) < 20_000_000  # the client hung up long before 50 MB


def test_a_declared_oversize_body_is_not_downloaded(server, fast_config, kit):
    server.routes["/big"] = lambda h: kit.send(h, 200, b"x" * 3_000_000, {"Content-Type": "text/html"})
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/big"), allow_private=True)
    assert e.value.kind == "too-large" and "3,000,000 bytes" in e.value.reason


def test_a_gzip_bomb_stops_at_the_cap(server, fast_config, kit):
    bomb = kit.gzip_bomb()
    server.routes["/bomb"] = lambda h: kit.send(
        h, 200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/bomb"), allow_private=True)
    assert e.value.kind == "too-large" and "decompression bomb" in e.value.reason


def test_gzip_pages_are_decoded(server, fast_config, kit):
    page = kit.fixture_page("council.html")
    server.routes["/gz"] = lambda h: kit.send(
        h, 200, gzip.compress(page), {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with _fetcher(fast_config) as f:
        assert f.get(server.url("/gz"), allow_private=True).body == page
    assert "gzip" in server.log[-1][2]["Accept-Encoding"]


def test_robots_txt_is_obeyed_and_fetched_once(server, fast_config, kit):
    server.routes["/robots.txt"] = lambda h: kit.send(
        h, 200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
    )
    server.page("/news/ok.html", b"<html><body><p>ok</p></body></html>")
    server.page("/private/secret.html", b"<html><body><p>no</p></body></html>")
    with _fetcher(fast_config) as f:
        assert f.get(server.url("/news/ok.html"), allow_private=True).status == 200
        with pytest.raises(FetchError) as e:
            f.get(server.url("/private/secret.html"), allow_private=True)
    assert e.value.kind == "robots" and "robots.txt" in e.value.reason
    assert server.hits["/robots.txt"] == 1 and server.hits["/private/secret.html"] == 0


def test_an_unreachable_robots_txt_means_do_not_crawl(server, fast_config, kit):
    server.routes["/robots.txt"] = lambda h: kit.send(h, 500, b"oops")
    server.page("/news/ok.html", b"<html><body><p>ok</p></body></html>")
    with _fetcher(replace(fast_config, retries=0)) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/news/ok.html"), allow_private=True)
    assert e.value.kind == "robots" and "unreachable" in e.value.reason
    assert server.hits["/news/ok.html"] == 0


def test_loopback_is_refused_unless_the_source_allows_it(server, fast_config):
    server.page("/news/ok.html", b"<html><body><p>ok</p></body></html>")
    with _fetcher(fast_config) as f, pytest.raises(FetchError) as e:
        f.get(server.url("/news/ok.html"))
    assert e.value.kind == "unsafe-address" and "127.0.0.1 is a loopback address" in e.value.reason
    assert not server.log  # refused before connecting


def test_every_address_of_a_host_is_checked(server, fast_config):
    # A name resolving to a public and a private address is refused as a whole.
    resolver = {"mixed.test": ["93.184.216.34", "10.1.2.3"]}.__getitem__
    with _fetcher(fast_config, resolver=resolver) as f, pytest.raises(FetchError) as e:
        f.get("http://mixed.test/news/x.html")
    assert e.value.kind == "unsafe-address" and "10.1.2.3 is a private address" in e.value.reason


def test_redirects_to_private_hosts_are_checked_at_each_hop(server, fast_config, kit, monkeypatch):
    # Pretend the loopback server is a public host, so only the redirect target is private.
    import crisol.watch.fetch as fetch

    real = fetch._blocked_reason
    monkeypatch.setattr(fetch, "_blocked_reason", lambda ip: None if ip == "127.0.0.1" else real(ip))
    names = {"diario.test": ["127.0.0.1"], "intranet.test": ["192.168.1.10"]}
    server.routes["/go"] = lambda h: kit.send(h, 302, b"", {"Location": "http://intranet.test/admin"})
    with _fetcher(fast_config, resolver=names.__getitem__) as f, pytest.raises(FetchError) as e:
        f.get(f"http://diario.test:{server.port}/go")
    assert e.value.kind == "unsafe-address" and "192.168.1.10 is a private address" in e.value.reason
    assert server.hits["/go"] == 1


@pytest.mark.parametrize(
    "ip, blocked",
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.8", "private"),
        ("172.16.3.4", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "not a public"),
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_classes(ip, blocked):
    reason = _blocked_reason(ip)
    assert (reason is None) if blocked is None else (blocked in reason)


def test_politeness_delay_spaces_requests_to_one_host(server, fast_config):
    for i in range(4):
        server.page(f"/news/{i}.html", b"<html><body><p>ok</p></body></html>")
    with _fetcher(replace(fast_config, delay=0.25)) as f:
        for i in range(4):
            f.get(server.url(f"/news/{i}.html"), allow_private=True)
    times = [t for t, path, _ in server.log]
    assert len(times) == 5  # robots.txt + 4 pages
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.22


def test_backoff_grows_with_jitter():
    f = Fetcher(seed=1)
    waits = [f.backoff(n) for n in range(5)]
    f.close()
    for n, w in enumerate(waits):
        assert 0.5 * 2 * 2**n <= w <= 2 * 2**n
    assert len({round(w / 2**n, 6) for n, w in enumerate(waits)}) > 1  # jittered, not fixed


def test_sleeping_uses_the_clock(server, fast_config, kit):
    server.routes["/busy"] = lambda h: kit.send(h, 429, b"", {"Retry-After": "4"})
    clock = SimulatedClock(start=1000.0)
    t0 = time.monotonic()
    with _fetcher(replace(fast_config, max_retry_after=10, retries=2), clock=clock) as f:
        with pytest.raises(FetchError):
            f.get(server.url("/busy"), allow_private=True)
    assert clock.now() >= 1008.0 and time.monotonic() - t0 < 2.0


def test_robots_crawl_delay_lengthens_the_politeness_delay(server, fast_config, kit):
    server.routes["/robots.txt"] = lambda h: kit.send(h, 200, b"User-agent: *\nCrawl-delay: 0.4\n")
    for i in range(3):
        server.page(f"/news/{i}.html", b"<html><body><p>ok</p></body></html>")
    with _fetcher(fast_config) as f:  # delay 0 of its own
        for i in range(3):
            f.get(server.url(f"/news/{i}.html"), allow_private=True)
    times = [t for t, path, _ in server.log if path.startswith("/news/")]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.38
