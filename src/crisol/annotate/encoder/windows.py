"""Windows of word pieces for token classification with document context.

Each sentence is read inside a window of at most ``max_len`` pieces: its own words in the middle,
filled on both sides with the neighbouring sentences of the same document (FLERT, Schweter &
Akbik 2020: context beyond the sentence helps a tagger tell an organisation from a place). Only
the sentence's own words are labelled; each word is labelled on its first piece. Training and
inference build windows with this one function, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

WordPieces = Callable[[str], Sequence[int]]


@dataclass(frozen=True)
class Window:
    ids: list[int]  # <s> left-context sentence right-context </s>
    heads: list[int]  # position in ``ids`` of each labelled word's first piece
    sentence: int  # index of the sentence in its document
    first_word: int  # index in that sentence of the first labelled word (long sentences are cut)


def document_windows(
    document: Sequence[Sequence[str]], pieces: WordPieces, max_len: int, bos: int, eos: int
) -> list[Window]:
    """Windows for every sentence (list of words) of one document, in order.

    A sentence longer than the window is cut into runs of words; each run's context is the rest
    of the text around it, its own sentence first.

    >>> pieces = lambda w: [len(w)] * (1 + len(w) // 4)
    >>> ws = document_windows([["a", "bb"], ["ccccc"], ["d"]], pieces, 8, 0, 2)
    >>> [(w.ids, w.heads) for w in ws]
    [([0, 1, 2, 5, 5, 1, 2], [1, 2]), ([0, 1, 2, 5, 5, 1, 2], [3]), ([0, 1, 2, 5, 5, 1, 2], [5])]
    >>> [(w.ids, w.heads, w.first_word) for w in document_windows([["a", "b", "c"]], pieces, 4, 0, 2)]
    [([0, 1, 1, 2], [1, 2], 0), ([0, 1, 1, 2], [2], 2)]
    """
    budget = max_len - 2
    words: list[list[int]] = []  # pieces of every word of the document, in order
    runs = []  # (sentence, first word in sentence, start, end) in ``words``
    for s, sentence in enumerate(document):
        start = len(words)
        words.extend((list(pieces(w)) or [0])[:budget] for w in sentence)
        for first, end in _chunks(words, start, len(words), budget):
            runs.append((s, first - start, first, end))
    windows = []
    for s, first_word, start, end in runs:
        own = [p for word in words[start:end] for p in word]
        left, right = _context(words, start, end, budget - len(own))
        ids = [bos, *left, *own, *right, eos]
        heads, at = [], 1 + len(left)
        for word in words[start:end]:
            heads.append(at)
            at += len(word)
        windows.append(Window(ids, heads, s, first_word))
    return windows


def _chunks(words: list[list[int]], start: int, end: int, budget: int):
    """(start, end) runs of consecutive words in ``words[start:end]`` whose pieces fit the budget."""
    size = 0
    for i in range(start, end):
        if size + len(words[i]) > budget and i > start:
            yield start, i
            start, size = i, 0
        size += len(words[i])
    if end > start:
        yield start, end


def _context(words: list[list[int]], start: int, end: int, room: int) -> tuple[list[int], list[int]]:
    """Pieces of the words before ``start`` and from ``end`` on, half the room each side at first."""
    if room <= 0:
        return [], []
    before: list[int] = []
    for word in reversed(words[max(0, start - room) : start]):
        before[:0] = word
        if len(before) >= room:
            break
    after: list[int] = []
    for word in words[end : end + room]:
        after.extend(word)
        if len(after) >= room:
            break
    take_left = min(len(before), max(room // 2, room - len(after)))
    take_right = min(len(after), room - take_left)
    return before[len(before) - take_left :], after[:take_right]
