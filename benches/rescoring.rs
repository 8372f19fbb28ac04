//! Batch re-scoring with the LLM judge: 1,000 transcripts, `--jobs 16`,
//! against the in-process fake server answering every request after a fixed
//! 100 ms. The ideal is requests × latency / jobs; the figure reported is
//! the wall time against that ideal (goal ≤ 1.2×). Prints, asserts nothing.
//!
//! `cargo bench --bench rescoring` (MOCKROUND_BENCH_TRANSCRIPTS=N to change 1,000)

#[path = "../tests/e2e/common/fake_llm.rs"]
mod fake_llm;

use std::process::Command;
use std::time::{Duration, Instant};

use fake_llm::{FakeLlm, Step};

const LATENCY: Duration = Duration::from_millis(100);
const JOBS: usize = 16;

fn main() {
    let n: usize = std::env::var("MOCKROUND_BENCH_TRANSCRIPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/samples");
    let mut sources: Vec<std::path::PathBuf> = std::fs::read_dir(samples)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    sources.sort();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 0..n {
        let p = dir.path().join(format!("t{i:04}.txt"));
        std::fs::copy(&sources[i % sources.len()], &p).unwrap();
        files.push(p);
    }
    let reply = r#"{"strong": [], "weak": [], "score": 2}"#;
    let fake = FakeLlm::with_default(Step::slow_reply(reply, LATENCY, Duration::ZERO));
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("config.toml"), "max_retries = 0\n").unwrap();

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_mockround"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MOCKROUND_HOME", home.path())
        .env("NO_COLOR", "1")
        .args([
            "score",
            "--json",
            "--jobs",
            &JOBS.to_string(),
            "--base-url",
            &fake.base_url(),
            "--model",
            "fake",
        ])
        .args(&files)
        .output()
        .unwrap();
    let wall = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = fake.chat_requests().len();
    let ideal = LATENCY.as_secs_f64() * requests as f64 / JOBS as f64;
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fallbacks = reports
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|r| r["scorer"].as_str().is_some_and(|s| s.contains("fallback")))
                .count()
        })
        .unwrap_or(0);
    println!(
        "batch re-scoring: {n} transcripts, {requests} judge requests at {} ms, --jobs {JOBS}: {:.1} s wall vs {:.1} s ideal = {:.2}x (goal <= 1.2x); {fallbacks} fell back",
        LATENCY.as_millis(),
        wall.as_secs_f64(),
        ideal,
        wall.as_secs_f64() / ideal
    );
}
