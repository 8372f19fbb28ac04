"""Suite for code-beam-search: beam search over a step function that returns log-probabilities."""

import math
import time

from mockround_suite import case, edge, equal, expect, optional, parts

np = optional("numpy")

ENTRY = "beam_search"
SIGNATURE = "beam_search(step, bos, eos, beam_width, max_len) -> (sequence ending with eos, score)"
NUMPY = ("numpy",)
BOS, EOS = 0, 1

# A bigram model on 5 tokens where the greedy first step (2) leads to a worse sequence than 3.
TOY = {0: {2: 0.55, 3: 0.45}, 2: {1: 0.2, 4: 0.45, 2: 0.35}, 3: {1: 0.9, 4: 0.1}, 4: {1: 0.6, 4: 0.4}}


class Model:
    """A step function that records how it is called."""

    def __init__(self, table, V=5):
        self.table, self.V = table, V
        self.calls, self.expanded_finished, self.rows = 0, False, 0

    def __call__(self, prefixes):
        self.calls += 1
        prefixes = [list(p) for p in prefixes]
        self.rows += len(prefixes)
        out = np.full((len(prefixes), self.V), -np.inf)
        for i, p in enumerate(prefixes):
            if EOS in p:
                self.expanded_finished = True
            for tok, prob in self.table.get(p[-1] if p else BOS, {}).items():
                out[i, tok] = math.log(prob)
        return out


def tokens(seq):
    """The sequence without a leading bos, which either convention is allowed."""
    seq = [int(t) for t in seq]
    return seq[1:] if seq[:1] == [BOS] else seq


def search(beam_search, step, width, max_len, what):
    seq, score = parts(beam_search(step, BOS, EOS, width, max_len), 2, f"{what} should return (sequence, score)")
    expect(seq is not None and len(seq) > 0, f"{what}: expected a sequence ending with eos, got {seq!r}")
    return tokens(seq), score


def score_ok(score, logp, length, what):
    """The summed log-probability, or a length-normalised version of it."""
    try:
        score = float(score)
    except Exception:
        raise AssertionError(f"{what}: the score should be a number, got {score!r}")
    expect(math.isfinite(score), f"{what}: the score is {score}: add log-probabilities instead of multiplying "
           "probabilities, which underflow to 0")
    options = [logp] + [logp / n ** a for n in (length, length + 1) for a in (0.5, 0.6, 0.7, 0.75, 1.0)]
    expect(any(abs(score - o) < 1e-6 for o in options),
           f"{what}: expected the sum of the log-probabilities, {logp:.6f} (or a length-normalised one), got {score}")


@case(needs=NUMPY)
def beats_greedy(beam_search):
    """width 2 finds [3, eos] (p = 0.405), which greedy decoding misses"""
    seq, score = search(beam_search, Model(TOY), 2, 10, "beam_search(toy, width 2)")
    equal(seq, [3, EOS], "beam_search(toy, width 2) (tokens after bos)")
    score_ok(score, math.log(0.45 * 0.9), 2, "beam_search(toy, width 2)")


@case(needs=NUMPY)
def width_one_is_greedy(beam_search):
    """width 1 is greedy decoding: [2, 4, eos]"""
    seq, score = search(beam_search, Model(TOY), 1, 10, "beam_search(toy, width 1)")
    equal(seq, [2, 4, EOS], "beam_search(toy, width 1) (tokens after bos)")
    score_ok(score, math.log(0.55 * 0.45 * 0.6), 3, "beam_search(toy, width 1)")


@edge(needs=NUMPY)
def finished_beams_stop(beam_search):
    """a beam that emits eos is finished: never expanded again, and eos ends the result"""
    model = Model(TOY)
    seq, _ = search(beam_search, model, 3, 10, "beam_search(toy, width 3)")
    expect(not model.expanded_finished, "step() was called with a prefix that already ends in eos: "
           "a finished beam was expanded")
    expect(seq[-1] == EOS and EOS not in seq[:-1], f"the result should end at its first eos, got {seq}")


@edge(needs=NUMPY)
def one_step_call_per_position(beam_search):
    """step() is called once per decoding step with every live beam, not once per beam"""
    model = Model(TOY)
    search(beam_search, model, 3, 10, "beam_search(toy, width 3)")
    expect(model.calls <= 10, f"step() was called {model.calls} times for sequences of at most 3 tokens: "
           "batch the live beams into one call per step")
    expect(model.rows > model.calls, "step() only ever got one prefix at a time: pass every live beam at once")


@edge(needs=NUMPY)
def long_sequences_do_not_underflow(beam_search):
    """800 tokens of probability 0.3 before eos can come: 0.3^800 underflows to 0, its log does not"""
    class Long(Model):
        def __call__(self, prefixes):
            self.calls += 1
            out = np.full((len(prefixes), 6), math.log(0.7 / 3))
            out[:, BOS], out[:, EOS], out[:, 2] = -np.inf, -np.inf, math.log(0.3)
            for i, p in enumerate(prefixes):
                if sum(1 for t in p if t != BOS) >= 800:
                    out[i] = -np.inf
                    out[i, EOS] = 0.0
            return out

    seq, score = search(beam_search, Long(TOY, 6), 2, 900, "beam_search(800-token model)")
    if seq != [2] * 800 + [EOS]:
        raise AssertionError(f"beam_search(800-token model): expected 800 twos then eos, got {len(seq)} tokens "
                             f"starting {seq[:6]} and ending {seq[-3:]} (do the scores underflow to 0?)")
    score_ok(score, 800 * math.log(0.3), 801, "beam_search(800-token model)")


@edge(needs=NUMPY, timeout=6)
def vocabulary_of_50000(beam_search):
    """V = 50,000, width 4, 20 steps in under 2 s: select over B x V with argpartition, not Python loops"""
    rng = np.random.default_rng(0)
    base = rng.standard_normal(50_000)
    base = base - np.log(np.exp(base - base.max()).sum()) - base.max()

    def step(prefixes):
        rows = []
        for p in prefixes:
            row = np.roll(base, (p[-1] if p else 0) * 7919 % 50_000).copy()
            if len(p) < 20:
                row[EOS] = -np.inf
            else:
                row[:] = -np.inf
                row[EOS] = 0.0
            rows.append(row)
        return np.stack(rows)

    start = time.perf_counter()
    seq, score = search(beam_search, step, 4, 25, "beam_search(V = 50,000)")
    took = time.perf_counter() - start
    expect(seq[-1] == EOS, f"beam_search(V = 50,000): the result should end with eos, got {seq[-3:]}")
    expect(took < 2.0, f"V = 50,000 with width 4 took {took:.1f} s")


REFERENCE = '''
import numpy as np

def beam_search(step, bos, eos, beam_width, max_len):
    beams = [([bos], 0.0)]                  # (tokens, summed log-probability)
    finished = []
    for _ in range(max_len):
        logp = np.asarray(step([seq for seq, _ in beams]), dtype=np.float64)   # one call for all beams
        V = logp.shape[1]
        flat = (np.array([s for _, s in beams])[:, None] + logp).ravel()      # add logs, never multiply
        k = min(beam_width, flat.size)
        top = np.argpartition(-flat, k - 1)[:k]                                # O(B V), over all beams at once
        top = top[np.argsort(-flat[top])]
        survivors = []
        for idx in top:
            if not np.isfinite(flat[idx]):
                continue
            b, tok = divmod(int(idx), V)
            seq = beams[b][0] + [tok]
            (finished if tok == eos else survivors).append((seq, float(flat[idx])))
        beams = survivors
        best_done = max((s for _, s in finished), default=-np.inf)
        # Scores only fall as beams grow: once no live beam beats the best finished one, stop.
        if not beams or best_done >= max(s for _, s in beams):
            break
    if not finished:
        return None, float("-inf")
    return max(finished, key=lambda f: f[1])
'''

WRONG = {
    "each beam keeps only its own best token": '''
import numpy as np

def beam_search(step, bos, eos, beam_width, max_len):
    beams = [([bos], 0.0)]
    finished = []
    for _ in range(max_len):
        logp = np.asarray(step([s for s, _ in beams]))
        nxt = []
        for (seq, score), row in zip(beams, logp):
            tok = int(np.argmax(row))
            (finished if tok == eos else nxt).append((seq + [tok], score + float(row[tok])))
        beams = nxt[:beam_width]
        if not beams:
            break
    return max(finished, key=lambda f: f[1]) if finished else (None, float("-inf"))
''',
    "multiplies probabilities instead of adding log-probabilities": '''
import numpy as np

def beam_search(step, bos, eos, beam_width, max_len):
    beams = [([bos], 1.0)]
    finished = []
    for _ in range(max_len):
        probs = np.exp(np.asarray(step([s for s, _ in beams])))
        V = probs.shape[1]
        flat = (np.array([p for _, p in beams])[:, None] * probs).ravel()
        top = np.argsort(-flat, kind="stable")[:beam_width]
        nxt = []
        for idx in top:
            b, tok = divmod(int(idx), V)
            (finished if tok == eos else nxt).append((beams[b][0] + [tok], float(flat[idx])))
        beams = nxt
        if not beams or (finished and max(p for _, p in finished) >= max(p for _, p in beams)):
            break
    if not finished:
        return None, float("-inf")
    seq, p = max(finished, key=lambda f: f[1])
    return seq, float(np.log(p)) if p > 0 else float("-inf")
''',
    "keeps expanding beams after eos": '''
import numpy as np

def beam_search(step, bos, eos, beam_width, max_len):
    beams = [([bos], 0.0)]
    best = None
    for _ in range(max_len):
        logp = np.asarray(step([s for s, _ in beams]))
        V = logp.shape[1]
        flat = (np.array([s for _, s in beams])[:, None] + logp).ravel()
        top = np.argsort(-flat)[:beam_width]
        beams = [(beams[i // V][0] + [i % V], float(flat[i])) for i in top if np.isfinite(flat[i])]
        for seq, s in beams:
            if seq[-1] == eos and (best is None or s > best[1]):
                best = (seq, s)
        if not beams:
            break
    return best if best else (None, float("-inf"))
''',
    "calls step once per beam": '''
import numpy as np

def beam_search(step, bos, eos, beam_width, max_len):
    beams = [([bos], 0.0)]
    finished = []
    for _ in range(max_len):
        cands = []
        for seq, score in beams:
            row = np.asarray(step([seq]))[0]
            for tok in np.argsort(-row)[:beam_width]:
                if np.isfinite(row[tok]):
                    cands.append((score + float(row[tok]), seq + [int(tok)]))
        cands.sort(key=lambda c: -c[0])
        beams = []
        for score, seq in cands[:beam_width]:
            (finished if seq[-1] == eos else beams).append((seq, score))
        if not beams or (finished and max(s for _, s in finished) >= max(s for _, s in beams)):
            break
    return max(finished, key=lambda f: f[1]) if finished else (None, float("-inf"))
''',
}

STUB = '''
def beam_search(step, bos, eos, beam_width, max_len):
    pass
'''
