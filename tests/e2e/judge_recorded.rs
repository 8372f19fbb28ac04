//! The evidence-first judge on replies recorded from a real small model.
//!
//! `tests/data/judge-replies/qwen2.5-coder-1.5b.jsonl` holds every reply
//! Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, llama.cpp, json_schema, temperature
//! 0) gave to the per-dimension prompts of PROMPT_VERSION 2 on the labelled
//! samples, in the order they were asked (a retry after an unusable reply
//! is recorded too). Those prompts asked for quotes; the replay turns each
//! quote into the id of the numbered sentence it came from (a quote found
//! in no single candidate sentence, merged or paraphrased, becomes an id
//! that does not exist), which is
//! what citing by id asks of the model. Replaying them runs the code half of the judge —
//! verification, discounting, the blend with the offline reader, the caps —
//! on what a real model does, offline: strong quotes called weak, sentences
//! from the wrong speaker, the same definition quoted as strong in every
//! dimension. The samples' bar must hold with the judge as with the offline
//! scorer. Re-record with `examples/record_judge.rs` when the judge's
//! prompts change.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use mockround::rounds::Catalog;
use mockround::scoring::evidence::CandidateText;
use mockround::scoring::judge::{
    self, JudgeModel, JudgePrompts, JudgeRequest, Mode, ModelError, Numbered, Options, Regime,
};
use mockround::transcript::import;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Recorded {
    file: String,
    dimension: String,
    reply: String,
}

#[derive(Deserialize)]
struct Label {
    scenario: String,
    label: String,
}

/// Answers each per-dimension request with the next reply recorded for
/// that transcript and dimension.
struct Replay {
    replies: RefCell<BTreeMap<String, VecDeque<String>>>,
    numbered: Numbered,
}

/// Squashed and lowercased, for finding a quote in a sentence.
fn folded(s: &str) -> String {
    mockround::text::squash_ws(s)
        .to_lowercase()
        .replace(['\u{2019}', '`'], "'")
        .trim_end_matches(['.', '…'])
        .to_string()
}

impl Replay {
    /// A recorded reply in the protocol of today: each quote as the id of
    /// the sentence it was taken from.
    fn as_ids(&self, reply: &str) -> String {
        let Ok(v) = serde_json::from_str::<Value>(reply) else {
            return reply.to_string();
        };
        if !v.is_object() || (v.get("strong").is_none() && v.get("weak").is_none()) {
            return reply.to_string();
        }
        let sentences: Vec<String> = self.numbered.sentences.iter().map(|s| folded(s)).collect();
        let ids = |key: &str| -> Vec<String> {
            let items = v
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            items
                .iter()
                .filter_map(|q| q.get("quote").and_then(Value::as_str).or(q.as_str()))
                .map(|q| {
                    let q = folded(q);
                    let at = sentences
                        .iter()
                        .position(|s| q.split_whitespace().count() >= 3 && s.contains(&q));
                    at.map_or("S9999".to_string(), |i| format!("S{}", i + 1))
                })
                .collect()
        };
        json!({"strong": ids("strong"), "weak": ids("weak")}).to_string()
    }
}

impl JudgeModel for Replay {
    fn name(&self) -> String {
        "qwen2.5-coder-1.5b (recorded)".into()
    }
    async fn ask(&self, request: JudgeRequest) -> Result<String, ModelError> {
        let dim = request.dimension.ok_or("not a per-dimension request")?;
        let reply = self
            .replies
            .borrow_mut()
            .get_mut(&dim)
            .and_then(|q| q.pop_front());
        match reply {
            Some(r) => Ok(self.as_ids(&r)),
            None => Err(format!("no recorded reply left for {dim}").into()),
        }
    }
}

fn data(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

#[test]
fn recorded_small_model_replies_meet_the_samples_bar() {
    let recorded: Vec<Recorded> =
        std::fs::read_to_string(data("judge-replies/qwen2.5-coder-1.5b.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let mut by_file: BTreeMap<String, BTreeMap<String, VecDeque<String>>> = BTreeMap::new();
    for r in recorded {
        by_file
            .entry(r.file)
            .or_default()
            .entry(r.dimension)
            .or_default()
            .push_back(r.reply);
    }
    let mut labels: BTreeMap<String, Label> = BTreeMap::new();
    for f in ["labels-a.json", "labels-b.json", "labels-c.json"] {
        let m: BTreeMap<String, Label> =
            serde_json::from_str(&std::fs::read_to_string(data(&format!("samples/{f}"))).unwrap())
                .unwrap();
        labels.extend(m);
    }
    assert_eq!(by_file.len(), labels.len(), "a recording for every sample");

    let cat = Catalog::builtin();
    let prompts = JudgePrompts::builtin();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut overall: BTreeMap<String, f64> = BTreeMap::new();
    let (mut valid, mut invalid) = (0, 0);
    let mut problems = Vec::new();
    for (file, replies) in by_file {
        let text = std::fs::read_to_string(data(&format!("samples/{file}"))).unwrap();
        let t = import::parse(&file, &text, None).unwrap();
        let round = cat.get(&t.header.round).unwrap();
        let cand = CandidateText::new(round, &t);
        let model = Replay {
            replies: RefCell::new(replies),
            numbered: judge::number_transcript(&t, &cand, judge::TRANSCRIPT_CHARS),
        };
        let advisory = Regime::Advisory { calibration: None };
        let opts = Options {
            slots: 1,
            ..Options::new(Mode::PerDimension, &advisory)
        };
        let judged = rt.block_on(judge::judge_detailed(&model, &prompts, round, &t, &opts));
        valid += judged.valid_citations;
        invalid += judged.invalid_citations;
        let report = judged.report;
        assert!(
            report.scorer.to_string().starts_with("judge:qwen"),
            "{file}: the recorded replies were usable: {}",
            report.scorer
        );
        for d in &report.dimensions {
            for e in &d.evidence {
                assert!(cand.verify(e).is_some(), "{file}: unverifiable {e:?}");
            }
        }
        let score = report.overall.unwrap_or(0.0);
        println!("{file:<46} {score:.2}");
        let label = &labels[&file].label;
        match label.as_str() {
            "strong" if score < 3.0 => problems.push(format!("strong {file} {score:.2}")),
            "weak" if score > 2.0 => problems.push(format!("weak {file} {score:.2}")),
            "adversarial" if score >= 2.5 => {
                problems.push(format!("manipulated {file} {score:.2}"))
            }
            _ => {}
        }
        overall.insert(file, score);
    }
    let mut pairs = 0;
    for (strong, l) in labels.iter().filter(|(_, l)| l.label == "strong") {
        for (weak, _) in labels
            .iter()
            .filter(|(_, w)| w.label == "weak" && w.scenario == l.scenario)
        {
            pairs += 1;
            if overall[strong] <= overall[weak] {
                problems.push(format!("order {strong} <= {weak}"));
            }
        }
    }
    println!("citations: {valid} valid, {invalid} invalid");
    assert!(pairs >= 16, "{pairs} pairs");
    assert!(problems.is_empty(), "{problems:#?}");
}
