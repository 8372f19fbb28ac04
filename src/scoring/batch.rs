//! Scoring several inputs.

use crate::config::Config;
use crate::rounds::Round;
use crate::scoring::command::{score_transcript, Input};
use crate::scoring::ScoreReport;

pub fn score_all(
    config: &Config,
    inputs: &[Input],
    rounds: &[&Round],
    samples: u32,
    _jobs: Option<u32>,
) -> Vec<ScoreReport> {
    inputs
        .iter()
        .zip(rounds)
        .map(|(i, r)| score_transcript(config, r, &i.loaded.transcript, samples))
        .collect()
}
