//! From a model's findings to a dimension score: every quote checked
//! against the candidate's turns, then verified evidence and the offline
//! reading combined in code, and several samples into a median.

use std::collections::BTreeSet;

use super::Finding;
use crate::rounds::{Dimension, Round};
use crate::scoring::evidence::CandidateText;
use crate::scoring::reader::QuoteReading;
use crate::scoring::{finish, DimensionScore, ScoreReport};
use crate::text;

/// What became of one dimension's finding once checked.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    pub strong: Vec<(String, String)>,
    pub weak: Vec<(String, String)>,
    /// Quotes that were not in the transcript (or came from steering text).
    pub dropped: usize,
    /// Strong quotes the offline reader sees as empty habits.
    pub discounted: usize,
    /// Weak quotes the offline reader sees as reasoning that meets the bar.
    pub contested: usize,
    pub model_score: Option<u8>,
}

/// Check every quote against the candidate's turns.
pub fn verify(
    finding: &Finding,
    cand: &CandidateText,
    read: &dyn Fn(&str) -> QuoteReading,
) -> Verified {
    let mut v = Verified {
        model_score: finding.score,
        ..Default::default()
    };
    let mut seen = BTreeSet::new();
    for q in &finding.strong {
        match cand.verify(&q.quote) {
            Some(exact) if seen.insert(exact.clone()) => {
                if read(&exact) == QuoteReading::Habit {
                    v.discounted += 1;
                } else {
                    v.strong.push((exact, q.why.clone()));
                }
            }
            Some(_) => {}
            None => v.dropped += 1,
        }
    }
    for q in &finding.weak {
        match cand.verify(&q.quote) {
            Some(exact) if seen.insert(exact.clone()) => {
                if read(&exact) == QuoteReading::Reasoning {
                    v.contested += 1;
                } else {
                    v.weak.push((exact, q.why.clone()));
                }
            }
            Some(_) => {}
            None => v.dropped += 1,
        }
    }
    v
}

/// Where a dimension stands before any evidence of it.
const UNPROVEN: f64 = 2.0;

/// One dimension's score from verified evidence, the offline score and the
/// model's number (a minor input).
pub fn combine(d: &Dimension, v: &Verified, offline: &DimensionScore) -> DimensionScore {
    let (s, w) = (v.strong.len(), v.weak.len());
    let Some(mean) = blend(evidence_score(s, w), offline.score, v.model_score) else {
        return DimensionScore {
            id: d.id.clone(),
            score: None,
            rationale: format!("not enough evidence for {}", d.name.to_lowercase()),
            evidence: Vec::new(),
            insufficient_evidence: true,
            capped: false,
            spread: None,
        };
    };
    let mut note = quote_notes(v);
    let mut score = (mean + 0.5).floor().clamp(1.0, 4.0) as u8;
    let mut capped = false;
    let has_verified_strong =
        !v.strong.is_empty() || (offline.score.unwrap_or(0) >= 3 && !offline.evidence.is_empty());
    if score > 2 && !has_verified_strong {
        score = 2;
        capped = true;
        note.push("capped at 2: no verified evidence of the strong column".into());
    }
    if offline.capped && score > offline.score.unwrap_or(4) {
        // the offline screen found manipulation; the judge cannot lift it
        score = offline.score.unwrap_or(2);
        capped = true;
        note.push(offline.rationale.clone());
    }
    let why = if score >= 3 {
        v.strong.first().map(|(_, why)| why.clone())
    } else {
        v.weak.first().map(|(_, why)| why.clone())
    }
    .filter(|w| !w.trim().is_empty())
    .map(|w| text::ellipsize(&text::squash_ws(&w), 200));
    let mut rationale =
        why.unwrap_or_else(|| format!("{s} verified strong and {w} verified weak quote(s)"));
    if !note.is_empty() {
        rationale = format!("{rationale} ({})", note.join("; "));
    }
    DimensionScore {
        id: d.id.clone(),
        score: Some(score),
        rationale,
        evidence: evidence_for(score, v, offline),
        insufficient_evidence: false,
        capped,
        spread: None,
    }
}

/// What the verified quotes alone say, from the counts of strong and weak.
fn evidence_score(strong: usize, weak: usize) -> Option<f64> {
    match (strong, weak) {
        (0, 0) => None,
        (s, 0) if s >= 2 => Some(4.0),
        (s, w) if s > w => Some(3.0),
        (0, w) if w >= 2 => Some(1.0),
        _ => Some(2.0),
    }
}

/// The verified evidence and the offline reading count equally; the
/// model's own number, when it was asked for, is a minor third input.
/// None when nothing speaks to the dimension.
fn blend(evidence: Option<f64>, offline: Option<u8>, model: Option<u8>) -> Option<f64> {
    let mut parts: Vec<(f64, f64)> = Vec::new();
    if let Some(e) = evidence {
        parts.push((e, 1.0));
    }
    match (offline, evidence) {
        (Some(h), _) => parts.push((h as f64, 1.0)),
        // The offline reader found nothing on this dimension: the model's
        // quotes alone stand against an unproven 2, so they can lift it to
        // 3 but not to the top of the scale.
        (None, Some(_)) => parts.push((UNPROVEN, 1.0)),
        (None, None) => {}
    }
    if let Some(m) = model {
        parts.push((m as f64, 0.35));
    }
    if parts.is_empty() {
        return None;
    }
    let total: f64 = parts.iter().map(|(_, w)| w).sum();
    Some(parts.iter().map(|(x, w)| x * w).sum::<f64>() / total)
}

/// What happened to the model's quotes, for the rationale.
fn quote_notes(v: &Verified) -> Vec<String> {
    let mut note = Vec::new();
    if v.dropped > 0 {
        note.push(format!("{} unverifiable quote(s) dropped", v.dropped));
    }
    if v.discounted > 0 {
        note.push(format!(
            "{} quote(s) read as vocabulary, not reasoning",
            v.discounted
        ));
    }
    if v.contested > 0 {
        note.push(format!(
            "{} quote(s) called weak read as reasoning, not a habit",
            v.contested
        ));
    }
    note
}

/// The quotes that back the score: strong ones for a high score, weak ones
/// for a low one, the offline reader's when the model verified nothing.
fn evidence_for(score: u8, v: &Verified, offline: &DimensionScore) -> Vec<String> {
    let quotes = |list: &[(String, String)]| list.iter().map(|(q, _)| q.clone()).take(3).collect();
    if score >= 3 {
        quotes(&v.strong)
    } else if !v.weak.is_empty() {
        quotes(&v.weak)
    } else if !v.strong.is_empty() {
        quotes(&v.strong)
    } else {
        offline.evidence.clone()
    }
}

/// Combine several judge runs: the median score per dimension and the spread.
pub fn combine_samples(round: &Round, runs: Vec<ScoreReport>) -> ScoreReport {
    let n = runs.len() as u32;
    let mut base = runs[0].clone();
    for (i, d) in base.dimensions.iter_mut().enumerate() {
        let mut scores: Vec<u8> = runs
            .iter()
            .filter_map(|r| r.dimensions.get(i).and_then(|x| x.score))
            .collect();
        if scores.is_empty() {
            continue;
        }
        scores.sort_unstable();
        let median = scores[scores.len() / 2];
        d.spread = Some([scores[0], *scores.last().unwrap_or(&median)]);
        // keep the evidence of a run that agrees with the median
        if let Some(agreeing) = runs
            .iter()
            .filter_map(|r| r.dimensions.get(i))
            .find(|x| x.score == Some(median))
        {
            d.evidence = agreeing.evidence.clone();
            d.rationale = agreeing.rationale.clone();
            d.capped = agreeing.capped;
        }
        d.score = Some(median);
    }
    base.samples = Some(n);
    finish(round, base)
}
