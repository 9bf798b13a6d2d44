"""Build examples/crawl.warc.gz, a small web crawl for `make demo`.

The crawl holds two pages as a crawler would have fetched them (a request and a response record
each, after a warcinfo record):

- La Crónica Global's page, byte for byte the same as examples/la-cronica-global_*.html, so
  ingesting examples/ meets an exact copy of one article in another format;
- The Pacific Ledger's page (scripts/examples/warc_src/), found only in the crawl.

Record ids and dates are fixed, so running this again gives the same records. Run it with the
project's Python from the project root: ``.venv/bin/python scripts/make_example_warc.py``.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
OUT = EXAMPLES / "crawl.warc.gz"
PAGES = [
    (
        EXAMPLES / "la-cronica-global_peru-fondos-espana.html",
        "https://www.lacronicaglobal.example/mundo/2025/10/09/peru-fondos-espana-reconstruccion.html",
        "2025-10-09T17:02:11Z",
    ),
    (
        HERE / "examples" / "warc_src" / "pacific-ledger_germany-peru-water.html",
        "https://www.pacificledger.example/americas/2025/11/04/germany-lima-water",
        "2025-11-04T21:30:45Z",
    ),
]


def _record_id(*parts: str) -> str:
    # Deterministic ids: the same crawl gives the same records every time.
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(parts))}>"


def _headers(kind: str, url: str, when: str) -> dict[str, str]:
    return {"WARC-Date": when, "WARC-Record-ID": _record_id(kind, url, when)}


def build(out: Path = OUT) -> Path:
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(
            "crawl.warc.gz",
            {"software": "crisol scripts/make_example_warc.py", "description": "invented articles for the crisol demo"},
        )
        info.rec_headers.replace_header("WARC-Date", "2025-11-04T21:30:00Z")
        info.rec_headers.replace_header("WARC-Record-ID", _record_id("warcinfo"))
        writer.write_record(info)
        for path, url, when in PAGES:
            _write_page(writer, path.read_bytes(), url, when)
    return out


def _write_page(writer: WARCWriter, body: bytes, url: str, when: str) -> None:
    host = url.split("/")[2]
    path = "/" + url.split("/", 3)[3]
    request = StatusAndHeaders(f"GET {path} HTTP/1.1", [("Host", host), ("User-Agent", "crisol-demo/0.1")],
                               is_http_request=True)
    req = writer.create_warc_record(url, "request", http_headers=request, payload=io.BytesIO(b""),
                                    warc_headers_dict=_headers("request", url, when))
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                       ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    resp = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                     warc_headers_dict=_headers("response", url, when))
    resp.rec_headers.add_header("WARC-Concurrent-To", req.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(req)
    writer.write_record(resp)


if __name__ == "__main__":
    print(build())
