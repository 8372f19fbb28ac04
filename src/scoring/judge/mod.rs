//! The LLM judge, evidence first: the model finds and quotes, the code
//! verifies and scores.
//!
//! Measured on small models (README.md, "Scores"), a holistic "score each
//! dimension 1–4" judge collapses to all-4s. So the model is asked for
//! narrower work it can do: quote the candidate's sentences that show the
//! strong column and the weak column of one dimension (or of all of them,
//! for a capable model), with one line of reasoning each. Then, in code:
//! every quote must be a verbatim substring of a candidate turn (others are
//! dropped), a quote the offline reader sees as an empty habit does not
//! count as strong evidence (nor does one it sees as full reasoning count
//! as weak), the dimension's score is computed from the verified evidence
//! and the offline scorer's reading in equal parts, the model's own number
//! (asked only of a capable model) is a minor input, and nothing above 2
//! stands without a verified quote.
//! Malformed replies are repaired field by field; an unusable one gets one
//! retry, then the offline score for that dimension, labelled as such.

//!
//! The pieces: `protocol` (what is asked and how replies are read),
//! `combine` (verified evidence and the offline reading into a score),
//! `run` (asking per dimension or per round, retries, samples) and
//! `client` (the LLM client as a [`JudgeModel`]).

mod client;
mod combine;
mod protocol;
mod run;
#[cfg(test)]
mod tests;

use std::future::Future;

use serde_json::Value;

pub use crate::config::JudgeMode as Mode;
pub use client::ClientModel;
pub use combine::{combine, combine_samples, verify, Verified};
pub use protocol::{
    dimension_schema, parse_dimension, parse_round, render_transcript, repair_finding,
    round_schema, Finding, JudgePrompts, ParseError, Quote,
};
pub use run::{judge, judge_samples, score};

/// Bumped when the prompts or the combination change scores (2: quotes
/// only per dimension, evidence and offline reading weighted equally).
pub const PROMPT_VERSION: u32 = 2;

/// What the judge needs from a model: one reply per request, ideally JSON
/// that follows `schema`. Implemented over the LLM client, and by fakes in
/// tests.
pub trait JudgeModel {
    fn name(&self) -> String;
    fn ask(&self, request: JudgeRequest) -> impl Future<Output = Result<String, String>>;
}

/// One question to the model.
#[derive(Debug, Clone)]
pub struct JudgeRequest {
    pub system: String,
    pub user: String,
    pub schema: Value,
    /// 0 for a single sample; higher when `--samples` asks for spread.
    pub temperature: f32,
    /// The dimension asked about, in the per-dimension mode.
    pub dimension: Option<String>,
}

/// Characters of transcript given to the model (about 2,500 tokens).
pub const TRANSCRIPT_CHARS: usize = 10_000;
