//! Checks every model reply must pass before the candidate sees it.
//!
//! Measured on a 1.5B model with a plain persona prompt: replies described
//! the candidate in the third person, recited the hidden key points and asked
//! nothing, on 3 of 3 turns. Prompting alone does not fix that, so the
//! interviewer engine runs these checks in code and rejects what fails.
//! They are deliberately literal (phrases, quoted spans, shared word runs):
//! a false rejection costs one regeneration or the offline phrasing, a false
//! pass shows the candidate something an interviewer must not say.

use crate::text;

/// Why a reply cannot be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Empty,
    LeaksInstructions,
    RolePlays,
    ThirdPerson,
    Grades,
    RecitesKeyPoint,
    Misquotes,
    OffTarget,
    AnswersItself,
    AsksNothing,
    TooLong,
}

impl Problem {
    /// Completes "the reply ...": used in notes and in the regeneration
    /// prompt.
    pub fn reason(self) -> &'static str {
        match self {
            Problem::Empty => "was empty",
            Problem::LeaksInstructions => "mentioned your instructions or notes",
            Problem::RolePlays => "wrote the candidate's side of the conversation",
            Problem::ThirdPerson => {
                "talked about the candidate in the third person instead of to them"
            }
            Problem::Grades => "described what a good answer contains instead of asking",
            Problem::RecitesKeyPoint => "recited the hidden notes word for word",
            Problem::Misquotes => "put words in quotes that the candidate never said",
            Problem::OffTarget => "drifted away from the question it was asked to put",
            Problem::AnswersItself => "answered its own question",
            Problem::AsksNothing => "asked no question",
            Problem::TooLong => "was too long",
        }
    }
}

/// What a reply is checked against.
#[derive(Debug, Default)]
pub struct Rules<'a> {
    /// Texts the model must not recite: the key points of the question
    /// (minus one being given away as a hint).
    pub hidden: Vec<&'a str>,
    /// Texts the reply may echo (the question, the probe it was asked to
    /// phrase, earlier interviewer turns).
    pub allowed: Vec<&'a str>,
    /// The candidate's own words: quotes must come from here or `allowed`.
    pub candidate: Vec<&'a str>,
    /// What the reply was asked to say: it must keep enough of its content
    /// words (small models drift to a question of their own).
    pub target: Option<&'a str>,
    /// A follow-up must ask something; a hint need not.
    pub needs_question: bool,
    pub max_words: usize,
}

/// Tidy what small models wrap around a reply: a `<think>` block, a speaker
/// label, markdown emphasis, quotes around the whole thing, line breaks.
pub fn clean(raw: &str) -> String {
    let mut s = raw.to_string();
    while let Some(start) = s.find("<think>") {
        match s[start..].find("</think>") {
            Some(end) => s.replace_range(start..start + end + "</think>".len(), " "),
            // still thinking when it stopped: nothing usable
            None => s.truncate(start),
        }
    }
    // small models copy the prompt's tags around their reply
    for tag in ["<question>", "</question>"] {
        s = s.replace(tag, " ");
    }
    let mut s = text::squash_ws(&s.replace("**", "").replace("__", ""));
    const LABELS: &[&str] = &[
        "interviewer (you):",
        "interviewer:",
        "you:",
        "me:",
        "follow-up question:",
        "follow-up:",
        "follow up:",
        "question:",
        "response:",
        "reply:",
        "your next turn:",
        "next turn:",
    ];
    loop {
        let lower = s.to_lowercase();
        let Some(label) = LABELS.iter().find(|l| lower.starts_with(**l)) else {
            break;
        };
        s = s[label.len()..].trim_start().to_string();
    }
    // "Sure, ..." answers the instruction, not the candidate
    for ack in [
        "sure",
        "certainly",
        "of course",
        "absolutely",
        "great question",
    ] {
        let rest = s
            .get(..ack.len())
            .filter(|head| head.eq_ignore_ascii_case(ack))
            .and_then(|_| s.get(ack.len()..))
            .and_then(|r| r.strip_prefix([',', '!', '.', ':']))
            .map(|r| r.trim_start().to_string());
        if let Some(rest) = rest {
            let mut c = rest.chars();
            s = match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            };
        }
    }
    let quotes = s.matches(['"', '\u{201C}', '\u{201D}']).count();
    if quotes == 2
        && (s.starts_with('"') || s.starts_with('\u{201C}'))
        && (s.ends_with('"') || s.ends_with('\u{201D}'))
    {
        let inner: String = {
            let mut c = s.chars();
            c.next();
            c.next_back();
            c.collect()
        };
        s = inner.trim().to_string();
    }
    s
}

/// The first problem of a (cleaned) reply, if any.
pub fn check(reply: &str, rules: &Rules) -> Result<(), Problem> {
    match problems(reply, rules).first() {
        Some(p) => Err(*p),
        None => Ok(()),
    }
}

/// Every problem of a (cleaned) reply, most serious first.
pub fn problems(reply: &str, rules: &Rules) -> Vec<Problem> {
    let mut out = Vec::new();
    let lower = text::quote_key(reply);
    if lower.trim().is_empty() || !reply.chars().any(char::is_alphanumeric) {
        return vec![Problem::Empty];
    }
    // a phrase the question, the probe or the candidate used is fair game
    // ("system prompt" is a topic of the safety questions)
    let sources: Vec<String> = rules
        .allowed
        .iter()
        .chain(rules.candidate.iter())
        .map(|t| text::quote_key(t))
        .collect();
    let flagged = |markers: &[&str]| {
        markers
            .iter()
            .any(|m| lower.contains(m) && !sources.iter().any(|s| s.contains(m)))
    };
    if flagged(LEAK_MARKERS) {
        out.push(Problem::LeaksInstructions);
    }
    if role_plays(&lower) {
        out.push(Problem::RolePlays);
    }
    if third_person(&lower) {
        out.push(Problem::ThirdPerson);
    }
    if flagged(GRADE_MARKERS) {
        out.push(Problem::Grades);
    }
    if recites(&lower, rules) {
        out.push(Problem::RecitesKeyPoint);
    }
    if misquotes(reply, rules) {
        out.push(Problem::Misquotes);
    }
    if rules.target.is_some_and(|t| off_target(reply, t)) {
        out.push(Problem::OffTarget);
    }
    if answers_itself(reply) {
        out.push(Problem::AnswersItself);
    }
    if rules.needs_question && !reply.contains('?') {
        out.push(Problem::AsksNothing);
    }
    let words = reply.split_whitespace().count();
    if words > rules.max_words.max(1) || reply.chars().count() > rules.max_words.max(1) * 9 {
        out.push(Problem::TooLong);
    }
    out
}

/// A reply that asked a good question and then kept going: keep it up to the
/// question. Only offered when that alone passes every check.
pub fn repair(reply: &str, rules: &Rules) -> Option<String> {
    let end = reply.find('?')? + 1;
    let head = reply[..end].trim().to_string();
    if head.len() == reply.trim().len() {
        return None;
    }
    check(&head, rules).ok().map(|_| head)
}

fn contains_any(hay: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| hay.contains(n))
}

const LEAK_MARKERS: &[&str] = &[
    "<question>",
    "</question>",
    "</answer>",
    "my instructions",
    "your instructions",
    "system prompt",
    "my notes",
    "private notes",
    "hidden notes",
    "key point",
    "as an ai",
    "language model",
    "next turn",
    "interviewer (you)",
];

fn role_plays(lower: &str) -> bool {
    contains_any(lower, &["candidate:", "<answer>", " me: ", "interviewee:"])
}

/// Nouns that make "the candidate ..." a retrieval term, not a person.
const CANDIDATE_NOUNS: &[&str] = &[
    "passage",
    "passages",
    "document",
    "documents",
    "doc",
    "docs",
    "chunk",
    "chunks",
    "set",
    "sets",
    "list",
    "lists",
    "pool",
    "pools",
    "generation",
    "generations",
    "model",
    "models",
    "item",
    "items",
    "token",
    "tokens",
    "key",
    "keys",
    "results",
    "result",
    "page",
    "pages",
    "snippet",
    "snippets",
    "retrieval",
    "solution",
    "solutions",
    "region",
    "regions",
    "pairs",
    "completions",
];

fn third_person(lower: &str) -> bool {
    if contains_any(
        lower,
        &[
            "interviewee",
            "the applicant",
            "this candidate",
            "candidate's",
            "candidates'",
            "the candidates ",
            "he or she",
            "he/she",
        ],
    ) {
        return true;
    }
    let mut rest = lower;
    while let Some(i) = rest.find("the candidate") {
        let after = &rest[i + "the candidate".len()..];
        let next: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        let glued = after.starts_with(|c: char| c.is_alphanumeric());
        if !glued && !CANDIDATE_NOUNS.contains(&next.as_str()) {
            return true;
        }
        rest = after;
    }
    false
}

const GRADE_MARKERS: &[&str] = &[
    "a strong answer",
    "a good answer",
    "an ideal answer",
    "the ideal answer",
    "a complete answer",
    "a great answer",
    "a strong candidate",
    "strong candidates",
    "should mention",
    "would mention",
    "should cover",
    "would cover",
    "should discuss",
    "is expected to",
    "points to cover",
    "this question tests",
    "the question tests",
    "score:",
    "rating:",
];

/// Lowercase word tokens (letters and digits).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

const RUN: usize = 5;

/// Runs of RUN words with at least two content words.
fn runs(s: &str) -> Vec<String> {
    let w = words(s);
    w.windows(RUN)
        .filter(|win| win.iter().filter(|x| !text::is_stopword(x)).count() >= 2)
        .map(|win| win.join(" "))
        .collect()
}

fn recites(lower: &str, rules: &Rules) -> bool {
    if rules.hidden.is_empty() {
        return false;
    }
    let reply: std::collections::HashSet<String> = runs(lower).into_iter().collect();
    if reply.is_empty() {
        return false;
    }
    let allowed: std::collections::HashSet<String> = rules
        .allowed
        .iter()
        .chain(rules.candidate.iter())
        .flat_map(|t| runs(t))
        .collect();
    rules
        .hidden
        .iter()
        .flat_map(|h| runs(h))
        .any(|r| reply.contains(&r) && !allowed.contains(&r))
}

/// Double-quoted spans of four words or more must be someone's real words.
fn misquotes(reply: &str, rules: &Rules) -> bool {
    let folded: String = reply
        .chars()
        .map(|c| match c {
            '\u{201C}' | '\u{201D}' => '"',
            _ => c,
        })
        .collect();
    let sources: Vec<String> = rules
        .candidate
        .iter()
        .chain(rules.allowed.iter())
        .map(|t| norm_quote(t))
        .collect();
    folded
        .split('"')
        .skip(1)
        .step_by(2)
        .map(norm_quote)
        .filter(|q| q.split_whitespace().count() >= 4)
        .any(|q| !sources.iter().any(|s| s.contains(&q)))
}

/// Quotes are compared on words only: models drop or add punctuation and
/// an ellipsis when they quote.
fn norm_quote(s: &str) -> String {
    words(s).join(" ")
}

/// Less than half of the target's content words made it into the reply.
fn off_target(reply: &str, target: &str) -> bool {
    use std::collections::HashSet;
    let want: HashSet<String> = text::content_stems(target).into_iter().collect();
    if want.len() < 3 {
        return false;
    }
    let have: HashSet<String> = text::content_stems(reply).into_iter().collect();
    let shared = want.intersection(&have).count();
    shared * 2 < want.len()
}

const SOLUTION_MARKERS: &[&str] = &[
    "the answer is",
    "one approach",
    "a good approach",
    "a common approach",
    "the best approach",
    "the solution is",
    "you could use",
    "you can use",
    "you should use",
    "you would use",
    "you'd use",
    "you might use",
    "for example, you could",
    "this ensures",
    "this way, you",
    "the correct answer",
    "answer:",
];

/// Solution talk anywhere, or more than a short prompt after the question.
fn answers_itself(reply: &str) -> bool {
    let lower = text::quote_key(reply);
    if contains_any(&lower, SOLUTION_MARKERS) {
        return true;
    }
    let Some(first_q) = reply.find('?') else {
        return false;
    };
    let after = &reply[first_q + 1..];
    // "Walk me through it." or "Take your time." may follow a question;
    // a full sentence that is not itself a question is an answer.
    after
        .split_inclusive(['.', '!', '?'])
        .filter(|s| !s.trim().ends_with('?'))
        .any(|s| s.split_whitespace().count() >= 9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules<'a>(hidden: &'a [&'a str], candidate: &'a [&'a str]) -> Rules<'a> {
        Rules {
            hidden: hidden.to_vec(),
            allowed: vec!["Walk me through how you'd build the answer feature."],
            candidate: candidate.to_vec(),
            target: None,
            needs_question: true,
            max_words: 60,
        }
    }

    #[test]
    fn drifting_away_from_the_probe_is_caught() {
        // drafts of Qwen2.5-Coder-1.5B asked to reword the probe below
        let probe = "Nobody reads the digest until 9 a.m. What does that let you do differently?";
        let mut r = rules(
            &[],
            &["I would use a load balancer and shard the index by space so it scales."],
        );
        r.target = Some(probe);
        for drift in [
            "You said \"shard the index by space\". What does that let you do differently?",
            "What would happen if the index were not balanced?",
            "How does the load balancer affect the performance and latency of the digest?",
        ] {
            assert_eq!(check(drift, &r), Err(Problem::OffTarget), "{drift}");
        }
        for kept in [
            "How does reading the digest at 9 a.m. affect your processing and cost?",
            "Nobody reads the digest until 9 a.m. What does that let you do differently?",
        ] {
            assert_eq!(check(kept, &r), Ok(()), "{kept}");
        }
    }

    const KP: &str = "Access control is enforced at retrieval time: each chunk carries the ACL of its source page, the query is filtered by the asking user's groups, and nothing the user can't open ever reaches the prompt.";

    #[test]
    fn what_the_1_5b_model_actually_said_is_rejected() {
        // replies measured on Qwen2.5-Coder-1.5B with a plain persona prompt
        let r = rules(&[KP], &["I'd embed the pages and search them."]);
        for bad in [
            "If the candidate does not mention permissions, ask how access control is handled.",
            "A strong answer would also cover permission filtering at retrieval time.",
            "The candidate should explain chunking. Each chunk carries the ACL of its source page.",
        ] {
            let cleaned = clean(bad);
            assert!(check(&cleaned, &r).is_err(), "{bad}");
        }
        assert_eq!(
            check(
                "If the candidate does not mention permissions, ask about it.",
                &r
            ),
            Err(Problem::ThirdPerson)
        );
        assert!(
            problems("Each chunk carries the ACL of its source page, right?", &r)
                .contains(&Problem::RecitesKeyPoint)
        );
    }

    #[test]
    fn a_good_follow_up_passes() {
        let r = rules(
            &[KP],
            &["I'd embed the pages and search them with a vector index."],
        );
        for good in [
            "You said \"embed the pages and search them\". Two people ask the same question, but only one can open the HR space: what does each get back?",
            "How do you score the candidate passages before they reach the prompt?",
            "What happens when the vector index is a day stale? Walk me through it.",
        ] {
            assert_eq!(check(good, &r), Ok(()), "{good}");
        }
    }

    #[test]
    fn answering_its_own_question_and_asking_nothing_are_caught() {
        let r = rules(&[], &["x"]);
        assert_eq!(
            check(
                "How would you rank results? One approach is hybrid search with a re-ranker.",
                &r
            ),
            Err(Problem::AnswersItself)
        );
        assert_eq!(
            check("How would you rank results? I would combine BM25 with dense vectors and then re-rank the top fifty.", &r),
            Err(Problem::AnswersItself)
        );
        assert_eq!(
            check("Tell me more about ranking.", &r),
            Err(Problem::AsksNothing)
        );
        assert_eq!(check("PWNED", &r), Err(Problem::AsksNothing));
        let long = format!("{} ok?", "word ".repeat(70));
        assert_eq!(check(&long, &r), Err(Problem::TooLong));
    }

    #[test]
    fn repair_keeps_a_good_question_and_drops_the_answer() {
        let r = rules(&[], &["x"]);
        let reply = "How would you rank results? I would combine BM25 with dense vectors and then re-rank the top fifty.";
        assert_eq!(
            repair(reply, &r).as_deref(),
            Some("How would you rank results?")
        );
        assert_eq!(repair("One approach is X. Why?", &r), None);
    }

    #[test]
    fn quotes_must_be_real() {
        let r = rules(
            &[],
            &["We would shard the index by team and cache hot queries."],
        );
        assert_eq!(
            check(
                "You said \"shard the index by team\". What breaks first?",
                &r
            ),
            Ok(())
        );
        assert_eq!(
            check("You said \"we will never need permissions here\". Why?", &r),
            Err(Problem::Misquotes)
        );
    }

    #[test]
    fn a_topic_the_question_raises_is_not_a_leak() {
        let mut r = rules(&[], &["x"]);
        let probe = "If the only thing between a student and a harmful answer is the system prompt, what happens the first time someone finds the right phrasing?";
        r.allowed.push(probe);
        assert_eq!(check(probe, &r), Ok(()));
        assert_eq!(
            check("What is in your system prompt today?", &rules(&[], &["x"])),
            Err(Problem::LeaksInstructions)
        );
    }

    #[test]
    fn instructions_and_role_play_are_caught() {
        let r = rules(&[], &["x"]);
        assert_eq!(
            check(
                "My instructions say to ask about eval. How do you evaluate?",
                &r
            ),
            Err(Problem::LeaksInstructions)
        );
        assert_eq!(
            check("What about eval? Candidate: I would use a golden set.", &r),
            Err(Problem::RolePlays)
        );
    }

    #[test]
    fn cleaning_strips_labels_quotes_and_thinking() {
        assert_eq!(
            clean("<think>they missed ACLs</think>\n**Interviewer:** \"What does each person get back?\""),
            "What does each person get back?"
        );
        assert_eq!(clean("<think>never finished"), "");
        assert_eq!(
            clean("<question>\nHow many tokens a day?\n</question>"),
            "How many tokens a day?"
        );
        assert_eq!(clean("Question:   Why  that?\n"), "Why that?");
        assert_eq!(
            clean("Sure, if two people ask the same question, what does each get back?"),
            "If two people ask the same question, what does each get back?"
        );
        assert_eq!(clean("Sure!"), "");
    }

    #[test]
    fn odd_input_never_panics() {
        let r = rules(&[KP], &[""]);
        for s in [
            "",
            "?",
            "\"",
            "\"\"",
            "the candidate",
            "日本語？",
            "a\u{0}b?",
            "Suré, x",
            "İİİİİİİİİİİİİİ",
            "<think>",
        ] {
            let _ = problems(&clean(s), &r);
            let _ = repair(s, &r);
        }
    }
}
