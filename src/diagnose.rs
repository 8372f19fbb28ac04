//! `mockround diagnose` (being built).
use crate::{config::Config, rounds::Catalog};
use anyhow::Result;
use std::process::ExitCode;
pub fn run(_config: &Config, _catalog: &Catalog, _json: bool) -> Result<ExitCode> {
    anyhow::bail!("diagnose is not built yet")
}
