"""Suite for code-topk-words: the k most frequent words, ties in dictionary order."""

import random
import time
from collections import Counter

from mockround_suite import case, edge, equal, expect

ENTRY = "top_k_words"
ALIASES = {"top_k_words": ("topk_words", "top_k_frequent", "top_k", "topKFrequent", "top_k_frequent_words")}
SIGNATURE = "top_k_words(words, k) -> list of the k most frequent words, most frequent first"


def brute(words, k):
    counts = Counter(words)
    return sorted(counts, key=lambda w: (-counts[w], w))[:max(k, 0)]


def check(top_k_words, words, k, what):
    got = top_k_words(list(words), k)
    got = list(got) if isinstance(got, tuple) else got
    equal(got, brute(words, k), what)


@case
def example(top_k_words):
    """the example: k = 2 gives ['the', 'a'] ('a' beats 'cat' on the tie)"""
    words = ["the", "cat", "the", "dog", "a", "cat", "the", "a", "b"]
    check(top_k_words, words, 2, "top_k_words(example, 2)")


@case
def distinct_counts(top_k_words):
    """counts 4, 3, 2, 1 and k = 3"""
    check(top_k_words, ["d"] + ["c"] * 2 + ["b"] * 3 + ["a"] * 4, 3, "top 3 of counts a:4 b:3 c:2 d:1")


@edge
def ties_in_dictionary_order(top_k_words):
    """five words with the same count come out alphabetically"""
    words = ["pear", "fig", "apple", "kiwi", "date"] * 2
    check(top_k_words, words, 3, "top 3 when every word occurs twice")


@edge
def ties_against_first_seen(top_k_words):
    """on a tie, dictionary order wins over the order the words first appear"""
    words = ["zebra", "zebra", "yak", "yak", "ant", "ant", "cat"]
    check(top_k_words, words, 2, "top 2 of zebra:2 yak:2 ant:2 cat:1")


@edge
def k_zero(top_k_words):
    """k = 0 returns an empty list"""
    check(top_k_words, ["a", "b", "a"], 0, "top_k_words(words, 0)")


@edge
def empty_input(top_k_words):
    """no words returns an empty list"""
    check(top_k_words, [], 3, "top_k_words([], 3)")


@edge
def k_larger_than_vocabulary(top_k_words):
    """k larger than the number of distinct words returns them all"""
    check(top_k_words, ["b", "a", "b", "c"], 10, "top_k_words(3 distinct words, 10)")


@edge
def random_inputs(top_k_words):
    """300 random inputs agree with a brute-force sort"""
    rng = random.Random(11)
    for trial in range(300):
        words = [rng.choice("abcdefg") * rng.randint(1, 2) for _ in range(rng.randint(0, 25))]
        k = rng.randint(0, 6)
        check(top_k_words, words, k, f"random input {trial}: top_k_words({words!r}, {k})")


@edge(timeout=5)
def many_words(top_k_words):
    """200,000 words, 20,000 distinct, k = 10 in under 1 s"""
    words = [f"w{(i * 7919) % 20_000 % (1 + i % 97)}" for i in range(200_000)]
    start = time.perf_counter()
    got = top_k_words(words, 10)
    took = time.perf_counter() - start
    equal(list(got), brute(words, 10), "top 10 of 200,000 words")
    expect(took < 1.0, f"200,000 words took {took:.1f} s")


REFERENCE = '''
import heapq
from collections import Counter

def top_k_words(words, k):
    if k <= 0:
        return []
    counts = Counter(words)
    # (-count, word): higher counts first, dictionary order on ties; O(m log k)
    return [w for _, w in heapq.nsmallest(k, ((-c, w) for w, c in counts.items()))]
'''

WRONG = {
    "most_common(k): ties in first-seen order, not dictionary order": '''
from collections import Counter

def top_k_words(words, k):
    return [w for w, _ in Counter(words).most_common(k)]
''',
    "sorted(...)[-k:] returns everything for k = 0": '''
from collections import Counter

def top_k_words(words, k):
    counts = Counter(words)
    order = sorted(counts, key=lambda w: (counts[w], [-ord(ch) for ch in w]))
    return order[-k:][::-1]
''',
    "ties broken in reverse dictionary order": '''
from collections import Counter

def top_k_words(words, k):
    counts = Counter(words)
    return sorted(counts, key=lambda w: (counts[w], w), reverse=True)[:k]
''',
}

STUB = '''
def top_k_words(words, k):
    pass
'''
