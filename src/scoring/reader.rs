//! The offline scorer: rubric scores from what the candidate's sentences do.
//!
//! Each candidate sentence is read for moves (see `signals`): a condition,
//! a reason or a price tied to something concrete, a failure case, a check,
//! a stated position, ownership, a correction. Or for habits: a definition
//! recited, a hedge, a deferral, a guess, vocabulary with nothing under it,
//! and the round's own failure mode (its `weak_cues`, e.g. load balancers in
//! an LLM design round). A sentence that makes two moves and shows no habit
//! is *strong*; one that shows a habit is *weak*.
//!
//! A dimension's score comes from the share of strong and weak sentences
//! among those about that dimension, blended with the same shares over the
//! whole transcript. Shares, not counts: a rambling answer adds weak and
//! neutral sentences as fast as strong ones, so length alone buys nothing,
//! and a terse answer is not punished for being short. Manipulation caps
//! the score, empty or evasive answers get the lowest score with
//! "insufficient evidence", and a dimension the interview never reached
//! says so instead of inventing a number.
//!
//! The same code scores every round; what differs per dimension (which
//! moves count, which words mark its topic and its weak and strong columns)
//! lives in the round file.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use crate::rounds::{Dimension, Round, Scope};
use crate::scoring::evidence::{quote_of, CandidateText};
use crate::scoring::junk::{self, Junk};
use crate::scoring::manipulation::{Certainty, RubricEcho};
use crate::scoring::signals::{self, Found, Signal};
use crate::scoring::{
    finish, ChecklistResult, DimensionScore, Flag, FlagDetail, ScoreReport, Scorer,
};
use crate::text::{self, CueIndex, Tokens};
use crate::transcript::Transcript;

/// What the scorer precomputes per round: one index over every cue of every
/// dimension, and the rubric's own wording for spotting recitals. Cached,
/// because building them costs more than scoring a transcript.
struct Prepared {
    index: CueIndex,
    echo: RubricEcho,
    dims: usize,
}

const FOCUS: usize = 0;
const STRONG: usize = 1;
const WEAK: usize = 2;

impl Prepared {
    fn new(round: &Round) -> Prepared {
        let mut cues = Vec::new();
        for (di, d) in round.dimensions.iter().enumerate() {
            for (kind, list) in [
                (FOCUS, &d.focus),
                (STRONG, &d.strong_cues),
                (WEAK, &d.weak_cues),
            ] {
                cues.extend(list.iter().map(|c| (c.clone(), di * 3 + kind)));
            }
        }
        Prepared {
            index: CueIndex::new(cues),
            echo: RubricEcho::new(round),
            dims: round.dimensions.len(),
        }
    }

    /// Per dimension: does the text hit its focus, strong and weak cues?
    fn hits(&self, tokens: &Tokens) -> [Vec<bool>; 3] {
        let mut out = [
            vec![false; self.dims],
            vec![false; self.dims],
            vec![false; self.dims],
        ];
        for tag in self.index.matches(tokens) {
            out[tag % 3][tag / 3] = true;
        }
        out
    }
}

fn prepared(round: &Round) -> Arc<Prepared> {
    type Cache = Mutex<HashMap<(String, u32, String, usize), Arc<Prepared>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (
        round.id.clone(),
        round.version,
        round.source.clone(),
        round.questions.len(),
    );
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(key)
        .or_insert_with(|| Arc::new(Prepared::new(round)))
        .clone()
}

/// One sentence of an answer (or one code block), read once.
struct Sentence {
    answer: usize,
    text: String,
    found: Found,
    numbers: u32,
    words: usize,
    code: bool,
    tokens: Tokens,
    follow_up: bool,
    /// Content words shared with the interviewer turn it answers.
    grounding: usize,
    /// Said right after a /hint: not evidence of the strong column.
    after_hint: bool,
    /// Per dimension of the round: focus, strong-cue and weak-cue hits.
    focus: Vec<bool>,
    strong_cue: Vec<bool>,
    weak_cue: Vec<bool>,
}

/// How a sentence reads, whatever the dimension.
#[derive(Debug, Clone, Copy, Default)]
struct Reading {
    strong: bool,
    weak: bool,
    /// How many moves it makes (for picking the best evidence).
    moves: u32,
    /// How many habits it shows.
    habits: u32,
}

/// Habits that empty a sentence whatever else it says.
const HABITS: &[Signal] = &[
    Signal::Buzz,
    Signal::Definition,
    Signal::Deflection,
    Signal::Vague,
    Signal::BothSides,
    Signal::Defer,
    Signal::Guess,
    Signal::Dismissal,
    Signal::Blame,
    Signal::Convention,
];

const DEFAULT_STRONG: &[Signal] = &[
    Signal::Condition,
    Signal::Causal,
    Signal::Tradeoff,
    Signal::Failure,
    Signal::Caveat,
];
const DEFAULT_WEAK: &[Signal] = &[
    Signal::Definition,
    Signal::Buzz,
    Signal::Vague,
    Signal::Hedge,
];

/// Weights of the moves, in tenths. A sentence is strong at 16: two real
/// moves, or a move and something concrete. A reason plus a number is not
/// enough on its own ("so it should be 7 times faster" is arithmetic, not
/// judgement); a condition, a price, a failure case or a check is.
const W_PRICE: u32 = 10; // condition or tradeoff
const W_RISK: u32 = 10; // failure case or caveat
const W_CHECK: u32 = 10; // a decision or a way to verify
const W_STANCE: u32 = 10; // position, ownership, self-correction
const W_CUE: u32 = 8; // the round's strong column named as a mechanism
const W_REASON: u32 = 6; // because / so
const W_CONCRETE: u32 = 6; // numbers, edge cases, complexity, code
const STRONG_AT: u32 = 16;
/// Fewer substantive sentences than this in a whole interview is too little
/// to show any dimension's strong column.
const THIN: usize = 4;
/// A typical spoken sentence: longer ones count as several for shares, so
/// that padding a sentence with clauses does not hide it.
const WORDS_PER_SENTENCE: f64 = 17.0;

fn read(s: &Sentence) -> Reading {
    let f = &s.found;
    let jargon = f.count(Signal::Jargon);
    // Vocabulary of the strong column in a sentence made mostly of labels
    // ("LLM-as-a-judge with clinical rubrics and calibrated confidence") is
    // name-dropping, not a mechanism.
    let label_heavy = jargon >= 2 && (jargon as usize) * 7 >= s.words;
    let any_strong_cue = s.strong_cue.iter().any(|x| *x) && !label_heavy;
    let any_weak_cue = s.weak_cue.iter().any(|x| *x);
    let price = f.has(Signal::Condition) || f.has(Signal::Tradeoff);
    let reason = f.has(Signal::Causal);
    let risk = f.has(Signal::Failure) || f.has(Signal::Caveat);
    let concrete = s.numbers > 0 || s.grounding >= 3 || f.has(Signal::Complexity) || s.code;
    // Naming the input that breaks things is a move of its own.
    let edge = f.has(Signal::EdgeCase);
    let check = f.has(Signal::Decision) || f.has(Signal::Verification);
    let stance =
        f.has(Signal::SelfCorrection) || f.has(Signal::Position) || f.has(Signal::Ownership);
    let habits: u32 = HABITS.iter().map(|h| f.count(*h)).sum::<u32>() + f.count(Signal::Buzz);
    let name_dropping = label_heavy && !(price && (s.numbers > 0 || check));
    // Epistemic hedges ("I think", "I'm not sure") are honest and fine
    // around reasoning; only a hedge with nothing else in the sentence is
    // empty. Dimensions that need a position (ethics) weigh hedges through
    // their own weak signals.
    let hedged =
        f.has(Signal::Hedge) && !(check || stance || price || risk || reason || s.numbers > 0);
    // The round's own failure mode, said without anything of the strong
    // column in the same breath.
    let failure_mode = any_weak_cue && !any_strong_cue;
    let weight = price as u32 * W_PRICE
        + (risk || edge) as u32 * W_RISK
        + check as u32 * W_CHECK
        + stance as u32 * W_STANCE
        + any_strong_cue as u32 * W_CUE
        + reason as u32 * W_REASON
        + concrete as u32 * W_CONCRETE;
    let weak = habits > 0 || name_dropping || hedged || failure_mode;
    Reading {
        strong: !weak && !s.after_hint && weight >= STRONG_AT && s.words >= 4,
        weak,
        moves: weight,
        habits: habits + name_dropping as u32 + hedged as u32 + failure_mode as u32,
    }
}

/// Score a transcript with the offline scorer.
pub fn score(round: &Round, t: &Transcript) -> ScoreReport {
    let cand = CandidateText::new(round, t);
    let prep = prepared(round);
    let mut flags: BTreeSet<Flag> = cand.flags.clone();
    let Read {
        sentences,
        echoes,
        kept,
        skipped,
    } = read_sentences(&prep, &cand);
    let parroting = parrots(&echoes);
    if parroting {
        flags.insert(Flag::RubricParrot);
    }
    let flag_details = details(&cand, &echoes, parroting);
    let readings: Vec<Reading> = sentences.iter().map(read).collect();

    let non_answer = cand.is_empty()
        || cand
            .answers
            .iter()
            .zip(&kept)
            .all(|(a, k)| is_non_answer(&prep, &a.prompt, k));
    // Which dimensions each interviewer prompt was about.
    let prompt_focus: Vec<Vec<bool>> = cand
        .answers
        .iter()
        .map(|a| {
            let [focus, _, _] = prep.hits(&Tokens::new(&a.prompt));
            focus
        })
        .collect();
    let steering = cand.flags.iter().any(|f| f.is_steering());

    let overall = Balance::of(
        sentences
            .iter()
            .zip(readings.iter().copied())
            .filter(|(s, _)| counts(s)),
    );

    let mut dimensions = Vec::new();
    for (di, dim) in round.dimensions.iter().enumerate() {
        let d = if non_answer {
            DimensionScore {
                id: dim.id.clone(),
                score: Some(1),
                rationale:
                    "insufficient evidence: the answers are empty, evasive or not in English".into(),
                evidence: Vec::new(),
                insufficient_evidence: true,
                capped: false,
                spread: None,
            }
        } else {
            let mut d = score_dimension(
                di,
                dim,
                &sentences,
                &readings,
                &cand,
                &prompt_focus,
                &overall,
            );
            if d.score.is_some_and(|s| s > 2) && overall.n < THIN {
                d.score = Some(2);
                d.capped = true;
                d.rationale = format!(
                    "capped at 2: only {} substantive sentence(s) in the whole interview, too little to show the strong column; {}",
                    overall.n, d.rationale
                );
            }
            if d.score.is_some_and(|s| s > 2) && (steering || parroting) {
                d.score = Some(2);
                d.capped = true;
                let why = if steering {
                    "the answers try to steer the scorer"
                } else {
                    "the answers recite the rubric instead of answering"
                };
                d.rationale = format!("capped at 2: {why}; {}", d.rationale);
            }
            d
        };
        dimensions.push(d);
    }

    crate::scoring::hints::apply(round, t, &mut dimensions);
    crate::scoring::runs::apply(round, t, &mut dimensions);
    spread_evidence(&mut dimensions);

    let checklist = round
        .checklist
        .iter()
        .map(|c| ChecklistResult {
            id: c.id.clone(),
            covered: !non_answer
                && sentences.iter().zip(&readings).any(|(s, r)| {
                    !r.weak && r.moves >= 10 && c.cues.iter().any(|cue| cue.matches(&s.tokens))
                }),
        })
        .collect();

    finish(
        round,
        ScoreReport {
            round: round.id.clone(),
            scorer: Scorer::Offline,
            overall: None,
            verdict: String::new(),
            dimensions,
            checklist,
            flags: flags.into_iter().collect(),
            flag_details,
            notes: skipped.notes(),
            practice: Vec::new(),
            samples: None,
        },
    )
}

/// An answer that gives nothing to score: empty, very short, "I don't
/// know", not in English, or sharing nothing with the question asked.
fn is_non_answer(prep: &Prepared, prompt: &str, kept: &str) -> bool {
    let w = text::words(kept);
    if w.len() < 12 || crate::coverage::is_foreign(&w) {
        return true;
    }
    let prompt: BTreeSet<String> = text::content_stems(prompt).into_iter().collect();
    let shared = text::content_stems(kept)
        .iter()
        .filter(|s| prompt.contains(*s))
        .count();
    let on_round = !prep.index.matches(&Tokens::new(kept)).is_empty();
    shared == 0 && !on_round
}

/// Substantive sentences are the ones that count in shares.
fn counts(s: &Sentence) -> bool {
    s.code || s.words >= 4
}

/// Shares of strong and weak sentences in a set.
#[derive(Debug, Clone, Copy, Default)]
struct Balance {
    n: usize,
    strong: usize,
    weak: usize,
    /// Sentences that make one real move and show no habit: not evidence on
    /// their own, but a transcript made of them is not empty.
    solid: usize,
    /// Words in the set: rambling dilutes, so shares are per sentence or per
    /// typical sentence's worth of words, whichever is larger.
    words: usize,
}

impl Balance {
    fn of<'a>(items: impl Iterator<Item = (&'a Sentence, Reading)>) -> Balance {
        let mut b = Balance::default();
        for (s, r) in items {
            b.n += 1;
            b.words += s.words;
            b.strong += r.strong as usize;
            b.weak += r.weak as usize;
            b.solid += (!r.strong && !r.weak && r.moves >= 10) as usize;
        }
        b
    }

    /// Net share of strong over weak, with a floor on the denominator so a
    /// handful of sentences cannot swing it to an extreme.
    fn net(&self) -> f64 {
        let size = (self.n as f64)
            .max(self.words as f64 / WORDS_PER_SENTENCE)
            .max(8.0);
        (self.strong as f64 + 0.4 * self.solid as f64 - self.weak as f64) / size
    }
}

/// A sentence that echoes the rubric: earns nothing either way; flagged
/// only when the echo is sure.
struct Echo {
    quote: String,
    sure: bool,
}

/// Reciting the rubric is flagged (and capped) only on sure evidence: two
/// long copied runs, one and two more shorter ones, or four echoes.
fn parrots(echoes: &[Echo]) -> bool {
    let sure = echoes.iter().filter(|e| e.sure).count();
    sure >= 2 || (sure >= 1 && echoes.len() >= 3) || echoes.len() >= 4
}

/// Most quotes shown per flag: enough to see the proof.
const DETAILS_PER_FLAG: usize = 5;

/// Every flag with the sentences that raised it; findings that did not
/// raise a flag are shown as uncertain.
fn details(cand: &CandidateText, echoes: &[Echo], parroting: bool) -> Vec<FlagDetail> {
    let mut out: Vec<FlagDetail> = Vec::new();
    let found = cand
        .findings()
        .map(|f| (f.flag, f.quote.clone(), f.sure))
        .chain(
            echoes
                .iter()
                .map(|e| (Flag::RubricParrot, e.quote.clone(), parroting)),
        );
    for (flag, quote, sure) in found {
        let detail = FlagDetail {
            flag,
            quote,
            uncertain: !sure,
        };
        let shown = out.iter().filter(|d| d.flag == flag).count();
        if shown < DETAILS_PER_FLAG && !out.contains(&detail) {
            out.push(detail);
        }
    }
    out.sort_by_key(|d| (d.uncertain, d.flag));
    out
}

/// What reading the answers kept, and what it set aside.
struct Read {
    sentences: Vec<Sentence>,
    echoes: Vec<Echo>,
    /// Per answer: the text of the sentences kept (what is scored).
    kept: Vec<String>,
    skipped: Skipped,
}

/// What was not read, and why, for the rationale.
#[derive(Debug, Default)]
struct Skipped {
    /// Words of text without sentence structure.
    junk_words: usize,
    junk_kinds: BTreeSet<&'static str>,
    /// Sentences said before (or nearly so).
    repeats: usize,
    /// Distinct sentences beyond what one interview can hold.
    beyond: usize,
}

impl Skipped {
    /// One line per thing set aside, for the score screen and the report.
    fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.junk_words > 0 {
            let kinds: Vec<&str> = self.junk_kinds.iter().copied().collect();
            out.push(format!(
                "not read: {} word(s) of text without sentence structure ({}); it is never evidence",
                self.junk_words,
                kinds.join(", ")
            ));
        }
        if self.repeats > 0 {
            out.push(format!(
                "{} sentence(s) repeat what was already said and counted once",
                self.repeats
            ));
        }
        if self.beyond > 0 {
            out.push(format!(
                "only the first {MAX_SENTENCES} distinct sentences were read; {} more were not",
                self.beyond
            ));
        }
        out
    }
}

/// More distinct sentences than this is no longer an interview; the rest
/// is not read (and said so).
const MAX_SENTENCES: usize = 3000;

/// How far back a sentence is compared for near-duplicates.
const NEAR_WINDOW: usize = 64;

/// Repeats of what was already said count once: the same words again,
/// or nearly (every content word of the shorter sentence in the longer,
/// which adds one at most), unless what differs is a number or a negation:
/// "200 ms" is not "300 ms", "safe" is not "not safe".
#[derive(Default)]
struct Repeats {
    seen: std::collections::HashSet<String>,
    recent: std::collections::VecDeque<Said>,
}

/// A sentence as compared for near-duplicates.
struct Said {
    /// Content words and numbers, stemmed.
    content: BTreeSet<String>,
    /// Every word, stemmed.
    all: BTreeSet<String>,
}

impl Repeats {
    /// True if this sentence was said before; remembers it otherwise.
    fn said_before(&mut self, tokens: &Tokens, raw: &str) -> bool {
        let words: Vec<&str> = tokens
            .stems
            .iter()
            .map(String::as_str)
            .filter(|w| !junk::is_filler(w))
            .collect();
        let key = if words.is_empty() {
            text::quote_key(raw)
        } else {
            words.join(" ")
        };
        if !self.seen.insert(key) {
            return true;
        }
        let said = Said {
            content: tokens
                .content_stems()
                .map(str::to_string)
                .chain(
                    tokens
                        .raw
                        .iter()
                        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
                        .cloned(),
                )
                .collect(),
            all: words.iter().map(|w| w.to_string()).collect(),
        };
        if said.content.len() < 3 {
            return false;
        }
        let near = self.recent.iter().any(|r| near_duplicate(r, &said));
        if !near {
            if self.recent.len() == NEAR_WINDOW {
                self.recent.pop_front();
            }
            self.recent.push_back(said);
        }
        near
    }
}

fn near_duplicate(a: &Said, b: &Said) -> bool {
    let (small, large) = if a.content.len() <= b.content.len() {
        (a, b)
    } else {
        (b, a)
    };
    let telling = |w: &String| {
        w.chars().any(|c| c.is_ascii_digit())
            || matches!(
                w.as_str(),
                "not" | "no" | "never" | "dont" | "cant" | "wont" | "without" | "nor"
            )
            || w.ends_with("nt")
    };
    small.content.is_subset(&large.content)
        && large.content.len() <= small.content.len() + 1
        && !a.all.symmetric_difference(&b.all).any(telling)
}

/// One piece of an answer before it is read: a sentence, or the part of a
/// sentence outside a pasted log.
struct Piece<'a> {
    text: &'a str,
    tokens: Tokens,
    code: bool,
    /// The words whose order is grammar (quoted mentions left out).
    plain: Vec<String>,
}

/// The pieces of an answer worth reading: sentences outside sure steering
/// spans and pasted logs, with text without sentence structure set aside.
fn pieces<'a>(
    a: &'a crate::scoring::evidence::Answer,
    repeats: &mut Repeats,
    skipped: &mut Skipped,
) -> Vec<Piece<'a>> {
    let body = &a.screen.text;
    let logs = junk::log_runs(body);
    for r in &logs {
        skipped.junk_words += text::words(&body[r.clone()]).len();
        skipped.junk_kinds.insert(junk_name(Junk::Log));
    }
    let mut out: Vec<Piece> = Vec::new();
    for s in text::sentences(body) {
        let (start, end) = (s.start, s.start + s.text.len());
        if a.screen.is_tainted(start, end) {
            continue;
        }
        for r in outside(start..end, &logs) {
            let piece = body[r].trim();
            if piece.is_empty() {
                continue;
            }
            let code = piece.starts_with("```");
            let tokens = if code {
                Tokens::new(piece)
            } else {
                Tokens::new(&text::drop_fillers(piece))
            };
            if repeats.said_before(&tokens, piece) {
                skipped.repeats += 1;
                continue;
            }
            out.push(Piece {
                text: piece,
                plain: junk::structural_words(piece),
                tokens,
                code,
            });
        }
    }
    // A piece long enough is judged alone; a run of short ones is judged
    // together (salad cut by full stops is still salad).
    let mut verdicts: Vec<Option<Junk>> = vec![None; out.len()];
    let mut i = 0;
    while i < out.len() {
        if out[i].code {
            i += 1;
        } else if out[i].plain.len() >= junk::JUDGED_WORDS {
            verdicts[i] = junk::unstructured(&out[i].plain);
            i += 1;
        } else {
            let start = i;
            let mut words: Vec<String> = Vec::new();
            while i < out.len() && !out[i].code && out[i].plain.len() < junk::JUDGED_WORDS {
                words.extend(out[i].plain.iter().cloned());
                i += 1;
            }
            if let Some(kind) = junk::unstructured(&words) {
                verdicts[start..i].fill(Some(kind));
            }
        }
    }
    // A piece with a slip between salad (or salad and the answer's edge)
    // is more of it; a clean sentence next to salad is the answer.
    // A paragraph of salad is salad throughout, whatever its full stops
    // cut it into.
    for para in paragraphs(body) {
        let inside: Vec<usize> = (0..out.len())
            .filter(|&i| !out[i].code && para.contains(&offset_in(body, out[i].text)))
            .collect();
        let words: Vec<String> = inside
            .iter()
            .flat_map(|&i| out[i].plain.iter().cloned())
            .collect();
        if words.len() >= PARAGRAPH_WORDS {
            if let Some(kind) = junk::unstructured(&words) {
                for i in inside {
                    verdicts[i].get_or_insert(kind);
                }
            }
        }
    }
    let slips: Vec<bool> = out
        .iter()
        .map(|p| !p.code && junk::has_slip(&p.plain))
        .collect();
    for _ in 0..8 {
        let mut changed = false;
        for i in 0..out.len() {
            if verdicts[i].is_some() || !slips[i] {
                continue;
            }
            let sides: Vec<usize> = [i.checked_sub(1), Some(i + 1).filter(|j| *j < out.len())]
                .into_iter()
                .flatten()
                .collect();
            let clean = sides.iter().any(|&j| verdicts[j].is_none() && !slips[j]);
            if let Some(kind) = sides.iter().find_map(|&j| verdicts[j]).filter(|_| !clean) {
                verdicts[i] = Some(kind);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut keep = Vec::new();
    for (p, junk) in out.into_iter().zip(verdicts) {
        match junk {
            Some(kind) => {
                skipped.junk_words += p.tokens.len();
                skipped.junk_kinds.insert(junk_name(kind));
            }
            None => keep.push(p),
        }
    }
    keep
}

/// A paragraph this long is judged as a whole too.
const PARAGRAPH_WORDS: usize = 60;

/// Byte ranges of the blank-line separated paragraphs of `text`.
fn paragraphs(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if offset > start {
                out.push(start..offset);
            }
            start = offset + line.len();
        }
        offset += line.len();
    }
    if offset > start {
        out.push(start..offset);
    }
    out
}

/// Where `piece` (a slice of `body`) starts in it.
fn offset_in(body: &str, piece: &str) -> usize {
    piece.as_ptr() as usize - body.as_ptr() as usize
}

fn junk_name(j: Junk) -> &'static str {
    match j {
        Junk::Salad => "word salad",
        Junk::Log => "pasted log or numbered dump",
        Junk::Repetition => "repeated tokens",
    }
}

/// The parts of `range` outside every one of `holes` (sorted, disjoint).
fn outside(
    range: std::ops::Range<usize>,
    holes: &[std::ops::Range<usize>],
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut at = range.start;
    for h in holes {
        if h.end <= at || h.start >= range.end {
            continue;
        }
        if h.start > at {
            out.push(at..h.start);
        }
        at = at.max(h.end);
    }
    if at < range.end {
        out.push(at..range.end);
    }
    out
}

fn read_sentences(prep: &Prepared, cand: &CandidateText) -> Read {
    let mut sentences = Vec::new();
    let mut echoes = Vec::new();
    let mut kept = Vec::new();
    let mut skipped = Skipped::default();
    let mut repeats = Repeats::default();
    for (ai, a) in cand.answers.iter().enumerate() {
        let prompt_stems: BTreeSet<String> = text::content_stems(&a.prompt).into_iter().collect();
        let mut kept_text = String::new();
        for Piece {
            text: s,
            tokens,
            code,
            ..
        } in pieces(a, &mut repeats, &mut skipped)
        {
            if sentences.len() + echoes.len() >= MAX_SENTENCES {
                skipped.beyond += 1;
                continue;
            }
            kept_text.push_str(s);
            kept_text.push(' ');
            if let Some(c) = (!code).then(|| prep.echo.echo(&tokens)).flatten() {
                echoes.push(Echo {
                    quote: text::ellipsize(&text::squash_ws(s), 200),
                    sure: c == Certainty::Sure,
                });
                continue;
            }
            // Code is read through its comments (that is where the "why"
            // is) and its guards (where edge cases are handled).
            let prose: String = if code {
                code_comments(s)
            } else {
                text::drop_fillers(s)
            };
            let lower = signals::normalise(&prose);
            let mut found = signals::scan(&lower);
            if code {
                found.merge(&code_signals(s));
            }
            // Prose reuses the sentence's tokens; code is measured on its
            // comments only.
            let (grounding, words) = if code {
                let prose_tokens = Tokens::new(&prose);
                let g = prose_tokens
                    .content_stems()
                    .filter(|w| prompt_stems.contains(*w))
                    .count();
                (g, prose_tokens.len())
            } else {
                let g = tokens
                    .content_stems()
                    .filter(|w| prompt_stems.contains(*w))
                    .count();
                (g, tokens.len())
            };
            let [focus, strong_cue, weak_cue] = prep.hits(&tokens);
            sentences.push(Sentence {
                answer: ai,
                text: s.to_string(),
                numbers: if code {
                    0
                } else {
                    signals::specific_numbers(s)
                },
                found,
                words,
                code,
                focus,
                strong_cue,
                weak_cue,
                tokens,
                follow_up: a.follow_up,
                grounding,
                after_hint: a.after_hint,
            });
        }
        kept.push(kept_text);
    }
    Read {
        sentences,
        echoes,
        kept,
        skipped,
    }
}

/// What the code itself shows: guards for edge cases, a framework call
/// standing in for the implementation, comments that explain.
fn code_signals(block: &str) -> Found {
    let mut f = Found::default();
    let body: Vec<&str> = block
        .lines()
        .skip(1)
        .filter(|l| !l.trim_start().starts_with("```"))
        .collect();
    const GUARDS: &[&str] = &[
        "<= 0", "== 0", "< 1", "not ", "is none", "len(", "== -", "isfinite", "isnan", "< 0",
        ">= len", "empty",
    ];
    let guards = body
        .iter()
        .filter(|l| {
            let t = l.trim_start().to_lowercase();
            ["if ", "elif ", "assert ", "raise "]
                .iter()
                .any(|k| t.starts_with(k))
                && GUARDS.iter().any(|g| t.contains(g))
        })
        .count();
    if guards > 0 {
        f.add(Signal::EdgeCase);
    }
    let comments = body
        .iter()
        .filter(|l| l.contains("# ") || l.contains("// "))
        .count();
    if comments >= 2 {
        f.add(Signal::Causal);
    }
    const FRAMEWORK: &[&str] = &[
        "import torch.nn.functional",
        "f.cross_entropy",
        "nn.multiheadattention",
        "from sklearn",
        "@lru_cache",
        "@functools.lru_cache",
        "autotokenizer",
        "scipy.special.softmax",
    ];
    let lower = block.to_lowercase();
    if FRAMEWORK.iter().any(|d| lower.contains(d)) {
        f.add(Signal::Deflection);
    }
    f
}

/// The comment text of a code block, one comment per line.
fn code_comments(block: &str) -> String {
    let mut out = String::new();
    for line in block.lines() {
        let comment = line
            .find("# ")
            .or_else(|| line.find("// "))
            .map(|i| &line[i..]);
        if let Some(c) = comment {
            out.push_str(c.trim_start_matches(['#', '/', ' ']));
            out.push_str(". ");
        }
    }
    out
}

fn score_dimension(
    di: usize,
    dim: &Dimension,
    sentences: &[Sentence],
    readings: &[Reading],
    cand: &CandidateText,
    prompt_focus: &[Vec<bool>],
    overall: &Balance,
) -> DimensionScore {
    let strong_sigs: &[Signal] = if dim.strong_signals.is_empty() {
        DEFAULT_STRONG
    } else {
        &dim.strong_signals
    };
    let weak_sigs: &[Signal] = if dim.weak_signals.is_empty() {
        DEFAULT_WEAK
    } else {
        &dim.weak_signals
    };

    let mut strong: Vec<usize> = Vec::new();
    let mut weak: Vec<usize> = Vec::new();
    let mut topic_readings: Vec<(&Sentence, Reading)> = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        if !counts(s) {
            continue;
        }
        let r = readings[i];
        let sig_strong = strong_sigs.iter().any(|g| s.found.has(*g));
        let sig_weak = weak_sigs.iter().any(|g| s.found.has(*g));
        if dim.scope == Scope::FollowUps && !s.follow_up {
            continue;
        }
        let topic = dim.focus.is_empty()
            || s.focus[di]
            || s.strong_cue[di]
            || s.weak_cue[di]
            || prompt_focus[s.answer][di];
        if !topic {
            continue;
        }
        topic_readings.push((s, r));
        if r.strong && (s.strong_cue[di] || sig_strong) {
            strong.push(i);
        } else if r.weak || sig_weak || (s.weak_cue[di] && !s.strong_cue[di]) {
            weak.push(i);
        }
    }
    let local = Balance {
        n: topic_readings.len(),
        strong: strong.len(),
        weak: weak.len(),
        solid: topic_readings
            .iter()
            .filter(|(_, r)| !r.strong && !r.weak && r.moves >= 10)
            .count(),
        words: topic_readings.iter().map(|(s, _)| s.words).sum(),
    };
    if local.n == 0 {
        return DimensionScore {
            id: dim.id.clone(),
            score: None,
            rationale: format!(
                "not enough evidence: nothing in the answers speaks to {}",
                dim.name.to_lowercase()
            ),
            evidence: Vec::new(),
            insufficient_evidence: true,
            capped: false,
            spread: None,
        };
    }
    // Half what this dimension's sentences show, half the whole transcript:
    // a dimension touched by two sentences should not swing on them alone.
    let blended = 0.5 * local.net() + 0.5 * overall.net();
    let t = thresholds();
    let score: u8 = if blended >= t[0] && local.strong >= 2 {
        4
    } else if blended >= t[1] && local.strong >= 1 {
        3
    } else if blended >= t[2] {
        2
    } else {
        1
    };
    let rationale = if score >= 3 {
        format!(
            "{} of {} sentences on this show the strong column, {} the weak one",
            local.strong, local.n, local.weak
        )
    } else {
        format!(
            "{} of {} sentences on this show the weak column, {} the strong one",
            local.weak, local.n, local.strong
        )
    };
    // Evidence that speaks to this dimension first: its own cues, then its
    // own moves, then how much the sentence does.
    let relevance = |i: usize, weak_side: bool| -> u32 {
        let s = &sentences[i];
        let sigs = if weak_side { weak_sigs } else { strong_sigs };
        let own = sigs.iter().filter(|g| s.found.has(**g)).count() as u32;
        let cue = if weak_side {
            s.weak_cue[di]
        } else {
            s.strong_cue[di]
        };
        let base = if weak_side {
            readings[i].habits
        } else {
            readings[i].moves / 10
        };
        cue as u32 * 20 + s.focus[di] as u32 * 5 + own * 10 + base
    };
    let (pool, weak_side) = if score >= 3 || weak.is_empty() {
        (&strong, false)
    } else {
        (&weak, true)
    };
    let mut ranked = pool.clone();
    ranked.sort_by_key(|&i| std::cmp::Reverse(relevance(i, weak_side)));
    let mut evidence: Vec<String> = Vec::new();
    for i in ranked {
        if sentences[i].code {
            continue;
        }
        if let Some(v) = cand.verify(&quote_of(&sentences[i].text)) {
            if !evidence.contains(&v) {
                evidence.push(v);
            }
        }
        if evidence.len() >= EVIDENCE_CANDIDATES {
            break;
        }
    }
    DimensionScore {
        id: dim.id.clone(),
        score: Some(score),
        rationale,
        evidence,
        insufficient_evidence: false,
        capped: false,
        spread: None,
    }
}

/// Candidates kept per dimension before choosing the three to show.
const EVIDENCE_CANDIDATES: usize = 6;
const EVIDENCE_SHOWN: usize = 3;

/// Keep three quotes per dimension, preferring quotes no earlier dimension
/// already shows, so one good sentence is not the evidence for everything.
fn spread_evidence(dimensions: &mut [DimensionScore]) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    for d in dimensions.iter_mut() {
        let (fresh, seen): (Vec<String>, Vec<String>) =
            d.evidence.drain(..).partition(|q| !used.contains(q));
        let mut chosen: Vec<String> = fresh.into_iter().take(EVIDENCE_SHOWN).collect();
        if chosen.is_empty() {
            chosen.extend(seen.into_iter().take(1));
        }
        used.extend(chosen.iter().cloned());
        d.evidence = chosen;
    }
}

/// How the offline reader sees a sentence a judge quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteReading {
    /// An empty habit: recital, hedge, vocabulary, the round's failure mode.
    Habit,
    /// Reasoning that reaches the strong bar on its own.
    Reasoning,
    /// Neither.
    Plain,
}

/// Read a quoted sentence the way the offline scorer reads its own. The
/// judge uses it both ways: a buzzword sentence quoted as "strong" does not
/// become evidence, and a sentence that states a condition and a price is
/// not taken as "weak" on a small model's word.
pub fn read_quote(round: &Round, sentence: &str) -> QuoteReading {
    let prep = prepared(round);
    let lower = signals::normalise(sentence);
    let tokens = Tokens::new(sentence);
    let [focus, strong_cue, weak_cue] = prep.hits(&tokens);
    let s = Sentence {
        answer: 0,
        text: sentence.to_string(),
        found: signals::scan(&lower),
        numbers: signals::specific_numbers(sentence),
        words: text::words(sentence).len(),
        code: false,
        follow_up: false,
        grounding: 0,
        after_hint: false,
        focus,
        strong_cue,
        weak_cue,
        tokens,
    };
    let r = read(&s);
    if r.weak {
        QuoteReading::Habit
    } else if r.strong {
        QuoteReading::Reasoning
    } else {
        QuoteReading::Plain
    }
}

/// Blended net shares at which a dimension reaches 4, 3 and 2 (set on the
/// samples so that every strong one is at least 3 and every weak one at
/// most 2; the held-out sets then checked them).
fn thresholds() -> [f64; 3] {
    [0.24, 0.11, 0.05]
}

/// A line per sentence with its signals and reading, for tuning the scorer.
#[doc(hidden)]
pub fn debug_dump(round: &Round, t: &Transcript) -> String {
    let cand = CandidateText::new(round, t);
    let sentences = read_sentences(&prepared(round), &cand).sentences;
    let mut out = String::new();
    let mut last_answer = usize::MAX;
    for s in &sentences {
        if s.answer != last_answer {
            last_answer = s.answer;
            out.push_str(&format!(
                "--- {}: {}\n",
                if s.follow_up { "follow-up" } else { "question" },
                text::ellipsize(&text::squash_ws(&cand.answers[s.answer].prompt), 90)
            ));
        }
        let r = read(s);
        let sigs: Vec<&str> = Signal::ALL
            .iter()
            .filter(|g| s.found.has(**g))
            .map(|g| g.name())
            .collect();
        let dims: Vec<String> = round
            .dimensions
            .iter()
            .enumerate()
            .filter(|(i, _)| s.focus[*i] || s.strong_cue[*i] || s.weak_cue[*i])
            .map(|(i, d)| {
                format!(
                    "{}{}{}",
                    &d.id[..4],
                    if s.strong_cue[i] { "+" } else { "" },
                    if s.weak_cue[i] { "-" } else { "" }
                )
            })
            .collect();
        out.push_str(&format!(
            "{}{} n{} g{} [{}] {{{}}} {}\n",
            if r.strong { "S" } else { "." },
            if r.weak { "W" } else { "." },
            s.numbers,
            s.grounding,
            sigs.join(","),
            dims.join(","),
            text::ellipsize(&text::squash_ws(&s.text), 120)
        ));
    }
    let readings: Vec<Reading> = sentences.iter().map(read).collect();
    let b = Balance::of(
        sentences
            .iter()
            .zip(readings.iter().copied())
            .filter(|(s, _)| counts(s)),
    );
    out.push_str(&format!(
        "SUMMARY n={} strong={} weak={} net={:.2}\n",
        b.n,
        b.strong,
        b.weak,
        b.net()
    ));
    out
}
