//! What an answer covered: which of the question's key points it hit, and
//! whether it was an answer at all (empty, "I don't know", off-topic, not in
//! English). The session uses this to decide what to probe next; the offline
//! interviewer uses the quote it picks to tie a follow-up to the candidate's
//! own words.

use crate::rounds::Question;
use crate::text::{self, Tokens};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerAnalysis {
    /// Key point ids hit by this answer, in the question's order.
    pub covered: Vec<String>,
    pub empty: bool,
    pub dont_know: bool,
    pub off_topic: bool,
    pub foreign: bool,
    pub words: usize,
    /// A short verbatim phrase of the answer worth quoting back.
    pub quote: Option<String>,
    /// Clauses worth quoting, best first (see `quote_for`).
    pub clauses: Vec<String>,
}

impl AnswerAnalysis {
    /// Nothing to work with: the interviewer should nudge, not probe.
    pub fn is_non_answer(&self) -> bool {
        self.empty || self.dont_know
    }
}

const DONT_KNOW: &[&str] = &[
    "i don't know",
    "i dont know",
    "don't know",
    "dont know",
    "no idea",
    "not sure",
    "no clue",
    "idk",
    "i'm stuck",
    "im stuck",
    "pass",
    "skip",
    "can't remember",
    "cannot remember",
    "don't remember",
    "never done",
    "never worked",
    "haven't done",
    "no experience",
];

/// Analyse one answer to `question`.
pub fn analyse(question: &Question, answer: &str) -> AnswerAnalysis {
    let (clean, _) = text::strip_invisible(answer);
    let trimmed = clean.trim();
    let words = text::words(trimmed);
    let mut a = AnswerAnalysis {
        words: words.len(),
        ..Default::default()
    };
    if words.is_empty() {
        a.empty = true;
        return a;
    }
    let lower = trimmed.to_lowercase().replace('\u{2019}', "'");
    let short = words.len() <= 14;
    a.dont_know = short && DONT_KNOW.iter().any(|p| contains_phrase(&lower, p));

    let sentences: Vec<(&str, Tokens)> = text::sentences(trimmed)
        .into_iter()
        .map(|s| (s.text, Tokens::new(s.text)))
        .collect();
    for kp in &question.key_points {
        if kp
            .cues
            .iter()
            .any(|c| sentences.iter().any(|(_, t)| c.matches(t)))
        {
            a.covered.push(kp.id.clone());
        }
    }
    a.foreign = is_foreign(&words);
    if a.covered.is_empty() && !a.dont_know && (words.len() >= 20 || a.foreign) {
        // The question's whole vocabulary: an answer that shares nothing
        // with the scenario, the key points or the probes is off topic.
        let mut vocabulary = format!("{} {}", question.title, question.text);
        for k in &question.key_points {
            vocabulary.push(' ');
            vocabulary.push_str(&k.point);
            vocabulary.push(' ');
            vocabulary.push_str(&k.probe);
        }
        for f in &question.follow_ups {
            vocabulary.push(' ');
            vocabulary.push_str(f);
        }
        let q: std::collections::BTreeSet<String> =
            text::content_stems(&vocabulary).into_iter().collect();
        let content = text::content_stems(trimmed);
        let overlap = content.iter().filter(|w| q.contains(*w)).count();
        // A couple of shared everyday words ("last", "longer") is chance,
        // not topic.
        a.off_topic = a.foreign
            || overlap == 0
            || (overlap <= 2 && content.len() >= 8 && overlap * 5 < content.len());
    }
    a.clauses = quotable_clauses(&sentences);
    a.quote = a.clauses.first().cloned();
    a
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    haystack.match_indices(phrase).any(|(i, _)| {
        let before = haystack[..i].chars().last();
        let after = haystack[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Mostly non-Latin script, or Latin words with almost no English function
/// words: an answer in another language.
pub fn is_foreign(words: &[String]) -> bool {
    if words.len() < 8 {
        return false;
    }
    let non_latin = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
        .count();
    if non_latin * 2 > words.len() {
        return true;
    }
    let function = words
        .iter()
        .filter(|w| {
            matches!(
                w.as_str(),
                "the"
                    | "a"
                    | "an"
                    | "and"
                    | "is"
                    | "to"
                    | "of"
                    | "it"
                    | "in"
                    | "that"
                    | "i"
                    | "we"
                    | "for"
                    | "with"
                    | "on"
                    | "this"
                    | "be"
                    | "would"
                    | "if"
                    | "so"
                    | "but"
                    | "you"
                    | "are"
                    | "was"
                    | "not"
                    | "or"
                    | "what"
                    | "because"
                    | "at"
                    | "by"
            )
        })
        .count();
    function * 25 < words.len()
}

/// Clauses of the answer worth quoting back, best first: whole clauses
/// (never cut mid-phrase) of 4 to 16 words, specific (numbers, content
/// words), not code, not hedges, not starting mid-thought.
fn quotable_clauses(sentences: &[(&str, Tokens)]) -> Vec<String> {
    const DANGLING: &[&str] = &[
        "and", "but", "so", "or", "because", "which", "that", "then", "if", "when", "since", "as",
        "to", "of", "for", "with", "like", "also", "plus", "or", "nor",
    ];
    let mut scored: Vec<(i32, String)> = Vec::new();
    for (s, _) in sentences {
        if s.starts_with("```") {
            continue;
        }
        // Split at clause punctuation followed by a space, so "12,000" and
        // "3:1" stay whole.
        for clause in split_clauses(s) {
            let clause = clause.trim().trim_end_matches(['.', '!', '?']).trim();
            let words = text::words(clause);
            let n = words.len();
            if !(4..=16).contains(&n) || clause.contains('`') || clause.contains('\n') {
                continue;
            }
            let first = words[0].as_str();
            let last = words[n - 1].as_str();
            if DANGLING.contains(&first) || DANGLING.contains(&last) {
                continue;
            }
            let content = text::content_stems(clause).len() as i32;
            let digits = clause.chars().any(|c| c.is_ascii_digit()) as i32;
            let lower = clause.to_lowercase();
            let hedge = [
                "i think",
                "maybe",
                "probably",
                "i guess",
                "i'm not sure",
                "not sure",
            ]
            .iter()
            .any(|h| lower.contains(h)) as i32;
            let score = content * 2 + digits * 3 - hedge * 6 - (n as i32 - 12).max(0);
            scored.push((score, clause.to_string()));
        }
    }
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(8).map(|(_, c)| c).collect()
}

fn split_clauses(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, ch) in s.char_indices() {
        let boundary = match ch {
            ',' | ';' | ':' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
            '(' | ')' | '"' | '\u{201C}' | '\u{201D}' => true,
            _ => false,
        };
        if boundary {
            out.push(&s[start..i]);
            start = i + ch.len_utf8();
        }
    }
    out.push(&s[start..]);
    out
}

/// The clause to quote back before `follow_up`: the one that shares the
/// most with it, so the push is about something the candidate actually said
/// on that topic; failing that, the most specific one, if it is specific
/// enough to be worth quoting.
pub fn quote_for(clauses: &[String], follow_up: &str) -> Option<String> {
    let topic: std::collections::BTreeSet<String> =
        text::content_stems(follow_up).into_iter().collect();
    let best = clauses
        .iter()
        .enumerate()
        .map(|(rank, c)| {
            let shared = text::content_stems(c)
                .iter()
                .filter(|w| topic.contains(*w))
                .count();
            (shared, std::cmp::Reverse(rank), c)
        })
        .max();
    match best {
        Some((shared, _, c)) if shared > 0 => Some(c.clone()),
        _ => clauses
            .first()
            .filter(|c| text::content_stems(c).len() >= 4)
            .cloned(),
    }
}

/// The first `max` words of `s`, verbatim (so it can be quoted).
pub fn clip_words(s: &str, max: usize) -> String {
    let mut count = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if in_word {
                count += 1;
                if count == max {
                    return s[..i].trim_end_matches([',', ';', ':']).to_string();
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::KeyPoint;
    use crate::text::Cue;

    fn question() -> Question {
        let kp = |id: &str, cues: &[&str]| KeyPoint {
            id: id.into(),
            point: id.into(),
            cue_specs: cues.iter().map(|s| s.to_string()).collect(),
            cues: cues.iter().map(|c| Cue::new(c)).collect(),
            probe: format!("{id}?"),
        };
        Question {
            id: "q".into(),
            title: "Search over an internal wiki".into(),
            text: "Design search over the company wiki with 2 million pages.".into(),
            levels: vec!["mid".into()],
            topic: "rag".into(),
            minutes: 10,
            key_points: vec![
                kp("chunking", &["chunk*"]),
                kp("permissions", &["permission*", "acl*"]),
                kp("eval", &["golden set", "eval*"]),
            ],
            follow_ups: vec!["When does it fail?".into()],
            misconceptions: Vec::new(),
        }
    }

    #[test]
    fn covered_points_survive_case_and_plurals() {
        let a = analyse(
            &question(),
            "We CHUNK pages by heading. ACLs are checked at query time.",
        );
        assert_eq!(a.covered, vec!["chunking", "permissions"]);
        assert!(!a.off_topic && !a.dont_know);
    }

    #[test]
    fn non_answers_are_recognised() {
        assert!(analyse(&question(), "   ").empty);
        assert!(analyse(&question(), "Honestly, I don't know.").dont_know);
        assert!(!analyse(&question(), "I'm not sure, but I would chunk by heading and evaluate on a golden set of 200 questions.").dont_know);
        let off = analyse(&question(), "My favourite football team won the league last season again, and honestly I watched every single match of it on the television with my family.");
        assert!(off.off_topic);
        let foreign = analyse(
            &question(),
            "Ich würde die Seiten zuerst nach Überschriften aufteilen und dann indexieren.",
        );
        assert!(foreign.foreign && foreign.off_topic);
    }

    #[test]
    fn quote_is_verbatim_and_short() {
        let answer = "I'd split pages by heading, keeping chunks near 400 tokens with some overlap between them.";
        let a = analyse(&question(), answer);
        let q = a.quote.unwrap();
        assert!(answer.contains(&q), "{q}");
        assert!(q.split_whitespace().count() <= 14);
    }
}
