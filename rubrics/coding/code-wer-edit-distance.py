"""Suite for code-wer-edit-distance: word error rate with counts of each edit type."""

import time

from mockround_suite import case, edge, equal, expect

ENTRY = "wer"
ALIASES = {"wer": ("word_error_rate", "compute_wer")}
SIGNATURE = 'wer(ref: list[str], hyp: list[str]) -> (rate, {"sub": s, "del": d, "ins": i})'


def distance(ref, hyp):
    prev = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        cur = [i] + [0] * len(hyp)
        for j in range(1, len(hyp) + 1):
            cur[j] = prev[j - 1] if ref[i - 1] == hyp[j - 1] else 1 + min(prev[j - 1], prev[j], cur[j - 1])
        prev = cur
    return prev[-1]


def call(wer, ref, hyp, what):
    result = wer(list(ref), list(hyp))
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           f"{what}: expected (rate, counts), got {result!r}")
    rate, counts = result
    expect(isinstance(counts, dict) and {"sub", "del", "ins"} <= set(counts),
           f"{what}: expected counts as {{'sub': ..., 'del': ..., 'ins': ...}}, got {counts!r}")
    return rate, counts


def check(wer, ref, hyp, what, counts=None):
    """The rate is the edit distance over len(ref); the counts add up to it and to the lengths."""
    rate, got = call(wer, ref, hyp, what)
    d = distance(ref, hyp)
    want = d / len(ref)
    expect(isinstance(rate, (int, float)) and abs(rate - want) < 1e-9,
           f"{what}: expected WER {want:.4g} ({d} edits / {len(ref)} reference words), got {rate!r}")
    s, dl, ins = got["sub"], got["del"], got["ins"]
    expect(s + dl + ins == d, f"{what}: the counts {got} add up to {s + dl + ins}, but the edit distance is {d}")
    expect(len(ref) - dl + ins == len(hyp),
           f"{what}: with {dl} deletions and {ins} insertions, {len(ref)} reference words cannot become "
           f"{len(hyp)} hypothesis words (are del and ins swapped?)")
    if counts is not None:
        equal(dict((k, got[k]) for k in ("sub", "del", "ins")), counts, f"{what}: counts")


@case
def example(wer):
    """the example: two deletions out of six words"""
    check(wer, "the cat sat on the mat".split(), "the cat sat mat".split(), "wer(example)",
          {"sub": 0, "del": 2, "ins": 0})


@case
def substitutions(wer):
    """two words replaced"""
    check(wer, "a b c d".split(), "a x c y".split(), "wer('a b c d', 'a x c y')", {"sub": 2, "del": 0, "ins": 0})


@edge
def identical(wer):
    """identical lists: WER 0 and no edits"""
    check(wer, "one two three".split(), "one two three".split(), "wer(identical)", {"sub": 0, "del": 0, "ins": 0})


@edge
def empty_hypothesis(wer):
    """an empty hypothesis: every reference word deleted, WER 1.0"""
    check(wer, "a b c".split(), [], "wer('a b c', '')", {"sub": 0, "del": 3, "ins": 0})


@edge
def insertions_above_one(wer):
    """many insertions: WER above 1"""
    check(wer, ["hi"], "oh hi there you".split(), "wer('hi', 'oh hi there you')", {"sub": 0, "del": 0, "ins": 3})


@edge
def mixed_edits(wer):
    """insertions, deletions and substitutions together"""
    check(wer, "the quick brown fox jumps".split(), "a quick fox jumps high".split(), "wer(mixed)")
    check(wer, "x y z".split(), "y z w v".split(), "wer('x y z', 'y z w v')")


@edge
def empty_reference(wer):
    """an empty reference has no defined WER: a deliberate error or inf, not ZeroDivisionError"""
    try:
        rate, _ = call(wer, [], ["noise"], "wer([], ['noise'])")
    except ZeroDivisionError:
        raise AssertionError("wer([], ['noise']) raised ZeroDivisionError: decide what an empty reference means "
                             "(raise ValueError with a message, or return inf)")
    except AssertionError:
        raise
    except Exception:
        return
    expect(rate == float("inf") or rate != rate, f"wer([], ['noise']): expected an error or inf, got {rate!r}")


@edge(timeout=5)
def long_utterances(wer):
    """two 300-word lists in under 2 s (O(n m), not exponential)"""
    ref = [f"w{i % 50}" for i in range(300)]
    hyp = [f"w{(i * 3) % 50}" for i in range(300)]
    start = time.perf_counter()
    check(wer, ref, hyp, "wer(300 words, 300 words)")
    took = time.perf_counter() - start
    expect(took < 2.0, f"300 x 300 words took {took:.1f} s")


REFERENCE = '''
def wer(ref, hyp):
    if not ref:
        raise ValueError("WER is undefined for an empty reference")
    n, m = len(ref), len(hyp)
    # dp[i][j] = (edits, sub, del, ins) turning ref[:i] into hyp[:j]
    dp = [[None] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dp[i][0] = (i, 0, i, 0)
    for j in range(m + 1):
        dp[0][j] = (j, 0, 0, j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if ref[i - 1] == hyp[j - 1]:
                dp[i][j] = dp[i - 1][j - 1]
                continue
            e, s, d, a = dp[i - 1][j - 1]
            best = (e + 1, s + 1, d, a)
            e, s, d, a = dp[i - 1][j]
            best = min(best, (e + 1, s, d + 1, a))
            e, s, d, a = dp[i][j - 1]
            best = min(best, (e + 1, s, d, a + 1))
            dp[i][j] = best
    edits, s, d, a = dp[n][m]
    return edits / n, {"sub": s, "del": d, "ins": a}
'''

WRONG = {
    "divides by the hypothesis length": '''
def wer(ref, hyp):
    n, m = len(ref), len(hyp)
    dp = [[(0, 0, 0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dp[i][0] = (i, 0, i, 0)
    for j in range(m + 1):
        dp[0][j] = (j, 0, 0, j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if ref[i - 1] == hyp[j - 1]:
                dp[i][j] = dp[i - 1][j - 1]
            else:
                e, s, d, a = dp[i - 1][j - 1]; x = (e + 1, s + 1, d, a)
                e, s, d, a = dp[i - 1][j]; x = min(x, (e + 1, s, d + 1, a))
                e, s, d, a = dp[i][j - 1]; x = min(x, (e + 1, s, d, a + 1))
                dp[i][j] = x
    edits, s, d, a = dp[n][m]
    return edits / max(m, 1), {"sub": s, "del": d, "ins": a}
''',
    "deletions and insertions swapped": '''
def wer(ref, hyp):
    n, m = len(ref), len(hyp)
    dp = [[(0, 0, 0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dp[i][0] = (i, 0, 0, i)
    for j in range(m + 1):
        dp[0][j] = (j, 0, j, 0)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if ref[i - 1] == hyp[j - 1]:
                dp[i][j] = dp[i - 1][j - 1]
            else:
                e, s, d, a = dp[i - 1][j - 1]; x = (e + 1, s + 1, d, a)
                e, s, d, a = dp[i - 1][j]; x = min(x, (e + 1, s, d, a + 1))
                e, s, d, a = dp[i][j - 1]; x = min(x, (e + 1, s, d + 1, a))
                dp[i][j] = x
    edits, s, d, a = dp[n][m]
    return edits / n, {"sub": s, "del": d, "ins": a}
''',
    "compares position by position instead of aligning": '''
def wer(ref, hyp):
    sub = sum(1 for r, h in zip(ref, hyp) if r != h)
    dels = max(len(ref) - len(hyp), 0)
    ins = max(len(hyp) - len(ref), 0)
    return (sub + dels + ins) / len(ref), {"sub": sub, "del": dels, "ins": ins}
''',
}

STUB = '''
def wer(ref, hyp):
    pass
'''
