//! `mockround run FILE --question ID`: the candidate's code against the
//! question's test suite, outside a session, in the same sandbox `/run`
//! uses.
//!
//! FILE is a `.py` file (run as it is), a session `.jsonl` (the answers to
//! that question), or any other text: a markdown answer or a transcript.
//! From an answer the latest fenced Python block runs, or the one `--block`
//! names. Each case prints as pass/FAIL/ERROR/skip with its message, then
//! the summary and what the sandbox enforced; `--json` prints the whole
//! outcome. The exit code is for scripts: 0 when every case passed, 1 when
//! one failed, errored or did not run (or the code did not load), 2 when
//! the run could not happen or was incomplete (no python3, an unknown
//! question, a case skipped for a missing module).

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context as _, Result};

use super::Ctx;
use crate::cli::RunArgs;
use crate::interview::run_code::{case_lines, footer_lines};
use crate::runner::{self, Outcome, Pick, Runner, RunnerError, Suite, Verdict};
use crate::transcript::RunEvent;
use crate::ui::Style;

/// The exit code of a run that could not happen, or could not run every case.
const SETUP: u8 = 2;
/// The largest answer or session file read to find code in.
const MAX_ANSWER_BYTES: u64 = 32 << 20;

pub fn run(ctx: &Ctx, args: RunArgs) -> Result<ExitCode> {
    let (outcome, title) = match prepare_and_run(ctx, &args) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("mockround: {}", crate::ui::one_line(&e));
            return Ok(ExitCode::from(SETUP));
        }
    };
    let mut out = io::stdout().lock();
    let printed = if args.json {
        serde_json::to_writer_pretty(&mut out, &outcome)
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out))
    } else {
        let event = RunEvent::from_outcome(&outcome);
        let source = match args.block {
            Some(n) => format!("{}, block {n}", args.file.display()),
            None => args.file.display().to_string(),
        };
        print_outcome(
            &mut out,
            &Style::detect(),
            &event,
            &source,
            title.as_deref(),
        )
    };
    match printed {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    Ok(exit_code(&outcome))
}

/// Find the suite and the code, then run: any error here is a setup problem.
fn prepare_and_run(ctx: &Ctx, args: &RunArgs) -> Result<(Outcome, Option<String>)> {
    let config_dir = ctx.config.paths.config_dir.as_path();
    let id = args.question.as_str();
    let suite = Suite::load(Some(config_dir), id)?.ok_or_else(|| no_suite(ctx, id))?;
    let pick = args
        .block
        .map_or(Pick::Latest, |n| Pick::Number(n as usize));
    let code = code_of(&args.file, id, pick)?;
    let runner = Runner::new().map_err(explain)?;
    let outcome = runner.run(&suite, &code).map_err(explain)?;
    let title = ctx
        .catalog()
        .rounds
        .iter()
        .find_map(|r| r.question(id))
        .map(|q| q.title.clone());
    Ok((outcome, title))
}

fn no_suite(ctx: &Ctx, id: &str) -> anyhow::Error {
    let ids = Suite::available(Some(&ctx.config.paths.config_dir)).join(", ");
    match ctx.catalog().rounds.iter().find_map(|r| r.question(id)) {
        Some(q) => anyhow!(
            "question \"{id}\" ({}) asks for no code, so it has no test suite; the questions with one: {ids}",
            q.title
        ),
        None => anyhow!("no question \"{id}\" has a test suite; the questions with one: {ids}"),
    }
}

/// The runner's errors, with the missing interpreter explained for this command.
fn explain(e: RunnerError) -> anyhow::Error {
    match e {
        RunnerError::PythonMissing => anyhow!(
            "python3 is not installed, so code cannot be run: install it (`sudo apt install python3`, \
             `brew install python`, or python.org) or name one with MOCKROUND_PYTHON; \
             interview sessions work without it, offline too"
        ),
        e => e.into(),
    }
}

/// The code FILE holds: all of a `.py` file, else a fenced block of the answer.
fn code_of(path: &Path, question: &str, pick: Pick) -> Result<String> {
    let shown = path.display();
    let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
    let limit = if ext == "py" {
        runner::MAX_CODE_BYTES as u64
    } else {
        MAX_ANSWER_BYTES
    };
    let len = std::fs::metadata(path)
        .with_context(|| format!("cannot read {shown}"))?
        .len();
    if len > limit {
        bail!("{shown} is {len} bytes long; the runner reads at most {limit} from a file like it");
    }
    if ext == "jsonl" {
        return session_code(path, question, pick);
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {shown} as UTF-8 text"))?;
    match (ext, pick) {
        ("py", Pick::Latest) => Ok(text),
        ("py", Pick::Number(_)) => bail!(
            "--block picks a fenced block of an answer; {shown} is a Python file, which runs as it is"
        ),
        _ => runner::extract(&text, pick).with_context(|| shown.to_string()),
    }
}

/// The code of a saved session's answers to `question`: their blocks, in order.
fn session_code(path: &Path, question: &str, pick: Pick) -> Result<String> {
    let loaded = crate::transcript::store::load(path)?;
    let t = &loaded.transcript;
    let answers: Vec<&str> = t
        .candidate_turns()
        .filter(|a| a.question_id.as_deref() == Some(question))
        .map(|a| a.text.as_str())
        .collect();
    if answers.is_empty() {
        bail!(
            "{} has no answer to \"{question}\"; its questions: {}",
            path.display(),
            t.question_ids().join(", ")
        );
    }
    let blocks: Vec<runner::Block> = answers.iter().flat_map(|a| runner::blocks(a)).collect();
    runner::choose(&blocks, pick).with_context(|| {
        format!(
            "{}: the answers to \"{question}\" (their blocks are counted in order)",
            path.display()
        )
    })
}

/// 0: every case passed; 1: the code is wrong somewhere; 2: not every case could run.
fn exit_code(outcome: &Outcome) -> ExitCode {
    match outcome.verdict() {
        Verdict::Passed if outcome.counts().skipped == 0 => ExitCode::SUCCESS,
        Verdict::Failed | Verdict::DidNotLoad => ExitCode::from(1),
        Verdict::Passed | Verdict::Skipped => ExitCode::from(SETUP),
    }
}

fn print_outcome(
    out: &mut impl Write,
    style: &Style,
    run: &RunEvent,
    source: &str,
    title: Option<&str>,
) -> io::Result<()> {
    let head = match title {
        Some(t) => format!("{} · {t} · {source}", run.question_id),
        None => format!("{} · {source}", run.question_id),
    };
    writeln!(out, "{}", style.bold(&head))?;
    for line in case_lines(run, style, true) {
        writeln!(out, "  {line}")?;
    }
    let headline = run.headline();
    let headline = match run.verdict() {
        Verdict::Passed if run.counts.skipped == 0 => style.green(&headline),
        Verdict::Passed | Verdict::Skipped => style.yellow(&headline),
        Verdict::Failed | Verdict::DidNotLoad => style.red(&headline),
    };
    writeln!(out, "{}", style.bold(&headline))?;
    for line in footer_lines(run) {
        writeln!(out, "{}", style.dim(&line))?;
    }
    if let Some(question) = run.follow_up() {
        writeln!(out, "\nAn interviewer would ask: {question}")?;
    }
    Ok(())
}
