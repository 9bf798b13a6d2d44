"""``crisol_encoder_ner``: the accurate NER as a spaCy component, in place of the model's "ner".

It reads the Doc's sentences (the parser runs before it), tags every word of the document with
the encoder, each sentence in the context of its neighbours, and sets ``doc.ents``. Entities the
gazetteer ruler pre-set are kept where the encoder found nothing overlapping them: the gazetteer
knows names, the encoder reads context. Where both found the same words, the span keeps the
gazetteer's link and takes the encoder's label (``crisol.annotate.mentions`` then decides which
label stands: a city read as an organisation is a club named after it, a country stays a place).
The Doc is marked read ``IN_CONTEXT``, so the mention filters leave out the repairs made for a
model that reads a name by its shape.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from crisol.annotate.encoder.tagger import EncoderNer, entity_spans
from crisol.annotate.gazetteer import merge_preset
from crisol.annotate.mentions import IN_CONTEXT, NER_READING


@lru_cache(maxsize=2)
def load_model(model_dir: str) -> EncoderNer:
    return EncoderNer.load(Path(model_dir))


def encoder_spans(doc: Doc, model: EncoderNer) -> list[Span]:
    """The entities ``model`` finds in ``doc``, read sentence by sentence (its ``doc.sents``) with
    the document as context; whitespace tokens are not words to it."""
    sentences = [[t for t in sent if not t.is_space] for sent in doc.sents]
    sentences = [s for s in sentences if s]
    tags = model.tag_document([[t.text for t in s] for s in sentences])
    return [
        Span(doc, tokens[start].i, tokens[end - 1].i + 1, label=label)
        for tokens, sentence_tags in zip(sentences, tags)
        for start, end, label in entity_spans(sentence_tags)
    ]


class EncoderNerComponent:
    def __init__(self, model_dir: str):
        self.model = load_model(model_dir)

    def __call__(self, doc: Doc) -> Doc:
        # The gazetteer's pre-set entities are merged with what the encoder read (merge_preset).
        doc.ents = merge_preset(encoder_spans(doc, self.model), list(doc.ents))
        doc.user_data[NER_READING] = IN_CONTEXT
        return doc


@Language.factory("crisol_encoder_ner", default_config={"model_dir": ""})
def make_encoder_ner(nlp: Language, name: str, model_dir: str) -> EncoderNerComponent:
    return EncoderNerComponent(model_dir)
