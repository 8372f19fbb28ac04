//! `mockround report` (being built).
use std::process::ExitCode;
use anyhow::Result;
use crate::{cli::ReportArgs, config::Config, rounds::Catalog};
pub fn run(_config: &Config, _catalog: &Catalog, _args: ReportArgs) -> Result<ExitCode> {
    anyhow::bail!("report is not built yet")
}
