//! `mockround score`: score saved sessions and plain-text transcripts,
//! append the score to saved sessions (never overwriting an earlier one),
//! and print it for a person or as JSON.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::Timestamp;

use super::Ctx;
use crate::cli::ScoreArgs;
use crate::config::Config;
use crate::interview::repl::input::{LineSource, Piped, Terminal};
use crate::review::scorecard as view;
use crate::rounds::Round;
use crate::scoring::{self, ScoreReport};
use crate::transcript::import::{self, Input};
use crate::transcript::store::{self, SessionWriter};
use crate::transcript::{Event, SelfScoreEvent};
use crate::ui::Style;

/// Is `path` one of the user's own sessions (inside the sessions dir)? Only
/// those get scores appended: a transcript passed by path from elsewhere (a
/// repository, a shared folder) is read, never modified.
fn inside(path: &Path, dir: &Path) -> bool {
    match (path.canonicalize(), dir.canonicalize()) {
        (Ok(p), Ok(d)) => p.starts_with(d),
        _ => false,
    }
}

/// The report as `--json` prints it: the documented shape (round,
/// scorer, overall, verdict, dimensions, checklist, flags, flag_details), plus optional
/// fields only when they carry something (a dimension's
/// `insufficient_evidence`/`capped`, `spread` and `samples` with
/// `--samples`). What to practise is in the human output and the report.
fn design_shape(report: &ScoreReport) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(report)?;
    if let Some(obj) = v.as_object_mut() {
        obj.remove("practice");
        // Beside `flags`, always: each flag with the sentence that raised it.
        obj.entry("flag_details")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    }
    Ok(v)
}

/// Score a session that just finished, save and show the score.
pub fn score_finished_session(config: &Config, round: &Round, path: &Path) -> Result<()> {
    let loaded = store::load(path)?;
    let t = loaded.transcript;
    let report = scoring::score(config, round, &t, 1);
    scoring::record(
        path,
        round,
        &report,
        report.scorer.model().map(String::from),
    )?;
    let style = Style::detect();
    print!(
        "{}",
        view::render(round, &report, t.latest_self_score(), &style)
    );
    Ok(())
}

pub fn run(ctx: &Ctx, args: ScoreArgs) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    let mut inputs = Vec::new();
    for spec in &args.inputs {
        inputs.push(import::open(
            &config.paths.sessions_dir(),
            spec,
            args.round.as_deref(),
        )?);
    }
    let mut rounds: Vec<&Round> = Vec::new();
    for i in &inputs {
        let id = &i.loaded.transcript.header.round;
        let round = catalog.require(id).with_context(|| i.shown.to_string())?;
        rounds.push(round);
    }
    for i in &inputs {
        for p in &i.loaded.problems {
            eprintln!(
                "mockround: {}: line {} is broken and was skipped ({})",
                i.shown, p.line, p.message
            );
        }
    }

    // Self-scoring happens before the score is shown, one input at a time.
    let mut self_scores: Vec<Option<SelfScoreEvent>> = vec![None; inputs.len()];
    if args.self_score {
        let mut source: Box<dyn LineSource> = if std::io::IsTerminal::is_terminal(&std::io::stdin())
        {
            Box::new(Terminal::new()?)
        } else {
            Box::new(Piped::new(std::io::BufReader::new(std::io::stdin())))
        };
        for (k, i) in inputs.iter().enumerate() {
            let round = rounds[k];
            if inputs.len() > 1 {
                println!("{}", i.shown);
            }
            let scores = crate::cmd::self_score::ask(round, source.as_mut());
            if scores.is_empty() {
                continue;
            }
            let event = SelfScoreEvent {
                at: Timestamp::now(),
                scores,
            };
            if i.loaded.saved_session
                && !args.no_save
                && inside(&i.path, &config.paths.sessions_dir())
            {
                SessionWriter::open(&i.path)?.append(&Event::SelfScore(event.clone()))?;
            }
            self_scores[k] = Some(event);
        }
    }

    let reports = scoring::batch::score_all(config, &inputs, &rounds, args.samples, args.jobs);

    let style = Style::detect();
    let mut out = std::io::stdout().lock();
    let mut json_reports = Vec::new();
    let sessions_dir = config.paths.sessions_dir();
    let writable =
        |i: &Input| i.loaded.saved_session && !args.no_save && inside(&i.path, &sessions_dir);
    for (k, i) in inputs.iter().enumerate() {
        let report = &reports[k];
        let round = rounds[k];
        if i.loaded.saved_session && !args.no_save && !writable(i) && !args.json {
            eprintln!(
                "mockround: {} is outside the data directory, so the score was not appended to it",
                i.shown
            );
        }
        if writable(i) {
            if let Err(e) = scoring::record(
                &i.path,
                round,
                report,
                report.scorer.model().map(String::from),
            ) {
                eprintln!("mockround: {}: {}", i.shown, crate::ui::one_line(&e));
            }
        }
        if args.json {
            json_reports.push(design_shape(report)?);
        } else {
            if inputs.len() > 1 {
                writeln!(out, "{}", style.bold(&format!("== {}", i.shown)))?;
            }
            let mine = self_scores[k]
                .as_ref()
                .or(i.loaded.transcript.latest_self_score());
            write!(out, "{}", view::render(round, report, mine, &style))?;
        }
    }
    if args.json {
        let value = if json_reports.len() == 1 {
            json_reports.pop().unwrap_or_default()
        } else {
            serde_json::Value::Array(json_reports)
        };
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
