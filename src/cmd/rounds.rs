//! `mockround rounds`: the rounds and where each came from, or one round's
//! rubric, checklist and question bank.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::rounds::{Catalog, Round};
use crate::ui::Style;

pub fn run(ctx: &Ctx, round: Option<&str>, json: bool) -> Result<ExitCode> {
    let catalog = ctx.catalog();
    let style = Style::detect();
    let mut out = std::io::stdout().lock();
    match round {
        None => list(&mut out, catalog, json, &style)?,
        Some(id) => show(&mut out, catalog.require(id)?, json, &style)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Every round: what it tests, its usual failure, where it came from.
fn list(out: &mut impl Write, catalog: &Catalog, json: bool, style: &Style) -> Result<()> {
    if json {
        let list: Vec<serde_json::Value> = catalog
            .rounds
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "name": r.name, "minutes": r.minutes,
                    "questions": r.questions.len(), "tests": r.tests,
                    "failure_mode": r.failure_mode, "source": r.source,
                    "dimensions": r.dimensions.iter().map(|d| &d.id).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    for r in &catalog.rounds {
        writeln!(out, "{}  {}", style.bold(&format!("{:<16}", r.id)), r.name)?;
        writeln!(out, "{:<18}tests: {}", "", r.tests)?;
        writeln!(out, "{:<18}usual failure: {}", "", r.failure_mode)?;
        let custom = if r.source == "built-in" {
            String::new()
        } else {
            format!(" · from {}", r.source)
        };
        writeln!(
            out,
            "{:<18}{} questions · {} min{}\n",
            "",
            r.questions.len(),
            r.minutes,
            custom
        )?;
    }
    for e in &catalog.broken {
        writeln!(
            out,
            "{}  not loaded: {e}\n",
            style.bold(&format!("{:<16}", e.round_id()))
        )?;
    }
    writeln!(
        out,
        "Start one with `mockround start ROUND`; `mockround rounds ROUND` shows its rubric."
    )?;
    Ok(())
}

/// One round's rubric, checklist and question bank.
fn show(out: &mut impl Write, r: &Round, json: bool, style: &Style) -> Result<()> {
    if json {
        let v = serde_json::json!({
            "id": r.id, "name": r.name, "minutes": r.minutes, "tests": r.tests,
            "failure_mode": r.failure_mode, "version": r.version,
            "dimensions": r.dimensions.iter().map(|d| serde_json::json!({
                "id": d.id, "name": d.name, "weak": d.weak, "strong": d.strong, "practice": d.practice
            })).collect::<Vec<_>>(),
            "checklist": r.checklist.iter().map(|c| serde_json::json!({"id": c.id, "text": c.text})).collect::<Vec<_>>(),
            "questions": r.questions.iter().map(|q| serde_json::json!({
                "id": q.id, "title": q.title, "levels": q.levels, "topic": q.topic, "minutes": q.minutes,
                "track": q.track.map(|t| t.name()),
            })).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{} ({})", style.bold(&r.name), r.id)?;
    writeln!(out, "What it really tests: {}", r.tests)?;
    writeln!(out, "Most common failure: {}\n", r.failure_mode)?;
    for d in &r.dimensions {
        writeln!(out, "{}", style.bold(&format!("{} ({})", d.name, d.id)))?;
        writeln!(out, "  {} {}", style.red("weak  (1):"), d.weak)?;
        writeln!(out, "  {} {}", style.green("strong(4):"), d.strong)?;
    }
    writeln!(out, "\n{}", style.bold("Before you move on"))?;
    for c in &r.checklist {
        writeln!(out, "  [ ] {}", c.text)?;
    }
    writeln!(
        out,
        "\n{}",
        style.bold(&format!("Question bank ({})", r.questions.len()))
    )?;
    for q in &r.questions {
        let track = q
            .track
            .map(|t| format!("  [{}]", t.name()))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:<30} {:<12} {:>2} min  {}{track}",
            q.id,
            q.topic,
            q.minutes,
            q.levels.join("/")
        )?;
    }
    writeln!(
        out,
        "\nPractise one with `mockround start {} --question ID`.",
        r.id
    )?;
    Ok(())
}
