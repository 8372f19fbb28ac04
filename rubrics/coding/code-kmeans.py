"""Suite for code-kmeans: vectorised k-means in NumPy."""

import tracemalloc

from mockround_suite import case, close, edge, equal, expect, optional, parts

np = optional("numpy")

ENTRY = "kmeans"
ALIASES = {"kmeans": ("k_means", "lloyd")}
SIGNATURE = "kmeans(X, k, max_iter=100, tol=1e-4, seed=0) -> (centroids (k, d), labels (n,))"
NUMPY = ("numpy",)


def blobs(per=100, seed=0):
    """Three tight, far-apart blobs, sorted by blob (so the first k points are all in one)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0]])
    X = np.concatenate([c + rng.standard_normal((per, 2)) for c in centres]).astype(np.float32)
    return X, np.repeat(np.arange(3), per), centres


def call(kmeans, X, k, **kw):
    C, labels = parts(kmeans(X, k, **kw), 2, "kmeans(X, k) should return (centroids, labels)")
    C, labels = np.asarray(C, dtype=float), np.asarray(labels)
    expect(C.shape == (k, X.shape[1]), f"centroids: expected shape {(k, X.shape[1])}, got {C.shape}")
    expect(labels.shape == (len(X),), f"labels: expected shape {(len(X),)}, got {labels.shape}")
    expect(np.issubdtype(labels.dtype, np.integer), f"labels: expected integers, got dtype {labels.dtype}")
    return C, labels


def same_partition(labels, truth, what):
    pairs = set(zip(labels.tolist(), truth.tolist()))
    expect(len(pairs) == len(set(truth.tolist())) == len(set(labels.tolist())),
           f"{what}: the clusters do not match the blobs (label/blob pairs seen: {sorted(pairs)[:8]})")


@case(needs=NUMPY)
def three_blobs(kmeans):
    """three far-apart blobs are found, whatever the order of the points"""
    X, truth, _ = blobs()
    _, labels = call(kmeans, X, 3)
    same_partition(labels, truth, "three blobs")


@case(needs=NUMPY)
def centroids_are_means(kmeans):
    """each centroid is the mean of its points, and each point's label is its nearest centroid"""
    X, truth, _ = blobs(seed=1)
    C, labels = call(kmeans, X, 3)
    for j in range(3):
        members = X[labels == j]
        expect(len(members) > 0, f"cluster {j} is empty on three well-separated blobs")
        close(C[j], members.mean(axis=0), f"centroid {j} against the mean of its points", atol=1e-3)
    nearest = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1).argmin(1)
    wrong = int((nearest != labels).sum())
    expect(wrong == 0, f"{wrong} points are labelled with a centroid that is not their nearest")


@edge(needs=NUMPY)
def same_seed_same_result(kmeans):
    """the same seed gives the same clustering twice"""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((200, 4)).astype(np.float32)
    C1, l1 = call(kmeans, X, 5, seed=3)
    C2, l2 = call(kmeans, X, 5, seed=3)
    expect(np.array_equal(l1, l2) and np.allclose(C1, C2), "two runs with seed=3 gave different clusterings")


@edge(needs=NUMPY)
def k_equals_one(kmeans):
    """k = 1: one centroid at the mean, every label 0"""
    X, _, _ = blobs(per=20, seed=4)
    C, labels = call(kmeans, X, 1)
    close(C[0], X.mean(axis=0), "the single centroid", atol=1e-4)
    expect((labels == 0).all(), f"with k = 1 every label should be 0, got {sorted(set(labels.tolist()))}")


@edge(needs=NUMPY)
def duplicate_points_no_empty_cluster(kmeans):
    """mostly duplicated points: no centroid ends up nan from an empty cluster"""
    X = np.concatenate([np.zeros((50, 2)), np.full((50, 2), 10.0), [[5.0, 5.0], [5.0, 5.0], [20.0, 0.0]]])
    X = X.astype(np.float32)
    for seed in range(3):
        C, labels = call(kmeans, X, 4, seed=seed)
        expect(np.isfinite(C).all(), f"seed {seed}: a centroid is nan: a cluster got no points "
               "(mean of nothing); pick distinct starting points or reseed empty clusters")
        expect(len(set(labels.tolist())) == 4, f"seed {seed}: only {len(set(labels.tolist()))} of 4 clusters "
               "have points, though the data has 4 distinct locations")


@edge(needs=NUMPY, timeout=10)
def memory_at_scale(kmeans):
    """n = 30,000, d = 64, k = 50: peak memory well under the 0.8 GB of an (n, k, d) float64 difference tensor"""
    rng = np.random.default_rng(5)
    X = rng.random((30_000, 64), dtype=np.float32)
    tracemalloc.start()
    try:
        C, labels = call(kmeans, X, 50, max_iter=3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    expect(peak < 300e6, f"peak memory {peak / 1e9:.2f} GB for n = 30,000, d = 64, k = 50: expand "
           "|x - c|^2 = |x|^2 - 2 x.c + |c|^2 instead of broadcasting an (n, k, d) difference")
    expect(np.isfinite(C).all(), "a centroid is nan at n = 30,000")


REFERENCE = '''
import numpy as np

def sq_dists(X, x2, C):
    # |x - c|^2 = |x|^2 - 2 x.c + |c|^2: one (n, k) matrix product, never (n, k, d)
    return np.maximum(x2[:, None] - 2.0 * (X @ C.T) + (C * C).sum(1)[None, :], 0.0)

def kmeans(X, k, max_iter=100, tol=1e-4, seed=0):
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    rng = np.random.default_rng(seed)
    x2 = (X * X).sum(1)
    # k-means++: far points are likelier starts, and a duplicate of a start never is
    chosen = [int(rng.integers(n))]
    d2 = np.maximum(x2 - 2.0 * (X @ X[chosen[0]]) + x2[chosen[0]], 0.0)
    for _ in range(1, k):
        total = d2.sum()
        i = int(rng.choice(n, p=d2 / total)) if total > 0 else int(rng.integers(n))
        chosen.append(i)
        d2 = np.minimum(d2, np.maximum(x2 - 2.0 * (X @ X[i]) + x2[i], 0.0))
    C = X[chosen].copy()
    for _ in range(max_iter):
        dist = sq_dists(X, x2, C)
        labels = dist.argmin(1)
        counts = np.bincount(labels, minlength=k)
        sums = np.zeros_like(C)
        np.add.at(sums, labels, X)
        new = C.copy()
        full = counts > 0
        new[full] = sums[full] / counts[full, None]
        if not full.all():                                  # reseed empty clusters at the worst-fit points
            worst = np.argsort(dist[np.arange(n), labels])[::-1]
            new[~full] = X[worst[: int((~full).sum())]]
        shift = np.abs(new - C).max()
        C = new
        if shift < tol:
            break
    return C, sq_dists(X, x2, C).argmin(1)                 # labels that match the returned centroids
'''

WRONG = {
    "broadcasts an (n, k, d) difference tensor": '''
import numpy as np

def kmeans(X, k, max_iter=100, tol=1e-4, seed=0):
    rng = np.random.default_rng(seed)
    C = X[rng.choice(len(X), k, replace=False)].astype(np.float64)
    for _ in range(max_iter):
        labels = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1).argmin(1)
        new = np.array([X[labels == j].mean(0) if (labels == j).any() else C[j] for j in range(k)])
        done = np.abs(new - C).max() < tol
        C = new
        if done:
            break
    labels = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1).argmin(1)
    return C, labels
''',
    "starts from the first k points": '''
import numpy as np

def kmeans(X, k, max_iter=100, tol=1e-4, seed=0):
    X = np.asarray(X, dtype=np.float64)
    C = X[:k].copy()
    x2 = (X * X).sum(1)
    for _ in range(max_iter):
        labels = (x2[:, None] - 2 * X @ C.T + (C * C).sum(1)).argmin(1)
        new = np.array([X[labels == j].mean(0) if (labels == j).any() else C[j] for j in range(k)])
        done = np.abs(new - C).max() < tol
        C = new
        if done:
            break
    return C, (x2[:, None] - 2 * X @ C.T + (C * C).sum(1)).argmin(1)
''',
    "random start points, empty clusters become nan": '''
import numpy as np

def kmeans(X, k, max_iter=100, tol=1e-4, seed=0):
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    C = X[rng.choice(len(X), k, replace=False)].copy()
    x2 = (X * X).sum(1)
    for _ in range(max_iter):
        labels = (x2[:, None] - 2 * X @ C.T + (C * C).sum(1)).argmin(1)
        new = np.array([X[labels == j].mean(0) for j in range(k)])
        done = np.abs(new - C).max() < tol
        C = new
        if done:
            break
    return C, (x2[:, None] - 2 * X @ C.T + (C * C).sum(1)).argmin(1)
''',
}

STUB = '''
def kmeans(X, k, max_iter=100, tol=1e-4, seed=0):
    pass
'''
