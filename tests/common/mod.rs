//! Shared helpers for the binary's end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A fresh mockround home (config + data) for one test.
pub fn home() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("mockround-test-")
        .tempdir()
        .unwrap()
}

/// The binary with a clean environment: no model configured, no colour.
pub fn mockround(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("mockround").unwrap();
    for var in [
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "MOCKROUND_MODEL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "VISUAL",
        "EDITOR",
    ] {
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
