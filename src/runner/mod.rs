//! Running a candidate's code against the question's test suite, in a sandbox.
//!
//! The flow: `extract` takes the code out of the answer's fenced block;
//! `Suite::load` finds the question's suite (`rubrics/coding/<id>.py`,
//! compiled in, overridable from the config dir); `Runner::run` starts
//! `python3 -I` in the sandbox (`sandbox`, `isolation`, `capture`) with the
//! embedded harness (`harness.py`), which runs every case on its own and
//! reports through a nonce-tagged channel (`protocol`); the result is an
//! `Outcome` (`outcome`) that serialises to a compact transcript event.
//!
//! What the sandbox protects, when it can (see `Isolation` on each outcome):
//! CPU time, memory, file size, process count and core dumps are limited;
//! the whole process group is killed at the wall-clock limit; output is
//! capped; the network is a private namespace with nothing in it; home
//! directories and mockround's data and config directories are covered by
//! empty ones, /tmp is a private 16 MB tmpfs; as root, the code runs as
//! nobody. What it does not protect: files readable by everyone (/etc,
//! /usr, a world-readable project outside the homes) can be read; without
//! namespaces (a normal user on a system without unprivileged user
//! namespaces) the code runs as that user and can read what they can; a
//! child that calls setsid() leaves the process group and survives the run
//! (bounded by the CPU limit, and killed with us by PDEATHSIG only if it is
//! the direct child); code that digs into the harness's memory for the
//! nonce can forge its own results. This is a mock interview's sandbox, not
//! a jail for malware.

mod capture;
mod error;
mod extract;
mod isolation;
mod outcome;
mod protocol;
mod python;
mod sandbox;
mod suite;

use std::path::PathBuf;

pub use error::RunnerError;
pub use extract::{blocks, choose, extract, Block, ExtractError, Pick};
pub use outcome::{
    first_failure, headline, CaseKind, CaseResult, Counts, End, Files, Isolation, Load, Network,
    Outcome, Output, RunAs, Status, Verdict,
};
pub use protocol::{CaseInfo, SuiteInfo, Variant};
pub use python::Interpreter;
pub use sandbox::Limits;
pub use suite::{builtin_ids, Origin, Suite};

/// The most code one run takes: a pasted answer, not a code base.
pub const MAX_CODE_BYTES: usize = 256 << 10;

/// Runs code against suites: an interpreter, limits, and what to hide.
#[derive(Debug, Clone)]
pub struct Runner {
    python: Interpreter,
    sandbox: sandbox::Sandbox,
    without: Vec<String>,
}

impl Runner {
    /// `python3` from the PATH, the default limits, hiding the homes and
    /// mockround's own directories. `PythonMissing` when there is no Python.
    pub fn new() -> Result<Runner, RunnerError> {
        let mut runner = Runner::with_python(Interpreter::find()?.clone());
        if let Ok(paths) = crate::config::Paths::from_env() {
            runner = runner.hide(paths.data_dir).hide(paths.config_dir);
        }
        Ok(runner)
    }

    pub fn with_python(python: Interpreter) -> Runner {
        Runner {
            python,
            sandbox: sandbox::Sandbox::default(),
            without: Vec::new(),
        }
    }

    pub fn limits(mut self, limits: Limits) -> Runner {
        self.sandbox.limits = limits;
        self
    }

    /// Keep the code from seeing this directory (on top of the homes).
    pub fn hide(mut self, dir: impl Into<PathBuf>) -> Runner {
        self.sandbox.hide.push(dir.into());
        self
    }

    /// Run as if these modules were not installed (to check the skip path).
    pub fn without_modules(mut self, modules: &[&str]) -> Runner {
        self.without = modules.iter().map(|m| m.to_string()).collect();
        self
    }

    pub fn python(&self) -> &Interpreter {
        &self.python
    }

    /// Run the candidate's `code` against `suite`.
    pub fn run(&self, suite: &Suite, code: &str) -> Result<Outcome, RunnerError> {
        if code.len() > MAX_CODE_BYTES {
            return Err(RunnerError::CodeTooLarge {
                bytes: code.len(),
                limit: MAX_CODE_BYTES,
            });
        }
        self.execute(suite, Variant::Candidate(code), protocol::code_hash(code))
    }

    /// Run one of the suite's own solutions (reference, stub, a wrong one).
    pub fn check(&self, suite: &Suite, variant: Variant) -> Result<Outcome, RunnerError> {
        let label = match variant {
            Variant::Candidate(code) => return self.run(suite, code),
            Variant::Reference => "reference".to_string(),
            Variant::Stub => "stub".into(),
            Variant::Wrong(n) => format!("wrong:{n}"),
            Variant::Describe => "describe".into(),
        };
        self.execute(suite, variant, label)
    }

    /// Load the suite and say what it holds: entry point, cases, wrong solutions.
    pub fn describe(&self, suite: &Suite) -> Result<SuiteInfo, RunnerError> {
        let nonce = protocol::nonce();
        let file = suite.file_name();
        let job = self.job(&nonce, suite, &file, Variant::Describe);
        let raw = self.sandbox.run(&self.python, &job)?;
        protocol::suite_info(&raw, &nonce, &file)
    }

    fn execute(
        &self,
        suite: &Suite,
        variant: Variant,
        code_hash: String,
    ) -> Result<Outcome, RunnerError> {
        let nonce = protocol::nonce();
        let file = suite.file_name();
        let job = self.job(&nonce, suite, &file, variant);
        let raw = self.sandbox.run(&self.python, &job)?;
        protocol::outcome(
            raw,
            &nonce,
            &suite.id,
            &file,
            code_hash,
            self.sandbox.limits.cpu_seconds,
        )
    }

    fn job(&self, nonce: &str, suite: &Suite, file: &str, variant: Variant) -> Vec<u8> {
        protocol::job(
            nonce,
            &suite.source,
            file,
            variant,
            self.sandbox.limits.case.as_secs_f64(),
            &self.without,
        )
    }
}

/// Run `code` against `suite` with the default runner (found once per process).
pub fn run(suite: &Suite, code: &str) -> Result<Outcome, RunnerError> {
    Runner::new()?.run(suite, code)
}
