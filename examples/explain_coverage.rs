//! Show how coverage read each answer of a labelled case file: the verdict
//! per key point, the label, and the sentence that decided it. For working
//! on the matcher against the dev set (never against a held-out set).
//!
//! ```sh
//! cargo run --example explain_coverage -- tests/data/coverage-dev/cases.json [CASE_ID]
//! ```

use anyhow::{Context, Result};
use mockround::coverage::analyse;
use mockround::rounds::Catalog;
use serde_json::Value;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .context("usage: explain_coverage CASES.json [CASE_ID]")?;
    let only = args.next();
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let catalog = Catalog::builtin();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        if only.as_deref().is_some_and(|o| o != id) {
            continue;
        }
        let round = catalog
            .get(case["round"].as_str().unwrap_or(""))
            .context("unknown round")?;
        let q = round
            .question(case["question"].as_str().unwrap_or(""))
            .context("unknown question")?;
        let a = analyse(q, case["answer"].as_str().unwrap_or(""));
        println!("{id} ({:?})", a.shape);
        for p in &a.points {
            let label = case["key_points"][&p.id].as_str().unwrap_or("?");
            let mark = if label == p.level.as_str() { " " } else { "!" };
            println!(
                "  {mark} {:<28} {:<12} label {:<12} {}",
                p.id,
                p.level.as_str(),
                label,
                p.evidence
                    .as_deref()
                    .unwrap_or("")
                    .chars()
                    .take(90)
                    .collect::<String>()
            );
        }
    }
    Ok(())
}
