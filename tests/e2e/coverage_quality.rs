//! How well coverage (src/coverage/) agrees with a reader on labelled
//! answers: for every key point of the question, the reader said covered,
//! partial, missed or contradicted.
//!
//! How the figures are counted (README.md, "Coverage"):
//! - "covered" is the positive class. Precision = matcher-covered points the
//!   reader also called covered; recall = reader-covered points the matcher
//!   found.
//! - A point the reader called partial is a judgement call between the two
//!   and is left out of precision and recall (its row of the confusion
//!   matrix shows what the matcher did with it). The strict figures, where
//!   partial counts as not covered, are printed too.
//! - A point the reader called contradicted counts as not covered: the
//!   matcher calling it covered is a false positive. How many contradicted
//!   points the matcher recognised is printed, not asserted (it depends on
//!   the misconceptions written into the bank).
//!
//! Two sets: tests/data/coverage/cases.json, written by someone who never
//! saw the matcher (held out: its first measurement is the reported one),
//! and tests/data/coverage-dev/cases.json, written to develop against. The
//! floors were chosen before the held-out set was first run.

use std::collections::BTreeMap;

use mockround::coverage::{analyse, Level};
use mockround::rounds::Catalog;
use serde_json::Value;

const PRECISION_FLOOR: f64 = 0.80;
const RECALL_FLOOR: f64 = 0.70;

const LEVELS: [Level; 4] = [
    Level::Covered,
    Level::Partial,
    Level::Missed,
    Level::Contradicted,
];

fn level(s: &str) -> Level {
    match s {
        "covered" => Level::Covered,
        "partial" => Level::Partial,
        "missed" => Level::Missed,
        "contradicted" => Level::Contradicted,
        other => panic!("unknown label {other:?}"),
    }
}

#[derive(Default)]
struct Tally {
    /// (reader, matcher) -> count
    matrix: BTreeMap<(Level, Level), usize>,
    /// Cases whose verdicts differ from the reader's, for the report.
    misses: Vec<String>,
}

impl Tally {
    fn count(&self, reader: Level, matcher: Level) -> usize {
        self.matrix.get(&(reader, matcher)).copied().unwrap_or(0)
    }

    /// (precision, recall) of "covered", with gold partial left out, or
    /// counted as not covered when `strict`.
    fn precision_recall(&self, strict: bool) -> (f64, f64) {
        let mut tp = 0;
        let mut fp = 0;
        let mut fn_ = 0;
        for (&(gold, got), &n) in &self.matrix {
            if gold == Level::Partial && !strict {
                continue;
            }
            match (gold == Level::Covered, got == Level::Covered) {
                (true, true) => tp += n,
                (false, true) => fp += n,
                (true, false) => fn_ += n,
                (false, false) => {}
            }
        }
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        (ratio(tp, tp + fp), ratio(tp, tp + fn_))
    }

    fn report(&self, name: &str) -> String {
        let mut out = format!("coverage on {name}: rows = reader, columns = matcher\n");
        out.push_str(&format!("{:>14}", ""));
        for l in LEVELS {
            out.push_str(&format!("{:>14}", l.as_str()));
        }
        out.push('\n');
        for gold in LEVELS {
            out.push_str(&format!("{:>14}", gold.as_str()));
            for got in LEVELS {
                out.push_str(&format!("{:>14}", self.count(gold, got)));
            }
            out.push('\n');
        }
        let (p, r) = self.precision_recall(false);
        let (sp, sr) = self.precision_recall(true);
        let contradicted: usize = LEVELS
            .iter()
            .map(|l| self.count(Level::Contradicted, *l))
            .sum();
        out.push_str(&format!(
            "covered: precision {p:.2}, recall {r:.2} (partial left out); strict {sp:.2} / {sr:.2}; contradicted recognised {} of {contradicted}\n",
            self.count(Level::Contradicted, Level::Contradicted)
        ));
        for m in &self.misses {
            out.push_str(m);
            out.push('\n');
        }
        out
    }
}

fn measure(path: &str) -> Option<Tally> {
    let Ok(raw) = std::fs::read_to_string(path) else {
        return None;
    };
    let cases: Vec<Value> = serde_json::from_str(&raw).expect("the case file is a JSON array");
    let catalog = Catalog::builtin();
    let mut tally = Tally::default();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        let round = catalog
            .get(case["round"].as_str().expect("round"))
            .unwrap_or_else(|| panic!("{id}: unknown round"));
        let question = round
            .question(case["question"].as_str().expect("question"))
            .unwrap_or_else(|| panic!("{id}: unknown question"));
        let labels = case["key_points"].as_object().expect("key_points");
        for k in &question.key_points {
            assert!(labels.contains_key(&k.id), "{id}: {} is not labelled", k.id);
        }
        let a = analyse(question, case["answer"].as_str().expect("answer"));
        let mut wrong = Vec::new();
        for (kp, label) in labels {
            let gold = level(label.as_str().expect("a label is a string"));
            let got = a.level(kp);
            *tally.matrix.entry((gold, got)).or_default() += 1;
            if gold != got {
                wrong.push(format!("{kp}: {} not {}", got.as_str(), gold.as_str()));
            }
        }
        if !wrong.is_empty() {
            tally
                .misses
                .push(format!("  {id} ({:?}): {}", a.shape, wrong.join(", ")));
        }
    }
    Some(tally)
}

fn check(path: &str, name: &str) {
    let Some(tally) = measure(path) else {
        eprintln!(
            "skipped: {path} does not exist (the held-out coverage set is copied in by the lead)"
        );
        return;
    };
    let report = tally.report(name);
    println!("{report}");
    let (p, r) = tally.precision_recall(false);
    assert!(
        p >= PRECISION_FLOOR && r >= RECALL_FLOOR,
        "coverage below its floors (precision {PRECISION_FLOOR}, recall {RECALL_FLOOR}):\n{report}"
    );
}

#[test]
fn coverage_agrees_with_a_reader_on_the_held_out_set() {
    check(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/coverage/cases.json"
        ),
        "the held-out set",
    );
}

#[test]
fn coverage_agrees_with_a_reader_on_the_dev_set() {
    check(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/coverage-dev/cases.json"
        ),
        "the dev set",
    );
}
