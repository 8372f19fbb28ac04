//! The CLI's own overhead in an LLM session, and how large its requests get.
//!
//! Runs the `mockround` binary through a scripted 60-answer session against
//! the in-process fake server, whose replies take a fixed time (a first
//! token after a delay, then chunks at a fixed pace). Whatever the session
//! takes beyond the time the server spent answering is the CLI's own cost:
//! process start, saving every turn, answer analysis, prompt building,
//! checks, printing. Goal: at most 2 % of wall time. It also reports the
//! estimated size of every request, which must stay flat and under the
//! context budget however long the session runs. Figures only, no
//! assertions: timings depend on the machine.
//!
//! `cargo bench --bench llm_overhead`

#[path = "../tests/e2e/common/fake_llm.rs"]
mod fake_llm;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fake_llm::FakeLlm;
use mockround::llm::{tokens, Message};

const ANSWERS: usize = 60;
const FIRST_TOKEN: Duration = Duration::from_millis(300);
const BETWEEN_CHUNKS: Duration = Duration::from_millis(15);
const BUDGET: u32 = 4000;

fn answer(i: usize) -> String {
    match i % 6 {
        0 => "I would chunk the pages by heading with some overlap, embed them, and retrieve with hybrid search before a re-ranker.".into(),
        1 => "Permissions have to be enforced at retrieval time, so every chunk carries the ACL of its page.".into(),
        2 => "I'd build a labelled set from real queries and measure recall separately from answer quality.".into(),
        3 => "I don't know.".into(),
        4 => format!("Here is my whole design doc, pasted: {}", "The system ingests pages nightly, chunks them, and indexes them. ".repeat(400)),
        _ => "When retrieval comes back weak the bot should say it found nothing rather than guess.".into(),
    }
}

fn main() {
    let fake = FakeLlm::interviewer();
    fake.set_latency(FIRST_TOKEN, BETWEEN_CHUNKS);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!("context_budget = {BUDGET}\n"),
    )
    .unwrap();
    let mut stdin_text = String::new();
    for i in 0..ANSWERS {
        stdin_text.push_str(&answer(i));
        stdin_text.push('\n');
    }

    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mockround"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MOCKROUND_HOME", home.path())
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env("OPENAI_API_KEY", "sk-bench-not-a-real-key")
        .env(
            "MOCKROUND_DEBUG",
            std::env::var("MOCKROUND_DEBUG").unwrap_or_default(),
        )
        .args([
            "start",
            "system-design",
            "--questions",
            "12",
            "--follow-ups",
            "4",
            "--minutes",
            "240",
            "--seed",
            "7",
            "--no-score",
            "--base-url",
            &fake.base_url(),
            "--model",
            "fake",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run `cargo bench`, which builds the mockround binary");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin_text.as_bytes())
        .unwrap_or(()); // the session may end before reading every answer
    let out = child.wait_with_output().unwrap();
    let wall = started.elapsed();
    if std::env::var_os("MOCKROUND_DEBUG").is_some() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    if !out.status.success() {
        eprintln!("session failed: {}", String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }

    let requests = fake.chat_requests();
    let server: Duration = requests
        .iter()
        .filter_map(|r| r.finished.map(|f| f.duration_since(r.arrived)))
        .sum();
    let sessions = std::fs::read_dir(home.path().join("sessions")).unwrap();
    let path = sessions
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .next()
        .unwrap();
    let events: Vec<serde_json::Value> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let turns: Vec<&serde_json::Value> = events.iter().filter(|e| e["type"] == "turn").collect();
    let interviewer = turns.iter().filter(|t| t["role"] == "interviewer").count();
    let answers = turns.iter().filter(|t| t["role"] == "candidate").count();
    let llm_turns = turns.iter().filter(|t| t["source"] == "llm").count();
    let overhead = wall.saturating_sub(server);

    let sizes: Vec<usize> = requests
        .iter()
        .map(|r| {
            let msgs: Vec<Message> = r.json()["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| Message {
                    role: match m["role"].as_str().unwrap() {
                        "system" => mockround::llm::ChatRole::System,
                        "assistant" => mockround::llm::ChatRole::Assistant,
                        _ => mockround::llm::ChatRole::User,
                    },
                    content: m["content"].as_str().unwrap().to_string(),
                })
                .collect();
            tokens::estimate_messages(&msgs)
        })
        .collect();
    let bytes_max = requests.iter().map(|r| r.body.len()).max().unwrap_or(0);

    println!("llm_overhead: scripted session against the fake server");
    println!(
        "  server latency      first token {} ms, then {} ms per chunk",
        FIRST_TOKEN.as_millis(),
        BETWEEN_CHUNKS.as_millis()
    );
    println!(
        "  session             {answers} answers, {interviewer} interviewer turns ({llm_turns} phrased by the model), {} model requests (+{} cache warm-ups)",
        requests.len(),
        fake.warm_ups().len()
    );
    println!("  wall time           {:.2} s", wall.as_secs_f64());
    println!("  server time         {:.2} s", server.as_secs_f64());
    println!(
        "  CLI overhead        {:.0} ms total, {:.1} ms per interviewer turn, {:.2} % of wall time (goal <= 2 %)",
        overhead.as_secs_f64() * 1000.0,
        overhead.as_secs_f64() * 1000.0 / interviewer.max(1) as f64,
        overhead.as_secs_f64() / wall.as_secs_f64() * 100.0
    );
    // where the CLI's time goes: before the first request, between a
    // reply's end and the next request, after the last reply
    let mut gaps: Vec<u128> = Vec::new();
    for w in requests.windows(2) {
        if let Some(f) = w[0].finished {
            gaps.push(w[1].arrived.saturating_duration_since(f).as_millis());
        }
    }
    let lead = requests
        .first()
        .map(|r| r.arrived.duration_since(started).as_millis())
        .unwrap_or(0);
    let tail = requests
        .last()
        .and_then(|r| r.finished)
        .map(|f| (started + wall).saturating_duration_since(f).as_millis())
        .unwrap_or(0);
    println!(
        "  CLI time            {lead} ms to the first request (start-up, first question, first answer), {tail} ms after the last reply, between replies {gaps:?} ms"
    );
    for t in turns.iter().filter(|t| t["source"] == "fallback") {
        println!("  fallback turn       {}", t["note"].as_str().unwrap_or(""));
    }
    let first: Vec<usize> = sizes.iter().take(5).copied().collect();
    let last: Vec<usize> = sizes.iter().rev().take(5).rev().copied().collect();
    println!(
        "  request size        max {} tokens (estimated; budget {BUDGET}), {} bytes max",
        sizes.iter().max().unwrap_or(&0),
        bytes_max
    );
    println!("  first requests      {first:?} tokens");
    println!("  last requests       {last:?} tokens");
}
