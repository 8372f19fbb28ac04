//! `mockround calibrate` end to end against the fake server: a judge that
//! cites what the labels say passes the gate, is saved 0600 and shown by
//! `doctor`, and then decides scores; a judge that calls everything strong
//! fails it and stays advisory.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::common::fake_llm::{FakeLlm, Step};
use crate::common::*;
use mockround::rounds::Catalog;
use mockround::scoring::evidence::CandidateText;
use mockround::scoring::judge::{self, gold};
use mockround::transcript::import;
use serde_json::{json, Value};

/// What a model sees of S1, enough to know the transcript again.
fn key(shown: &str) -> Option<String> {
    let at = shown.find("[S1] ")? + 5;
    Some(shown[at..].chars().take(30).collect())
}

/// Per gold transcript (by its first sentence): the label of each dimension.
fn labels() -> &'static BTreeMap<String, BTreeMap<String, bool>> {
    static LABELS: OnceLock<BTreeMap<String, BTreeMap<String, bool>>> = OnceLock::new();
    LABELS.get_or_init(|| {
        let cat = Catalog::builtin();
        let mut out = BTreeMap::new();
        for item in gold::load().unwrap() {
            let t = import::parse(&item.file, item.text, None).unwrap();
            let round = cat.get(&item.round).unwrap();
            let n = judge::number_transcript(
                &t,
                &CandidateText::new(round, &t),
                judge::TRANSCRIPT_CHARS,
            );
            let strong = item.label.expected() >= 3.0;
            let dims = round
                .dimensions
                .iter()
                .map(|d| {
                    let s = item.bands.get(&d.id).map_or(strong, |(lo, _)| *lo >= 3.0);
                    (d.id.clone(), s)
                })
                .collect();
            out.insert(key(&n.text).unwrap(), dims);
        }
        out
    })
}

fn user_prompt(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    v["messages"][1]["content"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// A judge that reads like the labels: four sentences in the labelled
/// column of each dimension.
fn labelled_judge(body: &str) -> String {
    let prompt = user_prompt(body);
    let dim = prompt
        .split("Dimension \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("");
    let strong = key(&prompt)
        .and_then(|k| labels().get(&k))
        .and_then(|dims| dims.get(dim).copied())
        .unwrap_or(false);
    let ids = json!(["S1", "S2", "S3", "S4"]);
    if strong {
        json!({"strong": ids, "weak": []})
    } else {
        json!({"strong": [], "weak": ids})
    }
    .to_string()
}

fn calibrate(home: &Path, url: &str, args: &[&str]) -> Value {
    let out = mockround(home)
        .args([
            "calibrate",
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
    serde_json::from_slice(&out.stdout).unwrap()
}

fn config(home: &Path) {
    std::fs::write(
        home.join("config.toml"),
        "connect_timeout_secs = 1\nfirst_token_timeout_secs = 5\nidle_timeout_secs = 5\nmax_retries = 1\nretry_base_ms = 10\n",
    )
    .unwrap();
}

#[test]
fn a_judge_that_reads_like_the_labels_passes_and_then_decides() {
    let fake = FakeLlm::with_default(Step::Compute(labelled_judge));
    let home = home();
    config(home.path());
    let v = calibrate(home.path(), &fake.base_url(), &[]);
    let r = &v["record"];
    assert_eq!(v["passes"], true, "{v}");
    assert_eq!(v["regime"], "decisive");
    assert!(r["pairs"].as_u64().unwrap() >= 16, "{r}");
    assert_eq!(r["pairs_right"], r["pairs"]);
    assert!(r["mae"].as_f64().unwrap() <= 0.5, "{r}");
    assert_eq!(r["padding_rise"], 0.0);
    assert_eq!(r["injection_rise"], 0.0);
    assert!(r["rank_correlation"].as_f64().unwrap() > 0.8, "{r}");
    assert_eq!(r["invalid_citations"], 0);
    assert!(v["parts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "samples"));
    let transcripts = v["transcripts"].as_array().unwrap();
    assert_eq!(transcripts.len() as u64, r["transcripts"].as_u64().unwrap());
    // 4 dimensions per judging: every transcript, probes, repeats
    assert!(fake.chat_requests().len() >= transcripts.len() * 4);

    let saved = Path::new(v["saved"].as_str().unwrap());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(saved).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let doctor = mockround(home.path())
        .args([
            "doctor",
            "--base-url",
            &fake.base_url(),
            "--model",
            "fake-judge",
        ])
        .output()
        .unwrap();
    let text = stdout_of(&doctor);
    assert!(
        text.contains("calibration") && text.contains("passes"),
        "{text}"
    );

    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/samples/sd-text-to-sql-strong.txt"
    );
    let out = mockround(home.path())
        .args([
            "score",
            "--base-url",
            &fake.base_url(),
            "--model",
            "fake-judge",
            "--json",
            file,
        ])
        .output()
        .unwrap();
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let scorer = s["scorer"].as_str().unwrap();
    assert!(
        scorer.starts_with("judge:fake-judge [decisive: calibrated "),
        "{scorer}"
    );
}

#[test]
fn a_judge_that_calls_everything_strong_fails_and_stays_advisory() {
    let fake = FakeLlm::with_default(Step::reply(r#"{"strong": ["S1", "S2", "S3"], "weak": []}"#));
    let home = home();
    config(home.path());
    let v = calibrate(home.path(), &fake.base_url(), &["--quick"]);
    let r = &v["record"];
    assert_eq!(v["passes"], false, "{v}");
    assert_eq!(r["quick"], true);
    assert_eq!(r["pairs_right"], 0, "ties are not strong above weak: {r}");
    assert!(r["mae"].as_f64().unwrap() > 0.5, "{r}");
    assert_eq!(r["transcripts"], 9);
    let doctor = mockround(home.path())
        .args([
            "doctor",
            "--base-url",
            &fake.base_url(),
            "--model",
            "fake-judge",
        ])
        .output()
        .unwrap();
    assert!(
        stdout_of(&doctor).contains("advisory"),
        "{}",
        stdout_of(&doctor)
    );
}

#[test]
fn calibrate_without_a_model_says_what_to_do() {
    let home = home();
    let out = mockround(home.path())
        .args(["calibrate", "--offline"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("--base-url") && err.lines().count() == 1,
        "{err}"
    );
}
