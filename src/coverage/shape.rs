//! Whether an answer is an answer at all: empty, "I don't know", another
//! language, a paste without sentence structure (a keyword dump, a word
//! salad), or prose about something else.

use super::words;
use crate::rounds::Question;
use crate::text;

/// What kind of non-answer an answer is, if it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Answer,
    Empty,
    DontKnow,
    Foreign,
    /// Words without sentence structure: pasted keywords, a word salad.
    Pasted,
    OffTopic,
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
    "can't remember",
    "cannot remember",
    "don't remember",
    "never done",
    "never worked",
    "haven't done",
    "no experience",
    "i have no",
    "i'd have to look",
    "i would have to look",
    "pass",
    "skip",
    "next",
];

/// "I don't know" and its kin, with (almost) nothing else said.
pub fn dont_know(clean: &str, words: &[String]) -> bool {
    let lower = clean.to_lowercase().replace('\u{2019}', "'");
    let Some(phrase) = DONT_KNOW.iter().find(|p| contains_phrase(&lower, p)) else {
        return false;
    };
    // "pass", "skip" and "next" mean it only when they are all there is
    if matches!(*phrase, "pass" | "skip" | "next") && words.len() > 3 {
        return false;
    }
    let said: Vec<String> = text::content_stems(&lower.replace(phrase, " "));
    let filler = [
        "honest", "honestly", "sorry", "realli", "idea", "thi", "question", "sure",
    ];
    said.iter()
        .filter(|w| !filler.contains(&w.as_str()))
        .count()
        <= 2
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    haystack.match_indices(phrase).any(|(i, _)| {
        let before = haystack[..i].chars().last();
        let after = haystack[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// English function words: what sentence structure is made of.
fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "and"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "to"
            | "of"
            | "it"
            | "in"
            | "on"
            | "at"
            | "by"
            | "for"
            | "with"
            | "from"
            | "that"
            | "this"
            | "these"
            | "i"
            | "we"
            | "you"
            | "they"
            | "he"
            | "she"
            | "would"
            | "will"
            | "if"
            | "so"
            | "but"
            | "or"
            | "not"
            | "what"
            | "because"
            | "then"
            | "than"
            | "as"
            | "do"
            | "does"
            | "can"
            | "could"
            | "should"
            | "my"
            | "our"
            | "their"
            | "its"
            | "which"
            | "when"
            | "where"
            | "how"
            | "there"
            | "have"
            | "has"
            | "had"
            | "into"
            | "about"
            | "id"
            | "im"
            | "ive"
            | "dont"
            | "its'"
            | "each"
            | "every"
            | "all"
            | "no"
            | "one"
    )
}

/// Function words of the languages a non-English answer is most often in.
fn is_foreign_function_word(w: &str) -> bool {
    matches!(
        w,
        // German
        "der" | "die" | "das" | "und" | "ist" | "nicht" | "ich" | "wir" | "mit" | "auf"
            | "für" | "ein" | "eine" | "zu" | "den" | "dem" | "von" | "sie" | "es" | "würde"
            // French
            | "le" | "la" | "les" | "et" | "est" | "je" | "nous" | "pas" | "une" | "des"
            | "du" | "pour" | "avec" | "que" | "qui" | "dans" | "sur" | "ce"
            // Spanish, Portuguese, Italian
            | "el" | "los" | "las" | "y" | "por" | "para" | "con" | "una"
            | "del" | "lo" | "se" | "um" | "uma" | "não" | "il" | "di" | "che" | "non"
            // Dutch
            | "het" | "een" | "niet" | "ik" | "wij" | "van" | "voor" | "ook"
    )
}

/// Mostly another script, or function words of another language.
pub fn is_foreign(words: &[String]) -> bool {
    if words.len() < 8 {
        return false;
    }
    let non_latin = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
        .count();
    let accented_latin = words
        .iter()
        .filter(|w| {
            w.chars()
                .any(|c| c.is_alphabetic() && !c.is_ascii() && c < '\u{0250}')
        })
        .count();
    if non_latin * 2 > words.len() && accented_latin * 2 <= non_latin {
        return true;
    }
    let foreign = words.iter().filter(|w| is_foreign_function_word(w)).count();
    let english = words.iter().filter(|w| is_function_word(w)).count();
    foreign * 6 >= words.len() && foreign > english
}

/// Eight words or more with almost no English function words (the test
/// the offline scorer has always used for "not English prose").
pub fn lacks_function_words(words: &[String]) -> bool {
    let function = words.iter().filter(|w| is_function_word(w)).count();
    words.len() >= 8 && function * 25 < words.len()
}

/// Words without the glue of sentences: a keyword dump, a word salad, the
/// same few words over and over. Code is not prose and is never this.
pub fn is_pasted(clean: &str) -> bool {
    if is_log_dump(clean) {
        return true;
    }
    let prose: String = text::sentences(clean)
        .iter()
        .filter(|s| !s.text.starts_with("```") && !looks_like_code(s.text))
        .map(|s| s.text)
        .collect::<Vec<_>>()
        .join(" ");
    let w = text::words(&prose);
    if w.len() < 12 {
        return false;
    }
    let function = w.iter().filter(|x| is_function_word(x)).count();
    let distinct: std::collections::BTreeSet<&String> = w.iter().collect();
    // a real sentence is about a third function words, and notes and
    // non-native English stay well above a tenth; the vocabulary of real
    // text keeps growing (roughly with the square root of its length),
    // while a paste repeated over and over stops at its few words
    let n = w.len();
    function * 12 < n || (n >= 20 && distinct.len() * distinct.len() < 9 * n)
}

/// Lines a machine wrote: most of at least four lines lead with a
/// timestamp or a log level (in the first three tokens, after any line
/// number). Its `key=value` pairs look like code to the prose test, so
/// logs need their own.
fn is_log_dump(clean: &str) -> bool {
    let lines: Vec<&str> = clean.lines().filter(|l| !l.trim().is_empty()).collect();
    let logged = lines
        .iter()
        .filter(|l| l.split_whitespace().take(3).any(is_log_token))
        .count();
    lines.len() >= 4 && logged * 5 >= lines.len() * 3
}

/// `2026-11-03T10:00:11Z`, `10:00:11`, `[2026-11-03`, `INFO`, `[WARN]`.
fn is_log_token(token: &str) -> bool {
    let t = token.trim_matches(|c: char| "[]()<>:,".contains(c));
    let level = matches!(
        t,
        "TRACE" | "DEBUG" | "INFO" | "WARN" | "WARNING" | "ERROR" | "FATAL" | "CRITICAL"
    );
    let digits_with = |sep: char, parts: usize| {
        let p: Vec<&str> = t.split(sep).collect();
        p.len() >= parts
            && p[..parts]
                .iter()
                .all(|x| x.len() >= 2 && x.starts_with(|c: char| c.is_ascii_digit()))
    };
    level || digits_with('-', 3) || digits_with(':', 3)
}

fn looks_like_code(s: &str) -> bool {
    let marks = s.matches(['=', '(', ')', '[', ']', '{', '}', ';']).count();
    marks * 8 > s.split_whitespace().count().max(1) && marks >= 3
}

/// Shares little with the question: under a quarter of the answer's
/// content words occur in the question, its key points, their probes or
/// the follow-ups (cue lists are left out: they hold the generic words of
/// a whole field).
pub fn is_off_topic(question: &Question, clean: &str) -> bool {
    let mut vocabulary = format!("{} {}", question.title, question.text);
    for k in &question.key_points {
        for piece in [&k.point, &k.probe, &k.concept] {
            vocabulary.push(' ');
            vocabulary.push_str(piece);
        }
    }
    for f in &question.follow_ups {
        vocabulary.push(' ');
        vocabulary.push_str(f);
    }
    let known: std::collections::BTreeSet<String> =
        words::content_lemmas(&vocabulary).into_iter().collect();
    // numbers say nothing about the topic
    let content: std::collections::BTreeSet<String> = words::content_lemmas(clean)
        .into_iter()
        .filter(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let overlap = content.iter().filter(|w| known.contains(*w)).count();
    overlap == 0 || (content.len() >= 8 && overlap * 4 < content.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        text::words(s)
    }

    #[test]
    fn dont_know_only_when_nothing_else_is_said() {
        for s in [
            "Not sure.",
            "Honestly, I don't know.",
            "no idea sorry",
            "pass",
        ] {
            assert!(dont_know(s, &w(s)), "{s}");
        }
        for s in [
            "I'm not sure, but I would chunk by heading and evaluate on a golden set.",
            "I'd skip the re-ranker at first and use BM25 plus vectors.",
            "Next I would measure recall on real queries.",
        ] {
            assert!(!dont_know(s, &w(s)), "{s}");
        }
    }

    #[test]
    fn pasted_text_is_told_from_terse_notes_and_code() {
        assert!(is_pasted("SMOTE ADASYN undersampling oversampling focal loss class weights XGBoost LightGBM CatBoost AUC ROC PR curve F1 recall precision"));
        assert!(is_pasted(&"retrieval embeddings vector ".repeat(30)));
        assert!(!is_pasted("Missing opt.zero_grad(), grads accumulate across steps. Log the grad norm to confirm it. Don't just clip, that hides it."));
        assert!(!is_pasted(
            "```python\ndef f(x):\n    return sorted(x, key=lambda p: p[0])\n```"
        ));
        let log: String = (0..6)
            .map(|i| {
                format!(
                    "L{i:05} 2026-11-03T10:0{i}:11Z INFO worker-3 request_id=ab{i}c status=200\n"
                )
            })
            .collect();
        assert!(is_pasted(&log));
        assert!(is_pasted(
            &log.replace("L0000", "").replace("2026-11-03T", "")
        ));
        // an answer that quotes one log line is still an answer
        assert!(!is_pasted("The worker logged `2026-11-03T10:00:11Z ERROR timeout` once, then recovered.\nI'd alert on the error rate, not single lines.\nAnd I'd keep the logs for a week.\nThat is enough to debug it."));
        assert!(!is_pasted("so what I would do is first split the pages by heading and then embed each piece and keep the page permissions with it so nobody sees what they should not"));
    }

    #[test]
    fn other_languages_are_not_salad() {
        assert!(is_foreign(&w(
            "Ich würde die Seiten zuerst nach Überschriften aufteilen und dann indexieren."
        )));
        assert!(is_foreign(&w(
            "Je vais découper les pages par titre et ensuite les indexer pour la recherche."
        )));
        assert!(!is_foreign(&w(
            "SMOTE ADASYN undersampling oversampling focal loss class weights XGBoost"
        )));
    }
}
