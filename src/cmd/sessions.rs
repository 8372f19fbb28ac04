//! `mockround sessions`: saved sessions, newest first, for a person or as
//! JSON. Reads only the first line and the tail of each file.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::transcript::store;
use crate::ui::{clock, Style};

pub fn run(ctx: &Ctx, round: Option<&str>, json: bool, limit: Option<usize>) -> Result<ExitCode> {
    let config = &ctx.config;
    // The rounds are parsed only to check a --round filter: parsing them is
    // most of listing's fixed cost (see benches/sessions.rs).
    if let Some(r) = round {
        ctx.catalog().require(r)?;
    }
    let dir = config.paths.sessions_dir();
    let mut rows = Vec::new();
    let mut skipped = 0;
    for path in store::session_files(&dir) {
        match store::summarize(&path) {
            Ok(s) if round.is_none_or(|r| s.round == r) => rows.push(s),
            Ok(_) => {}
            Err(_) => skipped += 1,
        }
        if limit.is_some_and(|l| rows.len() >= l) {
            break;
        }
    }
    // Buffered: stdout is line-buffered, and thousands of rows would each
    // cost a write.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "No saved sessions yet. Start one with `mockround start system-design` (or any round from `mockround rounds`).")?;
        return Ok(ExitCode::SUCCESS);
    }
    let style = Style::detect();
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:<22} {:<16} {:<16} {:<6} {:>3} {:>8} {:<11} {:>5}",
            "ID", "DATE", "ROUND", "LEVEL", "Q", "TIME", "STATUS", "SCORE"
        ))
    )?;
    let tz = jiff::tz::TimeZone::system();
    for s in &rows {
        let date = s
            .started_at
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string();
        let score = s
            .overall
            .map(|o| format!("{o:.2}"))
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:<22} {:<16} {:<16} {:<6} {:>3} {:>8} {:<11} {:>5}",
            s.id,
            date,
            s.round,
            s.level,
            s.questions
                .map(|q| q.to_string())
                .unwrap_or_else(|| "?".into()),
            s.duration_s
                .map(|d| clock(std::time::Duration::from_secs(d)))
                .unwrap_or_else(|| "?".into()),
            s.status.as_str(),
            score
        )?;
    }
    if skipped > 0 {
        writeln!(
            out,
            "({skipped} unreadable file(s) in {} skipped)",
            dir.display()
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
