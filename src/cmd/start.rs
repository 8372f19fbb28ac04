//! `mockround start`: a new mock interview, then self-scoring and the
//! score. `resume` shares the engine choice and the ending.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use super::Ctx;
use crate::cli::StartArgs;
use crate::config::{Backend, Config};
use crate::interview::interviewer::llm::LlmInterviewer;
use crate::interview::interviewer::scripted::Scripted;
use crate::interview::interviewer::Interviewer;
use crate::interview::live::{Live, NewSession, Outcome};
use crate::interview::repl::input::{LineSource, Piped, Terminal};
use crate::interview::repl::render::Console;
use crate::rounds::Round;
use crate::transcript::store;
use crate::transcript::{self, BackendKind, EndStatus};
use crate::ui::Style;

pub fn run(ctx: &Ctx, args: StartArgs) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    let round_id = match args.round.as_deref() {
        Some(r) => r.to_string(),
        None => anyhow::bail!(
            "which round? use `mockround start ROUND` with one of: {} (`mockround diagnose` helps choose)",
            catalog.ids().join(", ")
        ),
    };
    let round = catalog.require(&round_id)?;
    if let Some(bad) = args
        .question_ids
        .iter()
        .find(|id| round.question(id).is_none())
    {
        anyhow::bail!(
            "round {} has no question \"{bad}\"; `mockround rounds {}` lists its question ids",
            round.id,
            round.id
        );
    }
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
            seeded: args.seed.is_some(),
            first: args.question_ids.clone(),
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

pub(super) fn input_source() -> Result<Box<dyn LineSource>> {
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
pub(super) fn engine(
    config: &Config,
    seed: u64,
    console: &mut Console,
) -> (Box<dyn Interviewer>, transcript::Backend) {
    match &config.backend {
        Backend::Offline { notice } => {
            if let Some(n) = notice {
                eprintln!("mockround: {n}");
                // Nothing configured: say so if a local server is running,
                // but never switch to it without being asked.
                for s in crate::llm::discover::local_servers() {
                    eprintln!(
                        "mockround: a local model server is running: {}",
                        s.describe()
                    );
                }
            }
            (
                Box::new(Scripted::new(seed)),
                transcript::Backend::offline(),
            )
        }
        Backend::Llm(settings) => {
            let built = crate::templates::Templates::load(Some(&config.paths.config_dir))
                .map_err(|e| crate::ui::one_line(&e))
                .and_then(|t| LlmInterviewer::new(settings, t, seed).map_err(|e| e.to_string()))
                .map(|llm| llm.with_turn_budget(config.file.turn_timeout()));
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

/// After the interview: say where it is saved, self-score, score.
pub(super) fn finish(
    config: &Config,
    round: &Round,
    outcome: &Outcome,
    offer_self: bool,
    score: bool,
    input: &mut dyn LineSource,
) -> Result<ExitCode> {
    let style = Style::detect();
    // The hint names the command the way this binary was run, so it works
    // for someone who followed the README's `cargo run` set-up.
    let me = crate::ui::invoked_as();
    match outcome.status {
        EndStatus::Interrupted => {
            println!(
                "{}",
                style.dim(&format!(
                    "Session {} saved. `{me} resume {}` continues it; `{me} score {}` scores what is there.",
                    outcome.id, outcome.id, outcome.id
                ))
            );
            return Ok(ExitCode::SUCCESS);
        }
        EndStatus::Quit => {
            println!(
                "{}",
                style.dim(&format!(
                    "Session {} saved without a score. `{me} score {}` scores it later.",
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
