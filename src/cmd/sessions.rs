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
    let mut skipped: Vec<String> = Vec::new();
    for path in store::session_files(&dir) {
        match store::summarize(&path) {
            Ok(s) if round.is_none_or(|r| s.round == r) => rows.push(s),
            Ok(_) => {}
            Err(e) => skipped.push(crate::ui::one_line(&e)),
        }
        if limit.is_some_and(|l| rows.len() >= l) {
            break;
        }
    }
    // Why files were left out goes to stderr, so `--json` stays parseable.
    for s in &rows {
        for p in &s.problems {
            eprintln!("mockround: {}: {p}", s.path.display());
        }
    }
    report_skipped(&skipped, &dir);
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
        if skipped.is_empty() {
            writeln!(out, "No saved sessions yet. Start one with `mockround start system-design` (or any round from `mockround rounds`).")?;
        } else {
            writeln!(
                out,
                "No readable sessions: {} file(s) in {} could not be listed (why is above).",
                skipped.len(),
                dir.display()
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    table(&mut out, &rows)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One line per skipped file (the first few), then how many in all.
fn report_skipped(skipped: &[String], dir: &std::path::Path) {
    const SHOWN: usize = 5;
    for why in skipped.iter().take(SHOWN) {
        eprintln!("mockround: skipped {why}");
    }
    if skipped.len() > SHOWN {
        eprintln!(
            "mockround: skipped {} more unreadable file(s) in {}",
            skipped.len() - SHOWN,
            dir.display()
        );
    }
}

fn table(out: &mut impl Write, rows: &[store::Summary]) -> Result<()> {
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
    for s in rows {
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
    Ok(())
}
