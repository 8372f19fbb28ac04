//! Keys never reach a transcript, a report, a log or a message. Every
//! command that can touch a model runs with a recognisable key (from the
//! environment, the config file, and inside the base URL), including a
//! server that rejects it; then every file written and everything printed
//! is searched for it.

use std::path::Path;
use std::process::Output;

use crate::common::fake_llm::{FakeLlm, Step};
use crate::common::*;

const ENV_KEY: &str = "sk-ENVKEY-5ecr3t-7a7a7a7a";
const FILE_KEY: &str = "sk-FILEKEY-5ecr3t-8b8b8b8b";
const URL_PASSWORD: &str = "URLPASS5ecr3t9c9c";

fn assert_clean(what: &str, out: &Output) {
    for secret in [ENV_KEY, FILE_KEY, URL_PASSWORD] {
        assert!(!stdout_of(out).contains(secret), "{what}: secret on stdout");
        assert!(
            !stderr_of(out).contains(secret),
            "{what}: secret on stderr: {}",
            stderr_of(out)
        );
    }
}

fn assert_no_file_contains(dir: &Path, skip: &Path) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p == skip {
                continue; // the config file holds the key on purpose
            }
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            for secret in [ENV_KEY, FILE_KEY, URL_PASSWORD] {
                assert!(!text.contains(secret), "secret written to {}", p.display());
            }
        }
    }
}

#[test]
fn no_command_writes_or_prints_a_key() {
    let fake = FakeLlm::interviewer();
    let home = home();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!("api_key = \"{FILE_KEY}\"\nconnect_timeout_secs = 1\nfirst_token_timeout_secs = 2\nidle_timeout_secs = 2\nmax_retries = 1\nretry_base_ms = 10\n"),
    )
    .unwrap();
    // credentials inside the URL must not be recorded either
    let url = fake
        .base_url()
        .replace("http://", &format!("http://user:{URL_PASSWORD}@"));
    let run = |args: &[&str], stdin: &str| -> Output {
        let out = mockround(home.path())
            .env("OPENAI_API_KEY", ENV_KEY)
            .args(args)
            .args(["--base-url", &url, "--model", "fake"])
            .write_stdin(stdin.to_string())
            .output()
            .unwrap();
        assert_clean(&args.join(" "), &out);
        out
    };

    let out = run(
        &["start", "system-design", "--questions", "1", "--follow-ups", "1", "--seed", "4"],
        "I'd chunk by heading and filter by permissions at retrieval time.\nAnd I'd measure recall on 200 real questions.\n",
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let session = session_files(home.path())[0].clone();
    let header = &events(&session)[0];
    assert_eq!(header["backend"]["kind"], "openai-compatible");

    run(&["score", "last"], "");
    run(&["score", "last", "--json"], "");
    run(&["doctor"], "");
    run(&["sessions", "--json"], "");
    run(&["progress"], "");
    run(&["replay", "last", "--instant"], "");
    let report = home.path().join("report.html");
    run(
        &[
            "report",
            "last",
            "--format",
            "html",
            "-o",
            report.to_str().unwrap(),
        ],
        "",
    );

    // a server that rejects the key, a server that is gone
    fake.set_default(Step::unauthorized());
    let out = run(&["score", "last"], "");
    assert!(
        out.status.success(),
        "a judge failure falls back, it does not end the command"
    );
    run(&["doctor"], "");
    let out = mockround(home.path())
        .env("OPENAI_API_KEY", ENV_KEY)
        .args([
            "doctor",
            "--base-url",
            &format!("http://user:{URL_PASSWORD}@127.0.0.1:9/v1"),
            "--model",
            "x",
        ])
        .output()
        .unwrap();
    assert_clean("doctor against a dead server", &out);

    assert_no_file_contains(home.path(), &config);
    // and nothing of it went to the fake server's logs except the header
    for req in fake.requests() {
        assert!(!req.body.contains(ENV_KEY) && !req.body.contains(FILE_KEY));
    }
}
