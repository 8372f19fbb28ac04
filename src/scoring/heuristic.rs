//! The offline scorer: rubric scores from what the candidate's sentences do.
//!
//! Each candidate sentence is read for moves (see `signals`): a condition or
//! tradeoff tied to something concrete, a failure case, a check, a stated
//! position, ownership; or a definition recited, a hedge, a deferral, a
//! guess, vocabulary with nothing under it. A sentence is *strong evidence*
//! for a dimension when it reasons about something concrete, says nothing
//! empty, and is about that dimension (the round file's focus cues, or the
//! question it answers); it is *weak evidence* when it shows one of the weak
//! column's habits. Scores come from the balance of the two, so length alone
//! buys nothing: a rambling answer adds weak evidence as fast as strong.
//!
//! The same code scores every round; what differs per dimension (which
//! moves count, which words mark the topic) lives in the round file.

use crate::rounds::{Dimension, Round};
use crate::scoring::evidence::{quote_of, CandidateText};
use crate::scoring::manipulation::{self, RubricEcho};
use crate::scoring::signals::{self, Found, Signal};
use crate::scoring::{finish, ChecklistResult, DimensionScore, ScoreReport};
use crate::text::{self, Tokens};
use crate::transcript::Transcript;

/// One sentence of an answer, read.
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
}

/// How a sentence reads, independent of dimension.
#[derive(Debug, Clone, Copy, Default)]
struct Reading {
    /// Reasons about something concrete without empty filler.
    strong: bool,
    /// Shows an empty habit (recital, hedge, jargon with nothing under it…).
    weak: bool,
}

const EMPTY_HABITS: &[Signal] = &[
    Signal::Buzz,
    Signal::Definition,
    Signal::Deflection,
    Signal::Vague,
    Signal::BothSides,
    Signal::Defer,
    Signal::Guess,
    Signal::Dismissal,
    Signal::Blame,
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

fn read(s: &Sentence) -> Reading {
    let f = &s.found;
    let reason = f.has(Signal::Condition) || f.has(Signal::Causal) || f.has(Signal::Tradeoff);
    let risk = f.has(Signal::Failure) || f.has(Signal::Caveat);
    let concrete = s.numbers > 0
        || s.grounding >= 2
        || f.has(Signal::EdgeCase)
        || f.has(Signal::Complexity)
        || s.code;
    let empty: u32 = EMPTY_HABITS.iter().map(|h| f.count(*h)).sum::<u32>() + f.count(Signal::Buzz);
    let jargon_only = f.count(Signal::Jargon) >= 2 && !reason && s.numbers == 0;
    let hedged = f.count(Signal::Hedge) >= 1 && !reason;
    let moves = reason as u32
        + risk as u32
        + concrete as u32
        + (f.has(Signal::Decision) || f.has(Signal::Verification)) as u32
        + f.has(Signal::SelfCorrection) as u32
        + f.has(Signal::Position) as u32
        + f.has(Signal::Ownership) as u32;
    Reading {
        strong: empty == 0
            && !jargon_only
            && !hedged
            && moves >= 2
            && (reason || risk)
            && s.words >= 5,
        weak: empty > 0 || jargon_only || hedged,
    }
}

/// Score a transcript with the offline scorer.
pub fn score(round: &Round, t: &Transcript) -> ScoreReport {
    let cand = CandidateText::new(round, t);
    let echo = RubricEcho::new(round);
    let mut flags: Vec<String> = cand.flags.iter().map(|s| s.to_string()).collect();

    // Read every sentence once.
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut echoed = 0;
    for (ai, a) in cand.answers.iter().enumerate() {
        let prompt_stems: std::collections::BTreeSet<String> =
            text::content_stems(&a.prompt).into_iter().collect();
        for s in text::sentences(&a.screen.clean) {
            let start = s.start;
            if a.screen.is_tainted(start, start + s.text.len()) {
                continue;
            }
            if echo.echoes(s.text) {
                echoed += 1;
                continue;
            }
            let code = s.text.starts_with("```");
            let lower = signals::normalise(s.text);
            let found = if code {
                Found::default()
            } else {
                signals::scan(&lower)
            };
            let words = text::words(s.text).len();
            let grounding = text::content_stems(s.text)
                .iter()
                .filter(|w| prompt_stems.contains(*w))
                .count();
            sentences.push(Sentence {
                answer: ai,
                text: s.text.to_string(),
                numbers: if code {
                    0
                } else {
                    signals::specific_numbers(s.text)
                },
                found,
                words,
                code,
                tokens: Tokens::new(s.text),
                follow_up: a.follow_up,
                grounding,
            });
        }
    }
    if echoed >= 2 {
        flags.push(manipulation::PARROT.to_string());
    }
    let readings: Vec<Reading> = sentences.iter().map(read).collect();

    let non_answer = cand.is_empty()
        || cand.answers.iter().all(|a| {
            let w = text::words(&a.screen.clean);
            w.len() < 12 || crate::coverage::is_foreign(&w)
        });
    let steering = cand.flags.contains(manipulation::INJECTION)
        || cand.flags.contains(manipulation::FAKE_SCORE)
        || cand.flags.contains(manipulation::FAKE_TURN);

    let prose: Vec<usize> = (0..sentences.len())
        .filter(|&i| !sentences[i].code)
        .collect();
    let buzzy = prose
        .iter()
        .filter(|&&i| {
            sentences[i].found.count(Signal::Buzz) > 0
                || sentences[i].found.count(Signal::Jargon) >= 2 && !readings[i].strong
        })
        .count();
    let buzz_share = if prose.is_empty() {
        0.0
    } else {
        buzzy as f64 / prose.len() as f64
    };

    let mut dimensions = Vec::new();
    for dim in &round.dimensions {
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
            score_dimension(dim, &sentences, &readings, &cand, buzz_share, steering)
        };
        dimensions.push(d);
    }

    let checklist = round
        .checklist
        .iter()
        .map(|c| ChecklistResult {
            id: c.id.clone(),
            covered: !non_answer
                && sentences
                    .iter()
                    .zip(&readings)
                    .any(|(s, r)| !r.weak && c.cues.iter().any(|cue| cue.matches(&s.tokens))),
        })
        .collect();

    finish(
        round,
        ScoreReport {
            round: round.id.clone(),
            scorer: "offline".into(),
            overall: None,
            verdict: String::new(),
            dimensions,
            checklist,
            flags,
            practice: Vec::new(),
            samples: None,
        },
    )
}

fn score_dimension(
    dim: &Dimension,
    sentences: &[Sentence],
    readings: &[Reading],
    cand: &CandidateText,
    buzz_share: f64,
    steering: bool,
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
    let prompt_tokens: Vec<Tokens> = cand
        .answers
        .iter()
        .map(|a| Tokens::new(&a.prompt))
        .collect();

    let about = |i: usize| {
        let s = &sentences[i];
        dim.focus.iter().any(|c| c.matches(&s.tokens))
            || dim.strong_cues.iter().any(|c| c.matches(&s.tokens))
            || dim.weak_cues.iter().any(|c| c.matches(&s.tokens))
            || dim
                .focus
                .iter()
                .any(|c| c.matches(&prompt_tokens[s.answer]))
    };
    let mut strong: Vec<usize> = Vec::new();
    let mut weak: Vec<usize> = Vec::new();
    let mut relevant = 0;
    for i in 0..sentences.len() {
        let s = &sentences[i];
        let r = readings[i];
        let on_topic = about(i);
        let has_strong_sig = strong_sigs.iter().any(|g| s.found.has(*g));
        let has_weak_sig = weak_sigs.iter().any(|g| s.found.has(*g));
        let strong_cue = dim.strong_cues.iter().any(|c| c.matches(&s.tokens));
        let weak_cue = dim.weak_cues.iter().any(|c| c.matches(&s.tokens));
        if on_topic || has_strong_sig || has_weak_sig {
            relevant += 1;
        }
        if r.strong && (has_strong_sig || strong_cue) && (on_topic || has_strong_sig) {
            strong.push(i);
        } else if (has_weak_sig && (on_topic || !s.follow_up || true))
            || (weak_cue && !r.strong)
            || (r.weak && on_topic)
        {
            weak.push(i);
        }
    }
    let a = strong.len();
    let b = weak.len();
    if a == 0 && b == 0 {
        return DimensionScore {
            id: dim.id.clone(),
            score: None,
            rationale: format!(
                "not enough evidence: the interview did not reach {}",
                dim.name.to_lowercase()
            ),
            evidence: Vec::new(),
            insufficient_evidence: true,
            capped: false,
            spread: None,
        };
    }
    let mut score: u8 = if a >= 3 && a >= 2 * b {
        4
    } else if a >= 2 && a > b {
        3
    } else if a >= 1 || b <= 1 {
        2
    } else {
        1
    };
    let _ = relevant;
    let mut rationale = if score >= 3 {
        format!(
            "{a} sentence(s) show the strong column ({}), {b} the weak one",
            dim.strong
        )
    } else {
        format!(
            "{b} sentence(s) show the weak column ({}), {a} the strong one",
            dim.weak
        )
    };
    let mut capped = false;
    if score > 2 && buzz_share > 0.35 {
        score = 2;
        capped = true;
        rationale =
            format!("capped at 2: much of the answer is vocabulary without reasoning; {rationale}");
    }
    if score > 2 && steering {
        score = 2;
        capped = true;
        rationale = format!("capped at 2: the transcript tries to steer the scorer; {rationale}");
    }
    let chosen: Vec<usize> = if score >= 3 {
        strong.clone()
    } else if !weak.is_empty() {
        weak.clone()
    } else {
        strong.clone()
    };
    let mut evidence: Vec<String> = Vec::new();
    for i in chosen {
        let q = quote_of(&sentences[i].text);
        if let Some(v) = cand.verify(&q) {
            if !evidence.contains(&v) {
                evidence.push(v);
            }
        }
        if evidence.len() >= 3 {
            break;
        }
    }
    DimensionScore {
        id: dim.id.clone(),
        score: Some(score),
        rationale,
        evidence,
        insufficient_evidence: false,
        capped,
        spread: None,
    }
}

/// A line per sentence with its signals and reading, for tuning the scorer.
#[doc(hidden)]
pub fn debug_dump(round: &Round, t: &Transcript) -> String {
    let cand = CandidateText::new(round, t);
    let echo = RubricEcho::new(round);
    let mut out = String::new();
    for a in &cand.answers {
        let prompt_stems: std::collections::BTreeSet<String> =
            text::content_stems(&a.prompt).into_iter().collect();
        out.push_str(&format!(
            "--- answer to: {}\n",
            text::ellipsize(&text::squash_ws(&a.prompt), 90)
        ));
        for s in text::sentences(&a.screen.clean) {
            let tainted = a.screen.is_tainted(s.start, s.start + s.text.len());
            let lower = signals::normalise(s.text);
            let found = signals::scan(&lower);
            let sent = Sentence {
                answer: 0,
                text: s.text.to_string(),
                numbers: signals::specific_numbers(s.text),
                words: text::words(s.text).len(),
                code: s.text.starts_with("```"),
                tokens: Tokens::new(s.text),
                follow_up: a.follow_up,
                grounding: text::content_stems(s.text)
                    .iter()
                    .filter(|w| prompt_stems.contains(*w))
                    .count(),
                found,
            };
            let r = read(&sent);
            let sigs: Vec<&str> = Signal::ALL
                .iter()
                .filter(|g| sent.found.has(**g))
                .map(|g| g.name())
                .collect();
            let dims: Vec<&str> = round
                .dimensions
                .iter()
                .filter(|d| {
                    d.focus
                        .iter()
                        .chain(&d.strong_cues)
                        .any(|c| c.matches(&sent.tokens))
                })
                .map(|d| &d.id[..4])
                .collect();
            out.push_str(&format!(
                "{}{}{} n{} g{} [{}] {{{}}} {}\n",
                if r.strong { "S" } else { "." },
                if r.weak { "W" } else { "." },
                if tainted {
                    "T"
                } else if echo.echoes(s.text) {
                    "E"
                } else {
                    " "
                },
                sent.numbers,
                sent.grounding,
                sigs.join(","),
                dims.join(","),
                text::ellipsize(&text::squash_ws(s.text), 110)
            ));
        }
    }
    out
}
