"""Suite for code-merge-intervals: merge [start, end) reservations into busy blocks."""

import random

from mockround_suite import case, edge, equal, expect

ENTRY = "merge"
ALIASES = {"merge": ("merge_intervals", "merge_reservations", "busy_blocks")}
SIGNATURE = "merge(intervals: list[[start, end]]) -> list[[start, end]] in time order"


def oracle(intervals):
    out = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def check(merge, intervals, what):
    given = [list(iv) for iv in intervals]
    got = merge(given)
    got = [list(iv) for iv in got] if isinstance(got, (list, tuple)) else got
    equal(got, oracle(intervals), what)


@case
def example(merge):
    """the example: five reservations give three blocks"""
    check(merge, [[30, 60], [0, 15], [10, 20], [60, 75], [90, 100]], "merge(example)")


@case
def already_disjoint(merge):
    """sorted, disjoint reservations come back unchanged"""
    check(merge, [[0, 5], [10, 15], [20, 25]], "merge(disjoint)")


@edge
def touching_blocks_merge(merge):
    """[30, 60] and [60, 75] are one block: a start equal to an end continues it"""
    check(merge, [[30, 60], [60, 75]], "merge([[30, 60], [60, 75]])")


@edge
def nested_interval(merge):
    """a reservation inside another does not shrink the block"""
    check(merge, [[0, 100], [10, 20]], "merge([[0, 100], [10, 20]])")
    check(merge, [[0, 100], [10, 20], [30, 40]], "merge([[0, 100], [10, 20], [30, 40]])")


@edge
def empty_input(merge):
    """no reservations give no blocks"""
    check(merge, [], "merge([])")


@edge
def single_interval(merge):
    """one reservation is one block"""
    check(merge, [[5, 9]], "merge([[5, 9]])")


@edge
def everything_collapses(merge):
    """unsorted overlapping reservations collapse into one block"""
    check(merge, [[8, 12], [1, 4], [3, 9], [11, 20], [2, 3]], "merge(all overlapping)")


@edge
def caller_list_unchanged(merge):
    """the caller's list and its pairs are not modified"""
    given = [[30, 60], [0, 15], [10, 20]]
    snapshot = [list(iv) for iv in given]
    merge(given)
    expect(given == snapshot, f"merge changed the caller's list: it was {snapshot}, now {given}")


@edge
def random_inputs(merge):
    """500 random inputs agree with a reference"""
    rng = random.Random(4)
    for trial in range(500):
        ivs = []
        for _ in range(rng.randint(0, 8)):
            s = rng.randint(0, 30)
            ivs.append([s, s + rng.randint(0, 8)])
        check(merge, ivs, f"random input {trial}: merge({ivs})")


REFERENCE = '''
def merge(intervals):
    blocks = []
    for start, end in sorted(intervals):            # sorted() copies: the caller's list stays as it was
        if blocks and start <= blocks[-1][1]:       # <=: a block that ends at 60 continues at 60
            blocks[-1][1] = max(blocks[-1][1], end)
        else:
            blocks.append([start, end])
    return blocks
'''

WRONG = {
    "sorted by end instead of start": '''
def merge(intervals):
    blocks = []
    for start, end in sorted(intervals, key=lambda iv: iv[1]):
        if blocks and start <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], end)
        else:
            blocks.append([start, end])
    return blocks
''',
    "< instead of <=: touching blocks stay apart": '''
def merge(intervals):
    blocks = []
    for start, end in sorted(intervals):
        if blocks and start < blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], end)
        else:
            blocks.append([start, end])
    return blocks
''',
    "the block end becomes the new end, not the max": '''
def merge(intervals):
    blocks = []
    for start, end in sorted(intervals):
        if blocks and start <= blocks[-1][1]:
            blocks[-1][1] = end
        else:
            blocks.append([start, end])
    return blocks
''',
    "sorts the caller's list in place and reuses its pairs": '''
def merge(intervals):
    intervals.sort()
    blocks = []
    for iv in intervals:
        if blocks and iv[0] <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], iv[1])
        else:
            blocks.append(iv)
    return blocks
''',
}

STUB = '''
def merge(intervals):
    pass
'''
