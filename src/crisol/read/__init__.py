"""Reading inputs: paths, folders, globs and stdin to :class:`~crisol.model.RawArticle` values.

Only this package knows file formats. :func:`expand` turns what the user gave into
:class:`InputFile` values; :func:`read_input` sniffs each input's bytes (after gunzipping; the
name is never trusted) and hands it to the reader registered for its format in :data:`READERS`.
Anything that cannot be read becomes a :class:`~crisol.model.Rejection` naming the input, the
place inside it ("line 12", "item 3", "record 5 (offset 8812)") and the reason.

Formats (``RawArticle.format``): ``text`` (article as scraped), ``html`` (a page), ``news-please``
and ``json`` (JSON Lines, or a JSON object / list), ``csv`` (a CSV/TSV table with a header naming
article columns), ``rss`` and ``atom`` (feed items), ``warc`` (HTTP 200 HTML responses of a WARC
file, such as CC-NEWS). Saved pages (MHTML) and e-mails give their HTML part as ``html`` (or
their text part as ``text``). Any of them may be gzipped.

``RawArticle.data`` holds the bytes of the article's part of the input: the whole (gunzipped)
file for text and HTML, the line for JSON Lines, the row for CSV, the item's JSON or XML text,
the HTTP payload (UTF-16 JSON and CSV inputs are re-encoded to UTF-8 first).

``RawArticle.meta`` keys (only those the input provides are set; all values are ``str`` except
``authors``):

- ``text``: the article as plain text, or ``html``: as HTML (exactly one of the two)
- ``encoding``: the charset the bytes were decoded from (``utf-8``, ``cp1252``...)
- ``title``, ``url``, ``outlet`` (news-please ``source_domain``, the feed title), ``language``
- ``date``: a date as the input wrote it (not parsed); ``date_field`` says which kind
- ``date_field``: ``metadata`` (the record's publication date), ``feed`` (an item's pubDate or
  Atom published/updated) or ``fetch`` (only the download time is known: WARC-Date, or
  news-please ``date_download`` without ``date_publish``)
- ``authors``: list of names
- ``summary``: description or lead, beside the full text
- ``fetched``: when the page was downloaded (WARC-Date, news-please ``date_download``)

>>> data = '{"title": "Sube el paro", "text": "Subió en marzo.", "outlet": "Diario"}'.encode()
>>> [a.meta for a in read_input(InputFile("-", None, data, len(data)))]
[{'title': 'Sube el paro', 'outlet': 'Diario', 'text': 'Subió en marzo.',
  'encoding': 'utf-8'}]
"""

from crisol.read.inputs import InputFile, expand
from crisol.read.limits import MAX_ARTICLE_BYTES, MAX_FEED_BYTES, MAX_RECORD_BYTES
from crisol.read.registry import READERS, Reader, read_input, reader_for
from crisol.read.sniff import sniff

__all__ = [
    "InputFile",
    "MAX_ARTICLE_BYTES",
    "MAX_FEED_BYTES",
    "MAX_RECORD_BYTES",
    "READERS",
    "Reader",
    "expand",
    "read_input",
    "reader_for",
    "sniff",
]
