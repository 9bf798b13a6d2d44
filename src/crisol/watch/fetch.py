"""Polite, safe HTTP fetching for ``crisol watch`` (httpx underneath).

One :class:`Fetcher` per run. Each call of :meth:`Fetcher.step` makes exactly one request, so the
scheduler can put every request (robots.txt, each redirect hop, each retry) through the per-host
politeness gate; :meth:`Fetcher.get` strings steps together for one-off use.

What it guarantees:

- only http and https; every address a host name resolves to is checked *when connecting*
  (also after redirects, and with no second DNS lookup to race), and private, loopback,
  link-local, multicast and reserved addresses are refused unless the source allows them;
- robots.txt is obeyed (cached per origin; its Crawl-delay lengthens the politeness delay);
- an honest User-Agent, ``crisol/<version> (+<contact>)``;
- conditional requests (ETag / Last-Modified), gzip and deflate decoded by hand with the size
  cap applied to the *decoded* bytes (a gzip bomb stops at the cap), a cap on the raw bytes
  (an endless body stops there), a total deadline per response (a server dripping one byte a
  second is cut off, not only one that goes silent), redirects limited and loops detected;
- 5xx and network errors retried with exponential backoff and jitter; 429 waits for the
  Retry-After the server asked for.

Failures raise :class:`FetchError` with the URL, a short ``kind`` and a reason a user can act on.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import random
import socket
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Literal
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from crisol import __version__
from crisol.errors import CrisolError
from crisol.watch.clock import Clock
from crisol.watch.urls import SCHEMES, host_of

MB = 1_000_000
Resolver = Callable[[str], list[str]]


class FetchError(CrisolError):
    """A URL could not be fetched. ``kind`` is a short code for reports (``robots``, ``http``,
    ``too-large``, ``deadline``, ``redirect-loop``, ``unsafe-address``...)."""

    def __init__(self, url: str, reason: str, kind: str = "error", status: int | None = None):
        self.url = url
        self.reason = reason
        self.kind = kind
        self.status = status
        super().__init__(f"{url}: {reason}")


@dataclass
class FetchConfig:
    """Fetch settings; a sources file's ``fetch:`` mapping overrides any of them by name."""

    contact: str | None = None  # a URL or mailto: for the User-Agent
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # silence allowed between two reads
    deadline: float = 60.0  # whole response, headers to last byte
    max_bytes: int = 10 * MB  # per response, after decompression
    max_redirects: int = 5
    retries: int = 3  # after the first attempt
    backoff: float = 2.0  # first retry waits about this long, then doubles
    backoff_max: float = 300.0
    max_retry_after: float = 3600.0  # a longer Retry-After ends this fetch with an error
    delay: float = 1.0  # seconds between two requests to one host
    host_concurrency: int = 1  # requests in flight per host
    robots: bool = True
    robots_ttl: float = 3600.0
    max_crawl_delay: float = 60.0

    @classmethod
    def from_dict(cls, d: dict[str, Any], where: str = "fetch") -> FetchConfig:
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(d) - set(known))
        if unknown:
            raise ValueError(
                f"{where}: unknown fetch setting(s) {', '.join(unknown)}; known: {', '.join(known)}"
            )
        out = cls()
        for k, v in d.items():
            default = getattr(out, k)
            if isinstance(default, bool) and not isinstance(v, bool):
                raise ValueError(f"{where}: {k} must be true or false; got {v!r}")
            if isinstance(default, (int, float)) and not isinstance(default, bool):
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                    raise ValueError(f"{where}: {k} must be a non-negative number; got {v!r}")
                v = type(default)(v)
            setattr(out, k, v)
        return out

    @property
    def user_agent(self) -> str:
        contact = self.contact or "no contact configured"
        return f"crisol/{__version__} (+{contact})"


@dataclass
class Request:
    """One fetch in progress: where it is now, how it got there, how many tries so far."""

    url: str
    allow_private: bool = False
    etag: str | None = None
    last_modified: str | None = None
    accept: str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
    max_bytes: int | None = None
    hops: list[str] = field(default_factory=list)  # URLs redirected from, in order
    attempt: int = 0
    last_error: str | None = None

    @property
    def origin(self) -> str:
        return self.hops[0] if self.hops else self.url


@dataclass
class Response:
    """A complete response (``body`` decoded from gzip/deflate), or a 304."""

    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    requested: str
    redirects: list[str] = field(default_factory=list)
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            k, _, v = part.partition("=")
            if k.strip().lower() == "charset" and v.strip():
                return v.strip().strip("\"'")
        return None

    @property
    def body_hash(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:32]


@dataclass
class Outcome:
    """What one step did: finished, redirected (fetch ``request`` next) or must be retried."""

    kind: Literal["done", "redirect", "retry"]
    response: Response | None = None
    request: Request | None = None
    delay: float = 0.0


# ---- the network layer: address checks at connect time, and a total deadline ------------------

_ctx = threading.local()  # per request: allow_private, deadline (monotonic), blocked reason


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local use, its layout is the operator's
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and reaches: IPv4-mapped (``::ffff:a.b.c.d``),
    6to4 (``2002:AABB:CCDD::/48``: the IPv4 address in bits 16-48), NAT64's well-known prefix
    (``64:ff9b::a.b.c.d``, RFC 6052) and the deprecated IPv4-compatible form (``::a.b.c.d``);
    None for any other.

    >>> [str(embedded_ipv4(ipaddress.IPv6Address(a))) for a in ("2002:7f00:1::", "64:ff9b::10.0.0.1", "::1")]
    ['127.0.0.1', '10.0.0.1', 'None']
    """
    if addr.ipv4_mapped:
        return addr.ipv4_mapped
    if addr.sixtofour:
        return addr.sixtofour
    if addr in _NAT64 or (addr in _IPV4_COMPATIBLE and int(addr) > 1):
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def _blocked_reason(ip: str) -> str | None:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address):
        inner = embedded_ipv4(addr)
        if inner is not None:  # the IPv4 address it reaches decides (2002:7f00:1:: is 127.0.0.1)
            reason = _blocked_reason(str(inner))
            return f"{ip} reaches {inner}: {reason}" if reason else None
        if addr in _LOCAL_NAT64:
            return f"{ip} is a local-use NAT64 address"
    for attr, what in (
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_unspecified", "unspecified"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(addr, attr):
            return f"{ip} is a {what} address"
    if not addr.is_global:
        return f"{ip} is not a public address"
    return None


def system_resolver(host: str) -> list[str]:
    """Every IP address ``host`` resolves to (a literal IP resolves to itself)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never outlive the request's total deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    @staticmethod
    def _budget(timeout: float | None, exc: type[Exception]) -> float | None:
        deadline = getattr(_ctx, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            _ctx.deadline_hit = True
            raise exc("total deadline for the response passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        budget = self._budget(timeout, httpcore.ReadTimeout)
        try:
            return self._inner.read(max_bytes, budget)
        except httpcore.ReadTimeout:
            if budget != timeout:
                _ctx.deadline_hit = True
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves once, checks every address, connects to a checked one (no DNS rebinding race)."""

    def __init__(self, resolver: Resolver):
        self.resolver = resolver

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            ips = self.resolver(host)
        except (OSError, UnicodeError) as e:
            raise httpcore.ConnectError(f"cannot resolve {host}: {e}") from e
        if not ips:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        if not getattr(_ctx, "allow_private", False):
            for ip in ips:
                reason = _blocked_reason(ip)
                if reason:
                    _ctx.blocked = (
                        f"{host} resolves to {reason}; not fetched (set allow_private: true to allow)"
                    )
                    raise httpcore.ConnectError(_ctx.blocked)
        last: Exception | None = None
        for ip in ips:
            try:
                inner = super().connect_tcp(ip, port, timeout, local_address, socket_options)
                return _DeadlineStream(inner)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        assert last is not None
        raise last


def _transport(resolver: Resolver, limits: httpx.Limits) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(limits=limits, trust_env=False)
    # httpx has no public knob for the network backend; rebuild its pool with ours (same settings).
    ssl_context = transport._pool._ssl_context  # noqa: SLF001
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_GuardedBackend(resolver),
    )
    return transport


# ---- bodies ---------------------------------------------------------------------------------


class _Decoder:
    """gzip/deflate decoding that never produces more than ``limit`` bytes."""

    def __init__(self, encoding: str, url: str, limit: int):
        self.url, self.limit, self.encoding = url, limit, encoding
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
        elif encoding in ("", "identity"):
            self._z = None
        else:
            raise FetchError(
                url,
                f"unsupported Content-Encoding {encoding!r} (only gzip and deflate are asked for)",
                "encoding",
            )
        self.out = 0
        self.raw = 0

    def feed(self, chunk: bytes) -> bytes:
        self.raw += len(chunk)
        if self._z is None:
            data = chunk
        else:
            try:
                data = self._z.decompress(chunk, self.limit - self.out + 1)
            except zlib.error as e:
                raise FetchError(self.url, f"corrupt {self.encoding} body: {e}", "encoding") from None
            if self._z.unconsumed_tail:
                self.out += len(data)
                self._too_big()
        self.out += len(data)
        if self.out > self.limit:
            self._too_big()
        return data

    def _too_big(self) -> None:
        mb = self.limit / MB
        if self._z is not None:
            raise FetchError(
                self.url,
                f"{self.encoding} body expands past the {mb:g} MB cap after "
                f"{self.raw:,} compressed bytes (decompression bomb?); cut off",
                "too-large",
            )
        raise FetchError(self.url, f"response larger than the {mb:g} MB cap; cut off", "too-large")


# ---- politeness and robots.txt -------------------------------------------------------------------


class HostGate:
    """Per host: at most ``concurrency`` requests in flight; a request starts at least ``delay``
    after the previous one started and after it ended."""

    def __init__(self, delay: float, concurrency: int = 1, max_hosts: int = 50_000):
        self.delay, self.concurrency, self.max_hosts = delay, max(1, concurrency), max_hosts
        self._next: dict[str, float] = {}
        self._busy: dict[str, int] = {}
        self._delays: dict[str, float] = {}
        self._lock = threading.Lock()

    def ready_at(self, host: str, now: float) -> float | None:
        """When a request to ``host`` may start (``now`` or later); None while it is at capacity."""
        with self._lock:
            if self._busy.get(host, 0) >= self.concurrency:
                return None
            return max(now, self._next.get(host, now))

    def acquire(self, host: str, now: float) -> None:
        with self._lock:
            self._busy[host] = self._busy.get(host, 0) + 1
            self._next[host] = max(now, self._next.get(host, now)) + self._delays.get(host, self.delay)
            if len(self._next) > self.max_hosts:  # forget hosts idle long enough
                for h in [h for h, t in self._next.items() if t < now and not self._busy.get(h)]:
                    self._next.pop(h, None)
                    self._busy.pop(h, None)

    def release(self, host: str, now: float) -> None:
        """A request to ``host`` ended at ``now``: the next may start ``delay`` after it, so the
        server sees the gap even when a request was slow to leave (a busy process, a slow link)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, now), now + self._delays.get(host, self.delay))
            left = self._busy.get(host, 1) - 1
            if left > 0:
                self._busy[host] = left
            else:
                self._busy.pop(host, None)

    def set_delay(self, host: str, seconds: float) -> None:
        with self._lock:
            self._delays[host] = max(self.delay, seconds)


@dataclass
class _Robots:
    parser: RobotFileParser | None  # None: allow everything
    expires: float
    disallow_all: str | None = None  # the reason, when robots.txt could not be read (RFC 9309)


class RobotsCache:
    """robots.txt per origin (``scheme://host:port``), kept ``ttl`` seconds, bounded in size."""

    def __init__(self, ttl: float, max_size: int = 20_000):
        self.ttl, self.max_size = ttl, max_size
        self._cache: OrderedDict[str, _Robots] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def origin(url: str) -> str:
        p = urlsplit(url)
        return f"{p.scheme.lower()}://{host_of(url)}"

    def get(self, url: str, now: float) -> _Robots | None:
        with self._lock:
            entry = self._cache.get(self.origin(url))
            if entry is None or entry.expires < now:
                return None
            self._cache.move_to_end(self.origin(url))
            return entry

    def put(self, url: str, entry: _Robots) -> None:
        with self._lock:
            self._cache[self.origin(url)] = entry
            self._cache.move_to_end(self.origin(url))
            while len(self._cache) > self.max_size:
                self._cache.popitem(last=False)


ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to read at least 500 KiB
RETRY_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 523, 524})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date).

    >>> parse_retry_after("120", 0.0), parse_retry_after("soon", 0.0)
    (120.0, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def crawl_delay(lines: list[str], agent: str) -> float | None:
    """The Crawl-delay for ``agent`` (its own group first, else ``*``), decimals allowed
    (the standard library's parser ignores "Crawl-delay: 0.5").

    >>> crawl_delay(["User-agent: *", "Crawl-delay: 0.5", "", "User-agent: crisol", "Crawl-delay: 2"], "crisol")
    2.0
    """
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for line in lines:
        key, _, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif key:
            in_rules = True
            if key == "crawl-delay":
                try:
                    for a in agents:
                        delays.setdefault(a, float(value))
                except ValueError:
                    pass
    mine = next((d for a, d in delays.items() if a != "*" and a in agent.lower()), None)
    return mine if mine is not None else delays.get("*")


# ---- the fetcher ------------------------------------------------------------------------------


class Fetcher:
    """One HTTP client with its politeness gate and robots cache.

    >>> f = Fetcher(FetchConfig(contact="mailto:redaccion@example.org"))
    >>> f.config.user_agent
    'crisol/0.1.0 (+mailto:redaccion@example.org)'
    >>> f.close()
    """

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        resolver: Resolver | None = None,
        clock: Clock | None = None,
        max_connections: int = 64,
        seed: int | None = None,
    ):
        self.config = config or FetchConfig()
        self.clock = clock or Clock()
        self.gate = HostGate(self.config.delay, self.config.host_concurrency)
        self.robots = RobotsCache(self.config.robots_ttl)
        self._random = random.Random(seed)
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        timeout = httpx.Timeout(
            connect=self.config.connect_timeout,
            read=self.config.read_timeout,
            write=self.config.read_timeout,
            pool=self.config.deadline,
        )
        self.client = httpx.Client(
            transport=_transport(resolver or system_resolver, limits),
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- robots ---------------------------------------------------------------------------

    def needs_robots(self, url: str) -> bool:
        return self.config.robots and self.robots.get(url, self.clock.now()) is None

    def load_robots(self, url: str, allow_private: bool = False) -> None:
        """Fetch (one request, redirects followed) and cache the robots.txt of ``url``'s origin."""
        robots_url = RobotsCache.origin(url) + "/robots.txt"
        now = self.clock.now()
        req = Request(
            robots_url, allow_private=allow_private, accept="text/plain,*/*;q=0.5", max_bytes=ROBOTS_MAX_BYTES
        )
        entry = _Robots(None, now + self.config.robots_ttl)
        try:
            for _ in range(self.config.max_redirects + 1):
                outcome = self._request(req)
                if outcome.kind != "redirect":
                    break
                req = outcome.request
            entry = self._robots_entry(outcome, robots_url, now)
        except FetchError as e:
            if e.kind in ("unsafe-address", "unsafe-scheme"):
                raise
            if e.kind == "http" and e.status is not None and e.status < 500:
                self.robots.put(url, entry)  # no robots.txt (404, 403...): everything allowed
                return
            # Unreachable robots.txt: RFC 9309 says assume complete disallow; ask again sooner.
            entry = _Robots(
                None, now + min(self.config.robots_ttl, 600.0), f"robots.txt unreachable: {e.reason}"
            )
        self.robots.put(url, entry)

    def _robots_entry(self, outcome: Outcome, robots_url: str, now: float) -> _Robots:
        expires = now + self.config.robots_ttl
        if outcome.kind == "retry":  # 429 or 5xx
            reason = outcome.request.last_error if outcome.request else "server error"
            return _Robots(
                None, now + min(self.config.robots_ttl, 600.0), f"robots.txt unreachable: {reason}"
            )
        resp = outcome.response
        if resp is None or resp.status >= 400 or resp.status == 304:
            return _Robots(None, expires)  # no robots.txt: everything allowed
        lines = resp.body.decode("utf-8", "replace").splitlines()
        parser = RobotFileParser(robots_url)
        parser.parse(lines)
        delay = crawl_delay(lines, "crisol")
        if delay:
            self.gate.set_delay(host_of(robots_url), min(float(delay), self.config.max_crawl_delay))
        return _Robots(parser, expires)

    def allowed(self, url: str) -> str | None:
        """None when robots.txt lets crisol fetch ``url``, else the reason it does not."""
        if not self.config.robots:
            return None
        entry = self.robots.get(url, self.clock.now())
        if entry is None:
            return None  # the scheduler loads robots.txt before; a direct caller opted out
        if entry.disallow_all:
            return entry.disallow_all
        if entry.parser is not None and not entry.parser.can_fetch("crisol", url):
            return "disallowed by robots.txt"
        return None

    # ---- one request ----------------------------------------------------------------------

    def step(self, req: Request) -> Outcome:
        """Make one request for ``req`` (robots.txt must be loaded already); raises FetchError."""
        scheme = urlsplit(req.url).scheme.lower()
        if scheme not in SCHEMES:
            raise FetchError(req.url, f"only http and https are fetched, not {scheme!r}", "unsafe-scheme")
        refused = self.allowed(req.url)
        if refused:
            raise FetchError(req.url, refused, "robots")
        outcome = self._request(req)
        if outcome.kind == "retry":
            return self._retry(outcome)
        return outcome

    def _request(self, req: Request) -> Outcome:
        headers = {"Accept": req.accept}
        if req.etag:
            headers["If-None-Match"] = req.etag
        if req.last_modified:
            headers["If-Modified-Since"] = req.last_modified
        _ctx.allow_private, _ctx.blocked, _ctx.deadline_hit = req.allow_private, None, False
        _ctx.deadline = time.monotonic() + self.config.deadline
        try:
            with self.client.stream("GET", req.url, headers=headers) as r:
                return self._handle(req, r)
        except httpx.TimeoutException as e:
            if getattr(_ctx, "deadline_hit", False):
                raise FetchError(
                    req.url,
                    f"no complete response within the {self.config.deadline:g} s deadline "
                    "(a slow server dripping data?); cut off",
                    "deadline",
                ) from None
            return Outcome("retry", request=replace(req, last_error=f"timed out ({type(e).__name__})"))
        except httpx.ConnectError as e:
            if getattr(_ctx, "blocked", None):
                raise FetchError(req.url, _ctx.blocked, "unsafe-address") from None
            return Outcome("retry", request=replace(req, last_error=f"cannot connect: {e}"))
        except (httpx.TransportError, httpx.DecodingError) as e:
            return Outcome(
                "retry", request=replace(req, last_error=f"network error: {type(e).__name__}: {e}")
            )
        finally:
            _ctx.deadline = None

    def _handle(self, req: Request, r: httpx.Response) -> Outcome:
        status = r.status_code
        headers = {k.lower(): v for k, v in r.headers.items()}
        if status in REDIRECT_STATUSES and "location" in headers:
            return Outcome("redirect", request=self._redirect(req, headers["location"]))
        if status == 429 or status in RETRY_STATUSES:
            wait = parse_retry_after(headers.get("retry-after"), self.clock.now())
            if wait is not None and wait > self.config.max_retry_after:
                raise FetchError(
                    req.url,
                    f"HTTP {status}: the server asks to wait {wait:,.0f} s "
                    f"(more than the {self.config.max_retry_after:g} s allowed)",
                    "rate-limited",
                    status,
                )
            return Outcome("retry", request=replace(req, last_error=f"HTTP {status}"), delay=wait or -1.0)
        if status >= 400 or (status >= 300 and status != 304):
            raise FetchError(req.url, f"HTTP {status} {r.reason_phrase}".strip(), "http", status)
        body = b"" if status == 304 else self._body(req, r)
        return Outcome(
            "done", Response(str(req.url), status, headers, body, req.origin, list(req.hops), req.attempt + 1)
        )

    def _body(self, req: Request, r: httpx.Response) -> bytes:
        limit = req.max_bytes or self.config.max_bytes
        declared = r.headers.get("content-length")
        encoding = r.headers.get("content-encoding", "").strip().lower()
        if declared and declared.isdigit() and int(declared) > limit and encoding in ("", "identity"):
            raise FetchError(
                req.url,
                f"response of {int(declared):,} bytes is larger than the "
                f"{limit / MB:g} MB cap; not downloaded",
                "too-large",
            )
        decoder = _Decoder(encoding, req.url, limit)
        parts = []
        for chunk in r.iter_raw(65536):
            if decoder.raw > limit:
                raise FetchError(
                    req.url, f"response larger than the {limit / MB:g} MB cap; cut off", "too-large"
                )
            parts.append(decoder.feed(chunk))
        return b"".join(parts)

    def _redirect(self, req: Request, location: str) -> Request:
        target = urljoin(req.url, location.strip())
        chain = [*req.hops, req.url]
        if target in chain:
            loop = " → ".join(chain[chain.index(target) :] + [target])
            raise FetchError(req.origin, f"redirect loop: {loop}", "redirect-loop")
        if len(chain) > self.config.max_redirects:
            raise FetchError(
                req.origin,
                f"more than {self.config.max_redirects} redirects (last to {target})",
                "too-many-redirects",
            )
        if urlsplit(target).scheme.lower() not in SCHEMES:
            raise FetchError(req.origin, f"redirected to a non-http(s) URL {target!r}", "unsafe-scheme")
        return replace(req, url=target, hops=chain, attempt=0, last_error=None)

    def _retry(self, outcome: Outcome) -> Outcome:
        req = outcome.request
        assert req is not None
        if req.attempt >= self.config.retries:
            raise FetchError(
                req.url, f"gave up after {req.attempt + 1} attempts: {req.last_error}", "gave-up"
            )
        wait = outcome.delay if outcome.delay >= 0 else self.backoff(req.attempt)
        return Outcome("retry", request=replace(req, attempt=req.attempt + 1), delay=wait)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: about ``backoff * 2**attempt``, between 50% and 100%."""
        base = min(self.config.backoff_max, self.config.backoff * (2**attempt))
        return base * self._random.uniform(0.5, 1.0)

    # ---- a whole fetch, for one-off use ------------------------------------------------------

    def get(self, url: str, **request: Any) -> Response:
        """Fetch ``url`` to the end: robots.txt, politeness, redirects, retries (sleeping on the
        clock). Keyword arguments are :class:`Request` fields (``etag``, ``allow_private``...)."""
        req = Request(url, **request)
        while True:
            host = host_of(req.url)
            self._wait_turn(host)
            try:
                if self.needs_robots(req.url):
                    self.load_robots(req.url, req.allow_private)
                    continue
                outcome = self.step(req)
            finally:
                self.gate.release(host, self.clock.now())
            if outcome.kind == "done":
                return outcome.response
            req = outcome.request
            self.clock.sleep(outcome.delay)

    def _wait_turn(self, host: str) -> None:
        while True:
            now = self.clock.now()
            at = self.gate.ready_at(host, now)
            if at is not None and at <= now:
                self.gate.acquire(host, now)
                return
            self.clock.sleep((at - now) if at is not None else 0.05)
