"""Suite for code-window-k-distinct: the longest span with at most k distinct ids."""

import random
import time

from mockround_suite import case, edge, equal, expect

ENTRY = "longest_k_distinct"
ALIASES = {"longest_k_distinct": ("longest_span", "longest_substring_k_distinct", "longest_window")}
SIGNATURE = "longest_k_distinct(tokens, k) -> int"


def brute(tokens, k):
    best = 0
    for i in range(len(tokens)):
        seen = set()
        for j in range(i, len(tokens)):
            seen.add(tokens[j])
            if len(seen) > k:
                break
            best = max(best, j - i + 1)
    return best


def check(f, tokens, k, what):
    equal(f(list(tokens), k), brute(tokens, k), what)


@case
def example(longest_k_distinct):
    """the example: [4, 1, 4, 2, 4, 2, 2, 3] with k = 2 gives 5"""
    check(longest_k_distinct, [4, 1, 4, 2, 4, 2, 2, 3], 2, "longest_k_distinct(example, 2)")


@case
def k_one(longest_k_distinct):
    """k = 1: the longest run of one id"""
    check(longest_k_distinct, [1, 1, 2, 2, 2, 1, 3, 3], 1, "longest_k_distinct([1, 1, 2, 2, 2, 1, 3, 3], 1)")


@edge
def k_zero(longest_k_distinct):
    """k = 0 gives 0"""
    check(longest_k_distinct, [1, 2, 3], 0, "longest_k_distinct([1, 2, 3], 0)")


@edge
def empty_list(longest_k_distinct):
    """an empty list gives 0"""
    check(longest_k_distinct, [], 2, "longest_k_distinct([], 2)")


@edge
def k_covers_everything(longest_k_distinct):
    """k at least the number of distinct ids gives the whole length"""
    check(longest_k_distinct, [5, 6, 5, 7], 3, "longest_k_distinct([5, 6, 5, 7], 3)")
    check(longest_k_distinct, [5, 6, 5, 7], 10, "longest_k_distinct([5, 6, 5, 7], 10)")


@edge
def best_span_at_the_end(longest_k_distinct):
    """the longest span ends at the last token"""
    check(longest_k_distinct, [1, 2, 3, 4, 4, 3, 4, 3, 3], 2, "longest_k_distinct([1, 2, 3, 4, 4, 3, 4, 3, 3], 2)")


@edge
def random_inputs(longest_k_distinct):
    """500 random inputs agree with an O(n^2) brute force"""
    rng = random.Random(5)
    for trial in range(500):
        tokens = [rng.randrange(5) for _ in range(rng.randint(0, 20))]
        k = rng.randint(0, 4)
        check(longest_k_distinct, tokens, k, f"random input {trial}: longest_k_distinct({tokens}, {k})")


@edge(timeout=3)
def linear_time(longest_k_distinct):
    """150,000 tokens with k = 300 in under 1.5 s: O(n), not O(n k) or O(n^2)"""
    rng = random.Random(9)
    tokens = [rng.randrange(400) for _ in range(150_000)]
    start = time.perf_counter()
    got = longest_k_distinct(tokens, 300)
    took = time.perf_counter() - start
    expect(took < 1.5, f"150,000 tokens with k = 300 took {took:.1f} s: each index should enter and leave the window once")
    expect(isinstance(got, int) and got > 0, f"expected a positive length, got {got!r}")


REFERENCE = '''
def longest_k_distinct(tokens, k):
    counts = {}
    best = left = 0
    for right, t in enumerate(tokens):
        counts[t] = counts.get(t, 0) + 1
        while len(counts) > k:              # invariant: the window holds at most k ids
            old = tokens[left]
            counts[old] -= 1
            if counts[old] == 0:
                del counts[old]              # so len(counts) is the number of distinct ids
            left += 1
        best = max(best, right - left + 1)
    return best
'''

WRONG = {
    "off by one: the window length is right - left": '''
def longest_k_distinct(tokens, k):
    counts = {}
    best = left = 0
    for right, t in enumerate(tokens):
        counts[t] = counts.get(t, 0) + 1
        while len(counts) > k:
            counts[tokens[left]] -= 1
            if counts[tokens[left]] == 0:
                del counts[tokens[left]]
            left += 1
        best = max(best, right - left)
    return best
''',
    "counts that reach zero are kept, so len(counts) overcounts": '''
from collections import defaultdict

def longest_k_distinct(tokens, k):
    counts = defaultdict(int)
    best = left = 0
    for right, t in enumerate(tokens):
        counts[t] += 1
        while len(counts) > k and left <= right:
            counts[tokens[left]] -= 1
            left += 1
        best = max(best, right - left + 1)
    return best
''',
    "recounts distinct ids with a set each step: O(n k)": '''
def longest_k_distinct(tokens, k):
    best = left = 0
    for right in range(len(tokens)):
        while len(set(tokens[left:right + 1])) > k:
            left += 1
        best = max(best, right - left + 1)
    return best
''',
}

STUB = '''
def longest_k_distinct(tokens, k):
    pass
'''
