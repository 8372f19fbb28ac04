//! The conversation with the harness: the job it reads on stdin, and the
//! records it writes on fd 3, each line prefixed with this run's nonce.
//!
//! Lines without the nonce are not results (the code under test found the
//! descriptor and wrote to it); they are counted in a note and ignored. A
//! case reported twice is a forgery by code that went looking for the nonce,
//! and the run keeps the first report plus a note. Every planned case ends up
//! in the outcome exactly once, whatever the process did.

use std::collections::HashMap;

use serde::Deserialize;

use super::error::RunnerError;
use super::outcome::{CaseKind, CaseResult, End, Load, Outcome, Status};
use super::sandbox::Raw;

/// Which code the harness runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant<'a> {
    Candidate(&'a str),
    /// The suite's reference solution.
    Reference,
    /// The suite's stub: the signature with an empty body.
    Stub,
    /// The suite's n-th known-wrong solution, from 0.
    Wrong(usize),
    /// Load the suite and describe it; run nothing.
    Describe,
}

/// The job written to the harness's stdin.
pub fn job(
    nonce: &str,
    suite_source: &str,
    suite_file: &str,
    variant: Variant,
    case_seconds: f64,
    without: &[String],
) -> Vec<u8> {
    let (name, code) = match variant {
        Variant::Candidate(code) => ("candidate".to_string(), code),
        Variant::Reference => ("reference".into(), ""),
        Variant::Stub => ("stub".into(), ""),
        Variant::Wrong(n) => (format!("wrong:{n}"), ""),
        Variant::Describe => ("describe".into(), ""),
    };
    serde_json::to_vec(&serde_json::json!({
        "nonce": nonce,
        "suite": suite_source,
        "suite_file": suite_file,
        "variant": name,
        "code": code,
        "case_timeout": case_seconds,
        "without": without,
    }))
    .unwrap_or_default()
}

/// 128 random bits as hex, fresh for every run.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    // SAFETY: getrandom fills the buffer we pass; a short read leaves zeros, caught below.
    let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if n != bytes.len() as isize {
        // No entropy syscall: time and pid are still unguessable for code that cannot see us.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = (t ^ ((std::process::id() as u128) << 64)).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the harness said a suite is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SuiteInfo {
    /// The names the code must define.
    pub entry: Vec<String>,
    pub signature: String,
    pub cases: Vec<CaseInfo>,
    /// The known-wrong solutions, by description.
    pub wrong: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CaseInfo {
    pub name: String,
    pub kind: CaseKind,
    pub title: String,
    pub needs: Vec<String>,
}

#[derive(Deserialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
enum Record {
    Suite(SuiteInfo),
    Load(LoadRecord),
    Start { case: String },
    Case(CaseRecord),
    Done,
    SuiteError { message: String },
}

#[derive(Deserialize)]
struct LoadRecord {
    status: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    module: Option<String>,
}

#[derive(Deserialize)]
struct CaseRecord {
    case: String,
    status: Status,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    ms: f64,
}

/// The records of one run, sorted out.
#[derive(Default)]
struct Transcript {
    suite: Option<SuiteInfo>,
    suite_error: Option<String>,
    load: Option<Load>,
    started: Option<String>,
    results: HashMap<String, CaseRecord>,
    done: bool,
    forged: usize,
    duplicates: usize,
}

fn read(channel: &[u8], nonce: &str) -> Transcript {
    let mut t = Transcript::default();
    let prefix = format!("{nonce} ");
    for line in channel.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let record = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.strip_prefix(&prefix))
            .and_then(|json| serde_json::from_str::<Record>(json).ok());
        let Some(record) = record else {
            t.forged += 1;
            continue;
        };
        match record {
            Record::Suite(info) if t.suite.is_none() => t.suite = Some(info),
            Record::SuiteError { message } => t.suite_error = Some(message),
            Record::Load(l) if t.load.is_none() => t.load = Some(load(l)),
            Record::Start { case } => t.started = Some(case),
            Record::Case(c) if t.results.contains_key(&c.case) => t.duplicates += 1,
            Record::Case(c) => {
                t.started = None;
                t.results.insert(c.case.clone(), c);
            }
            Record::Done => t.done = true,
            _ => t.duplicates += 1,
        }
    }
    t
}

fn load(l: LoadRecord) -> Load {
    let message = l.message;
    match l.status.as_str() {
        "ok" => Load::Ok,
        "syntax" => Load::SyntaxError {
            line: l.line,
            message,
        },
        "exit" => Load::Exit { message },
        "missing" => Load::MissingEntry { message },
        "module" => Load::MissingModule {
            module: l.module.unwrap_or_default(),
            message,
        },
        _ => Load::Error { message },
    }
}

/// What `describe` found, or why the suite is unusable.
pub fn suite_info(raw: &Raw, nonce: &str, file: &str) -> Result<SuiteInfo, RunnerError> {
    let t = read(&raw.collected.channel, nonce);
    if let Some(message) = t.suite_error {
        return Err(RunnerError::BrokenSuite {
            file: file.into(),
            message,
        });
    }
    t.suite.ok_or_else(|| harness_silent(raw))
}

fn harness_silent(raw: &Raw) -> RunnerError {
    let err = raw.collected.stderr.text.trim();
    let tail: String = err.lines().rev().take(3).collect::<Vec<_>>().join(" / ");
    RunnerError::Harness(if tail.is_empty() {
        format!("nothing, exit {}", raw.collected.status)
    } else {
        tail
    })
}

/// Turn a finished run into its outcome.
pub fn outcome(
    raw: Raw,
    nonce: &str,
    question: &str,
    file: &str,
    code_hash: String,
    cpu_seconds: u64,
) -> Result<Outcome, RunnerError> {
    let c = &raw.collected;
    let mut t = read(&c.channel, nonce);
    if let Some(message) = t.suite_error.take() {
        return Err(RunnerError::BrokenSuite {
            file: file.into(),
            message,
        });
    }
    let Some(info) = t.suite.take() else {
        return Err(harness_silent(&raw));
    };
    let end = end_of(&raw, t.done, cpu_seconds);
    let load = t.load.take().unwrap_or_else(|| Load::NotLoaded {
        message: format!("before the code loaded, {}", end.explain()),
    });
    let cases = cases(&info, &mut t, &load, &end);
    let mut notes = Vec::new();
    if t.forged > 0 {
        notes.push(format!(
            "{} line(s) on the result channel were not the harness's and were ignored",
            t.forged
        ));
    }
    if t.duplicates > 0 {
        notes.push(format!(
            "{} result(s) were reported twice; the first report of each case was kept",
            t.duplicates
        ));
    }
    if c.channel_overflow {
        notes.push("the result channel overflowed; later results were lost".into());
    }
    Ok(Outcome {
        question: question.into(),
        code_hash,
        load,
        cases,
        end,
        ms: c.elapsed.as_millis() as u64,
        stdout: c.stdout.clone(),
        stderr: c.stderr.clone(),
        sandbox: raw.isolation,
        notes,
    })
}

fn end_of(raw: &Raw, done: bool, cpu_seconds: u64) -> End {
    use std::os::unix::process::ExitStatusExt;
    let c = &raw.collected;
    if c.timed_out && !done {
        return End::WallClock {
            seconds: c.elapsed.as_secs_f64().round(),
        };
    }
    if done {
        return End::Finished;
    }
    match (c.status.code(), c.status.signal()) {
        (_, Some(libc::SIGXCPU)) => End::CpuLimit {
            seconds: cpu_seconds,
        },
        (_, Some(signal)) => End::Signal { signal },
        (Some(code), _) => End::Exited { code },
        (None, None) => End::Exited { code: -1 },
    }
}

/// Every planned case, once: reported, interrupted, or not run.
fn cases(info: &SuiteInfo, t: &mut Transcript, load: &Load, end: &End) -> Vec<CaseResult> {
    let interrupted = t.started.clone();
    let mut after_interruption = false;
    info.cases
        .iter()
        .map(|case| {
            let (status, message, ms) = if let Some(r) = t.results.remove(&case.name) {
                (r.status, r.message, r.ms)
            } else if !load.is_ok() {
                (
                    Status::NotRun,
                    Some("not run: the code did not load".into()),
                    0.0,
                )
            } else if interrupted.as_deref() == Some(case.name.as_str()) {
                after_interruption = true;
                (Status::Errored, Some(end.explain()), 0.0)
            } else {
                let why = match (&interrupted, after_interruption) {
                    (Some(name), true) => format!("not run: the process ended during {name}"),
                    _ => "not run: the process ended first".into(),
                };
                (Status::NotRun, Some(why), 0.0)
            };
            CaseResult {
                name: case.name.clone(),
                kind: case.kind,
                status,
                message,
                ms,
            }
        })
        .collect()
}

/// `fnv1a64:<hex>`: stable across versions and platforms, unlike std's hasher.
pub fn code_hash(code: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in code.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_without_the_nonce_are_ignored_and_counted() {
        let channel = b"abc {\"t\":\"done\"}\nxyz {\"t\":\"done\"}\nnot json\n";
        let t = read(channel, "abc");
        assert!(t.done);
        assert_eq!(t.forged, 2);
    }

    #[test]
    fn a_second_report_of_a_case_is_a_duplicate() {
        let channel =
            b"n {\"t\":\"case\",\"case\":\"a\",\"status\":\"failed\",\"message\":\"x\"}\n\
                        n {\"t\":\"case\",\"case\":\"a\",\"status\":\"passed\"}\n";
        let t = read(channel, "n");
        assert_eq!(t.results["a"].status, Status::Failed);
        assert_eq!(t.duplicates, 1);
    }

    #[test]
    fn nonces_differ_and_hashes_are_stable() {
        assert_ne!(nonce(), nonce());
        assert_eq!(nonce().len(), 32);
        assert_eq!(code_hash(""), "fnv1a64:cbf29ce484222325");
        assert_ne!(code_hash("a"), code_hash("b"));
    }
}
