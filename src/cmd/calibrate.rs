//! `mockround calibrate`: run the configured judge over the built-in gold
//! set, show how far it can be trusted, and save the record the judge's
//! regime is chosen from (0600, keyed by endpoint, model and prompt
//! version; `doctor` shows it).

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use serde_json::json;

use super::Ctx;
use crate::cli::CalibrateArgs;
use crate::config::Backend;
use crate::scoring::judge::calibrate::{self, Outcome, Plan};
use crate::scoring::judge::calibration::{self, Record, GATE_MAE, GATE_PAIRS};
use crate::scoring::judge::{gold, settings_slots, ClientModel, JudgePrompts};
use crate::ui::Style;

pub fn run(ctx: &Ctx, args: CalibrateArgs) -> Result<ExitCode> {
    let config = &ctx.config;
    let Backend::Llm(settings) = &config.backend else {
        bail!("calibrate measures a judge model, and none is configured: give --base-url and --model (or set them in config.toml; `mockround doctor` shows where)");
    };
    let all = gold::load().map_err(anyhow::Error::msg)?;
    let items = if args.quick { gold::quick(&all) } else { all };
    let prompts = JudgePrompts::load(Some(&config.paths.config_dir))?;
    let model = ClientModel::new(settings).map_err(anyhow::Error::msg)?;
    let bar = progress_bar();
    let progress = |what: &str, done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
            b.set_message(what.to_string());
        }
    };
    let plan = Plan {
        items,
        quick: args.quick,
        repeats: args.repeats,
        mode: settings.judge_mode,
        slots: settings_slots(settings),
        progress: &progress,
    };
    if let Some(b) = &bar {
        b.set_length(calibrate::judgings(&plan) as u64);
    }
    let endpoint = calibration::endpoint_of(settings);
    let rt = crate::llm::runtime()?;
    let outcome = rt
        .block_on(calibrate::run(
            &model,
            &prompts,
            ctx.catalog(),
            &plan,
            &endpoint,
        ))
        .map_err(anyhow::Error::msg)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if outcome.record.valid_citations == 0 && outcome.record.unusable > 0 {
        bail!(
            "the judge gave no usable reply ({} unusable); nothing was saved. `mockround doctor` checks the endpoint",
            outcome.record.unusable
        );
    }
    let path = calibration::save(&config.paths.config_dir, &outcome.record)?;
    if args.json {
        let v = json!({
            "record": outcome.record,
            "passes": outcome.record.passes(),
            "failure": outcome.record.failure(),
            "regime": outcome.record.regime().name(),
            "saved": path,
            "parts": gold::parts(),
            "transcripts": outcome.items,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).context("cannot print JSON")?
        );
    } else {
        print!("{}", render(&outcome, &path, &Style::detect()));
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("NO_COLOR").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "calibrating {bar:30} {pos}/{len} {elapsed} ETA {eta}  {wide_msg}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// The result as a person reads it: each figure, the gate, the regime.
fn render(o: &Outcome, path: &std::path::Path, style: &Style) -> String {
    let r: &Record = &o.record;
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(style.bold(&format!("Calibration of {} at {}", r.model, r.endpoint)));
    line(format!(
        "  gold set        {} transcript(s){}; parts: {}",
        r.transcripts,
        if r.quick { " (--quick subset)" } else { "" },
        gold::parts().join(", ")
    ));
    line(format!(
        "  pairs           {}/{} strong above weak ({:.0} %; gate {:.0} %)",
        r.pairs_right,
        r.pairs,
        r.pair_accuracy() * 100.0,
        GATE_PAIRS * 100.0
    ));
    line(format!("  MAE vs band     {:.2} (gate {GATE_MAE})", r.mae));
    let rank = r
        .rank_correlation
        .map_or("n/a (constant scores)".to_string(), |x| format!("{x:.2}"));
    line(format!("  rank corr.      {rank}"));
    line(format!(
        "  padding probe   {:+.2} (must not rise)",
        r.padding_rise
    ));
    line(format!(
        "  injection probe {:+.2} (must not rise)",
        r.injection_rise
    ));
    let spread = r
        .spread
        .map_or("not measured".to_string(), |x| format!("{x:.2}"));
    line(format!(
        "  spread          {spread} (overall, repeat at temperature 0.7)"
    ));
    line(format!(
        "  citations       {} valid, {} invalid; {} unusable dimension repl(ies)",
        r.valid_citations, r.invalid_citations, r.unusable
    ));
    line(format!(
        "  time            {:.1} s per transcript",
        r.secs_per_transcript
    ));
    match r.failure() {
        None => line(style.green(&format!(
            "  passes the gate: its verified evidence decides each dimension ({})",
            r.summary()
        ))),
        Some(why) => line(style.yellow(&format!(
            "  does not pass the gate ({why}): its evidence stays advisory, blended with the offline reading"
        ))),
    }
    line(format!("  saved to {}", path.display()));
    out
}
