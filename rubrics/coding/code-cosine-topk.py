"""Suite for code-cosine-topk: the k most cosine-similar corpus rows per query, best first."""

import time

from mockround_suite import case, close, edge, equal, expect, optional, parts

np = optional("numpy")

ENTRY = "top_k_cosine"
ALIASES = {"top_k_cosine": ("topk_cosine", "cosine_top_k", "top_k", "search")}
SIGNATURE = "top_k_cosine(Q (m, d), E (n, d), k) -> (idx (m, k) int, scores (m, k) float), best first"
NUMPY = ("numpy",)


def oracle(Q, E, k):
    Q, E = np.asarray(Q, dtype=np.float64), np.asarray(E, dtype=np.float64)
    qn = Q / np.maximum(np.linalg.norm(Q, axis=1, keepdims=True), 1e-12)
    en = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    S = (en @ qn.T).T                       # (m, n); this order keeps BLAS on contiguous data
    idx = np.argsort(-S, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(S, idx, axis=1)


def call(f, Q, E, k):
    idx, scores = parts(f(Q, E, k), 2, "top_k_cosine(Q, E, k) should return (idx, scores)")
    return np.asarray(idx), np.asarray(scores, dtype=float)


def data(m=3, n=50, d=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, d)).astype(np.float32), rng.standard_normal((n, d)).astype(np.float32)


@case(needs=NUMPY)
def matches_brute_force(top_k_cosine):
    """m=3, n=50, k=5: the same indices and scores as a brute-force ranking"""
    Q, E = data()
    idx, scores = call(top_k_cosine, Q, E, 5)
    want_idx, want_scores = oracle(Q, E, 5)
    close(scores, want_scores, "scores", atol=1e-5)
    equal(idx.tolist(), want_idx.tolist(), "idx")


@edge(needs=NUMPY)
def best_first(top_k_cosine):
    """each row is sorted by score, best first (argpartition alone leaves them unordered)"""
    Q, E = data(m=4, n=5000, seed=1)
    _, scores = call(top_k_cosine, Q, E, 300)
    order = np.diff(scores, axis=1)
    bad = np.argwhere(order > 1e-7)
    if len(bad):
        q, j = bad[0]
        raise AssertionError(f"with k = 300 the scores are not in descending order: query {q} has "
                             f"{scores[q, j]:.4f} at rank {j + 1} and {scores[q, j + 1]:.4f} at rank {j + 2}")


@edge(needs=NUMPY)
def cosine_not_dot_product(top_k_cosine):
    """a long corpus vector pointing elsewhere does not beat a short one pointing the same way"""
    Q = np.array([[1.0, 0.0]], dtype=np.float32)
    E = np.array([[0.1, 0.0], [100.0, 100.0], [0.0, 5.0]], dtype=np.float32)
    idx, scores = call(top_k_cosine, Q, E, 1)
    equal(idx.tolist(), [[0]], "top_k_cosine([[1, 0]], [[0.1, 0], [100, 100], [0, 5]], 1) idx")
    close(scores, [[1.0]], "its score", atol=1e-5)


@edge(needs=NUMPY)
def zero_vectors(top_k_cosine):
    """an all-zero corpus row or query gives finite scores, not nan"""
    Q, E = data(m=2, n=20, seed=2)
    E[3] = 0
    Q[1] = 0
    idx, scores = call(top_k_cosine, Q, E, 20)
    expect(np.isfinite(scores).all(), "an all-zero row gives nan scores: divide by max(norm, eps)")
    close(scores[0], oracle(Q, E, 20)[1][0], "scores of the normal query", atol=1e-5)


@edge(needs=NUMPY)
def k_equals_one(top_k_cosine):
    """k = 1 gives shape (m, 1)"""
    Q, E = data(seed=3)
    idx, scores = call(top_k_cosine, Q, E, 1)
    equal(idx.shape, (3, 1), "idx.shape for k = 1")
    equal(idx.tolist(), oracle(Q, E, 1)[0].tolist(), "idx for k = 1")


@edge(needs=NUMPY)
def k_larger_than_corpus(top_k_cosine):
    """k larger than n ranks the whole corpus"""
    Q, E = data(m=2, n=6, seed=4)
    idx, scores = call(top_k_cosine, Q, E, 10)
    equal(idx.tolist(), oracle(Q, E, 6)[0].tolist(), "idx for k = 10 and n = 6")


@edge(needs=NUMPY, timeout=6)
def large_corpus(top_k_cosine):
    """n = 100,000, d = 64, m = 8, k = 10 in under 1 s"""
    rng = np.random.default_rng(5)
    E = rng.random((100_000, 64), dtype=np.float32) - 0.5
    Q = rng.random((8, 64), dtype=np.float32) - 0.5
    start = time.perf_counter()
    idx, scores = call(top_k_cosine, Q, E, 10)
    took = time.perf_counter() - start
    expect(took < 1.0, f"n = 100,000 took {took:.1f} s")
    # float32 all the way: a float64 oracle at this size costs more than the code under test.
    S = (E / np.linalg.norm(E, axis=1, keepdims=True)) @ (Q / np.linalg.norm(Q, axis=1, keepdims=True)).T
    want = np.sort(np.partition(S.T, -10, axis=1)[:, -10:], axis=1)[:, ::-1]
    close(scores, want, "scores at n = 100,000, best first", atol=1e-4)


REFERENCE = '''
import numpy as np

def normalise(A):
    A = np.asarray(A, dtype=np.float32)
    return A / np.maximum(np.linalg.norm(A, axis=1, keepdims=True), 1e-12)   # zero rows stay zero

def top_k_cosine(Q, E, k):
    S = normalise(Q) @ normalise(E).T                       # (m, n) cosine similarities
    k = min(k, S.shape[1])
    part = np.argpartition(-S, k - 1, axis=1)[:, :k]        # the top k in O(n), unordered
    scores = np.take_along_axis(S, part, axis=1)
    order = np.argsort(-scores, axis=1, kind="stable")      # then sort only those k
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(scores, order, axis=1)
'''

WRONG = {
    "ranks by dot product, without normalising": '''
import numpy as np

def top_k_cosine(Q, E, k):
    S = Q @ E.T
    idx = np.argsort(-S, axis=1)[:, :k]
    return idx, np.take_along_axis(S, idx, axis=1)
''',
    "argpartition without sorting the k results": '''
import numpy as np

def top_k_cosine(Q, E, k):
    Qn = Q / np.maximum(np.linalg.norm(Q, axis=1, keepdims=True), 1e-12)
    En = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    S = Qn @ En.T
    k = min(k, S.shape[1])
    idx = np.argpartition(-S, k - 1, axis=1)[:, :k]
    return idx, np.take_along_axis(S, idx, axis=1)
''',
    "divides by the norm with no guard for zero vectors": '''
import numpy as np

def top_k_cosine(Q, E, k):
    S = (Q / np.linalg.norm(Q, axis=1, keepdims=True)) @ (E / np.linalg.norm(E, axis=1, keepdims=True)).T
    idx = np.argsort(-S, axis=1)[:, :k]
    return idx, np.take_along_axis(S, idx, axis=1)
''',
    "sorts ascending: the worst matches first": '''
import numpy as np

def top_k_cosine(Q, E, k):
    Qn = Q / np.maximum(np.linalg.norm(Q, axis=1, keepdims=True), 1e-12)
    En = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    S = Qn @ En.T
    idx = np.argsort(S, axis=1)[:, -k:]
    return idx, np.take_along_axis(S, idx, axis=1)
''',
}

STUB = '''
def top_k_cosine(Q, E, k):
    pass
'''
