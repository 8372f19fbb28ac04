//! `mockround plan` (being built).
use crate::{cli::PlanArgs, config::Config, rounds::Catalog};
use anyhow::Result;
use std::process::ExitCode;
pub fn run(_config: &Config, _catalog: &Catalog, _args: PlanArgs) -> Result<ExitCode> {
    anyhow::bail!("plan is not built yet")
}
