//! The interview loop end to end: the binary driven through scripted stdin,
//! with the offline interviewer, checked through the transcript it saves.

use std::time::Duration;

use crate::common::*;

const ROUNDS: &[&str] = &["ml-fundamentals", "system-design", "coding", "behavioral"];

#[test]
fn a_whole_session_per_round_is_saved_turn_by_turn() {
    for round in ROUNDS {
        let home = home();
        let script = "I would start from the constraint in the question and measure before changing anything.\n\
                      \"\"\"\nA multi-line answer.\n\nWith a second paragraph, because the first one was short.\n\"\"\"\n\
                      /hint\n\
                      I don't know\n\
                      ```python\ndef f(x):\n\n    return x\n```\n\
                      Last answer, with a number: 200 ms.\n\
                      One more, because the interviewer keeps asking.\n\
                      And another, to be sure the round ends.\n\
                      Extra answer.\nExtra answer two.\nExtra answer three.\n";
        let out = mockround(home.path())
            .args(["start", round, "--questions", "2", "--seed", "11"])
            .write_stdin(script)
            .output()
            .unwrap();
        assert!(out.status.success(), "{round}: {}", stderr_of(&out));
        let files = session_files(home.path());
        assert_eq!(files.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "transcripts are private");
        }
        let ev = events(&files[0]);
        assert_eq!(ev[0]["type"], "header");
        assert_eq!(ev[0]["format"], 1);
        assert_eq!(ev[0]["round"], *round);
        assert_eq!(ev[0]["level"], "mid");
        assert_eq!(ev[0]["backend"]["kind"], "offline");
        let turns = turns(&ev);
        assert_eq!(turns[0]["kind"], "question");
        assert_eq!(turns[0]["role"], "interviewer");
        let answers: Vec<&str> = turns
            .iter()
            .filter(|t| t["role"] == "candidate")
            .map(|t| t["text"].as_str().unwrap())
            .collect();
        assert!(answers.contains(
            &"A multi-line answer.\n\nWith a second paragraph, because the first one was short."
        ));
        assert!(answers
            .iter()
            .any(|a| a.starts_with("```python\ndef f(x):\n\n    return x\n```")));
        assert!(
            turns.iter().any(|t| t["kind"] == "hint"),
            "{round}: /hint is recorded"
        );
        // every question was asked once, and the session wrapped up
        let qids: Vec<&str> = turns
            .iter()
            .filter(|t| t["kind"] == "question")
            .map(|t| t["question_id"].as_str().unwrap())
            .collect();
        assert_eq!(qids.len(), 2);
        assert_ne!(qids[0], qids[1]);
        assert!(turns.iter().any(|t| t["kind"] == "wrap_up"));
        let end = ev.iter().find(|e| e["type"] == "end").expect("end event");
        assert_eq!(end["status"], "completed");
        assert!(
            ev.iter().any(|e| e["type"] == "score"),
            "{round}: scored at the end"
        );
        // the score comes after the end event, as listing relies on
        let end_pos = ev.iter().position(|e| e["type"] == "end").unwrap();
        let score_pos = ev.iter().position(|e| e["type"] == "score").unwrap();
        assert!(score_pos > end_pos);
        let stdout = stdout_of(&out);
        assert!(stdout.contains("Interviewer: "), "{stdout}");
        assert!(stdout.contains("Overall"), "a score is shown: {stdout}");
    }
}

#[test]
fn empty_and_dont_know_answers_get_one_nudge_then_move_on() {
    let home = home();
    let out = mockround(home.path())
        .args([
            "start",
            "coding",
            "--questions",
            "2",
            "--seed",
            "3",
            "--no-score",
        ])
        .write_stdin("\nI don't know\nstill no idea\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let ev = events(&session_files(home.path())[0]);
    let t = turns(&ev);
    let kinds: Vec<(String, String)> = t
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_string(),
                t["target"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // question, empty answer, nudge, idk, next question, answer...
    assert_eq!(kinds[0].0, "question");
    assert_eq!(kinds[1].0, "answer");
    assert_eq!(kinds[2], ("follow_up".into(), "nudge".into()));
    assert_eq!(kinds[3].0, "answer");
    assert_eq!(
        kinds[4].0, "question",
        "after one nudge it moves on: {kinds:?}"
    );
}

#[test]
fn probes_are_never_repeated_within_a_question() {
    let home = home();
    let answers = "It depends.\nIt really depends.\nHard to say.\nI would think about it.\nMaybe.\nNot sure.\n";
    let out = mockround(home.path())
        .args([
            "start",
            "ml-fundamentals",
            "--questions",
            "1",
            "--follow-ups",
            "5",
            "--seed",
            "9",
            "--no-score",
        ])
        .write_stdin(answers)
        .output()
        .unwrap();
    assert!(out.status.success());
    let ev = events(&session_files(home.path())[0]);
    let targets: Vec<&str> = turns(&ev)
        .iter()
        .filter(|t| t["kind"] == "follow_up")
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    let mut unique = targets.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), targets.len(), "{targets:?}");
    assert!(targets.len() <= 5);
}

#[test]
fn same_seed_same_interview() {
    let run = || {
        let home = home();
        mockround(home.path())
            .args([
                "start",
                "behavioral",
                "--questions",
                "2",
                "--seed",
                "42",
                "--no-score",
            ])
            .write_stdin("An answer.\nAnother answer.\nA third.\nA fourth.\nA fifth.\nA sixth.\n")
            .output()
            .unwrap();
        let ev = events(&session_files(home.path())[0]);
        turns(&ev)
            .iter()
            .filter(|t| t["role"] == "interviewer")
            .map(|t| t["text"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn huge_paste_and_invalid_utf8_are_accepted() {
    let home = home();
    let mut input = Vec::new();
    input.extend_from_slice("x".repeat(60_000).as_bytes());
    input.push(b'\n');
    input.extend_from_slice(b"bytes \xff\xfe that are not utf-8\n");
    let out = mockround(home.path())
        .args([
            "start",
            "system-design",
            "--questions",
            "1",
            "--seed",
            "1",
            "--no-score",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let ev = events(&session_files(home.path())[0]);
    let answers: Vec<String> = turns(&ev)
        .iter()
        .filter(|t| t["role"] == "candidate")
        .map(|t| t["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(answers[0].len(), 60_000);
    assert!(answers[1].contains('\u{FFFD}') && answers[1].ends_with("not utf-8"));
}

#[test]
fn unknown_round_lists_the_rounds() {
    let home = home();
    let out = mockround(home.path())
        .args(["start", "cooking"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    for r in ROUNDS {
        assert!(err.contains(r), "{err}");
    }
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[cfg(unix)]
#[test]
fn unwritable_data_dir_fails_before_the_first_question() {
    use std::os::unix::fs::PermissionsExt;
    let home = home();
    let sessions = sessions_dir(home.path());
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o500)).unwrap();
    // root ignores permissions; only meaningful when the check can fail
    if std::fs::File::create(sessions.join("probe")).is_ok() {
        std::fs::remove_file(sessions.join("probe")).unwrap();
        return;
    }
    let out = mockround(home.path())
        .args(["start", "coding", "--seed", "1"])
        .write_stdin("an answer\n")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        !stdout_of(&out).contains("Interviewer:"),
        "no question was asked"
    );
    let err = stderr_of(&out);
    assert!(
        err.contains("MOCKROUND_HOME") && err.trim().lines().count() == 1,
        "{err}"
    );
}

#[test]
fn a_file_in_the_way_of_the_data_dir_is_a_clear_error() {
    let home = home();
    std::fs::write(sessions_dir(home.path()), "not a directory").unwrap();
    let out = mockround(home.path())
        .args(["start", "coding", "--seed", "1"])
        .write_stdin("an answer\n")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!stdout_of(&out).contains("Interviewer:"));
    let err = stderr_of(&out);
    assert!(
        err.contains("data directory") && err.trim().lines().count() == 1,
        "{err}"
    );
}

#[test]
fn eof_mid_question_leaves_a_resumable_session() {
    let home = home();
    let out = mockround(home.path())
        .args(["start", "system-design", "--questions", "3", "--seed", "2"])
        .write_stdin("one answer only\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let ev = events(&session_files(home.path())[0]);
    assert_eq!(ev.last().unwrap()["type"], "end");
    assert_eq!(ev.last().unwrap()["status"], "interrupted");
    assert!(
        stdout_of(&out).contains(" resume 20"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn quit_saves_without_scoring() {
    let home = home();
    let out = mockround(home.path())
        .args(["start", "coding", "--seed", "2"])
        .write_stdin("an answer\n/quit\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let ev = events(&session_files(home.path())[0]);
    assert_eq!(ev.last().unwrap()["status"], "quit");
    assert!(!ev.iter().any(|e| e["type"] == "score"));
}

#[test]
fn end_wraps_up_and_scores() {
    let home = home();
    let out = mockround(home.path())
        .args(["start", "coding", "--questions", "4", "--seed", "2"])
        .write_stdin("I'd use a heap of size k, so the cost is n log k, and I'd handle k = 0 and ties.\n/end\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let ev = events(&session_files(home.path())[0]);
    assert!(turns(&ev).iter().any(|t| t["kind"] == "wrap_up"));
    assert!(ev
        .iter()
        .any(|e| e["type"] == "end" && e["status"] == "completed"));
    assert!(ev.iter().any(|e| e["type"] == "score"));
}

#[test]
fn skip_moves_on_and_is_recorded() {
    let home = home();
    mockround(home.path())
        .args([
            "start",
            "behavioral",
            "--questions",
            "2",
            "--seed",
            "4",
            "--no-score",
        ])
        .write_stdin("/skip\nan answer\n")
        .output()
        .unwrap();
    let ev = events(&session_files(home.path())[0]);
    let t = turns(&ev);
    assert_eq!(t[1]["skipped"], true);
    assert_eq!(t[2]["kind"], "question");
}

#[test]
fn slash_commands_that_do_not_exist_are_not_answers() {
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
        .write_stdin("/bogus\n/help\n/repeat\n/time\nreal answer\n")
        .output()
        .unwrap();
    let stdout = stdout_of(&out);
    assert!(stdout.contains("unknown command /bogus"), "{stdout}");
    assert!(stdout.contains("/edit"), "help is shown");
    let ev = events(&session_files(home.path())[0]);
    let answers: Vec<&str> = turns(&ev)
        .iter()
        .filter(|t| t["role"] == "candidate")
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(answers, vec!["real answer"]);
}

/// kill -9 in the middle of an interview: what was typed before is on disk,
/// the file loads, and `sessions` lists it.
#[test]
fn sigkill_mid_interview_loses_nothing_typed() {
    let home = home();
    let mut session = LiveSession::start(
        home.path(),
        &["start", "system-design", "--questions", "3", "--seed", "8"],
    );
    let answers = [
        "first answer about chunking by heading",
        "second answer with 300 ms budget",
    ];
    for a in answers {
        assert!(session.answer(a), "the interview ended early");
    }
    // wait until the second answer is durable, then kill without warning
    wait_for_session(home.path(), |text| text.contains("second answer"));
    session.kill();

    let file = &session_files(home.path())[0];
    let loaded = mockround::transcript::store::load(file).unwrap();
    let typed: Vec<String> = loaded
        .transcript
        .candidate_turns()
        .map(|t| t.text.clone())
        .collect();
    assert_eq!(typed, answers);
    assert!(loaded.transcript.end().is_none());

    let out = mockround(home.path())
        .args(["sessions", "--json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["status"], "unfinished");
    assert_eq!(list[0]["answers"], 2);
}

#[test]
fn a_truncated_last_line_is_tolerated_and_a_newer_format_refused() {
    let home = home();
    mockround(home.path())
        .args([
            "start",
            "coding",
            "--questions",
            "1",
            "--seed",
            "4",
            "--no-score",
        ])
        .write_stdin("an answer\n")
        .output()
        .unwrap();
    let file = session_files(home.path())[0].clone();
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("{\"type\":\"turn\",\"role\":\"cand");
    std::fs::write(&file, &text).unwrap();
    let loaded = mockround::transcript::store::load(&file).unwrap();
    assert!(loaded.truncated_tail && loaded.problems.is_empty());

    let newer = text.replacen("\"format\":1", "\"format\":99", 1);
    std::fs::write(&file, newer).unwrap();
    let out = mockround(home.path())
        .args(["score", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains("newer mockround"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn sessions_lists_newest_first_with_filters() {
    let home = home();
    for (round, seed) in [("coding", "1"), ("behavioral", "2"), ("coding", "3")] {
        mockround(home.path())
            .args([
                "start",
                round,
                "--questions",
                "1",
                "--seed",
                seed,
                "--no-score",
            ])
            .write_stdin("an answer\nanother\nthird\n")
            .output()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1100)); // ids are per second
    }
    let out = mockround(home.path())
        .args(["sessions", "--json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rounds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["round"].as_str().unwrap())
        .collect();
    assert_eq!(rounds, vec!["coding", "behavioral", "coding"]);
    let out = mockround(home.path())
        .args(["sessions", "--round", "coding"])
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert_eq!(
        text.lines().filter(|l| l.contains("coding")).count(),
        2,
        "{text}"
    );
    assert!(!text.contains("behavioral"));
}

#[test]
fn rounds_lists_builtin_custom_and_reports_bad_files_precisely() {
    let home = home();
    let out = mockround(home.path()).args(["rounds"]).output().unwrap();
    let text = stdout_of(&out);
    for r in ROUNDS {
        assert!(text.contains(r));
    }
    let out = mockround(home.path())
        .args(["rounds", "system-design"])
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert!(
        text.contains("weak") && text.contains("strong") && text.contains("architecture_anchor")
    );

    // a custom round: copy a built-in file under a new id
    let rubrics = home.path().join("rubrics");
    std::fs::create_dir_all(&rubrics).unwrap();
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/coding.toml"))
        .unwrap();
    std::fs::write(
        rubrics.join("my-round.toml"),
        src.replacen("id = \"coding\"", "id = \"my-round\"", 1),
    )
    .unwrap();
    let out = mockround(home.path()).args(["rounds"]).output().unwrap();
    assert!(stdout_of(&out).contains("my-round"));

    // an invalid override names file, line and field
    let broken = src.replacen(
        "probe = \"",
        "probe = \"no question mark here. \" \nx_probe = \"",
        1,
    );
    std::fs::write(rubrics.join("coding.toml"), broken).unwrap();
    // ... once, as a warning: every other round keeps working
    let out = mockround(home.path()).args(["rounds"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("coding.toml:") && err.contains(".key_point[0].x_probe"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(stdout_of(&out).contains("my-round") && stdout_of(&out).contains("not loaded"));
    // ... and starting that round fails with the error itself
    let out = mockround(home.path())
        .args(["start", "coding"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains(".key_point[0].x_probe"),
        "{}",
        stderr_of(&out)
    );
}
