//! Scoring several inputs at once.
//!
//! Offline scoring is fast enough to run one after the other. With a model,
//! each transcript waits on network round trips, so up to `--jobs` of them
//! are judged concurrently on one runtime (the client is shared), with a
//! progress bar on a terminal. Results come back in input order.

use std::io::IsTerminal;

use futures::stream::{self, StreamExt};

use crate::config::{Backend, Config};
use crate::rounds::Round;
use crate::scoring::judge::{self, ClientModel};
use crate::scoring::score as score_transcript;
use crate::scoring::{offline_fallback, ScoreReport};
use crate::transcript::import::Input;

pub fn score_all(
    config: &Config,
    inputs: &[Input],
    rounds: &[&Round],
    samples: u32,
    jobs: Option<u32>,
) -> Vec<ScoreReport> {
    let Backend::Llm(settings) = &config.backend else {
        return inputs
            .iter()
            .zip(rounds)
            .map(|(i, r)| score_transcript(config, r, &i.loaded.transcript, samples))
            .collect();
    };
    if inputs.len() == 1 {
        return vec![judge::score(
            settings,
            &config.paths.config_dir,
            rounds[0],
            &inputs[0].loaded.transcript,
            samples,
        )];
    }
    let fallback_all = |why: String| -> Vec<ScoreReport> {
        inputs
            .iter()
            .zip(rounds)
            .map(|(i, r)| offline_fallback(r, &i.loaded.transcript, &why))
            .collect()
    };
    let prompts = match judge::JudgePrompts::load(Some(&config.paths.config_dir)) {
        Ok(p) => p,
        Err(e) => return fallback_all(format!("{e:#}")),
    };
    let model = match ClientModel::new(settings) {
        Ok(m) => m,
        Err(e) => return fallback_all(e),
    };
    let rt = match crate::llm::runtime() {
        Ok(rt) => rt,
        Err(e) => return fallback_all(e.to_string()),
    };
    let jobs = jobs.unwrap_or(settings.jobs).max(1) as usize;
    let regime = judge::calibration::regime_for(&config.paths.config_dir, settings);
    let opts = judge::Options {
        slots: judge::settings_slots(settings),
        ..judge::Options::new(settings.judge_mode, &regime)
    };
    let opts = &opts;
    let bar = progress_bar(inputs.len());
    let model = &model;
    let prompts = &prompts;
    let bar_ref = &bar;
    let mut results: Vec<(usize, ScoreReport)> = rt.block_on(
        stream::iter(inputs.iter().zip(rounds).enumerate())
            .map(|(k, (input, round))| async move {
                let report = judge::judge_samples(
                    model,
                    prompts,
                    round,
                    &input.loaded.transcript,
                    opts,
                    samples,
                )
                .await;
                if let Some(b) = bar_ref {
                    b.inc(1);
                }
                (k, report)
            })
            .buffer_unordered(jobs)
            .collect(),
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    results.sort_by_key(|(k, _)| *k);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A progress bar on stderr, only on a terminal.
fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("NO_COLOR").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("scoring {bar:30} {pos}/{len} {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}
