//! `mockround progress` (being built).
use std::process::ExitCode;
use anyhow::Result;
use crate::{config::Config, rounds::Catalog};
pub fn run(_config: &Config, _catalog: &Catalog, _json: bool) -> Result<ExitCode> {
    anyhow::bail!("progress is not built yet")
}
