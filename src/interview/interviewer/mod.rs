//! What the interviewer says next.
//!
//! The session decides the structure (a new question, a follow-up aimed at a
//! key point or a pressure question, a nudge, the wrap-up); an engine turns
//! that into words. `scripted` is the built-in offline engine; `llm` phrases
//! the same decisions with a model and falls back to `scripted` when the
//! model fails or says something an interviewer must not.

pub mod check;
pub mod llm;
pub mod prompt;
pub mod scripted;

use std::collections::BTreeSet;
use std::time::Duration;

use crate::rounds::{KeyPoint, Question, Round};
use crate::session::{FollowUp, Outcome, WrapReason};
use crate::transcript::{Role, RunEvent, Target, Usage};

/// Where an engine writes what it says, as it says it.
pub trait Sink {
    /// A reply is about to be produced (a spinner may show until the first token).
    fn begin(&mut self);
    /// More text of the reply.
    fn token(&mut self, text: &str);
    /// The reply is complete (or was cancelled).
    fn end(&mut self);
    /// A one-line notice to the user that is not part of the interview
    /// ("the model is unavailable, continuing offline for this turn").
    fn notice(&mut self, text: &str);
}

/// A sink that keeps nothing (tests, benchmarks).
pub struct NullSink;

impl Sink for NullSink {
    fn begin(&mut self) {}
    fn token(&mut self, _: &str) {}
    fn end(&mut self) {}
    fn notice(&mut self, _: &str) {}
}

pub use crate::transcript::TurnSource as Source;

/// One interviewer turn as produced by an engine.
#[derive(Debug, Clone)]
pub struct Reply {
    pub text: String,
    pub source: Source,
    pub model: Option<String>,
    pub ttft_ms: Option<u64>,
    pub latency_ms: Option<u64>,
    pub usage: Option<Usage>,
    pub cancelled: bool,
    pub note: Option<String>,
}

impl Reply {
    pub fn offline(text: String) -> Reply {
        Reply {
            text,
            source: Source::Offline,
            model: None,
            ttft_ms: None,
            latency_ms: None,
            usage: None,
            cancelled: false,
            note: None,
        }
    }
}

/// A finished question, compacted for the model's context.
#[derive(Debug, Clone)]
pub struct EarlierQuestion {
    pub title: String,
    pub covered: Vec<String>,
    pub missed: Vec<String>,
    /// A short verbatim excerpt of the candidate's answers.
    pub excerpt: String,
}

/// Everything an engine may look at to phrase the next turn.
pub struct Context<'a> {
    pub round: &'a Round,
    pub question: &'a Question,
    pub level: &'a str,
    /// 1-based number of the question and how many are planned.
    pub number: usize,
    pub planned: usize,
    /// The current question's exchange so far, verbatim.
    pub exchange: &'a [(Role, String)],
    /// Earlier questions, compacted.
    pub earlier: &'a [EarlierQuestion],
    /// What was already asked on this question.
    pub asked: &'a BTreeSet<Target>,
    /// Key points the candidate has covered on this question.
    pub covered: &'a BTreeSet<String>,
    pub time_left: Duration,
    /// How the previous question went (None before the second question).
    pub previous: Option<Outcome>,
    /// The latest `/run` of code on this question, if any.
    pub run: Option<&'a RunEvent>,
}

impl Context<'_> {
    /// Was this key point already probed on this question?
    pub fn was_asked(&self, key_point: &str) -> bool {
        self.asked.iter().any(|t| t.key_point() == Some(key_point))
    }
}

pub trait Interviewer {
    /// A short label for the transcript header: model name or `offline`.
    fn describe(&self) -> String;

    /// Ask a question from the bank (the text itself is never changed).
    fn question(&mut self, ctx: &Context, sink: &mut dyn Sink) -> Reply;

    /// Phrase the follow-up the session chose.
    fn follow_up(&mut self, ctx: &Context, follow_up: &FollowUp, sink: &mut dyn Sink) -> Reply;

    /// One rung of the hint ladder on a key point (/hint): 1 a question
    /// pointing at the area, 2 the concept named, 3 the key point given.
    fn hint(
        &mut self,
        ctx: &Context,
        key_point: &KeyPoint,
        level: u8,
        sink: &mut dyn Sink,
    ) -> Reply;

    /// Close the interview.
    fn wrap_up(&mut self, reason: WrapReason, sink: &mut dyn Sink) -> Reply;

    /// An earlier interviewer turn of this session (on resume), so its
    /// phrasing is not used again.
    fn remember(&mut self, said: &str);
}
