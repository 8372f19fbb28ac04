//! The human-readable score: one block per dimension with the weak and strong
//! descriptors, the score, why, and the candidate's own words as evidence;
//! then the checklist, what to practise next, and any flags.

use std::fmt::Write as _;

use crate::rounds::Round;
use crate::scoring::{Flag, ScoreReport};
use crate::transcript::SelfScoreEvent;
use crate::ui::Style;

/// What a flag means, in one line for a person.
pub fn explain_flag(flag: Flag) -> &'static str {
    match flag {
        Flag::InjectionAttempt => "text in the answers addressed the scorer instead of the interviewer; it earned nothing and capped the score",
        Flag::FakeScore => "the answers contain a score block or score JSON; it was ignored and capped the score",
        Flag::FakeTurn => "the answers contain lines pretending to be another speaker; they were ignored and capped the score",
        Flag::HiddenCharacters => "the answers contain invisible characters; they were removed before scoring",
        Flag::RubricParrot => "several sentences recite the rubric's own wording; they earned nothing",
        Flag::Fallback => "the model judge failed, so the offline scorer produced this score",
    }
}

fn bar(score: Option<u8>) -> String {
    match score {
        Some(s) => {
            let s = s.min(4) as usize;
            format!("{}{}", "█".repeat(s), "░".repeat(4 - s))
        }
        None => "····".into(),
    }
}

/// The most of an evidence quote the score screen shows; a quote that
/// stops short of its sentence's end is shown with an ellipsis.
const QUOTE_SHOWN: usize = 300;

pub fn render(
    round: &Round,
    report: &ScoreReport,
    self_score: Option<&SelfScoreEvent>,
    style: &Style,
) -> String {
    let mut out = String::new();
    let title = format!("Score · {} · {}", round.name, report.scorer);
    let _ = writeln!(out, "{}", style.bold(&title));
    let overall = report
        .overall
        .map(|o| format!("{o:.2} / 4"))
        .unwrap_or_else(|| "not enough evidence".into());
    let _ = writeln!(
        out,
        "Overall {} · {}\n",
        style.bold(&overall),
        report.verdict
    );
    for d in &report.dimensions {
        let Some(dim) = round.dimension(&d.id) else {
            continue;
        };
        let score = d
            .score
            .map(|s| format!("{s}/4"))
            .unwrap_or_else(|| "n/a".into());
        let colored = match d.score {
            Some(4) | Some(3) => style.green(&score),
            Some(2) => style.yellow(&score),
            Some(_) => style.red(&score),
            None => style.dim(&score),
        };
        let mine = self_score
            .and_then(|s| s.scores.iter().find(|x| x.id == d.id))
            .map(|x| {
                let gap = d.score.map(|j| x.score as i32 - j as i32);
                match gap {
                    Some(g) if g > 0 => {
                        format!("  (you said {}: {g} higher than the evidence)", x.score)
                    }
                    Some(g) if g < 0 => {
                        format!("  (you said {}: {} lower than the evidence)", x.score, -g)
                    }
                    Some(_) => format!("  (you said {}: calibrated)", x.score),
                    None => format!("  (you said {})", x.score),
                }
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{} {} {}{}",
            style.bold(&format!("{:<32}", dim.name)),
            bar(d.score),
            colored,
            mine
        );
        let _ = writeln!(out, "  {} {}", style.dim("weak:  "), dim.weak);
        let _ = writeln!(out, "  {} {}", style.dim("strong:"), dim.strong);
        let _ = writeln!(out, "  {} {}", style.dim("why:   "), d.rationale);
        for e in &d.evidence {
            let _ = writeln!(
                out,
                "  {} {}",
                style.dim("said:  "),
                style.cyan(&format!(
                    "\u{201C}{}\u{201D}",
                    crate::ui::excerpt(e, QUOTE_SHOWN)
                ))
            );
        }
        out.push('\n');
    }
    if !report.checklist.is_empty() {
        let _ = writeln!(out, "{}", style.bold("Before you move on"));
        for c in &report.checklist {
            let text = round
                .checklist
                .iter()
                .find(|x| x.id == c.id)
                .map(|x| x.text.as_str())
                .unwrap_or(&c.id);
            let mark = if c.covered {
                style.green("[x]")
            } else {
                "[ ]".to_string()
            };
            let _ = writeln!(out, "  {mark} {text}");
        }
        out.push('\n');
    }
    if !report.practice.is_empty() {
        let _ = writeln!(out, "{}", style.bold("Practise next"));
        for (i, p) in report.practice.iter().enumerate() {
            let _ = writeln!(out, "  {}. {p}", i + 1);
        }
        out.push('\n');
    }
    for f in &report.flags {
        let _ = writeln!(out, "{} {f}: {}", style.yellow("flag"), explain_flag(*f));
        for d in report
            .flag_details
            .iter()
            .filter(|d| d.flag == *f && !d.uncertain)
        {
            let _ = writeln!(out, "  raised by: \"{}\"", d.quote);
        }
    }
    for d in report.flag_details.iter().filter(|d| d.uncertain) {
        let _ = writeln!(
            out,
            "{} {} (not sure enough to change the score): \"{}\"",
            style.dim("noticed"),
            d.flag,
            d.quote
        );
    }
    for n in &report.notes {
        let _ = writeln!(out, "{} {n}", style.dim("note"));
    }
    out
}
