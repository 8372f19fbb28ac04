//! `mockround diagnose`: the article's six self-assessment questions and its
//! routing key, which turn "I feel unprepared" into "start with this round".
//!
//! Each question is answered yes, partly or no. What counts as *stuck*:
//! every "no" is stuck. "Partly" is stuck only when no question got a "no":
//! the questions ask for things done under interview conditions ("without
//! notes", "from memory", "in 30 minutes"), so a partial answer is still a
//! gap — but a clear "no" elsewhere is the bigger one and routes first.
//!
//! The routing key, applied exactly and in its own order (the first line
//! that matches picks the starting round; other stuck rounds follow):
//!
//! - stuck on Q1 or Q5: start with ML fundamentals
//! - stuck on Q2 or Q6: start with system design
//! - stuck on Q3: start with coding
//! - stuck on Q4: start with behavioral
//! - stuck across all (a stuck question in each of the four rounds): start
//!   with ML fundamentals, compress ML fundamentals and coding, prioritise
//!   system design
//!
//! Nothing stuck: start with system design, the highest-stakes round and the
//! one most often under-prepared, and let a mock confirm it.
//!
//! Answers come from stdin when it is not a terminal (one per line, blank
//! lines and `#` comments ignored), so the diagnostic can be scripted. The
//! result is saved 0600 in the data dir, where `progress` and `plan` read it.

use std::io::{self, BufRead};
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub const DIAGNOSTIC_VERSION: u32 = 1;

/// The six questions, in the article's order, with the round each maps to.
pub const QUESTIONS: [(&str, &str); 6] = [
    (
        "Without notes, can you explain how attention differs from convolution, with an example of the latency tradeoff between them?",
        "ml-fundamentals",
    ),
    (
        "In 30 minutes, can you sketch a production RAG pipeline end to end, including how you chunk and how retrieval is scored?",
        "system-design",
    ),
    (
        "From memory, can you implement scaled dot-product attention in Python?",
        "coding",
    ),
    (
        "Have you written a coherent account of an AI failure you shipped: what you did wrong and how you would prevent it?",
        "behavioral",
    ),
    (
        "Can you explain why a fine-tuned model can do worse than zero-shot prompting on a given kind of task, and name when each one wins?",
        "ml-fundamentals",
    ),
    (
        "Have you designed an agentic system with a planner, a tool registry and a memory module, even on paper?",
        "system-design",
    ),
];

/// The four rounds in the article's phase order.
pub const PHASES: [&str; 4] = ["ml-fundamentals", "system-design", "coding", "behavioral"];

/// How the article names each phase, for sentences.
pub fn phase_name(round: &str) -> &str {
    match round {
        "ml-fundamentals" => "ML fundamentals",
        "system-design" => "system design",
        "coding" => "coding",
        "behavioral" => "behavioral",
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    Partly,
    No,
}

impl Answer {
    pub fn parse(s: &str) -> Option<Answer> {
        match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" => Some(Answer::Yes),
            "partly" | "p" | "partially" | "partial" | "somewhat" => Some(Answer::Partly),
            "no" | "n" => Some(Answer::No),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::Partly => "partly",
            Answer::No => "no",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRecord {
    /// 1–6, as numbered in the article.
    pub question: u8,
    pub round: String,
    pub answer: Answer,
}

/// A diagnostic result, as saved in `diagnostic.json` and printed by
/// `diagnose --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub version: u32,
    pub at: Timestamp,
    pub answers: Vec<AnswerRecord>,
    /// Question numbers counted as stuck.
    pub stuck: Vec<u8>,
    /// Which answer made a question stuck: `no`, `partly`, or `none`.
    pub stuck_rule: String,
    /// The routing key line that applied: a round id, `all`, or `none`.
    pub branch: String,
    /// The round to start with.
    pub start: String,
    /// Every round in the order to work through them.
    pub order: Vec<String>,
    /// Rounds to compress (the "stuck across all" line).
    pub compress: Vec<String>,
    /// The round to give the most time (the "stuck across all" line).
    pub prioritize: Option<String>,
    /// One sentence on why.
    pub reason: String,
}

/// Apply the routing key to six answers.
pub fn route(answers: &[Answer; 6], at: Timestamp) -> Diagnosis {
    let stuck_answer = if answers.contains(&Answer::No) {
        Some(Answer::No)
    } else if answers.contains(&Answer::Partly) {
        Some(Answer::Partly)
    } else {
        None
    };
    let stuck = Stuck {
        questions: answers
            .iter()
            .enumerate()
            .filter(|(_, a)| Some(**a) == stuck_answer)
            .map(|(i, _)| i as u8 + 1)
            .collect(),
    };
    let line = key_line(&stuck);
    let order = work_order(answers, &stuck, &line);
    Diagnosis {
        version: DIAGNOSTIC_VERSION,
        at,
        answers: answers
            .iter()
            .enumerate()
            .map(|(i, a)| AnswerRecord {
                question: i as u8 + 1,
                round: QUESTIONS[i].1.to_string(),
                answer: *a,
            })
            .collect(),
        stuck: stuck.questions,
        stuck_rule: stuck_answer
            .map(|a| a.as_str())
            .unwrap_or("none")
            .to_string(),
        branch: line.branch.to_string(),
        start: line.start.to_string(),
        order,
        compress: line.compress,
        prioritize: line.prioritize,
        reason: line.reason,
    }
}

/// The article's routing key: which questions point at which round.
const KEY: [(&[u8], &str); 4] = [
    (&[1, 5], "ml-fundamentals"),
    (&[2, 6], "system-design"),
    (&[3], "coding"),
    (&[4], "behavioral"),
];

/// The questions counted as stuck.
struct Stuck {
    questions: Vec<u8>,
}

impl Stuck {
    fn on(&self, q: u8) -> bool {
        self.questions.contains(&q)
    }

    fn round(&self, round: &str) -> bool {
        QUESTIONS
            .iter()
            .enumerate()
            .any(|(i, (_, r))| *r == round && self.on(i as u8 + 1))
    }

    /// "Q2 and Q6": the stuck ones among `nums`.
    fn named(&self, nums: &[u8]) -> String {
        nums.iter()
            .filter(|n| self.on(**n))
            .map(|n| format!("Q{n}"))
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

/// The line of the key that applies, and what it says.
struct KeyLine {
    /// A round id, `all`, or `none`.
    branch: &'static str,
    start: &'static str,
    reason: String,
    compress: Vec<String>,
    prioritize: Option<String>,
}

fn key_line(stuck: &Stuck) -> KeyLine {
    if stuck.questions.is_empty() {
        return KeyLine {
            branch: "none",
            start: "system-design",
            reason: "No question was a gap, so start with system design: the highest-stakes round and the one most often under-prepared. Let a mock confirm where you stand.".to_string(),
            compress: vec![],
            prioritize: None,
        };
    }
    if PHASES.iter().all(|r| stuck.round(r)) {
        return KeyLine {
            branch: "all",
            start: "ml-fundamentals",
            reason: "Stuck across all four rounds: start with ML fundamentals, keep ML fundamentals and coding compressed, and give system design the most time.".to_string(),
            compress: vec!["ml-fundamentals".to_string(), "coding".to_string()],
            prioritize: Some("system-design".to_string()),
        };
    }
    let (nums, round) = KEY
        .iter()
        .find(|(nums, _)| nums.iter().any(|n| stuck.on(*n)))
        .copied()
        .expect("some question is stuck, and every question is in the key");
    KeyLine {
        branch: round,
        start: round,
        reason: format!(
            "Stuck on {}: the routing key starts you at {}.",
            stuck.named(nums),
            phase_name(round)
        ),
        compress: vec![],
        prioritize: None,
    }
}

/// Every round in the order to work through them: the start, the round to
/// prioritise, the other stuck rounds, then rounds with a weaker answer
/// that did not count as stuck, then the rest, each group in the key's
/// order.
fn work_order(answers: &[Answer; 6], stuck: &Stuck, line: &KeyLine) -> Vec<String> {
    let mut order = vec![line.start.to_string()];
    let mut push = |r: &str| {
        if !order.iter().any(|o| o == r) {
            order.push(r.to_string());
        }
    };
    if let Some(p) = &line.prioritize {
        push(p);
    }
    for (_, r) in KEY.iter().filter(|(_, r)| stuck.round(r)) {
        push(r);
    }
    let shaky = |round: &str| {
        QUESTIONS
            .iter()
            .zip(answers)
            .any(|((_, r), a)| *r == round && *a != Answer::Yes)
    };
    for (_, r) in KEY.iter().filter(|(_, r)| shaky(r)) {
        push(r);
    }
    for r in PHASES {
        push(r);
    }
    order
}

/// The saved diagnostic, if any. A file that cannot be read is reported as
/// an error so callers can warn and go on without it.
pub fn load_saved(path: &Path) -> Result<Option<Diagnosis>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let d: Diagnosis = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a diagnostic result; run `mockround diagnose` again to replace it",
            path.display()
        )
    })?;
    Ok(Some(d))
}

pub fn save(path: &Path, d: &Diagnosis) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create the data directory {} (set MOCKROUND_HOME to a writable directory)",
                dir.display()
            )
        })?;
    }
    let mut json = serde_json::to_vec_pretty(d)?;
    json.push(b'\n');
    crate::ui::write_private(path, &json)
}

/// Read six answers from a pipe: one per line, blank lines and `#`
/// comments skipped.
/// The six answers from a pipe, one per line.
pub fn read_piped(input: impl BufRead) -> Result<[Answer; 6]> {
    let mut answers = Vec::new();
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line.context("cannot read the answers from stdin")?;
        let line = String::from_utf8_lossy(&line);
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        match Answer::parse(t) {
            Some(a) => answers.push(a),
            None => bail!(
                "stdin line {}: \"{}\" is not an answer; give yes, partly or no, one per line",
                i + 1,
                crate::text::ellipsize(t, 40)
            ),
        }
    }
    let n = answers.len();
    answers.try_into().map_err(|_| {
        anyhow::anyhow!(
            "expected 6 answers on stdin (yes, partly or no, one per line, in question order); got {n}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Answer::*;

    fn r(a: [Answer; 6]) -> Diagnosis {
        route(&a, Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn every_line_of_the_routing_key() {
        assert_eq!(r([No, Yes, Yes, Yes, Yes, Yes]).start, "ml-fundamentals");
        assert_eq!(r([Yes, Yes, Yes, Yes, No, Yes]).start, "ml-fundamentals");
        assert_eq!(r([Yes, No, Yes, Yes, Yes, Yes]).start, "system-design");
        assert_eq!(r([Yes, Yes, Yes, Yes, Yes, No]).start, "system-design");
        assert_eq!(r([Yes, Yes, No, Yes, Yes, Yes]).start, "coding");
        assert_eq!(r([Yes, Yes, Yes, No, Yes, Yes]).start, "behavioral");
        let all = r([No, No, No, No, No, No]);
        assert_eq!(all.branch, "all");
        assert_eq!(all.start, "ml-fundamentals");
        assert_eq!(all.compress, vec!["ml-fundamentals", "coding"]);
        assert_eq!(all.prioritize.as_deref(), Some("system-design"));
        assert_eq!(all.order[..2], ["ml-fundamentals", "system-design"]);
    }

    #[test]
    fn partly_counts_only_without_a_no() {
        let d = r([Partly, No, Yes, Yes, Partly, Yes]);
        assert_eq!(d.stuck, vec![2]);
        assert_eq!(d.start, "system-design");
        let d = r([Yes, Yes, Partly, Yes, Yes, Yes]);
        assert_eq!(
            (d.stuck_rule.as_str(), d.start.as_str()),
            ("partly", "coding")
        );
        assert_eq!(r([Partly; 6]).branch, "all");
        let none = r([Yes; 6]);
        assert_eq!(
            (none.branch.as_str(), none.start.as_str()),
            ("none", "system-design")
        );
    }

    #[test]
    fn the_key_order_decides_between_stuck_rounds() {
        let d = r([Yes, Yes, No, No, Yes, Yes]);
        assert_eq!(d.start, "coding");
        assert_eq!(
            d.order,
            ["coding", "behavioral", "ml-fundamentals", "system-design"]
        );
    }

    #[test]
    fn piped_answers_are_strict_about_count_and_words() {
        let ok = read_piped(&b"yes\n\n# comment\npartly\nno\nY\nn\nP\n"[..]).unwrap();
        assert_eq!(ok, [Yes, Partly, No, Yes, No, Partly]);
        let e = read_piped(&b"yes\nno\n"[..]).unwrap_err().to_string();
        assert!(e.contains("got 2"), "{e}");
        let e = read_piped(&b"yes\nmaybe\n"[..]).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("maybe"), "{e}");
    }
}
