//! `mockround replay`: a saved session (or a plain-text transcript) played
//! back in order, with the real pauses between turns, so the candidate can
//! watch where they hesitated, rambled or got rescued by a hint.
//!
//! Code runs show where they happened, after the answer whose code ran: the
//! headline and each case that did not pass. After each question it shows
//! what the interviewer was looking for (key points hit and missed, hints
//! used); at the end, the latest score, with every evidence quote marked
//! inside the answer where it was said. Pauses are scaled by `--speed` and
//! capped, because a two-minute silence is worth seeing as "2 min" but not
//! worth sitting through. When stdout is not a terminal the output is plain
//! text and, unless `--speed` or `--step` asks for pacing, printed at once:
//! nobody watches a pipe.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use super::Ctx;
use crate::cli::ReplayArgs;
use crate::review::{self, Review, ScoreSource};
use crate::transcript::{Role, Target, TurnKind};
use crate::ui::Style;

/// The longest a single pause lasts, whatever the speed.
pub const MAX_PAUSE: Duration = Duration::from_secs(3);

/// How the replay advances between turns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    Instant,
    /// Wait for Enter before each turn.
    Step,
    /// Sleep for the real pause divided by this factor (capped).
    Real(f64),
}

impl Pace {
    pub fn from_args(args: &ReplayArgs, stdout_tty: bool) -> Result<Pace> {
        if let Some(x) = args.speed {
            if !x.is_finite() || x <= 0.0 || x > 10_000.0 {
                anyhow::bail!(
                    "--speed must be a number above 0 (e.g. 2 for twice as fast, 0.5 for half speed); got {x}"
                );
            }
            return Ok(Pace::Real(x));
        }
        Ok(if args.instant {
            Pace::Instant
        } else if args.step {
            Pace::Step
        } else if stdout_tty {
            Pace::Real(1.0)
        } else {
            Pace::Instant
        })
    }

    /// How long to wait before a turn that came `pause_s` after the last one.
    pub fn delay(self, pause_s: Option<f64>) -> Duration {
        match (self, pause_s) {
            (Pace::Real(speed), Some(p)) if p > 0.0 => {
                Duration::from_secs_f64((p / speed).min(MAX_PAUSE.as_secs_f64()))
            }
            _ => Duration::ZERO,
        }
    }
}

pub fn run(ctx: &Ctx, args: ReplayArgs) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    let style = Style::detect();
    let pace = Pace::from_args(&args, style.tty)?;
    let review = review::load(config, catalog, &args.input, args.round.as_deref())?;
    review.warn_problems("; replaying the rest");
    let mut player = Player {
        out: io::stdout().lock(),
        style,
        pace,
        stdin_done: false,
    };
    match player.play(&review) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `mockround replay x | head` closing the pipe early is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

struct Player<W: Write> {
    out: W,
    style: Style,
    pace: Pace,
    /// In step mode, stdin ended: play the rest without waiting.
    stdin_done: bool,
}

/// Marks a quoted stretch of an answer: underlined on a terminal, `[[…]]`
/// in plain text (no colour to carry it).
fn mark(style: &Style, text: &str, refs: &[usize]) -> String {
    let tags = refs
        .iter()
        .map(|r| format!("E{r}"))
        .collect::<Vec<_>>()
        .join(",");
    if style.color {
        format!("\x1b[4;36m{text}\x1b[0m{}", style.dim(&format!("[{tags}]")))
    } else {
        format!("[[{text}]]({tags})")
    }
}

impl<W: Write> Player<W> {
    fn play(&mut self, r: &Review) -> io::Result<()> {
        self.header(r)?;
        for b in &r.questions {
            let title = match (&b.title, &b.question_id) {
                (Some(t), Some(id)) => format!("{t} ({id})"),
                _ => "(not a question from the round's bank)".to_string(),
            };
            let line = format!("== Question {} · {title}", b.number);
            writeln!(self.out, "{}\n", self.style.bold(&line))?;
            for &i in &b.turns {
                if !self.turn(r, i)? {
                    return self.out.flush();
                }
                self.runs(&r.turns[i])?;
            }
            self.looking_for(b)?;
        }
        for &i in &r.closing {
            if !self.turn(r, i)? {
                return self.out.flush();
            }
            self.runs(&r.turns[i])?;
        }
        self.score(r)?;
        self.out.flush()
    }

    fn header(&mut self, r: &Review) -> io::Result<()> {
        let h = &r.transcript.header;
        let when = if r.timed() {
            crate::ui::local_time(h.started_at)
        } else {
            "imported transcript".into()
        };
        let mut parts = vec![
            format!("Replay of {}", h.id),
            r.round.name.clone(),
            h.level.clone(),
            when,
        ];
        if r.timed() {
            parts.push(review::human_duration(r.transcript.duration_s() as f64));
        }
        parts.push(r.status().to_string());
        writeln!(self.out, "{}", self.style.bold(&parts.join(" · ")))?;
        if let Some(t) = &h.title {
            writeln!(self.out, "{}", self.style.dim(t))?;
        }
        let pacing = match self.pace {
            Pace::Instant => None,
            Pace::Step => Some("Enter shows the next turn; q then Enter stops.".to_string()),
            Pace::Real(s) => Some(format!(
                "Real pauses{}, none longer than {} s; Ctrl-C stops.",
                if s == 1.0 {
                    String::new()
                } else {
                    format!(" at {s}x")
                },
                MAX_PAUSE.as_secs()
            )),
        };
        if let Some(p) = pacing {
            writeln!(self.out, "{}", self.style.dim(&p))?;
        }
        if !r.problems.is_empty() {
            let lines: Vec<String> = r.problems.iter().map(|p| p.line.to_string()).collect();
            let note = format!(
                "! broken line{} {} skipped; showing what could be read",
                if lines.len() == 1 { "" } else { "s" },
                lines.join(", ")
            );
            writeln!(self.out, "{}", self.style.yellow(&note))?;
        }
        writeln!(self.out)
    }

    /// Wait as the pace says. False when the person asked to stop.
    fn wait(&mut self, pause_s: Option<f64>, first: bool) -> io::Result<bool> {
        match self.pace {
            Pace::Step if !first && !self.stdin_done => {
                self.out.flush()?;
                // A prompt only for a person: a script's Enter is not echoed.
                if io::stdin().is_terminal() {
                    eprint!("{}", self.style.dim("  ⏎ "));
                }
                let mut line = String::new();
                match io::stdin().lock().read_line(&mut line) {
                    Ok(0) | Err(_) => self.stdin_done = true,
                    Ok(_) if line.trim().eq_ignore_ascii_case("q") => return Ok(false),
                    Ok(_) => {}
                }
                Ok(true)
            }
            _ => {
                let d = self.pace.delay(pause_s);
                if !d.is_zero() {
                    self.out.flush()?;
                    std::thread::sleep(d);
                }
                Ok(true)
            }
        }
    }

    /// Show one turn. False when the person stopped the replay.
    fn turn(&mut self, r: &Review, i: usize) -> io::Result<bool> {
        let rt = &r.turns[i];
        if !self.wait(rt.pause_s, i == 0)? {
            writeln!(self.out, "{}", self.style.dim("(stopped)"))?;
            return Ok(false);
        }
        if let Some(b) = rt.resumed_after_s {
            let note = format!(
                "-- session resumed here after a {} break --",
                review::human_duration(b as f64)
            );
            writeln!(self.out, "{}\n", self.style.dim(&note))?;
        }
        let t = &rt.turn;
        let what = match (t.role, t.kind) {
            (Role::Interviewer, TurnKind::Question) => String::new(),
            (Role::Interviewer, TurnKind::FollowUp) => match &t.target {
                Some(Target::KeyPoint(k)) => format!(" (follow-up on {k})"),
                Some(Target::Pressure(_)) => " (follow-up: pressure)".into(),
                Some(Target::Nudge) => " (follow-up: nudge)".into(),
                Some(Target::Redirect) => " (follow-up: redirect)".into(),
                Some(Target::Claim(k)) => format!(" (follow-up: pressure on a {} claim)", k.name()),
                Some(Target::Misconception(m)) => format!(" (follow-up: misconception {m})"),
                Some(Target::Pasted) => " (follow-up: pasted text)".into(),
                Some(Target::Run(c)) => format!(" (follow-up on the run: {c})"),
                None => " (follow-up)".into(),
            },
            (Role::Interviewer, TurnKind::Hint) => match t.target.clone() {
                Some(k) => format!(" (hint on {})", String::from(k)),
                None => " (hint)".into(),
            },
            (Role::Interviewer, TurnKind::WrapUp) => " (wrap-up)".into(),
            (Role::Interviewer, TurnKind::Answer) => String::new(),
            (Role::Candidate, _) => {
                if t.skipped {
                    " (skipped the question)".into()
                } else {
                    match t.think_s.or(rt.pause_s) {
                        Some(s) if s >= 1.0 => format!(" (after {})", review::human_duration(s)),
                        _ => String::new(),
                    }
                }
            }
        };
        let stamp = rt
            .offset_s
            .map(|o| format!("[{}] ", review::clock(o)))
            .unwrap_or_default();
        let label = match t.role {
            Role::Interviewer => "Interviewer",
            Role::Candidate => "Candidate",
        };
        let head = format!("{label}{what}:");
        let head = match (t.role, self.style.color) {
            (Role::Interviewer, true) => self.style.bold(&self.style.cyan(&head)),
            (Role::Candidate, true) => self.style.bold(&self.style.green(&head)),
            _ => head,
        };
        let body = if t.skipped {
            String::new()
        } else if rt.spans.is_empty() {
            t.text.clone()
        } else {
            review::segments(&t.text, &rt.spans)
                .into_iter()
                .map(|(piece, refs)| {
                    if refs.is_empty() {
                        piece.to_string()
                    } else {
                        mark(&self.style, piece, refs)
                    }
                })
                .collect()
        };
        writeln!(
            self.out,
            "{}{head} {}\n",
            self.style.dim(&stamp),
            body.trim_end()
        )?;
        self.out.flush()?;
        Ok(true)
    }

    /// The code runs after a turn: the headline, and each case that did not pass.
    fn runs(&mut self, rt: &review::ReviewTurn) -> io::Result<()> {
        for rr in &rt.runs {
            let stamp = rr
                .offset_s
                .map(|o| format!("[{}] ", review::clock(o)))
                .unwrap_or_default();
            let block = rr
                .run
                .block
                .map(|n| format!(" of block {n}"))
                .unwrap_or_default();
            let head = format!(
                "-- Code run{block} ({}): {}",
                rr.run.question_id,
                rr.run.headline()
            );
            writeln!(
                self.out,
                "{}{}",
                self.style.dim(&stamp),
                self.style.bold(&head)
            )?;
            for line in crate::interview::run_code::case_lines(&rr.run, &self.style, false) {
                writeln!(self.out, "   {line}")?;
            }
            writeln!(self.out)?;
        }
        Ok(())
    }

    fn looking_for(&mut self, b: &review::QuestionBlock) -> io::Result<()> {
        if b.key_points.is_empty() {
            let why = if b.question_id.is_some() {
                "this question is no longer in the round's bank"
            } else {
                "it is not a question from the round's bank"
            };
            let line = format!("-- Key points unknown: {why}.");
            writeln!(self.out, "{}\n", self.style.dim(&line))?;
            return Ok(());
        }
        let hit = b.key_points.iter().filter(|k| k.hit).count();
        let hints = match b.hints {
            0 => "no hints".to_string(),
            1 => "1 hint".to_string(),
            n => format!("{n} hints"),
        };
        let line = format!(
            "-- What the interviewer was looking for: {hit} of {} key points hit, {hints}",
            b.key_points.len()
        );
        writeln!(self.out, "{}", self.style.bold(&line))?;
        for k in &b.key_points {
            let mut notes = Vec::new();
            if k.hinted {
                notes.push("hinted");
            }
            if k.probed && !k.hit {
                notes.push("probed, still missed");
            } else if k.probed {
                notes.push("after a follow-up");
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            if k.hit {
                let mark = self.style.green("[x]");
                writeln!(self.out, "   {mark} {}{notes}", k.id)?;
            } else {
                let mark = self.style.red("[ ]");
                writeln!(self.out, "   {mark} {}{notes}: {}", k.id, k.point)?;
            }
        }
        writeln!(self.out)
    }

    fn score(&mut self, r: &Review) -> io::Result<()> {
        let source = match &r.score_source {
            ScoreSource::Saved(at) => format!("saved {}", crate::ui::local_time(*at)),
            ScoreSource::Computed => "scored now: nothing saved with the transcript".to_string(),
        };
        let line = format!("== Score ({source})");
        writeln!(self.out, "{}\n", self.style.bold(&line))?;
        let rendered =
            crate::review::scorecard::render(r.round, &r.score, r.self_score.as_ref(), &self.style);
        write!(self.out, "{rendered}")?;
        if r.evidence.is_empty() {
            return Ok(());
        }
        writeln!(
            self.out,
            "\n{}",
            self.style.bold("Where the evidence was said")
        )?;
        for e in &r.evidence {
            let score = e
                .score
                .map(|s| format!("{s}/4"))
                .unwrap_or_else(|| "n/a".into());
            let at = match (e.turn, e.question) {
                (Some(t), Some(q)) => match r.turns[t].offset_s {
                    Some(o) => format!("question {q}, answer at {}", review::clock(o)),
                    None => format!("question {q}"),
                },
                _ => "not found in the answers as replayed".to_string(),
            };
            writeln!(
                self.out,
                "  E{} {} ({score}): \u{201C}{}\u{201D} ({at})",
                e.number, e.dimension_name, e.quote
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_scale_and_are_capped() {
        assert_eq!(Pace::Real(2.0).delay(Some(1.0)), Duration::from_millis(500));
        assert_eq!(Pace::Real(1.0).delay(Some(600.0)), MAX_PAUSE);
        assert_eq!(Pace::Instant.delay(Some(5.0)), Duration::ZERO);
        assert_eq!(Pace::Real(1.0).delay(None), Duration::ZERO);
    }
}
