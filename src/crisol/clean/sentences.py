"""The sentence splitter every stage shares: spaCy's parser is given its boundaries (annotate),
and so are the languages without a model, the date finder, the sentence aligner (link) and the
story summary (present), so a sentence is the same span wherever it is used.

A sentence ends at a line break, or at ``.``, ``?``, ``!``, ``…`` (with the closing quotation
marks and brackets right after it, which end the sentence with it) followed by a space and a word
that does not start in lower case. A period is no end after:

- a title, which always precedes a name ("Sr.", "Dr.", "Gen.", "Mr.");
- a word that precedes a number ("núm. 5", "art. 3", "No. 10", "p. 12");
- an abbreviation ("EE.UU.", "etc.", "a.m.", "U.S."), a dotted acronym or an initial ("J. R. R.
  Tolkien"), unless the next word is one that starts sentences ("El", "The"...): "llegó a EE.UU.
  El presidente..." is two sentences, "U.S. President" one;
- a number opening the sentence (a list's "1.").

Nor is a sentence cut inside a quotation that closes later in its paragraph («No cederemos. Es
nuestra tierra», dijo.): the quotation and its speaker stay one sentence, with balanced marks. A
quotation left open in its paragraph (one running over several paragraphs) is cut like prose;
:func:`quotes_balanced` tells such a span. Decimal and thousands separators ("3.5", "1.000") are
never followed by a space, so never cut.

The word lists are ``resources/<lang>/sentences.json``, merged over every language, as text is
split before (and whatever) its language is known.

>>> text = "Serguéi Shoigú, el principal funcionario ruso, llegó a EE.UU. El Sr. Pérez lo recibió."
>>> split_sentences(text)
['Serguéi Shoigú, el principal funcionario ruso, llegó a EE.UU.', 'El Sr. Pérez lo recibió.']
>>> split_sentences("«No vamos a ceder». Lo dijo J. R. R. Martin a las 10 a.m. del lunes.")
['«No vamos a ceder».', 'Lo dijo J. R. R. Martin a las 10 a.m. del lunes.']
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# a sentence-final mark, the closing quotes or brackets glued to it, an agency dash ("(EFE).-")
# (possessive, and only at the start of a run of marks: a run of a million periods costs one pass)
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'»”’)\]]*+(?:[-–—]++)?(?=\s)|(?<![。！？])[。！？]++[」』”’)）]*+")
_OPENERS = "\"'«“‘([¿¡—–-"
_CLOSERS = "\"'»”’)]"
_DOTTED = re.compile(r"(?:\w{1,3}\.)+\w{1,3}")  # EE.UU, U.S, a.m, p.ej
_INITIAL = re.compile(r"[^\W\d_]\.")  # "R." (the next word is one more initial)
_QUOTE_PAIRS = {"«": "»", "“": "”", "‹": "›"}
_QUOTE_MARK = re.compile('[«»“”‹›"]')


@dataclass(frozen=True)
class _Words:
    titles: frozenset[str]
    before_numbers: frozenset[str]
    abbreviations: frozenset[str]  # casefolded
    starters: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    """The lists of every ``resources/*/sentences.json``, merged."""
    lists: dict[str, set[str]] = {
        "titles": set(),
        "before_numbers": set(),
        "abbreviations": set(),
        "starters": set(),
    }
    root = resources.files("crisol") / "resources"
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        path = folder / "sentences.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            for key, words in lists.items():
                words.update(data.get(key, []))
    return _Words(
        frozenset(lists["titles"]),
        frozenset(lists["before_numbers"]),
        frozenset(w.casefold() for w in lists["abbreviations"]),
        frozenset(lists["starters"]),
    )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: offsets into it, surrounding whitespace left
    out, lines with only whitespace skipped."""
    spans = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        spans += _line_spans(text, line_start, line_end)
        line_start = line_end + 1
    return [strip_span(text, s, e) for s, e in spans if text[s:e].strip()]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[s:e] for s, e in sentence_spans(text)]


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed to leave out the whitespace at both edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, sentence_start = [], start
    quotes = _QuoteMarks(text, start, end)
    for m in _END.finditer(text, start, end):
        following = _skip_space(text, m.end(), end)
        if following >= end or quotes.inside(m.end()):
            continue
        if _ends_sentence(text, sentence_start, m, following):
            spans.append((sentence_start, m.end()))
            sentence_start = following
    spans.append((sentence_start, end))
    return spans


class _QuoteMarks:
    """Where the quotation marks of the line ``text[start:end]`` are, to tell whether an offset
    is inside a quotation that closes later in the line: «No cederemos. Es nuestra tierra», dijo.
    is one sentence. A quotation left open (one running over several paragraphs, or a stray
    mark) does not stop a cut."""

    def __init__(self, text: str, start: int, end: int):
        self.at: dict[str, list[int]] = {}
        for m in _QUOTE_MARK.finditer(text, start, end):
            self.at.setdefault(m.group(), []).append(m.start())

    def _before(self, mark: str, i: int) -> int:
        return bisect_left(self.at.get(mark, ()), i)

    def _after(self, mark: str, i: int) -> bool:
        return self._before(mark, i) < len(self.at.get(mark, ()))

    def inside(self, i: int) -> bool:
        for opening, closing in _QUOTE_PAIRS.items():
            if self._before(opening, i) > self._before(closing, i) and self._after(closing, i):
                return True
        return self._before('"', i) % 2 == 1 and self._after('"', i)


def inside_quotation(text: str, start: int, i: int, end: int) -> bool:
    """Whether offset ``i`` of the line ``text[start:end]`` is inside a quotation that closes
    later in the line (where the splitter does not cut)."""
    return _QuoteMarks(text, start, end).inside(i)


def _skip_space(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def _ends_sentence(text: str, sentence_start: int, m: re.Match[str], following: int) -> bool:
    """Whether the mark ``m`` ends the sentence begun at ``sentence_start``, the next one
    starting at ``following``."""
    nxt = _next_word(text, following)
    if not nxt or nxt[0].islower():
        return False  # "?», preguntó" / "EE.UU. y Rusia": the sentence goes on
    if m.start() > 0 and text[m.start() - 1] in "([":
        return False  # "(...)": an omission inside a quotation
    mark = m.group()
    if mark[0] != "." or mark[1:2] == "." or (len(mark) > 1 and mark[1] in _CLOSERS):
        return True  # ?, !, …, or a period closing a quotation: no abbreviation ends so
    at = _word_start(text, sentence_start, m.start())
    word = text[at : m.start()].lstrip(_OPENERS)
    return _period_ends(word, nxt, first=_skip_space(text, sentence_start, at) == at)


def _period_ends(word: str, nxt: str, first: bool) -> bool:
    """Whether a period after ``word`` ends a sentence, ``nxt`` being the word after it and
    ``first`` saying that ``word`` opens its sentence."""
    if not word or word[-1] in _CLOSERS:
        return True  # "«...». El": a period after a closing mark
    words = _words()
    if word.isdigit():
        return not first  # "1. El primer punto": a list's number
    if word in words.titles:
        return False
    if word in words.before_numbers and nxt[0].isdigit():
        return False
    if word.casefold() in words.abbreviations or _DOTTED.fullmatch(word) or _is_initial(word):
        return not _INITIAL.match(nxt) and _starter(nxt) in words.starters
    return True


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isalpha()


def _word_start(text: str, sentence_start: int, i: int) -> int:
    """Where the word that ends at offset ``i`` begins ("(EE.UU" before "." in "(EE.UU.)")."""
    j = i
    while j > sentence_start and not text[j - 1].isspace():
        j -= 1
    return j


def _next_word(text: str, i: int) -> str:
    """The word at offset ``i``, after the opening marks: "«El" -> "El", "— Sí" -> "Sí"."""
    while i < len(text) and (text[i] in _OPENERS or text[i] == " "):
        i += 1
    j = i
    while j < len(text) and not text[j].isspace():
        j += 1
    return text[i:j]


def _starter(word: str) -> str:
    """A word as the starter lists write it: "El," -> "El"."""
    return word.rstrip(".,;:!?»”\"')")


def quotes_balanced(text: str) -> bool:
    """Whether every quotation mark ``text`` opens it also closes, after it (and every closing
    mark closes one it opened); straight quotes, which open and close alike, must pair up.

    >>> quotes_balanced('«No vamos a ceder», dijo.'), quotes_balanced('«No vamos a ceder.')
    (True, False)
    >>> quotes_balanced('Cedimos», dijo. «Nunca')
    False
    >>> quotes_balanced('He said "we stay" twice.'), quotes_balanced('"We stay.')
    (True, False)
    """
    for opening, closing in _QUOTE_PAIRS.items():
        depth = 0
        for c in text:
            depth += (c == opening) - (c == closing)
            if depth < 0:
                return False  # a mark closing what the text never opened
        if depth:
            return False
    return text.count('"') % 2 == 0
