"""Suite for code-softmax-xent: mean softmax cross-entropy and its gradient."""

from mockround_suite import case, close, edge, expect, optional, parts

np = optional("numpy")

ENTRY = "softmax_cross_entropy"
ALIASES = {"softmax_cross_entropy": ("softmax_xent", "cross_entropy", "softmax_cross_entropy_loss",
                                     "xent", "cross_entropy_loss", "softmax_ce", "loss_and_grad")}
SIGNATURE = "softmax_cross_entropy(logits, labels) -> (loss, grad)"
NUMPY = ("numpy",)


def oracle(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(labels)
    loss = -logp[np.arange(n), labels].mean()
    grad = np.exp(logp)
    grad[np.arange(n), labels] -= 1
    return loss, grad / n


def call(f, logits, labels):
    loss, grad = parts(f(logits, labels), 2, "softmax_cross_entropy(logits, labels) should return (loss, grad)")
    try:
        loss = float(loss)
    except Exception:
        raise AssertionError(f"the loss should be a scalar, got {type(loss).__name__}")
    return loss, np.asarray(grad, dtype=float)


def batch(n=4, c=5, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, c)) * scale, rng.integers(0, c, size=n)


@case(needs=NUMPY)
def random_batch(softmax_cross_entropy):
    """N=4, C=5 random logits: loss and gradient match a reference"""
    logits, labels = batch()
    loss, grad = call(softmax_cross_entropy, logits, labels)
    want_loss, want_grad = oracle(logits, labels)
    close(loss, want_loss, "loss for random logits")
    close(grad, want_grad, "gradient for random logits")


@edge(needs=NUMPY)
def mean_not_sum(softmax_cross_entropy):
    """the gradient is that of the mean loss: divided by N (N=8)"""
    logits, labels = batch(n=8, seed=1)
    loss, grad = call(softmax_cross_entropy, logits, labels)
    want_loss, want_grad = oracle(logits, labels)
    if np.allclose(grad, want_grad * 8):
        raise AssertionError("the gradient is 8 times too large for N = 8: the loss is a mean, so divide the gradient by N")
    if np.isclose(loss, want_loss * 8):
        raise AssertionError("the loss is the sum over the batch (8 times the mean): return the mean")
    close(grad, want_grad, "gradient with N = 8")


@edge(needs=NUMPY)
def large_logits(softmax_cross_entropy):
    """logits around 1,000: the loss stays finite and exact (no overflow in exp)"""
    logits = np.array([[1000.0, 0.0, -5.0], [1000.0, 999.0, 998.0]])
    labels = np.array([1, 0])
    loss, grad = call(softmax_cross_entropy, logits, labels)
    expect(np.isfinite(loss), f"with logits around 1,000 the loss is {loss}: subtract each row's max before exp, "
           "and take the log in log space (z - log(sum(exp(z)))) rather than of a probability that underflowed to 0")
    want_loss, want_grad = oracle(logits, labels)
    close(loss, want_loss, "loss with logits around 1,000 (an epsilon inside the log caps it near 20.7)")
    close(grad, want_grad, "gradient with logits around 1,000")


@edge(needs=NUMPY)
def rows_on_different_scales(softmax_cross_entropy):
    """one row near +1,000 and one near -1,000: each row needs its own max"""
    logits = np.array([[1000.0, 998.0, 990.0], [-1000.0, -1001.0, -1003.0]])
    labels = np.array([0, 1])
    loss, grad = call(softmax_cross_entropy, logits, labels)
    expect(np.isfinite(loss) and np.isfinite(grad).all(),
           f"with one row near 1,000 and one near -1,000 the loss is {loss}: one global max makes the second "
           "row's exp underflow to 0; subtract each row's own max (axis=1, keepdims=True)")
    want_loss, want_grad = oracle(logits, labels)
    close(loss, want_loss, "loss with rows on different scales")
    close(grad, want_grad, "gradient with rows on different scales")


@edge(needs=NUMPY)
def gradient_rows_sum_to_zero(softmax_cross_entropy):
    """each gradient row sums to 0 (softmax minus one-hot)"""
    logits, labels = batch(n=6, c=7, seed=2, scale=3.0)
    _, grad = call(softmax_cross_entropy, logits, labels)
    close(grad.sum(axis=1), np.zeros(6), "sum of each gradient row", atol=1e-9)


@edge(needs=NUMPY)
def matches_finite_differences(softmax_cross_entropy):
    """the gradient agrees with central finite differences of the loss"""
    logits, labels = batch(n=3, c=4, seed=3)
    loss, grad = call(softmax_cross_entropy, logits, labels)
    numeric = np.zeros_like(logits)
    eps = 1e-6
    for i in range(logits.shape[0]):
        for j in range(logits.shape[1]):
            up, down = logits.copy(), logits.copy()
            up[i, j] += eps
            down[i, j] -= eps
            numeric[i, j] = (call(softmax_cross_entropy, up, labels)[0]
                             - call(softmax_cross_entropy, down, labels)[0]) / (2 * eps)
    close(grad, numeric, "gradient against finite differences of your own loss", rtol=1e-4, atol=1e-7)


@edge(needs=NUMPY)
def single_example(softmax_cross_entropy):
    """N=1 and C=2: the smallest batch"""
    logits, labels = np.array([[2.0, -1.0]]), np.array([1])
    loss, grad = call(softmax_cross_entropy, logits, labels)
    want_loss, want_grad = oracle(logits, labels)
    close(loss, want_loss, "loss for a single example")
    close(grad, want_grad, "gradient for a single example")


@edge(needs=NUMPY)
def transposed_float32_input(softmax_cross_entropy):
    """float32 logits given as a transposed (non-contiguous) view, int32 labels; the input is not modified"""
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((5, 3)).astype(np.float32).T
    before = logits.copy()
    labels = np.array([0, 4, 2], dtype=np.int32)
    loss, grad = call(softmax_cross_entropy, logits, labels)
    want_loss, want_grad = oracle(logits, labels)
    close(loss, want_loss, "loss for float32 transposed logits", rtol=1e-4, atol=1e-5)
    close(grad, want_grad, "gradient for float32 transposed logits", rtol=1e-4, atol=1e-5)
    expect(np.array_equal(logits, before), "the function changed the caller's logits in place")


REFERENCE = '''
import numpy as np

def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)                      # per row: softmax is shift-invariant
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = z.shape[0]
    rows = np.arange(n)
    loss = -log_probs[rows, labels].mean()
    grad = np.exp(log_probs)
    grad[rows, labels] -= 1.0
    return loss, grad / n                                      # the loss is a mean
'''

WRONG = {
    "no max subtraction before exp": '''
import numpy as np

def softmax_cross_entropy(logits, labels):
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels]).mean()
    grad = p.copy()
    grad[np.arange(n), labels] -= 1
    return loss, grad / n
''',
    "one global max instead of one per row": '''
import numpy as np

def softmax_cross_entropy(logits, labels):
    z = logits - logits.max()
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels]).mean()
    grad = p.copy()
    grad[np.arange(n), labels] -= 1
    return loss, grad / n
''',
    "gradient not divided by N": '''
import numpy as np

def softmax_cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels]).mean()
    grad = p.copy()
    grad[np.arange(n), labels] -= 1
    return loss, grad
''',
    "an epsilon inside log(softmax) instead of log-softmax": '''
import numpy as np

def softmax_cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels] + 1e-9).mean()
    grad = p.copy()
    grad[np.arange(n), labels] -= 1
    return loss, grad / n
''',
}

STUB = '''
def softmax_cross_entropy(logits, labels):
    pass
'''
