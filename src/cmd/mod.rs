//! The commands layer: one module per subcommand, each with
//! `run(ctx, args) -> Result<ExitCode>`. They load what they need, call
//! into the library and print; the logic lives in the layers below.

pub mod calibrate;
pub mod diagnose;
pub mod doctor;
pub mod plan;
pub mod progress;
pub mod replay;
pub mod report;
pub mod resume;
pub mod rounds;
pub mod run;
pub mod score;
mod self_score;
pub mod sessions;
pub mod start;

use std::cell::OnceCell;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::rounds::Catalog;

/// What every command may need: the configuration, and the rounds (loaded
/// on first use: listing sessions does without them).
pub struct Ctx {
    pub config: Config,
    catalog: OnceCell<Catalog>,
}

impl Ctx {
    pub fn new(config: Config) -> Ctx {
        for w in &config.file.warnings {
            eprintln!("mockround: warning: {w}");
        }
        Ctx {
            config,
            catalog: OnceCell::new(),
        }
    }

    /// The built-in rounds plus the user's files. A broken file is reported
    /// here, once, and only its own round becomes unavailable.
    pub fn catalog(&self) -> &Catalog {
        self.catalog.get_or_init(|| {
            let catalog = Catalog::load(Some(&self.config.paths.config_dir));
            for e in &catalog.broken {
                eprintln!(
                    "mockround: warning: {e}; round \"{}\" is unavailable until the file is fixed",
                    e.round_id()
                );
            }
            catalog
        })
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Ctx::new(Config::load(&cli.model.flags())?);
    match cli.command {
        Command::Start(args) => start::run(&ctx, args),
        Command::Resume { session, no_self } => resume::run(&ctx, session.as_deref(), no_self),
        Command::Sessions { round, json, limit } => {
            sessions::run(&ctx, round.as_deref(), json, limit)
        }
        Command::Rounds { round, json } => rounds::run(&ctx, round.as_deref(), json),
        Command::Score(args) => score::run(&ctx, args),
        Command::Replay(args) => replay::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Progress { json } => progress::run(&ctx, json),
        Command::Diagnose { json } => diagnose::run(&ctx, json),
        Command::Plan(args) => plan::run(&ctx, args),
        Command::Doctor => doctor::run(&ctx),
        Command::Calibrate(args) => calibrate::run(&ctx, args),
        Command::Run(args) => run::run(&ctx, args),
    }
}
