//! `/run` in a session: the candidate's latest fenced block (`/run 2`: the
//! second block of their answers to this question) against the current
//! question's suite, in the same sandbox as `mockround run`. Only code the
//! transcript holds is run, so every run event points at an answer. The
//! result is shown compactly (a line per case that did not pass, the
//! passing ones on one line) and becomes a `run` event; the session then
//! asks about the failure that tells most. Anything that stops a run (no
//! suite, no block, no python3) is one line, and the session carries on.
//!
//! The case and footer lines are shared with `mockround run` and `replay`.

use crate::runner::{self, Pick, Runner, RunnerError, Status, Suite, Verdict};
use crate::transcript::RunEvent;
use crate::ui::Style;

/// Failing cases shown one per line before "and N more".
const SHOWN_FAILURES: usize = 4;
/// Lines of the code's own output shown under the results.
const OUTPUT_LINES: usize = 12;

/// Run the block `arg` names (none: the latest) of `answers`, the
/// candidate's answers to `question_id`, in order, against its suite.
/// `Err` is the one line to show.
pub fn run(question_id: &str, answers: &[&str], arg: Option<&str>) -> Result<RunEvent, String> {
    let pick = match arg.map(str::trim) {
        None | Some("") => Pick::Latest,
        Some(a) => match a.parse::<usize>() {
            Ok(n) if n > 0 => Pick::Number(n),
            _ => return Err(format!(
                "/run takes a block number (/run 2), not \"{a}\"; to run a file, paste it as an answer, or use `mockround run FILE --question {question_id}`"
            )),
        },
    };
    let config_dir = crate::config::Paths::from_env().ok().map(|p| p.config_dir);
    let suite = Suite::load(config_dir.as_deref(), question_id)
        .map_err(|e| format!("{e:#}"))?
        .ok_or_else(|| {
            "this question asks for no code, so it has no tests for /run to run".to_string()
        })?;
    let code = code(answers, pick)?;
    let runner = Runner::new().map_err(explain)?;
    let outcome = runner.run(&suite, &code).map_err(explain)?;
    let mut event = RunEvent::from_outcome(&outcome);
    if let Pick::Number(n) = pick {
        event.block = Some(n);
    }
    Ok(event)
}

fn explain(e: RunnerError) -> String {
    match e {
        RunnerError::PythonMissing => "python3 is not installed, so /run cannot run code: install it (`sudo apt install python3`, `brew install python`, or python.org) or name one with MOCKROUND_PYTHON; the rest of the session works without it".to_string(),
        e => crate::ui::one_line(&anyhow::Error::from(e)),
    }
}

/// The block to run, counted over all the answers to this question.
fn code(answers: &[&str], pick: Pick) -> Result<String, String> {
    let blocks: Vec<runner::Block> = answers.iter().flat_map(|a| runner::blocks(a)).collect();
    runner::choose(&blocks, pick).map_err(|e| match e {
        runner::ExtractError::NoBlock => "none of your answers to this question has a fenced code block: answer with the code between ``` lines, then /run".to_string(),
        e => format!("{e} (counting the blocks of all your answers to this question)"),
    })
}

/// The result as the candidate sees it: the headline, each case that did
/// not pass with its message (the first one is the one to read), the
/// passing cases on one line, and anything odd the sandbox noticed.
pub fn lines(run: &RunEvent, style: &Style) -> Vec<String> {
    let mut out = vec![style.bold(&format!("Run · {}", run.headline()))];
    let failing = case_lines(run, style, false);
    out.extend(
        failing
            .iter()
            .take(SHOWN_FAILURES)
            .map(|l| format!("  {l}")),
    );
    if failing.len() > SHOWN_FAILURES {
        out.push(format!(
            "  … and {} more that did not pass",
            failing.len() - SHOWN_FAILURES
        ));
    }
    let passed: Vec<&str> = run
        .cases
        .iter()
        .filter(|c| c.status == Status::Passed)
        .map(|c| c.name.as_str())
        .collect();
    if !passed.is_empty() && passed.len() < run.cases.len() {
        out.push(style.dim(&format!("  passed: {}", passed.join(", "))));
    }
    out.extend(
        footer_lines(run)
            .iter()
            .filter(|l| !l.starts_with("Sandbox: "))
            .map(|l| style.dim(l)),
    );
    out
}

/// One line per case (`every`), or per case that did not pass; none when
/// the code did not load, since the headline says why.
pub fn case_lines(run: &RunEvent, style: &Style, every: bool) -> Vec<String> {
    if run.verdict() == Verdict::DidNotLoad {
        return Vec::new();
    }
    run.cases
        .iter()
        .filter(|c| every || !matches!(c.status, Status::Passed | Status::Skipped))
        .map(|c| {
            let label = format!("{:<7}", c.status.label());
            let label = match c.status {
                Status::Passed => style.green(&label),
                Status::Failed | Status::Errored => style.red(&label),
                Status::Skipped => style.yellow(&label),
                Status::NotRun => style.dim(&label),
            };
            match &c.message {
                Some(m) => format!("{label} {}: {m}", c.name),
                None => format!("{label} {}", c.name),
            }
        })
        .collect()
}

/// The sandbox level, anything odd the runner noticed, and what the code printed.
pub fn footer_lines(run: &RunEvent) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(s) = &run.sandbox {
        let mut line = format!("Sandbox: {}", s.describe());
        if let Some(why) = &s.fallback {
            line.push_str(&format!(" ({why})"));
        }
        lines.push(line);
    }
    lines.extend(run.notes.iter().map(|n| format!("Note: {n}")));
    for (name, output) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if output.is_empty() {
            continue;
        }
        let all: Vec<&str> = output.text.lines().collect();
        let shown = &all[..all.len().min(OUTPUT_LINES)];
        let cut = if output.truncated() || shown.len() < all.len() {
            ", the start shown"
        } else {
            ""
        };
        lines.push(format!(
            "The code printed {} bytes on {name}{cut}:",
            output.bytes
        ));
        lines.extend(shown.iter().map(|l| format!("  | {l}")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_counted_over_all_answers() {
        let answers = ["```python\nx = 1\n```", "text\n```\ny = 2\n```"];
        assert_eq!(code(&answers, Pick::Latest).unwrap().trim(), "y = 2");
        assert_eq!(code(&answers, Pick::Number(1)).unwrap().trim(), "x = 1");
        assert!(code(&answers, Pick::Number(3))
            .unwrap_err()
            .contains("all your answers"));
        assert!(code(&["no code here"], Pick::Latest)
            .unwrap_err()
            .contains("```"));
    }

    #[test]
    fn what_follows_run_must_be_a_block_number() {
        let err = run("code-lru-cache", &[], Some("attempt.py")).unwrap_err();
        assert!(err.contains("block number"), "{err}");
        assert!(run("code-lru-cache", &[], Some("0")).is_err());
    }
}
