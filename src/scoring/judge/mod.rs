//! The LLM judge, evidence first: the model points, the code verifies and
//! scores.
//!
//! Measured on small models (README.md, "Scores"), a holistic "score each
//! dimension 1–4" judge collapses to all-4s. So the model is asked for
//! narrower work it can do: given the candidate's sentences numbered
//! `[S1]`.., cite the ids of those that show the strong column and the weak
//! column of one dimension (or of all of them, for a capable model). Then,
//! in code: each id is mapped to its exact sentence (ids that do not exist
//! are counted and dropped), the dimension's score is computed from the
//! verified evidence, and nothing above 2 stands without a cited strong
//! sentence. How much that evidence decides follows from the model's
//! calibration record (`calibration`): a model that passed the gate
//! decides, any other is advisory and blended with the offline reading.
//! Malformed replies are repaired field by field; an unusable one (valid
//! JSON without the fields included) gets one retry, then the offline
//! score for that dimension, labelled as such.
//!
//! The pieces: `protocol` (what is asked and how replies are read),
//! `combine` (verified evidence and the offline reading into a score),
//! `run` (asking per dimension, concurrently, or per round; retries,
//! samples), `calibration` (records and the gate), `gold` (the labelled
//! set compiled in), `calibrate` (running the gold set) and `client` (the LLM client as a [`JudgeModel`]).

pub mod calibrate;
pub mod calibration;
mod client;
mod combine;
pub mod gold;
mod protocol;
mod run;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::time::Duration;

use serde_json::Value;

pub use crate::config::JudgeMode as Mode;
pub use crate::transcript::score::Regime;
pub use client::ClientModel;
pub use combine::{combine, combine_samples, evidence_only, verify, Verified};
pub use protocol::{
    dimension_schema, has_fields, number_transcript, parse_dimension, parse_round, repair_finding,
    round_schema, Cite, Finding, JudgePrompts, Numbered, ParseError, MASK,
};
pub use run::{
    judge, judge_detailed, judge_samples, score, settings_slots, with_progress, Judged, Options,
    Progress,
};

/// Bumped when the prompts or the combination change scores (3: sentence
/// ids instead of quotes, the regime from calibration).
pub const PROMPT_VERSION: u32 = 3;

/// Why a model gave no reply.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// The server is at capacity (HTTP 429, or 503 while busy): ask with
    /// fewer requests in flight, after a pause.
    Busy {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Anything else, after the client's own retries.
    Failed(String),
}

impl ModelError {
    pub fn message(&self) -> &str {
        match self {
            ModelError::Busy { message, .. } | ModelError::Failed(message) => message,
        }
    }
}

impl From<String> for ModelError {
    fn from(s: String) -> ModelError {
        ModelError::Failed(s)
    }
}

impl From<&str> for ModelError {
    fn from(s: &str) -> ModelError {
        ModelError::Failed(s.to_string())
    }
}

/// What the judge needs from a model: one reply per request, ideally JSON
/// that follows `schema`. Implemented over the LLM client, and by fakes in
/// tests.
pub trait JudgeModel {
    fn name(&self) -> String;
    fn ask(&self, request: JudgeRequest) -> impl Future<Output = Result<String, ModelError>>;
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
