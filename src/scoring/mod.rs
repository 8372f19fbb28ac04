//! Scoring a transcript against its round's weak/strong rubric.
//!
//! Two scorers produce the same [`ScoreReport`]: `reader` (offline, the
//! default without a model) and `judge` (a model finds and quotes evidence,
//! the code verifies the quotes and computes the scores). Either way the
//! overall is computed here from the per-dimension scores, every piece of
//! evidence is a verbatim quote of a candidate turn, and a dimension may say
//! "not enough evidence" instead of inventing a score.

pub mod batch;
pub mod evidence;
pub mod hints;
pub mod judge;
pub mod junk;
pub mod manipulation;
pub mod reader;
pub mod runs;
pub mod sanitize;
pub mod signals;

use std::path::Path;

use anyhow::{Context as _, Result};
use jiff::Timestamp;

use crate::config::{Backend, Config};
use crate::rounds::Round;
pub use crate::transcript::score::{
    ChecklistResult, DimensionScore, Flag, FlagDetail, ScoreReport, Scorer,
};
use crate::transcript::store::SessionWriter;
use crate::transcript::{Event, ScoreEvent, Transcript};
pub use sanitize::{sanitize, Finding, Sanitized};

/// Mean of the scored dimensions, rounded to two decimals.
pub fn overall(dimensions: &[DimensionScore]) -> Option<f64> {
    let scored: Vec<f64> = dimensions
        .iter()
        .filter_map(|d| d.score.map(f64::from))
        .collect();
    if scored.is_empty() {
        return None;
    }
    let mean = scored.iter().sum::<f64>() / scored.len() as f64;
    Some((mean * 100.0).round() / 100.0)
}

/// The hiring verdict an interviewer would write for an overall score.
pub fn verdict(overall: Option<f64>) -> &'static str {
    match overall {
        None => "not enough evidence",
        Some(x) if x >= 3.5 => "strong hire",
        Some(x) if x >= 3.0 => "hire",
        Some(x) if x >= 2.5 => "lean hire",
        Some(x) if x >= 2.0 => "lean no hire",
        Some(_) => "no hire",
    }
}

/// Finish a report: overall, verdict and what to practise, all from the
/// dimension scores.
pub fn finish(round: &Round, mut report: ScoreReport) -> ScoreReport {
    report.overall = overall(&report.dimensions);
    report.verdict = verdict(report.overall).to_string();
    let mut ranked: Vec<&DimensionScore> = report.dimensions.iter().collect();
    // weakest first; unscored dimensions count as "practise it" after scored lows
    ranked.sort_by_key(|d| {
        (
            d.score.unwrap_or(2) as i32 * 2 + d.score.is_none() as i32,
            d.id.clone(),
        )
    });
    report.practice = ranked
        .iter()
        .filter(|d| d.score.is_none_or(|s| s < 4))
        .take(2)
        .filter_map(|d| round.dimension(&d.id))
        .map(|dim| {
            if dim.practice.is_empty() {
                format!("{}: {}", dim.name, dim.strong)
            } else {
                format!("{}: {}", dim.name, dim.practice)
            }
        })
        .collect();
    report.flags.sort();
    report.flags.dedup();
    report
}

/// Score a transcript with the configured scorer (the offline reader when
/// no model is configured or `--offline` is given).
pub fn score(config: &Config, round: &Round, t: &Transcript, samples: u32) -> ScoreReport {
    match &config.backend {
        Backend::Offline { .. } => reader::score(round, t),
        Backend::Llm(settings) => {
            judge::score(settings, &config.paths.config_dir, round, t, samples)
        }
    }
}

/// The model the configured judge uses, if any.
pub fn judge_model(config: &Config) -> Option<String> {
    match &config.backend {
        Backend::Llm(s) => s.judge_model.clone().or_else(|| s.model.clone()),
        Backend::Offline { .. } => None,
    }
}

/// Append a score event to a saved session.
pub fn record(
    path: &Path,
    round: &Round,
    report: &ScoreReport,
    model: Option<String>,
) -> Result<()> {
    let event = ScoreEvent {
        at: Timestamp::now(),
        model,
        rubric_version: round.version,
        prompt_version: judge::PROMPT_VERSION,
        report: report.clone(),
    };
    SessionWriter::open(path)?
        .append(&Event::Score(event))
        .context("cannot save the score to the session")
}

/// The offline reader's score standing in for a judge that could not be
/// used at all, labelled as such.
pub fn offline_fallback(round: &Round, t: &Transcript, why: &str) -> ScoreReport {
    let mut report = reader::score(round, t);
    report.scorer = Scorer::Fallback {
        reason: crate::text::ellipsize(why, 120),
    };
    report.flags.push(Flag::Fallback);
    report
}
