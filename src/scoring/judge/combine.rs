//! From a model's findings to a dimension score: every cited sentence id
//! mapped to its sentence, then the verified evidence scored in code under
//! the regime calibration chose, and several samples into a median.

use std::collections::BTreeSet;

use super::{Finding, Numbered};
use crate::rounds::{Dimension, Round};
use crate::scoring::evidence::{quote_of, MIN_QUOTE_WORDS};
use crate::scoring::reader::QuoteReading;
use crate::scoring::{finish, DimensionScore, ScoreReport};
use crate::text;
use crate::transcript::score::Regime;

/// What became of one dimension's finding once checked.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// (the cited sentence, verbatim; the model's note)
    pub strong: Vec<(String, String)>,
    pub weak: Vec<(String, String)>,
    /// Ids cited that are not a candidate sentence of this transcript.
    pub invalid: usize,
    /// Strong sentences the offline reader sees as empty habits (advisory
    /// regime only), or said right after a hint.
    pub discounted: usize,
    /// Weak sentences the offline reader sees as reasoning that meets the
    /// bar (advisory regime only).
    pub contested: usize,
    pub model_score: Option<u8>,
}

impl Verified {
    /// Citations that pointed at a real sentence.
    pub fn valid(&self) -> usize {
        self.strong.len() + self.weak.len() + self.discounted + self.contested
    }
}

/// Map every cited id to its sentence. `read` says how the offline reader
/// sees a sentence; `None` when the regime does not consult it.
pub fn verify(
    finding: &Finding,
    numbered: &Numbered,
    read: &dyn Fn(&str) -> Option<QuoteReading>,
) -> Verified {
    let mut v = Verified {
        model_score: finding.score,
        ..Default::default()
    };
    let mut seen = BTreeSet::new();
    for (cites, strong) in [(&finding.strong, true), (&finding.weak, false)] {
        for c in cites {
            let Some(sentence) = numbered.sentence(&c.id) else {
                v.invalid += 1;
                continue;
            };
            if !seen.insert(sentence.to_string()) || text::words(sentence).len() < MIN_QUOTE_WORDS {
                // cited twice, or too short to mean anything on its own
                continue;
            }
            let quote = quote_of(sentence);
            match (strong, read(&quote)) {
                (true, Some(QuoteReading::Habit)) => v.discounted += 1,
                (false, Some(QuoteReading::Reasoning)) => v.contested += 1,
                (true, _) => v.strong.push((quote, c.why.clone())),
                (false, _) => v.weak.push((quote, c.why.clone())),
            }
        }
    }
    v
}

/// Where a dimension stands before any evidence of it.
const UNPROVEN: f64 = 2.0;

/// One dimension's score from verified evidence and the offline score,
/// under `regime`.
pub fn combine(
    d: &Dimension,
    v: &Verified,
    offline: &DimensionScore,
    regime: &Regime,
) -> DimensionScore {
    let (s, w) = (v.strong.len(), v.weak.len());
    let evidence = evidence_score(s, w);
    let mean = if regime.is_decisive() {
        decide(s, w, evidence, offline.score)
    } else {
        blend(evidence, offline.score, v.model_score)
    };
    let Some(mean) = mean else {
        let mut rationale = format!("not enough evidence for {}", d.name.to_lowercase());
        let note = quote_notes(v);
        if !note.is_empty() {
            rationale = format!("{rationale} ({})", note.join("; "));
        }
        return DimensionScore {
            id: d.id.clone(),
            score: None,
            rationale,
            evidence: Vec::new(),
            insufficient_evidence: true,
            capped: false,
            spread: None,
        };
    };
    let mut note = quote_notes(v);
    let mut score = (mean + 0.5).floor().clamp(1.0, 4.0) as u8;
    let mut capped = false;
    let offline_strong = offline.score.unwrap_or(0) >= 3 && !offline.evidence.is_empty();
    // a decisive judge's silence leaves the offline reading, proof included
    let offline_counts = !regime.is_decisive() || s + w == 0;
    let has_verified_strong = !v.strong.is_empty() || (offline_counts && offline_strong);
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
        why.unwrap_or_else(|| format!("{s} strong and {w} weak sentence(s) cited and verified"));
    if !note.is_empty() {
        rationale = format!("{rationale} ({})", note.join("; "));
    }
    DimensionScore {
        id: d.id.clone(),
        score: Some(score),
        rationale,
        evidence: evidence_for(score, v, offline, regime),
        insufficient_evidence: false,
        capped,
        spread: None,
    }
}

/// A calibrated judge decides: the evidence score stands; the offline
/// reading only breaks ties: as many strong as weak sentences (kept
/// between 2 and 3), or nothing cited at all (the offline reading stands).
fn decide(strong: usize, weak: usize, evidence: Option<f64>, offline: Option<u8>) -> Option<f64> {
    match (evidence, offline) {
        (Some(_), Some(h)) if strong == weak => Some((h as f64).clamp(2.0, 3.0)),
        (None, Some(h)) => Some(h as f64),
        (e, _) => e,
    }
}

/// The model's own evidence score, with the offline reading left out (what
/// calibration measures): None when it cited nothing usable.
pub fn evidence_only(v: &Verified) -> Option<f64> {
    evidence_score(v.strong.len(), v.weak.len())
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
    if v.invalid > 0 {
        note.push(format!(
            "{} citation(s) of sentence ids that do not exist dropped",
            v.invalid
        ));
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
fn evidence_for(score: u8, v: &Verified, offline: &DimensionScore, regime: &Regime) -> Vec<String> {
    let quotes = |list: &[(String, String)]| list.iter().map(|(q, _)| q.clone()).take(3).collect();
    if score >= 3 {
        quotes(&v.strong)
    } else if !v.weak.is_empty() {
        quotes(&v.weak)
    } else if !v.strong.is_empty() || regime.is_decisive() {
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
