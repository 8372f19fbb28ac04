//! `mockround replay` (being built).
use std::process::ExitCode;
use anyhow::Result;
use crate::{cli::ReplayArgs, config::Config, rounds::Catalog};
pub fn run(_config: &Config, _catalog: &Catalog, _args: ReplayArgs) -> Result<ExitCode> {
    anyhow::bail!("replay is not built yet")
}
