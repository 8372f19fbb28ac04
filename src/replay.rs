//! `mockround replay` (being built).
use crate::{cli::ReplayArgs, config::Config, rounds::Catalog};
use anyhow::Result;
use std::process::ExitCode;
pub fn run(_config: &Config, _catalog: &Catalog, _args: ReplayArgs) -> Result<ExitCode> {
    anyhow::bail!("replay is not built yet")
}
