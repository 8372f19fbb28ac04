//! `mockround run` end to end on the binary, and `run` events in the
//! transcript: appended and read back, replayed and reported in place.
//!
//! Runs hold the runner tests' lock (tests/e2e/runner.rs): a fork bomb or an
//! endless loop next to a suite's timing case would make that case flaky.
//! The numpy suites skip on a machine without numpy, as the runner tests do.

use std::path::{Path, PathBuf};

use mockround::runner::{Load, Outcome, Status, Verdict};
use mockround::transcript::store::{self, SessionWriter};
use mockround::transcript::{Event, RunEvent};
use serde_json::Value;

use crate::common::{home, mockround, stdout_of};
use crate::runner::{numpy_or_skip, serial};

const ATTENTION: &str = "code-attention-numpy";
const MERGE: &str = "code-merge-intervals";

const GOOD_ATTENTION: &str = "import numpy as np

def attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    top = scores.max(axis=-1, keepdims=True)
    e = np.exp(scores - np.where(np.isfinite(top), top, 0.0))
    total = e.sum(axis=-1, keepdims=True)
    w = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return w @ V, w
";

const GOOD_MERGE: &str = "def merge(intervals):
    out = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out
";

/// The fixture session: a syntax error run as block 1, a run of code that
/// divides by dk, a follow-up, and a run of the fix that passes.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/format/v1-run-events.jsonl")
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `mockround run FILE --question ID ARGS…` with `text` as FILE (named `name`).
fn run_text(home: &Path, name: &str, text: &str, question: &str, args: &[&str]) -> Ran {
    let file = home.join(name);
    std::fs::write(&file, text).unwrap();
    run_path(home, &file, question, args, &[])
}

fn run_path(home: &Path, file: &Path, question: &str, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let _lock = serial();
    let mut cmd = mockround(home);
    cmd.arg("run")
        .arg(file)
        .args(["--question", question])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: stdout_of(&out),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn outcome_of(ran: &Ran) -> Outcome {
    serde_json::from_str(&ran.stdout).unwrap_or_else(|e| panic!("{e}: {}", ran.stdout))
}

// ---- right and wrong code -----------------------------------------------------

#[test]
fn a_correct_attention_passes_every_case() {
    if !numpy_or_skip("a_correct_attention_passes_every_case") {
        return;
    }
    let home = home();
    let ran = run_text(home.path(), "attention.py", GOOD_ATTENTION, ATTENTION, &[]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let cases: Vec<&str> = ran.stdout.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(cases.len(), 9, "{}", ran.stdout);
    assert!(
        cases.iter().all(|l| l.starts_with("  pass ")),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("9 of 9 cases passed"), "{}", ran.stdout);
    assert!(ran.stdout.contains("Sandbox: "), "{}", ran.stdout);
    assert!(!ran.stdout.contains("An interviewer would ask"));

    let json = run_text(
        home.path(),
        "attention.py",
        GOOD_ATTENTION,
        ATTENTION,
        &["--json"],
    );
    assert_eq!(json.code, 0);
    let outcome = outcome_of(&json);
    assert_eq!(outcome.verdict(), Verdict::Passed);
    assert_eq!(outcome.question, ATTENTION);
}

#[test]
fn dividing_by_dk_fails_the_scaling_case_and_the_question_is_about_it() {
    if !numpy_or_skip("dividing_by_dk_fails_the_scaling_case_and_the_question_is_about_it") {
        return;
    }
    let home = home();
    let by_dk = GOOD_ATTENTION.replace("np.sqrt(Q.shape[-1])", "Q.shape[-1]");
    let ran = run_text(home.path(), "attention.py", &by_dk, ATTENTION, &[]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let line = ran
        .stdout
        .lines()
        .find(|l| l.contains("scaled_by_sqrt_dk"))
        .unwrap_or_else(|| panic!("{}", ran.stdout));
    assert!(line.trim_start().starts_with("FAIL"), "{line}");
    assert!(line.contains("divide by sqrt(dk)"), "{line}");
    let ask = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("An interviewer would ask: "))
        .unwrap_or_else(|| panic!("{}", ran.stdout));
    assert!(ask.contains("scaled_by_sqrt_dk"), "{ask}");
    assert!(ask.contains("scores / dk"), "{ask}");
    // The question states what happened and leaves the fix to the candidate.
    assert!(!ask.contains("divide by sqrt(dk) = 8 instead"), "{ask}");
}

#[test]
fn a_markdown_answer_runs_its_latest_python_block_or_the_one_named() {
    let home = home();
    let answer = format!(
        "My first try:\n\n```python\ndef merge(intervals):\n    return intervals\n```\n\nThe fix:\n\n```python\n{GOOD_MERGE}```\n\nRun it with:\n\n```bash\npython merge.py\n```\n"
    );
    let ran = run_text(home.path(), "answer.md", &answer, MERGE, &[]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let first = run_text(home.path(), "answer.md", &answer, MERGE, &["--block", "1"]);
    assert_eq!(first.code, 1, "{}{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("FAIL"), "{}", first.stdout);
    assert!(
        first.stdout.contains("answer.md, block 1"),
        "{}",
        first.stdout
    );
    let none = run_text(home.path(), "answer.md", &answer, MERGE, &["--block", "4"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("no block 4"), "{}", none.stderr);
    let py = run_text(
        home.path(),
        "merge.py",
        GOOD_MERGE,
        MERGE,
        &["--block", "1"],
    );
    assert_eq!(py.code, 2);
    assert!(py.stderr.contains("runs as it is"), "{}", py.stderr);
    let prose = run_text(
        home.path(),
        "answer.txt",
        "I would sort by start.",
        MERGE,
        &[],
    );
    assert_eq!(prose.code, 2);
    assert!(
        prose.stderr.contains("no fenced code block"),
        "{}",
        prose.stderr
    );
}

#[test]
fn a_saved_session_runs_the_answers_to_its_question() {
    let home = home();
    let ran = run_path(home.path(), &fixture(), ATTENTION, &["--block", "1"], &[]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    // The wording of syntax errors changes between Pythons; the line does not.
    assert!(
        ran.stdout.contains("the code did not load: "),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("(line 1: def attention(Q, K, V, mask=None:)"),
        "{}",
        ran.stdout
    );
    let other = run_path(home.path(), &fixture(), MERGE, &[], &[]);
    assert_eq!(other.code, 2);
    assert!(
        other
            .stderr
            .contains("no answer to \"code-merge-intervals\""),
        "{}",
        other.stderr
    );
    if numpy_or_skip("a_saved_session_runs_the_answers_to_its_question") {
        let latest = run_path(home.path(), &fixture(), ATTENTION, &[], &[]);
        assert_eq!(latest.code, 0, "{}{}", latest.stdout, latest.stderr);
    }
}

// ---- careless and hostile code ------------------------------------------------

/// Two quick cases, as a suite of the config dir (a custom question's).
const TWO_CASES: &str = "from mockround_suite import case, equal
ENTRY = 'f'
SIGNATURE = 'f() -> 1'
@case
def returns_one(f):
    equal(f(), 1, 'f()')
@case
def again(f):
    equal(f(), 1, 'f() the second time')
";

#[test]
fn an_endless_loop_is_stopped_and_reported() {
    let home = home();
    let suites = home.path().join("rubrics").join("coding");
    std::fs::create_dir_all(&suites).unwrap();
    std::fs::write(suites.join("my-question.py"), TWO_CASES).unwrap();
    let ran = run_text(
        home.path(),
        "loop.py",
        "def f():\n    while True:\n        pass\n",
        "my-question",
        &[],
    );
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let errors: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("ERROR") && l.contains("timed out after 3 s"))
        .collect();
    assert_eq!(errors.len(), 2, "{}", ran.stdout);
    assert!(
        ran.stdout.contains("0 of 2 cases passed, 2 errored"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_fork_bomb_is_contained() {
    let home = home();
    let bomb = "import os\ndef merge(intervals):\n    while True:\n        os.fork()\n";
    let ran = run_text(home.path(), "bomb.py", bomb, MERGE, &["--json"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let outcome = outcome_of(&ran);
    assert!(
        outcome.sandbox.max_processes.is_some(),
        "{:?}",
        outcome.sandbox
    );
    assert_eq!(outcome.cases.len(), 9);
    for c in &outcome.cases {
        assert_eq!(c.status, Status::Errored, "{}", c.line());
    }
    // The text output says so, with the cap the kernel enforced.
    let text = run_text(home.path(), "bomb.py", bomb, MERGE, &[]);
    assert!(
        text.stdout.contains("0 of 9 cases passed, 9 errored"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("at most"), "{}", text.stdout);
}

#[test]
fn a_10_gb_allocation_is_contained() {
    let home = home();
    let greedy = "def merge(intervals):\n    block = bytearray(10 * 1024 ** 3)\n    return []\n";
    let ran = run_text(home.path(), "greedy.py", greedy, MERGE, &[]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let memory = ran
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("ERROR") && l.contains("MemoryError (line 2"))
        .count();
    assert_eq!(memory, 9, "{}", ran.stdout);
}

#[test]
fn a_syntax_error_is_one_line_and_exit_1() {
    let home = home();
    let code = "def merge(intervals:\n    return intervals\n";
    let ran = run_text(home.path(), "broken.py", code, MERGE, &[]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("the code did not load: "),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("(line 1: def merge(intervals:)"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("not run"), "{}", ran.stdout);
    let json = outcome_of(&run_text(
        home.path(),
        "broken.py",
        code,
        MERGE,
        &["--json"],
    ));
    assert!(
        matches!(json.load, Load::SyntaxError { line: Some(1), .. }),
        "{:?}",
        json.load
    );
}

#[test]
fn what_the_code_prints_cannot_drive_the_terminal() {
    let home = home();
    let code = format!(
        "import sys\nprint('\\x1b[2J\\x1b]0;owned\\x07 hello')\nsys.stderr.write('\\x1b[31mred\\n')\n{GOOD_MERGE}"
    );
    let ran = run_text(home.path(), "noisy.py", &code, MERGE, &[]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(!ran.stdout.contains('\x1b') && !ran.stdout.contains('\x07'));
    assert!(ran.stdout.contains("hello"), "{}", ran.stdout);
    assert!(ran.stdout.contains("on stderr"), "{}", ran.stdout);
}

// ---- setup problems: exit 2 and one line --------------------------------------

#[test]
fn without_python_one_line_says_how_to_install_it() {
    let home = home();
    let file = home.path().join("merge.py");
    std::fs::write(&file, GOOD_MERGE).unwrap();
    let ran = run_path(
        home.path(),
        &file,
        MERGE,
        &[],
        &[("MOCKROUND_PYTHON", "/nonexistent")],
    );
    assert_eq!(ran.code, 2);
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("python3 is not installed"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("apt install python3"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("sessions work without it"),
        "{}",
        ran.stderr
    );
}

#[test]
fn an_unknown_question_lists_the_ones_with_suites() {
    let home = home();
    let ran = run_text(home.path(), "merge.py", GOOD_MERGE, "code-no-such", &[]);
    assert_eq!(ran.code, 2);
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("code-attention-numpy"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("code-merge-intervals"),
        "{}",
        ran.stderr
    );
    let debug = run_text(
        home.path(),
        "merge.py",
        GOOD_MERGE,
        "code-debug-loss-flat",
        &[],
    );
    assert_eq!(debug.code, 2);
    assert!(
        debug.stderr.contains("asks for no code"),
        "{}",
        debug.stderr
    );
    let path = run_text(home.path(), "merge.py", GOOD_MERGE, "../../etc/passwd", &[]);
    assert_eq!(path.code, 2);
    assert!(path.stderr.contains("no question"), "{}", path.stderr);
}

// ---- run events in the transcript ---------------------------------------------

#[test]
fn a_run_event_is_appended_and_read_back() {
    let home = home();
    let ran = run_text(home.path(), "merge.py", GOOD_MERGE, MERGE, &["--json"]);
    let outcome = outcome_of(&ran);
    let session = home.path().join("s.jsonl");
    std::fs::copy(fixture(), &session).unwrap();
    let mut event = RunEvent::from_outcome(&outcome);
    event.block = Some(2);
    SessionWriter::open(&session)
        .unwrap()
        .append(&Event::Run(event.clone()))
        .unwrap();
    let loaded = store::load(&session).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let runs: Vec<&RunEvent> = loaded.transcript.runs().collect();
    assert_eq!(runs.len(), 4);
    assert_eq!(runs[3], &event);
    assert_eq!(runs[3].verdict(), Verdict::Passed);
    assert_eq!(runs[3].counts.passed, 9);
    assert!(runs[3]
        .evidence()
        .contains("edge cases included (touching_blocks_merge"));
}

#[test]
fn replay_shows_runs_where_they_happened() {
    let home = home();
    let out = mockround(home.path())
        .arg("replay")
        .arg(fixture())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
    };
    let draft =
        at("-- Code run of block 1 (code-attention-numpy): the code did not load: invalid syntax");
    let failed = at("-- Code run (code-attention-numpy): 2 of 9 cases passed, 7 failed");
    let scaling = at("FAIL    scaled_by_sqrt_dk: with dk = 64 the weights match scores / dk");
    let follow_up = at("Why divide the scores at all");
    let passed = at("-- Code run (code-attention-numpy): 9 of 9 cases passed");
    let looking = at("-- What the interviewer was looking for");
    assert!(at("A first draft") < draft);
    assert!(draft < failed && failed < scaling && scaling < follow_up);
    assert!(follow_up < passed && passed < looking);
    // Passing cases are not listed in a replay: only what went wrong.
    assert!(!text.contains("pass    random_inputs"), "{text}");
}

#[test]
fn report_shows_runs_in_place_in_every_format() {
    let home = home();
    let report = |format: &str| {
        let out = mockround(home.path())
            .arg("report")
            .arg(fixture())
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout_of(&out)
    };
    let md = report("md");
    assert!(
        md.contains(
            "> **Code run** · 4:30 · `code-attention-numpy`: 2 of 9 cases passed, 7 failed"
        ),
        "{md}"
    );
    assert!(
        md.contains("> - FAIL `scaled_by_sqrt_dk`: with dk = 64 the weights match scores / dk"),
        "{md}"
    );
    assert!(md.contains("> **Code run** of block 1 · 4:05"), "{md}");
    let html = report("html");
    assert!(html.contains("<div class=\"run run-failed\">"), "{html}");
    assert!(
        html.contains("<b>FAIL</b> <code>scaled_by_sqrt_dk</code>"),
        "{html}"
    );

    let doc: Value = serde_json::from_str(&report("json")).unwrap();
    let turns = doc["questions"][0]["turns"].as_array().unwrap();
    let runs: Vec<&Value> = turns
        .iter()
        .flat_map(|t| t["runs"].as_array().unwrap())
        .collect();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0]["verdict"], "did_not_load");
    assert_eq!(runs[0]["block"], 1);
    assert_eq!(runs[0]["failures"].as_array().unwrap().len(), 0);
    assert_eq!(runs[1]["verdict"], "failed");
    assert_eq!(runs[1]["counts"]["failed"], 7);
    assert_eq!(runs[1]["failures"].as_array().unwrap().len(), 7);
    assert_eq!(runs[2]["verdict"], "passed");
    assert!(
        runs[2]["evidence"]
            .as_str()
            .unwrap()
            .contains("edge cases included (scaled_by_sqrt_dk"),
        "{}",
        runs[2]["evidence"]
    );
    // The runs sit on the answer turns whose code ran.
    let answer_with_runs: Vec<&str> = turns
        .iter()
        .filter(|t| !t["runs"].as_array().unwrap().is_empty())
        .map(|t| t["role"].as_str().unwrap())
        .collect();
    assert_eq!(answer_with_runs, ["candidate", "candidate"]);
}
