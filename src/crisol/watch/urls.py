"""URL canonicalisation: the many spellings of one article's address become one.

Feeds, sitemaps and redirects name the same article in many ways: with tracking parameters
(``utm_source``, ``fbclid``...), a fragment, an AMP or a mobile variant, an explicit default port,
an upper-case host. :func:`canonical_url` maps them all to one key, so an article fetched twice
is stored once.

>>> canonical_url("HTTPS://M.Example.com:443/mundo/nota/amp/?utm_source=tw&id=7#comentarios")
'https://example.com/mundo/nota/?id=7'
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from crisol.errors import CrisolError

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only say who sent the reader (never which article): dropped.
TRACKING_PARAMS = frozenset(
    """fbclid gclid gclsrc dclid gbraid wbraid msclkid yclid twclid ttclid li_fat_id igshid
    mc_cid mc_eid _ga _gl _hsenc _hsmi mkt_tok ocid ncid cmpid s_cid icid ref_src ref_url
    __twitter_impression at_medium at_campaign at_custom1 at_custom2 at_custom3 at_custom4
    sr_share ito int_source xtor amp outputtype output""".split()
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_")
# Values of "output"/"outputType" that select an AMP rendering (other values may matter).
_AMP_VALUES = frozenset({"amp", "1", ""})
_AMP_KEYS = frozenset({"amp", "outputtype", "output"})
# Subdomains that serve another rendering of the same site.
VARIANT_SUBDOMAINS = ("amp.", "m.", "mobile.")
# An AMP path: ".../story/amp", ".../story/amp/", ".../story.amp", ".../story.amp.html", "/amp/...".
_AMP_SUFFIX = re.compile(r"(?:/amp/?|\.amp)(?=$|\.html?$)", re.I)
_AMP_PREFIX = re.compile(r"^/amp(?=/)", re.I)
# Google's AMP cache: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path
_AMP_CACHE = re.compile(r"^/[a-z]/(s/)?(.+)$")
_UNRESERVED = "-._~"


class UnsupportedURL(CrisolError, ValueError):
    """Not an http(s) URL crisol will fetch (``file:``, ``ftp:``, ``javascript:``, no host...)."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL; raises :class:`UnsupportedURL` for anything else.

    >>> canonical_url("http://Example.COM:80/a/../b/./c?b=2&a=1&fbclid=xyz")
    'http://example.com/b/c?a=1&b=2'
    >>> canonical_url("https://amp.example.org/2025/06/05/visita.amp.html")
    'https://example.org/2025/06/05/visita.html'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError as e:  # "Invalid IPv6 URL", a bracketed host that is no address
        raise UnsupportedURL(url, str(e)) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsupportedURL(url, f"only http and https are fetched, not {scheme or 'a relative URL'!r}")
    host = _host(url, parts)
    if host.endswith(".cdn.ampproject.org"):
        unwrapped = _from_amp_cache(parts)
        if unwrapped is not None:
            return canonical_url(unwrapped)
    netloc = _bracketed(host)
    port = _port(url, parts)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _path(parts.path)
    query = _query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def fetchable_url(url: str) -> str:
    """The address to request: tracking parameters and the fragment removed, nothing else
    (a mobile or AMP host may be the only one that answers).

    >>> fetchable_url("https://m.example.com/nota?id=7&utm_medium=rss#arriba")
    'https://m.example.com/nota?id=7'
    """
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower() in TRACKING_PARAMS and k.lower() not in _AMP_KEYS)
        and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), ""))


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, lower case, default port dropped (the politeness key).

    >>> host_of("https://Example.com:443/x"), host_of("http://127.0.0.1:8080/")
    ('example.com', '127.0.0.1:8080')
    >>> host_of("http://[::1]:8080/"), host_of("https://[2001:DB8:0::1]/")
    ('[::1]:8080', '[2001:db8::1]')
    """
    parts = urlsplit(url)
    host = _bracketed((parts.hostname or "").rstrip("."))
    port = parts.port
    if port is None or port == DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def _bracketed(host: str) -> str:
    """``host`` as a URL spells it: an IPv6 literal in brackets, in its one compressed form.

    >>> _bracketed("::1"), _bracketed("2001:DB8:0:0::1"), _bracketed("example.org")
    ('[::1]', '[2001:db8::1]', 'example.org')
    """
    if ":" not in host:
        return host
    try:
        return f"[{ipaddress.IPv6Address(host.split('%', 1)[0]).compressed}]"
    except ValueError:
        return f"[{host}]"


def _host(url: str, parts) -> str:
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsupportedURL(url, "the URL has no host")
    if ":" in host:  # an IPv6 literal: no IDNA, no variant subdomains
        if "%" in host:
            raise UnsupportedURL(url, "an IPv6 zone id (%...) names a local interface, not a public host")
        try:
            return ipaddress.IPv6Address(host).compressed
        except ValueError:
            raise UnsupportedURL(url, f"{host!r} is not a valid IPv6 address") from None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise UnsupportedURL(url, "the host name is not a valid international domain name") from None
    for prefix in VARIANT_SUBDOMAINS:
        rest = host[len(prefix) :]
        if host.startswith(prefix) and "." in rest:
            return rest
    return host


def _port(url: str, parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        raise UnsupportedURL(url, "the port is not a number between 0 and 65535") from None


def _path(path: str) -> str:
    segments: list[str] = []
    for seg in path.split("/"):
        if seg == "..":
            if segments:
                segments.pop()
        elif seg != ".":
            segments.append(seg)
    path = "/".join(segments)
    if not path.startswith("/"):
        path = "/" + path
    path = _AMP_PREFIX.sub("", path)
    path = _AMP_SUFFIX.sub(
        lambda m: "/" if m.group(0).startswith("/") and m.group(0).endswith("/") else "", path
    )
    # Same escaping for every spelling: %7e and ~ are one character.
    return quote(unquote(path), safe="/:@!$&'()*+,;=%" + _UNRESERVED) or "/"


def _query(query: str) -> str:
    kept = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        k = key.lower()
        if k in _AMP_KEYS and value.lower() not in _AMP_VALUES:
            kept.append((key, value))  # output=json is a different document
        elif k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES):
            continue
        else:
            kept.append((key, value))
    return urlencode(sorted(kept), doseq=True)


def _from_amp_cache(parts) -> str | None:
    m = _AMP_CACHE.match(parts.path)
    if not m:
        return None
    scheme = "https" if m.group(1) else "http"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{m.group(2)}{query}"
