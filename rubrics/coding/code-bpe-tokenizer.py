"""Suite for code-bpe-tokenizer: byte-pair encoding, train and encode."""

from mockround_suite import case, edge, equal, expect

ENTRY = ("train", "encode")
SIGNATURE = "train(word_counts, num_merges) -> list[tuple[str, str]]; encode(word, merges) -> list[str]"

COUNTS = {"low": 5, "lower": 2, "newest": 6, "widest": 3}


def merges_of(train, counts, n, what):
    got = train(dict(counts), n)
    expect(isinstance(got, (list, tuple)), f"{what}: expected a list of merges, got {got!r}")
    return [tuple(m) for m in got]


def symbols(encode, word, merges, what):
    got = encode(word, [tuple(m) for m in merges])
    expect(isinstance(got, (list, tuple)), f"{what}: expected a list of symbols, got {got!r}")
    return list(got)


@case
def example_train(train):
    """the example: 3 merges are (e, s), (es, t), (est, </w>)"""
    equal(merges_of(train, COUNTS, 3, "train(example, 3)"), [("e", "s"), ("es", "t"), ("est", "</w>")],
          "train(example, 3)")


@case
def example_encode(train, encode):
    """the example: 'lowest' encodes as l, o, w, est</w>"""
    merges = merges_of(train, COUNTS, 3, "train(example, 3)")
    equal(symbols(encode, "lowest", merges, "encode('lowest')"), ["l", "o", "w", "est</w>"], "encode('lowest', merges)")


@edge
def no_merges(train, encode):
    """0 merges: train returns [] and encode gives characters plus </w>"""
    equal(merges_of(train, COUNTS, 0, "train(example, 0)"), [], "train(example, 0)")
    equal(symbols(encode, "low", [], "encode('low', [])"), ["l", "o", "w", "</w>"], "encode('low', [])")


@edge
def ties_pick_the_smallest_pair(train):
    """pairs tied on count: the smallest pair wins, not the first one in dict order"""
    equal(merges_of(train, {"zy": 3, "ab": 3}, 1, "train({'zy': 3, 'ab': 3}, 1)"), [("a", "b")],
          "train({'zy': 3, 'ab': 3}, 1) (four pairs tie at 3)")


@edge
def pairs_weighted_by_frequency(train):
    """a word seen 5 times counts its pairs 5 times"""
    equal(merges_of(train, {"ab": 1, "cd": 5}, 1, "train({'ab': 1, 'cd': 5}, 1)"), [("c", "d")],
          "train({'ab': 1, 'cd': 5}, 1)")


@edge
def overlapping_pairs(train, encode):
    """merging (a, a) in a a a takes the left pair and leaves the last a"""
    equal(merges_of(train, {"aaa": 1}, 1, "train({'aaa': 1}, 1)"), [("a", "a")], "train({'aaa': 1}, 1)")
    equal(symbols(encode, "aaa", [("a", "a")], "encode('aaa')"), ["aa", "a", "</w>"], "encode('aaa', [(a, a)])")
    equal(symbols(encode, "aaaa", [("a", "a")], "encode('aaaa')"), ["aa", "aa", "</w>"], "encode('aaaa', [(a, a)])")


@edge
def merged_symbols_are_atomic(encode):
    """after (e, s), the symbols es and t are not the pair (s, t)"""
    equal(symbols(encode, "est", [("e", "s"), ("s", "t")], "encode('est')"), ["es", "t", "</w>"],
          "encode('est', [(e, s), (s, t)])")


@edge
def encode_by_rank_not_longest_match(encode):
    """merges apply in the order they were learned, not as a longest match"""
    equal(symbols(encode, "abc", [("b", "c"), ("a", "b")], "encode('abc')"), ["a", "bc", "</w>"],
          "encode('abc', [(b, c), (a, b)])")


@edge
def unseen_character(train, encode):
    """a character never seen in training stays a symbol of its own"""
    merges = merges_of(train, COUNTS, 3, "train(example, 3)")
    equal(symbols(encode, "lowest\u00e9", merges, "encode('lowest\u00e9')"), ["l", "o", "w", "est", "\u00e9", "</w>"],
          "encode('lowest\u00e9', merges)")


@edge
def more_merges_than_pairs(train):
    """asking for more merges than there are pairs stops without an error"""
    got = merges_of(train, {"ab": 2}, 10, "train({'ab': 2}, 10)")
    equal(got, [("a", "b"), ("ab", "</w>")], "train({'ab': 2}, 10)")


REFERENCE = '''
from collections import Counter

END = "</w>"

def merge_word(symbols, pair):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])    # left to right, non-overlapping
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)

def train(word_counts, num_merges):
    words = {tuple(w) + (END,): c for w, c in word_counts.items()}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for symbols, count in words.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count                    # weighted by the word's frequency
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p, c in pairs.items() if c == top)   # ties: the smallest pair
        merges.append(best)
        words = {merge_word(s, best): c for s, c in words.items()}
    return merges

def encode(word, merges):
    rank = {pair: i for i, pair in enumerate(merges)}
    symbols = tuple(word) + (END,)
    while True:
        ranked = [(rank[p], p) for p in zip(symbols, symbols[1:]) if p in rank]
        if not ranked:
            return list(symbols)
        symbols = merge_word(symbols, min(ranked)[1])  # the earliest-learned merge first
'''

_MERGE = """
def merge_word(symbols, pair):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)

def encode(word, merges):
    symbols = tuple(word) + ("</w>",)
    for pair in merges:
        symbols = merge_word(symbols, pair)
    return list(symbols)
"""

WRONG = {
    "ties go to the first pair in dict order": _MERGE + '''
from collections import Counter

def train(word_counts, num_merges):
    words = {tuple(w) + ("</w>",): c for w, c in word_counts.items()}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for s, c in words.items():
            for p in zip(s, s[1:]):
                pairs[p] += c
        if not pairs:
            break
        best = max(pairs, key=pairs.get)
        merges.append(best)
        words = {merge_word(s, best): c for s, c in words.items()}
    return merges
''',
    "pairs counted once per word, not weighted by frequency": _MERGE + '''
from collections import Counter

def train(word_counts, num_merges):
    words = {tuple(w) + ("</w>",): c for w, c in word_counts.items()}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for s in words:
            for p in zip(s, s[1:]):
                pairs[p] += 1
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p, c in pairs.items() if c == top)
        merges.append(best)
        words = {merge_word(s, best): c for s, c in words.items()}
    return merges
''',
    "string replace merges across symbol boundaries": '''
from collections import Counter

def train(word_counts, num_merges):
    words = {" ".join(w) + " </w>": c for w, c in word_counts.items()}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for s, c in words.items():
            syms = s.split()
            for p in zip(syms, syms[1:]):
                pairs[p] += c
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p, c in pairs.items() if c == top)
        merges.append(best)
        words = {s.replace(" ".join(best), "".join(best)): c for s, c in words.items()}
    return merges

def encode(word, merges):
    s = " ".join(word) + " </w>"
    for a, b in merges:
        s = s.replace(a + " " + b, a + b)
    return s.split()
''',
    "encode by longest match against the vocabulary": '''
from collections import Counter

def merge_word(symbols, pair):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1]); i += 2
        else:
            out.append(symbols[i]); i += 1
    return tuple(out)

def train(word_counts, num_merges):
    words = {tuple(w) + ("</w>",): c for w, c in word_counts.items()}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for s, c in words.items():
            for p in zip(s, s[1:]):
                pairs[p] += c
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p, c in pairs.items() if c == top)
        merges.append(best)
        words = {merge_word(s, best): c for s, c in words.items()}
    return merges

def encode(word, merges):
    vocab = {a + b for a, b in merges}
    text = word + "</w>"
    out, i = [], 0
    while i < len(text):
        if text.startswith("</w>", i):
            out.append("</w>"); i += 4; continue
        for j in range(len(text), i, -1):
            if text[i:j] in vocab or j == i + 1:
                out.append(text[i:j]); i = j; break
    return out
''',
}

STUB = '''
def train(word_counts, num_merges):
    pass

def encode(word, merges):
    pass
'''
