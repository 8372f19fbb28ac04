//! Cues and synonyms from the bank, matched the way `words` reads a
//! sentence: lemmas on both sides, and a match that a negation governs is
//! reported as such rather than as a hit.
//!
//! The syntax is the bank's cue syntax (rubrics/README.md): words in order,
//! `word*` for any word starting so, `a + b` for parts anywhere in the same
//! sentence.

use super::words::{self, Word};

#[derive(Debug, Clone)]
enum Term {
    Exact(String),
    Prefix(String),
}

impl Term {
    fn matches(&self, w: &Word) -> bool {
        match self {
            Term::Exact(l) => w.lemma == *l,
            Term::Prefix(p) => w.raw.starts_with(p.as_str()) || w.lemma.starts_with(p.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
struct Part {
    terms: Vec<Term>,
    /// An all-exact sequence joined into one word, which meets compounds
    /// the tokenizer glued ("permission-filters").
    joined: Option<String>,
}

/// A compiled cue.
#[derive(Debug, Clone)]
pub struct Pattern {
    parts: Vec<Part>,
    /// The cue states a negation itself ("not + safer", "i + wouldnt"):
    /// a negation in the sentence is what it looks for, not a reason to
    /// discount it.
    negative: bool,
}

/// How a pattern met a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// Every part occurs and no negation governs any of them.
    Plain,
    /// Every part occurs, but only under a negation ("we would not shard").
    Negated,
}

impl Pattern {
    pub fn new(spec: &str) -> Pattern {
        let parts = spec
            .split(" + ")
            .filter_map(|part| {
                let mut terms = Vec::new();
                for raw in part.split_whitespace() {
                    let prefix = raw.ends_with('*');
                    for w in words::read(raw.trim_end_matches('*')) {
                        terms.push(if prefix {
                            Term::Prefix(w.raw)
                        } else {
                            Term::Exact(w.lemma)
                        });
                    }
                }
                let all_exact = terms.iter().all(|t| matches!(t, Term::Exact(_)));
                let joined = (terms.len() > 1 && all_exact).then(|| {
                    let glued: String = part
                        .split_whitespace()
                        .flat_map(|w| w.chars().filter(|c| c.is_alphanumeric()))
                        .flat_map(char::to_lowercase)
                        .collect();
                    words::lemma(&glued)
                });
                (!terms.is_empty()).then_some(Part { terms, joined })
            })
            .collect::<Vec<Part>>();
        let negative = parts.iter().flat_map(|p| &p.terms).any(|t| match t {
            Term::Exact(l) | Term::Prefix(l) => words::is_negation(l),
        });
        Pattern { parts, negative }
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// How the pattern meets these words, if at all. A plain hit wins over
    /// a negated one: "we won't use SMOTE, we'll use class weights" still
    /// names class weights.
    pub fn hit(&self, words: &[Word]) -> Option<Hit> {
        if self.parts.is_empty() {
            return None;
        }
        let mut negated = false;
        for part in &self.parts {
            match part_hit(part, words)? {
                Hit::Plain => {}
                Hit::Negated => negated = true,
            }
        }
        Some(if negated && !self.negative {
            Hit::Negated
        } else {
            Hit::Plain
        })
    }
}

/// The best way one part occurs in the words.
fn part_hit(part: &Part, words: &[Word]) -> Option<Hit> {
    let n = part.terms.len();
    let mut best: Option<Hit> = None;
    let mut consider = |span: std::ops::Range<usize>| {
        let negated = span.clone().any(|k| {
            words[k]
                .negated_by
                .is_some_and(|by| by == usize::MAX || by < span.start)
        });
        let hit = if negated { Hit::Negated } else { Hit::Plain };
        if best != Some(Hit::Plain) {
            best = Some(hit);
        }
    };
    if let Some(j) = &part.joined {
        for (i, w) in words.iter().enumerate() {
            if w.lemma == *j {
                consider(i..i + 1);
            }
        }
    }
    if n <= words.len() {
        for start in 0..=words.len() - n {
            if part
                .terms
                .iter()
                .enumerate()
                .all(|(k, t)| t.matches(&words[start + k]))
            {
                consider(start..start + n);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(spec: &str, sentence: &str) -> Option<Hit> {
        Pattern::new(spec).hit(&words::read(sentence))
    }

    #[test]
    fn cue_syntax_over_lemmas() {
        assert_eq!(
            hit(
                "permission filter",
                "We apply PERMISSION-filters at query time."
            ),
            Some(Hit::Plain)
        );
        assert_eq!(
            hit("acl* + retriev*", "Retrieval must respect the ACLs."),
            Some(Hit::Plain)
        );
        assert_eq!(hit("acl* + retriev*", "Retrieval must be fast."), None);
        assert_eq!(
            hit("build + index", "we built the index nightly"),
            Some(Hit::Plain)
        );
        assert_eq!(
            hit("normaliz*", "normalisation fitted on all data"),
            Some(Hit::Plain)
        );
        assert_eq!(
            hit("120 failures", "only one hundred and twenty failures"),
            Some(Hit::Plain)
        );
    }

    #[test]
    fn negated_mentions_are_not_hits() {
        assert_eq!(
            hit("shard*", "We would not shard the index."),
            Some(Hit::Negated)
        );
        assert_eq!(hit("rerank*", "no re-ranker at first"), Some(Hit::Negated));
        // a negation inside the cue is the cue's own
        assert_eq!(
            hit("no new information", "SMOTE adds no new information"),
            Some(Hit::Plain)
        );
        assert_eq!(hit("dont know", "it says I don't know"), Some(Hit::Plain));
        // a cue that is itself a negation is not discounted by one
        assert_eq!(
            hit("not + monday", "Not Monday as it stands."),
            Some(Hit::Plain)
        );
        assert_eq!(
            hit(
                "never + invoice",
                "Bank details never come from the invoice."
            ),
            Some(Hit::Plain)
        );
        // a plain mention elsewhere wins
        assert_eq!(
            hit(
                "class weight*",
                "We won't oversample; class weights do the job."
            ),
            Some(Hit::Plain)
        );
    }
}
