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
    /// The clause that makes it, verbatim (what the interviewer quotes).
    pub text: String,
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

/// Absolutes on their own ("guarantees", "impossible").
const ABSOLUTE: &[&str] = &[
    "guarante",
    "impossibl",
    "complet",
    "certain",
    "perfect",
    "eliminat",
];

/// "always" and "never" make a claim about an outcome ("never leaks",
/// "always catches"), not when they describe a habit ("always saying").
const OUTCOME: &[&str] = &[
    "work", "catch", "right", "correct", "safe", "fail", "miss", "leak", "happen", "return",
    "give", "find", "reach", "break", "see", "get",
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
/// What makes the claim is found in one clause; what would redeem it (a
/// source, a condition, a price) anywhere in the sentence.
pub fn find(sentences: &[(&str, &[Word])], asked_numbers: &[String]) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for kind in ClaimKind::ALL {
        let found = sentences
            .iter()
            .filter(|(text, w)| !text.starts_with("```") && w.len() >= 5 && !redeemed(kind, w))
            .find_map(|(text, _)| {
                clauses(text)
                    .into_iter()
                    .find(|c| makes(kind, &words::read(c), asked_numbers))
            });
        if let Some(text) = found {
            out.push(Claim {
                kind,
                text: text.trim().trim_end_matches(['.', '!', '?']).to_string(),
            });
        }
    }
    out
}

/// The pieces of a sentence between clause punctuation, verbatim ("60,000"
/// and "3:1" stay whole: a comma or colon only ends a clause before a space).
fn clauses(sentence: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = sentence.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        let boundary = match c {
            ',' | ';' | ':' => next_space,
            '(' | ')' | '\u{2014}' | '\u{2013}' => true,
            _ => false,
        };
        if boundary {
            out.push(&sentence[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&sentence[start..]);
    out.retain(|c| !c.trim().is_empty());
    out
}

/// The sentence carries what the claim lacks.
fn redeemed(kind: ClaimKind, w: &[Word]) -> bool {
    match kind {
        ClaimKind::Number => has(w, SOURCE),
        ClaimKind::Absolute => has(w, CONDITION),
        ClaimKind::Price => has(w, PRICE),
    }
}

/// The clause makes a claim of this kind.
fn makes(kind: ClaimKind, w: &[Word], asked_numbers: &[String]) -> bool {
    let plain: Vec<&Word> = w.iter().filter(|x| x.negated_by.is_none()).collect();
    match kind {
        ClaimKind::Number => plain.iter().any(|x| {
            x.lemma.starts_with(|c: char| c.is_ascii_digit())
                && !asked_numbers.contains(&x.lemma)
                && x.lemma.parse::<f64>().is_ok_and(|v| v >= 2.0)
        }),
        ClaimKind::Absolute => plain.iter().enumerate().any(|(i, x)| {
            ABSOLUTE.iter().any(|a| x.lemma.starts_with(a))
                || (matches!(x.raw.as_str(), "always" | "never")
                    && plain[i + 1..]
                        .iter()
                        .take(3)
                        .any(|n| OUTCOME.iter().any(|o| n.lemma.starts_with(o))))
        }),
        ClaimKind::Price => {
            let speaker = w
                .iter()
                .take(4)
                .any(|x| matches!(x.raw.as_str(), "i" | "id" | "we" | "wed" | "ill" | "well"));
            speaker && plain.iter().any(|x| CHOICE.contains(&x.lemma.as_str()))
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
