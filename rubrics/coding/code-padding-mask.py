"""Suite for code-padding-mask: collate padded batches, and a masked mean over the real tokens."""

from mockround_suite import case, close, edge, equal, expect, optional, parts

np = optional("numpy")

ENTRY = ("collate", "masked_mean")
SIGNATURE = "collate(seqs, pad_id) -> (ids (B, T) int64, mask (B, T) bool); masked_mean(h, mask) -> (B, d)"
NUMPY = ("numpy",)


def batch(collate, seqs, pad_id):
    ids, mask = parts(collate([list(s) for s in seqs], pad_id), 2, "collate(seqs, pad_id) should return (ids, mask)")
    return np.asarray(ids), np.asarray(mask)


def mean_of(h, lengths):
    return np.stack([h[b, :n].mean(0) if n else np.zeros(h.shape[-1]) for b, n in enumerate(lengths)])


@case(needs=NUMPY)
def example(collate):
    """the example: [[5, 6, 7], [8]] with pad 0"""
    ids, mask = batch(collate, [[5, 6, 7], [8]], 0)
    equal(ids.tolist(), [[5, 6, 7], [8, 0, 0]], "ids")
    equal(mask.tolist(), [[True, True, True], [True, False, False]], "mask")


@edge(needs=NUMPY)
def dtypes(collate):
    """ids are integers (int64) and the mask is boolean"""
    ids, mask = batch(collate, [[5, 6, 7], [8]], 0)
    expect(np.issubdtype(ids.dtype, np.integer), f"ids: expected an integer dtype (int64), got {ids.dtype}")
    expect(mask.dtype == bool, f"mask: expected dtype bool, got {mask.dtype}")


@edge(needs=NUMPY)
def pads_to_the_longest_in_the_batch(collate):
    """T is the longest sequence of this batch"""
    ids, mask = batch(collate, [[1, 2], [3], [4, 5]], 9)
    equal(ids.shape, (3, 2), "ids.shape for lengths 2, 1, 2")
    equal(ids.tolist(), [[1, 2], [3, 9], [4, 5]], "ids with pad 9")


@edge(needs=NUMPY)
def real_token_equal_to_pad_id(collate):
    """a real token whose id is the pad id is still a token: the mask comes from the lengths"""
    _, mask = batch(collate, [[0, 5, 0], [7]], 0)
    equal(mask.tolist(), [[True, True, True], [True, False, False]],
          "mask for [[0, 5, 0], [7]] with pad 0 (ids != pad_id would hide real zeros)")


@case(needs=NUMPY)
def masked_mean_matches(collate, masked_mean):
    """the mean over the real positions only"""
    rng = np.random.default_rng(0)
    seqs = [[1, 2, 3, 4], [5, 6], [7]]
    _, mask = batch(collate, seqs, 0)
    h = rng.standard_normal((3, 4, 5))
    close(masked_mean(h, mask), mean_of(h, [4, 2, 1]), "masked_mean")


@edge(needs=NUMPY)
def padding_values_are_ignored(masked_mean):
    """huge values in padded positions change nothing"""
    rng = np.random.default_rng(1)
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    h = rng.standard_normal((2, 4, 3))
    h[~mask] = 1e6
    close(masked_mean(h, mask), mean_of(h, [2, 3]), "masked_mean with 1e6 in the padding")


@edge(needs=NUMPY)
def divides_by_the_true_length(masked_mean):
    """a sequence of 1 real token out of T = 4: its mean is that token, not a quarter of it"""
    h = np.ones((1, 4, 2))
    mask = np.array([[True, False, False, False]])
    got = np.asarray(masked_mean(h, mask), dtype=float)
    if got.shape == (1, 2) and np.allclose(got, 0.25):
        raise AssertionError("masked_mean of one real token of ones gives 0.25: divide by mask.sum(1), not by T")
    close(got, np.ones((1, 2)), "masked_mean of one real token of ones")


@edge(needs=NUMPY)
def empty_sequence(collate, masked_mean):
    """an empty sequence gives a row of zeros, not nan from 0 / 0"""
    ids, mask = batch(collate, [[3, 4], []], 0)
    equal(mask.tolist(), [[True, True], [False, False]], "mask for [[3, 4], []]")
    h = np.arange(8, dtype=float).reshape(2, 2, 2)
    got = np.asarray(masked_mean(h, mask), dtype=float)
    expect(np.isfinite(got).all(), f"masked_mean for an empty sequence gives {got[1].tolist()}: "
           "clamp the count to at least 1")
    close(got, np.array([[1.0, 2.0], [0.0, 0.0]]), "masked_mean with an empty sequence")


@edge(needs=NUMPY)
def no_padding_needed(collate, masked_mean):
    """sequences of equal length: no padding, all True"""
    ids, mask = batch(collate, [[1, 2], [3, 4]], 0)
    expect(mask.all(), f"mask for equal lengths: expected all True, got {mask.tolist()}")
    h = np.arange(8, dtype=float).reshape(2, 2, 2)
    close(masked_mean(h, mask), h.mean(1), "masked_mean without padding")


REFERENCE = '''
import numpy as np

def collate(seqs, pad_id):
    lengths = np.array([len(s) for s in seqs])
    T = int(lengths.max()) if len(seqs) else 0                 # the longest in this batch
    mask = np.arange(T)[None, :] < lengths[:, None]            # from the lengths, not ids != pad_id
    ids = np.full((len(seqs), T), pad_id, dtype=np.int64)
    ids[mask] = [t for s in seqs for t in s]
    return ids, mask

def masked_mean(h, mask):
    m = np.asarray(mask, dtype=h.dtype)[..., None]             # (B, T, 1)
    count = np.maximum(m.sum(axis=1), 1.0)                     # an empty sequence gives zeros
    return (h * m).sum(axis=1) / count
'''

WRONG = {
    "mask computed as ids != pad_id": '''
import numpy as np

def collate(seqs, pad_id):
    T = max(len(s) for s in seqs)
    ids = np.full((len(seqs), T), pad_id, dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = s
    return ids, ids != pad_id

def masked_mean(h, mask):
    m = mask[..., None].astype(h.dtype)
    return (h * m).sum(1) / np.maximum(m.sum(1), 1)
''',
    "divides by T instead of the number of real tokens": '''
import numpy as np

def collate(seqs, pad_id):
    lengths = np.array([len(s) for s in seqs])
    T = lengths.max()
    mask = np.arange(T)[None, :] < lengths[:, None]
    ids = np.full((len(seqs), T), pad_id, dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = s
    return ids, mask

def masked_mean(h, mask):
    return (h * mask[..., None]).mean(axis=1)
''',
    "no guard for an empty sequence: 0 / 0 is nan": '''
import numpy as np

def collate(seqs, pad_id):
    lengths = np.array([len(s) for s in seqs])
    T = lengths.max()
    mask = np.arange(T)[None, :] < lengths[:, None]
    ids = np.full((len(seqs), T), pad_id, dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = s
    return ids, mask

def masked_mean(h, mask):
    m = mask[..., None]
    return (h * m).sum(1) / m.sum(1)
''',
}

STUB = '''
def collate(seqs, pad_id):
    pass

def masked_mean(h, mask):
    pass
'''
