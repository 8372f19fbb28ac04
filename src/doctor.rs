//! `mockround doctor` (being built).
use std::process::ExitCode;
use anyhow::Result;
use crate::{config::Config, rounds::Catalog};
pub fn run(_config: &Config, _catalog: &Catalog) -> Result<ExitCode> {
    anyhow::bail!("doctor is not built yet")
}
