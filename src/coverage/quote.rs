//! Quoting the candidate back: the clauses of an answer worth quoting, and
//! the one that leads into a given follow-up. A quote is only offered when
//! it shares words with the question it introduces: a quote followed by an
//! unrelated question reads like a form.

use crate::text::{self, Tokens};

/// Clauses of the answer worth quoting back, best first: whole clauses
/// (never cut mid-phrase) of 4 to 16 words, specific (numbers, content
/// words), not code, not hedges, not starting mid-thought.
pub fn quotable_clauses(sentences: &[(&str, Tokens)]) -> Vec<String> {
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
/// most topical words with it, so the push is about something the
/// candidate actually said on that topic; none when no clause does. Words
/// of the scenario itself (`setting`, the question's text) and words any
/// answer uses ("answer", "model") do not make a clause lead anywhere.
pub fn quote_for(clauses: &[String], follow_up: &str, setting: &str) -> Option<String> {
    const EVERYWHERE: &[&str] = &[
        "answer", "question", "model", "system", "data", "time", "work", "thing", "way", "better",
        "good", "problem", "case", "user", "people",
    ];
    let given: std::collections::BTreeSet<String> =
        text::content_stems(setting).into_iter().collect();
    let topic: std::collections::BTreeSet<String> = text::content_stems(follow_up)
        .into_iter()
        .filter(|w| !given.contains(w) && !EVERYWHERE.contains(&w.as_str()))
        .collect();
    let best = clauses
        .iter()
        .enumerate()
        .map(|(rank, c)| {
            let shared: std::collections::BTreeSet<String> = text::content_stems(c)
                .into_iter()
                .filter(|w| topic.contains(w))
                .collect();
            (shared.len(), std::cmp::Reverse(rank), c)
        })
        .max();
    match best {
        Some((shared, _, c)) if shared > 0 => Some(c.clone()),
        _ => None,
    }
}

/// The best quotable clause of one sentence (for quoting the sentence that
/// showed a key point or a claim), or the sentence clipped to its first
/// words.
pub fn clause_of(sentence: &str) -> String {
    let tokens = Tokens::new(sentence);
    quotable_clauses(&[(sentence, tokens)])
        .into_iter()
        .next()
        .unwrap_or_else(|| clip_words(sentence.trim_end_matches(['.', '!', '?']), 14))
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

    #[test]
    fn a_quote_must_lead_into_the_question() {
        let clauses = vec![
            "keeping chunks near 400 tokens".to_string(),
            "the ACL travels with each chunk".to_string(),
        ];
        assert_eq!(
            quote_for(&clauses, "Who can see the chunks of the HR space?", "").as_deref(),
            Some("keeping chunks near 400 tokens")
        );
        assert_eq!(
            quote_for(&clauses, "How do you evaluate answers?", ""),
            None
        );
        // the scenario's own words lead nowhere
        assert_eq!(
            quote_for(
                &clauses,
                "Who can see the chunks of the HR space?",
                "Chunks of the HR space"
            ),
            None
        );
    }

    #[test]
    fn a_clause_is_verbatim() {
        let s = "I'd split pages by heading, keeping chunks near 400 tokens with some overlap between them.";
        let c = clause_of(s);
        assert!(s.contains(&c) && c.split_whitespace().count() <= 16, "{c}");
    }
}
