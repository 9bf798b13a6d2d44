"""IPv6 literals in watched URLs, and IPv6 addresses that reach IPv4 ones (issue 11, item 18).

``http://[::1]:8080/`` must keep its brackets in the canonical URL, the politeness key and the
robots.txt origin (without them the next request is ``http://::1:8080/robots.txt``, which httpx
refuses as InvalidURL); and an IPv6 address that carries an IPv4 one (6to4 2002::/16, NAT64
64:ff9b::/96, IPv4-mapped or -compatible) is as private as the IPv4 address it reaches.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from crisol.watch.fetch import Fetcher, FetchError, RobotsCache, _blocked_reason
from crisol.watch.urls import UnsupportedURL, canonical_url, fetchable_url, host_of


@pytest.mark.parametrize(
    "url, canonical",
    [
        ("http://[::1]/a", "http://[::1]/a"),
        ("http://[::1]:8080/a?utm_source=x#top", "http://[::1]:8080/a"),
        ("HTTPS://[2001:DB8:0:0::1]:443/nota", "https://[2001:db8::1]/nota"),
        ("http://[2001:db8::1]:80/", "http://[2001:db8::1]/"),
        ("http://[::ffff:192.0.2.1]/", "http://[::ffff:c000:201]/"),
    ],
)
def test_ipv6_literals_keep_their_brackets_in_one_canonical_spelling(url, canonical):
    assert canonical_url(url) == canonical
    httpx.URL(canonical)  # a URL httpx accepts (it raised InvalidURL without the brackets)
    assert canonical_url(canonical) == canonical  # stable


def test_the_politeness_key_and_robots_origin_of_an_ipv6_url_are_urls_again():
    assert host_of("http://[::1]:8080/x") == "[::1]:8080"
    assert host_of("https://[2001:DB8::1]:443/x") == "[2001:db8::1]"
    origin = RobotsCache.origin("http://[::1]:8080/news/a.html")
    assert origin == "http://[::1]:8080"
    assert httpx.URL(origin + "/robots.txt").host == "::1"
    assert fetchable_url("http://[::1]:8080/a?utm_medium=rss") == "http://[::1]:8080/a"


@pytest.mark.parametrize("url", ["http://[zz::1]/", "http://[::1/", "http://[fe80::1%25eth0]/"])
def test_a_bad_ipv6_literal_is_an_unsupported_url_not_a_crash(url):
    with pytest.raises(UnsupportedURL):
        canonical_url(url)


@pytest.mark.parametrize(
    "ip, reaches",
    [
        ("2002:7f00:1::", "127.0.0.1"),  # 6to4 of loopback
        ("2002:a00:1::1", "10.0.0.1"),  # 6to4 of a private address
        ("2002:a9fe:a9fe::", "169.254.169.254"),  # 6to4 of the cloud metadata address
        ("64:ff9b::7f00:1", "127.0.0.1"),  # NAT64 of loopback
        ("64:ff9b::c0a8:1", "192.168.0.1"),  # NAT64 of a private address
        ("::ffff:10.1.2.3", "10.1.2.3"),  # IPv4-mapped
        ("::127.0.0.1", "127.0.0.1"),  # IPv4-compatible (deprecated)
    ],
)
def test_ipv6_addresses_carrying_a_private_ipv4_address_are_refused(ip, reaches):
    reason = _blocked_reason(ip)
    assert reason is not None and reaches in reason


@pytest.mark.parametrize("ip", ["2002:808:808::1", "64:ff9b::808:808", "2001:4860:4860::8888"])
def test_ipv6_addresses_reaching_public_ones_stay_allowed(ip):
    assert _blocked_reason(ip) is None


def test_local_use_nat64_is_refused():
    assert "NAT64" in _blocked_reason("64:ff9b:1::a00:1")


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


@pytest.fixture
def v6_server():
    if not _ipv6_loopback():
        pytest.skip("no IPv6 loopback on this machine")
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            if self.path == "/robots.txt":
                body, status = b"User-agent: *\nDisallow: /private/\n", 200
            else:
                body, status = b"<html><body><p>Hola desde IPv6.</p></body></html>", 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = _V6Server(("::1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.hits = hits
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_a_page_on_an_ipv6_literal_is_fetched_with_its_robots_txt(v6_server, fast_config):
    port = v6_server.server_address[1]
    url = canonical_url(f"http://[::1]:{port}/news/a.html")
    with Fetcher(fast_config, seed=7) as f:
        resp = f.get(url, allow_private=True)
        assert resp.status == 200 and b"IPv6" in resp.body
        with pytest.raises(FetchError):
            f.get(f"http://[::1]:{port}/private/x.html", allow_private=True)
    assert v6_server.hits.count("/robots.txt") == 1 and "/private/x.html" not in v6_server.hits


def test_the_ipv6_loopback_is_still_refused_without_allow_private(v6_server, fast_config):
    port = v6_server.server_address[1]
    with Fetcher(fast_config, seed=7) as f, pytest.raises(FetchError) as e:
        f.get(f"http://[::1]:{port}/news/a.html")
    assert "loopback" in str(e.value) and v6_server.hits == []
