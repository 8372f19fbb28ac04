//! `mockround score`: score saved sessions and plain-text transcripts,
//! append the score to saved sessions (never overwriting an earlier one),
//! and print it for a person or as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::Timestamp;

use crate::cli::ScoreArgs;
use crate::config::{Backend, Config};
use crate::interview::repl::input::{LineSource, Piped, Terminal};
use crate::review::scorecard as view;
use crate::rounds::{Catalog, Round};
use crate::scoring::{reader, ScoreReport};
use crate::transcript::import::{self, LoadedAny};
use crate::transcript::store::{self, SessionWriter};
use crate::transcript::{Event, ScoreEvent, SelfScoreEvent, Transcript};
use crate::ui::Style;

/// One input, loaded and matched to its round.
pub struct Input {
    pub shown: String,
    pub path: PathBuf,
    pub loaded: LoadedAny,
}

/// Is `path` one of the user's own sessions (inside the sessions dir)? Only
/// those get scores appended: a transcript passed by path from elsewhere (a
/// repository, a shared folder) is read, never modified.
fn inside(path: &Path, dir: &Path) -> bool {
    match (path.canonicalize(), dir.canonicalize()) {
        (Ok(p), Ok(d)) => p.starts_with(d),
        _ => false,
    }
}

/// The report as `--json` prints it: the shape DESIGN.md fixes (round,
/// scorer, overall, verdict, dimensions, checklist, flags), plus optional
/// fields only when they carry something (a dimension's
/// `insufficient_evidence`/`capped`, `spread` and `samples` with
/// `--samples`). What to practise is in the human output and the report.
fn design_shape(report: &ScoreReport) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(report)?;
    if let Some(obj) = v.as_object_mut() {
        obj.remove("practice");
    }
    Ok(v)
}

/// Resolve and load one SESSION|FILE argument.
pub fn load_input(config: &Config, spec: &str, round: Option<&str>) -> Result<Input> {
    let path = store::resolve(&config.paths.sessions_dir(), spec)?;
    let loaded = import::load_any(&path, round)?;
    Ok(Input {
        shown: spec.to_string(),
        path,
        loaded,
    })
}

/// Score a transcript with the configured scorer (the offline one when no
/// model is configured or `--offline` is given).
pub fn score_transcript(
    config: &Config,
    round: &Round,
    t: &Transcript,
    samples: u32,
) -> ScoreReport {
    match &config.backend {
        Backend::Offline { .. } => reader::score(round, t),
        Backend::Llm(settings) => {
            crate::scoring::judge::score(settings, &config.paths.config_dir, round, t, samples)
        }
    }
}

/// Append a score event to a saved session.
pub fn save_score(
    path: &Path,
    round: &Round,
    report: &ScoreReport,
    model: Option<String>,
) -> Result<()> {
    let event = ScoreEvent {
        at: Timestamp::now(),
        model,
        rubric_version: round.version,
        prompt_version: crate::scoring::judge::PROMPT_VERSION,
        report: report.clone(),
    };
    SessionWriter::open(path)?
        .append(&Event::Score(event))
        .context("cannot save the score to the session")
}

fn judge_model(config: &Config) -> Option<String> {
    match &config.backend {
        Backend::Llm(s) => s.judge_model.clone().or_else(|| s.model.clone()),
        Backend::Offline { .. } => None,
    }
}

/// Score a session that just finished, save and show the score.
pub fn score_finished_session(config: &Config, round: &Round, path: &Path) -> Result<()> {
    let loaded = store::load(path)?;
    let t = loaded.transcript;
    let report = score_transcript(config, round, &t, 1);
    save_score(path, round, &report, judge_model(config))?;
    let style = Style::detect();
    print!(
        "{}",
        view::render(round, &report, t.latest_self_score(), &style)
    );
    Ok(())
}

pub fn run(config: &Config, catalog: &Catalog, args: ScoreArgs) -> Result<ExitCode> {
    let mut inputs = Vec::new();
    for spec in &args.inputs {
        inputs.push(load_input(config, spec, args.round.as_deref())?);
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

    let reports =
        crate::scoring::batch::score_all(config, &inputs, &rounds, args.samples, args.jobs);

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
            if let Err(e) = save_score(&i.path, round, report, judge_model(config)) {
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
