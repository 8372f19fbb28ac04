//! Words as a reader takes them: lemmatised ("built" meets "build",
//! "normalised" meets "normalize"), numbers in words read as digits
//! ("one hundred and twenty" is 120, "two dozen" is 24, "60,000" is 60000),
//! and each word marked when a negation governs it ("we would not shard",
//! "rather than a fixed window", "re-ranking isn't needed").
//!
//! Cues from the bank go through the same reading, so both sides only have
//! to be consistent; the final step is the shared stemmer (`text::stem`).

use crate::text;

/// One word of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Lowercase, as typed (hyphens and apostrophes inside removed).
    pub raw: String,
    /// What it is compared on.
    pub lemma: String,
    /// Index of the clause it belongs to within the sentence.
    pub clause: usize,
    /// The position of the negation that governs it, if any; `usize::MAX`
    /// means "the whole clause" (a negation after it: "X isn't needed").
    pub negated_by: Option<usize>,
}

/// A sentence read into words.
pub fn read(sentence: &str) -> Vec<Word> {
    let tokens = tokenize(sentence);
    let tokens = numbers(tokens);
    let mut words: Vec<Word> = Vec::new();
    let mut clause = 0;
    for t in tokens {
        match t {
            Token::Break => clause += 1,
            Token::Word(raw) => {
                let lemma = lemma(&raw);
                words.push(Word {
                    raw,
                    lemma,
                    clause,
                    negated_by: None,
                });
            }
        }
    }
    mark_negation(&mut words);
    words
}

/// The lemma of one lowercase word.
pub fn lemma(word: &str) -> String {
    if word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    let base = irregular(word).map(str::to_string).unwrap_or_else(|| {
        let w = americanize(word);
        adverb_base(&w).unwrap_or(w)
    });
    text::stem(&base)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    /// A clause boundary: , ; : ( ) and dashes.
    Break,
}

/// Lowercase words and clause breaks. "60,000" and "0.35" stay whole; "%"
/// after a number reads as "percent"; "10x" as "10 times"; "16k" as 16000.
fn tokenize(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    let flush = |cur: &mut String, out: &mut Vec<Token>| {
        if !cur.is_empty() {
            push_word(std::mem::take(cur), out);
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let digit_around = prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit())
            && cur.chars().all(|x| x.is_ascii_digit() || x == '.');
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if (c == ',' || c == '.') && digit_around {
            if c == '.' {
                cur.push('.');
            }
        } else if matches!(c, '-' | '\'' | '\u{2019}' | '_')
            && !cur.is_empty()
            && next.is_some_and(char::is_alphanumeric)
        {
            // joined: "re-rank", "don't"
        } else {
            flush(&mut cur, &mut out);
            match c {
                '%' => out.push(Token::Word("percent".into())),
                ',' | ';' | ':' | '(' | ')' | '\u{2014}' | '\u{2013}' | '"' | '\u{201C}'
                | '\u{201D}' => out.push(Token::Break),
                '-' if prev.is_some_and(char::is_whitespace) => out.push(Token::Break),
                _ => {}
            }
        }
    }
    flush(&mut cur, &mut out);
    out
}

fn push_word(w: String, out: &mut Vec<Token>) {
    let digits = w
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    if digits > 0 && digits < w.len() {
        let (num, rest) = w.split_at(digits);
        match rest {
            "x" => {
                out.push(Token::Word(num.to_string()));
                out.push(Token::Word("times".into()));
                return;
            }
            "k" | "m" | "b" => {
                let scale = match rest {
                    "k" => 1e3,
                    "m" => 1e6,
                    _ => 1e9,
                };
                if let Ok(v) = num.parse::<f64>() {
                    out.push(Token::Word(format_number(v * scale)));
                    return;
                }
            }
            _ => {}
        }
    }
    out.push(Token::Word(w));
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn unit(w: &str) -> Option<f64> {
    const UNITS: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    UNITS.iter().position(|u| *u == w).map(|i| i as f64)
}

fn tens(w: &str) -> Option<f64> {
    const TENS: &[&str] = &[
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    TENS.iter()
        .position(|t| *t == w)
        .map(|i| (i as f64 + 2.0) * 10.0)
}

/// "twentyfour" (from "twenty-four"), "twenty", "seven".
fn small(w: &str) -> Option<f64> {
    if let Some(v) = unit(w).or_else(|| tens(w)) {
        return Some(v);
    }
    for t in [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ] {
        if let Some(rest) = w.strip_prefix(t) {
            if let (Some(a), Some(b)) = (tens(t), unit(rest)) {
                if b < 10.0 {
                    return Some(a + b);
                }
            }
        }
    }
    None
}

fn scale(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(100.0),
        "thousand" => Some(1e3),
        "million" => Some(1e6),
        "billion" => Some(1e9),
        "dozen" => Some(12.0),
        _ => None,
    }
}

/// Numbers written in words become one digit token.
fn numbers(tokens: Vec<Token>) -> Vec<Token> {
    let word = |t: &Token| match t {
        Token::Word(w) => Some(w.clone()),
        Token::Break => None,
    };
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        match parse_number(&tokens, i, &word) {
            Some((value, next)) => {
                out.push(Token::Word(format_number(value)));
                i = next;
            }
            None => {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// A number in words starting at `i`: its value and the index after it.
fn parse_number(
    tokens: &[Token],
    i: usize,
    word: &dyn Fn(&Token) -> Option<String>,
) -> Option<(f64, usize)> {
    let w = |k: usize| tokens.get(k).and_then(word);
    let first = w(i)?;
    // "a hundred", "a dozen", "a thousand"
    let (mut total, mut current, mut j) = if first == "a" {
        let s = scale(&w(i + 1)?)?;
        (0.0, s, i + 2)
    } else if let Some(v) = small(&first) {
        (0.0, v, i + 1)
    } else if first.chars().all(|c| c.is_ascii_digit())
        && w(i + 1).is_some_and(|n| scale(&n).is_some())
    {
        // "60 thousand", "2 dozen"
        (0.0, first.parse().ok()?, i + 1)
    } else {
        return None;
    };
    let mut words_used = j - i;
    while let Some(next) = w(j) {
        if let Some(s) = scale(&next) {
            if s >= 1000.0 {
                total += current * s;
                current = 0.0;
            } else {
                current *= s;
            }
            j += 1;
        } else if let Some(v) = small(&next) {
            // "hundred and twenty", "hundred twenty"
            if current % 100.0 == 0.0 && current > 0.0 || total > 0.0 && current == 0.0 {
                current += v;
                j += 1;
            } else {
                break;
            }
        } else if next == "and"
            && w(j + 1).is_some_and(|n| small(&n).is_some())
            && (current >= 100.0 || total > 0.0)
        {
            j += 1;
        } else {
            break;
        }
        words_used += 1;
    }
    let mut value = total + current;
    // "ninety nine point eight"
    if w(j).as_deref() == Some("point") {
        let mut k = j + 1;
        let mut frac = String::new();
        while let Some(d) = w(k).and_then(|x| unit(&x)).filter(|d| *d < 10.0) {
            frac.push(char::from(b'0' + d as u8));
            k += 1;
        }
        if !frac.is_empty() {
            value += format!("0.{frac}").parse::<f64>().unwrap_or(0.0);
            j = k;
            words_used += 1;
        }
    }
    // a lone "one" is a pronoun as often as a number ("the one that"),
    // and a lone "a" is not a number at all
    if words_used == 1 && (first == "one" || first == "a") {
        return None;
    }
    Some((value, j))
}

/// Irregular forms that no suffix rule reaches (sorted: binary search).
const IRREGULAR: &[(&str, &str)] = &[
    ("analyses", "analysis"),
    ("ate", "eat"),
    ("became", "become"),
    ("began", "begin"),
    ("begun", "begin"),
    ("best", "good"),
    ("better", "good"),
    ("bought", "buy"),
    ("broke", "break"),
    ("broken", "break"),
    ("brought", "bring"),
    ("built", "build"),
    ("came", "come"),
    ("caught", "catch"),
    ("children", "child"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("criteria", "criterion"),
    ("did", "do"),
    ("done", "do"),
    ("drawn", "draw"),
    ("drew", "draw"),
    ("driven", "drive"),
    ("drove", "drive"),
    ("fallen", "fall"),
    ("fed", "feed"),
    ("fell", "fall"),
    ("felt", "feel"),
    ("fewer", "few"),
    ("fought", "fight"),
    ("found", "find"),
    ("gave", "give"),
    ("given", "give"),
    ("got", "get"),
    ("gotten", "get"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("had", "have"),
    ("has", "have"),
    ("held", "hold"),
    ("hid", "hide"),
    ("hidden", "hide"),
    ("hypotheses", "hypothesis"),
    ("indices", "index"),
    ("kept", "keep"),
    ("knew", "know"),
    ("known", "know"),
    ("led", "lead"),
    ("left", "leave"),
    ("lost", "lose"),
    ("made", "make"),
    ("matrices", "matrix"),
    ("meant", "mean"),
    ("met", "meet"),
    ("paid", "pay"),
    ("people", "person"),
    ("ran", "run"),
    ("risen", "rise"),
    ("rose", "rise"),
    ("said", "say"),
    ("sat", "sit"),
    ("saw", "see"),
    ("seen", "see"),
    ("sent", "send"),
    ("shown", "show"),
    ("shrank", "shrink"),
    ("shrunk", "shrink"),
    ("slid", "slide"),
    ("sold", "sell"),
    ("spent", "spend"),
    ("split", "split"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("stood", "stand"),
    ("stuck", "stick"),
    ("taken", "take"),
    ("taught", "teach"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("told", "tell"),
    ("took", "take"),
    ("understood", "understand"),
    ("vertices", "vertex"),
    ("went", "go"),
    ("won", "win"),
    ("worse", "bad"),
    ("worst", "bad"),
    ("written", "write"),
    ("wrote", "write"),
];

fn irregular(w: &str) -> Option<&'static str> {
    IRREGULAR
        .binary_search_by(|(k, _)| k.cmp(&w))
        .ok()
        .map(|i| IRREGULAR[i].1)
}

/// British spellings to American ones, so "normalise", "labelled" and
/// "behaviour" meet "normalize", "labeled" and "behavior".
fn americanize(w: &str) -> String {
    const ISE_EXCEPTIONS: &[&str] = &[
        "advertis",
        "advis",
        "chastis",
        "compris",
        "compromis",
        "concis",
        "despis",
        "devis",
        "disguis",
        "enterpris",
        "exercis",
        "expertis",
        "franchis",
        "improvis",
        "merchandis",
        "noise",
        "otherwis",
        "paradis",
        "precis",
        "premis",
        "promis",
        "prais",
        "rais",
        "revis",
        "supervis",
        "surpris",
        "televis",
        "wis",
        "cruis",
        "bruis",
    ];
    let mut s = w.to_string();
    for (from, to) in [
        ("isation", "ization"),
        ("isations", "izations"),
        ("ise", "ize"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ising", "izing"),
        ("iser", "izer"),
        ("isers", "izers"),
    ] {
        if let Some(base) = s.strip_suffix(from) {
            let stem = format!("{base}is");
            if base.len() >= 3 && !ISE_EXCEPTIONS.iter().any(|e| stem.ends_with(e)) {
                s = format!("{base}{to}");
            }
            break;
        }
    }
    for (from, to) in [("lled", "led"), ("lling", "ling"), ("ller", "ler")] {
        if let Some(base) = s.strip_suffix(from) {
            // "labelled", "modelling", "travelled"; not "filled", "killing"
            if base.len() >= 4 && base.ends_with(['e', 'a', 'o']) {
                s = format!("{base}{to}");
            }
            break;
        }
    }
    if s.len() > 5 {
        for (from, to) in [("our", "or"), ("ours", "ors"), ("oured", "ored")] {
            if let Some(base) = s.strip_suffix(from) {
                if base.len() >= 3
                    && base.ends_with(['v', 'l', 'm', 'n', 'i', 'b'])
                    && !base.ends_with("ll")
                {
                    s = format!("{base}{to}");
                }
                break;
            }
        }
    }
    if let Some(base) = s.strip_suffix("tre") {
        if base.len() >= 3 {
            s = format!("{base}ter");
        }
    }
    s
}

/// "deterministically" -> "deterministic", "strictly" -> "strict".
fn adverb_base(w: &str) -> Option<String> {
    const ENDINGS: &[(&str, &str)] = &[
        ("ically", "ic"),
        ("ally", "al"),
        ("ively", "ive"),
        ("ously", "ous"),
        ("ently", "ent"),
        ("antly", "ant"),
        ("ately", "ate"),
        ("itly", "it"),
        ("ctly", "ct"),
        ("edly", "ed"),
    ];
    if w.len() < 7 {
        return None;
    }
    ENDINGS
        .iter()
        .find_map(|(end, to)| w.strip_suffix(end).map(|b| format!("{b}{to}")))
}

/// A negation word (as a lemma or a raw word), whatever follows it.
pub fn is_negation(w: &str) -> bool {
    matches!(
        w,
        "not"
            | "no"
            | "never"
            | "nor"
            | "neither"
            | "without"
            | "cannot"
            | "dont"
            | "doesnt"
            | "didnt"
            | "wont"
            | "wouldnt"
            | "shouldnt"
            | "cant"
            | "couldnt"
            | "isnt"
            | "arent"
            | "wasnt"
            | "werent"
            | "havent"
            | "hasnt"
            | "hadnt"
            | "mustnt"
            | "neednt"
    )
}

/// Words that negate what follows them in their clause.
fn negator(words: &[Word], i: usize) -> bool {
    let w = words[i].raw.as_str();
    let next = words.get(i + 1).map(|x| x.raw.as_str()).unwrap_or("");
    let same_clause = words
        .get(i + 1)
        .is_some_and(|x| x.clause == words[i].clause);
    match w {
        // "not only", "not just"; "no more than", "no later than"
        "not" => !matches!(next, "only" | "just" | "merely" | "least"),
        "no" => {
            same_clause
                && !next.starts_with(|c: char| c.is_ascii_digit())
                && !matches!(
                    next,
                    "more"
                        | "less"
                        | "later"
                        | "earlier"
                        | "longer"
                        | "sooner"
                        | "matter"
                        | "doubt"
                )
        }
        "never" | "nor" | "neither" | "without" | "cannot" | "dont" | "doesnt" | "didnt"
        | "wont" | "wouldnt" | "shouldnt" | "cant" | "couldnt" | "isnt" | "arent" | "wasnt"
        | "werent" | "havent" | "hasnt" | "hadnt" | "mustnt" | "neednt" => true,
        "instead" => next == "of",
        "rather" => next == "than",
        "avoid" | "skip" | "drop" | "forget" => same_clause,
        _ => false,
    }
}

/// After a negation these make the whole clause a rejection: "time-based
/// splits aren't needed", "a re-ranker is not worth it".
fn needless(w: &str) -> bool {
    matches!(
        w,
        "need"
            | "needed"
            | "necessary"
            | "required"
            | "worth"
            | "useful"
            | "helpful"
            | "help"
            | "matter"
            | "important"
            | "relevant"
            | "problem"
            | "issue"
    )
}

/// Words that end a negation's reach inside a clause.
fn scope_break(words: &[Word], i: usize) -> bool {
    let w = words[i].raw.as_str();
    let next = words.get(i + 1).map(|x| x.raw.as_str()).unwrap_or("");
    matches!(
        w,
        "but"
            | "however"
            | "though"
            | "although"
            | "because"
            | "since"
            | "so"
            | "which"
            | "while"
            | "whereas"
            | "unless"
            | "except"
            | "until"
            | "then"
    ) || (w == "and" && matches!(next, "we" | "i" | "it" | "they" | "you" | "then" | "the"))
}

/// How many words after a negation it reaches.
const NEGATION_REACH: usize = 6;

fn mark_negation(words: &mut [Word]) {
    let n = words.len();
    for i in 0..n {
        if !negator(words, i) {
            continue;
        }
        let clause = words[i].clause;
        // "X isn't needed": the clause is a rejection, both sides of it
        let rejects_clause = words[i + 1..]
            .iter()
            .take(3)
            .take_while(|w| w.clause == clause)
            .any(|w| needless(&w.raw))
            || words[i].raw == "no" && words.get(i + 1).is_some_and(|w| w.raw == "need");
        if rejects_clause {
            for j in (0..i).rev() {
                if words[j].clause != clause || scope_break(words, j) {
                    break;
                }
                words[j].negated_by.get_or_insert(usize::MAX);
            }
        }
        let start = match words[i].raw.as_str() {
            "instead" | "rather" => i + 2,
            _ => i + 1,
        };
        for (reach, j) in (start..n).enumerate() {
            if words[j].clause != clause || scope_break(words, j) || reach >= NEGATION_REACH {
                break;
            }
            words[j].negated_by.get_or_insert(i);
        }
    }
}

/// Lemmas of the content words of `text` (no stopwords, longer than two
/// letters), negated or not.
pub fn content_lemmas(text: &str) -> Vec<String> {
    read(text)
        .into_iter()
        .filter(|w| is_content(&w.raw))
        .map(|w| w.lemma)
        .collect()
}

/// A word that carries content: not a stopword, and either longer than two
/// letters or a number.
pub fn is_content(raw: &str) -> bool {
    (raw.len() > 2 || raw.chars().all(|c| c.is_ascii_digit())) && !text::is_stopword(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lemmas(s: &str) -> Vec<String> {
        read(s).into_iter().map(|w| w.lemma).collect()
    }

    #[test]
    fn the_irregular_table_is_sorted() {
        assert!(IRREGULAR.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn forms_meet_their_base() {
        for (a, b) in [
            ("built", "build"),
            ("normalised", "normalize"),
            ("labelled", "labeled"),
            ("behaviour", "behavior"),
            ("deterministically", "deterministic"),
            ("wrote", "writing"),
            ("children", "child"),
            ("optimisation", "optimization"),
        ] {
            assert_eq!(lemma(a), lemma(b), "{a} vs {b}");
        }
        // not every -ise is British
        assert_eq!(lemma("promise"), text::stem("promise"));
        assert_eq!(lemma("filled"), text::stem("filled"));
    }

    #[test]
    fn numbers_in_words_read_as_digits() {
        assert_eq!(lemmas("one hundred and twenty failures"), ["120", "failur"]);
        assert_eq!(lemmas("sixty thousand weeks")[0], "60000");
        assert_eq!(
            lemmas("ninety-nine point eight percent")[..2],
            ["99.8", "percent"]
        );
        assert_eq!(
            lemmas("60,000 and 99.8%"),
            ["60000", "and", "99.8", "percent"]
        );
        assert_eq!(lemmas("about two dozen")[1], "24");
        assert_eq!(lemmas("a hundred queries")[0], "100");
        assert_eq!(lemmas("10x the tokens")[..2], ["10", "time"]);
        assert_eq!(lemmas("16k tokens")[0], "16000");
        assert_eq!(lemmas("the one that works")[1], "one");
        assert_eq!(lemmas("twenty-four hours")[0], "24");
    }

    fn negated(s: &str) -> Vec<String> {
        read(s)
            .into_iter()
            .filter(|w| w.negated_by.is_some())
            .map(|w| w.raw)
            .collect()
    }

    #[test]
    fn negation_reaches_the_words_it_governs() {
        assert!(negated("We would not shard the index").contains(&"shard".to_string()));
        assert!(negated("I wouldn't bother chunking the pages").contains(&"chunking".to_string()));
        let n = negated("split by heading rather than fixed windows");
        assert!(n.contains(&"fixed".to_string()) && !n.contains(&"heading".to_string()));
        let n = negated("Time-based splits aren't needed here");
        assert!(n.contains(&"splits".to_string()), "{n:?}");
        // a new clause ends it
        let n = negated("We don't chunk, we embed whole pages");
        assert!(!n.contains(&"embed".to_string()));
        let n = negated("not only recall but also precision");
        assert!(n.is_empty(), "{n:?}");
        assert!(negated("no later than the end").is_empty());
        let n = negated("no re-ranker at first");
        assert!(n.contains(&"reranker".to_string()));
    }
}
