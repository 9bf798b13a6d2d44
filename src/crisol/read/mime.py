"""Saved web pages (MHTML, "Save as single file") and e-mails (newsletters): MIME messages.

The first ``text/html`` part is the article (``format`` "html"), else the first ``text/plain``
part (``format`` "text"). An MHTML snapshot names its page in ``Snapshot-Content-Location`` and
its capture time in ``Date``; an e-mail's ``Date`` is when it was sent.
"""

from __future__ import annotations

import contextlib
import email
import email.errors
import email.header
import email.policy
from collections.abc import Iterator
from email.message import Message
from typing import Any

from crisol.model import RawArticle, Rejection
from crisol.read.decode import Undecodable, decode, decode_text, meta_charset
from crisol.read.inputs import InputFile
from crisol.read.limits import MAX_FEED_BYTES, human_size
from crisol.read.stream import ByteStream, StreamBroken, TooLarge

# Saved pages carry their images and styles: allow more than one article's text.
MAX_MIME_BYTES = MAX_FEED_BYTES


def read_mime(inp: InputFile, stream: ByteStream) -> Iterator[RawArticle | Rejection]:
    """The page of an MHTML file, or the body of an e-mail, as one article."""
    try:
        data = stream.read_all(MAX_MIME_BYTES)
    except TooLarge as e:
        yield Rejection(inp.source, f"MIME file larger than the {human_size(e.limit)} limit")
        return
    except StreamBroken as e:
        yield Rejection(inp.source, e.reason)
        return
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = _first_part(message, "text/html") or _first_part(message, "text/plain")
    if part is None:
        yield Rejection(inp.source, "MIME message without an HTML or text part")
        return
    yield _article(inp.source, message, part)


def _first_part(message: Message, content_type: str) -> Message | None:
    for part in message.walk():
        if part.get_content_type() == content_type and not part.is_multipart():
            return part
    return None


def _article(source: str, message: Message, part: Message) -> RawArticle | Rejection:
    body = part.get_payload(decode=True) or b""
    if not isinstance(body, bytes) or not body.strip():
        return Rejection(source, "the MIME message's main part is empty")
    kind = "html" if part.get_content_type() == "text/html" else "text"
    declared = [part.get_content_charset(), meta_charset(body) if kind == "html" else None]
    try:
        meta = decode_text(body, declared).meta(kind)
    except Undecodable as e:
        return Rejection(source, f"cannot decode the MIME part: {e}")
    meta.update(_headers(message, part))
    return RawArticle(source=source, data=body, format=kind, meta=meta)  # type: ignore[arg-type]


def _headers(message: Message, part: Message) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    subject = _header(message, "Subject")
    if subject:
        meta["title"] = subject
    url = _header(message, "Snapshot-Content-Location") or _header(part, "Content-Location")
    if url:
        meta["url"] = url
    date = _header(message, "Date")
    if date and _header(message, "Snapshot-Content-Location"):
        meta["fetched"] = meta["date"] = date  # when the page was saved
        meta["date_field"] = "fetch"
    elif date:
        meta["date"], meta["date_field"] = date, "metadata"  # when the e-mail was sent
    return meta


def _header(message: Message, name: str) -> str | None:
    # raw_items: the value as it was, raw 8-bit bytes kept as surrogates (not as U+FFFD)
    value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if not isinstance(value, str):
        return None
    if any("\udc80" <= ch <= "\udcff" for ch in value):  # UTF-8 or Latin-1 sent unencoded
        with contextlib.suppress(Undecodable, UnicodeEncodeError):
            value = decode(value.encode("ascii", "surrogateescape"))[0]
    try:  # "=?utf-8?Q?...?=" words; a garbled charset name leaves the header as it is
        decoded = str(email.header.make_header(email.header.decode_header(str(value))))
    except (LookupError, UnicodeError, email.errors.MessageError):
        decoded = str(value)
    return decoded.strip() or None
