//! `mockround plan` (being built).
use std::process::ExitCode;
use anyhow::Result;
use crate::{cli::PlanArgs, config::Config, rounds::Catalog};
pub fn run(_config: &Config, _catalog: &Catalog, _args: PlanArgs) -> Result<ExitCode> {
    anyhow::bail!("plan is not built yet")
}
