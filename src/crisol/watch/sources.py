"""The sources file: which outlets to watch, where their feeds are, how often to poll.

YAML (``.yaml``/``.yml``) or TOML (``.toml``)::

    contact: mailto:redaccion@example.org   # goes into the User-Agent
    fetch: {delay: 2, timeout: 15}          # optional FetchConfig overrides
    sources:
      - name: Diario del Puerto
        country: ESP
        language: es
        homepage: https://www.diariodelpuerto.example/
        feeds: [https://www.diariodelpuerto.example/rss/portada.xml]
        sitemaps: [https://www.diariodelpuerto.example/sitemap-news.xml]
        interval: 15m

>>> s = Source.from_dict({"name": "Ejemplo", "feeds": ["https://ejemplo.test/rss"], "interval": "1h"})
>>> s.interval, s.language
(3600.0, None)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from crisol.errors import CrisolError
from crisol.watch.urls import UnsupportedURL, canonical_url

DEFAULT_INTERVAL = 900.0  # seconds between two polls of a source
MIN_INTERVAL = 1.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$", re.I)
_UNITS = {None: 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


class SourcesError(CrisolError):
    """The sources file, or one source in it, is not valid; the message names both."""


def parse_duration(value: Any, what: str = "duration") -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"2h"``, ``"1d"``.

    >>> parse_duration("15m"), parse_duration(30), parse_duration("1.5h")
    (900.0, 30.0, 5400.0)
    """
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number of seconds or like '15m'; got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"{what} must be a number of seconds or like '90s', '15m', '2h'; got {value!r}")
    return float(m.group(1)) * _UNITS[m.group(2).lower() if m.group(2) else None]


@dataclass
class Source:
    """One outlet to watch. ``name`` is its key; country and language flow into its articles."""

    name: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    homepage: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3, like the rest of crisol
    language: str | None = None  # ISO 639-1
    interval: float = DEFAULT_INTERVAL
    # Re-check (conditionally) articles still listed in a feed this long after their last fetch;
    # None: only when the feed says the item was updated.
    recheck: float | None = None
    # Fetch addresses on private or loopback networks (an intranet wire, a test server).
    allow_private: bool = False

    @classmethod
    def from_dict(cls, d: dict[str, Any], where: str = "sources") -> Source:
        if not isinstance(d, dict):
            raise SourcesError(f"{where}: each source must be a mapping with at least a name; got {d!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        name = str(d.get("name") or "").strip()
        label = f"{where}: source {name!r}" if name else f"{where}: a source"
        if not name:
            raise SourcesError(f"{label} has no name")
        if unknown:
            raise SourcesError(
                f"{label}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        try:
            return cls._build(d, name)
        except (ValueError, TypeError) as e:
            raise SourcesError(f"{label}: {e}") from None

    @classmethod
    def _build(cls, d: dict[str, Any], name: str) -> Source:
        feeds = _urls(d.get("feeds"), "feeds")
        sitemaps = _urls(d.get("sitemaps"), "sitemaps")
        if not feeds and not sitemaps:
            raise ValueError("needs at least one feed or sitemap URL")
        homepage = d.get("homepage")
        if homepage:
            canonical_url(str(homepage))
        interval = parse_duration(d.get("interval", DEFAULT_INTERVAL), "interval")
        if interval < MIN_INTERVAL:
            raise ValueError(f"interval must be at least {MIN_INTERVAL:g} s; got {interval:g}")
        recheck = d.get("recheck")
        country = d.get("country")
        language = d.get("language")
        return cls(
            name=name,
            feeds=feeds,
            sitemaps=sitemaps,
            homepage=str(homepage) if homepage else None,
            country=str(country).upper() if country else None,
            language=str(language).lower() if language else None,
            interval=interval,
            recheck=None if recheck is None else parse_duration(recheck, "recheck"),
            allow_private=_bool(d.get("allow_private", False), "allow_private"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The fields worth writing back (defaults left out)."""
        d = asdict(self)
        defaults = Source(name=self.name)
        return {k: v for k, v in d.items() if k == "name" or v != getattr(defaults, k)}


def _urls(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list of URLs; got {value!r}")
    out = []
    for url in value:
        try:
            canonical_url(str(url))
        except UnsupportedURL as e:
            raise ValueError(f"{what}: {e}") from None
        out.append(str(url).strip())
    return out


def _bool(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{what} must be true or false; got {value!r}")


@dataclass
class SourcesFile:
    """A parsed sources file: the sources plus file-wide settings."""

    path: Path | None
    sources: list[Source] = field(default_factory=list)
    contact: str | None = None
    fetch: dict[str, Any] = field(default_factory=dict)  # FetchConfig overrides

    def get(self, name: str) -> Source | None:
        key = name.casefold()
        return next((s for s in self.sources if s.name.casefold() == key), None)

    def add(self, source: Source, replace: bool = False) -> None:
        existing = self.get(source.name)
        if existing is not None and not replace:
            raise SourcesError(f"{self.where}: a source named {source.name!r} already exists (use --replace)")
        if existing is not None:
            self.sources[self.sources.index(existing)] = source
        else:
            self.sources.append(source)

    def remove(self, name: str) -> Source:
        found = self.get(name)
        if found is None:
            names = ", ".join(s.name for s in self.sources) or "none"
            raise SourcesError(f"{self.where}: no source named {name!r} (sources: {names})")
        self.sources.remove(found)
        return found

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "sources"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.contact:
            d["contact"] = self.contact
        if self.fetch:
            d["fetch"] = dict(self.fetch)
        d["sources"] = [s.to_dict() for s in self.sources]
        return d


def parse_sources(data: dict[str, Any] | None, where: str = "sources") -> SourcesFile:
    """A :class:`SourcesFile` from already-parsed YAML/TOML data."""
    data = data or {}
    if not isinstance(data, dict):
        raise SourcesError(f"{where}: expected a mapping with a 'sources' list at the top")
    unknown = sorted(set(data) - {"contact", "fetch", "sources"})
    if unknown:
        raise SourcesError(
            f"{where}: unknown top-level key(s) {', '.join(unknown)}; known: contact, fetch, sources"
        )
    raw_sources = data.get("sources") or []
    if not isinstance(raw_sources, list):
        raise SourcesError(f"{where}: 'sources' must be a list")
    fetch = data.get("fetch") or {}
    if not isinstance(fetch, dict):
        raise SourcesError(f"{where}: 'fetch' must be a mapping of fetch settings")
    out = SourcesFile(path=None, contact=data.get("contact"), fetch=dict(fetch))
    for i, d in enumerate(raw_sources, 1):
        source = Source.from_dict(d, f"{where} (source {i})")
        if out.get(source.name):
            raise SourcesError(f"{where}: the name {source.name!r} is used twice")
        out.sources.append(source)
    return out


def load_sources(path: str | Path) -> SourcesFile:
    """Read a YAML or TOML sources file; a missing file is an empty one (``sources add`` creates it)."""
    path = Path(path)
    if not path.exists():
        return SourcesFile(path=path)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if _is_toml(path) else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as e:
        raise SourcesError(f"{path}: not valid {'TOML' if _is_toml(path) else 'YAML'}: {e}") from None
    parsed = parse_sources(data, str(path))
    parsed.path = path
    return parsed


def save_sources(sf: SourcesFile, path: str | Path | None = None) -> Path:
    """Write the sources back, as TOML or YAML after the file's extension."""
    path = Path(path or sf.path or "sources.yaml")
    data = sf.to_dict()
    text = _to_toml(data) if _is_toml(path) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # never a half-written sources file
    return path


def _is_toml(path: Path) -> bool:
    return path.suffix.lower() == ".toml"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"
    s = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def _to_toml(data: dict[str, Any]) -> str:
    """The tiny subset of TOML a sources file needs (no TOML writer in the standard library)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if k != "sources"]
    for source in data.get("sources", []):
        lines += ["", "[[sources]]"] + [f"{k} = {_toml_value(v)}" for k, v in source.items() if v is not None]
    return "\n".join(lines) + "\n"
