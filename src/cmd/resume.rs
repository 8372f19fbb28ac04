//! `mockround resume`: continue an interrupted session in the same file.

use std::process::ExitCode;

use anyhow::Result;

use super::start::{engine, finish, input_source};
use super::Ctx;
use crate::interview::live::Live;
use crate::interview::repl::render::Console;
use crate::transcript::store;
use crate::transcript::BackendKind;
use crate::ui::Style;

pub fn run(ctx: &Ctx, spec: Option<&str>, no_self: bool) -> Result<ExitCode> {
    let config = &ctx.config;
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
    if t.is_finished() && t.latest_score().is_none() && t.candidate_turns().next().is_some() {
        anyhow::bail!(
            "session {} is complete but has no score (it stopped while being scored); `mockround score {}` finishes it",
            t.header.id,
            t.header.id
        );
    }
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
    let round = ctx.catalog().require(&t.header.round)?;
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
