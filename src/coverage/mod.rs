//! What an answer covered, the way a reader would judge it: which of the
//! question's key points it covered, partly covered or contradicted, which
//! of its claims an interviewer would push on, and whether it was an answer
//! at all (empty, "I don't know", another language, pasted text without
//! sentence structure, off topic).
//!
//! An answer is analysed once, after it is saved (interview/live.rs), and
//! the analysis is recorded in the transcript, so resuming and reviewing a
//! session read what the interview saw instead of recomputing it.

mod claims;
mod pattern;
mod points;
mod quote;
mod shape;
pub mod words;

pub use claims::{Claim, ClaimKind};
pub use points::{Level, PointCoverage};
pub use quote::{clause_of, clip_words, quote_for};
pub use shape::Shape;

use crate::rounds::Question;
use crate::text::{self, Tokens};

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerAnalysis {
    pub shape: Shape,
    /// Every key point of the question, in the bank's order.
    pub points: Vec<PointCoverage>,
    /// Misconceptions the answer states (id, sentence), whether or not they
    /// contradict a key point.
    pub misconceptions: Vec<(String, String)>,
    /// Claims to push on, weakest first.
    pub claims: Vec<Claim>,
    pub words: usize,
    /// Clauses worth quoting, best first (see `quote_for`).
    pub clauses: Vec<String>,
}

impl Default for AnswerAnalysis {
    fn default() -> AnswerAnalysis {
        AnswerAnalysis {
            shape: Shape::Empty,
            points: Vec::new(),
            misconceptions: Vec::new(),
            claims: Vec::new(),
            words: 0,
            clauses: Vec::new(),
        }
    }
}

impl AnswerAnalysis {
    /// Nothing to work with: the interviewer should nudge, not probe.
    pub fn is_non_answer(&self) -> bool {
        matches!(self.shape, Shape::Empty | Shape::DontKnow)
    }

    /// Key point ids at this level, in the question's order.
    pub fn at(&self, level: Level) -> Vec<String> {
        self.points
            .iter()
            .filter(|p| p.level == level)
            .map(|p| p.id.clone())
            .collect()
    }

    pub fn covered(&self) -> Vec<String> {
        self.at(Level::Covered)
    }

    /// The verdict on one key point (missed when the question has no such point).
    pub fn level(&self, id: &str) -> Level {
        self.points
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.level)
            .unwrap_or(Level::Missed)
    }

    pub fn point(&self, id: &str) -> Option<&PointCoverage> {
        self.points.iter().find(|p| p.id == id)
    }
}

/// Analyse one answer to `question`.
pub fn analyse(question: &Question, answer: &str) -> AnswerAnalysis {
    let (clean, _) = text::strip_invisible(answer);
    let trimmed = clean.trim();
    let all_words = text::words(trimmed);
    let mut a = AnswerAnalysis {
        words: all_words.len(),
        points: question
            .key_points
            .iter()
            .map(|k| PointCoverage {
                id: k.id.clone(),
                level: Level::Missed,
                evidence: None,
                misconception: None,
            })
            .collect(),
        ..Default::default()
    };
    if all_words.is_empty() {
        return a;
    }
    a.shape = if shape::dont_know(trimmed, &all_words) {
        Shape::DontKnow
    } else if shape::is_foreign(&all_words) {
        Shape::Foreign
    } else if shape::is_pasted(trimmed) {
        Shape::Pasted
    } else {
        Shape::Answer
    };
    if a.shape != Shape::Answer {
        // a paste, another language or "I don't know" earns nothing
        return a;
    }
    let sentences: Vec<points::Read> = text::sentences(trimmed)
        .into_iter()
        .map(|s| points::Read {
            text: s.text,
            words: words::read(s.text),
        })
        .collect();
    a.points = points::judge(question, &sentences);
    let touched = a.points.iter().any(|p| p.level != Level::Missed);
    if !touched && all_words.len() >= 20 && shape::is_off_topic(question, trimmed) {
        a.shape = Shape::OffTopic;
        for p in &mut a.points {
            *p = PointCoverage {
                id: p.id.clone(),
                level: Level::Missed,
                evidence: None,
                misconception: None,
            };
        }
        return a;
    }
    a.misconceptions = points::stated_misconceptions(question, &sentences)
        .into_iter()
        .map(|(id, s)| (id.to_string(), s.to_string()))
        .collect();
    let read: Vec<(&str, &[words::Word])> = sentences
        .iter()
        .map(|s| (s.text, s.words.as_slice()))
        .collect();
    a.claims = claims::find(&read, &claims::numbers_in(&question.text));
    let tokens: Vec<(&str, Tokens)> = sentences
        .iter()
        .map(|s| (s.text, Tokens::new(s.text)))
        .collect();
    a.clauses = quote::quotable_clauses(&tokens);
    a
}

/// Not English prose: another language, or words with almost no English
/// function words. The offline scorer treats both as no answer.
pub fn is_foreign(words: &[String]) -> bool {
    shape::is_foreign(words) || shape::lacks_function_words(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::{Catalog, KeyPoint, Misconception};
    use crate::text::Cue;

    fn question() -> Question {
        let kp = |id: &str, cues: &[&str], synonyms: &[&str]| KeyPoint {
            id: id.into(),
            point: id.into(),
            cue_specs: cues.iter().map(|s| s.to_string()).collect(),
            cues: cues.iter().map(|c| Cue::new(c)).collect(),
            probe: format!("{id}?"),
            concept: id.into(),
            synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
            dimension: "architecture_anchor".into(),
        };
        Question {
            id: "q".into(),
            title: "Search over an internal wiki".into(),
            text: "Design search over the company wiki with 2 million pages.".into(),
            levels: vec!["mid".into()],
            topic: "rag".into(),
            minutes: 10,
            key_points: vec![
                kp("chunking", &["chunk*"], &["split* + heading*"]),
                kp(
                    "permissions",
                    &["permission* + filter*", "acl*"],
                    &["viewer list"],
                ),
                kp("eval", &["golden set", "eval*"], &[]),
            ],
            follow_ups: vec!["When does it fail?".into()],
            misconceptions: vec![Misconception {
                id: "acl-in-prompt".into(),
                claim: "The prompt enforces access.".into(),
                correction: "A prompt is not access control.".into(),
                contradicts: Some("permissions".into()),
                cue_specs: vec!["tell* the model + access".into()],
                cues: vec![Cue::new("tell* the model + access")],
            }],
            track: None,
        }
    }

    #[test]
    fn covered_points_survive_case_plurals_and_paraphrase() {
        let a = analyse(
            &question(),
            "We CHUNK pages by heading. ACLs are checked at query time.",
        );
        assert_eq!(a.covered(), vec!["chunking", "permissions"]);
        assert_eq!(a.shape, Shape::Answer);
        let a = analyse(
            &question(),
            "Pages are split at their headings, and each piece keeps the viewer list of its page.",
        );
        assert_eq!(a.covered(), vec!["chunking", "permissions"]);
    }

    #[test]
    fn negation_and_misconceptions() {
        let a = analyse(
            &question(),
            "I would not chunk anything, whole pages are fine.",
        );
        assert_eq!(a.level("chunking"), Level::Missed);
        let a = analyse(
            &question(),
            "We tell the model which spaces the user has access to in the system prompt.",
        );
        assert_eq!(a.level("permissions"), Level::Contradicted);
        assert_eq!(a.misconceptions[0].0, "acl-in-prompt");
    }

    #[test]
    fn non_answers_are_recognised() {
        assert_eq!(analyse(&question(), "   ").shape, Shape::Empty);
        assert_eq!(
            analyse(&question(), "Honestly, I don't know.").shape,
            Shape::DontKnow
        );
        assert_eq!(analyse(&question(), "Not sure.").shape, Shape::DontKnow);
        let a = analyse(&question(), "I'm not sure, but I would chunk by heading and evaluate on a golden set of 200 questions.");
        assert_eq!(a.shape, Shape::Answer);
        let off = analyse(&question(), "My favourite football team won the league last season again, and honestly I watched every single match of it on the television with my family.");
        assert_eq!(off.shape, Shape::OffTopic);
        let foreign = analyse(
            &question(),
            "Ich würde die Seiten zuerst nach Überschriften aufteilen und dann indexieren.",
        );
        assert_eq!(foreign.shape, Shape::Foreign);
        let salad = analyse(
            &question(),
            &"chunk acl golden set eval permissions embeddings ".repeat(200),
        );
        assert_eq!(salad.shape, Shape::Pasted);
        assert!(salad.covered().is_empty(), "a paste earns nothing");
    }

    #[test]
    fn every_bank_question_can_be_analysed() {
        let cat = Catalog::builtin();
        for r in &cat.rounds {
            for q in &r.questions {
                let a = analyse(q, &q.key_points[0].point);
                assert_eq!(a.points.len(), q.key_points.len());
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_text_is_read_without_panicking(answer in "\\PC{0,400}", words in proptest::collection::vec("[a-z0-9,.'%-]{1,12}", 0..60)) {
            let cat = Catalog::builtin();
            let q = &cat.get("system-design").unwrap().questions[0];
            let a = analyse(q, &answer);
            proptest::prop_assert_eq!(a.points.len(), q.key_points.len());
            let joined = words.join(" ");
            let b = analyse(q, &joined);
            for c in &b.claims {
                proptest::prop_assert!(joined.contains(&c.text));
            }
        }
    }
}
