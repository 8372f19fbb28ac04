//! `mockround plan`: the week-by-week plan `review::plan` builds, printed
//! for a person or as JSON.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Result};
use jiff::civil::Date;
use jiff::ToSpan;

use super::Ctx;
use crate::cli::PlanArgs;
use crate::config::Config;
use crate::review::diagnose::phase_name;
use crate::review::plan::*;
use crate::review::progress::{self, WeakestBasis};
use crate::rounds::Catalog;
use crate::ui::Style;

pub fn run(ctx: &Ctx, args: PlanArgs) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    crate::ui::quiet_broken_pipe(show(config, catalog, args))
}

fn show(config: &Config, catalog: &Catalog, args: PlanArgs) -> Result<ExitCode> {
    let today = jiff::ZonedDateTime::now().date();
    let (days, given) = days_left(&args, today)?;
    let style = Style::detect();
    let mut out = std::io::stdout().lock();
    if days == 0 {
        writeln!(out, "The interview is today. No plan now: a 20-minute warm-up on your strongest round settles the nerves (`mockround start behavioral --minutes 20`), then rest.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let progress = progress::collect(config, catalog);
    let mut plan = build(catalog, &progress, today, days);
    if !given {
        plan.notes.insert(
            0,
            format!("No date given, so this assumes {} weeks: pass --weeks N or --interview-date YYYY-MM-DD.", DEFAULT_DAYS / 7),
        );
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &plan)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    print_plan(&mut out, &plan, &style)?;
    Ok(ExitCode::SUCCESS)
}

fn print_plan(out: &mut impl Write, plan: &Plan, style: &Style) -> Result<()> {
    let fmt_day = |d: Date| d.strftime("%a %-d %b").to_string();
    let head = format!(
        "Prep plan: {} day{} to the interview ({}) · {} week{} · {}",
        plan.days_left,
        if plan.days_left == 1 { "" } else { "s" },
        fmt_day(plan.interview_date),
        plan.weeks,
        if plan.weeks == 1 { "" } else { "s" },
        match plan.mode {
            Mode::Compressed => "under two weeks: compressed",
            Mode::Extended => "more than six weeks: warm-up, then six focused weeks",
            Mode::Standard => "round by round",
        }
    );
    writeln!(out, "{}", style.bold(&head))?;
    let basis = match plan.weakest_basis {
        WeakestBasis::Scores => "from your scores",
        WeakestBasis::Diagnostic => "from your diagnostic",
        WeakestBasis::Default => "no scores or diagnostic yet, so the article's usual bottleneck; `mockround diagnose` makes this yours",
    };
    writeln!(
        out,
        "Weakest round: {} ({basis}){}",
        style.bold(&plan.weakest_round),
        plan.level
            .as_deref()
            .map(|l| format!(" · level {l}"))
            .unwrap_or_default()
    )?;
    for n in &plan.notes {
        writeln!(out, "{}", style.dim(n))?;
    }
    writeln!(out)?;
    for w in &plan.schedule {
        let focus = if w.focus.is_empty() {
            String::new()
        } else {
            format!(
                " · focus: {}",
                w.focus
                    .iter()
                    .map(|f| phase_name(f).to_string())
                    .collect::<Vec<_>>()
                    .join(" + ")
            )
        };
        let title = format!(
            "Week {} · {} – {}{focus}",
            w.week,
            fmt_day(w.from),
            fmt_day(w.to)
        );
        writeln!(out, "{}", style.bold(&title))?;
        for s in &w.sessions {
            let why = match s.why {
                Why::WeeklyMinimum => "  (weekly minimum on your weakest round)",
                Why::MockPerRound => "  (at least one mock per round)",
                Why::DressRehearsal => "  (dress rehearsal)",
                Why::WarmUp => "  (keep warm)",
                Why::Focus => "",
            };
            writeln!(
                out,
                "  {}× {}{}",
                s.count,
                style.cyan(&s.command),
                style.dim(why)
            )?;
        }
        for t in &w.tasks {
            writeln!(out, "  {} {t}", style.dim("·"))?;
        }
        writeln!(out)?;
    }
    let split: Vec<String> = plan
        .share
        .iter()
        .map(|s| format!("{} {:.0} %", s.round, s.percent))
        .collect();
    writeln!(out, "Time split: {}", split.join(" · "))?;
    for s in &plan.skipped {
        writeln!(
            out,
            "{}",
            style.dim(&format!("Skipped: {}: {}.", s.round, s.why))
        )?;
    }
    Ok(())
}

/// Days until the interview, from the flags. Errors are one line that says
/// what to type.
pub fn days_left(args: &PlanArgs, today: Date) -> Result<(i64, bool)> {
    if let Some(w) = args.weeks {
        return Ok((w as i64 * 7, true));
    }
    let Some(raw) = args.interview_date.as_deref() else {
        return Ok((DEFAULT_DAYS, false));
    };
    let example = today
        .checked_add(21.days())
        .map(|d| d.to_string())
        .unwrap_or_else(|_| "2030-01-31".into());
    let date: Date = raw.trim().parse().map_err(|_| {
        anyhow::anyhow!(
            "invalid --interview-date \"{raw}\": expected a date as YYYY-MM-DD, e.g. {example}"
        )
    })?;
    let days = today.until(date).map(|s| s.get_days() as i64).unwrap_or(0);
    if date < today {
        bail!("the interview date {date} is in the past (today is {today}); give a future date as YYYY-MM-DD, or use --weeks N");
    }
    if days > 366 {
        bail!("the interview date {date} is more than a year away; plan nearer the time, or use --weeks N (up to 52)");
    }
    Ok((days, true))
}
