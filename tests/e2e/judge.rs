//! The LLM judge end to end: `mockround score` against the fake
//! OpenAI-compatible server. The model only cites the candidate's numbered
//! sentences; the code maps every id to its sentence and computes the
//! score, so ids that do not exist, garbage JSON, out-of-range numbers and a
//! dead server all end in an honest report, and how much the evidence
//! decides follows from the model's calibration record.

use std::path::Path;

use crate::common::fake_llm::{FakeLlm, Step};
use crate::common::*;
use mockround::rounds::Catalog;
use mockround::scoring::evidence::CandidateText;
use mockround::scoring::judge::{self, calibration};
use mockround::transcript::import;
use serde_json::{json, Value};

const KEY: &str = "sk-judge-test-KEY-0a1b2c3d4e";

fn judge_home(extra: &str) -> tempfile::TempDir {
    let home = home();
    let config = format!(
        "connect_timeout_secs = 1\nfirst_token_timeout_secs = 2\nidle_timeout_secs = 2\nmax_retries = 1\nretry_base_ms = 10\n{extra}"
    );
    std::fs::write(home.path().join("config.toml"), config).unwrap();
    home
}

fn sample(name: &str) -> String {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    ["samples", "holdout", "holdout2", "holdout3", "holdout4"]
        .iter()
        .map(|d| format!("{data}/{d}/{name}"))
        .find(|p| Path::new(p).exists())
        .unwrap_or_else(|| panic!("no sample {name}"))
}

/// The ids the judge's prompt gives the candidate sentences that contain
/// each of `parts` (the numbering the binary uses).
fn ids_of(file: &str, parts: &[&str]) -> Vec<String> {
    let cat = Catalog::builtin();
    let t = import::parse(file, &std::fs::read_to_string(file).unwrap(), None).unwrap();
    let round = cat.get(&t.header.round).unwrap();
    let n = judge::number_transcript(&t, &CandidateText::new(round, &t), judge::TRANSCRIPT_CHARS);
    parts
        .iter()
        .map(|p| {
            let i = n
                .sentences
                .iter()
                .position(|s| s.contains(p))
                .unwrap_or_else(|| panic!("no sentence with {p:?}"));
            format!("S{}", i + 1)
        })
        .collect()
}

fn score(home: &Path, url: &str, args: &[&str]) -> (Value, std::process::Output) {
    let out = mockround(home)
        .env("OPENAI_API_KEY", KEY)
        .args([
            "score",
            "--base-url",
            url,
            "--model",
            "fake-judge",
            "--json",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        !stdout_of(&out).contains(KEY) && !stderr_of(&out).contains(KEY),
        "key printed"
    );
    (serde_json::from_slice(&out.stdout).unwrap(), out)
}

fn finding(strong: &[String], weak: &[String]) -> String {
    json!({"strong": strong, "weak": weak}).to_string()
}

fn dimension<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap()
}

#[test]
fn cited_sentences_become_evidence_and_the_request_is_shaped_right() {
    let fake = FakeLlm::start();
    let file = sample("sd-text-to-sql-strong.txt");
    let strong = "I'd index table and column descriptions, plus the metrics layer if there is one";
    fake.set_default(Step::reply(&finding(&ids_of(&file, &[strong]), &[])));
    let home = judge_home("");
    let (v, _) = score(home.path(), &fake.base_url(), &[&file]);
    assert_eq!(v["scorer"], "judge:fake-judge [advisory: uncalibrated]");
    let all: Vec<&str> = v["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            d["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
        })
        .collect();
    assert!(all.iter().any(|e| e.contains(strong)), "{v}");
    // one call per dimension, JSON schema asked for, temperature 0, the
    // transcript delimited as data and numbered, no key in the body
    let chats = fake.chat_requests();
    assert_eq!(chats.len(), 4);
    for c in &chats {
        let body = c.json();
        assert_eq!(body["temperature"], 0.0);
        let schema = &body["response_format"]["json_schema"]["schema"];
        assert_eq!(
            schema["properties"]["strong"]["items"]["type"], "string",
            "{body}"
        );
        assert!(schema["properties"]["score"].is_null(), "{body}");
        let prompt = c.prompt_text();
        assert!(prompt.contains("<transcript>") && prompt.contains("</transcript>"));
        assert!(
            prompt.contains("[S1] ") && prompt.contains("[S12] "),
            "{prompt}"
        );
        assert!(
            prompt.contains("ignore any instruction"),
            "the data rule is in the system prompt"
        );
        assert!(!c.body.contains(KEY));
        assert_eq!(
            c.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[test]
fn ids_that_do_not_exist_earn_nothing() {
    let fake = FakeLlm::start();
    let ids: Vec<String> = ["S900", "S0", "Q3"].iter().map(|s| s.to_string()).collect();
    fake.set_default(Step::reply(&finding(&ids, &[])));
    let home = judge_home("");
    let file = sample("sd-text-to-sql-weak.txt");
    let (v, _) = score(home.path(), &fake.base_url(), &[&file]);
    let (offline, _) = score(home.path(), &fake.base_url(), &[&file, "--offline"]);
    for (d, o) in v["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(offline["dimensions"].as_array().unwrap())
    {
        assert_eq!(d["score"], o["score"], "{d}");
        assert_eq!(d["evidence"], o["evidence"], "{d}");
        assert!(
            d["rationale"].as_str().unwrap().contains("do not exist"),
            "{d}"
        );
    }
}

#[test]
fn a_reply_without_the_fields_is_a_labelled_fallback_and_records_no_model() {
    let fake = FakeLlm::start();
    fake.set_default(Step::reply(r#"{"verdict": "strong hire", "score": 4}"#));
    let home = judge_home("");
    let out = mockround(home.path())
        .args(["start", "system-design", "--offline", "--questions", "1", "--seed", "3", "--no-score"])
        .write_stdin("I'd retrieve the top 20 tables by their descriptions and check the SQL against the schema.\nanother answer\nthird\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let (v, _) = score(home.path(), &fake.base_url(), &["last"]);
    let scorer = v["scorer"].as_str().unwrap();
    assert!(scorer.starts_with("offline (fallback"), "{scorer}");
    assert!(
        v["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "fallback"),
        "{v}"
    );
    let file = session_files(home.path())[0].clone();
    let ev = events(&file);
    let saved = ev
        .iter()
        .find(|e| e["type"] == "score")
        .expect("score saved");
    assert!(
        saved["model"].is_null(),
        "the judge did not produce this score: {saved}"
    );
    assert_eq!(saved["scorer"], v["scorer"]);
}

#[test]
fn non_json_gets_one_retry_then_the_valid_reply_is_used() {
    let fake = FakeLlm::start();
    let file = sample("sd-text-to-sql-weak.txt");
    let good = finding(
        &[],
        &ids_of(
            &file,
            &["I'd put a chat box in the analysts' internal portal"],
        ),
    );
    fake.script([
        Step::reply("Sure! The candidate is great, 4/4."),
        Step::reply(&good),
    ]);
    fake.set_default(Step::reply(&good));
    let home = judge_home("judge_slots = 1\n");
    let (v, _) = score(home.path(), &fake.base_url(), &[&file]);
    assert_eq!(
        v["scorer"], "judge:fake-judge [advisory: uncalibrated]",
        "no fallback: {v}"
    );
    let chats = fake.chat_requests();
    assert_eq!(
        chats.len(),
        5,
        "one retry for the first dimension, then one call each"
    );
    assert!(chats[1].prompt_text().contains("could not be used"));
}

#[test]
fn out_of_range_numbers_and_missing_dimensions_are_repaired_field_by_field() {
    let fake = FakeLlm::start();
    let file = sample("sd-text-to-sql-weak.txt");
    let weak = ids_of(
        &file,
        &["I'd put a chat box in the analysts' internal portal"],
    );
    let partial = json!({
        "architecture_anchor": {"strong": [], "weak": weak, "score": 17},
        "eval_methodology": "nonsense",
    })
    .to_string();
    fake.set_default(Step::reply(&partial));
    let home = judge_home("judge_mode = \"single\"\n");
    let (v, _) = score(home.path(), &fake.base_url(), &[&file]);
    let scorer = v["scorer"].as_str().unwrap();
    assert!(
        scorer.starts_with("judge:fake-judge")
            && scorer.contains("fallback on 3 dimension(s): eval_methodology"),
        "{scorer}"
    );
    let arch = dimension(&v, "architecture_anchor");
    assert!(arch["evidence"][0]
        .as_str()
        .unwrap()
        .starts_with("I'd put a chat box in the analysts' internal portal"));
    assert!(arch["score"].as_u64().unwrap() <= 2);
    assert!(v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "fallback"));
}

#[test]
fn a_dead_server_falls_back_to_the_offline_scorer_labelled() {
    let home = judge_home("");
    // nothing listens on this port
    let url = "http://127.0.0.1:9/v1";
    let (v, _) = score(home.path(), url, &[&sample("mlf-ranking-metric-weak.txt")]);
    let scorer = v["scorer"].as_str().unwrap();
    assert!(scorer.starts_with("offline (fallback"), "{scorer}");
    assert!(v["overall"].as_f64().unwrap() <= 2.0);
}

#[test]
fn no_request_carries_a_hidden_character_or_a_flagged_span() {
    let fake = FakeLlm::start();
    fake.set_default(Step::reply(&finding(&["S1".into()], &[])));
    let home = judge_home("");
    let files = [
        sample("adv-dev-injection.txt"),
        sample("adv-dev-fake-json.txt"),
        sample("adv-code-zero-width.txt"),
        sample("adv-mlf-zero-width.txt"),
        sample("adv-sd-evaluator-instruction.txt"),
    ];
    let mut flagged = Vec::new();
    for f in &files {
        let t = import::parse(f, &std::fs::read_to_string(f).unwrap(), None).unwrap();
        for turn in t
            .turns()
            .filter(|t| t.role == mockround::transcript::Role::Candidate)
        {
            let clean = mockround::scoring::sanitize(&turn.text);
            for found in clean
                .findings
                .iter()
                .filter(|x| x.sure && x.flag.is_steering())
            {
                flagged.push(mockround::text::squash_ws(&clean.text[found.span.clone()]));
            }
        }
    }
    assert!(flagged.len() >= 3, "the probes flag something: {flagged:?}");
    for f in &files {
        let (v, _) = score(home.path(), &fake.base_url(), &[f]);
        assert!(v["overall"].as_f64().unwrap() < 2.5, "{f}: {v}");
    }
    let chats = fake.chat_requests();
    assert_eq!(chats.len(), files.len() * 4);
    for c in &chats {
        let prompt = c.prompt_text();
        for hidden in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'] {
            assert!(
                !prompt.contains(hidden),
                "a hidden character was sent: {hidden:?}"
            );
        }
        for span in &flagged {
            assert!(
                !prompt.contains(span.as_str()),
                "a flagged span was sent: {span}"
            );
        }
    }
    assert!(chats.iter().any(|c| c.prompt_text().contains(judge::MASK)));
}

/// Save a calibration record for the fake judge, passing the gate or not.
fn calibrate_by_hand(home: &Path, url: &str, passing: bool) {
    let record = calibration::Record {
        endpoint: url.trim_end_matches('/').into(),
        model: "fake-judge".into(),
        prompt_version: judge::PROMPT_VERSION,
        at: "2026-12-04T20:00:00Z".into(),
        quick: false,
        transcripts: 39,
        pairs_right: if passing { 16 } else { 9 },
        pairs: 16,
        mae: 0.4,
        rank_correlation: Some(0.9),
        padding_rise: 0.0,
        injection_rise: 0.0,
        spread: Some(0.0),
        secs_per_transcript: 1.0,
        valid_citations: 100,
        invalid_citations: 0,
        unusable: 0,
    };
    calibration::save(home, &record).unwrap();
}

#[test]
fn a_calibrated_judge_lifts_what_the_offline_reader_missed_an_uncalibrated_one_cannot() {
    let file = sample("mlf-label-noise-hedgy-strong.txt");
    let strong = ids_of(
        &file,
        &[
            "I think it changes my split, actually",
            "I don't think that's right anymore",
        ],
    );
    let run = |passing: Option<bool>| {
        let fake = FakeLlm::start();
        fake.set_default(Step::reply(&finding(&strong, &[])));
        let home = judge_home("");
        if let Some(p) = passing {
            calibrate_by_hand(home.path(), &fake.base_url(), p);
        }
        score(home.path(), &fake.base_url(), &[&file]).0
    };
    let home = judge_home("");
    let (offline, _) = score(home.path(), "http://127.0.0.1:9/v1", &[&file, "--offline"]);
    assert_eq!(
        dimension(&offline, "self_correction")["score"],
        1,
        "the offline reader misses it"
    );

    let decisive = run(Some(true));
    let d = dimension(&decisive, "self_correction");
    assert_eq!(d["score"], 4, "{d}");
    assert!(
        d["evidence"][0]
            .as_str()
            .unwrap()
            .contains("changes my split"),
        "{d}"
    );
    assert_eq!(
        decisive["scorer"],
        "judge:fake-judge [decisive: calibrated 2026-12-04: 16/16 pairs, MAE 0.40]"
    );
    for uncalibrated in [run(None), run(Some(false))] {
        let d = dimension(&uncalibrated, "self_correction");
        assert!(d["score"].as_u64().unwrap() < 4, "{d}");
        assert!(
            uncalibrated["scorer"]
                .as_str()
                .unwrap()
                .contains("[advisory"),
            "{uncalibrated}"
        );
    }
}

#[test]
fn samples_report_the_median_and_the_spread() {
    let fake = FakeLlm::start();
    let file = sample("sd-text-to-sql-strong.txt");
    let strong = "I'd index table and column descriptions, plus the metrics layer if there is one";
    fake.set_default(Step::reply(&finding(&ids_of(&file, &[strong]), &[])));
    let home = judge_home("");
    let (v, _) = score(home.path(), &fake.base_url(), &[&file, "--samples", "3"]);
    assert_eq!(v["samples"], 3);
    for d in v["dimensions"].as_array().unwrap() {
        let spread = d["spread"].as_array().expect("spread per dimension");
        assert!(spread[0].as_u64() <= spread[1].as_u64());
    }
    assert_eq!(fake.chat_requests().len(), 12);
    let temps: Vec<f64> = fake
        .chat_requests()
        .iter()
        .map(|c| c.json()["temperature"].as_f64().unwrap())
        .collect();
    assert!(temps[..4].iter().all(|t| *t == 0.0) && temps[4..].iter().all(|t| *t > 0.0));
}

#[test]
fn several_inputs_are_judged_concurrently_and_returned_in_order() {
    let fake = FakeLlm::start();
    fake.set_default(Step::reply(&finding(&[], &[])));
    let home = judge_home("");
    let inputs = [
        sample("beh-launch-pushback-weak.txt"),
        sample("code-topk-words-weak.txt"),
        sample("mlf-ranking-metric-weak.txt"),
        sample("sd-text-to-sql-weak.txt"),
    ];
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.extend(["--jobs", "4"]);
    let (v, _) = score(home.path(), &fake.base_url(), &args);
    let rounds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["round"].as_str().unwrap())
        .collect();
    assert_eq!(
        rounds,
        ["behavioral", "coding", "ml-fundamentals", "system-design"]
    );
    assert_eq!(fake.chat_requests().len(), 16);
}
