//! `mockround progress`: prints what `review::progress` computed, for a
//! person or as JSON.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::config::Config;
use crate::review::diagnose::Diagnosis;
use crate::review::progress::*;
use crate::rounds::Catalog;
use crate::ui::Style;

pub fn run(ctx: &Ctx, json: bool) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    crate::ui::quiet_broken_pipe(show(config, catalog, json))
}

fn show(config: &Config, catalog: &Catalog, json: bool) -> Result<ExitCode> {
    let p = collect(config, catalog);
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &p)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let style = Style::detect();
    if let Some(h) = &p.hint {
        writeln!(out, "{h}")?;
        if let Some(d) = &p.diagnostic {
            writeln!(out, "{}", diagnostic_line(catalog, d, None))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    table(&mut out, &p, &style)?;
    recurring(&mut out, &p, &style)?;
    writeln!(out)?;
    weakest(&mut out, &p, &style)?;
    advice(&mut out, &p, config, catalog, &style)?;
    Ok(ExitCode::SUCCESS)
}

/// The per-round table with its sparklines.
fn table(out: &mut impl Write, p: &Progress, style: &Style) -> Result<()> {
    let head = format!(
        "Progress across {} session{} · {} practised · {} scored",
        p.sessions,
        if p.sessions == 1 { "" } else { "s" },
        hours(p.minutes),
        p.scored
    );
    writeln!(out, "{}\n", style.bold(&head))?;
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:<18} {:>8} {:>12} {:>6} {:>6} {:>6}  TREND",
            "ROUND", "SESSIONS", "TIME", "LATEST", "BEST", "RECENT"
        ))
    )?;
    let num = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
    for r in &p.rounds {
        let name = crate::text::ellipsize(&r.id, 18);
        let trend = if r.sessions == 0 {
            style.dim("never practised")
        } else if r.trend.is_empty() {
            style.dim("no scores yet")
        } else {
            let spark = sparkline(&r.trend);
            let dir = r.direction.map(|d| format!(" {d}")).unwrap_or_default();
            format!("{}{}", style.cyan(&spark), style.dim(&dir))
        };
        let line = format!(
            "{:<18} {:>8} {:>12} {:>6} {:>6} {:>6}  ",
            name,
            r.sessions,
            if r.sessions == 0 {
                "–".to_string()
            } else {
                hours(r.minutes)
            },
            num(r.latest),
            num(r.best),
            num(r.recent),
        );
        let line = if p.weakest_round.as_deref() == Some(r.id.as_str()) {
            style.bold(&line)
        } else {
            line
        };
        writeln!(out, "{line}{trend}")?;
    }
    Ok(())
}

/// The weak dimensions that keep coming back, a line each.
fn recurring(out: &mut impl Write, p: &Progress, style: &Style) -> Result<()> {
    let recurring: Vec<(&RoundProgress, &WeakDimension)> = p
        .rounds
        .iter()
        .flat_map(|r| r.weak_dimensions.iter().take(3).map(move |d| (r, d)))
        .collect();
    if !recurring.is_empty() {
        writeln!(out, "\n{}", style.bold("Weak spots that keep coming back"))?;
        for (r, d) in recurring {
            writeln!(out, "  {}: {}", r.id, d.line)?;
        }
    }
    Ok(())
}

/// The weakest round, and what it was named from.
fn weakest(out: &mut impl Write, p: &Progress, style: &Style) -> Result<()> {
    let name_of = |id: &str| {
        p.rounds
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    match (&p.weakest_round, p.weakest_basis) {
        (Some(w), Some(WeakestBasis::Scores)) => {
            let r = p.rounds.iter().find(|r| &r.id == w);
            let recent = r.and_then(|r| r.recent).unwrap_or(0.0);
            let n = r.map(|r| r.scored.min(RECENT)).unwrap_or(0);
            let label = if p.never_practised.is_empty() {
                "Weakest round:"
            } else {
                "Weakest round so far:"
            };
            writeln!(
                out,
                "{} {} ({w}): {recent:.2}, mean of the last {n} scored session{}",
                style.bold(label),
                style.bold(&name_of(w)),
                if n == 1 { "" } else { "s" }
            )?;
        }
        (Some(w), _) => writeln!(
            out,
            "{} {} ({w}), from your diagnostic: no scored sessions yet",
            style.bold("Weakest round:"),
            style.bold(&name_of(w))
        )?,
        (None, _) => writeln!(
            out,
            "No scored sessions yet, so no weakest round: `mockround score last` scores the latest session."
        )?,
    }
    Ok(())
}

/// The diagnostic, the practice trap, rounds never practised, what next.
fn advice(
    out: &mut impl Write,
    p: &Progress,
    config: &Config,
    catalog: &Catalog,
    style: &Style,
) -> Result<()> {
    if let Some(d) = &p.diagnostic {
        writeln!(out, "{}", diagnostic_line(catalog, d, Some(p)))?;
    } else {
        writeln!(
            out,
            "{}",
            style.dim("No diagnostic yet: `mockround diagnose` asks the article's six questions.")
        )?;
    }
    if let Some(t) = &p.trap {
        writeln!(out, "{}", style.yellow(&format!("! {}", t.message)))?;
    }
    if !p.never_practised.is_empty() {
        writeln!(
            out,
            "Never practised: {}. Run at least one mock of each before the interview (`mockround start {}`).",
            p.never_practised.join(", "),
            p.never_practised[0]
        )?;
    }
    if p.unreadable > 0 {
        writeln!(
            out,
            "{}",
            style.dim(&format!(
                "({} unreadable file(s) in {} skipped)",
                p.unreadable,
                config.paths.sessions_dir().display()
            ))
        )?;
    }
    if let Some(w) = &p.weakest_round {
        let level = p
            .rounds
            .iter()
            .find(|r| &r.id == w)
            .and_then(|r| r.level.clone())
            .map(|l| format!(" --level {l}"))
            .unwrap_or_default();
        writeln!(
            out,
            "Next: `mockround start {w}{level}` · `mockround plan --weeks 4` for a week-by-week plan"
        )?;
    }
    Ok(())
}

fn diagnostic_line(catalog: &Catalog, d: &Diagnosis, p: Option<&Progress>) -> String {
    let name = catalog
        .get(&d.start)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| d.start.clone());
    let date = crate::ui::local_time(d.at);
    let stuck = if d.stuck.is_empty() {
        "no question was a gap".to_string()
    } else {
        format!(
            "stuck on {}",
            d.stuck
                .iter()
                .map(|q| format!("Q{q}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let practised = |id: &str| {
        p.and_then(|p| p.rounds.iter().find(|r| r.id == id))
            .is_some_and(|r| r.scored > 0)
    };
    let agree = match p.and_then(|p| p.weakest_round.as_deref()) {
        Some(w) if w == d.start => " Your scores agree.".to_string(),
        Some(_) if !practised(&d.start) => format!(
            " No scored session of {} yet: `mockround start {}` checks the diagnostic against evidence.",
            d.start, d.start
        ),
        Some(w) => format!(
            " Your scores point at {w} instead: trust the evidence, and re-run `mockround diagnose` once that round improves."
        ),
        None => String::new(),
    };
    format!("Diagnostic ({date}): start with {name} ({stuck}).{agree}")
}
