//! The typed result of one run: how the code loaded, each case's status, how
//! the process ended and what the sandbox could enforce.
//!
//! It serialises to a compact JSON object (empty output and absent messages
//! are left out) meant to be stored as a transcript event and read back, so
//! the field names and enum spellings below are a contract.

use serde::{Deserialize, Serialize};

/// Everything one run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The suite's id, which is the question id.
    pub question: String,
    /// `fnv1a64:<hex>` of the code that ran, to tell runs of the same code apart.
    pub code_hash: String,
    pub load: Load,
    /// Every case of the suite, in the suite's order, whatever happened.
    pub cases: Vec<CaseResult>,
    pub end: End,
    /// Wall-clock time of the whole run, process start to exit.
    pub ms: u64,
    #[serde(default, skip_serializing_if = "Output::is_empty")]
    pub stdout: Output,
    #[serde(default, skip_serializing_if = "Output::is_empty")]
    pub stderr: Output,
    pub sandbox: Isolation,
    /// Anything odd the runner noticed (forged result lines, a closed channel).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How the code loaded, before any case ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Load {
    Ok,
    SyntaxError {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
        message: String,
    },
    /// Running the module raised (a NameError at top level, an endless loop).
    Error {
        message: String,
    },
    /// The code called `sys.exit` while loading.
    Exit {
        message: String,
    },
    /// The entry point the suite calls is not defined.
    MissingEntry {
        message: String,
    },
    /// The code imports a module that is not installed; its cases are skipped.
    MissingModule {
        module: String,
        message: String,
    },
    /// The process ended before the code was even loaded.
    NotLoaded {
        message: String,
    },
}

impl Load {
    pub fn is_ok(&self) -> bool {
        matches!(self, Load::Ok)
    }

    /// The one-line reason the code did not load, if it did not.
    pub fn problem(&self) -> Option<&str> {
        match self {
            Load::Ok => None,
            Load::SyntaxError { message, .. }
            | Load::Error { message }
            | Load::Exit { message }
            | Load::MissingEntry { message }
            | Load::MissingModule { message, .. }
            | Load::NotLoaded { message } => Some(message),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    pub name: String,
    pub kind: CaseKind,
    pub status: Status,
    /// For anything but a pass: what was expected and what came, or why it did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Time spent in the case itself.
    #[serde(default)]
    pub ms: f64,
}

/// Happy path or edge case: a run that passes the happy path and fails the
/// edges is a different signal from one that fails everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Happy,
    Edge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    /// A check did not hold: the result was wrong.
    Failed,
    /// The code raised, timed out or took the process down.
    Errored,
    /// A module the case needs is not installed.
    Skipped,
    /// The code did not load, or the process ended before this case.
    NotRun,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "pass",
            Status::Failed => "FAIL",
            Status::Errored => "ERROR",
            Status::Skipped => "skip",
            Status::NotRun => "not run",
        }
    }
}

/// How the process ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum End {
    /// The harness reported every case and left.
    Finished,
    /// Killed at the wall-clock limit.
    WallClock { seconds: f64 },
    /// Killed by the CPU-time limit.
    CpuLimit { seconds: u64 },
    /// Left early with this exit code (os._exit, a crash in C code).
    Exited { code: i32 },
    /// Killed by a signal the runner did not send.
    Signal { signal: i32 },
}

impl End {
    /// Why a case that was running when the process ended did not finish.
    pub fn explain(&self) -> String {
        match *self {
            End::Finished => "the harness did not report this case".into(),
            End::WallClock { seconds } => format!(
                "stopped after {seconds:.0} s of wall-clock time (an endless loop that outlived the per-case alarm, or a blocked call)"
            ),
            End::CpuLimit { seconds } => {
                format!("stopped after {seconds} s of CPU time (an endless loop, or far too slow)")
            }
            End::Exited { code } => format!(
                "the process exited with code {code} in the middle of this case (os._exit, or a crash)"
            ),
            End::Signal { signal } => match signal {
                libc::SIGSEGV => "the process crashed with a segmentation fault (recursion too deep?)".into(),
                libc::SIGKILL => "the process was killed (signal 9), most likely for memory".into(),
                libc::SIGXFSZ => "the process wrote a file larger than the limit".into(),
                s => format!("the process was killed by signal {s}"),
            },
        }
    }
}

/// What a stream printed, cut to a cap so a 100 MB print costs nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// The first bytes printed (lossy UTF-8), at most the cap.
    pub text: String,
    /// Total bytes printed, kept or not.
    pub bytes: u64,
}

impl Output {
    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    pub fn truncated(&self) -> bool {
        self.bytes > self.text.len() as u64
    }
}

/// What the sandbox enforced on this run; measured at spawn, never assumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isolation {
    pub network: Network,
    pub files: Files,
    pub user: RunAs,
    /// The cap on processes and threads, when the kernel enforces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_processes: Option<u64>,
    /// Why a stronger level could not be used here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// A network namespace of its own: not even loopback is up.
    None,
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Files {
    /// Home directories and mockround's own directories are covered by empty
    /// ones, and /tmp is a small private tmpfs.
    HomesHidden,
    /// The code sees the file system as the user running it does.
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunAs {
    /// An unprivileged uid (nobody), because the caller is root.
    Nobody,
    /// The caller's own uid.
    Caller,
    /// Root: nothing stops the code from doing what root can.
    Root,
}

impl Isolation {
    /// One line for people: "no network, homes hidden, as nobody, at most 32 processes".
    pub fn describe(&self) -> String {
        let mut parts = vec![
            match self.network {
                Network::None => "no network",
                Network::Open => "network open",
            }
            .to_string(),
            match self.files {
                Files::HomesHidden => "homes hidden",
                Files::Open => "files visible",
            }
            .to_string(),
            match self.user {
                RunAs::Nobody => "as nobody",
                RunAs::Caller => "as you",
                RunAs::Root => "as root",
            }
            .to_string(),
        ];
        match self.max_processes {
            Some(n) => parts.push(format!("at most {n} processes")),
            None => parts.push("processes not capped".into()),
        }
        parts.join(", ")
    }
}

/// How many cases ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    pub skipped: usize,
    pub not_run: usize,
}

impl Counts {
    pub fn of(cases: &[CaseResult]) -> Counts {
        let mut c = Counts::default();
        for case in cases {
            match case.status {
                Status::Passed => c.passed += 1,
                Status::Failed => c.failed += 1,
                Status::Errored => c.errored += 1,
                Status::Skipped => c.skipped += 1,
                Status::NotRun => c.not_run += 1,
            }
        }
        c
    }
}

/// The run in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every case that could run passed, and at least one ran.
    Passed,
    /// Some case failed, errored or did not run.
    Failed,
    /// The code did not load.
    DidNotLoad,
    /// Every case was skipped (a module is missing).
    Skipped,
}

impl Verdict {
    /// The verdict of a run that loaded this way and ended with these cases.
    pub fn of(load: &Load, cases: &[CaseResult]) -> Verdict {
        let c = Counts::of(cases);
        if !load.is_ok() && !matches!(load, Load::MissingModule { .. }) {
            Verdict::DidNotLoad
        } else if c.failed + c.errored + c.not_run > 0 {
            Verdict::Failed
        } else if c.passed == 0 {
            Verdict::Skipped
        } else {
            Verdict::Passed
        }
    }
}

impl Outcome {
    pub fn counts(&self) -> Counts {
        Counts::of(&self.cases)
    }

    pub fn verdict(&self) -> Verdict {
        Verdict::of(&self.load, &self.cases)
    }

    /// The first case that did not pass (skips aside): what an interviewer asks about.
    pub fn first_failure(&self) -> Option<&CaseResult> {
        first_failure(&self.cases)
    }

    pub fn case(&self, name: &str) -> Option<&CaseResult> {
        self.cases.iter().find(|c| c.name == name)
    }

    /// "7 of 9 cases passed, 1 failed, 1 errored (143 ms)".
    pub fn headline(&self) -> String {
        headline(&self.load, &self.cases, self.ms)
    }
}

/// The first case that failed, errored or did not run.
pub fn first_failure(cases: &[CaseResult]) -> Option<&CaseResult> {
    cases
        .iter()
        .find(|c| matches!(c.status, Status::Failed | Status::Errored | Status::NotRun))
}

/// A run in one line, from how it loaded, its cases and its duration (the
/// stored `run` event says the same as the outcome it came from).
pub fn headline(load: &Load, cases: &[CaseResult], ms: u64) -> String {
    if let Some(problem) = load
        .problem()
        .filter(|_| Verdict::of(load, cases) == Verdict::DidNotLoad)
    {
        return format!("the code did not load: {problem}");
    }
    let c = Counts::of(cases);
    let mut text = format!("{} of {} cases passed", c.passed, cases.len());
    for (n, word) in [
        (c.failed, "failed"),
        (c.errored, "errored"),
        (c.skipped, "skipped"),
        (c.not_run, "not run"),
    ] {
        if n > 0 {
            text.push_str(&format!(", {n} {word}"));
        }
    }
    text.push_str(&format!(" ({ms} ms)"));
    text
}

impl CaseResult {
    /// "FAIL  large_logits: with all logits around 1,000 the loss is nan".
    pub fn line(&self) -> String {
        match &self.message {
            Some(m) => format!("{:<7} {}: {m}", self.status.label(), self.name),
            None => format!("{:<7} {}", self.status.label(), self.name),
        }
    }
}
