"""Suite for code-attention-numpy: scaled dot-product attention with masking."""

from mockround_suite import case, close, edge, expect, optional, parts

np = optional("numpy")

ENTRY = "attention"
SIGNATURE = "attention(Q, K, V, mask=None) -> (out, weights)"
NUMPY = ("numpy",)


def oracle(Q, K, V, mask=None):
    """float64 attention; a fully masked row gets zero weights."""
    Q, K, V = (np.asarray(a, dtype=np.float64) for a in (Q, K, V))
    s = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    e = np.exp(s - np.where(np.isfinite(m), m, 0.0))
    z = e.sum(axis=-1, keepdims=True)
    w = np.divide(e, z, out=np.zeros_like(e), where=z > 0)
    return w @ V, w


def inputs(B=2, Tq=3, Tk=4, dk=8, dv=5, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal((B, Tq, dk)) * scale
    K = rng.standard_normal((B, Tk, dk)) * scale
    V = rng.standard_normal((B, Tk, dv))
    return Q, K, V


def call(attention, Q, K, V, mask=None):
    args = (Q, K, V) if mask is None else (Q, K, V, mask)
    return parts(attention(*args), 2, "attention(Q, K, V, mask) should return (out, weights)")


@case(needs=NUMPY)
def random_inputs(attention):
    """B=2, Tq=3, Tk=4, dk=8, dv=5, no mask: out and weights match a reference"""
    Q, K, V = inputs()
    out, w = call(attention, Q, K, V)
    want_out, want_w = oracle(Q, K, V)
    close(w, want_w, "weights for random inputs")
    close(out, want_out, "out for random inputs")


@case(needs=NUMPY)
def rows_sum_to_one(attention):
    """each query's weights sum to 1 over the keys (Tq=5, Tk=3)"""
    Q, K, V = inputs(Tq=5, Tk=3, seed=1)
    _, w = call(attention, Q, K, V)
    w = np.asarray(w, dtype=float)
    expect(w.shape == (2, 5, 3), f"weights: expected shape (2, 5, 3), got {w.shape}")
    if not np.allclose(w.sum(-1), 1.0) and np.allclose(w.sum(-2), 1.0):
        raise AssertionError("weights sum to 1 over the queries (axis -2): the softmax must run over the keys (last axis)")
    close(w.sum(-1), np.ones((2, 5)), "sum of each query's weights")


@edge(needs=NUMPY)
def scaled_by_sqrt_dk(attention):
    """dk = 64: the scores are divided by sqrt(dk), not by dk and not left unscaled"""
    Q, K, V = inputs(Tq=4, Tk=6, dk=64, seed=2)
    _, w = call(attention, Q, K, V)
    _, want = oracle(Q, K, V)
    _, by_dk = oracle(Q / np.sqrt(64), K, V)
    _, unscaled = oracle(Q * np.sqrt(64), K, V)
    w = np.asarray(w, dtype=float)
    if w.shape == want.shape and not np.allclose(w, want, atol=1e-6):
        if np.allclose(w, by_dk, atol=1e-6):
            raise AssertionError("with dk = 64 the weights match scores / dk: divide by sqrt(dk) = 8 instead")
        if np.allclose(w, unscaled, atol=1e-6):
            raise AssertionError("with dk = 64 the weights match unscaled scores: divide the scores by sqrt(dk) = 8")
    close(w, want, "weights with dk = 64")


@case(needs=NUMPY)
def causal_mask(attention):
    """causal mask (T, T) broadcast over the batch: masked weights are exactly 0"""
    Q, K, V = inputs(Tq=4, Tk=4, seed=3)
    mask = np.tril(np.ones((4, 4), dtype=bool))
    out, w = call(attention, Q, K, V, mask)
    want_out, want_w = oracle(Q, K, V, mask)
    w = np.asarray(w, dtype=float)
    expect(w.shape == want_w.shape, f"weights: expected shape {want_w.shape}, got {w.shape}")
    leaked = np.abs(w[:, ~mask]).max()
    expect(leaked == 0, f"with a causal mask, a query gives weight {leaked:.3g} to a future key: it should be exactly 0")
    close(w, want_w, "weights with a causal mask (do the unmasked weights still sum to 1?)")
    close(out, want_out, "out with a causal mask")


@edge(needs=NUMPY)
def padding_mask_broadcast(attention):
    """a key-padding mask of shape (B, 1, Tk) applies to every query"""
    Q, K, V = inputs(Tq=3, Tk=5, seed=4)
    mask = np.array([[[True, True, True, False, False]], [[True, True, True, True, True]]])
    out, w = call(attention, Q, K, V, mask)
    want_out, want_w = oracle(Q, K, V, mask)
    close(w, want_w, "weights with a (B, 1, Tk) padding mask")
    close(out, want_out, "out with a (B, 1, Tk) padding mask")


@edge(needs=NUMPY)
def all_masked_row(attention):
    """a query that may attend to nothing gives finite output, and the other rows are unaffected"""
    Q, K, V = inputs(B=1, Tq=3, Tk=4, seed=5)
    mask = np.ones((1, 3, 4), dtype=bool)
    mask[0, 1, :] = False
    out, w = call(attention, Q, K, V, mask)
    out, w = np.asarray(out, dtype=float), np.asarray(w, dtype=float)
    expect(np.isfinite(w).all() and np.isfinite(out).all(),
           "with every key masked for query 1, the output contains nan: -inf - (-inf) in the softmax; "
           "decide what that row returns (zeros) and guard it")
    want_out, want_w = oracle(Q, K, V, mask)
    keep = [0, 2]
    close(w[:, keep], want_w[:, keep], "weights of the queries that can attend")
    close(out[:, keep], want_out[:, keep], "out of the queries that can attend")


@edge(needs=NUMPY)
def large_scores(attention):
    """scores in the thousands: exp must not overflow (subtract each row's max)"""
    Q, K, V = inputs(Tq=3, Tk=4, dk=16, seed=6, scale=30.0)
    out, w = call(attention, Q, K, V)
    w = np.asarray(w, dtype=float)
    expect(np.isfinite(w).all(), "with scores in the thousands the weights contain nan or inf: "
           "subtract each row's max before exp")
    want_out, want_w = oracle(Q, K, V)
    close(w, want_w, "weights with scores in the thousands", atol=1e-6)
    close(out, want_out, "out with scores in the thousands", atol=1e-6)


@edge(needs=NUMPY)
def batch_of_three(attention):
    """B=3, Tq=2, Tk=5, dk=4, dv=6: K is transposed on its last two axes only"""
    Q, K, V = inputs(B=3, Tq=2, Tk=5, dk=4, dv=6, seed=7)
    out, w = call(attention, Q, K, V)
    want_out, want_w = oracle(Q, K, V)
    close(w, want_w, "weights for B=3")
    close(out, want_out, "out for B=3 (shape (B, Tq, dv))")


@edge(needs=NUMPY)
def transposed_views(attention):
    """inputs that are transposed views of other arrays (not C-contiguous)"""
    rng = np.random.default_rng(8)
    Q = rng.standard_normal((2, 8, 3)).transpose(0, 2, 1)
    K = rng.standard_normal((2, 8, 4)).transpose(0, 2, 1)
    V = rng.standard_normal((5, 4, 2)).transpose(2, 1, 0)
    out, w = call(attention, Q, K, V)
    want_out, want_w = oracle(Q, K, V)
    close(w, want_w, "weights for non-contiguous inputs")
    close(out, want_out, "out for non-contiguous inputs")


REFERENCE = '''
import numpy as np

def attention(Q, K, V, mask=None):
    dk = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(dk)            # (B, Tq, Tk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)                 # before the softmax
    row_max = scores.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)      # a row with no key at all
    e = np.exp(scores - row_max)
    total = e.sum(axis=-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return weights @ V, weights
'''

WRONG = {
    "divides the scores by dk instead of sqrt(dk)": '''
import numpy as np

def attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / Q.shape[-1]
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V, w
''',
    "softmax over the query axis": '''
import numpy as np

def attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    scores = scores - scores.max(axis=1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=1, keepdims=True)
    return w @ V, w
''',
    "no max subtraction before exp": '''
import numpy as np

def attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V, w
''',
    "masks by zeroing weights after the softmax": '''
import numpy as np

def attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    if mask is not None:
        w = w * mask
    return w @ V, w
''',
    "K.T transposes every axis of a batched K": '''
import numpy as np

def attention(Q, K, V, mask=None):
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V, w
''',
}

STUB = '''
def attention(Q, K, V, mask=None):
    pass
'''
