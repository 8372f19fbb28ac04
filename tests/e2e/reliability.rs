//! Breaking the program on purpose: kill -9 at random moments, a file-size
//! limit hit mid-session, a transcript edited by another process. Nothing
//! already saved may be damaged, and every failure says what happened in
//! one line.

use std::io::Write;
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use crate::common::*;

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("mockround")
}

/// Kill sessions at many different moments; each transcript must load, hold
/// every answer whose line reached the disk, list, and resume.
#[test]
fn kill_9_at_random_points_never_corrupts_a_session() {
    let mut rng = mockround::rng::Rng::new(20261125);
    for round in 0..12 {
        let home = home();
        let seed = round.to_string();
        let mut session = LiveSession::start(
            home.path(),
            &[
                "start",
                "system-design",
                "--questions",
                "3",
                "--seed",
                &seed,
            ],
        );
        let answers = 1 + rng.below(5);
        for i in 0..answers {
            // A long answer makes the write window larger.
            let body = format!(
                "answer {i}: I'd chunk by heading, {}",
                "with retrieval and re-ranking ".repeat(rng.below(200))
            );
            session.answer(&body);
        }
        // kill at a random moment after the last answer was sent
        std::thread::sleep(Duration::from_millis(rng.below(40) as u64));
        session.kill();

        let files = session_files(home.path());
        assert_eq!(files.len(), 1);
        let loaded = mockround::transcript::store::load(&files[0]).expect("loads after kill -9");
        assert!(
            loaded.problems.is_empty(),
            "only the last line may be cut: {:?}",
            loaded.problems
        );
        let saved: Vec<String> = loaded
            .transcript
            .candidate_turns()
            .map(|t| t.text.clone())
            .collect();
        for (i, a) in saved.iter().enumerate() {
            assert!(
                a.starts_with(&format!("answer {i}:")),
                "answers in order, intact: {a:.40}"
            );
        }
        let out = mockround(home.path())
            .args(["sessions", "--json"])
            .output()
            .unwrap();
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        // and it resumes, appending after what was there
        let out = mockround(home.path())
            .args(["resume", "last", "--no-self"])
            .write_stdin("resumed answer\n")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let ev = events(&files[0]);
        assert!(ev.iter().any(|e| e["type"] == "resume"));
        assert!(ev
            .iter()
            .any(|e| e["type"] == "turn" && e["text"] == "resumed answer"));
    }
}

/// A file-size limit (ulimit -f) hit while saving an answer: the session
/// stops with one clear line, and everything saved before is intact.
#[cfg(unix)]
#[test]
fn a_full_disk_stops_with_a_clear_error_and_keeps_what_was_saved() {
    let home = home();
    let script = format!(
        "ulimit -f 8; exec '{}' start coding --questions 2 --seed 1 --no-score",
        bin().display()
    );
    let big = "x".repeat(20_000);
    let out = StdCommand::new("sh")
        .args(["-c", &script])
        .env("MOCKROUND_HOME", home.path())
        .env("NO_COLOR", "1")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("OPENAI_API_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .unwrap()
                .write_all(format!("a short first answer\n{big}\n").as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(!out.status.success());
    let stderr = stderr_of(&out);
    // the last line is the error (an offline-mode notice may come first)
    let err = stderr.trim().lines().last().unwrap_or("");
    assert!(
        err.contains("file size limit") || err.contains("disk is full"),
        "{stderr}"
    );
    assert!(err.contains("saved"), "says what is kept: {err}");
    let loaded = mockround::transcript::store::load(&session_files(home.path())[0]).unwrap();
    assert!(loaded.problems.is_empty());
    let saved: Vec<String> = loaded
        .transcript
        .candidate_turns()
        .map(|t| t.text.clone())
        .collect();
    assert_eq!(saved[0], "a short first answer");
}

/// Another process appends garbage and edits a line: loading names the
/// broken line, keeps the rest, and scoring still works.
#[test]
fn a_transcript_changed_by_another_process_is_reported_not_fatal() {
    let home = home();
    mockround(home.path())
        .args([
            "start",
            "behavioral",
            "--questions",
            "1",
            "--seed",
            "3",
            "--no-score",
        ])
        .write_stdin("first answer about drift\nsecond answer\nthird\n")
        .output()
        .unwrap();
    let file = session_files(home.path())[0].clone();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.insert(2, "{this is not json".into());
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let loaded = mockround::transcript::store::load(&file).unwrap();
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].line, 3);
    let out = mockround(home.path())
        .args(["score", "last", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stderr_of(&out).contains("line 3"), "{}", stderr_of(&out));
    let out = mockround(home.path()).args(["sessions"]).output().unwrap();
    assert!(out.status.success());
}
