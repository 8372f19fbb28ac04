//! A session prepared for review, shared by `replay` and `report`: turns on
//! the interview clock (breaks between resumes left out), grouped by
//! question with the key points each one was after, the code runs after
//! the answers they ran, and the latest score with every evidence quote
//! located in the answer it came from.
//!
//! Everything here is read-only: reviewing a session never appends to it. A
//! session without a score (or a plain-text transcript) is scored on the
//! spot with the configured scorer, and the result says so.

pub mod diagnose;
pub mod plan;
pub mod progress;
pub mod report;
pub mod scorecard;

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use jiff::Timestamp;

use crate::config::Config;
use crate::coverage;
use crate::rounds::{Catalog, Question, Round};
use crate::scoring::evidence::fold;
use crate::scoring::ScoreReport;
use crate::transcript::store::LineProblem;
use crate::transcript::{
    BackendKind, Event, Role, RunEvent, SelfScoreEvent, Transcript, Turn, TurnKind,
};

/// One turn with its place on the interview clock.
#[derive(Debug, Clone)]
pub struct ReviewTurn {
    pub turn: Turn,
    /// Seconds since the start, breaks excluded; None for imported text.
    pub offset_s: Option<f64>,
    /// Seconds since the previous turn (or the resume); None when unknown.
    pub pause_s: Option<f64>,
    /// The session was resumed just before this turn, after this many seconds.
    pub resumed_after_s: Option<u64>,
    /// Evidence quotes found in this turn, as byte ranges, sorted, disjoint.
    pub spans: Vec<Span>,
    /// On answers: the analysis the interview recorded for it.
    pub analysis: Option<crate::transcript::AnalysisEvent>,
    /// The code runs between this turn and the next, in order (runs saved
    /// before the first turn, which no interview writes, are shown with it).
    pub runs: Vec<ReviewRun>,
}

/// A run of the candidate's code, on the interview clock.
#[derive(Debug, Clone)]
pub struct ReviewRun {
    pub run: RunEvent,
    /// Seconds since the start, breaks excluded; None for imported text.
    pub offset_s: Option<f64>,
}

/// A stretch of an answer that a score quoted as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// Evidence numbers (1-based, see [`Evidence::number`]).
    pub refs: Vec<usize>,
}

/// What one question was looking for and what the answers hit.
#[derive(Debug, Clone)]
pub struct KeyPointResult {
    pub id: String,
    pub point: String,
    pub hit: bool,
    /// Given away with /hint.
    pub hinted: bool,
    /// The interviewer followed up on it.
    pub probed: bool,
}

/// The turns of one question, from the question to the last answer.
#[derive(Debug, Clone)]
pub struct QuestionBlock {
    pub number: usize,
    pub question_id: Option<String>,
    /// The bank's title, when the question is from the round's bank.
    pub title: Option<String>,
    /// Indices into [`Review::turns`].
    pub turns: Vec<usize>,
    /// Empty when the question is not from the bank (key points unknown).
    pub key_points: Vec<KeyPointResult>,
    pub hints: usize,
    pub skipped: bool,
}

/// One evidence quote of the score, and where it was said.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub number: usize,
    pub dimension: String,
    pub dimension_name: String,
    pub score: Option<u8>,
    pub quote: String,
    /// Index into [`Review::turns`] of the answer that holds it.
    pub turn: Option<usize>,
    /// The question number that answer belongs to.
    pub question: Option<usize>,
}

/// Where the score came from.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreSource {
    /// The latest `score` event of the session, appended at this time.
    Saved(Timestamp),
    /// Scored now, because nothing was saved (plain text, unscored session).
    Computed,
}

pub struct Review<'a> {
    pub round: &'a Round,
    pub transcript: Transcript,
    pub path: PathBuf,
    pub shown: String,
    pub saved_session: bool,
    pub problems: Vec<LineProblem>,
    pub turns: Vec<ReviewTurn>,
    pub questions: Vec<QuestionBlock>,
    /// Turns after the last question (the wrap-up).
    pub closing: Vec<usize>,
    pub score: ScoreReport,
    pub score_source: ScoreSource,
    pub self_score: Option<SelfScoreEvent>,
    pub evidence: Vec<Evidence>,
}

impl Review<'_> {
    /// One line on stderr per broken line of the file, which was skipped.
    /// `then` says what happens next, e.g. "; replaying the rest".
    pub fn warn_problems(&self, then: &str) {
        for p in &self.problems {
            eprintln!(
                "mockround: {}: line {} is broken and was skipped ({}){then}",
                self.shown,
                p.line,
                crate::text::ellipsize(&p.message, 120)
            );
        }
    }

    /// True when the turns carry real timestamps (not an imported text).
    pub fn timed(&self) -> bool {
        self.transcript.header.backend.kind != BackendKind::Import
    }

    /// completed | quit | interrupted | unfinished | imported
    pub fn status(&self) -> &'static str {
        if !self.saved_session {
            return "imported";
        }
        self.transcript
            .end()
            .map(|e| e.status.as_str())
            .unwrap_or("unfinished")
    }

    /// The self-score for a dimension, if the candidate gave one.
    pub fn self_score_of(&self, dimension: &str) -> Option<u8> {
        self.self_score
            .as_ref()
            .and_then(|s| s.scores.iter().find(|x| x.id == dimension))
            .map(|x| x.score)
    }
}

/// Load SESSION|FILE and prepare it for review.
pub fn load<'c>(
    config: &Config,
    catalog: &'c Catalog,
    spec: &str,
    round_override: Option<&str>,
) -> Result<Review<'c>> {
    let input =
        crate::transcript::import::open(&config.paths.sessions_dir(), spec, round_override)?;
    let t = input.loaded.transcript;
    let round = catalog
        .require(&t.header.round)
        .with_context(|| input.shown.clone())?;
    let (score, score_source) = match t.latest_score() {
        Some(s) => (s.report.clone(), ScoreSource::Saved(s.at)),
        None => (
            crate::scoring::score(config, round, &t, 1),
            ScoreSource::Computed,
        ),
    };
    let self_score = t.latest_self_score().cloned();
    Ok(build(
        round,
        t,
        input.path,
        input.shown,
        input.loaded.saved_session,
        input.loaded.problems,
        score,
        score_source,
        self_score,
    ))
}

#[allow(clippy::too_many_arguments)]
pub fn build<'c>(
    round: &'c Round,
    transcript: Transcript,
    path: PathBuf,
    shown: String,
    saved_session: bool,
    problems: Vec<LineProblem>,
    score: ScoreReport,
    score_source: ScoreSource,
    self_score: Option<SelfScoreEvent>,
) -> Review<'c> {
    let timed = transcript.header.backend.kind != BackendKind::Import;
    let turns = clock_turns(&transcript, timed);
    let mut review = Review {
        round,
        transcript,
        path,
        shown,
        saved_session,
        problems,
        turns,
        questions: Vec::new(),
        closing: Vec::new(),
        score,
        score_source,
        self_score,
        evidence: Vec::new(),
    };
    group(&mut review);
    locate_evidence(&mut review);
    review
}

/// Put each turn on the interview clock. A `resume` event means the time
/// since the previous turn was a break, not thinking, so it is left out.
fn clock_turns(t: &Transcript, timed: bool) -> Vec<ReviewTurn> {
    let start = t.header.started_at;
    let secs = |a: Timestamp, b: Timestamp| {
        (a.as_millisecond() - b.as_millisecond()).max(0) as f64 / 1000.0
    };
    let mut out: Vec<ReviewTurn> = Vec::new();
    let mut prev = start;
    let mut breaks = 0.0;
    let mut pending_resume: Option<u64> = None;
    let mut early_runs: Vec<ReviewRun> = Vec::new();
    for e in &t.events {
        match e {
            Event::Run(run) => {
                let offset_s = timed.then(|| (secs(run.at, start) - breaks).max(0.0));
                let run = ReviewRun {
                    run: run.clone(),
                    offset_s,
                };
                match out.last_mut() {
                    Some(turn) => turn.runs.push(run),
                    None => early_runs.push(run),
                }
            }
            Event::Analysis(a) => {
                if let Some(last) = out
                    .last_mut()
                    .filter(|l: &&mut ReviewTurn| l.turn.role == Role::Candidate)
                {
                    last.analysis = Some(a.clone());
                }
            }
            Event::Resume(r) => {
                breaks += r.break_s as f64;
                pending_resume = Some(pending_resume.unwrap_or(0) + r.break_s);
                prev = prev.max(r.at);
            }
            Event::Turn(turn) => {
                let (offset_s, pause_s) = if timed {
                    (
                        Some((secs(turn.at, start) - breaks).max(0.0)),
                        Some(secs(turn.at, prev)),
                    )
                } else {
                    (None, None)
                };
                prev = prev.max(turn.at);
                out.push(ReviewTurn {
                    turn: turn.clone(),
                    offset_s,
                    pause_s,
                    resumed_after_s: pending_resume.take(),
                    spans: Vec::new(),
                    runs: std::mem::take(&mut early_runs),
                    analysis: None,
                });
            }
            _ => {}
        }
    }
    out
}

fn group(r: &mut Review) {
    let mut blocks: Vec<QuestionBlock> = Vec::new();
    for (i, rt) in r.turns.iter().enumerate() {
        let t = &rt.turn;
        if t.kind == TurnKind::WrapUp {
            r.closing.push(i);
            continue;
        }
        let starts = t.role == Role::Interviewer && t.kind == TurnKind::Question;
        if starts || blocks.is_empty() {
            blocks.push(QuestionBlock {
                number: blocks.len() + 1,
                question_id: t.question_id.clone(),
                title: None,
                turns: Vec::new(),
                key_points: Vec::new(),
                hints: 0,
                skipped: false,
            });
        }
        let b = blocks.last_mut().expect("a block was just pushed");
        b.turns.push(i);
        if t.kind == TurnKind::Hint {
            b.hints += 1;
        }
        if t.skipped {
            b.skipped = true;
        }
        if b.question_id.is_none() {
            b.question_id = t.question_id.clone();
        }
    }
    for b in &mut blocks {
        let question = match b.question_id.as_deref() {
            Some(id) => r.round.question(id),
            None => b
                .turns
                .first()
                .map(|&i| &r.turns[i].turn)
                .filter(|t| t.role == Role::Interviewer)
                .and_then(|t| match_bank(r.round, &t.text, r.transcript.header.title.as_deref())),
        };
        let Some(q) = question else { continue };
        b.question_id = Some(q.id.clone());
        b.title = Some(q.title.clone());
        b.key_points = key_points(q, b, &r.turns);
    }
    r.questions = blocks;
}

/// Which key points the answers to one question hit: what the interview
/// recorded for each answer (its analysis, or in older files its running
/// tally `covered`); imported answers, which have neither, are analysed
/// here once, the same way the interview would have.
fn key_points(q: &Question, b: &QuestionBlock, turns: &[ReviewTurn]) -> Vec<KeyPointResult> {
    let mut hit: BTreeSet<String> = BTreeSet::new();
    let mut hinted: BTreeSet<String> = BTreeSet::new();
    let mut probed: BTreeSet<String> = BTreeSet::new();
    for &i in &b.turns {
        let t = &turns[i].turn;
        match (t.role, t.kind) {
            (Role::Candidate, _) if !t.skipped => match (&turns[i].analysis, &t.covered) {
                (Some(a), _) => hit.extend(a.covered.iter().cloned()),
                (None, Some(c)) => hit.extend(c.iter().cloned()),
                (None, None) => hit.extend(coverage::analyse(q, &t.text).covered()),
            },
            (Role::Interviewer, TurnKind::Hint) => hinted.extend(aimed_at(t)),
            (Role::Interviewer, TurnKind::FollowUp) => probed.extend(aimed_at(t)),
            _ => {}
        }
    }
    q.key_points
        .iter()
        .map(|k| KeyPointResult {
            id: k.id.clone(),
            point: k.point.clone(),
            hit: hit.contains(&k.id),
            hinted: hinted.contains(&k.id),
            probed: probed.contains(&k.id),
        })
        .collect()
}

/// The key point an interviewer turn aimed at, if it aimed at one.
fn aimed_at(t: &Turn) -> Option<String> {
    t.target
        .as_ref()
        .and_then(|x| x.key_point())
        .map(str::to_string)
}

/// The bank question an imported transcript's opening question is a
/// rewording of, if one is clearly closest. People retype questions from
/// memory ("thirty thousand" for "30,000"), so this compares content words,
/// and refuses to guess when two bank questions are about as close.
pub fn match_bank<'r>(round: &'r Round, text: &str, title: Option<&str>) -> Option<&'r Question> {
    let asked: BTreeSet<String> =
        crate::text::content_stems(&format!("{} {}", title.unwrap_or(""), text))
            .into_iter()
            .collect();
    if asked.len() < 4 {
        return None;
    }
    let mut ranked: Vec<(f64, &Question)> = round
        .questions
        .iter()
        .map(|q| {
            let bank: BTreeSet<String> =
                crate::text::content_stems(&format!("{} {}", q.title, q.text))
                    .into_iter()
                    .collect();
            let common = asked.intersection(&bank).count() as f64;
            let smaller = asked.len().min(bank.len()).max(1) as f64;
            (common / smaller, q)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, q) = *ranked.first()?;
    let second = ranked.get(1).map(|r| r.0).unwrap_or(0.0);
    (best >= 0.4 && best - second >= 0.1).then_some(q)
}

/// Number every evidence quote and find it in the answer it came from.
fn locate_evidence(r: &mut Review) {
    let mut evidence = Vec::new();
    for d in &r.score.dimensions {
        let name = r
            .round
            .dimension(&d.id)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| d.id.clone());
        for quote in &d.evidence {
            let number = evidence.len() + 1;
            let mut found = None;
            for (i, rt) in r.turns.iter_mut().enumerate() {
                if rt.turn.role != Role::Candidate || rt.turn.skipped {
                    continue;
                }
                if let Some((start, end)) = find_quote(&rt.turn.text, quote) {
                    let (start, end) = whole_words(&rt.turn.text, start, end);
                    add_span(&mut rt.spans, start, end, number);
                    found = Some(i);
                    break;
                }
            }
            let question = found.and_then(|i| {
                r.questions
                    .iter()
                    .find(|b| b.turns.contains(&i))
                    .map(|b| b.number)
            });
            evidence.push(Evidence {
                number,
                dimension: d.id.clone(),
                dimension_name: name.clone(),
                score: d.score,
                quote: quote.clone(),
                turn: found,
                question,
            });
        }
    }
    r.evidence = evidence;
}

/// Widen a quoted range to whole words, so a mark never lands inside one
/// (a judge may quote "the sam" of "the same").
fn whole_words(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let inside = |c: char| c.is_alphanumeric() || c == '\'' || c == '\u{2019}';
    while let Some(c) = text[..start].chars().next_back().filter(|c| inside(*c)) {
        start -= c.len_utf8();
    }
    while let Some(c) = text[end..].chars().next().filter(|c| inside(*c)) {
        end += c.len_utf8();
    }
    (start, end)
}

/// Merge a new span into a sorted list of disjoint spans.
fn add_span(spans: &mut Vec<Span>, start: usize, end: usize, number: usize) {
    let mut merged = Span {
        start,
        end,
        refs: vec![number],
    };
    let mut rest = Vec::with_capacity(spans.len() + 1);
    for s in spans.drain(..) {
        if s.end <= merged.start || s.start >= merged.end {
            rest.push(s);
        } else {
            merged.start = merged.start.min(s.start);
            merged.end = merged.end.max(s.end);
            merged.refs.extend(s.refs);
        }
    }
    merged.refs.sort_unstable();
    merged.refs.dedup();
    rest.push(merged);
    rest.sort_by_key(|s| s.start);
    *spans = rest;
}

/// Find a quote in an answer the way evidence is verified (whitespace runs
/// as one space, invisible characters ignored, case and typography folded)
/// and return its byte range in the original text.
pub fn find_quote(text: &str, quote: &str) -> Option<(usize, usize)> {
    let q = quote
        .trim()
        .trim_matches(['"', '\u{201C}', '\u{201D}', '\''])
        .trim_end_matches("...")
        .trim_end_matches(['.', '\u{2026}']);
    let mut needle: Vec<char> = Vec::new();
    for c in q.chars() {
        if crate::text::is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            if needle.last().is_some_and(|l| *l != ' ') {
                needle.push(' ');
            }
        } else {
            needle.push(fold(c));
        }
    }
    while needle.last() == Some(&' ') {
        needle.pop();
    }
    if needle.is_empty() {
        return None;
    }
    // (folded char, byte start, byte end) with whitespace runs collapsed
    let mut hay: Vec<(char, usize, usize)> = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if crate::text::is_invisible(c) {
            continue;
        }
        let end = i + c.len_utf8();
        if c.is_whitespace() {
            match hay.last_mut() {
                Some(last) if last.0 == ' ' => last.2 = end,
                Some(_) => hay.push((' ', i, end)),
                None => {}
            }
        } else {
            hay.push((fold(c), i, end));
        }
    }
    if needle.len() > hay.len() {
        return None;
    }
    let pos = hay
        .windows(needle.len())
        .position(|w| w.iter().zip(&needle).all(|(h, n)| h.0 == *n))?;
    Some((hay[pos].1, hay[pos + needle.len() - 1].2))
}

/// Split a text into (piece, evidence refs) segments along its spans, for
/// renderers that mark the quoted parts.
pub fn segments<'t>(text: &'t str, spans: &'t [Span]) -> Vec<(&'t str, &'t [usize])> {
    let mut out: Vec<(&str, &[usize])> = Vec::new();
    let mut at = 0;
    for s in spans {
        if s.start < at
            || s.end > text.len()
            || !text.is_char_boundary(s.start)
            || !text.is_char_boundary(s.end)
        {
            continue;
        }
        if s.start > at {
            out.push((&text[at..s.start], &[]));
        }
        out.push((&text[s.start..s.end], &s.refs));
        at = s.end;
    }
    if at < text.len() {
        out.push((&text[at..], &[]));
    }
    out
}

/// "12 s", "3 min 05 s", "1 h 20 min": a duration for people.
pub fn human_duration(secs: f64) -> String {
    let s = secs.round().max(0.0) as u64;
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    } else {
        format!("{} d {} h", s / 86_400, (s % 86_400) / 3600)
    }
}

/// mm:ss on the interview clock.
pub fn clock(secs: f64) -> String {
    crate::ui::clock(std::time::Duration::from_secs_f64(secs.max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_found_across_reflowed_whitespace_and_case() {
        let text = "First I’d  chunk\nby heading. Then EVALUATE on a golden set.";
        let (s, e) = find_quote(text, "i'd chunk by heading").unwrap();
        assert_eq!(&text[s..e], "I’d  chunk\nby heading");
        let (s, e) = find_quote(text, "evaluate on a golden set.").unwrap();
        assert_eq!(&text[s..e], "EVALUATE on a golden set");
        assert!(find_quote(text, "not in there").is_none());
    }

    #[test]
    fn a_quote_cut_inside_a_word_is_marked_to_the_word_end() {
        let text = "Both go in the same arm, then stop.";
        let (s, e) = find_quote(text, "in the sam").unwrap();
        assert_eq!(&text[s..e], "in the sam");
        let (s, e) = whole_words(text, s, e);
        assert_eq!(&text[s..e], "in the same");
        let (s, e) = find_quote(text, "oth go").unwrap();
        let (s, e) = whole_words(text, s, e);
        assert_eq!(&text[s..e], "Both go");
    }

    #[test]
    fn overlapping_spans_merge_with_both_refs() {
        let mut spans = Vec::new();
        add_span(&mut spans, 10, 20, 1);
        add_span(&mut spans, 0, 5, 2);
        add_span(&mut spans, 15, 30, 3);
        assert_eq!(
            spans,
            vec![
                Span {
                    start: 0,
                    end: 5,
                    refs: vec![2]
                },
                Span {
                    start: 10,
                    end: 30,
                    refs: vec![1, 3]
                }
            ]
        );
        let segs = segments("0123456789abcdefghijklmnopqrstuvwxyz", &spans);
        let pieces: Vec<&str> = segs.iter().map(|s| s.0).collect();
        assert_eq!(
            pieces,
            vec!["01234", "56789", "abcdefghijklmnopqrst", "uvwxyz"]
        );
    }

    #[test]
    fn imported_questions_match_the_bank_when_clearly_closest() {
        let cat = Catalog::builtin();
        let round = cat.get("system-design").unwrap();
        let q = match_bank(
            round,
            "Accounts payable gets about thirty thousand invoices a month from two thousand suppliers. PDFs, scans, some phone photos. We want vendor, invoice number, dates, line items, totals and bank details extracted and pushed into the ERP for payment. Design it.",
            None,
        );
        assert_eq!(q.map(|q| q.id.as_str()), Some("sd-invoice-extraction"));
        assert!(match_bank(
            round,
            "Tell me about your favourite football team and why.",
            None
        )
        .is_none());
    }
}
