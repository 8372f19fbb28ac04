//! Whether an answer covered each key point of its question, the way a
//! reader decides it: covered, partly covered, contradicted (it states one
//! of the question's misconceptions) or missed.
//!
//! Three kinds of evidence, strongest first:
//! - a cue or a synonym of the key point (rubrics/README.md) in a sentence,
//!   not under a negation;
//! - enough of the key point's own distinctive words in one stretch of two
//!   sentences (a paraphrase that reuses its vocabulary);
//! - a mention of what the key point is about (the words of its id, or a
//!   little of its vocabulary): partly covered.
//!
//! Words the question itself uses earn nothing (repeating the scenario is
//! not an answer), and a word several key points share counts for less.

use std::collections::{BTreeMap, BTreeSet};

use super::pattern::{Hit, Pattern};
use super::words::{self, Word};
use crate::rounds::{KeyPoint, Question};

/// How far an answer got with one key point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Missed,
    Partial,
    Covered,
    /// The answer states a misconception that contradicts it.
    Contradicted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Missed => "missed",
            Level::Partial => "partial",
            Level::Covered => "covered",
            Level::Contradicted => "contradicted",
        }
    }
}

/// One key point's verdict, with the sentence that decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct PointCoverage {
    pub id: String,
    pub level: Level,
    /// The sentence (verbatim) that showed it, if any.
    pub evidence: Option<String>,
    /// The misconception stated, when contradicted.
    pub misconception: Option<String>,
}

/// A sentence of the answer, read.
pub struct Read<'a> {
    pub text: &'a str,
    pub words: Vec<Word>,
}

/// Words that name no particular idea in these rounds: a key point is not
/// covered by saying "model" or "data".
const GENERIC: &[&str] = &[
    "answer", "case", "data", "exampl", "good", "issu", "llm", "model", "part", "person", "point",
    "problem", "question", "result", "system", "team", "time", "user", "work", "better", "tell",
    "step", "chang", "check", "lot", "number", "someon", "start",
];

/// Distinctive weight that makes a paraphrase count as covering the point,
/// and what makes it a partial mention.
const COVER_WEIGHT: f64 = 2.5;
const COVER_WORDS: usize = 3;
const PARTIAL_WEIGHT: f64 = 1.5;
const PARTIAL_WORDS: usize = 2;

struct PointReader<'q> {
    kp: &'q KeyPoint,
    patterns: Vec<Pattern>,
    /// Distinctive lemmas of the key point, each with its weight.
    vocabulary: BTreeMap<String, f64>,
    /// Lemmas of its id (a short name for the idea): naming them is a
    /// partial mention.
    topic: BTreeSet<String>,
}

/// The verdict for every key point of `question`, in the bank's order.
pub fn judge(question: &Question, sentences: &[Read]) -> Vec<PointCoverage> {
    let asked: BTreeSet<String> =
        words::content_lemmas(&format!("{} {}", question.title, question.text))
            .into_iter()
            .collect();
    let readers = readers(question, &asked);
    let contradicted = contradictions(question, sentences);
    readers
        .iter()
        .map(|r| {
            if let Some((m, evidence)) = contradicted.get(r.kp.id.as_str()) {
                return PointCoverage {
                    id: r.kp.id.clone(),
                    level: Level::Contradicted,
                    evidence: Some(evidence.to_string()),
                    misconception: Some(m.to_string()),
                };
            }
            let (level, evidence) = r.read(sentences);
            PointCoverage {
                id: r.kp.id.clone(),
                level,
                evidence: evidence.map(str::to_string),
                misconception: None,
            }
        })
        .collect()
}

fn readers<'q>(question: &'q Question, asked: &BTreeSet<String>) -> Vec<PointReader<'q>> {
    let generic = |l: &str| GENERIC.contains(&l) || asked.contains(l);
    let own: Vec<BTreeSet<String>> = question
        .key_points
        .iter()
        .map(|k| {
            let mut text = format!("{} {}", k.point, k.concept);
            for s in k.cue_specs.iter().chain(&k.synonyms) {
                text.push(' ');
                text.push_str(&s.replace(['*', '+'], " "));
            }
            words::content_lemmas(&text)
                .into_iter()
                .filter(|l| !generic(l) && !l.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .collect()
        })
        .collect();
    let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
    for set in &own {
        for l in set {
            *shared.entry(l.as_str()).or_default() += 1;
        }
    }
    question
        .key_points
        .iter()
        .zip(&own)
        .map(|(kp, set)| PointReader {
            kp,
            patterns: kp
                .cue_specs
                .iter()
                .chain(&kp.synonyms)
                .map(|s| Pattern::new(s))
                .filter(|p| !p.is_empty())
                .collect(),
            vocabulary: set
                .iter()
                .map(|l| (l.clone(), 1.0 / shared[l.as_str()] as f64))
                .collect(),
            topic: words::content_lemmas(&kp.id.replace(['-', '_'], " "))
                .into_iter()
                .filter(|l| !generic(l))
                .collect(),
        })
        .collect()
}

impl PointReader<'_> {
    fn read<'a>(&self, sentences: &[Read<'a>]) -> (Level, Option<&'a str>) {
        for s in sentences {
            if self
                .patterns
                .iter()
                .any(|p| p.hit(&s.words) == Some(Hit::Plain))
            {
                return (Level::Covered, Some(s.text));
            }
        }
        let mut best: (f64, usize, Option<&'a str>) = (0.0, 0, None);
        for (i, s) in sentences.iter().enumerate() {
            if s.text.starts_with("```") {
                // code shares vocabulary with every point about it
                continue;
            }
            let window = sentences[i..]
                .iter()
                .take(2)
                .filter(|s| !s.text.starts_with("```"))
                .flat_map(|s| &s.words);
            let (weight, count) = self.overlap(window);
            if weight > best.0 {
                best = (weight, count, Some(s.text));
            }
        }
        if best.0 >= COVER_WEIGHT && best.1 >= COVER_WORDS {
            return (Level::Covered, best.2);
        }
        let topic = sentences.iter().find(|s| {
            s.words
                .iter()
                .any(|w| w.negated_by.is_none() && self.topic.contains(&w.lemma))
        });
        if let Some(s) = topic {
            return (Level::Partial, Some(s.text));
        }
        if best.0 >= PARTIAL_WEIGHT && best.1 >= PARTIAL_WORDS {
            return (Level::Partial, best.2);
        }
        (Level::Missed, None)
    }

    /// Weight and count of the key point's distinctive lemmas in `words`
    /// (each counted once, negated ones not at all).
    fn overlap<'w>(&self, words: impl Iterator<Item = &'w Word>) -> (f64, usize) {
        let seen: BTreeSet<&str> = words
            .filter(|w| w.negated_by.is_none())
            .map(|w| w.lemma.as_str())
            .collect();
        let mut weight = 0.0;
        let mut count = 0;
        for (l, w) in &self.vocabulary {
            if seen.contains(l.as_str()) {
                weight += w;
                count += 1;
            }
        }
        (weight, count)
    }
}

/// Key points contradicted by a misconception the answer states, with the
/// misconception's id and the sentence.
fn contradictions<'a, 'q>(
    question: &'q Question,
    sentences: &[Read<'a>],
) -> BTreeMap<&'q str, (&'q str, &'a str)> {
    let mut out = BTreeMap::new();
    for (id, sentence) in stated_misconceptions(question, sentences) {
        let kp = question
            .misconceptions
            .iter()
            .find(|m| m.id == id)
            .and_then(|m| m.contradicts.as_deref());
        if let Some(kp) = kp {
            out.entry(kp).or_insert((id, sentence));
        }
    }
    out
}

/// Misconceptions stated in the answer (not under a negation), whether or
/// not they contradict a key point, with the sentence.
pub fn stated_misconceptions<'a, 'q>(
    question: &'q Question,
    sentences: &[Read<'a>],
) -> Vec<(&'q str, &'a str)> {
    question
        .misconceptions
        .iter()
        .filter_map(|m| {
            let patterns: Vec<Pattern> = m.cue_specs.iter().map(|s| Pattern::new(s)).collect();
            sentences
                .iter()
                .find(|s| patterns.iter().any(|p| p.hit(&s.words) == Some(Hit::Plain)))
                .map(|s| (m.id.as_str(), s.text))
        })
        .collect()
}
