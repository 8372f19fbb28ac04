//! Hand-broken files and mistyped arguments get a clear line naming what
//! and where, never silence: a mistyped round, unreadable session files, an
//! implausible duration, out-of-range settings, round files that break the
//! format's rules.

use std::path::Path;

use crate::common::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_mistyped_round_is_answered_with_the_likely_one() {
    let home = home();
    let out = mockround(home.path())
        .args(["start", "system-desing"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("did you mean system-design?"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn sessions_says_how_many_files_were_skipped_and_why() {
    let home = home();
    let dir = sessions_dir(home.path());
    write(
        &dir.join("newer.jsonl"),
        "{\"type\":\"header\",\"format\":9,\"id\":\"x\",\"round\":\"coding\",\"level\":\"mid\",\"started_at\":\"2027-01-15T08:00:00Z\",\"backend\":{\"kind\":\"offline\"}}\n",
    );
    write(&dir.join("junk.jsonl"), "not a session\n");
    let out = mockround(home.path()).arg("sessions").output().unwrap();
    let (text, err) = (stdout_of(&out), stderr_of(&out));
    assert!(!text.contains("No saved sessions yet"), "{text}");
    assert!(text.contains("2 file(s)"), "{text}");
    assert!(
        err.contains("newer mockround") && err.contains("junk.jsonl"),
        "{err}"
    );
    let out = mockround(home.path())
        .args(["sessions", "--json"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&out).trim(), "[]");
    assert!(stderr_of(&out).contains("newer mockround"));
}

#[test]
fn an_implausible_duration_is_named_and_not_counted() {
    let home = home();
    let dir = sessions_dir(home.path());
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/transcripts/coding-example.jsonl"
    ))
    .unwrap();
    // the end event as written, with an impossible duration
    let broken: String = example
        .lines()
        .map(|l| match l.find("\"duration_s\":") {
            Some(i) if l.starts_with("{\"type\":\"end\"") => {
                let rest = &l[i + "\"duration_s\":".len()..];
                let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
                format!("{}\"duration_s\":{}{}", &l[..i], u64::MAX, &rest[digits..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    write(&dir.join("long.jsonl"), &broken);
    let out = mockround(home.path())
        .args(["progress", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("long.jsonl") && stderr_of(&out).contains("no interview does")
    );
    let p: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert!(p["minutes"].as_f64().unwrap() < 1000.0, "{}", p["minutes"]);
}

#[test]
fn out_of_range_settings_are_named_with_their_line() {
    let home = home();
    write(
        &home.path().join("config.toml"),
        "# mine\nmax_retries = 50\n",
    );
    let out = mockround(home.path()).arg("rounds").output().unwrap();
    assert!(out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("config.toml:2: max_retries = 50 is outside 0..=10; using 10"),
        "{err}"
    );
}

#[test]
fn round_files_that_break_the_format_are_named_at_the_right_line() {
    let home = home();
    let rubrics = home.path().join("rubrics");
    let coding =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/coding.toml"))
            .unwrap();
    // minutes = 0 is reported at its own line, not at the id's
    let custom = coding
        .replacen("id = \"coding\"", "id = \"mine\"", 1)
        .replacen("minutes = 45", "minutes = 0", 1);
    let line = custom.lines().position(|l| l == "minutes = 0").unwrap() + 1;
    write(&rubrics.join("mine.toml"), &custom);
    // an override of a built-in round must keep its four dimensions
    let first_dimension = coding.find("[[dimension]]").unwrap();
    let second = coding[first_dimension + 1..].find("[[dimension]]").unwrap() + first_dimension + 1;
    let three = format!("{}{}", &coding[..first_dimension], &coding[second..]);
    write(&rubrics.join("coding.toml"), &three);
    let out = mockround(home.path()).arg("rounds").output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains(&format!("mine.toml:{line}: minutes")), "{err}");
    assert!(
        err.contains("coding.toml:") && err.contains("keeps its 4 dimensions"),
        "{err}"
    );
    // the other rounds still work
    assert!(stdout_of(&out).contains("system-design"));
}

#[test]
fn a_dimension_without_a_score_shows_an_empty_bar_in_the_html_report() {
    let home = home();
    let path = home.path().join("one-answer.txt");
    write(
        &path,
        "# Round: ml-fundamentals\n\nInterviewer: Your fraud model has 99% accuracy. Is it good?\n\nCandidate: Accuracy hides the rare class: with 1% fraud a model that always says no fraud gets 99%, so I would look at precision and recall on the fraud class.\n",
    );
    let out = mockround(home.path())
        .args(["report", path.to_str().unwrap(), "--format", "html"])
        .output()
        .unwrap();
    let html = stdout_of(&out);
    assert!(
        html.contains("n/a"),
        "the fixture should leave a dimension unscored"
    );
    assert!(html.contains("<span class=\"bar na\""), "{html}");
    assert!(!html.contains("<span class=\"bar\"><i></i></span>"));
    assert!(html.contains(".na i { width: 0; }"));
}

#[test]
fn resuming_a_session_that_stopped_while_being_scored_says_how_to_finish_it() {
    let home = home();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/transcripts/coding-example.jsonl"
    ))
    .unwrap();
    let unscored: String = example
        .lines()
        .filter(|l| {
            !l.starts_with("{\"type\":\"score\"") && !l.starts_with("{\"type\":\"self_score\"")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(unscored.contains("\"status\":\"completed\""));
    let path = sessions_dir(home.path()).join("killed.jsonl");
    write(&path, &unscored);
    let out = mockround(home.path())
        .args(["resume", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("no score") && err.contains("mockround score"),
        "{err}"
    );
}
