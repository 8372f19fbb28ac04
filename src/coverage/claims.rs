//! The claims in an answer that an interviewer would push on once the
//! ground is covered: a number with no source, a choice with no price, an
//! absolute with no condition. Each is found in one sentence and quoted
//! from it verbatim.

use super::words::{self, Word};

/// What is weak about a claim.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// A figure the candidate brought in, with nothing about where it comes from.
    Number,
    /// An absolute ("always", "never", "guarantees") with no condition.
    Absolute,
    /// A choice ("I'd use X") with nothing about what it costs.
    Price,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 3] = [ClaimKind::Number, ClaimKind::Absolute, ClaimKind::Price];

    pub fn name(self) -> &'static str {
        match self {
            ClaimKind::Number => "number",
            ClaimKind::Absolute => "absolute",
            ClaimKind::Price => "price",
        }
    }

    pub fn from_name(s: &str) -> Option<ClaimKind> {
        ClaimKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A claim worth pushing on.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub kind: ClaimKind,
    /// The sentence it is in, verbatim.
    pub sentence: String,
}

const SOURCE: &[&str] = &[
    "measur",
    "benchmark",
    "log",
    "saw",
    "observ",
    "found",
    "test",
    "tested",
    "experi",
    "histor",
    "last",
    "estimat",
    "based",
    "accord",
    "report",
    "data",
    "traffic",
    "sampl",
    "because",
    "since",
    "from",
    "backtest",
    "pilot",
    "survey",
    "dashboard",
    "metric",
    "calcul",
    "comput",
    "count",
    "ran",
];

const ABSOLUTE: &[&str] = &[
    "always",
    "never",
    "guarante",
    "impossibl",
    "complet",
    "certain",
    "perfect",
    "eliminat",
];

const CONDITION: &[&str] = &[
    "unless", "if", "when", "except", "provid", "until", "assum", "long", "whenev", "only",
    "mostly", "usual", "typic", "often", "gener", "most", "probabl", "likely",
];

const CHOICE: &[&str] = &[
    "choos", "chose", "pick", "prefer", "go", "opt", "select", "switch", "use", "adopt", "replac",
];

const PRICE: &[&str] = &[
    "cost", "price", "tradeoff", "trade", "downsid", "but", "slower", "slow", "latenc", "expens",
    "cheaper", "cheap", "lose", "give", "risk", "drawback", "versus", "vs", "overhead", "penalti",
    "though", "although", "however", "whereas", "instead", "than", "complex", "worse", "less",
    "memori",
];

fn has(words: &[Word], list: &[&str]) -> bool {
    words
        .iter()
        .any(|w| list.iter().any(|l| w.lemma == *l || w.raw == *l))
}

/// Claims in the answer's sentences, weakest first (numbers, then
/// absolutes, then choices), at most one of each kind. `asked` holds the
/// question's own numbers: repeating the scenario's figures is not a claim.
pub fn find(sentences: &[(&str, &[Word])], asked_numbers: &[String]) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for kind in ClaimKind::ALL {
        let found = sentences.iter().find(|(text, w)| {
            !text.starts_with("```") && w.len() >= 5 && is_claim(kind, w, asked_numbers)
        });
        if let Some((text, _)) = found {
            out.push(Claim {
                kind,
                sentence: text.to_string(),
            });
        }
    }
    out
}

fn is_claim(kind: ClaimKind, w: &[Word], asked_numbers: &[String]) -> bool {
    let plain = |x: &&Word| x.negated_by.is_none();
    match kind {
        ClaimKind::Number => {
            let brought = w.iter().filter(plain).any(|x| {
                x.lemma.starts_with(|c: char| c.is_ascii_digit())
                    && !asked_numbers.contains(&x.lemma)
                    && x.lemma.parse::<f64>().is_ok_and(|v| v >= 2.0)
            });
            brought && !has(w, SOURCE)
        }
        ClaimKind::Absolute => {
            let absolute = w.iter().filter(plain).any(|x| {
                ABSOLUTE
                    .iter()
                    .any(|a| x.lemma.starts_with(a) || x.raw.starts_with(a))
            });
            absolute && !has(w, CONDITION)
        }
        ClaimKind::Price => {
            let speaker = w
                .iter()
                .take(4)
                .any(|x| matches!(x.raw.as_str(), "i" | "id" | "we" | "wed" | "ill" | "well"));
            let chooses = w
                .iter()
                .filter(plain)
                .any(|x| CHOICE.contains(&x.lemma.as_str()));
            speaker && chooses && !has(w, PRICE)
        }
    }
}

/// The numbers a question states (so an answer repeating them brings in nothing).
pub fn numbers_in(text: &str) -> Vec<String> {
    words::read(text)
        .into_iter()
        .filter(|w| w.lemma.starts_with(|c: char| c.is_ascii_digit()))
        .map(|w| w.lemma)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(answer: &str, asked: &str) -> Vec<ClaimKind> {
        let sentences: Vec<(&str, Vec<Word>)> = crate::text::sentences(answer)
            .iter()
            .map(|s| (s.text, words::read(s.text)))
            .collect();
        let refs: Vec<(&str, &[Word])> =
            sentences.iter().map(|(t, w)| (*t, w.as_slice())).collect();
        find(&refs, &numbers_in(asked))
            .into_iter()
            .map(|c| c.kind)
            .collect()
    }

    #[test]
    fn weak_claims_are_found_and_sourced_ones_are_not() {
        assert_eq!(
            claims("A re-ranker adds about 40 ms per query.", ""),
            [ClaimKind::Number]
        );
        assert!(claims("We measured about 40 ms per query on last week's logs.", "").is_empty());
        assert!(claims("With 60,000 pages it needs an index.", "about 60,000 pages").is_empty());
        assert_eq!(
            claims("The filter always removes every leaked page.", ""),
            [ClaimKind::Absolute]
        );
        assert!(claims(
            "The filter removes leaked pages unless the ACL is stale.",
            ""
        )
        .is_empty());
        assert_eq!(
            claims("I'd use a cross-encoder to reorder the results.", ""),
            [ClaimKind::Price]
        );
        assert!(claims(
            "I'd use a cross-encoder, but it costs latency on every query.",
            ""
        )
        .is_empty());
    }
}
