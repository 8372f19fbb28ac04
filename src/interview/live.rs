//! A live interview: the loop that joins the session state machine, the
//! interviewer engine, the transcript on disk and the terminal.
//!
//! The candidate's answer is written to disk before anything else happens
//! with it (analysis, a model request), so nothing they typed is ever lost;
//! every interviewer turn is written before the next prompt is shown.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use jiff::Timestamp;

use crate::config::Config;
use crate::coverage;
use crate::interview::interviewer::{Context, EarlierQuestion, Interviewer, Reply};
use crate::interview::repl::commands::{self, Command};
use crate::interview::repl::editor;
use crate::interview::repl::input::{Input, LineSource};
use crate::interview::repl::render::Console;
use crate::interview::run_code;
use crate::rounds::Round;
use crate::session::{self, Next, Resume, Session, WrapReason};
use crate::text;
use crate::transcript::store::{self, SessionWriter};
use crate::transcript::{
    Backend, EndEvent, EndStatus, Event, Header, ResumeEvent, Role, RunEvent, Target, Transcript,
    Turn, TurnKind, FORMAT_VERSION,
};
use crate::ui::clock;

/// Answers longer than this are cut (and the person told): nobody types
/// this much, and a runaway paste should not fill the disk or the prompt.
pub const MAX_ANSWER_CHARS: usize = 200_000;

/// How a live session ended, for the caller to score and report.
pub struct Outcome {
    pub path: PathBuf,
    pub id: String,
    pub status: EndStatus,
    pub answers: u32,
}

pub struct Live<'a> {
    round: &'a Round,
    session: Session,
    writer: SessionWriter,
    engine: &'a mut dyn Interviewer,
    console: &'a mut Console,
    input: &'a mut dyn LineSource,
    clock_start: Instant,
    offset: Duration,
    exchange: Vec<(Role, String)>,
    earlier: Vec<EarlierQuestion>,
    last_interviewer: String,
    last_shown: Instant,
    questions: u32,
    answers: u32,
    id: String,
    quit: bool,
    /// Where a resumed session picks up, decided by the same restore that
    /// rebuilt `session` (deciding twice could disagree near the time limit).
    resume_step: Option<Resume>,
    /// The latest `/run` on the current question.
    run: Option<RunEvent>,
}

/// Key points covered per question, from the analyses a transcript
/// recorded (and the running tally of files written before them).
fn recorded_coverage(t: &Transcript) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let mut out: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (turn, analysis) in t.analysed_answers() {
        let Some(qid) = turn.question_id.clone() else {
            continue;
        };
        let hit = out.entry(qid).or_default();
        match (analysis, &turn.covered) {
            (Some(a), _) => hit.extend(a.covered.iter().cloned()),
            (None, Some(c)) => hit.extend(c.iter().cloned()),
            (None, None) => {}
        }
    }
    out
}

/// The note after Ctrl-C at the prompt: what was discarded and how to get
/// it back, then the ways out.
fn interrupted(discarded: usize) -> String {
    let what = match discarded {
        0 => "Ctrl-C discards what you are typing".to_string(),
        1 => "discarded the line you were typing; press Up to get it back".to_string(),
        n => format!("discarded the {n} lines you were typing; press Up to get them back"),
    };
    format!(
        "{what}. /quit leaves, /end finishes and scores, Ctrl-D saves and stops (resume later)."
    )
}

/// Build a new session id: sortable by time, unique enough to type a prefix.
pub fn new_id(seed: u64) -> String {
    let now = Timestamp::now();
    let stamp = now.strftime("%Y%m%d-%H%M%S").to_string();
    let mut r = crate::rng::Rng::new(seed ^ now.as_nanosecond() as u64);
    format!("{stamp}-{:04x}", r.next_u64() & 0xffff)
}

/// Question ids the user answered (or skipped) in recent sessions of this
/// round, most recent first, so a new session can prefer questions not seen
/// lately. A question asked and never answered was not really seen, and a
/// session quit before its first answer does not count at all.
pub fn recent_questions(sessions_dir: &Path, round: &str, max_sessions: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut found = 0;
    for path in store::session_files(sessions_dir)
        .into_iter()
        .take(max_sessions * 4)
    {
        let Ok(s) = store::summarize(&path) else {
            continue;
        };
        if s.round != round {
            continue;
        }
        let Ok(loaded) = store::load(&path) else {
            continue;
        };
        let seen: Vec<String> = loaded
            .transcript
            .turns()
            .filter(|t| t.role == Role::Candidate)
            .filter_map(|t| t.question_id.clone())
            .fold(Vec::new(), |mut v, id| {
                if !v.contains(&id) {
                    v.push(id);
                }
                v
            });
        if seen.is_empty() {
            continue;
        }
        // most recent first within the session too
        out.extend(seen.into_iter().rev());
        found += 1;
        if found >= max_sessions {
            break;
        }
    }
    out
}

pub struct NewSession<'a> {
    pub config: &'a Config,
    pub round: &'a Round,
    pub level: &'a str,
    pub minutes: Option<u32>,
    pub questions: Option<u32>,
    pub follow_ups: Option<u32>,
    pub seed: u64,
    /// The user gave the seed: the same seed gives the same interview, so
    /// history does not steer the choice of questions.
    pub seeded: bool,
    /// Questions to ask first (`start --question`).
    pub first: Vec<String>,
    pub backend: Backend,
}

impl<'a> Live<'a> {
    /// Create the session file and the state for a new interview. Fails
    /// before anything is asked if the data directory is not writable.
    pub fn create(
        opts: NewSession<'a>,
        engine: &'a mut dyn Interviewer,
        console: &'a mut Console,
        input: &'a mut dyn LineSource,
    ) -> Result<Live<'a>> {
        let dir = opts.config.paths.sessions_dir();
        store::ensure_writable(&dir)?;
        let recent = if opts.seeded {
            Vec::new()
        } else {
            recent_questions(&dir, &opts.round.id, 20)
        };
        let mut session = Session::new(
            opts.round,
            opts.level,
            opts.minutes,
            opts.questions,
            opts.follow_ups,
            opts.seed,
            &recent,
        );
        if !opts.first.is_empty() {
            session.ask_first(&opts.first, opts.questions.is_some());
        }
        let mut attempt = 0;
        let (writer, id) = loop {
            let id = new_id(opts.seed.wrapping_add(attempt));
            let header = Header {
                format: FORMAT_VERSION,
                id: id.clone(),
                round: opts.round.id.clone(),
                level: opts.level.to_string(),
                started_at: Timestamp::now(),
                backend: opts.backend.clone(),
                seed: Some(opts.seed),
                minutes: Some(session.plan.minutes),
                questions: Some(session.plan.questions),
                rubric_version: Some(opts.round.version),
                title: None,
            };
            let path = dir.join(format!("{id}.jsonl"));
            match SessionWriter::create(&path, &header) {
                Ok(w) => break (w, id),
                Err(_) if path.exists() && attempt < 5 => attempt += 1,
                Err(e) => return Err(e),
            }
        };
        Ok(Live {
            round: opts.round,
            session,
            writer,
            engine,
            console,
            input,
            clock_start: Instant::now(),
            offset: Duration::ZERO,
            exchange: Vec::new(),
            earlier: Vec::new(),
            last_interviewer: String::new(),
            last_shown: Instant::now(),
            questions: 0,
            answers: 0,
            id,
            quit: false,
            resume_step: None,
            run: None,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn path(&self) -> &Path {
        self.writer.path()
    }

    pub fn plan(&self) -> &crate::session::Plan {
        &self.session.plan
    }

    fn elapsed(&self) -> Duration {
        self.offset + self.clock_start.elapsed()
    }

    /// Run a new interview from its first question to the end.
    pub fn run(mut self) -> Result<Outcome> {
        let first = self.session.start(self.round, self.elapsed());
        self.drive(first)
    }

    /// Continue an interrupted session.
    pub fn resume(
        round: &'a Round,
        path: &Path,
        transcript: &Transcript,
        engine: &'a mut dyn Interviewer,
        console: &'a mut Console,
        input: &'a mut dyn LineSource,
        recent: &[String],
    ) -> Result<Live<'a>> {
        let mut writer = SessionWriter::open(path)?;
        let played = Duration::from_secs(transcript.duration_s());
        let last_at = transcript
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Turn(t) => Some(t.at),
                Event::Resume(r) => Some(r.at),
                _ => None,
            })
            .max()
            .unwrap_or(transcript.header.started_at);
        let break_s = (Timestamp::now().as_second() - last_at.as_second()).max(0) as u64;
        writer.append(&Event::Resume(ResumeEvent {
            at: Timestamp::now(),
            break_s,
        }))?;
        let (session, resume_step) = Session::restore(round, transcript, played, recent);
        let mut live = Live {
            round,
            session,
            writer,
            engine,
            console,
            input,
            clock_start: Instant::now(),
            offset: played,
            exchange: Vec::new(),
            earlier: Vec::new(),
            last_interviewer: String::new(),
            last_shown: Instant::now(),
            questions: transcript.question_ids().len() as u32,
            answers: transcript.candidate_turns().count() as u32,
            id: transcript.header.id.clone(),
            quit: false,
            resume_step: Some(resume_step),
            run: None,
        };
        // Rebuild what the engine may look at: the current question's
        // exchange verbatim, earlier questions compacted with what their
        // recorded analyses found; and the phrasing already used.
        let current = live.session.current.as_ref().map(|c| c.id.clone());
        let mut by_question: Vec<(String, Vec<(Role, String)>)> = Vec::new();
        for t in transcript.turns() {
            if t.role == Role::Interviewer {
                live.engine.remember(&t.text);
            }
            if t.kind == TurnKind::Question {
                by_question.push((t.question_id.clone().unwrap_or_default(), Vec::new()));
            }
            if matches!(t.kind, TurnKind::Hint | TurnKind::WrapUp) || t.skipped {
                continue;
            }
            if let Some((_, ex)) = by_question.last_mut() {
                ex.push((t.role, t.text.clone()));
            }
        }
        let covered = recorded_coverage(transcript);
        for (qid, ex) in by_question {
            if Some(&qid) == current.as_ref() {
                live.exchange = ex;
            } else if let Some(q) = round.question(&qid) {
                let answers: String = ex
                    .iter()
                    .filter(|(r, _)| *r == Role::Candidate)
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let hit = covered.get(&qid).cloned().unwrap_or_default();
                live.earlier.push(EarlierQuestion {
                    title: q.title.clone(),
                    covered: q
                        .key_points
                        .iter()
                        .filter(|k| hit.contains(&k.id))
                        .map(|k| k.id.clone())
                        .collect(),
                    missed: q
                        .key_points
                        .iter()
                        .filter(|k| !hit.contains(&k.id))
                        .map(|k| k.id.clone())
                        .collect(),
                    excerpt: text::ellipsize(&text::squash_ws(&answers), 240),
                });
            }
        }
        Ok(live)
    }

    /// Run a resumed session from where it stopped.
    pub fn run_resumed(mut self, transcript: &Transcript) -> Result<Outcome> {
        let resume = match self.resume_step.take() {
            Some(r) => r,
            None => Session::restore(self.round, transcript, self.elapsed(), &[]).1,
        };
        let left = self.session.time_left(self.elapsed());
        self.console.note(&format!(
            "resuming {} · question {} of {} · {} left",
            self.id,
            self.session.question_number().max(1),
            self.session.plan.questions,
            clock(left)
        ));
        match resume {
            Resume::Reask(text) => {
                self.console
                    .note("the interviewer's last message, which you had not answered yet:");
                self.show_again(&text);
                self.last_interviewer = text;
                self.last_shown = Instant::now();
                match self.read_answer()? {
                    Some(next) => self.drive(next),
                    None => self.finish_early(),
                }
            }
            Resume::Decide(next) => self.drive(next),
        }
    }

    fn show_again(&mut self, text: &str) {
        use crate::interview::interviewer::Sink;
        self.console.begin();
        self.console.token(text);
        self.console.end();
    }

    /// The main loop: say what `next` calls for, then read the answer.
    fn drive(mut self, mut next: Next) -> Result<Outcome> {
        loop {
            match next {
                Next::Question { question_id } => {
                    self.compact_current();
                    self.questions += 1;
                    let reply = {
                        let elapsed = self.elapsed();
                        let ctx = Live::context(
                            self.round,
                            &self.session,
                            &self.exchange,
                            &self.earlier,
                            elapsed,
                            &question_id,
                            self.run.as_ref(),
                        );
                        self.engine.question(&ctx, self.console)
                    };
                    self.exchange = vec![(Role::Interviewer, reply.text.clone())];
                    self.record_interviewer(TurnKind::Question, Some(&question_id), None, &reply)?;
                }
                Next::FollowUp(f) => {
                    let qid = self.current_id();
                    let reply = {
                        let elapsed = self.elapsed();
                        let ctx = Live::context(
                            self.round,
                            &self.session,
                            &self.exchange,
                            &self.earlier,
                            elapsed,
                            &qid,
                            self.run.as_ref(),
                        );
                        self.engine.follow_up(&ctx, &f, self.console)
                    };
                    self.session.record_follow_up(&f);
                    self.exchange.push((Role::Interviewer, reply.text.clone()));
                    self.record_interviewer(
                        TurnKind::FollowUp,
                        Some(&qid),
                        Some(f.target.recorded()),
                        &reply,
                    )?;
                }
                Next::WrapUp(reason) => {
                    return self.wrap_up(reason);
                }
            }
            match self.read_answer()? {
                Some(n) => next = n,
                None => return self.finish_early(),
            }
        }
    }

    fn current_id(&self) -> String {
        self.session
            .current
            .as_ref()
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    /// Built from separate fields so the engine and the console can be
    /// borrowed mutably while the context is alive.
    fn context<'b>(
        round: &'b Round,
        session: &'b Session,
        exchange: &'b [(Role, String)],
        earlier: &'b [EarlierQuestion],
        elapsed: Duration,
        question_id: &str,
        run: Option<&'b RunEvent>,
    ) -> Context<'b> {
        static NOTHING_ASKED: BTreeSet<Target> = BTreeSet::new();
        static NOTHING_COVERED: BTreeSet<String> = BTreeSet::new();
        let question = round.question(question_id).unwrap_or(&round.questions[0]);
        let (asked, covered) = match session.current.as_ref() {
            Some(c) if c.id == question_id => (&c.asked, &c.covered),
            _ => (&NOTHING_ASKED, &NOTHING_COVERED),
        };
        Context {
            round,
            question,
            level: &session.plan.level,
            number: session.question_number(),
            planned: session.plan.questions as usize,
            exchange,
            earlier,
            asked,
            covered,
            time_left: session.time_left(elapsed),
            previous: session.previous,
            run: run.filter(|r| r.question_id == question_id),
        }
    }

    /// Fold the finished question into a short summary for later prompts.
    fn compact_current(&mut self) {
        self.run = None;
        let Some(cur) = self.session.current.as_ref() else {
            return;
        };
        let Some(q) = self.round.question(&cur.id) else {
            return;
        };
        if self.exchange.is_empty() {
            return;
        }
        let answers: Vec<&str> = self
            .exchange
            .iter()
            .filter(|(r, _)| *r == Role::Candidate)
            .map(|(_, t)| t.as_str())
            .collect();
        self.earlier.push(EarlierQuestion {
            title: q.title.clone(),
            covered: q
                .key_points
                .iter()
                .filter(|k| cur.covered.contains(&k.id))
                .map(|k| k.id.clone())
                .collect(),
            missed: q
                .key_points
                .iter()
                .filter(|k| !cur.covered.contains(&k.id))
                .map(|k| k.id.clone())
                .collect(),
            excerpt: text::ellipsize(&text::squash_ws(&answers.join(" ")), 240),
        });
        self.exchange.clear();
    }

    fn record_interviewer(
        &mut self,
        kind: TurnKind,
        question_id: Option<&str>,
        target: Option<Target>,
        reply: &Reply,
    ) -> Result<()> {
        self.record_turn(kind, question_id, target, None, reply)
    }

    fn record_turn(
        &mut self,
        kind: TurnKind,
        question_id: Option<&str>,
        target: Option<Target>,
        hint_level: Option<u8>,
        reply: &Reply,
    ) -> Result<()> {
        let mut turn = Turn::new(Role::Interviewer, kind, question_id, &reply.text);
        turn.target = target;
        turn.hint_level = hint_level;
        turn.source = Some(reply.source);
        turn.model = reply.model.clone();
        turn.ttft_ms = reply.ttft_ms;
        turn.latency_ms = reply.latency_ms;
        turn.usage = reply.usage.clone();
        turn.cancelled = reply.cancelled;
        turn.note = reply.note.clone();
        self.writer.append(&Event::Turn(turn))?;
        self.last_interviewer = reply.text.clone();
        self.last_shown = Instant::now();
        Ok(())
    }

    /// Where the round stands, before the prompt. On a terminal it is a
    /// line of its own and the prompt is a short `› `: the line editor
    /// redraws only the prompt's line on a resize, and a long prompt made
    /// that line wrap and show twice.
    fn prompt(&mut self) -> String {
        let left = self.session.time_left(self.elapsed());
        let status = format!(
            "[{} · Q{}/{} · {} left]",
            self.round.id,
            self.session.question_number().max(1),
            self.session.plan.questions,
            clock(left)
        );
        if self.console.style.tty && self.input.interactive() {
            let shown = self.console.style.dim(&status);
            self.console.line(&shown);
            self.console.style.dim("› ")
        } else {
            self.console.style.dim(&format!("{status} › "))
        }
    }

    /// Read until the candidate answers (Some(next step)) or the session
    /// stops (None: Ctrl-D / end of input).
    fn read_answer(&mut self) -> Result<Option<Next>> {
        loop {
            let elapsed = self.elapsed();
            if self.session.take_warning(elapsed) {
                let left = clock(self.session.time_left(elapsed));
                self.console.warn(&format!(
                    "{left} left in this round: start wrapping up your answer."
                ));
            }
            let prompt = self.prompt();
            let input = self.input.read(&prompt);
            match input {
                Input::Answer(text) => return self.take_answer(text).map(Some),
                Input::Command(Command::Edit) => {
                    if !self.input.interactive() {
                        self.console.note("/edit needs a terminal; in a pipe, wrap a multi-line answer in \"\"\" lines");
                        continue;
                    }
                    let asked = self.under_discussion().join("\n\n");
                    match editor::edit_answer(&asked) {
                        Ok(Some(text)) => {
                            self.console.taken(&text);
                            return self.take_answer(text).map(Some);
                        }
                        Ok(None) => self
                            .console
                            .note("the editor came back empty; nothing was sent"),
                        Err(e) => self.console.warn(&format!("{e:#}")),
                    }
                }
                Input::Command(Command::Help) => {
                    let h = commands::help();
                    self.console.text(&h);
                }
                Input::Command(Command::Repeat) => {
                    for text in self.under_discussion() {
                        self.show_again(&text);
                    }
                }
                Input::Command(Command::Time) => {
                    let left = self.session.time_left(elapsed);
                    let msg = format!(
                        "question {} of {} · {} elapsed · {} left of {} min",
                        self.session.question_number().max(1),
                        self.session.plan.questions,
                        clock(elapsed),
                        clock(left),
                        self.session.plan.minutes
                    );
                    self.console.note(&msg);
                }
                Input::Command(Command::Hint) => self.give_hint()?,
                Input::Run(arg) => {
                    if let Some(next) = self.run_code(arg.as_deref())? {
                        return Ok(Some(next));
                    }
                }
                // classified as Input::Run; kept for a source that does not
                Input::Command(Command::Run) => {
                    if let Some(next) = self.run_code(None)? {
                        return Ok(Some(next));
                    }
                }
                Input::Command(Command::Skip) => {
                    let qid = self.current_id();
                    let mut turn = Turn::new(Role::Candidate, TurnKind::Answer, Some(&qid), "");
                    turn.skipped = true;
                    turn.think_s = Some(self.last_shown.elapsed().as_secs_f64());
                    self.writer.append(&Event::Turn(turn))?;
                    self.console.note("skipped");
                    return Ok(Some(self.session.skip(self.round, self.elapsed())));
                }
                Input::Command(Command::End) => {
                    return Ok(Some(Next::WrapUp(WrapReason::Requested)))
                }
                Input::Command(Command::Quit) => {
                    self.quit = true;
                    return Ok(None);
                }
                Input::BadCommand(msg) => self.console.warn(&msg),
                Input::Interrupted { discarded } => self.console.note(&interrupted(discarded)),
                Input::Eof => return Ok(None),
            }
        }
    }

    /// What `/repeat` shows: the question being discussed and its latest
    /// follow-up (hints are not part of the exchange, so a hint is never
    /// what comes back).
    fn under_discussion(&self) -> Vec<String> {
        let asked: Vec<&String> = self
            .exchange
            .iter()
            .filter(|(r, _)| *r == Role::Interviewer)
            .map(|(_, t)| t)
            .collect();
        match asked.as_slice() {
            [] => vec![self.last_interviewer.clone()],
            [question] => vec![question.to_string()],
            [question, .., latest] => vec![question.to_string(), latest.to_string()],
        }
    }

    /// `/run`: run the code, show and record the result (saved before the
    /// interviewer reacts, like an answer), and follow up on a failure.
    fn run_code(&mut self, arg: Option<&str>) -> Result<Option<Next>> {
        let qid = self.current_id();
        let answers: Vec<&str> = self
            .exchange
            .iter()
            .filter(|(r, _)| *r == Role::Candidate)
            .map(|(_, t)| t.as_str())
            .collect();
        let run = match run_code::run(&qid, &answers, arg) {
            Ok(run) => run,
            Err(msg) => {
                self.console.warn(&msg);
                return Ok(None);
            }
        };
        for line in run_code::lines(&run, &self.console.style) {
            self.console.line(&line);
        }
        self.console.line("");
        self.writer.append(&Event::Run(run.clone()))?;
        let next = self.session.after_run(&run).map(Next::FollowUp);
        self.run = Some(run);
        Ok(next)
    }

    fn give_hint(&mut self) -> Result<()> {
        let Some((kp, level)) = self.session.hint(self.round).map(|(k, l)| (k.clone(), l)) else {
            self.console.note("no more hints for this question");
            return Ok(());
        };
        let qid = self.current_id();
        let reply = {
            let elapsed = self.elapsed();
            let ctx = Live::context(
                self.round,
                &self.session,
                &self.exchange,
                &self.earlier,
                elapsed,
                &qid,
                self.run.as_ref(),
            );
            self.engine.hint(&ctx, &kp, level, self.console)
        };
        self.record_turn(
            TurnKind::Hint,
            Some(&qid),
            Some(Target::KeyPoint(kp.id.clone())),
            Some(level),
            &reply,
        )
    }

    /// Save the answer first, then analyse it (once), record the
    /// analysis, and decide what comes next.
    fn take_answer(&mut self, mut text: String) -> Result<Next> {
        if text.chars().count() > MAX_ANSWER_CHARS {
            let cut: String = text.chars().take(MAX_ANSWER_CHARS).collect();
            text = cut;
            self.console.warn(&format!(
                "that answer was over {MAX_ANSWER_CHARS} characters; the first {MAX_ANSWER_CHARS} were kept"
            ));
        }
        let qid = self.current_id();
        let think = self.last_shown.elapsed().as_secs_f64();
        let mut turn = Turn::new(Role::Candidate, TurnKind::Answer, Some(&qid), &text);
        turn.think_s = Some((think * 10.0).round() / 10.0);
        self.writer.append(&Event::Turn(turn))?;
        self.answers += 1;
        self.console.echo_answer(&text);
        if text.chars().count() > 4000 && self.console.style.tty {
            self.console.note(&format!(
                "saved a long answer ({} characters)",
                text.chars().count()
            ));
        }
        let analysis = self
            .round
            .question(&qid)
            .map(|q| coverage::analyse(q, &text))
            .unwrap_or_default();
        self.writer
            .append(&Event::Analysis(session::record(Some(&qid), &analysis)))?;
        self.exchange.push((Role::Candidate, text));
        Ok(self
            .session
            .after_answer(self.round, &analysis, self.elapsed()))
    }

    fn wrap_up(mut self, reason: WrapReason) -> Result<Outcome> {
        self.compact_current();
        let reply = self.engine.wrap_up(reason, self.console);
        self.record_interviewer(TurnKind::WrapUp, None, None, &reply)?;
        self.write_end(EndStatus::Completed)?;
        Ok(self.outcome(EndStatus::Completed))
    }

    /// /quit, or Ctrl-D / end of input before the natural end (which keeps
    /// the session resumable).
    fn finish_early(mut self) -> Result<Outcome> {
        let status = if self.quit {
            EndStatus::Quit
        } else {
            EndStatus::Interrupted
        };
        self.write_end(status)?;
        Ok(self.outcome(status))
    }

    fn write_end(&mut self, status: EndStatus) -> Result<()> {
        let end = EndEvent {
            at: Timestamp::now(),
            status,
            questions: self.questions,
            answers: self.answers,
            duration_s: self.elapsed().as_secs(),
        };
        self.writer
            .append(&Event::End(end))
            .context("cannot save the end of the session")
    }

    fn outcome(&self, status: EndStatus) -> Outcome {
        Outcome {
            path: self.writer.path().to_path_buf(),
            id: self.id.clone(),
            status,
            answers: self.answers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, id: &str, asked: &str, answered: bool) {
        let header = Header {
            format: FORMAT_VERSION,
            id: id.into(),
            round: "coding".into(),
            level: "mid".into(),
            started_at: Timestamp::now(),
            backend: Backend::offline(),
            seed: None,
            minutes: None,
            questions: None,
            rubric_version: None,
            title: None,
        };
        let mut w = SessionWriter::create(&dir.join(format!("{id}.jsonl")), &header).unwrap();
        let q = Turn::new(Role::Interviewer, TurnKind::Question, Some(asked), "Q?");
        w.append(&Event::Turn(q)).unwrap();
        if answered {
            let a = Turn::new(Role::Candidate, TurnKind::Answer, Some(asked), "An answer.");
            w.append(&Event::Turn(a)).unwrap();
        }
    }

    #[test]
    fn a_question_never_answered_was_not_seen() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "20260101-000000-aaaa", "code-lru-cache", true);
        write(dir.path(), "20260102-000000-bbbb", "code-kmeans", false);
        assert_eq!(
            recent_questions(dir.path(), "coding", 20),
            vec!["code-lru-cache".to_string()]
        );
    }
}
