//! One function per subcommand: load what it needs, call into the library,
//! print. Kept thin so the logic stays testable in its own module.

pub mod doctor;
pub mod replay;
pub mod score;
pub mod self_score;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command, StartArgs};
use crate::config::{Backend, Config};
use crate::interview::interviewer::llm::LlmInterviewer;
use crate::interview::interviewer::scripted::Scripted;
use crate::interview::interviewer::Interviewer;
use crate::interview::live::{Live, NewSession, Outcome};
use crate::interview::repl::input::{LineSource, Piped, Terminal};
use crate::interview::repl::render::Console;
use crate::rounds::{Catalog, Round};
use crate::transcript::store;
use crate::transcript::{self, BackendKind, EndStatus};
use crate::ui::{clock, Style};

pub fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(&cli.model)?;
    // Listing needs the rounds only to check a --round filter, and parsing
    // them is most of its fixed cost (see benches/sessions.rs).
    if let Command::Sessions {
        round: None,
        json,
        limit,
    } = &cli.command
    {
        return cmd_sessions(&config, None, None, *json, *limit);
    }
    let catalog = Catalog::load(Some(&config.paths.config_dir))?;
    match cli.command {
        Command::Start(args) => cmd_start(&config, &catalog, args),
        Command::Resume { session, no_self } => {
            cmd_resume(&config, &catalog, session.as_deref(), no_self)
        }
        Command::Sessions { round, json, limit } => {
            cmd_sessions(&config, Some(&catalog), round.as_deref(), json, limit)
        }
        Command::Rounds { round, json } => cmd_rounds(&catalog, round.as_deref(), json),
        Command::Score(args) => crate::cmd::score::run(&config, &catalog, args),
        Command::Replay(args) => crate::cmd::replay::run(&config, &catalog, args),
        Command::Report(args) => crate::review::report::run(&config, &catalog, args),
        Command::Progress { json } => crate::review::progress::run(&config, &catalog, json),
        Command::Diagnose { json } => crate::review::diagnose::run(&config, &catalog, json),
        Command::Plan(args) => crate::review::plan::run(&config, &catalog, args),
        Command::Doctor => crate::cmd::doctor::run(&config, &catalog),
    }
}

fn input_source() -> Result<Box<dyn LineSource>> {
    if std::io::stdin().is_terminal() {
        Ok(Box::new(
            Terminal::new().context("cannot start the line editor")?,
        ))
    } else {
        Ok(Box::new(Piped::new(std::io::BufReader::new(
            std::io::stdin(),
        ))))
    }
}

/// The interviewer engine for this configuration.
fn engine(
    config: &Config,
    seed: u64,
    console: &mut Console,
) -> (Box<dyn Interviewer>, transcript::Backend) {
    match &config.backend {
        Backend::Offline { notice } => {
            if let Some(n) = notice {
                eprintln!("mockround: {n}");
            }
            (
                Box::new(Scripted::new(seed)),
                transcript::Backend::offline(),
            )
        }
        Backend::Llm(settings) => {
            let built = crate::templates::Templates::load(Some(&config.paths.config_dir))
                .map_err(|e| crate::ui::one_line(&e))
                .and_then(|t| LlmInterviewer::new(settings, t, seed).map_err(|e| e.to_string()));
            match built {
                Ok(llm) => {
                    console.spin = true;
                    let backend = transcript::Backend {
                        kind: BackendKind::OpenaiCompatible,
                        model: llm.resolve_model(),
                        base_url: Some(llm.client().url().to_string()),
                    };
                    (Box::new(llm), backend)
                }
                Err(e) => {
                    eprintln!("mockround: {e}; using the built-in offline interviewer");
                    (
                        Box::new(Scripted::new(seed)),
                        transcript::Backend::offline(),
                    )
                }
            }
        }
    }
}

fn cmd_start(config: &Config, catalog: &Catalog, args: StartArgs) -> Result<ExitCode> {
    let round_id = match args.round.as_deref() {
        Some(r) => r.to_string(),
        None => anyhow::bail!(
            "which round? use `mockround start ROUND` with one of: {} (`mockround diagnose` helps choose)",
            catalog.ids().join(", ")
        ),
    };
    let round = catalog.require(&round_id)?;
    // Fail before anything is asked if the answers could not be saved.
    store::ensure_writable(&config.paths.sessions_dir())?;
    let seed = args.seed.unwrap_or_else(crate::rng::Rng::fresh_seed);
    let style = Style::detect();
    let mut console = Console::new(style);
    let (mut engine, backend) = engine(config, seed, &mut console);
    let mut input = input_source()?;
    let interactive = input.interactive();
    let live = Live::create(
        NewSession {
            config,
            round,
            level: args.level.as_str(),
            minutes: args.minutes,
            questions: args.questions,
            follow_ups: args.follow_ups,
            seed,
            backend,
        },
        engine.as_mut(),
        &mut console,
        input.as_mut(),
    )?;
    let plan = live.plan().clone();
    let banner = format!(
        "mockround · {} · {} · {} min · {} question{} · {} · session {} (seed {})",
        round.name,
        plan.level,
        plan.minutes,
        plan.questions,
        if plan.questions == 1 { "" } else { "s" },
        engine_label(config),
        live.id(),
        seed
    );
    let intro = if interactive {
        "Answer as you would in the room: reasoning out loud counts. Enter sends; open a ``` fence or use /edit for long answers; /help lists commands."
    } else {
        "Reading answers from stdin: one line per answer, \"\"\" lines around a multi-line answer."
    };
    let outcome = {
        // print before the first question, through the same console
        let header_line = style.bold(&banner);
        println!("{header_line}");
        println!("{}\n", style.dim(intro));
        live.run()?
    };
    drop(console);
    finish(
        config,
        round,
        &outcome,
        interactive && !args.no_self,
        !args.no_score,
        input.as_mut(),
    )
}

fn engine_label(config: &Config) -> String {
    match &config.backend {
        Backend::Offline { .. } => "offline interviewer".into(),
        Backend::Llm(s) => format!("model {}", s.model.as_deref().unwrap_or("(server default)")),
    }
}

/// After the interview: say where it is saved, self-score, score.
fn finish(
    config: &Config,
    round: &Round,
    outcome: &Outcome,
    offer_self: bool,
    score: bool,
    input: &mut dyn LineSource,
) -> Result<ExitCode> {
    let style = Style::detect();
    match outcome.status {
        EndStatus::Interrupted => {
            println!(
                "{}",
                style.dim(&format!(
                    "Session {} saved. `mockround resume {}` continues it; `mockround score {}` scores what is there.",
                    outcome.id, outcome.id, outcome.id
                ))
            );
            return Ok(ExitCode::SUCCESS);
        }
        EndStatus::Quit => {
            println!(
                "{}",
                style.dim(&format!(
                    "Session {} saved without a score. `mockround score {}` scores it later.",
                    outcome.id, outcome.id
                ))
            );
            return Ok(ExitCode::SUCCESS);
        }
        EndStatus::Completed => {}
    }
    if outcome.answers == 0 || !score {
        println!("{}", style.dim(&format!("Session {} saved.", outcome.id)));
        return Ok(ExitCode::SUCCESS);
    }
    if offer_self {
        if let Some(answer) =
            input.read_short("Rate yourself on each dimension before seeing the score? [Y/n] ")
        {
            if !answer.to_ascii_lowercase().starts_with('n') {
                crate::cmd::self_score::ask_and_save(round, &outcome.path, input)?;
            }
        }
    }
    crate::cmd::score::score_finished_session(config, round, &outcome.path)?;
    println!(
        "{}",
        style.dim(&format!(
            "Session {} saved. Replay it with `mockround replay {}`, or write a report with `mockround report {} --format html -o report.html`.",
            outcome.id, outcome.id, outcome.id
        ))
    );
    Ok(ExitCode::SUCCESS)
}

fn cmd_resume(
    config: &Config,
    catalog: &Catalog,
    spec: Option<&str>,
    no_self: bool,
) -> Result<ExitCode> {
    let dir = config.paths.sessions_dir();
    let path = match spec {
        // `last` means the newest session that can be resumed, not the
        // newest session (which is usually finished).
        Some(s) if s != "last" && s != "latest" => store::resolve(&dir, s)?,
        _ => {
            let newest = store::session_files(&dir)
                .into_iter()
                .find(|p| store::summarize(p).is_ok_and(|s| store::resumable(s.status)));
            newest.ok_or_else(|| {
                anyhow::anyhow!(
                    "no unfinished session to resume; start one with `mockround start ROUND`"
                )
            })?
        }
    };
    let loaded = store::load(&path)?;
    let t = loaded.transcript;
    if t.is_finished() {
        let status = t.end().map(|e| e.status.as_str()).unwrap_or("finished");
        anyhow::bail!(
            "session {} is already {status}; start a new one with `mockround start {}`",
            t.header.id,
            t.header.round
        );
    }
    if t.header.backend.kind == BackendKind::Import {
        anyhow::bail!(
            "{} is an imported transcript, not a session to resume",
            path.display()
        );
    }
    let round = catalog.require(&t.header.round)?;
    let style = Style::detect();
    let mut console = Console::new(style);
    let seed = t
        .header
        .seed
        .unwrap_or(0)
        .wrapping_add(t.events.len() as u64);
    let (mut engine, _) = engine(config, seed, &mut console);
    let mut input = input_source()?;
    let interactive = input.interactive();
    let live = Live::resume(
        round,
        &path,
        &t,
        engine.as_mut(),
        &mut console,
        input.as_mut(),
        &[],
    )?;
    let outcome = live.run_resumed(&t)?;
    drop(console);
    finish(
        config,
        round,
        &outcome,
        interactive && !no_self,
        true,
        input.as_mut(),
    )
}

fn cmd_sessions(
    config: &Config,
    catalog: Option<&Catalog>,
    round: Option<&str>,
    json: bool,
    limit: Option<usize>,
) -> Result<ExitCode> {
    if let (Some(r), Some(c)) = (round, catalog) {
        c.require(r)?;
    }
    let dir = config.paths.sessions_dir();
    let mut rows = Vec::new();
    let mut skipped = 0;
    for path in store::session_files(&dir) {
        match store::summarize(&path) {
            Ok(s) if round.is_none_or(|r| s.round == r) => rows.push(s),
            Ok(_) => {}
            Err(_) => skipped += 1,
        }
        if limit.is_some_and(|l| rows.len() >= l) {
            break;
        }
    }
    // Buffered: stdout is line-buffered, and thousands of rows would each
    // cost a write.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "No saved sessions yet. Start one with `mockround start system-design` (or any round from `mockround rounds`).")?;
        return Ok(ExitCode::SUCCESS);
    }
    let style = Style::detect();
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:<22} {:<16} {:<16} {:<6} {:>3} {:>8} {:<11} {:>5}",
            "ID", "DATE", "ROUND", "LEVEL", "Q", "TIME", "STATUS", "SCORE"
        ))
    )?;
    let tz = jiff::tz::TimeZone::system();
    for s in &rows {
        let date = s
            .started_at
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string();
        let score = s
            .overall
            .map(|o| format!("{o:.2}"))
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:<22} {:<16} {:<16} {:<6} {:>3} {:>8} {:<11} {:>5}",
            s.id,
            date,
            s.round,
            s.level,
            s.questions
                .map(|q| q.to_string())
                .unwrap_or_else(|| "?".into()),
            s.duration_s
                .map(|d| clock(std::time::Duration::from_secs(d)))
                .unwrap_or_else(|| "?".into()),
            s.status.as_str(),
            score
        )?;
    }
    if skipped > 0 {
        writeln!(
            out,
            "({skipped} unreadable file(s) in {} skipped)",
            dir.display()
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_rounds(catalog: &Catalog, round: Option<&str>, json: bool) -> Result<ExitCode> {
    let style = Style::detect();
    let mut out = std::io::stdout().lock();
    match round {
        None => {
            if json {
                let list: Vec<serde_json::Value> = catalog
                    .rounds
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.id, "name": r.name, "minutes": r.minutes,
                            "questions": r.questions.len(), "tests": r.tests,
                            "failure_mode": r.failure_mode, "source": r.source,
                            "dimensions": r.dimensions.iter().map(|d| &d.id).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &list)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            for r in &catalog.rounds {
                writeln!(out, "{}  {}", style.bold(&format!("{:<16}", r.id)), r.name)?;
                writeln!(out, "{:<18}tests: {}", "", r.tests)?;
                writeln!(out, "{:<18}usual failure: {}", "", r.failure_mode)?;
                let custom = if r.source == "built-in" {
                    String::new()
                } else {
                    format!(" · from {}", r.source)
                };
                writeln!(
                    out,
                    "{:<18}{} questions · {} min{}\n",
                    "",
                    r.questions.len(),
                    r.minutes,
                    custom
                )?;
            }
            writeln!(out, "Start one with `mockround start ROUND`; `mockround rounds ROUND` shows its rubric.")?;
        }
        Some(id) => {
            let r = catalog.require(id)?;
            if json {
                let v = serde_json::json!({
                    "id": r.id, "name": r.name, "minutes": r.minutes, "tests": r.tests,
                    "failure_mode": r.failure_mode, "version": r.version,
                    "dimensions": r.dimensions.iter().map(|d| serde_json::json!({
                        "id": d.id, "name": d.name, "weak": d.weak, "strong": d.strong, "practice": d.practice
                    })).collect::<Vec<_>>(),
                    "checklist": r.checklist.iter().map(|c| serde_json::json!({"id": c.id, "text": c.text})).collect::<Vec<_>>(),
                    "questions": r.questions.iter().map(|q| serde_json::json!({
                        "id": q.id, "title": q.title, "levels": q.levels, "topic": q.topic, "minutes": q.minutes
                    })).collect::<Vec<_>>(),
                });
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(out, "{} ({})", style.bold(&r.name), r.id)?;
            writeln!(out, "What it really tests: {}", r.tests)?;
            writeln!(out, "Most common failure: {}\n", r.failure_mode)?;
            for d in &r.dimensions {
                writeln!(out, "{}", style.bold(&format!("{} ({})", d.name, d.id)))?;
                writeln!(out, "  {} {}", style.red("weak  (1):"), d.weak)?;
                writeln!(out, "  {} {}", style.green("strong(4):"), d.strong)?;
            }
            writeln!(out, "\n{}", style.bold("Before you move on"))?;
            for c in &r.checklist {
                writeln!(out, "  [ ] {}", c.text)?;
            }
            writeln!(
                out,
                "\n{}",
                style.bold(&format!("Question bank ({})", r.questions.len()))
            )?;
            for q in &r.questions {
                writeln!(
                    out,
                    "  {:<30} {:<12} {:>2} min  {}",
                    q.id,
                    q.topic,
                    q.minutes,
                    q.levels.join("/")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
