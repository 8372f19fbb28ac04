"""Suite for code-word-tokenizer: a word-level tokenizer with <pad> <unk> <bos> <eos>."""

from mockround_suite import case, edge, equal, expect

ENTRY = "Tokenizer"
ALIASES = {"Tokenizer": ("WordTokenizer", "WordLevelTokenizer", "SimpleTokenizer", "Vocab")}
SIGNATURE = "class Tokenizer: fit(texts, max_vocab), encode(text) -> list[int], decode(ids) -> str"
PAD, UNK, BOS, EOS = 0, 1, 2, 3


def fitted(Tokenizer, texts, max_vocab):
    tok = Tokenizer()
    tok.fit(list(texts), max_vocab)
    return tok


def ids(tok, text):
    got = tok.encode(text)
    expect(isinstance(got, (list, tuple)), f"encode({text!r}) should return a list of ids, got {got!r}")
    return list(got)


@case
def example(Tokenizer):
    """the example: encode('Hello world') is [2, hello, world, 3]"""
    tok = fitted(Tokenizer, ["Hello, world!", "hello again"], 10)
    got = ids(tok, "Hello world")
    expect(len(got) == 4 and got[0] == BOS and got[-1] == EOS,
           f"encode('Hello world'): expected [2, <hello>, <world>, 3], got {got}")
    expect(got[1] != got[2] and min(got[1:3]) >= 4,
           f"encode('Hello world'): the two words should get two different ids of 4 or more, got {got}")


@case
def decode_round_trip(Tokenizer):
    """decode(encode(text)) gives back lowercase in-vocabulary words, without the special tokens"""
    tok = fitted(Tokenizer, ["the cat sat", "the dog ran"], 20)
    equal(tok.decode(ids(tok, "the dog sat")), "the dog sat", "decode(encode('the dog sat'))")


@edge
def lowercased(Tokenizer):
    """'Hello' and 'hello' are the same token"""
    tok = fitted(Tokenizer, ["Hello hello HELLO"], 10)
    equal(ids(tok, "HeLLo"), ids(tok, "hello"), "encode('HeLLo') against encode('hello')")


@edge
def punctuation_is_a_token(Tokenizer):
    """'world!' is two tokens, 'world' and '!'"""
    tok = fitted(Tokenizer, ["Hello, world!", "hello again"], 10)
    world = ids(tok, "world")
    got = ids(tok, "world!")
    expect(len(got) == 4, f"encode('world!'): expected 4 ids (bos, world, !, eos), got {got}")
    expect(got[1] == world[1] and got[2] not in (UNK, world[1]),
           f"encode('world!') should be encode('world') plus the id of '!', got {got} against {world}")


@edge
def unknown_word(Tokenizer):
    """a word never seen in fit encodes as <unk> (1)"""
    tok = fitted(Tokenizer, ["the cat ran"], 10)
    got = ids(tok, "the zorblax ran")
    expect(len(got) == 5 and got[2] == UNK, f"encode('the zorblax ran'): expected zorblax as 1 (<unk>), got {got}")


@edge
def empty_string(Tokenizer):
    """encode('') is [2, 3]"""
    tok = fitted(Tokenizer, ["some text"], 10)
    equal(ids(tok, ""), [BOS, EOS], "encode('')")


@edge
def max_vocab_counts_the_specials(Tokenizer):
    """max_vocab = 6 keeps the 2 most frequent words: every id is below 6"""
    tok = fitted(Tokenizer, ["a a a a b b b c c d"], 6)
    got = ids(tok, "a b c d")
    expect(all(0 <= i < 6 for i in got), f"with max_vocab = 6 every id must be below 6, got {got}")
    expect(got[1] >= 4 and got[2] >= 4 and got[1] != got[2],
           f"with max_vocab = 6 the two most frequent words (a, b) keep ids, got {got}")
    expect(got[3] == UNK and got[4] == UNK, f"with max_vocab = 6, c and d are cut and encode as 1, got {got}")


@edge
def vocab_of_only_specials(Tokenizer):
    """max_vocab = 4 leaves room for no word: everything is <unk>"""
    tok = fitted(Tokenizer, ["a b c"], 4)
    equal(ids(tok, "a b"), [BOS, UNK, UNK, EOS], "encode('a b') with max_vocab = 4")


@edge
def tie_at_the_cutoff_is_deterministic(Tokenizer):
    """words tied at the cut-off: the same ones are kept whatever the order of the texts"""
    texts = ["zeta", "alpha", "mid mid", "beta"]
    first = fitted(Tokenizer, texts, 6)
    second = fitted(Tokenizer, list(reversed(texts)), 6)
    words = "alpha beta zeta mid"
    kept = lambda tok: [w for w, i in zip(words.split(), ids(tok, words)[1:-1]) if i != UNK]
    equal(kept(second), kept(first), "words kept from a tie at the cut-off when the texts come in reverse order")


@edge
def fit_twice(Tokenizer):
    """a second fit replaces the first vocabulary"""
    tok = Tokenizer()
    tok.fit(["apple banana"], 10)
    tok.fit(["cherry date"], 10)
    got = ids(tok, "apple cherry")
    expect(got[1] == UNK and got[2] != UNK, f"after fit on 'cherry date', encode('apple cherry') gave {got}")


REFERENCE = '''
import re
from collections import Counter

SPECIALS = ["<pad>", "<unk>", "<bos>", "<eos>"]
PAD, UNK, BOS, EOS = range(4)
TOKEN = re.compile(r"\\w+|[^\\w\\s]")           # words, and each punctuation mark on its own

def split(text):
    return TOKEN.findall(text.lower())

class Tokenizer:
    def fit(self, texts, max_vocab):
        counts = Counter(t for text in texts for t in split(text))
        room = max(max_vocab - len(SPECIALS), 0)
        kept = sorted(counts, key=lambda t: (-counts[t], t))[:room]   # count, then alphabetical
        self.itos = SPECIALS + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, text):
        return [BOS] + [self.stoi.get(t, UNK) for t in split(text)] + [EOS]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i >= len(SPECIALS))
'''

WRONG = {
    "no unknown id: an unseen word raises KeyError": '''
import re
from collections import Counter

class Tokenizer:
    def fit(self, texts, max_vocab):
        counts = Counter(t for x in texts for t in re.findall(r"\\w+|[^\\w\\s]", x.lower()))
        kept = sorted(counts, key=lambda t: (-counts[t], t))[:max_vocab - 4]
        self.itos = ["<pad>", "<unk>", "<bos>", "<eos>"] + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, text):
        return [2] + [self.stoi[t] for t in re.findall(r"\\w+|[^\\w\\s]", text.lower())] + [3]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i > 3)
''',
    "splits on whitespace only: punctuation stays glued to words": '''
from collections import Counter

class Tokenizer:
    def fit(self, texts, max_vocab):
        counts = Counter(t for x in texts for t in x.lower().split())
        kept = sorted(counts, key=lambda t: (-counts[t], t))[:max_vocab - 4]
        self.itos = ["<pad>", "<unk>", "<bos>", "<eos>"] + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, text):
        return [2] + [self.stoi.get(t, 1) for t in text.lower().split()] + [3]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i > 3)
''',
    "keeps max_vocab words on top of the four specials": '''
import re
from collections import Counter

class Tokenizer:
    def fit(self, texts, max_vocab):
        counts = Counter(t for x in texts for t in re.findall(r"\\w+|[^\\w\\s]", x.lower()))
        kept = [t for t, _ in counts.most_common(max_vocab)]
        self.itos = ["<pad>", "<unk>", "<bos>", "<eos>"] + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, text):
        return [2] + [self.stoi.get(t, 1) for t in re.findall(r"\\w+|[^\\w\\s]", text.lower())] + [3]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i > 3)
''',
    "most_common(): ties at the cut-off follow the order of the texts": '''
import re
from collections import Counter

class Tokenizer:
    def fit(self, texts, max_vocab):
        counts = Counter(t for x in texts for t in re.findall(r"\\w+|[^\\w\\s]", x.lower()))
        kept = [t for t, _ in counts.most_common(max_vocab - 4)]
        self.itos = ["<pad>", "<unk>", "<bos>", "<eos>"] + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, text):
        return [2] + [self.stoi.get(t, 1) for t in re.findall(r"\\w+|[^\\w\\s]", text.lower())] + [3]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i > 3)
''',
}

STUB = '''
class Tokenizer:
    def fit(self, texts, max_vocab):
        pass

    def encode(self, text):
        pass

    def decode(self, ids):
        pass
'''
