//! The LLM judge (work in progress in this commit: falls back to offline).

use crate::config::LlmSettings;
use crate::rounds::Round;
use crate::scoring::{heuristic, ScoreReport};
use crate::transcript::Transcript;

pub fn score(_settings: &LlmSettings, round: &Round, t: &Transcript, _samples: u32) -> ScoreReport {
    heuristic::score(round, t)
}
