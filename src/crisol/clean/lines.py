"""The line classifier: which lines of a scraped article are the article, which are the site.

Ordered rules over line features (length, terminal punctuation, capitals, position, digits only,
similarity to the headline, cue phrases from ``resources/<lang>/boilerplate.json``). Every line
gets a decision with a reason name, kept or not, so nothing is dropped silently.

Two passes:

1. *line rules*, each looking at one line and a strong cue: credits and captions ("Foto: EFE",
   a credit glued to the last word as in "...en UcraniaAFP", "(left)"/"(derecha)" markers), share
   prompts, calls to subscribe or follow, bylines, datelines, mastheads, related-link cues, site
   chrome ("Publicidad", "Tags: ..."), numbers alone;
2. *structure rules*, looking at neighbours: the lines a "Te puede interesar:" header
   introduces, numbered lists of other headlines, short labels and mottos before the headline
   (a motto: short, sharing no word with the article, followed by a longer headline), repeats
   of the headline, repeated paragraphs, a run of headline-like lines after the last paragraph.

A credit glued to the end of a real paragraph ("...con su familia.Foto: EFE") is cut off
(``LineDecision.trimmed``) and the paragraph kept.

Body sentences are protected: the structure rules only remove lines that are not sentences
(a sentence ends in terminal punctuation and has several words, or is long), so only a strong
line cue can remove a sentence. Subheadings inside the body (short lines without a final period
between paragraphs) are KEPT with reason "subheading": they are written by the article's author
and carry claims of their own ("X respalda a Y en encuentro político"); an annotator that wants
to can treat them apart, since each kept line becomes its own paragraph.

>>> text = "Fundado en 1910\\n\\nKim recibe al ministro ruso en Wonsan\\n" \\
...        "Por Diario Ejemplo\\n" \\
...        "El líder norcoreano recibió ayer al ministro ruso de Exteriores en la costa este.\\n" \\
...        "Compartir en Facebook"
>>> [(d.line, d.keep, d.reason) for d in classify_lines(text) if d.text]
[(1, False, 'masthead'), (3, True, 'title'), (4, False, 'byline'), (5, True, 'body'), (6, False, 'share-prompt')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rapidfuzz import fuzz

from crisol.clean.cues import Cues, load_cues
from crisol.clean.dates import find_date
from crisol.clean.sentences import sentence_spans
from crisol.text import fold_words

KEEP_REASONS = frozenset({"title", "standfirst", "body", "subheading"})

_TERMINAL = re.compile(r"[.!?…;][\"'»”’)\]\s]*$")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")
_TIME_ALONE = re.compile(r"\d{1,2}[:.]\d{2}(?::\d{2})?\s?(?:[ap]\.?\s?m\.?|hs?|hrs|horas)?")
_PHOTO_WORD = re.compile(r"\b(photo|foto|fotografia|imagen|image|picture)s?\b")
_NUMBER_ALONE = re.compile(r"[#nº°]?\s?\d{1,3}[.)]?")
_RELATIVE_TIME = re.compile(
    r"((updated|published|posted|actualizado|publicado|modificado)\s*:?\s*)?"
    r"(hace \d+ (segundos?|minutos?|horas?|dias?)|\d+ (seconds?|minutes?|mins?|hours?|hrs?|days?) ago)"
    r"|(\d+ )?(min|minutos|minutes) de lectura|\d+ min(ute)? read|tiempo de lectura.{0,20}|reading time.{0,20}"
)
_NAME_PARTICLES = frozenset(
    "de del la las los y e da das do dos di du van von der den le bin al el and".split()
)
_STRIP = " \t:;,.|·•»›>-–—_*#"

# Limits of the rules, in words of a line (``_Line.words``) unless the name says otherwise. Each
# marks where a line stops looking like what the rule removes; they were set on the seeds, the
# fixtures of tests/fixtures/clean and clean article bodies, where (almost) nothing may go
# (docs/bench/boilerplate.md).

# What a line is.
SENTENCE_MIN_WORDS = 6  # with a final period, this many words are prose, not a label or a credit
LONG_LINE_WORDS = 30  # a line this long is prose even without a final period
HEADLINE_MIN_WORDS = 2  # one word alone is a label ("Internacional"), not a headline
LINK_QUESTION_MAX_WORDS = 25  # a linked headline may end in "?" or "!"; a longer question is prose
PROSE_MIN_WORDS = 20  # with a final period or two sentences, prose rather than a caption
PROSE_MIN_SENTENCES = 2  # "Kim llegó. Lavrov lo recibió.": a caption is rarely two sentences

# 1. Line rules: a cue decides only on a line short enough to be the thing the cue names.
MASTHEAD_MAX_WORDS = 12  # a masthead cue ("Fundado en 1910") decides on a name or motto, not on news
CHROME_CUE_MAX_WORDS = 10  # a chrome phrase opening a line ("política de privacidad y cookies")
COPYRIGHT_MAX_WORDS = 25  # a "©" footer is a line or two; a longer line with "©" is prose or a caption
META_LABEL_MAX_WORDS = 15  # "Tags: a, b, c", "Categoría: Política": a label and a short value
PROMO_MAX_WORDS = 60  # a call to subscribe not written as prose, up to a short paragraph
PROMO_PROSE_MAX_WORDS = 25  # this short, a promo cue decides even on a line that reads as prose
CAPTION_MAX_WORDS = 50  # captions with positional markers ("(left)") are at most this long
CAPTION_MIN_MARKERS = 2  # "(left) ... (right)": two markers make a caption even in prose
SHARE_MAX_TOKENS = 10  # a row of share buttons ("Facebook Twitter WhatsApp Email")
SHARE_CUE_MAX_WORDS = 12  # a share cue opening a line ("Comparte esta noticia en tus redes")
RELATED_LINK_MAX_WORDS = 45  # "Lee también: <headline>": a cue and one headline, at most
CREDIT_MAX_WORDS = 15  # "Foto: EFE / Juan Pérez": a credit alone on its line
CREDIT_NAME_MAX_WORDS = 6  # words after "Foto:" naming an agency or people; more is a caption
CREDIT_SEARCH_MAX_WORDS = 60  # past this a line is a paragraph: no credit is sought at its end
CREDIT_TEXT_MAX_CHARS = 60  # "Foto: ..." closing a caption: the credit, not another sentence
CREDIT_SUFFIX_MAX_CHARS = 40  # "EFE / Photographer Name", "Reuters/Archivo" after the agency
CREDITED_SENTENCE_MIN_WORDS = 12  # one full sentence this long before "// EFE" is a paragraph
BYLINE_NAME_MAX_TOKENS = 8  # a byline names a few people and an outlet; more is a phrase
BYLINE_CUE_MAX_WORDS = 10  # "Por Redacción / EFE": a byline opening a short line
DATELINE_MAX_WORDS = 16  # a date with a place, a time and "Actualizado"; more is a sentence
DATELINE_MAX_OTHER_WORDS = 2  # words besides the date and dateline words ("Madrid", a name)
PARTIAL_DATE_MAX_TOKENS = 6  # "Jueves, 5 de junio" alone; a longer line says more than a date
SHORT_MONTH_MAX_LETTERS = 3  # "may", "mar" alone are words, not dates: a month name must be longer
NAV_MIN_ITEMS = 3  # "Portada   Nacional   Deportes": fewer items could be a name and a title
NAV_ITEM_MAX_WORDS = 3  # menu items are one to three words

# 2. Structure rules: how far they reach, and what a headline, a label or a repeat is.
RELATED_BLOCK_MAX = 3  # headlines a related-links header takes inside the body
NUMBERED_LIST_MIN_ITEMS = 2  # "1" / headline / "2" / headline: one pair could be a real numbering
TITLE_SEARCH_LINES = 8  # the metadata title is looked for among the first lines only
SAME_LINE_RATIO = 90  # rapidfuzz ratio (0-100) from which two lines are the same headline
TITLE_MIN_WORDS = 3  # a shorter line is a label, not the headline
TITLE_MAX_WORDS = 30  # a longer opening line is the lead paragraph, not the headline
TITLE_MAX_CHARS = 220  # ... and so is one longer than two lines of a wide page
TITLE_SENTENCE_MAX_WORDS = 20  # a headline-like summary may end in a period, if it is short
MOTTO_MAX_WORDS = 6  # mottos, mastheads and kickers before the headline are short
CONTENT_WORD_MIN_LETTERS = 5  # words this long carry a topic; shorter ones are mostly function words
LABEL_MAX_WORDS = 2  # one or two words without a period cannot be a headline
SHOUTED_LABEL_MAX_WORDS = 4  # "ÚLTIMA HORA", "EN VIVO": a short line in capitals is a label
REPEAT_MIN_WORDS = 3  # shorter lines may echo the headline by chance ("Kim y Lavrov")
ABBREVIATION_MIN_WORDS = 4  # a shortened headline (a caption reusing it) keeps this many words
ABBREVIATION_MIN_SHARE = 0.6  # ... and at least this share of the headline's characters
ABBREVIATION_MIN_RATIO = 95  # rapidfuzz partial_ratio: its words are the headline's, nearly all
DUPLICATE_MIN_WORDS = 10  # short lines repeat legitimately (list items, an interview's question)
TRAILING_LINK_MIN_WORDS = 6  # a link to another article is a headline, not a short label
TRAILING_RUN_MIN = 2  # one headline-like line after the body may be the article's last line
STANDFIRST_MAX_WORDS = 60  # the summary under the headline is one or two sentences
SUBHEADING_MAX_WORDS = 20  # a subheading between paragraphs is a short phrase

_CONTENT_WORD = re.compile(rf"[a-z]{{{CONTENT_WORD_MIN_LETTERS},}}")


@dataclass
class LineDecision:
    """What the classifier decided for one line (``keep`` and a reason name)."""

    line: int  # 1-based, in the text given to classify_lines
    text: str  # whitespace-normalised
    keep: bool
    reason: str
    trimmed: str | None = None  # a credit cut from the end of a kept line ("... Foto: EFE")


class _Line:
    """One line and its features (computed once)."""

    def __init__(self, number: int, raw: str):
        self.number = number
        self.raw = raw  # as written: wide gaps between menu items are a layout cue
        self.text = " ".join(raw.replace("\u00a0", " ").replace("\u200b", "").split())
        self.reason: str | None = None
        self.trimmed: str | None = None  # a credit cut from the end of a kept paragraph

    def cut(self, start: int) -> None:
        """Keep ``text[:start]``; the rest (a credit) is recorded as trimmed."""
        self.trimmed = self.text[start:].strip()
        self.text = self.text[:start].rstrip(" /|-–—(")
        for name in (
            "folded",
            "bare",
            "words",
            "terminal",
            "starts_upper",
            "sentence",
            "headline",
            "linkish",
        ):
            self.__dict__.pop(name, None)

    @cached_property
    def folded(self) -> str:
        return fold_words(self.text)

    @cached_property
    def bare(self) -> str:
        """Folded, without leading/trailing punctuation: the form compared with whole-line cues."""
        return self.folded.strip(_STRIP + "()[]\"'«“”")

    @cached_property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    @cached_property
    def terminal(self) -> bool:
        return bool(_TERMINAL.search(self.text))

    @property
    def blank(self) -> bool:
        return not self.text

    @cached_property
    def starts_upper(self) -> bool:
        first = next((c for c in self.text if c.isalnum()), "")
        return first.isupper() or first.isdigit()

    @cached_property
    def inner_stops(self) -> int:
        """Sentence ends inside the line (the shared splitter's, so "Sr. Pérez" is none)."""
        return len(sentence_spans(self.text)) - 1 if self.text else 0

    @cached_property
    def sentence(self) -> bool:
        """Prose: terminal punctuation and several words, or long."""
        return (self.terminal and self.words >= SENTENCE_MIN_WORDS) or self.words >= LONG_LINE_WORDS

    @cached_property
    def headline(self) -> bool:
        """Looks like a headline: no final period, capitalised, 2 to 30 words."""
        return (
            not self.terminal
            and HEADLINE_MIN_WORDS <= self.words < LONG_LINE_WORDS
            and self.starts_upper
            and not self.inner_stops  # a headline is one phrase
        )

    @cached_property
    def linkish(self) -> bool:
        """Could be the text of a link to another article (headlines may end in ? or !)."""
        question = self.text.rstrip("\"'»”’").endswith(("?", "!")) and self.words <= LINK_QUESTION_MAX_WORDS
        return self.headline or (question and self.starts_upper)


def classify_lines(text: str, title: str | None = None, *, prelude: bool = True) -> list[LineDecision]:
    """Decide, for every line of ``text``, keep or remove and why.

    ``title``: the headline when metadata gives it (else the first headline-like line is used).
    ``prelude``: whether short labels before the headline are site chrome (true for scraped
    text; extracted HTML main text starts at the article, so callers pass False).
    """
    cues = load_cues()
    lines = [_Line(i, raw) for i, raw in enumerate(text.splitlines(), start=1)]
    _mark_padding(lines)
    for line in lines:
        if line.reason is None:
            line.reason = _line_rules(line, cues)
    content = [ln for ln in lines if not ln.blank]
    _numbered_lists(content)
    _related_blocks(content)
    title_line = _find_title(content, title)
    if prelude and title_line is not None:
        _prelude(content, title_line)
    headline = title or (title_line.text if title_line else None)
    if headline:
        _repeated_headline(content, headline, title_line)
    _duplicates(content)
    _trailing_links(content)
    _label_kept(content, title_line)
    return [
        LineDecision(ln.number, ln.text, ln.reason in KEEP_REASONS, ln.reason or "separator", ln.trimmed)
        for ln in lines
    ]


# 1. line rules ---------------------------------------------------------------------------------


def _mark_padding(lines: list[_Line]) -> None:
    """Blank lines before the first and after the last text are padding; inner ones separate."""
    filled = [i for i, ln in enumerate(lines) if not ln.blank]
    first, last = (filled[0], filled[-1]) if filled else (len(lines), -1)
    for i, ln in enumerate(lines):
        if ln.blank:
            ln.reason = "padding" if i < first or i > last else "separator"


def _line_rules(line: _Line, cues: Cues) -> str | None:
    for rule in _LINE_RULES:
        reason = rule(line, cues)
        if reason:
            return reason
    return None


def _numeric(line: _Line, cues: Cues) -> str | None:
    return "numbering" if _NUMBER_ALONE.fullmatch(line.folded) else None


def _masthead(line: _Line, cues: Cues) -> str | None:
    if line.words <= MASTHEAD_MAX_WORDS and any(p.match(line.bare) for p in cues.masthead):
        return "masthead"
    return None


def _starts_with_cue(bare: str, cue_set: frozenset[str], max_words: int) -> bool:
    """A multi-word cue opening a short line ("politica de privacidad y cookies")."""
    if len(bare.split()) > max_words:
        return False
    return any(" " in c and (bare == c or bare.startswith(c + " ")) for c in cue_set)


def _chrome(line: _Line, cues: Cues) -> str | None:
    """Site chrome: advertising labels, legal footers, section labels, reading times."""
    chrome = cues["boilerplate_lines"]
    if line.bare in chrome or _starts_with_cue(line.bare, chrome, CHROME_CUE_MAX_WORDS):
        return "site-chrome"
    if line.bare in cues["section_labels"]:
        return "section-label"
    if ("©" in line.text or line.folded.startswith("copyright")) and line.words <= COPYRIGHT_MAX_WORDS:
        return "site-chrome"
    if _RELATIVE_TIME.fullmatch(line.bare) or _TIME_ALONE.fullmatch(line.bare):
        return "dateline"
    return None


def _label(line: _Line, cues: Cues) -> str | None:
    """Page metadata shown as "Label: value" ("Tags: ...", "Categoría: Política")."""
    if line.words <= META_LABEL_MAX_WORDS and _label_re().match(line.folded):
        return "site-chrome"
    return None


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    words = load_cues()["label_prefixes"]
    return re.compile(rf"(?:{'|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True))})\s*:")


@lru_cache(maxsize=1)
def _share_tokens() -> frozenset[str]:
    """Words a line made only of share buttons may contain ("Facebook Twitter WhatsApp")."""
    cues = load_cues()
    return cues["social_networks"] | cues["share_cues"] | {"en", "on", "y", "and", "o", "or", "via", "por"}


def _promo(line: _Line, cues: Cues) -> str | None:
    """Calls to subscribe, follow the site, download its app (not news: second person, imperative)."""
    short = line.words <= PROMO_PROSE_MAX_WORDS
    if short or (line.words <= PROMO_MAX_WORDS and not _is_prose(line)):
        return "promo" if any(p.search(line.folded) for p in cues.promo) else None
    return None


def _caption_marker(line: _Line, cues: Cues) -> str | None:
    """ "Minister X (right) looks on as...": positional markers only captions use."""
    if line.words > CAPTION_MAX_WORDS:
        return None
    markers = sum(line.folded.count(m) for m in cues["caption_markers"])
    if markers >= CAPTION_MIN_MARKERS or (markers and not _is_prose(line)):
        return "caption"
    return None


def _share(line: _Line, cues: Cues) -> str | None:
    bare = line.bare
    if bare in cues["share_cues"] or bare in cues["social_networks"]:
        return "share-prompt"
    tokens = [t for t in re.split(r"[\s,|/·•]+", bare) if t]
    if tokens and len(tokens) <= SHARE_MAX_TOKENS and all(t in _share_tokens() for t in tokens):
        return "share-prompt"
    if not line.terminal and _starts_with_cue(bare, cues["share_cues"], SHARE_CUE_MAX_WORDS):
        return "share-prompt"
    return None


def _related_cue(line: _Line, cues: Cues) -> str | None:
    """ "Lee también: ...", "Te puede interesar", "Read more" (alone, or opening a link)."""
    if line.bare in cues["related_cues"]:
        return "related-header"
    folded = line.folded.lstrip(_STRIP + "(['\"«“")
    for cue in cues["related_cues"]:
        if not folded.startswith(cue):
            continue
        rest = folded[len(cue) :]
        if re.match(r"\s*[:|»›>\-–—]", rest) and line.words <= RELATED_LINK_MAX_WORDS:
            return "related-links"
        # "LEA TAMBIÉN Título de otra nota": an upper-case multi-word cue without a colon
        head = line.text.lstrip(_STRIP + "(['\"«“")[: len(cue)]
        if " " in cue and head.isupper() and rest.startswith(" ") and line.words <= RELATED_LINK_MAX_WORDS:
            return "related-links"
    return None


def _credit_tail(cues: Cues) -> re.Pattern[str]:
    agencies = "|".join(re.escape(a) for a in cues.agencies)
    # agency, optionally "/ Photographer Name" or "/Archivo" after it
    return re.compile(rf"(?:{agencies})(?:\s?[/|]\s?[\w .'-]{{1,{CREDIT_SUFFIX_MAX_CHARS}}})?")


@lru_cache(maxsize=1)
def _credit_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cues = load_cues()
    prefixes = "|".join(re.escape(p) for p in sorted(cues["credit_prefixes"], key=len, reverse=True))
    tail = _credit_tail(cues)
    return (
        # "Foto: EFE", "(Photo: Reuters)": the credit alone (matched on the folded line)
        re.compile(rf"[(\[]?(?:{prefixes})\s*:"),
        # "... Kim Jong-un. Foto: EFE.": a credit closing a caption (folded line)
        re.compile(
            rf"(?:^|(?<=[.(\[|/—–-])|(?<=[.(\[|/—–-]\s))[(\[]?(?:{prefixes})\s*:\s*[^.:]{{1,{CREDIT_TEXT_MAX_CHARS}}}[.)\]]?$"
        ),
        tail,
        # "... en Wonsan / EFE", "... (Reuters)", "... | AFP": an agency after a separator
        re.compile(rf"\s*(?:/{{1,2}}|[|(\[—–-])\s*(?:{tail.pattern})\s*[)\]]?$"),
    )


def _credit(line: _Line, cues: Cues) -> str | None:
    """Credits alone, captions ending in a credit; a credit closing a paragraph is cut off."""
    alone, closing, tail, separated = _credit_patterns()
    short = line.words <= CREDIT_MAX_WORDS
    if short and alone.match(line.folded) and _credit_words(line.folded) <= CREDIT_NAME_MAX_WORDS:
        return "credit"
    if tail.fullmatch(line.text.strip(" ()[]")):  # the credit alone: "EFE", "Reuters/Archivo"
        return "credit"
    found = _credit_start(line, closing, tail, separated)
    if found is None:
        return None
    start, named = found
    before = _Line(line.number, line.text[:start])
    # a paragraph with the credit glued on keeps the paragraph; an agency name alone ("// EFE")
    # is a weaker caption cue than "Foto:", so one full sentence before it is enough
    if _is_prose(before) or (not named and before.terminal and before.words >= CREDITED_SENTENCE_MIN_WORDS):
        line.cut(start)
        return None
    return "caption" if before.words else "credit"


def _credit_words(folded: str) -> int:
    return len(folded.split(":", 1)[1].split()) if ":" in folded else 0


def _credit_start(line: _Line, closing, tail, separated) -> tuple[int, bool] | None:
    """(where a credit closing the line starts, whether it is named "Foto:"...), or None."""
    if line.words > CREDIT_SEARCH_MAX_WORDS:
        return None
    m = closing.search(line.folded)
    if m and len(line.folded) == len(line.text):  # same length: positions carry over
        return m.start(), True
    if line.terminal:
        return None
    # glued to the last word of a caption: "...a la guerra en UcraniaAFP"
    for m in tail.finditer(line.text):
        if m.end() == len(line.text) and m.start() > 0 and line.text[m.start() - 1].islower():
            return m.start(), False
    m = separated.search(line.text)
    if m and m.start() > 0:
        # "(AP Photo/J. Scott Applewhite)" names itself a photo credit, as "Foto:" does
        named = bool(_PHOTO_WORD.search(fold_words(m.group(0))))
        return m.start(), named
    return None


def _is_prose(line: _Line) -> bool:
    """Body prose rather than a caption: long, or several sentences."""
    sentences = line.inner_stops + line.terminal
    paragraph = line.words >= PROSE_MIN_WORDS and (line.terminal or sentences >= PROSE_MIN_SENTENCES)
    return paragraph or line.words >= LONG_LINE_WORDS


def _byline(line: _Line, cues: Cues) -> str | None:
    if line.terminal and not line.text.endswith("."):
        return None
    # "Por Ana Gil | 5 de junio de 2025": judge the name part
    author = byline_name(without_date(line.text), cues)
    return "byline" if author is not None else None


def without_date(text: str) -> str:
    """``text`` without the first full date in it ("Por Ana Gil | 3 de marzo de 2025" -> "Por Ana Gil")."""
    text = " ".join(text.split())
    found = find_date(text)
    if found is None or len(fold_words(text)) != len(text):  # positions are in the folded text
        return text
    return (text[: found.start] + " " + text[found.end :]).strip(_STRIP)


def byline_name(text: str, cues: Cues | None = None) -> str | None:
    """The name in a byline ("Por Ana Gil", "By JANE DOE, Reuters"), or None if not a byline.

    >>> byline_name("Por Canal26")
    'Canal26'
    >>> byline_name("Por su parte, Lavrov agradeció la visita.") is None
    True
    """
    cues = cues or load_cues()
    text = " ".join(text.split()).rstrip(".")
    folded = fold_words(text)
    for prefix in sorted(cues["byline_prefixes"], key=len, reverse=True):
        if folded == prefix and prefix in ("redaccion",):
            return text
        if not folded.startswith(prefix + " ") and not folded.startswith(prefix + ":"):
            continue
        name = text[len(prefix) :].lstrip(" :")
        if _looks_like_name(name, prefix):
            return name
    return None


def _looks_like_name(name: str, prefix: str) -> bool:
    tokens = [t for t in re.split(r"[\s,|/·•]+|\s[-–—]\s", name) if t]
    if not tokens or len(tokens) > BYLINE_NAME_MAX_TOKENS or not tokens[0][:1].isupper():
        return False
    for tok in tokens:
        if tok.casefold() in _NAME_PARTICLES:
            continue
        if not (tok[:1].isupper() or tok[:1].isdigit() or tok.startswith("@")):
            return False
    # "Redacción Internacional" or "Por Canal26" are fine; "Por Estados Unidos" is not a byline,
    # but cannot be told apart from a name by shape alone: only short lines reach here.
    return True


def _dateline(line: _Line, cues: Cues) -> str | None:
    if line.words > DATELINE_MAX_WORDS:
        return None
    found = find_date(line.text)
    if found is None:
        return "dateline" if _partial_date(line, cues) else None
    residual = line.folded[: found.start] + " " + line.folded[found.end :]
    residual = _patterns_time_strip(residual)
    words = [
        w for w in re.findall(r"[a-z]+", residual) if w not in cues.dateline_words and w not in cues.weekdays
    ]
    for multi in (w for w in cues.dateline_words if " " in w):
        if multi in residual:
            words = [w for w in words if w not in multi.split()]
    return "dateline" if len(words) <= DATELINE_MAX_OTHER_WORDS else None


def _partial_date(line: _Line, cues: Cues) -> bool:
    """A date without year alone on a line ("January 13", "Jueves, 5 de junio"): no value, chrome."""
    tokens = re.findall(r"[a-z]+|\d+", line.bare)
    if not tokens or len(tokens) > PARTIAL_DATE_MAX_TOKENS:
        return False
    named = [t for t in tokens if t in cues.months or t in cues.weekdays]
    others = [
        t for t in tokens if not (t in cues.months or t in cues.weekdays or t.isdigit() or t in cues.joiners)
    ]
    long_name = any(len(t) > SHORT_MONTH_MAX_LETTERS for t in named)
    return bool(named) and long_name and not others and any(t.isdigit() for t in tokens)


def _patterns_time_strip(text: str) -> str:
    return re.sub(r"\b\d{1,2}[:.h]\d{2}\b\s*(a\.?\s?m\.?|p\.?\s?m\.?|hs|hrs|h)?", " ", text)


_NAV_SEPARATOR = re.compile(r"\s{2,}|\s*[|·•>›»/]\s*")


def _navigation(line: _Line, cues: Cues) -> str | None:
    """A site menu: three or more short capitalised items set apart by wide gaps or bars
    ("Portada   Nacional   Deportes", "Inicio | Sociedad | Cultura")."""
    if line.terminal:
        return None
    raw = line.raw.replace("\u00a0", " ").strip()
    items = [t for t in _NAV_SEPARATOR.split(raw) if t]
    if len(items) < NAV_MIN_ITEMS:
        return None
    if all(len(t.split()) <= NAV_ITEM_MAX_WORDS and t[:1].isupper() for t in items):
        return "navigation"
    return None


def _byline_first(line: _Line, cues: Cues) -> str | None:
    """ "Por Redacción / EFE": a byline naming an agency is still a byline, not a photo credit."""
    if line.words > BYLINE_CUE_MAX_WORDS:
        return None
    if any(fold_words(line.text).startswith(p + " ") for p in cues["byline_prefixes"]):
        return _byline(line, cues)
    return None


# in order: the first rule that names a reason decides
_LINE_RULES = (
    _numeric,
    _masthead,
    _navigation,
    _chrome,
    _share,
    _promo,
    _related_cue,
    _byline_first,
    _credit,
    _caption_marker,
    _byline,
    _dateline,
    _label,
)


# 2. structure rules ----------------------------------------------------------------------------


def _related_blocks(lines: list[_Line]) -> None:
    """The link lines a related header introduces ("Te puede interesar:" + headlines)."""
    for i, line in enumerate(lines):
        if line.reason != "related-header":
            continue
        line.reason = "related-links"
        in_tail = not any(ln.sentence and ln.reason is None for ln in lines[i + 1 :])
        limit = len(lines) if in_tail else RELATED_BLOCK_MAX
        taken = 0
        for follower in lines[i + 1 :]:
            if taken >= limit:
                break
            if follower.reason in ("numbering", "related-links", "headline-list"):
                continue
            if follower.reason is not None or not (follower.linkish or (in_tail and not follower.sentence)):
                break
            follower.reason = "related-links"
            taken += 1


def _numbered_lists(lines: list[_Line]) -> None:
    """ "1" / headline / "2" / headline...: a list of other articles (most read, related)."""
    pairs = [
        (lines[i], lines[i + 1])
        for i in range(len(lines) - 1)
        if lines[i].reason == "numbering" and lines[i + 1].reason is None and lines[i + 1].linkish
    ]
    if len(pairs) < NUMBERED_LIST_MIN_ITEMS:
        return
    for number, headline in pairs:
        number.reason = headline.reason = "headline-list"


def _find_title(lines: list[_Line], title: str | None) -> _Line | None:
    """The headline line: near-equal to the metadata title, else the first headline-like line."""
    candidates = [ln for ln in lines if ln.reason is None]
    if title:
        ft = fold_words(title)
        for ln in candidates[:TITLE_SEARCH_LINES]:
            if fuzz.ratio(ln.folded, ft) >= SAME_LINE_RATIO:
                return ln
        return None
    body = _body_words(candidates)
    for i, ln in enumerate(candidates):
        if ln.words < TITLE_MIN_WORDS or _is_label(ln) or _is_motto(ln, candidates[i + 1 :], body):
            continue
        fits = ln.words <= TITLE_MAX_WORDS and len(ln.text) <= TITLE_MAX_CHARS
        # a long full sentence opening the text is the lead paragraph, not a headline
        return ln if fits and (not ln.terminal or ln.words <= TITLE_SENTENCE_MAX_WORDS) else None
    return None


def _content_words(text: str) -> set[str]:
    return {w for w in _CONTENT_WORD.findall(fold_words(text))}


def _body_words(lines: list[_Line]) -> set[str]:
    return set().union(*(_content_words(ln.text) for ln in lines if ln.sentence))


def _is_motto(line: _Line, after: list[_Line], body: set[str]) -> bool:
    """A short headline-like line about nothing in the article, with a longer headline after it
    and before any paragraph: the site's motto or masthead ("Información veraz desde la costa")."""
    if not line.headline or line.words > MOTTO_MAX_WORDS or _content_words(line.text) & body:
        return False
    for ln in after:
        if ln.sentence:
            return False
        if ln.headline and ln.words > line.words:
            return True
    return False


def _is_label(line: _Line) -> bool:
    """A short line that cannot be a headline: one or two words, or SHOUTED and short."""
    letters = [c for c in line.text if c.isalpha()]
    shouted = bool(letters) and all(c.isupper() for c in letters) and line.words <= SHOUTED_LABEL_MAX_WORDS
    return not line.terminal and (line.words <= LABEL_MAX_WORDS or shouted)


def _prelude(lines: list[_Line], title_line: _Line) -> None:
    """Short labels before the headline are site chrome (motto, section, masthead)."""
    for ln in lines:
        if ln is title_line:
            break
        if ln.reason is None and (_is_label(ln) or (ln.headline and ln.words <= MOTTO_MAX_WORDS)):
            ln.reason = "masthead"


def _repeated_headline(lines: list[_Line], headline: str, title_line: _Line | None) -> None:
    """Lines repeating or abbreviating the headline (image captions reuse it)."""
    fh = fold_words(headline)
    for ln in lines:
        if ln is title_line or ln.reason is not None or ln.words < REPEAT_MIN_WORDS:
            continue
        near_equal = fuzz.ratio(ln.folded, fh) >= SAME_LINE_RATIO
        abbreviated = (
            ln.headline
            and ABBREVIATION_MIN_SHARE * len(fh) <= len(ln.folded) <= len(fh)
            and ln.words >= ABBREVIATION_MIN_WORDS
            and fuzz.partial_ratio(ln.folded, fh) >= ABBREVIATION_MIN_RATIO
        )
        if near_equal or abbreviated:
            ln.reason = "repeated-headline"


def _duplicates(lines: list[_Line]) -> None:
    """An exact repeat of an earlier line goes, with the earlier line's reason if it went.

    Only paragraphs (10 words or more) count as duplicates: short lines repeat legitimately
    (list items, table headers, an interview's recurring question), so they stay.
    """
    seen: dict[str, _Line] = {}
    for ln in lines:
        first = seen.setdefault(ln.folded, ln)
        if first is ln or ln.reason is not None:
            continue
        if first.reason not in (None, *KEEP_REASONS):
            ln.reason = first.reason
        elif ln.words >= DUPLICATE_MIN_WORDS:
            ln.reason = "duplicate"


def _trailing_links(lines: list[_Line]) -> None:
    """Two or more headline-like lines after the last paragraph: links to other articles."""
    run: list[_Line] = []
    for ln in reversed(lines):
        if ln.reason is not None:
            continue
        if (
            ln.sentence
            or not ln.linkish
            or ln.words < TRAILING_LINK_MIN_WORDS
            or ln.text.endswith(":")
            or _starts_with_date(ln)
        ):
            break
        run.append(ln)
    # a run introduced by "...:" is the article's own list
    before = [ln for ln in lines if ln.reason is None and ln not in run]
    introduced = bool(before) and before[-1].text.endswith(":")
    if (
        len(run) >= TRAILING_RUN_MIN
        and not introduced
        and any(ln.reason is None and ln.sentence for ln in lines)
    ):
        for ln in run:
            ln.reason = "related-links"


def _starts_with_date(line: _Line) -> bool:
    """ "Sept. 12 -- Shoreline Amphitheatre": list items of dates (a tour, a calendar), not links."""
    first = line.bare.split(" ", 1)[0].rstrip(".,")
    return first.isdigit() or first in load_cues().months


def _label_kept(lines: list[_Line], title_line: _Line | None) -> None:
    """Name what stays: title, standfirst (the summary under it), subheadings, body."""
    kept = [ln for ln in lines if ln.reason is None]
    for i, ln in enumerate(kept):
        if ln is title_line:
            ln.reason = "title"
        elif (
            i > 0
            and kept[i - 1] is title_line
            and ln.terminal
            and ln.words <= STANDFIRST_MAX_WORDS
            and i + 1 < len(kept)
        ):
            ln.reason = "standfirst"
        elif (
            ln.headline
            and ln.words <= SUBHEADING_MAX_WORDS
            and 0 < i < len(kept) - 1
            and kept[i + 1].sentence
        ):
            ln.reason = "subheading"
        else:
            ln.reason = "body"
