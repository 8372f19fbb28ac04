//! `mockround report` (being built).
use crate::{cli::ReportArgs, config::Config, rounds::Catalog};
use anyhow::Result;
use std::process::ExitCode;
pub fn run(_config: &Config, _catalog: &Catalog, _args: ReportArgs) -> Result<ExitCode> {
    anyhow::bail!("report is not built yet")
}
