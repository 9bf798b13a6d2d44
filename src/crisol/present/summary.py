"""An extractive summary: a few sentences chosen across sources, none repeating another.

Each group of aligned sentences (one statement, every article that carries it) is scored by how
many independent sources carry it and how close to the lead it comes; the best groups are taken
while they add something new (not too close to a chosen one), then put in order of first
appearance. Each line is a sentence as one article wrote it, in the story's language, citing
every article that says the same thing: a sentence of its group that is itself close to the
line's (directly aligned or nearly identical in meaning) and carries most of the line's content
words, names and numbers (:func:`says_same`); a sentence that only shares the topic is no
citation, whatever chain of alignments put it in the group.

A line is whole: a sentence (not a fragment starting in lower case, not a heading) whose
quotation marks are balanced. A sentence that opens a quotation it does not close is extended
over the next sentences of its paragraph to the closing mark (:func:`whole_line`); when the
paragraph ends first, it is no line.
"""

from __future__ import annotations

from typing import Sequence

from crisol.clean.sentences import quotes_balanced, sentence_spans
from crisol.model import Article
from crisol.present.cues import tokens
from crisol.present.figures import stop_words
from crisol.present.groups import Group, StoryText
from crisol.present.sources import Sources
from crisol.text import fold

SUMMARY_SENTENCES = 5
MIN_WORDS, MAX_WORDS = 6, 70  # shorter is a heading or caption; longer is a run-on paragraph
REDUNDANT = 0.9  # cosine above which a candidate repeats a chosen sentence
POSITION_WEIGHT = 1.0  # lead sentences matter: a lead sentence weighs like one more source
# saying the same thing as a line: aligned with it directly (or this close in meaning)...
CITE_ALIGN, CITE_COSINE = 0.7, 0.9
CITE_RECALL = 0.55  # ...and carrying this share of its content words (same language)
CITE_CROSS = 0.88  # in another language: this close in meaning and sharing a name or a number
STEM = 4  # content words compared by their first letters ("firmó" ~ "firmaron")


def summarise(
    articles: Sequence[Article],
    story: StoryText,
    sources: Sources,
    language: str | None,
    n: int = SUMMARY_SENTENCES,
) -> list[dict]:
    """Up to ``n`` summary lines: ``{"text", "from", "citations", "sentence": {article: index}}``,
    the statements the most independent sources say (by their own citations) and the nearest
    the lead first, then in order of first appearance."""
    by_id = {a.id: a for a in articles}
    titles = {fold(a.title or "").strip(" .") for a in articles if a.title}

    def fits(text: str) -> bool:
        # a sentence: enough words, begun and ended as one (a dateline, heading or caption is not,
        # nor a fragment a bad cut left: ", el principal funcionario...", "y Quispe acordaron...")
        words = len(text.split())
        ended = text.rstrip().endswith((".", "!", "?", "»", "”", '"', "…"))
        return MIN_WORDS <= words <= MAX_WORDS and ended and _begins_sentence(text)

    candidates = []
    for g in story.groups:
        line = _best_line(g, by_id, language, sources, story, titles, fits)
        if line is not None:
            candidates.append((_score(line, g, story, sources), line))
    candidates.sort(key=lambda c: -c[0])
    chosen: list[dict] = []
    for _, line in candidates:
        if len(chosen) >= n:
            break
        if not any(_redundant(story, _key(line), _key(other)) for other in chosen):
            chosen.append(line)
    chosen.sort(key=lambda line: _first_appearance(line, story))
    return chosen


def _begins_sentence(text: str) -> bool:
    """Whether ``text`` starts as a sentence does: a capital, a digit or an opening mark.

    >>> _begins_sentence("«Ya basta», dijo."), _begins_sentence(", el jefe llegó."), _begins_sentence("y luego.")
    (True, False, False)
    """
    first = text.lstrip()[:1]
    return (first.isalnum() and not first.islower()) or (first != "" and first in "«“\"'¿¡(—–-")


def _key(line: dict) -> tuple[str, int]:
    return line["from"], line["sentence"][line["from"]]


def _best_line(
    g: Group,
    by_id: dict[str, Article],
    language: str | None,
    sources: Sources,
    story: StoryText,
    titles: set[str],
    fits=lambda text: True,
) -> dict | None:
    """The line of a group: the member to quote is in the story's language, not a headline; of
    those, the one the most independent sources say the same as, then an original's, earliest
    in its article."""
    texts = {}
    for m in g.members:
        if language is None or by_id[m[0]].language in (language, None):
            whole = whole_line(by_id[m[0]], m[1], story.text(m))
            if whole is not None and fold(whole).strip(" .") not in titles and fits(whole):
                texts[m] = whole
    if not texts:
        return None
    order = {aid: n for n, aid in enumerate(by_id)}

    def rank(line: dict) -> tuple:
        aid, index = _key(line)
        return (-sources.count(line["citations"]), sources.origin_of.get(aid, aid) != aid, index, order[aid])

    return min((_line(g, m, text, story, by_id) for m, text in texts.items()), key=rank)


def whole_line(article: Article, index: int, sentence: str) -> str | None:
    """``sentence`` (the ``index``-th of ``article``) with its quotation marks balanced: itself,
    or extended over the next sentences of its paragraph to the one that closes the quotation
    it opens; None when the paragraph ends first.

    >>> from crisol.model import Article
    >>> text = "«No cederemos.\\nEs nuestra tierra», dijo. «Ya basta», añadió."
    >>> a = Article(id="a", source="-", raw=b"", raw_format="text", text=text)
    >>> whole_line(a, 0, "«No cederemos."), whole_line(a, 1, "Es nuestra tierra», dijo.")
    (None, None)
    """
    if quotes_balanced(sentence):
        return sentence
    spans = _spans(article)
    if index >= len(spans):
        return None
    text, start = article.text, spans[index][0]
    for before, after in zip(spans[index:], spans[index + 1 :]):
        if "\n" in text[before[1] : after[0]]:
            return None  # the paragraph ends with the quotation still open
        if quotes_balanced(text[start : after[1]]):
            return text[start : after[1]]
    return None


def _spans(article: Article) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of ``article``, indexed as the story's sentences are
    (:func:`crisol.present.groups.article_sentences`)."""
    if article.sentences:
        return [(s.start, s.end) for s in sorted(article.sentences, key=lambda s: s.index)]
    return [(s, e) for s, e in sentence_spans(article.text) if e - s > 2]


def _score(line: dict, g: Group, story: StoryText, sources: Sources) -> float:
    independent = sources.count(line["citations"])
    position = min(i / max(len(story.sentences[a]), 1) for a, i in line["sentence"].items())
    return independent + POSITION_WEIGHT * (1.0 - position) + 0.1 * g.score


def _redundant(story: StoryText, a: tuple[str, int], b: tuple[str, int]) -> bool:
    return story.cosine(a, b) >= REDUNDANT


def _first_appearance(line: dict, story: StoryText) -> tuple[float, str, int]:
    relative = min(i / max(len(story.sentences[a]), 1) for a, i in line["sentence"].items())
    return (relative, *_key(line))


def _line(g: Group, pick: tuple[str, int], text: str, story: StoryText, by_id: dict[str, Article]) -> dict:
    sentence: dict[str, int] = {pick[0]: pick[1]}
    for a, i in g.members:
        if a not in sentence and says_same(story, pick, (a, i), by_id[pick[0]].language, by_id[a].language):
            sentence[a] = i
    citations = [a for a in g.articles if a in sentence]
    return {"text": text, "from": pick[0], "citations": citations, "sentence": sentence}


def content(text: str) -> set[str]:
    """Stems of the content words of ``text``, and its numbers without separators.

    >>> sorted(content("Firmaron 15.000 contratos en Lima."))
    ['15000', 'cont', 'firm', 'lima']
    """
    out = set()
    for w in tokens(text):
        if w.is_number:
            out.add("".join(c for c in w.text if c.isdigit()))
        elif w.norm.isalpha() and len(w.norm) >= STEM and w.norm not in stop_words():
            out.add(w.norm[:STEM])
    return out


def says_same(
    story: StoryText,
    line: tuple[str, int],
    other: tuple[str, int],
    line_language: str | None,
    other_language: str | None,
) -> bool:
    """Whether sentence ``other`` says what the summary line ``line`` says.

    Same language: directly aligned with it (or nearly identical in meaning) and carrying at least
    ``CITE_RECALL`` of its content words and numbers. Another language: very close in meaning and
    sharing a name or a number (words cannot be compared across languages).
    """
    cosine = story.cosine(line, other)
    mine, theirs = content(story.text(line)), content(story.text(other))
    if line_language and other_language and line_language != other_language:
        shared = {w for w in mine & theirs if w.isdigit() or _is_name(w, story.text(line))}
        return cosine >= CITE_CROSS and bool(shared)
    if story.pair_score(line, other) < CITE_ALIGN and cosine < CITE_COSINE:
        return False
    return bool(mine) and len(mine & theirs) / len(mine) >= CITE_RECALL


def _is_name(stem: str, text: str) -> bool:
    """Whether a stem comes from a capitalised word (a name) of ``text``, not its first word."""
    return any(w.norm.startswith(stem) and w.text[:1].isupper() for w in tokens(text)[1:])


def mark_disputed(lines: list[dict], differences: list[dict]) -> None:
    """Move out of a line's citations the articles that tell its statement differently (another
    figure, place, date, name or hedge for it): they are listed under ``disputed`` instead. An
    outlet naming a source for the same claim ("attribution") still says the same thing."""
    for line in lines:
        own = (line["from"], line["sentence"][line["from"]])
        disputed = set()
        for d in differences:
            if d["kind"] == "attribution":
                continue
            mine = [s for s in d["sides"] if s["sentence"].get(own[0]) == own[1]]
            if not mine:
                continue
            for side in d["sides"]:
                if side is not mine[0]:
                    # every outlet on another side, whether or not its sentence aligned with the line
                    disputed |= set(side["citations"]) - set(mine[0]["citations"])
        disputed.discard(own[0])
        line["citations"] = [a for a in line["citations"] if a not in disputed]
        order = {a: n for n, a in enumerate([*line["sentence"], *sorted(disputed)])}
        line["disputed"] = sorted(disputed, key=order.get)


def agreed_statements(
    articles: Sequence[Article],
    story: StoryText,
    sources: Sources,
    language: str | None,
    differences: list[dict],
    limit: int = 10,
) -> list[dict]:
    """Statements carried by two or more independent sources that no difference touches."""
    by_id = {a.id: a for a in articles}
    disputed = {(a, i) for d in differences for side in d["sides"] for a, i in side["sentence"].items()}
    out = []
    for g in story.groups:
        n = sources.count(g.articles)
        if n < 2 or any(m in disputed for m in g.members):
            continue
        line = _best_line(g, by_id, language, sources, story, set())
        if line is not None:
            n = sources.count(line["citations"])
            if n > 1:
                out.append({"kind": "statement", "topic": None, **line, "independent_sources": n})
    out.sort(key=lambda e: -e["independent_sources"])
    return out[:limit]
