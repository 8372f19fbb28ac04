//! The review side end to end on the binary: replay, report, progress,
//! diagnose, plan and resume, on sessions made in the test (by running
//! `mockround start` with scripted answers, or by writing session files).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::*;
use serde_json::{json, Value};

/// The candidate turns of a labelled sample, in order.
fn sample_answers(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/samples")
        .join(name);
    let text = std::fs::read_to_string(path).unwrap();
    let t = mockround::transcript::import::parse(name, &text, None).unwrap();
    t.candidate_turns().map(|t| t.text.clone()).collect()
}

/// Scripted stdin: each answer as a `"""` block, slash commands as lines.
fn script(answers: &[String]) -> String {
    answers
        .iter()
        .map(|a| {
            if a.starts_with('/') {
                format!("{a}\n")
            } else {
                format!("\"\"\"\n{a}\n\"\"\"\n")
            }
        })
        .collect()
}

/// Replay output without the `[[…]](E1)` evidence marks.
fn unmark(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("[[") {
        out.push_str(&rest[..i]);
        rest = &rest[i + 2..];
        if let Some(j) = rest.find("]](E") {
            out.push_str(&rest[..j]);
            rest = &rest[j..];
            let close = rest.find(')').map(|c| c + 1).unwrap_or(rest.len());
            rest = &rest[close..];
        }
    }
    out.push_str(rest);
    out
}

/// Run `mockround start ROUND` with these answers; returns the new file.
fn session(home: &Path, round: &str, seed: u64, answers: &[String]) -> PathBuf {
    let before = session_files(home);
    let out = mockround(home)
        .args([
            "start",
            round,
            "--questions",
            "1",
            "--seed",
            &seed.to_string(),
        ])
        .write_stdin(script(answers))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let after = session_files(home);
    after
        .into_iter()
        .find(|p| !before.contains(p))
        .expect("a new session file")
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "{}", stderr_of(out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout_of(out)))
}

fn one_line_error(out: &std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "expected a failure: {}",
        stdout_of(out)
    );
    let err = stderr_of(out);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    err
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// ---- replay ----------------------------------------------------------------

#[test]
fn replay_plays_turns_in_order_with_key_points_and_marked_evidence() {
    let home = home();
    let mut answers = sample_answers("beh-customer-data-strong.txt");
    answers.insert(0, "/hint".into());
    let file = session(home.path(), "behavioral", 4, &answers);
    let out = mockround(home.path())
        .args(["replay", "last", "--instant"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let plain = unmark(&text);

    // every turn of the file, in the file's order
    let ev = events(&file);
    let mut at = 0;
    for t in turns(&ev) {
        let first_line = t["text"].as_str().unwrap().lines().next().unwrap_or("");
        // evidence marks may split a line; its first words are unmarked
        let probe: String = first_line.chars().take(25).collect();
        if probe.is_empty() {
            continue;
        }
        let found = plain[at..]
            .find(&probe)
            .unwrap_or_else(|| panic!("{probe:?} missing or out of order in:\n{plain}"));
        at += found + probe.len();
    }
    assert!(text.contains("Interviewer (hint"), "{text}");
    assert!(
        text.contains("What the interviewer was looking for"),
        "{text}"
    );
    assert!(text.contains("1 hint"), "{text}");
    assert!(text.contains("== Score"), "{text}");
    // the score's evidence is marked where it was said
    let score = ev.iter().rev().find(|e| e["type"] == "score").unwrap();
    let quote = score["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["evidence"].as_array().unwrap().iter())
        .next()
        .and_then(|q| q.as_str())
        .expect("the strong answers earn evidence");
    let marked = text.find("[[").expect("a marked quote");
    assert!(marked < text.find("== Score").unwrap());
    assert!(text.contains("(E1"), "{text}");
    assert!(text.contains("E1 ") && text.contains(quote), "{text}");
    assert!(!text.contains('\x1b'), "no colour in a pipe");
}

#[test]
fn replay_reads_plain_text_and_recomputes_key_points() {
    let home = home();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/samples/mlf-ranking-metric-strong.txt");
    let out = mockround(home.path())
        .args(["replay", sample.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("imported"), "{text}");
    assert!(text.contains("key points hit"), "{text}");
    assert!(text.contains("scored now"), "{text}");
}

#[test]
fn replay_of_a_corrupt_session_names_the_line_and_shows_the_rest() {
    let home = home();
    let file = session(
        home.path(),
        "coding",
        2,
        &[
            "first answer SENTINEL-A with a heap of size k".into(),
            "second answer SENTINEL-B".into(),
        ],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "{this line is broken";
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let out = mockround(home.path())
        .args(["replay", file.to_str().unwrap(), "--instant"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("line 3 is broken"), "{err}");
    let shown = stdout_of(&out);
    assert!(
        shown.contains("SENTINEL-B"),
        "what can be read is replayed: {shown}"
    );
    assert!(shown.contains("broken line 3"), "{shown}");
}

#[test]
fn a_session_that_matches_nothing_or_several_lists_candidates() {
    let home = home();
    let out = mockround(home.path())
        .args(["replay", "last"])
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("mockround start"), "{err}");

    let a = session(home.path(), "coding", 1, &["an answer".into()]);
    let b = session(home.path(), "coding", 2, &["an answer".into()]);
    let out = mockround(home.path())
        .args(["report", "nosuchsession"])
        .output()
        .unwrap();
    let err = one_line_error(&out);
    let id = |p: &PathBuf| p.file_stem().unwrap().to_str().unwrap().to_string();
    assert!(err.contains(&id(&a)) && err.contains(&id(&b)), "{err}");
    // both ids share the year: an ambiguous prefix
    let out = mockround(home.path())
        .args(["replay", &id(&a)[..2]])
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("matches 2 sessions") && err.contains(&id(&a)),
        "{err}"
    );
}

// ---- report ----------------------------------------------------------------

#[test]
fn report_in_markdown_html_and_json_with_private_files() {
    let home = home();
    let mut answers = sample_answers("beh-customer-data-strong.txt");
    answers[0].push_str("\n\nAnd I'd never ship <script>alert(1)</script> in a prompt.");
    let file = session(home.path(), "behavioral", 4, &answers);
    let id = file.file_stem().unwrap().to_str().unwrap().to_string();
    // a self-score, so the report can show the calibration gap
    let out = mockround(home.path())
        .args(["score", &id, "--self"])
        .write_stdin("4\n4\n4\n4\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));

    let md = mockround(home.path())
        .args(["report", &id])
        .output()
        .unwrap();
    let md = stdout_of(&md);
    for needle in [
        "## Result",
        "| Dimension | Score | You said | Gap |",
        "**Weak (1):**",
        "**Strong (4):**",
        "## Before you move on",
        "## What to practise next",
        "## Transcript",
        "I'd build it, with two conditions",
    ] {
        assert!(md.contains(needle), "{needle:?} missing:\n{md}");
    }

    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [("md", "r.md"), ("html", "r.html"), ("json", "r.json")] {
        let path = dir.path().join(name);
        let out = mockround(home.path())
            .args([
                "report",
                &id,
                "--format",
                format,
                "-o",
                path.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert!(path.exists());
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600, "{name} holds the answers");
    }
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>") && html.contains("@media print"));
    for external in ["<script", "<link", "src=", "@import", "http://", "https://"] {
        assert!(!html.contains(external), "self-contained, found {external}");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
        "answers are escaped"
    );
    assert!(html.contains("<mark>"), "evidence is highlighted");
    assert!(html.contains("Weak (1)") && html.contains("Strong (4)"));

    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(doc["report_version"], 1);
    assert_eq!(doc["session"]["id"], id.as_str());
    assert_eq!(doc["session"]["round"], "behavioral");
    assert_eq!(doc["score_source"], "saved");
    assert!(doc["score"]["overall"].is_number());
    assert_eq!(doc["score"]["dimensions"].as_array().unwrap().len(), 4);
    let dims = doc["dimensions"].as_array().unwrap();
    assert!(dims.iter().all(|d| d["self_score"] == 4));
    assert!(
        dims.iter()
            .all(|d| d["gap"].is_null()
                || d["gap"].as_i64() == Some(4 - d["score"].as_i64().unwrap()))
    );
    assert!(doc["calibration"]["summary"].is_string());
    assert!(!doc["checklist"].as_array().unwrap().is_empty());
    assert!(!doc["practice"].as_array().unwrap().is_empty());
    let q = &doc["questions"][0];
    assert!(q["key_points"].as_array().unwrap().len() >= 3);
    assert_eq!(q["turns"][0]["role"], "interviewer");
    assert_eq!(q["turns"][1]["role"], "candidate");

    let out = mockround(home.path())
        .args(["report", &id, "-o", "/no/such/dir/r.md"])
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(err.contains("does not exist"), "{err}");
}

// ---- progress --------------------------------------------------------------

#[test]
fn progress_names_the_weakest_round_from_sessions_made_in_the_test() {
    let home = home();
    let strong = sample_answers("beh-customer-data-strong.txt");
    let weak = sample_answers("mlf-ranking-metric-weak.txt");
    session(home.path(), "behavioral", 1, &strong);
    session(home.path(), "behavioral", 2, &strong);
    session(home.path(), "ml-fundamentals", 3, &weak);
    session(home.path(), "ml-fundamentals", 4, &weak);

    let p = json_of(
        &mockround(home.path())
            .args(["progress", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(p["sessions"], 4);
    assert_eq!(p["weakest_round"], "ml-fundamentals", "{p:#}");
    assert_eq!(p["weakest_basis"], "scores");
    let mlf = p["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ml-fundamentals")
        .unwrap();
    assert_eq!(mlf["sessions"], 2);
    assert_eq!(mlf["trend"].as_array().unwrap().len(), 2);
    assert!(mlf["weak_dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["line"]
            .as_str()
            .unwrap()
            .ends_with("weak in 2 of 2 sessions")));
    assert_eq!(p["never_practised"], json!(["system-design", "coding"]));

    let text = stdout_of(&mockround(home.path()).args(["progress"]).output().unwrap());
    assert!(
        text.contains("Weakest round so far: ML fundamentals"),
        "{text}"
    );
    assert!(text.contains("of 2 sessions"), "{text}");
    assert!(
        text.contains("Never practised: system-design, coding"),
        "{text}"
    );
}

/// A finished, scored session file, written directly.
fn write_session(home: &Path, n: u32, round: &str, minutes: u64, dims: &[(&str, u8)]) {
    let dir = sessions_dir(home);
    std::fs::create_dir_all(&dir).unwrap();
    let start = 1_790_000_000 + n as i64 * 86_400;
    let ts = |s: i64| jiff::Timestamp::from_second(s).unwrap().to_string();
    let id = format!("20260901-{:06}-{:04x}", n, n);
    let overall = dims.iter().map(|d| d.1 as f64).sum::<f64>() / dims.len() as f64;
    let lines = [
        json!({"type":"header","format":1,"id":id,"round":round,"level":"senior","started_at":ts(start),"backend":{"kind":"offline"},"minutes":45,"questions":1}),
        json!({"type":"turn","role":"interviewer","kind":"question","text":"Q?","at":ts(start)}),
        json!({"type":"turn","role":"candidate","kind":"answer","text":"An answer.","at":ts(start + 60)}),
        json!({"type":"end","at":ts(start + minutes as i64 * 60),"status":"completed","questions":1,"answers":1,"duration_s":minutes * 60}),
        json!({"type":"score","at":ts(start + minutes as i64 * 60 + 1),"rubric_version":1,"prompt_version":1,
               "round":round,"scorer":"offline","overall":overall,"verdict":"x",
               "dimensions":dims.iter().map(|(d,s)| json!({"id":d,"score":s,"rationale":"r","evidence":[]})).collect::<Vec<_>>(),
               "checklist":[],"flags":[]}),
    ];
    // Through the real event type: it checks the fixture against the format
    // and writes fields in the order mockround does ("type" first).
    let text: String = lines
        .iter()
        .map(|l| {
            let e: mockround::transcript::Event = serde_json::from_value(l.clone()).unwrap();
            format!("{}\n", serde_json::to_string(&e).unwrap())
        })
        .collect();
    std::fs::write(dir.join(format!("{id}.jsonl")), text).unwrap();
}

#[test]
fn progress_warns_about_practising_what_already_scores_well() {
    let home = home();
    for n in 0..5 {
        write_session(
            home.path(),
            n,
            "coding",
            50,
            &[("leetcode_readiness", 4), ("debugging", 3)],
        );
    }
    for n in 5..9 {
        let eval = if n == 8 { 3 } else { 1 };
        write_session(
            home.path(),
            n,
            "system-design",
            10,
            &[
                ("eval_methodology", eval),
                ("safety_layer", 2),
                ("architecture_anchor", 3),
            ],
        );
    }
    let p = json_of(
        &mockround(home.path())
            .args(["progress", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(p["weakest_round"], "system-design");
    assert_eq!(p["minutes"], 290.0);
    let sd = p["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "system-design")
        .unwrap();
    let lines: Vec<&str> = sd["weak_dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_str().unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![
            "Safety layer weak in 4 of 4 sessions",
            "Eval methodology weak in 3 of 4 sessions"
        ],
        "merged into one line each"
    );
    let trap = &p["trap"];
    assert_eq!(trap["comfortable"], json!(["coding"]));
    assert!(trap["message"].as_str().unwrap().contains("86 %"), "{trap}");

    let text = stdout_of(&mockround(home.path()).args(["progress"]).output().unwrap());
    assert!(text.contains("! The article's trap"), "{text}");
    assert!(
        text.contains("system-design: Eval methodology weak in 3 of 4 sessions"),
        "{text}"
    );
    assert!(
        text.contains("▃▃▃▅") && text.contains("▇▇▇▇▇"),
        "sparklines: {text}"
    );
}

#[test]
fn progress_without_sessions_says_how_to_start() {
    let home = home();
    let out = mockround(home.path()).args(["progress"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    assert!(
        text.contains("mockround start") && text.contains("mockround diagnose"),
        "{text}"
    );
    let p = json_of(
        &mockround(home.path())
            .args(["progress", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(p["sessions"], 0);
    assert!(p["weakest_round"].is_null());
    assert!(p["hint"].as_str().unwrap().contains("mockround start"));
}

// ---- diagnose --------------------------------------------------------------

fn diagnose(home: &Path, answers: &str) -> Value {
    json_of(
        &mockround(home)
            .args(["diagnose", "--json"])
            .write_stdin(answers)
            .output()
            .unwrap(),
    )
}

#[test]
fn diagnose_routes_every_branch_of_the_key() {
    let home = home();
    let cases = [
        (
            "no\nyes\nyes\nyes\nyes\nyes\n",
            "ml-fundamentals",
            "ml-fundamentals",
        ),
        (
            "yes\nyes\nyes\nyes\nno\nyes\n",
            "ml-fundamentals",
            "ml-fundamentals",
        ),
        (
            "yes\nno\nyes\nyes\nyes\nyes\n",
            "system-design",
            "system-design",
        ),
        (
            "yes\nyes\nyes\nyes\nyes\nno\n",
            "system-design",
            "system-design",
        ),
        ("yes\nyes\nno\nyes\nyes\nyes\n", "coding", "coding"),
        ("yes\nyes\nyes\nno\nyes\nyes\n", "behavioral", "behavioral"),
        ("no\nno\nno\nno\nno\nno\n", "all", "ml-fundamentals"),
        ("yes\nyes\nyes\nyes\nyes\nyes\n", "none", "system-design"),
        // "partly" counts only when nothing is a clear "no"
        ("partly\nyes\nno\nyes\nyes\nyes\n", "coding", "coding"),
        (
            "yes\npartly\nyes\nyes\nyes\nyes\n",
            "system-design",
            "system-design",
        ),
    ];
    for (answers, branch, start) in cases {
        let d = diagnose(home.path(), answers);
        assert_eq!(d["branch"], branch, "{answers:?}: {d:#}");
        assert_eq!(d["start"], start, "{answers:?}");
    }
    let all = diagnose(home.path(), "no\nno\nno\nno\nno\nno\n");
    assert_eq!(all["compress"], json!(["ml-fundamentals", "coding"]));
    assert_eq!(all["prioritize"], "system-design");

    let saved = home.path().join("diagnostic.json");
    #[cfg(unix)]
    assert_eq!(mode(&saved), 0o600);
    let p = json_of(
        &mockround(home.path())
            .args(["progress", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(p["diagnostic"]["branch"], "all");
    assert_eq!(p["weakest_round"], "ml-fundamentals");
    assert_eq!(p["weakest_basis"], "diagnostic");

    let text = stdout_of(
        &mockround(home.path())
            .args(["diagnose"])
            .write_stdin("y\np\nn\ny\ny\ny\n")
            .output()
            .unwrap(),
    );
    assert!(text.contains("Start with: Coding"), "{text}");

    let out = mockround(home.path())
        .args(["diagnose"])
        .write_stdin("yes\nmaybe\n")
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("line 2") && err.contains("yes, partly or no"),
        "{err}"
    );
    let out = mockround(home.path())
        .args(["diagnose"])
        .write_stdin("yes\nno\n")
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("expected 6 answers"));
}

// ---- plan ------------------------------------------------------------------

fn plan(home: &Path, args: &[&str]) -> Value {
    let mut all = vec!["plan", "--json"];
    all.extend_from_slice(args);
    json_of(&mockround(home).args(&all).output().unwrap())
}

fn sessions_of(week: &Value, round: &str) -> u64 {
    week["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["round"] == round)
        .map(|s| s["count"].as_u64().unwrap())
        .sum()
}

#[test]
fn plan_under_two_weeks_vs_four_weeks() {
    let home = home();
    diagnose(home.path(), "yes\nno\nyes\nyes\nyes\nyes\n"); // system design
    write_session(
        home.path(),
        1,
        "system-design",
        40,
        &[("eval_methodology", 2)],
    );

    let short = plan(home.path(), &["--weeks", "1"]);
    assert_eq!(short["mode"], "compressed");
    assert_eq!(short["weakest_round"], "system-design");
    let pct = |p: &Value, r: &str| {
        p["share"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["round"] == r)
            .map(|s| s["percent"].as_f64().unwrap())
            .unwrap_or(0.0)
    };
    assert!(
        pct(&short, "system-design") + pct(&short, "behavioral") >= 60.0,
        "{short:#}"
    );
    assert_eq!(
        pct(&short, "coding"),
        0.0,
        "coding skipped: it is not the weakest"
    );
    assert!(short["skipped"][0]["round"] == "coding");
    for w in short["schedule"].as_array().unwrap() {
        assert!(
            sessions_of(w, "system-design") >= 2,
            "weekly minimum: {w:#}"
        );
        for s in w["sessions"].as_array().unwrap() {
            assert!(
                s["command"].as_str().unwrap().ends_with("--level senior"),
                "{s}"
            );
        }
    }

    let long = plan(home.path(), &["--weeks", "4"]);
    assert_eq!(long["mode"], "standard");
    let weeks = long["schedule"].as_array().unwrap();
    assert_eq!(weeks.len(), 4);
    for w in weeks {
        assert!(
            sessions_of(w, "system-design") >= 2,
            "weekly minimum: {w:#}"
        );
    }
    for r in ["ml-fundamentals", "system-design", "coding", "behavioral"] {
        let total: u64 = weeks.iter().map(|w| sessions_of(w, r)).sum();
        assert!(total >= 1, "at least one mock of {r}");
    }
    assert_eq!(weeks[0]["from"], long["today"]);
    assert!(weeks[3]["to"].as_str().unwrap() < long["interview_date"].as_str().unwrap());

    // coding as the weakest round survives the time-pressure rule
    let home2 = crate::common::home();
    diagnose(home2.path(), "yes\nyes\nno\nyes\nyes\nyes\n");
    let short = plan(home2.path(), &["--weeks", "1"]);
    assert!(pct(&short, "coding") > 0.0, "{short:#}");
    assert!(pct(&short, "system-design") + pct(&short, "behavioral") >= 60.0);

    let text = stdout_of(
        &mockround(home.path())
            .args(["plan", "--weeks", "4"])
            .output()
            .unwrap(),
    );
    assert!(
        text.contains("Week 4") && text.contains("mockround start system-design --level senior"),
        "{text}"
    );
}

#[test]
fn plan_dates_relative_to_today_and_bad_dates() {
    let home = home();
    let today = jiff::ZonedDateTime::now().date();
    let in_ten = today.checked_add(jiff::Span::new().days(10)).unwrap();
    let p = plan(home.path(), &["--interview-date", &in_ten.to_string()]);
    assert_eq!(p["days_left"], 10);
    assert_eq!(p["mode"], "compressed");
    assert_eq!(p["interview_date"], in_ten.to_string());
    for bad in ["2026-13-45", "next tuesday", "2001-01-01"] {
        let out = mockround(home.path())
            .args(["plan", "--interview-date", bad])
            .output()
            .unwrap();
        let err = one_line_error(&out);
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }
}

// ---- resume ----------------------------------------------------------------

/// Start a session, answer `answers`, wait until the last one is on disk,
/// then kill -9 it.
fn start_and_kill(home: &Path, answers: &[&str]) -> PathBuf {
    let mut session = LiveSession::start(
        home,
        &["start", "system-design", "--questions", "2", "--seed", "8"],
    );
    for a in answers {
        assert!(session.answer(a), "the interview ended early");
    }
    let last = answers.last().unwrap();
    wait_for_session(home, |text| {
        // the follow-up after the answer is written too
        text.contains(last)
            && text.trim_end().ends_with('}')
            && text
                .lines()
                .last()
                .is_some_and(|l| l.contains("\"interviewer\""))
    });
    session.kill();
    session_files(home)[0].clone()
}

#[test]
fn resume_continues_a_killed_session_in_the_same_file() {
    let home = home();
    let file = start_and_kill(
        home.path(),
        &["first answer KILLED-A about chunking by heading"],
    );
    let before = events(&file);
    assert!(
        !before.iter().any(|e| e["type"] == "end"),
        "killed: no end event"
    );
    let asked = turns(&before).last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();

    // a newer, finished session must not be what `last` resumes
    std::thread::sleep(Duration::from_millis(1500));
    session(
        home.path(),
        "coding",
        3,
        &["an answer".into(), "another".into(), "third".into()],
    );
    std::thread::sleep(Duration::from_millis(1500));

    let out = mockround(home.path())
        .args(["resume", "last"])
        .write_stdin("resumed answer RESUMED-B with permissions checked at query time\nRESUMED-C\nRESUMED-D\nRESUMED-E\nRESUMED-F\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("resuming"), "{text}");
    assert!(
        text.contains(asked.lines().next().unwrap()),
        "the unanswered turn is asked again: {text}"
    );

    assert_eq!(
        session_files(home.path()).len(),
        2,
        "no new file for the resumed session"
    );
    let after = events(&file);
    let resume = after
        .iter()
        .find(|e| e["type"] == "resume")
        .expect("a resume event");
    assert!(resume["break_s"].as_u64().unwrap() >= 3, "{resume}");
    let answers: Vec<&str> = turns(&after)
        .iter()
        .filter(|t| t["role"] == "candidate")
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert!(
        answers[0].contains("KILLED-A") && answers[1].contains("RESUMED-B"),
        "{answers:?}"
    );
    // the interviewer knew what was covered: no target probed twice
    let targets: Vec<(&str, &str)> = turns(&after)
        .iter()
        .filter(|t| t["kind"] == "follow_up")
        .filter_map(|t| Some((t["question_id"].as_str()?, t["target"].as_str()?)))
        .collect();
    let mut unique = targets.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), targets.len(), "{targets:?}");
    // the clock left the break out
    let end = after.iter().rev().find(|e| e["type"] == "end").unwrap();
    assert_eq!(end["status"], "completed");
    let started: jiff::Timestamp = after[0]["started_at"].as_str().unwrap().parse().unwrap();
    let ended: jiff::Timestamp = end["at"].as_str().unwrap().parse().unwrap();
    let wall = (ended.as_second() - started.as_second()) as u64;
    assert!(
        end["duration_s"].as_u64().unwrap() + 2 <= wall,
        "{end} vs {wall} s wall clock"
    );
    assert!(after.iter().any(|e| e["type"] == "score"));
}

#[test]
fn resume_after_end_of_input_and_refusals() {
    let home = home();
    let out = mockround(home.path())
        .args(["start", "coding", "--questions", "2", "--seed", "5"])
        .write_stdin("EOF-A only one answer, then Ctrl-D\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let file = session_files(home.path())[0].clone();
    assert_eq!(events(&file).last().unwrap()["status"], "interrupted");
    let id = file.file_stem().unwrap().to_str().unwrap().to_string();

    let out = mockround(home.path())
        .args(["resume", &id])
        .write_stdin("EOF-B\nEOF-C\nEOF-D\nEOF-E\nEOF-F\nEOF-G\nEOF-H\nEOF-I\nEOF-J\nEOF-K\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let ev = events(&file);
    assert!(ev.iter().any(|e| e["type"] == "resume"));
    assert_eq!(
        ev.iter().rev().find(|e| e["type"] == "end").unwrap()["status"],
        "completed"
    );
    let p = json_of(
        &mockround(home.path())
            .args(["sessions", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(p[0]["status"], "completed");

    // finished now: resuming again is refused in one line
    let out = mockround(home.path())
        .args(["resume", &id])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("already completed"));
    let out = mockround(home.path()).args(["resume"]).output().unwrap();
    assert!(one_line_error(&out).contains("no unfinished session"));
}
