//! Text without sentence structure: word salad, pasted logs, line-numbered
//! dumps, the same token over and over.
//!
//! Such text is recognised, never read as evidence and never quoted; the
//! rest of the answer is scored on its own. Recognition is by structure,
//! not by vocabulary: English sentences are glued by a variety of function
//! words, a determiner is followed by what it determines (never by "of",
//! "is" or another "the"), and words rarely repeat back to back. A log or a
//! dump is a run of lines that each open with a line number, a timestamp
//! or a level tag. Code in fences is code, not junk.

use std::ops::Range;

use crate::text;

/// What kind of unstructured text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Junk {
    /// Words without the glue of sentences, or in no grammatical order.
    Salad,
    /// Lines that open with a line number, a timestamp or a log level.
    Log,
    /// The same few tokens over and over.
    Repetition,
}

/// Fewer words than this are too few to judge on their own.
pub const JUDGED_WORDS: usize = 20;

/// Runs of this many log-like lines or more are a pasted log or dump.
const LOG_RUN: usize = 3;

/// Byte ranges of `text` that are runs of log-like lines (outside code
/// fences), each cut at line boundaries.
pub fn log_runs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut run: Option<(usize, usize, usize)> = None; // start, end, lines
    let mut offset = 0;
    let mut fenced = false;
    let close = |run: &mut Option<(usize, usize, usize)>, out: &mut Vec<Range<usize>>| {
        if let Some((s, e, n)) = run.take() {
            if n >= LOG_RUN {
                out.push(s..e);
            }
        }
    };
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            close(&mut run, &mut out);
            continue;
        }
        if fenced {
            continue;
        }
        let end = start + line.trim_end().len();
        if is_log_line(line) {
            run = Some(match run {
                Some((s, _, n)) => (s, end, n + 1),
                None => (start, end, 1),
            });
        } else if !line.trim().is_empty() {
            close(&mut run, &mut out);
        }
    }
    close(&mut run, &mut out);
    out
}

/// A line that opens like a log or a numbered dump: `L00042 …`, `0042: …`,
/// `12 | …`, `2024-05-01 …`, `12:03:44 …`, `[INFO] …`. A numbered list item
/// (`3. …`, `2) …`) is prose, not a dump.
fn is_log_line(line: &str) -> bool {
    let Some(first) = line.split_whitespace().next() else {
        return false;
    };
    let first = first.trim_start_matches('[').trim_end_matches(']');
    let upper = first.trim_end_matches(':').to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "INFO" | "WARN" | "WARNING" | "ERROR" | "DEBUG" | "TRACE" | "FATAL"
    ) {
        return true;
    }
    if first.ends_with('.') || first.ends_with(')') {
        return false;
    }
    let letters = first
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let rest = &first[letters..];
    let digits = rest.chars().filter(|c| c.is_ascii_digit()).count();
    let marks_ok = rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '-' | '|' | '.' | 'T' | 'Z' | ','));
    // "L0042", "0042:", "2024-05-01", "12:03:44"; a lone "3" opening a
    // sentence is not a line number
    letters <= 2 && digits >= 2 && marks_ok && (letters > 0 || digits >= 3 || rest.contains(':'))
}

/// Determiners: what follows one is what it determines.
fn is_determiner(w: &str) -> bool {
    matches!(w, "the" | "a" | "an")
}

/// Words that cannot follow a determiner in English.
fn cannot_follow_determiner(w: &str) -> bool {
    is_determiner(w)
        || matches!(
            w,
            "of" | "to"
                | "in"
                | "on"
                | "at"
                | "by"
                | "for"
                | "with"
                | "from"
                | "and"
                | "or"
                | "but"
                | "is"
                | "are"
                | "was"
                | "were"
                | "be"
                | "been"
                | "it"
                | "i"
                | "we"
                | "you"
                | "they"
                | "he"
                | "she"
                | "if"
                | "because"
                | "not"
                | "will"
                | "would"
                | "can"
                | "should"
                | "could"
        )
}

/// The words of `text` whose order is grammar: quoted words are mentions
/// ("the" has 3, `a` comes first), not part of the sentence's structure.
pub fn structural_words(text: &str) -> Vec<String> {
    let mut plain = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q || (q == '\u{201C}' && c == '\u{201D}') => {
                quote = None;
                plain.push(' ');
            }
            Some(_) => {}
            None if matches!(c, '"' | '`' | '\u{201C}') => quote = Some(c),
            None => plain.push(c),
        }
    }
    // an unclosed quote is not a mention
    if quote.is_some() {
        return text::words(text);
    }
    text::words(&plain)
}

/// Sounds a speaker makes while thinking; transcribed speech is full of
/// them and they say nothing about structure either way.
pub fn is_filler(w: &str) -> bool {
    matches!(
        w,
        "um" | "umm" | "uh" | "uhh" | "er" | "erm" | "hmm" | "mm" | "ah"
    )
}

/// Judge a run of words (a sentence, or a sentence with its neighbours).
/// `None` is prose, or too short to tell.
pub fn unstructured(words: &[String]) -> Option<Junk> {
    // numbers repeat in real text ("[1, 0, 0, 0]") and carry no grammar
    let w: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !is_filler(w) && !w.chars().any(|c| c.is_ascii_digit()))
        .collect();
    let n = w.len();
    if n < JUDGED_WORDS {
        return None;
    }
    let repeats = w.windows(2).filter(|p| p[0] == p[1]).count();
    let distinct: std::collections::HashSet<&str> = w.iter().copied().collect();
    // a real text's vocabulary keeps growing with its length; a paste of
    // the same few tokens does not
    if (repeats >= 3 && repeats * 12 >= n) || distinct.len() * distinct.len() < 3 * n {
        return Some(Junk::Repetition);
    }
    let is_glue = |x: &str| text::is_stopword(x) || is_determiner(x);
    let glue: Vec<&str> = w.iter().copied().filter(|x| is_glue(x)).collect();
    let glue_kinds: std::collections::HashSet<&str> = glue.iter().copied().collect();
    // prose is a third to a half function words, of many kinds; notes and
    // non-native English stay well above a tenth
    let kinds_needed = if n >= 40 { 5 } else { 3 };
    if glue.len() * 10 < n || glue_kinds.len() < kinds_needed {
        return Some(Junk::Salad);
    }
    let broken = broken_pairs(&w);
    // prose has none of these pairs but for a slip or a stutter; words in
    // random order have one every twenty words or so
    if broken >= 3 && broken * 30 >= n {
        return Some(Junk::Salad);
    }
    None
}

/// How many word pairs English does not have (see [`ungrammatical`]),
/// counting a determiner at the very end as one.
fn broken_pairs(w: &[&str]) -> usize {
    w.windows(2).filter(|p| ungrammatical(p[0], p[1])).count()
        + w.last().is_some_and(|x| is_determiner(x)) as usize
}

/// A grammatical slip in these words: not enough to call them salad on
/// their own, but a sentence with one, between pieces of salad, is salad.
pub fn has_slip(words: &[String]) -> bool {
    let w: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !is_filler(w))
        .collect();
    broken_pairs(&w) > 0
}

/// Subject pronouns: what follows one is a verb.
fn is_subject(w: &str) -> bool {
    matches!(w, "i" | "we" | "they" | "he" | "she")
}

fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "of" | "to" | "in" | "on" | "at" | "by" | "for" | "with" | "from" | "into"
    )
}

/// Word pairs English does not have: a determiner before a function word,
/// two prepositions, a subject pronoun before a determiner or preposition.
fn ungrammatical(a: &str, b: &str) -> bool {
    (is_determiner(a) && cannot_follow_determiner(b))
        || (is_preposition(a) && is_preposition(b))
        || (is_subject(a) && (is_determiner(b) || is_preposition(b) || is_subject(b)))
        || (matches!(a, "and" | "or") && a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(s: &str) -> Option<Junk> {
        unstructured(&text::words(s))
    }

    #[test]
    fn prose_in_many_styles_is_prose() {
        for s in [
            "I would retrieve the top twenty passages and re-rank them, because the model cannot answer from a page it never saw, and if nothing scores above the threshold it says so.",
            "so um basically what I would do is uh first look at the the data and see if the labels are even right because if they are not then nothing else matters you know",
            "In my last company we was having problem with the drift, so I make a dashboard which compare each week distribution with the training one and alert when it move too much.",
            "Latency budget is 800 ms end to end, of which retrieval takes about 200 and generation the rest, so a reranker has to fit in under 100 ms or we drop it.",
        ] {
            assert_eq!(judge(s), None, "{s}");
        }
    }

    #[test]
    fn salad_and_repetition_are_not_prose() {
        let salad = "the the query shard the embedding query latency vector index shard the cache embedding retrieval the latency recall shard query index vector the";
        assert!(judge(salad).is_some());
        let nouns = "retrieval embedding reranker vector index chunking latency recall precision guardrail evaluation drift monitoring tokenizer sharding caching throughput batching quantization distillation";
        assert_eq!(judge(nouns), Some(Junk::Salad));
        let same = "latency ".repeat(30);
        assert_eq!(judge(&same), Some(Junk::Repetition));
        // the words of a real sentence, shuffled, lose their order
        let shuffled = "the of model the to passages is re-rank the a and because it of the never from top the an is twenty saw the of and";
        assert_eq!(judge(shuffled), Some(Junk::Salad));
    }

    #[test]
    fn logs_and_numbered_dumps_are_runs_of_lines() {
        let t = "Here is what I saw.\nL00001 the query shard\nL00002 embedding latency\nL00003 the the index\nThat was the log.";
        let runs = log_runs(t);
        assert_eq!(runs.len(), 1);
        assert!(t[runs[0].clone()].starts_with("L00001") && t[runs[0].clone()].ends_with("index"));
        let log = "2024-05-01 12:00:01 INFO start\n2024-05-01 12:00:02 WARN slow\n[ERROR] timeout after 30s\n";
        assert_eq!(log_runs(log).len(), 1);
        let list = "1. retrieve\n2. re-rank\n3. answer with citations\n";
        assert!(log_runs(list).is_empty());
        let fenced = "```\n001 x = 1\n002 y = 2\n003 z = 3\n```\n";
        assert!(log_runs(fenced).is_empty());
    }
}
