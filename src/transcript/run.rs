//! The `run` event: one run of the candidate's code against the question's
//! test suite, as the transcript keeps it, and what it says in words.
//!
//! It is the runner's `Outcome` (src/runner/outcome.rs) cut to what a
//! transcript needs: every case with its status and message, the counts,
//! how the code loaded and the process ended, the sandbox level, and the
//! first bytes the code printed. Messages and output are the candidate's
//! code talking, so they are shortened and stripped of control characters
//! before they are stored (messages to one line): replaying a session never
//! replays an escape sequence into the terminal. Every field but `at` may be missing, so a
//! hand-written or partial event still loads.
//!
//! The sentences below are for the readers of a transcript: `headline` for
//! people, `evidence` for a scorer citing the run, `follow_up` for an
//! interviewer asking about the first failing case.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::runner::{self, CaseKind, CaseResult, Counts, End, Isolation, Load, Outcome, Output};
use crate::runner::{Status, Verdict};

/// Bytes of stdout and of stderr kept in the transcript (the outcome keeps more).
pub const OUTPUT_KEPT: usize = 2048;
/// Characters of one case's message kept.
pub const MESSAGE_KEPT: usize = 400;
/// Failing cases an evidence line names before "and N more".
const EVIDENCE_FAILURES: usize = 3;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunEvent {
    pub at: Timestamp,
    /// The question whose suite ran (the suite's id).
    #[serde(default)]
    pub question_id: String,
    /// `fnv1a64:<hex>` of the code: the same code run twice has the same hash.
    #[serde(default)]
    pub code_hash: String,
    /// The block of the answer the candidate named (`/run 2`); absent: the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<usize>,
    #[serde(default)]
    pub counts: Counts,
    #[serde(default = "loaded")]
    pub load: Load,
    #[serde(default)]
    pub cases: Vec<CaseResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<End>,
    /// Wall-clock time of the run.
    #[serde(default)]
    pub ms: u64,
    #[serde(default, skip_serializing_if = "Output::is_empty")]
    pub stdout: Output,
    #[serde(default, skip_serializing_if = "Output::is_empty")]
    pub stderr: Output,
    /// What the sandbox enforced on this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Isolation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn loaded() -> Load {
    Load::Ok
}

impl RunEvent {
    /// The event for an outcome, stamped now.
    pub fn from_outcome(outcome: &Outcome) -> RunEvent {
        let cases: Vec<CaseResult> = outcome
            .cases
            .iter()
            .map(|c| CaseResult {
                message: c.message.as_deref().map(short_message),
                ..c.clone()
            })
            .collect();
        RunEvent {
            at: Timestamp::now(),
            question_id: outcome.question.clone(),
            code_hash: outcome.code_hash.clone(),
            block: None,
            counts: Counts::of(&cases),
            load: clean_load(&outcome.load),
            cases,
            end: Some(outcome.end),
            ms: outcome.ms,
            stdout: short_output(&outcome.stdout),
            stderr: short_output(&outcome.stderr),
            sandbox: Some(outcome.sandbox.clone()),
            notes: outcome.notes.clone(),
        }
    }

    pub fn verdict(&self) -> Verdict {
        Verdict::of(&self.load, &self.cases)
    }

    /// The first case that failed, errored or did not run.
    pub fn first_failure(&self) -> Option<&CaseResult> {
        runner::first_failure(&self.cases)
    }

    /// "7 of 9 cases passed, 1 failed, 1 errored (143 ms)", or why the code did not load.
    pub fn headline(&self) -> String {
        runner::headline(&self.load, &self.cases, self.ms)
    }

    /// The cases of this kind that ended with this status, by name.
    pub fn names(&self, kind: CaseKind, status: Status) -> Vec<&str> {
        self.cases
            .iter()
            .filter(|c| c.kind == kind && c.status == status)
            .map(|c| c.name.as_str())
            .collect()
    }

    /// The cases that did not pass in `before` and pass now: what a fix fixed.
    pub fn fixed_since(&self, before: &RunEvent) -> Vec<&str> {
        self.cases
            .iter()
            .filter(|c| c.status == Status::Passed)
            .filter(|c| {
                before.cases.iter().any(|b| {
                    b.name == c.name && !matches!(b.status, Status::Passed | Status::Skipped)
                })
            })
            .map(|c| c.name.as_str())
            .collect()
    }

    /// The run as a scorer cites it: "code-softmax-xent: passed all 8 cases,
    /// edge cases included (large_logits, …)" or "…: 6 of 8 cases passed;
    /// failed large_logits (with logits around 1,000 the loss is nan: …)".
    pub fn evidence(&self) -> String {
        let total = self.cases.len();
        let what = match self.verdict() {
            Verdict::DidNotLoad => format!(
                "the code did not load ({})",
                self.load.problem().unwrap_or("no reason given")
            ),
            Verdict::Skipped => format!(
                "not checked: all {total} cases were skipped ({})",
                self.cases
                    .first()
                    .and_then(|c| c.message.as_deref())
                    .unwrap_or("a module is missing")
            ),
            Verdict::Passed => {
                let c = Counts::of(&self.cases);
                let mut text = match c.skipped {
                    0 => format!("passed all {total} cases"),
                    n => format!("passed all {} cases that ran ({n} skipped)", c.passed),
                };
                let edges = self.names(CaseKind::Edge, Status::Passed);
                if !edges.is_empty() {
                    text.push_str(&format!(", edge cases included ({})", edges.join(", ")));
                }
                text
            }
            Verdict::Failed => self.failures_in_words(),
        };
        format!("{}: {what}", self.question_id)
    }

    fn failures_in_words(&self) -> String {
        let failing: Vec<String> = self
            .cases
            .iter()
            .filter(|c| matches!(c.status, Status::Failed | Status::Errored))
            .map(|c| match &c.message {
                Some(m) => format!("{} ({})", c.name, crate::text::ellipsize(m, 160)),
                None => c.name.clone(),
            })
            .collect();
        let c = Counts::of(&self.cases);
        let mut text = format!("{} of {} cases passed", c.passed, self.cases.len());
        if !failing.is_empty() {
            text.push_str("; failed ");
            text.push_str(&failing[..failing.len().min(EVIDENCE_FAILURES)].join(", "));
            if failing.len() > EVIDENCE_FAILURES {
                text.push_str(&format!(" and {} more", failing.len() - EVIDENCE_FAILURES));
            }
        }
        if c.not_run > 0 {
            text.push_str(&format!("; {} not run", c.not_run));
        }
        text
    }

    /// The failing case worth asking about: the first whose message is
    /// the suite's own diagnosis ("with dk = 64 the weights match scores /
    /// dk"), else the first that did not pass. Code that divides by dk
    /// fails the random-inputs case too, with numbers that explain nothing.
    pub fn telling_failure(&self) -> Option<&CaseResult> {
        self.cases
            .iter()
            .find(|c| {
                c.status == Status::Failed && c.message.as_deref().is_some_and(|m| !is_data(m))
            })
            .or_else(|| self.first_failure())
    }

    /// What an interviewer asks after this run: about the telling failure,
    /// in the words of its message, without the suite's advice on how to
    /// fix it. None when nothing failed.
    pub fn follow_up(&self) -> Option<String> {
        if self.verdict() == Verdict::DidNotLoad {
            let problem = self.load.problem().unwrap_or("no reason given");
            return Some(format!(
                "Your code did not load: {problem}. What needs to change?"
            ));
        }
        let case = self.telling_failure()?;
        let message = case.message.as_deref().unwrap_or("");
        Some(match case.status {
            Status::Failed if !message.is_empty() => format!(
                "In the {} case, {}. Why do you think that is?",
                case.name,
                observation(message)
            ),
            Status::Failed => format!(
                "Your code fails the {} case. What do you think it checks?",
                case.name
            ),
            _ => format!(
                "In the {} case, your code stopped: {}. What happened there?",
                case.name,
                message.trim_end_matches('.')
            ),
        })
    }
}

/// What a failure message says happened, without the advice after it.
/// Suites write "what happened: what to do" ("with logits around 1,000 the
/// loss is nan: subtract each row's max before exp"), and the checks of the
/// harness write "what was checked: expected X, got Y", where the data after
/// the colon is the point. So the part before the first colon is kept when
/// it reads as a sentence (five words or more) and what follows is not data.
fn observation(message: &str) -> &str {
    let message = message.trim().trim_end_matches('.');
    let Some((head, tail)) = message.split_once(": ") else {
        return message;
    };
    if head.split_whitespace().count() >= 5 && !is_data(tail) {
        head
    } else {
        message
    }
}

/// "expected X, got Y": the harness's comparisons (`equal`, `close`, `parts`).
fn is_data(text: &str) -> bool {
    text.contains("expected") && text.contains("got")
}

/// One printable line: a message is shown inside other lines.
fn short_message(message: &str) -> String {
    let line = crate::text::squash_ws(&printable(message));
    crate::text::ellipsize(&line, MESSAGE_KEPT)
}

fn clean_load(load: &Load) -> Load {
    let short = |m: &String| short_message(m);
    match load {
        Load::Ok => Load::Ok,
        Load::SyntaxError { line, message } => Load::SyntaxError {
            line: *line,
            message: short(message),
        },
        Load::Error { message } => Load::Error {
            message: short(message),
        },
        Load::Exit { message } => Load::Exit {
            message: short(message),
        },
        Load::MissingEntry { message } => Load::MissingEntry {
            message: short(message),
        },
        Load::MissingModule { module, message } => Load::MissingModule {
            module: printable(module),
            message: short(message),
        },
        Load::NotLoaded { message } => Load::NotLoaded {
            message: short(message),
        },
    }
}

/// The first `OUTPUT_KEPT` bytes (on a character boundary), printable.
fn short_output(output: &Output) -> Output {
    let mut end = output.text.len().min(OUTPUT_KEPT);
    while !output.text.is_char_boundary(end) {
        end -= 1;
    }
    Output {
        text: printable(&output.text[..end]),
        bytes: output.bytes,
    }
}

/// Control characters (escape sequences, carriage returns, bells) become
/// U+FFFD; newlines and tabs stay.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{Files, Network, RunAs};

    fn case(name: &str, kind: CaseKind, status: Status, message: Option<&str>) -> CaseResult {
        CaseResult {
            name: name.into(),
            kind,
            status,
            message: message.map(str::to_string),
            ms: 0.5,
        }
    }

    fn outcome(cases: Vec<CaseResult>) -> Outcome {
        Outcome {
            question: "code-softmax-xent".into(),
            code_hash: "fnv1a64:0123456789abcdef".into(),
            load: Load::Ok,
            cases,
            end: End::Finished,
            ms: 140,
            stdout: Output::default(),
            stderr: Output::default(),
            sandbox: Isolation {
                network: Network::None,
                files: Files::HomesHidden,
                user: RunAs::Caller,
                max_processes: Some(32),
                fallback: None,
            },
            notes: Vec::new(),
        }
    }

    const NAN: &str = "with logits around 1,000 the loss is nan: subtract each row's max before exp, or use logsumexp";

    #[test]
    fn a_failing_run_names_its_cases_and_asks_about_the_first() {
        let run = RunEvent::from_outcome(&outcome(vec![
            case("random_batch", CaseKind::Happy, Status::Passed, None),
            case("large_logits", CaseKind::Edge, Status::Failed, Some(NAN)),
            case(
                "gradient",
                CaseKind::Happy,
                Status::Errored,
                Some("ZeroDivisionError: division by zero (line 3: g = 1 / 0)"),
            ),
        ]));
        assert_eq!(run.verdict(), Verdict::Failed);
        assert_eq!(run.counts.failed, 1);
        assert_eq!(run.counts.errored, 1);
        assert_eq!(
            run.headline(),
            "1 of 3 cases passed, 1 failed, 1 errored (140 ms)"
        );
        let evidence = run.evidence();
        assert!(
            evidence.starts_with("code-softmax-xent: 1 of 3 cases passed; failed large_logits (with logits around 1,000 the loss is nan"),
            "{evidence}"
        );
        assert!(
            evidence.contains("gradient (ZeroDivisionError"),
            "{evidence}"
        );
        assert_eq!(
            run.follow_up().unwrap(),
            "In the large_logits case, with logits around 1,000 the loss is nan. Why do you think that is?"
        );
    }

    #[test]
    fn the_question_is_about_the_diagnosed_failure_not_the_first() {
        let run = RunEvent::from_outcome(&outcome(vec![
            case(
                "random_inputs",
                CaseKind::Happy,
                Status::Failed,
                Some("weights for random inputs: at [1, 2, 1] expected 0.89, got 0.54 (24 of 24 entries differ)"),
            ),
            case(
                "scaled_by_sqrt_dk",
                CaseKind::Edge,
                Status::Failed,
                Some("with dk = 64 the weights match scores / dk: divide by sqrt(dk) = 8 instead"),
            ),
        ]));
        assert_eq!(run.first_failure().unwrap().name, "random_inputs");
        assert_eq!(run.telling_failure().unwrap().name, "scaled_by_sqrt_dk");
        assert_eq!(
            run.follow_up().unwrap(),
            "In the scaled_by_sqrt_dk case, with dk = 64 the weights match scores / dk. Why do you think that is?"
        );
    }

    #[test]
    fn a_passing_run_cites_its_edge_cases_and_asks_nothing() {
        let run = RunEvent::from_outcome(&outcome(vec![
            case("random_batch", CaseKind::Happy, Status::Passed, None),
            case("large_logits", CaseKind::Edge, Status::Passed, None),
            case("single_row", CaseKind::Edge, Status::Passed, None),
        ]));
        assert_eq!(
            run.evidence(),
            "code-softmax-xent: passed all 3 cases, edge cases included (large_logits, single_row)"
        );
        assert_eq!(run.follow_up(), None);
    }

    #[test]
    fn a_fix_is_the_cases_that_pass_now_and_did_not_before() {
        let before = RunEvent::from_outcome(&outcome(vec![
            case("random_batch", CaseKind::Happy, Status::Passed, None),
            case("large_logits", CaseKind::Edge, Status::Failed, Some(NAN)),
            case(
                "gradient",
                CaseKind::Happy,
                Status::Errored,
                Some("ValueError"),
            ),
        ]));
        let after = RunEvent::from_outcome(&outcome(vec![
            case("random_batch", CaseKind::Happy, Status::Passed, None),
            case("large_logits", CaseKind::Edge, Status::Passed, None),
            case(
                "gradient",
                CaseKind::Happy,
                Status::Failed,
                Some("the gradient is off"),
            ),
        ]));
        assert_eq!(after.fixed_since(&before), ["large_logits"]);
        assert!(before.fixed_since(&after).is_empty());
    }

    #[test]
    fn data_after_the_colon_is_kept_in_the_question() {
        assert_eq!(
            observation("weights for random inputs: at [0, 1] expected 0.3, got 0.5"),
            "weights for random inputs: at [0, 1] expected 0.3, got 0.5"
        );
        assert_eq!(
            observation(
                "out with a (B, 1, Tk) padding mask: expected shape (2, 3), got shape (3, 2)"
            ),
            "out with a (B, 1, Tk) padding mask: expected shape (2, 3), got shape (3, 2)"
        );
        assert_eq!(
            observation(
                "with dk = 64 the weights match scores / dk: divide by sqrt(dk) = 8 instead"
            ),
            "with dk = 64 the weights match scores / dk"
        );
        assert_eq!(
            observation("f(): expected 1, got None"),
            "f(): expected 1, got None"
        );
    }

    #[test]
    fn code_that_did_not_load_is_asked_about_its_load_error() {
        let mut o = outcome(vec![case(
            "random_batch",
            CaseKind::Happy,
            Status::NotRun,
            Some("not run: the code did not load"),
        )]);
        o.load = Load::SyntaxError {
            line: Some(2),
            message: "invalid syntax (line 2: def f(:)".into(),
        };
        let run = RunEvent::from_outcome(&o);
        assert_eq!(run.verdict(), Verdict::DidNotLoad);
        assert!(run.evidence().contains("did not load (invalid syntax"));
        assert_eq!(
            run.follow_up().unwrap(),
            "Your code did not load: invalid syntax (line 2: def f(:). What needs to change?"
        );
    }

    #[test]
    fn output_and_messages_are_cut_and_made_printable() {
        let mut o = outcome(vec![case(
            "c",
            CaseKind::Happy,
            Status::Errored,
            Some(&format!("ValueError: \x1b[2J{}", "x".repeat(5000))),
        )]);
        o.stdout = Output {
            text: format!("é{}\x07\r\n", "y".repeat(10_000)),
            bytes: 1 << 30,
        };
        let run = RunEvent::from_outcome(&o);
        let m = run.cases[0].message.as_deref().unwrap();
        assert!(m.chars().count() <= MESSAGE_KEPT, "{}", m.len());
        assert!(!m.contains('\x1b'));
        assert!(run.stdout.text.len() <= OUTPUT_KEPT + 4);
        assert!(run.stdout.truncated());
        assert_eq!(run.stdout.bytes, 1 << 30);
    }

    #[test]
    fn a_minimal_event_loads_and_a_full_one_round_trips() {
        let min: crate::transcript::Event =
            serde_json::from_str(r#"{"type":"run","at":"2027-01-15T08:00:00Z"}"#).unwrap();
        let crate::transcript::Event::Run(min) = min else {
            panic!("not a run event")
        };
        assert_eq!(min.load, Load::Ok);
        assert!(min.cases.is_empty());
        let full = RunEvent::from_outcome(&outcome(vec![case(
            "large_logits",
            CaseKind::Edge,
            Status::Failed,
            Some(NAN),
        )]));
        let event = crate::transcript::Event::Run(full);
        let line = serde_json::to_string(&event).unwrap();
        let back: crate::transcript::Event = serde_json::from_str(&line).unwrap();
        assert_eq!(back, event);
        assert_eq!(serde_json::to_string(&back).unwrap(), line);
    }
}
