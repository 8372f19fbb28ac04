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

/// The interviewer turns of a session file of one kind, in order.
fn interviewer_texts(home: &Path, kind: &str) -> Vec<String> {
    let ev = events(&session_files(home)[0]);
    turns(&ev)
        .iter()
        .filter(|t| t["role"] == "interviewer" && t["kind"] == kind)
        .map(|t| t["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_repl_names_ambiguous_commands_and_repeats_the_question_not_the_hint() {
    let home = home();
    let out = mockround(home.path())
        .args([
            "start",
            "coding",
            "--questions",
            "1",
            "--seed",
            "4",
            "--no-score",
        ])
        .write_stdin("/h\n/help\nI would use a dict.\n/hint\n/repeat\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("/h could be /help or /hint"), "{text}");
    assert!(
        text.contains("Alt-Enter"),
        "/help says how to add a line: {text}"
    );
    let question = &interviewer_texts(home.path(), "question")[0];
    let follow_up = interviewer_texts(home.path(), "follow_up");
    let hint = &interviewer_texts(home.path(), "hint")[0];
    let latest = follow_up.last().expect("a thin answer gets a follow-up");
    // shown when asked and again by /repeat, with the latest follow-up;
    // the hint only once
    assert_eq!(text.matches(question.as_str()).count(), 2, "{text}");
    assert_eq!(text.matches(latest.as_str()).count(), 2, "{text}");
    assert_eq!(text.matches(hint.as_str()).count(), 1, "{text}");
    let repeated = text.rfind(question.as_str()).unwrap();
    assert!(text[repeated..].contains(latest.as_str()));
}

#[test]
fn the_resume_hint_is_in_the_form_the_binary_was_run() {
    let bin = assert_cmd::cargo::cargo_bin("mockround");
    let hint = |arg0: Option<&str>| {
        let home = home();
        let mut cmd = std::process::Command::new(&bin);
        if let Some(a) = arg0 {
            std::os::unix::process::CommandExt::arg0(&mut cmd, a);
        }
        let out = cmd
            .env("MOCKROUND_HOME", home.path())
            .env("NO_COLOR", "1")
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .env_remove("MOCKROUND_MODEL")
            .args(["start", "coding", "--questions", "2", "--seed", "1"])
            .stdin(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let text = stdout_of(&out);
        let line = text
            .lines()
            .find(|l| l.contains(" continues it"))
            .unwrap_or_default();
        line.to_string()
    };
    // found on the PATH: the plain command
    let plain = hint(Some("mockround"));
    assert!(plain.contains("`mockround resume 20"), "{plain}");
    // started from a build directory: `cargo run`, or the path it was run by
    let built = hint(None);
    let shown = if bin
        .parent()
        .and_then(|d| d.parent())
        .is_some_and(|t| t.ends_with("target"))
    {
        "`cargo run --".to_string()
    } else {
        format!("`{}", bin.display())
    };
    assert!(
        built.contains(&shown) && built.contains(" resume 20"),
        "{built}"
    );
    assert!(!built.contains("`mockround resume"), "{built}");
}

#[test]
fn evidence_cut_short_of_its_sentence_ends_with_an_ellipsis() {
    let home = home();
    let path = home.path().join("long.txt");
    let sentence = "I would chunk the pages by heading and keep each chunk small enough to embed well, \
        then embed every chunk with the same model, store the vectors with the page id and the heading path, \
        retrieve the top twenty by cosine similarity, rerank them with a cross-encoder, \
        and keep only the best five for the prompt so the context stays short and the answer cites its sources.";
    write(
        &path,
        &format!(
            "# Round: system-design\n\nInterviewer: Design search over a company wiki with an LLM answering questions.\n\nCandidate: {sentence}\n"
        ),
    );
    let out = mockround(home.path())
        .args(["score", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let quotes: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("said:"))
        .map(str::trim)
        .collect();
    assert!(!quotes.is_empty(), "{text}");
    for q in quotes {
        let inner = q
            .trim_start_matches('\u{201C}')
            .trim_end_matches('\u{201D}');
        // whole words only, and a quote that stops mid-sentence says so
        let last = inner.trim_end_matches('…').split(' ').next_back().unwrap();
        assert!(
            sentence
                .split(' ')
                .any(|w| w == last || w.trim_end_matches(',') == last),
            "{q}"
        );
        assert!(inner.ends_with('…') || inner.ends_with('.'), "{q}");
        if !sentence.starts_with(inner) || inner.len() < sentence.len() {
            assert!(inner.ends_with('…'), "{q}");
        }
    }
}
