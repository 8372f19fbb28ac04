//! `mockround diagnose`: asks the six questions (at a terminal, or one
//! answer per line from a pipe), saves the routing and prints it.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Result};
use jiff::Timestamp;

use super::Ctx;
use crate::config::Config;
use crate::review::diagnose::*;
use crate::rounds::Catalog;
use crate::ui::Style;

/// Ask the six questions at a terminal, re-asking until each answer is valid.
fn ask_interactive(style: &Style) -> Result<[Answer; 6]> {
    println!(
        "{}",
        style.bold("Six questions to find your weakest round. Answer honestly: the point is the gap, not the confidence.")
    );
    println!(
        "{}\n",
        style.dim("yes = you could do it today under interview conditions · partly = some of it, or only with notes · no")
    );
    let stdin = io::stdin();
    let mut answers = Vec::new();
    for (i, (q, _)) in QUESTIONS.iter().enumerate() {
        println!("{} {q}", style.bold(&format!("{}.", i + 1)));
        loop {
            print!("   yes / partly / no: ");
            io::stdout().flush()?;
            let mut line = String::new();
            if stdin.lock().read_line(&mut line)? == 0 {
                bail!("the diagnostic was not finished, so nothing was saved; run `mockround diagnose` again");
            }
            match Answer::parse(&line) {
                Some(a) => {
                    answers.push(a);
                    break;
                }
                None => println!("   {}", style.dim("type yes, partly or no (or y, p, n)")),
            }
        }
    }
    println!();
    Ok(answers
        .try_into()
        .expect("the loop pushes exactly one answer per question"))
}

pub fn run(ctx: &Ctx, json: bool) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    crate::ui::quiet_broken_pipe(show(config, catalog, json))
}

fn show(config: &Config, catalog: &Catalog, json: bool) -> Result<ExitCode> {
    let style = Style::detect();
    let answers = if io::stdin().is_terminal() {
        ask_interactive(&style)?
    } else {
        read_piped(io::stdin().lock())?
    };
    let d = route(&answers, Timestamp::now());
    let path = config.paths.diagnostic_file();
    save(&path, &d)?;
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &d)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let name = |id: &str| {
        catalog
            .get(id)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    writeln!(out, "{}", style.bold("Your answers"))?;
    for a in &d.answers {
        let mark = match a.answer {
            Answer::Yes => style.green("yes   "),
            Answer::Partly => style.yellow("partly"),
            Answer::No => style.red("no    "),
        };
        let stuck = if d.stuck.contains(&a.question) {
            style.bold(" ← stuck")
        } else {
            String::new()
        };
        writeln!(
            out,
            "  Q{} {mark} {}{stuck}",
            a.question,
            crate::text::ellipsize(QUESTIONS[a.question as usize - 1].0, 78)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} {}",
        style.bold("Start with:"),
        style.bold(&name(&d.start))
    )?;
    writeln!(out, "{}", d.reason)?;
    let then: Vec<String> = d.order.iter().skip(1).map(|r| name(r)).collect();
    writeln!(out, "Then: {}.", then.join(", "))?;
    if d.stuck_rule == "partly" {
        writeln!(
            out,
            "{}",
            style.dim("No clear \"no\", so your \"partly\" answers count as the gaps.")
        )?;
    }
    writeln!(
        out,
        "\nNext: `mockround start {}` for a first mock, and `mockround plan --weeks 4` (or --interview-date YYYY-MM-DD) for a week-by-week plan.",
        d.start
    )?;
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            "Saved to {}; `mockround progress` shows it beside your scores.",
            path.display()
        ))
    )?;
    Ok(ExitCode::SUCCESS)
}
