"""Suite for code-pack-pairs: the fewest slots holding at most two sequences within L tokens."""

import random
import time
from functools import lru_cache

from mockround_suite import case, edge, equal, expect

ENTRY = "min_slots"
ALIASES = {"min_slots": ("pack_pairs", "min_bins", "num_slots")}
SIGNATURE = "min_slots(lengths: list[int], L: int) -> int"


def brute(lengths, L):
    """Exhaustive pairing, for small inputs."""
    items = tuple(sorted(lengths))

    @lru_cache(maxsize=None)
    def best(rest):
        if not rest:
            return 0
        first, others = rest[0], rest[1:]
        options = [1 + best(others)]
        for i, x in enumerate(others):
            if first + x <= L:
                options.append(1 + best(others[:i] + others[i + 1:]))
        return min(options)

    return best(items)


def check(min_slots, lengths, L, what):
    given = list(lengths)
    equal(min_slots(given, L), brute(lengths, L), what)


@case
def examples(min_slots):
    """the two examples: 3 slots each"""
    check(min_slots, [300, 700, 500, 500, 200, 800], 1000, "min_slots([300, 700, 500, 500, 200, 800], 1000)")
    check(min_slots, [900, 600, 500, 400], 1000, "min_slots([900, 600, 500, 400], 1000)")


@edge
def empty_list(min_slots):
    """no sequences need no slots"""
    equal(min_slots([], 1000), 0, "min_slots([], 1000)")


@edge
def single_sequence(min_slots):
    """one sequence takes one slot"""
    check(min_slots, [400], 1000, "min_slots([400], 1000)")


@edge
def odd_count_middle_element(min_slots):
    """an odd count: the sequence left in the middle still takes a slot"""
    check(min_slots, [100, 200, 300, 400, 500], 1000, "min_slots([100, 200, 300, 400, 500], 1000)")


@edge
def exactly_l(min_slots):
    """a pair that sums to exactly L fits, and so does a sequence of length L"""
    check(min_slots, [1000, 400, 600], 1000, "min_slots([1000, 400, 600], 1000)")


@edge
def nothing_pairs(min_slots):
    """every sequence longer than L / 2: one slot each"""
    check(min_slots, [600, 700, 800, 900], 1000, "min_slots([600, 700, 800, 900], 1000)")


@edge
def greedy_neighbours_lose(min_slots):
    """pairing neighbours after sorting is not optimal"""
    check(min_slots, [100, 200, 800, 900], 1000, "min_slots([100, 200, 800, 900], 1000)")


@edge
def at_most_two_per_slot(min_slots):
    """three short sequences never share one slot"""
    check(min_slots, [100, 100, 100], 1000, "min_slots([100, 100, 100], 1000)")


@edge
def random_inputs(min_slots):
    """400 random inputs agree with an exhaustive search"""
    rng = random.Random(6)
    for trial in range(400):
        L = rng.randint(5, 20)
        lengths = [rng.randint(1, L) for _ in range(rng.randint(0, 8))]
        check(min_slots, lengths, L, f"random input {trial}: min_slots({lengths}, {L})")


@edge(timeout=5)
def many_sequences(min_slots):
    """200,000 sequences in under 1 s (O(n log n))"""
    rng = random.Random(8)
    lengths = [rng.randint(1, 4096) for _ in range(200_000)]
    start = time.perf_counter()
    got = min_slots(lengths, 4096)
    took = time.perf_counter() - start
    expect(isinstance(got, int) and 100_000 <= got <= 200_000, f"expected a slot count between n/2 and n, got {got!r}")
    expect(took < 1.0, f"200,000 sequences took {took:.1f} s")


REFERENCE = '''
def min_slots(lengths, L):
    xs = sorted(lengths)
    i, j = 0, len(xs) - 1
    slots = 0
    while i <= j:                   # i == j: the last one still takes a slot
        if i < j and xs[i] + xs[j] <= L:
            i += 1                  # the longest takes the shortest if they fit
        j -= 1
        slots += 1
    return slots
'''

WRONG = {
    "pairs neighbours after sorting": '''
def min_slots(lengths, L):
    xs = sorted(lengths)
    slots, i = 0, 0
    while i < len(xs):
        if i + 1 < len(xs) and xs[i] + xs[i + 1] <= L:
            i += 2
        else:
            i += 1
        slots += 1
    return slots
''',
    "while i < j drops the middle sequence": '''
def min_slots(lengths, L):
    xs = sorted(lengths)
    i, j = 0, len(xs) - 1
    slots = 0
    while i < j:
        if xs[i] + xs[j] <= L:
            i += 1
        j -= 1
        slots += 1
    return slots
''',
    "fills a slot with as many as fit": '''
def min_slots(lengths, L):
    slots, room = 0, 0
    for x in sorted(lengths, reverse=True):
        if x <= room:
            room -= x
        else:
            slots += 1
            room = L - x
    return slots
''',
}

STUB = '''
def min_slots(lengths, L):
    pass
'''
