//! Listing and progress with many saved sessions.
//!
//! Generates 10,000 realistic sessions (three questions with follow-ups,
//! long answers, a score with rationales and evidence; 1 % killed mid-way
//! with no end event) in a temporary MOCKROUND_HOME, then times
//! `mockround sessions` and `mockround progress` against the floor: just
//! opening each file and reading its first line. The goal is ≤ 3× that
//! floor. Figures only, no assertions: machines differ.
//!
//! `cargo bench --bench sessions` (`MOCKROUND_BENCH_SESSIONS=N` to change N,
//! `MOCKROUND_BENCH_HOME=DIR` to keep the generated sessions in DIR).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use mockround::scoring::{ChecklistResult, DimensionScore, ScoreReport};
use mockround::transcript::{
    Backend, EndEvent, EndStatus, Event, Header, Role, ScoreEvent, Turn, TurnKind, FORMAT_VERSION,
};

const ROUNDS: [(&str, [&str; 4]); 4] = [
    (
        "ml-fundamentals",
        [
            "knowledge_mode",
            "reasoning_under_pressure",
            "depth_signal",
            "self_correction",
        ],
    ),
    (
        "system-design",
        [
            "architecture_anchor",
            "eval_methodology",
            "safety_layer",
            "uncertainty_handling",
        ],
    ),
    (
        "coding",
        [
            "leetcode_readiness",
            "ml_implementation",
            "code_explanation",
            "debugging",
        ],
    ),
    (
        "behavioral",
        [
            "production_reasoning",
            "cross_functional_communication",
            "ethics_positioning",
            "failure_ownership",
        ],
    ),
];

const ANSWER: &str = "I would start from what must never go wrong and design around it. \
Chunk the documents along their headings into pieces of a few hundred tokens with some overlap, \
embed them with a model checked on our own queries, retrieve with hybrid search and re-rank the \
top fifty before anything reaches the prompt. For evaluation I'd build a labelled set from real \
questions, measure retrieval and answers separately, and gate every prompt change on it. When \
retrieval finds nothing good enough the assistant says so instead of guessing, and permissions \
are enforced at retrieval time so nothing a user cannot open reaches the model.";

fn turn(role: Role, kind: TurnKind, q: &str, text: &str, at: Timestamp) -> Event {
    let mut t = Turn::new(role, kind, Some(q), text);
    t.at = at;
    if role == Role::Candidate {
        t.covered = Some(vec!["chunking".into(), "eval".into()]);
        t.think_s = Some(42.0);
    }
    Event::Turn(t)
}

fn write_session(dir: &Path, i: usize) {
    let (round, dims) = ROUNDS[i % 4];
    let start = Timestamp::from_second(1_750_000_000 + i as i64 * 3_600).unwrap();
    let id = format!(
        "{}-{:04x}",
        start.strftime("%Y%m%d-%H%M%S"),
        (i * 7919) & 0xffff
    );
    let at = |s: i64| {
        start
            .checked_add(jiff::SignedDuration::from_secs(s))
            .unwrap()
    };
    let mut events = vec![Event::Header(Header {
        format: FORMAT_VERSION,
        id: id.clone(),
        round: round.into(),
        level: "senior".into(),
        started_at: start,
        backend: Backend::offline(),
        seed: Some(i as u64),
        minutes: Some(45),
        questions: Some(3),
        rubric_version: Some(1),
        title: None,
    })];
    let mut t = 0;
    for q in 0..3 {
        let qid = format!("{round}-q{q}");
        events.push(turn(Role::Interviewer, TurnKind::Question, &qid, "Design the thing, with 2,000 users a week and a hard latency budget. Where would you start?", at(t)));
        for f in 0..3 {
            t += 240;
            events.push(turn(Role::Candidate, TurnKind::Answer, &qid, ANSWER, at(t)));
            if f < 2 {
                t += 5;
                events.push(turn(
                    Role::Interviewer,
                    TurnKind::FollowUp,
                    &qid,
                    "Let me push on one thing: what happens when retrieval returns nothing useful?",
                    at(t),
                ));
            }
        }
        t += 5;
    }
    let killed = i % 100 == 42;
    if !killed {
        events.push(turn(
            Role::Interviewer,
            TurnKind::WrapUp,
            "",
            "That's all my questions.",
            at(t),
        ));
        events.push(Event::End(EndEvent {
            at: at(t + 1),
            status: EndStatus::Completed,
            questions: 3,
            answers: 9,
            duration_s: t as u64,
        }));
        let score = |k: usize| ((i + k) % 4 + 1) as u8;
        let report = ScoreReport {
            round: round.into(),
            scorer: mockround::scoring::Scorer::Offline,
            overall: Some(2.5),
            verdict: "lean hire".into(),
            dimensions: dims
                .iter()
                .enumerate()
                .map(|(k, d)| DimensionScore {
                    id: d.to_string(),
                    score: Some(score(k)),
                    rationale: "3 sentence(s) show the strong column and 1 the weak one; the strongest quotes are below, checked against the answers.".into(),
                    evidence: vec![
                        "Chunk the documents along their headings into pieces of a few hundred tokens".into(),
                        "measure retrieval and answers separately, and gate every prompt change on it".into(),
                    ],
                    insufficient_evidence: false,
                    capped: false,
                    spread: None,
                })
                .collect(),
            checklist: (0..5)
                .map(|c| ChecklistResult {
                    id: format!("item-{c}"),
                    covered: c % 2 == 0,
                })
                .collect(),
            flags: vec![],
            flag_details: vec![],
            notes: vec![],
            practice: vec![
                "Eval methodology: write a four-criterion rubric with anchored examples.".into(),
                "Safety layer: put the controls in the first sketch.".into(),
            ],
            samples: None,
        };
        events.push(Event::Score(ScoreEvent {
            at: at(t + 2),
            model: None,
            rubric_version: 1,
            prompt_version: 1,
            report,
        }));
    }
    let mut text = String::new();
    for e in &events {
        text.push_str(&serde_json::to_string(e).unwrap());
        text.push('\n');
    }
    std::fs::write(dir.join(format!("{id}.jsonl")), text).unwrap();
}

/// The floor: list the directory and read the first line of every file.
fn first_lines(dir: &Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let mut line = String::new();
        BufReader::new(std::fs::File::open(&path).unwrap())
            .read_line(&mut line)
            .unwrap();
        n += line.len();
    }
    n
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn run_bin(home: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_mockround"))
        .args(args)
        .env("MOCKROUND_HOME", home)
        .env("NO_COLOR", "1")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("MOCKROUND_MODEL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "mockround {args:?} failed");
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would too. Either
    // way there is nothing to filter.
    let n: usize = std::env::var("MOCKROUND_BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let temp = tempfile::Builder::new()
        .prefix("mockround-bench-")
        .tempdir()
        .unwrap();
    // MOCKROUND_BENCH_HOME keeps the sessions after the run, for profiling.
    let kept = std::env::var_os("MOCKROUND_BENCH_HOME").map(std::path::PathBuf::from);
    let home_path = kept.unwrap_or_else(|| temp.path().to_path_buf());
    let dir = home_path.join("sessions");
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    for i in 0..n {
        write_session(&dir, i);
    }
    let bytes: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "generated {n} sessions ({:.1} MB, {:.1} KB each) in {:.1} s",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64 / 1e3,
        t.elapsed().as_secs_f64()
    );

    let runs = 5;
    let floor = time(runs, || {
        std::hint::black_box(first_lines(&dir));
    });
    let startup = time(runs, || run_bin(home_path.as_path(), &["--version"]));
    let sessions = time(runs, || run_bin(home_path.as_path(), &["sessions"]));
    let sessions_json = time(runs, || {
        run_bin(home_path.as_path(), &["sessions", "--json"])
    });
    let progress = time(runs, || run_bin(home_path.as_path(), &["progress"]));
    let progress_json = time(runs, || {
        run_bin(home_path.as_path(), &["progress", "--json"])
    });

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("median of {runs} runs, page cache warm:");
    println!("  first line of each file (floor)   {:8.1} ms", ms(floor));
    println!("  mockround --version (startup)     {:8.1} ms", ms(startup));
    for (name, d) in [
        ("mockround sessions", sessions),
        ("mockround sessions --json", sessions_json),
        ("mockround progress", progress),
        ("mockround progress --json", progress_json),
    ] {
        println!(
            "  {name:<33} {:8.1} ms   {:.2}x the floor ({:.2}x without startup)",
            ms(d),
            ms(d) / ms(floor),
            (ms(d) - ms(startup)).max(0.0) / ms(floor)
        );
    }
}
