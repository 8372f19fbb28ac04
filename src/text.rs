//! Text normalisation shared by the offline interviewer and the scorers.
//!
//! Answers are free text typed under pressure: "Re-ranking", "rerankers" and
//! "re rank" must all count as the same idea, and a quote taken from an answer
//! must still be found after the terminal or a judge has reflowed its spaces.
//! Everything here is deterministic and allocation-light because the offline
//! scorer runs it over thousands of transcripts a second.

/// A light suffix stemmer: enough to make plurals, "-ing" and "-ed" forms meet
/// their base word. Both the cue and the answer go through it, so it only has
/// to be consistent, not linguistically right.
pub fn stem(word: &str) -> String {
    let mut w: String = word.to_lowercase();
    if w.len() <= 3 || !w.is_ascii() {
        return w;
    }
    if let Some(base) = w.strip_suffix("'s") {
        w = base.to_string();
    }
    let ends = |w: &str, s: &str| w.len() > s.len() + 2 && w.ends_with(s);
    if ends(&w, "ies") {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if ends(&w, "sses")
        || ends(&w, "ches")
        || ends(&w, "shes")
        || ends(&w, "xes")
        || ends(&w, "zes")
    {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && w.len() > 3
    {
        w.pop();
    }
    for suffix in ["ing", "ed"] {
        if ends(&w, suffix) {
            w.truncate(w.len() - suffix.len());
            let b = w.as_bytes();
            let n = b.len();
            // "running" -> "runn" -> "run"; "embedding" -> "embedd" -> "embed"
            if n >= 2 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z') {
                w.pop();
            }
            break;
        }
    }
    if w.len() > 4 && w.ends_with('e') {
        w.pop();
    }
    if w.len() > 4 && w.ends_with('y') {
        // "latency"/"latencies" already meet; make "query"/"queried" meet too.
        w.pop();
        w.push('i');
    }
    w
}

/// Lowercased word tokens of `text`, with hyphens and apostrophes inside words
/// removed ("re-rank" -> "rerank", "don't" -> "dont") so spelling variants meet.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if (c == '-' || c == '\'' || c == '\u{2019}' || c == '_')
            && !cur.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            // joined: keep going in the same token
        } else if c == '.'
            && cur.chars().last().is_some_and(|l| l.is_ascii_digit())
            && chars.peek().is_some_and(|n| n.is_ascii_digit())
        {
            cur.push('.');
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Stemmed tokens of `text`.
pub fn stems(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w)).collect()
}

/// Collapse every run of whitespace to one space and trim: the canonical form
/// used to check that a quote really is part of an answer.
pub fn squash_ws(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for part in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// The form in which quotes are compared with answers: whitespace collapsed,
/// lowercased, and typographic quotes and dashes folded to ASCII, because
/// models "fix" those when they copy a sentence.
pub fn quote_key(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201F}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{2026}' => '.',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    squash_ws(&folded)
}

/// Remove characters a person cannot see but a model can read: zero-width
/// characters, bidi overrides and other format/control characters. Newlines
/// and tabs are kept.
pub fn strip_invisible(text: &str) -> (String, bool) {
    let mut found = false;
    let cleaned = text
        .chars()
        .filter(|&c| {
            let invisible = is_invisible(c);
            found |= invisible;
            !invisible
        })
        .collect();
    (cleaned, found)
}

/// True for control and format characters that render as nothing (NUL
/// included), and for the blank fillers that render as a gap but are not a
/// space a person typed.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{034F}'
        | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}'
        | '\u{E0000}'..='\u{E007F}')
        || (c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

/// The Latin letter a confusable character stands for (Cyrillic and Greek
/// look-alikes, fullwidth forms), or the character itself. Used only to
/// *detect* instructions spelled with look-alikes; the text shown and quoted
/// keeps what the person typed.
pub fn fold_confusable(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        'а' | 'А' | 'α' | 'Α' => 'a',
        'в' | 'В' | 'β' | 'Β' => 'b',
        'с' | 'С' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ё' | 'ε' | 'Ε' => 'e',
        'ɡ' => 'g',
        'һ' | 'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' | 'ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'п' | 'η' | 'Ν' => 'n',
        'о' | 'О' | 'ο' | 'Ο' | 'σ' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'у' | 'У' | 'γ' | 'Υ' => 'y',
        'Ζ' => 'z',
        _ => c,
    }
}

/// A character from another script that folds to a Latin letter.
pub fn is_confusable(c: char) -> bool {
    !c.is_ascii() && fold_confusable(c).is_ascii_alphabetic()
}

/// A cue from a round file, compiled for matching.
///
/// Syntax: `"retrieval scoring"` matches those words in order; `"rerank*"`
/// matches any word starting with "rerank"; `"permission + filter"` matches
/// when every part occurs in the same sentence.
#[derive(Debug, Clone)]
pub struct Cue {
    parts: Vec<Part>,
}

/// One `+`-separated part of a cue: a sequence of terms, and for an
/// all-exact sequence the same words joined, which meets a hyphenated
/// compound ("permission-filters").
#[derive(Debug, Clone)]
struct Part {
    terms: Vec<Term>,
    joined: Option<String>,
}

#[derive(Debug, Clone)]
enum Term {
    Exact(String),
    Prefix(String),
}

impl Term {
    fn matches(&self, token: &str) -> bool {
        match self {
            Term::Exact(s) => token == s,
            Term::Prefix(p) => token.starts_with(p.as_str()),
        }
    }
}

impl Cue {
    pub fn new(spec: &str) -> Cue {
        let parts = spec
            .split(" + ")
            .map(|part| {
                let mut terms = Vec::new();
                for raw in part.split_whitespace() {
                    let prefix = raw.ends_with('*');
                    for w in words(raw.trim_end_matches('*')) {
                        terms.push(if prefix {
                            Term::Prefix(w.to_lowercase())
                        } else {
                            Term::Exact(stem(&w))
                        });
                    }
                }
                let joined = (terms.len() > 1 && terms.iter().all(|t| matches!(t, Term::Exact(_))))
                    .then(|| {
                        terms
                            .iter()
                            .map(|t| match t {
                                Term::Exact(s) | Term::Prefix(s) => s.as_str(),
                            })
                            .collect::<String>()
                    });
                Part { terms, joined }
            })
            .filter(|p| !p.terms.is_empty())
            .collect();
        Cue { parts }
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Does the cue occur in one sentence, given as its stemmed tokens and
    /// its raw lowercase words (prefix terms look at the raw words)?
    pub fn matches(&self, sentence: &Tokens) -> bool {
        !self.parts.is_empty() && self.parts.iter().all(|p| sentence.contains_part(p))
    }
}

/// One sentence prepared for cue matching.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub raw: Vec<String>,
    pub stems: Vec<String>,
}

impl Tokens {
    pub fn new(text: &str) -> Tokens {
        let raw = words(text);
        let stems: Vec<String> = raw.iter().map(|w| stem(w)).collect();
        Tokens { raw, stems }
    }

    fn has_stem(&self, s: &str) -> bool {
        self.stems.iter().any(|x| x == s)
    }

    fn has_prefix(&self, p: &str) -> bool {
        self.raw.iter().any(|w| w.starts_with(p))
    }

    /// Content words (not stopwords, longer than two letters), stemmed:
    /// the same as `content_stems` of the text, without tokenizing again.
    pub fn content_stems(&self) -> impl Iterator<Item = &str> {
        self.raw
            .iter()
            .zip(&self.stems)
            .filter(|(w, _)| w.len() > 2 && !is_stopword(w))
            .map(|(_, s)| s.as_str())
    }

    fn contains_part(&self, part: &Part) -> bool {
        let seq = &part.terms;
        if seq.is_empty() {
            return false;
        }
        // "permission filter" should also meet "permission-filters", which the
        // tokenizer joined into one word.
        if let Some(joined) = &part.joined {
            if self.has_stem(joined) {
                return true;
            }
        }
        let present = match seq.first() {
            Some(Term::Exact(first)) => self.has_stem(first),
            Some(Term::Prefix(first)) => self.has_prefix(first),
            None => false,
        };
        if !present {
            return false;
        }
        if seq.len() == 1 {
            return true;
        }
        if seq.len() > self.stems.len() {
            return false;
        }
        (0..=self.stems.len() - seq.len()).any(|start| {
            seq.iter().enumerate().all(|(i, term)| match term {
                Term::Exact(_) => term.matches(&self.stems[start + i]),
                Term::Prefix(_) => term.matches(&self.raw[start + i]),
            })
        })
    }

    pub fn len(&self) -> usize {
        self.raw.len()
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

/// Many cues matched against many sentences: an index from each cue's first
/// word (or word prefix) to the cues that start with it, so a sentence is
/// only checked against cues that can possibly match it. The offline scorer
/// matches a few hundred cues per sentence; without the index that loop was
/// most of its time.
#[derive(Debug, Clone, Default)]
pub struct CueIndex {
    cues: Vec<(Cue, usize)>,
    by_stem: std::collections::HashMap<String, Vec<usize>>,
    by_prefix: std::collections::HashMap<String, Vec<usize>>,
    longest_prefix: usize,
}

impl CueIndex {
    /// Index cues, each with a caller's tag (returned on a match).
    pub fn new(cues: impl IntoIterator<Item = (Cue, usize)>) -> CueIndex {
        let mut idx = CueIndex::default();
        for (cue, tag) in cues {
            let i = idx.cues.len();
            // A cue is found through the first term of its first part; the
            // joined form of a compound is indexed too.
            if let Some(part) = cue.parts.first() {
                match part.terms.first() {
                    Some(Term::Exact(s)) => idx.by_stem.entry(s.clone()).or_default().push(i),
                    Some(Term::Prefix(p)) => {
                        idx.longest_prefix = idx.longest_prefix.max(p.chars().count());
                        idx.by_prefix.entry(p.clone()).or_default().push(i);
                    }
                    None => {}
                }
                if let Some(j) = &part.joined {
                    idx.by_stem.entry(j.clone()).or_default().push(i);
                }
            }
            idx.cues.push((cue, tag));
        }
        idx
    }

    /// Tags of every cue that matches the sentence (a tag may repeat).
    pub fn matches(&self, t: &Tokens) -> Vec<usize> {
        let mut candidates: Vec<usize> = Vec::new();
        for s in &t.stems {
            if let Some(v) = self.by_stem.get(s) {
                candidates.extend(v);
            }
        }
        if !self.by_prefix.is_empty() {
            for w in &t.raw {
                for (k, (i, c)) in w.char_indices().enumerate() {
                    if k >= self.longest_prefix {
                        break;
                    }
                    if let Some(v) = self.by_prefix.get(&w[..i + c.len_utf8()]) {
                        candidates.extend(v);
                    }
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter(|&i| self.cues[i].0.matches(t))
            .map(|i| self.cues[i].1)
            .collect()
    }
}

/// A piece of an answer with its byte range in the original text, so that
/// what is quoted back is exactly what the person typed.
#[derive(Debug, Clone)]
pub struct Sentence<'a> {
    pub text: &'a str,
    pub start: usize,
}

/// Split an answer into sentences. Fenced code blocks are kept whole (one
/// "sentence" each) and marked by starting with ```.
pub fn sentences<'a>(text: &'a str) -> Vec<Sentence<'a>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut start = 0;
    let push = |out: &mut Vec<Sentence<'a>>, s: usize, e: usize| {
        let piece = &text[s..e];
        let trimmed_start = s + (piece.len() - piece.trim_start().len());
        let piece = piece.trim();
        if !piece.is_empty() {
            out.push(Sentence {
                text: piece,
                start: trimmed_start,
            });
        }
    };
    while i < bytes.len() {
        // a fence at the start of a line swallows everything to its closing fence
        if bytes[i] == b'`' && text[i..].starts_with("```") && (i == 0 || bytes[i - 1] == b'\n') {
            push(&mut out, start, i);
            let after = i + 3;
            let end = text[after..]
                .find("\n```")
                .map(|p| {
                    let close = after + p + 4;
                    text[close..].find('\n').map_or(text.len(), |n| close + n)
                })
                .unwrap_or(text.len());
            push(&mut out, i, end);
            i = end;
            start = end;
            continue;
        }
        let c = bytes[i];
        let boundary = match c {
            b'.' | b'!' | b'?' => {
                let next = bytes.get(i + 1).copied();
                let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
                let next_digit = next.is_some_and(|n| n.is_ascii_digit());
                match next {
                    None => true,
                    Some(n) if n.is_ascii_whitespace() || n == b'"' || n == b')' => {
                        !(is_abbreviation(&text[start..i]) || prev_digit && next_digit)
                    }
                    _ => false,
                }
            }
            b'\n' => {
                bytes.get(i + 1) == Some(&b'\n')
                    || line_is_list_item(&text[i + 1..])
                    || line_is_heading(&text[i + 1..])
                    || line_is_heading(&text[line_start(text, i)..i])
            }
            _ => false,
        };
        if boundary {
            let end = if c == b'\n' { i } else { i + 1 };
            push(&mut out, start, end);
            start = end;
        }
        i += 1;
    }
    push(&mut out, start, text.len());
    out.into_iter().flat_map(split_run_on).collect()
}

/// Where the line that ends at byte `end` starts.
fn line_start(text: &str, end: usize) -> usize {
    text[..end].rfind('\n').map_or(0, |p| p + 1)
}

/// A markdown heading, or a short label line ("Evaluation:", "**Cost**"):
/// a sentence of its own, never glued to the text under it.
fn line_is_heading(line: &str) -> bool {
    let line = line.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        return false;
    }
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        return true;
    }
    let words = line.split_whitespace().count();
    words <= 6
        && (line.ends_with(':')
            || (line.starts_with("**") && line.ends_with("**") && line.len() > 4))
}

/// A spoken answer runs on: a piece longer than this many words (the
/// full stops already cut it where there were any) is cut where speech
/// starts a new thought.
const RUN_ON_WORDS: usize = 40;
/// No part of a cut run-on is shorter than this many words.
const MIN_PART_WORDS: usize = 8;

/// Words that open a new thought in speech ("so", "and then", "okay"),
/// where a writer would have put a full stop. Fillers are not: people say
/// "um" in the middle of a clause.
fn opens_thought(w: &str, next: &str) -> bool {
    match w {
        "so" => !matches!(
            next,
            "that" | "much" | "far" | "many" | "long" | "the" | "on"
        ),
        "okay" | "ok" | "alright" | "anyway" | "but" => true,
        "and" => matches!(next, "then" | "so" | "also"),
        _ => false,
    }
}

fn is_filler_word(w: &str) -> bool {
    matches!(
        w,
        "um" | "uh" | "umm" | "uhh" | "er" | "erm" | "hmm" | "yeah"
    )
}

/// Split a run-on piece (see [`RUN_ON_WORDS`]) before the words that open
/// a new thought; other pieces come back as they are.
fn split_run_on(s: Sentence<'_>) -> Vec<Sentence<'_>> {
    if s.text.starts_with("```") {
        return vec![s];
    }
    let spans: Vec<(usize, &str)> = s
        .text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - s.text.as_ptr() as usize, w))
        .collect();
    if spans.len() <= RUN_ON_WORDS {
        return vec![s];
    }
    let lower = |k: usize| -> String {
        spans.get(k).map_or(String::new(), |(_, w)| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
    };
    let mut cuts = vec![0];
    let mut last = 0;
    let mut k = 1;
    while k < spans.len() {
        let (w, next) = (lower(k), lower(k + 1));
        // "um so", "and so": cut once, before the first of them
        let mut at = k;
        while at > last + 1 && (is_filler_word(&lower(at - 1)) || lower(at - 1) == "and") {
            at -= 1;
        }
        if opens_thought(&w, &next)
            && at - last >= MIN_PART_WORDS
            && spans.len() - at >= MIN_PART_WORDS
        {
            cuts.push(spans[at].0);
            last = at;
        }
        k += 1;
    }
    if cuts.len() == 1 {
        return vec![s];
    }
    cuts.push(s.text.len());
    cuts.windows(2)
        .filter_map(|c| {
            let piece = &s.text[c[0]..c[1]];
            let lead = piece.len() - piece.trim_start().len();
            let text = piece.trim();
            (!text.is_empty()).then_some(Sentence {
                text,
                start: s.start + c[0] + lead,
            })
        })
        .collect()
}

fn is_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    matches!(
        last.to_ascii_lowercase().as_str(),
        "e.g" | "i.e" | "vs" | "etc" | "mr" | "dr" | "approx" | "cf" | "no"
    )
}

fn line_is_list_item(rest: &str) -> bool {
    let t = rest.trim_start_matches([' ', '\t']);
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || t.starts_with("+ ") || {
        let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
    }
}

/// `text` without the sounds of speech ("um", "uh", "er", "hmm") and the
/// "you know"s between words: what transcribed speech says, for reading
/// (quotes are still cut from the text as it was said).
pub fn drop_fillers(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let bare = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let mut out = String::with_capacity(text.len());
    let mut k = 0;
    while k < words.len() {
        let b = bare(words[k]);
        let you_know = b == "you"
            && words.get(k + 1).is_some_and(|n| {
                let n2 = words.get(k + 2).map(|x| bare(x)).unwrap_or_default();
                bare(n) == "know"
                    && !matches!(
                        n2.as_str(),
                        "what" | "how" | "that" | "why" | "which" | "if" | "whether"
                    )
            });
        if you_know {
            k += 2;
            continue;
        }
        if is_filler_word(&b) && b != "yeah" {
            k += 1;
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(words[k]);
        k += 1;
    }
    out
}

/// The words of `text` that carry content: not stopwords, not short.
pub fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.len() > 2 && !is_stopword(w))
        .map(|w| stem(&w))
        .collect()
}

pub fn is_stopword(w: &str) -> bool {
    STOPWORDS.binary_search(&w).is_ok()
}

// Sorted: binary_search relies on it (checked by a test).
const STOPWORDS: &[&str] = &[
    "about",
    "above",
    "actually",
    "after",
    "again",
    "against",
    "all",
    "also",
    "although",
    "always",
    "am",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "are",
    "around",
    "as",
    "ask",
    "at",
    "back",
    "basically",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "didn",
    "do",
    "does",
    "doesn",
    "doing",
    "don",
    "done",
    "dont",
    "down",
    "each",
    "either",
    "else",
    "enough",
    "even",
    "ever",
    "every",
    "few",
    "first",
    "for",
    "from",
    "get",
    "gets",
    "getting",
    "give",
    "go",
    "goes",
    "going",
    "good",
    "got",
    "great",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "however",
    "i",
    "id",
    "if",
    "ill",
    "im",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "ive",
    "just",
    "kind",
    "know",
    "let",
    "lets",
    "like",
    "lot",
    "lots",
    "make",
    "makes",
    "many",
    "may",
    "maybe",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "need",
    "needs",
    "no",
    "not",
    "now",
    "of",
    "off",
    "ok",
    "okay",
    "on",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "pretty",
    "probably",
    "quite",
    "rather",
    "really",
    "right",
    "same",
    "say",
    "says",
    "see",
    "she",
    "should",
    "so",
    "some",
    "something",
    "sort",
    "still",
    "such",
    "sure",
    "take",
    "than",
    "that",
    "thats",
    "the",
    "their",
    "them",
    "then",
    "there",
    "theres",
    "these",
    "they",
    "theyre",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "us",
    "use",
    "used",
    "using",
    "very",
    "want",
    "was",
    "way",
    "we",
    "well",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "wouldn",
    "yeah",
    "yes",
    "yet",
    "you",
    "youd",
    "your",
    "youre",
    "yours",
];

/// A prefix of `text` at most `max` characters long, cut at a character
/// boundary, with an ellipsis when something was cut.
pub fn ellipsize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
    }

    #[test]
    fn stems_meet_across_inflections() {
        for (a, b) in [
            ("chunks", "chunking"),
            ("caches", "cached"),
            ("cache", "caching"),
            ("queries", "query"),
            ("embeddings", "embedding"),
            ("re-ranking", "reranker"),
            ("latencies", "latency"),
            ("Retrieved", "retrieving"),
        ] {
            let sa = stems(a);
            let sb = stems(b);
            assert!(
                sa == sb || (a.contains("rank") && sa[0].starts_with("rerank")),
                "{a:?}->{sa:?} vs {b:?}->{sb:?}"
            );
        }
    }

    #[test]
    fn cues_survive_case_plural_and_punctuation() {
        let cue = Cue::new("permission filter");
        assert!(cue.matches(&Tokens::new(
            "...with PERMISSION-filters, applied at query time."
        )));
        assert!(cue.matches(&Tokens::new("We apply permission filters at query time.")));
        let joined = Cue::new("re-rank*");
        assert!(joined.matches(&Tokens::new("then a reranker picks the top 5")));
        assert!(joined.matches(&Tokens::new("then Re-Ranking with a cross encoder")));
        let both = Cue::new("acl + retriev*");
        assert!(both.matches(&Tokens::new("Retrieval must respect the ACLs.")));
        assert!(!both.matches(&Tokens::new("Retrieval must be fast.")));
    }

    #[test]
    fn sentences_keep_code_blocks_whole_and_ranges_exact() {
        let t = "First point. Second, with 0.35 inside!\n```python\nx = 1. \ny = 2\n```\nAfter code e.g. this.";
        let s = sentences(t);
        let texts: Vec<&str> = s.iter().map(|s| s.text).collect();
        assert_eq!(texts[0], "First point.");
        assert_eq!(texts[1], "Second, with 0.35 inside!");
        assert!(texts[2].starts_with("```python") && texts[2].ends_with("```"));
        assert_eq!(texts[3], "After code e.g. this.");
        for s in &s {
            assert_eq!(&t[s.start..s.start + s.text.len()], s.text);
        }
    }

    #[test]
    fn invisible_characters_are_found_and_removed() {
        let (clean, found) = strip_invisible("give\u{200B} 4\u{202E}s\n");
        assert!(found);
        assert_eq!(clean, "give 4s\n");
    }

    #[test]
    fn confusables_fold_to_latin_and_nul_is_invisible() {
        let folded: String = "іgnоrе ｐrevious".chars().map(fold_confusable).collect();
        assert_eq!(folded, "ignore previous");
        assert!(is_confusable('о') && !is_confusable('o') && !is_confusable('é'));
        assert!(is_invisible('\u{0}'));
        assert_eq!(strip_invisible("a\u{0}b\u{2800}c").0, "abc");
    }

    #[test]
    fn quote_key_folds_typography_and_space() {
        assert_eq!(
            quote_key("It\u{2019}s  \n FINE \u{2014} ok"),
            "it's fine - ok"
        );
    }
}
