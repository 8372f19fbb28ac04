//! Record what a real model answers to the judge's per-dimension prompts,
//! for `tests/e2e/judge_recorded.rs` to replay offline.
//!
//! ```sh
//! OPENAI_BASE_URL=http://127.0.0.1:8089/v1 MOCKROUND_MODEL=qwen-1.5b \
//!   cargo run --release --example record_judge -- \
//!   tests/data/judge-replies/qwen2.5-coder-1.5b.jsonl tests/data/samples/*.txt
//! ```
//!
//! Each line of the output is `{"file", "dimension", "reply"}`, in the order
//! the judge asked (a retry after an unusable reply is a second line for the
//! same dimension). The endpoint comes from the usual settings (env and
//! `config.toml`), as for `mockround score`. The score of each transcript is
//! printed as it goes, with its time and its valid and invalid citations.

use std::cell::RefCell;
use std::io::Write;

use anyhow::{bail, Context, Result};
use mockround::config::ModelFlags;
use mockround::config::{Backend, Config};
use mockround::rounds::Catalog;
use mockround::scoring::judge::{
    self, ClientModel, JudgeModel, JudgePrompts, JudgeRequest, Mode, ModelError, Options, Regime,
};
use mockround::transcript::import;
use serde_json::json;

/// The product's judge client, with every reply kept.
struct Recording {
    inner: ClientModel,
    replies: RefCell<Vec<(String, String)>>,
}

impl JudgeModel for Recording {
    fn name(&self) -> String {
        self.inner.name()
    }
    async fn ask(&self, request: JudgeRequest) -> Result<String, ModelError> {
        let dimension = request.dimension.clone().unwrap_or_default();
        let reply = self.inner.ask(request).await?;
        self.replies.borrow_mut().push((dimension, reply.clone()));
        Ok(reply)
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out, files)) = args.split_first() else {
        bail!("usage: record_judge OUT.jsonl TRANSCRIPT.txt...");
    };
    let config = Config::load(&ModelFlags::default())?;
    let Backend::Llm(settings) = config.backend else {
        bail!("no model configured: set OPENAI_BASE_URL (and MOCKROUND_MODEL)");
    };
    let model = Recording {
        inner: ClientModel::new(&settings).map_err(anyhow::Error::msg)?,
        replies: RefCell::new(Vec::new()),
    };
    let catalog = Catalog::builtin();
    let prompts = JudgePrompts::builtin();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut sink = std::fs::File::create(out).with_context(|| format!("creating {out}"))?;
    for path in files {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
        let t = import::parse(path, &text, None).map_err(|e| anyhow::anyhow!("{e}"))?;
        let round = catalog.get(&t.header.round).with_context(|| {
            format!(
                "{path}: unknown round \"{}\"; `mockround rounds` lists them",
                t.header.round
            )
        })?;
        // one request at a time, advisory: the replies, not the regime, are recorded
        let advisory = Regime::Advisory { calibration: None };
        let opts = Options {
            slots: 1,
            ..Options::new(Mode::PerDimension, &advisory)
        };
        let start = std::time::Instant::now();
        let judged = rt.block_on(judge::judge_detailed(&model, &prompts, round, &t, &opts));
        let secs = start.elapsed().as_secs_f64();
        let report = judged.report;
        let name = std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (dimension, reply) in model.replies.borrow_mut().drain(..) {
            let line = json!({"file": name, "dimension": dimension, "reply": reply});
            writeln!(sink, "{line}")?;
        }
        println!(
            "{name:<46} {:.2} {secs:5.1}s citations {} valid {} invalid {}",
            report.overall.unwrap_or(0.0),
            judged.valid_citations,
            judged.invalid_citations,
            report.scorer
        );
    }
    Ok(())
}
