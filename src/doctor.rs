//! `mockround doctor` (being built).
use crate::{config::Config, rounds::Catalog};
use anyhow::Result;
use std::process::ExitCode;
pub fn run(_config: &Config, _catalog: &Catalog) -> Result<ExitCode> {
    anyhow::bail!("doctor is not built yet")
}
