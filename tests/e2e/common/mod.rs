//! Shared helpers for the binary's end-to-end tests.

pub mod fake_llm;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// A fresh mockround home (config + data) for one test.
pub fn home() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("mockround-test-")
        .tempdir()
        .unwrap()
}

/// Variables of the developer's environment a test must not inherit.
const INHERITED: [&str; 7] = [
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "MOCKROUND_MODEL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "VISUAL",
    "EDITOR",
];

/// The binary with a clean environment: no model configured, no colour.
pub fn mockround(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("mockround").unwrap();
    for var in INHERITED {
        cmd.env_remove(var);
    }
    cmd.env("MOCKROUND_HOME", home)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb");
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

pub fn sessions_dir(home: &Path) -> PathBuf {
    home.join("sessions")
}

/// Every session file, newest first.
pub fn session_files(home: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(sessions_dir(home))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v.reverse();
    v
}

/// The events of a session file, parsed line by line.
pub fn events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn turns(events: &[Value]) -> Vec<&Value> {
    events.iter().filter(|e| e["type"] == "turn").collect()
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A session running as a live process, answered line by line, for the
/// tests that kill it mid-way. Same clean environment as [`mockround`];
/// stderr is discarded.
pub struct LiveSession {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl LiveSession {
    pub fn start(home: &Path, args: &[&str]) -> LiveSession {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mockround"));
        for var in INHERITED {
            cmd.env_remove(var);
        }
        let mut child = cmd
            .args(args)
            .env("MOCKROUND_HOME", home)
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        LiveSession {
            stdin: child.stdin.take().unwrap(),
            stdout: BufReader::new(child.stdout.take().unwrap()),
            child,
        }
    }

    /// Wait for the interviewer to speak, then answer. False when the
    /// session ended (or stopped reading) first.
    pub fn answer(&mut self, text: &str) -> bool {
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line).unwrap_or(0) == 0 {
                return false;
            }
            if line.starts_with("Interviewer:") {
                break;
            }
        }
        writeln!(self.stdin, "{text}")
            .and_then(|_| self.stdin.flush())
            .is_ok()
    }

    /// kill -9, without warning, and reap it.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Wait (20 s at most) until the newest session file's text is `ready`.
pub fn wait_for_session(home: &Path, ready: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(f) = session_files(home).first() {
            if ready(&std::fs::read_to_string(f).unwrap_or_default()) {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the answer never reached the disk"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
