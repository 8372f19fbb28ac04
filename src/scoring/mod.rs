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
pub mod judge;
pub mod manipulation;
pub mod reader;
pub mod signals;

use serde::{Deserialize, Serialize};

use crate::rounds::Round;

/// The score of one transcript. Its JSON is the public shape of
/// `mockround score --json` (see DESIGN.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScoreReport {
    pub round: String,
    /// `offline`, `judge:<model>`, or `offline (fallback: …)`.
    pub scorer: String,
    /// Mean of the scored dimensions on the 1–4 scale; null only when no
    /// dimension had enough evidence.
    pub overall: Option<f64>,
    pub verdict: String,
    pub dimensions: Vec<DimensionScore>,
    pub checklist: Vec<ChecklistResult>,
    pub flags: Vec<String>,
    /// The two things to practise next, weakest first.
    #[serde(default)]
    pub practice: Vec<String>,
    /// With `--samples N`: how many judge runs were combined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DimensionScore {
    pub id: String,
    /// 1–4, or null when the transcript gives not enough evidence either way.
    pub score: Option<u8>,
    pub rationale: String,
    /// Verbatim quotes from candidate turns.
    pub evidence: Vec<String>,
    /// Set when the score rests on too little: an empty or evasive answer
    /// (score 1) or a dimension the interview never reached (score null).
    #[serde(default, skip_serializing_if = "is_false")]
    pub insufficient_evidence: bool,
    /// The judge wanted more than its verified evidence supports.
    #[serde(default, skip_serializing_if = "is_false")]
    pub capped: bool,
    /// With `--samples`: lowest and highest score across runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<[u8; 2]>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChecklistResult {
    pub id: String,
    pub covered: bool,
}

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
