//! The LLM interviewer: the session decides what to ask, the model phrases
//! it, code checks the phrasing, and the offline engine stands in whenever
//! the model fails or says something an interviewer must not.
//!
//! Questions from the bank and the wrap-up are never sent to the model: the
//! question text is asked verbatim, and neither needs a model's latency.
//! Probes, pressure follow-ups, challenges, nudges and the first two rungs
//! of a hint are phrased by the model; claims, redirects, pastes and the
//! last rung of a hint keep the offline wording (`prompt::Task`).
//!
//! Streaming choice: a reply is buffered until it passes the checks and is
//! then printed at once, with the spinner running meanwhile. Streaming
//! tokens straight to the terminal would show the candidate a reply that is
//! then rejected, and the failures that matter here (reciting the hidden
//! key points, talking about "the candidate") are visible in the first
//! words. The cost is the generation time after the first token: the
//! transcript keeps both `ttft_ms` and `latency_ms`, and the README reports
//! what that difference was on a real 1.5B model (follow-ups are short, so
//! it is a couple of seconds at ~13 tokens/s).

use std::time::{Duration, Instant};

use super::check::{self, Problem, Rules};
use super::prompt::{self, Task};
use super::scripted::Scripted;
use super::{Context, Interviewer, Reply, Sink, Source};
use crate::config::{InterviewerMode, LlmSettings};
use crate::llm::{interrupt, LlmClient, LlmError};
use crate::rounds::KeyPoint;
use crate::session::{FollowUp, WrapReason};
use crate::templates::Templates;
use crate::transcript::{Role, Usage};

const FOLLOW_UP_WORDS: usize = 60;
const HINT_WORDS: usize = 70;
/// Sampling temperature of the first try and of the regeneration (a little
/// hotter, so it does not make the same mistake).
const TEMPERATURES: [f32; 2] = [0.4, 0.7];

pub struct LlmInterviewer {
    client: LlmClient,
    settings: LlmSettings,
    rt: tokio::runtime::Runtime,
    templates: Templates,
    scripted: Scripted,
    mode: InterviewerMode,
    budget: u32,
    retries: u32,
    /// A configuration error (wrong key, unknown model) ends model use for
    /// the session: it will not fix itself between turns.
    disabled: Option<String>,
    cancellable: bool,
    /// Prefill a local server's cache while the candidate answers.
    warm: bool,
    warming: Option<std::thread::JoinHandle<()>>,
    /// The longest a turn waits for the model, retries included.
    turn_budget: Duration,
}

impl LlmInterviewer {
    pub fn new(
        settings: &LlmSettings,
        templates: Templates,
        seed: u64,
    ) -> Result<LlmInterviewer, LlmError> {
        let client = LlmClient::new(settings)?;
        let rt = crate::llm::runtime()?;
        Ok(LlmInterviewer {
            retries: client.max_retries(),
            warm: client.is_local(),
            rt,
            templates,
            scripted: Scripted::new(seed),
            mode: settings.interviewer_mode,
            budget: settings.context_budget,
            disabled: None,
            cancellable: interrupt::install(),
            client,
            settings: settings.clone(),
            warming: None,
            turn_budget: crate::config::DEFAULT_TURN_TIMEOUT,
        })
    }

    /// Bound every turn's wait for the model (config `turn_timeout_secs`).
    pub fn with_turn_budget(mut self, budget: Duration) -> LlmInterviewer {
        self.turn_budget = budget;
        self
    }

    /// Wait for a warm-up still in flight (it is prefilling this very
    /// prompt, and racing it would make the server do the work twice), but
    /// never past the turn's deadline: a hung server must not hang the turn.
    fn wait_for_warm_up(&mut self, deadline: Instant) {
        let Some(h) = self.warming.take() else {
            return;
        };
        while !h.is_finished() {
            if Instant::now() >= deadline {
                // left to end on its own timeout; its result is not needed
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = h.join();
    }

    /// Send the question's prompt prefix to a local server in the
    /// background, so it is cached before the first follow-up. Measured on
    /// llama.cpp with a 1.5B model on 2 cores: the persona, examples and
    /// question are ~1,400 tokens, about 18 s of prefill that the first
    /// follow-up no longer waits for. Failures are ignored: it is only a
    /// head start.
    fn warm_up(&mut self, ctx: &Context) {
        if !self.warm || self.disabled.is_some() {
            return;
        }
        let Ok(request) = prompt::warm_up(&self.templates, ctx) else {
            return;
        };
        // Its own client: a connection pool belongs to the runtime that
        // opened its connections, and the session's runtime sleeps while
        // the candidate types, so a shared pooled connection would hang.
        let mut settings = self.settings.clone();
        settings.model = self.client.model_name();
        settings.max_retries = 0;
        self.warming = std::thread::Builder::new()
            .name("mockround-warm-up".into())
            .spawn(move || {
                if let (Ok(client), Ok(rt)) = (LlmClient::new(&settings), crate::llm::runtime()) {
                    let _ = rt.block_on(client.warm(&request));
                }
            })
            .ok();
    }

    pub fn client(&self) -> &LlmClient {
        &self.client
    }

    /// Ask the server for its model when none is configured, so the
    /// transcript header can name it. Failures are left for the first turn
    /// to report.
    pub fn resolve_model(&self) -> Option<String> {
        if let Some(m) = self.client.model_name() {
            return Some(m);
        }
        self.rt
            .block_on(async {
                tokio::time::timeout(Duration::from_secs(5), self.client.model()).await
            })
            .ok()
            .and_then(Result::ok)
    }

    /// The checks a reply to this task must pass.
    fn rules<'a>(ctx: &'a Context, task: &'a Task, mode: InterviewerMode) -> Rules<'a> {
        let q = ctx.question;
        let mut allowed: Vec<&str> = vec![q.text.as_str(), task.ask.as_str()];
        let mut candidate: Vec<&str> = Vec::new();
        for (role, text) in ctx.exchange {
            match role {
                Role::Interviewer => allowed.push(text),
                Role::Candidate => candidate.push(text),
            }
        }
        if let Some(quote) = &task.quote {
            candidate.push(quote);
        }
        // what the code printed may be quoted, never obeyed
        if let Some(run) = &task.run {
            candidate.push(run);
        }
        if let Some(done) = &task.acknowledge {
            allowed.push(done);
        }
        Rules {
            hidden: q.key_points.iter().map(|k| k.point.as_str()).collect(),
            allowed,
            candidate,
            // in free mode the model picks what to ask
            target: (mode == InterviewerMode::Guided || task.kind.starts_with("hint"))
                .then_some(task.ask.as_str()),
            needs_question: task.kind != "hint-concept",
            max_words: if task.kind.starts_with("hint") {
                HINT_WORDS
            } else {
                FOLLOW_UP_WORDS
            },
        }
    }

    /// Phrase `task` with the model, or fall back to `fallback`. A turn
    /// waits at most `turn_budget` in all; a junk reply is tried once more;
    /// a failure costs this turn only, unless it is one that will not fix
    /// itself (`LlmError::ends_model_use`).
    fn speak(
        &mut self,
        ctx: &Context,
        task: Option<&Task>,
        fallback: String,
        sink: &mut dyn Sink,
    ) -> Reply {
        let started = Instant::now();
        let deadline = started + self.turn_budget;
        sink.begin();
        let Some(task) = task else {
            // the offline wording is the whole turn
            return finish(
                sink,
                fallback,
                Source::Offline,
                None,
                started,
                Spent::default(),
                false,
            );
        };
        // Armed from here: Ctrl-C while waiting for the warm-up cancels the
        // reply too (the permit is kept for the stream below).
        let armed = self.cancellable.then(interrupt::arm);
        self.wait_for_warm_up(deadline);
        if let Some(why) = &self.disabled {
            let note = format!("model not used: {why}");
            return finish(
                sink,
                fallback,
                Source::Fallback,
                Some(note),
                started,
                Spent::default(),
                false,
            );
        }
        self.draft_until_accepted(ctx, task, fallback, sink, started, deadline, armed.as_ref())
    }

    /// Drafts, checks and retries (cooler each time) until a reply passes
    /// the checks or can be trimmed to pass; else the offline wording.
    #[allow(clippy::too_many_arguments)]
    fn draft_until_accepted(
        &mut self,
        ctx: &Context,
        task: &Task,
        fallback: String,
        sink: &mut dyn Sink,
        started: Instant,
        deadline: Instant,
        armed: Option<&interrupt::Armed>,
    ) -> Reply {
        let rules = LlmInterviewer::rules(ctx, task, self.mode);
        let mut spent = Spent::default();
        let mut rejected: Vec<Problem> = Vec::new();
        let mut bad_replies = 0;
        while rejected.len() < TEMPERATURES.len() {
            let reason = rejected.last().map(|p| p.reason());
            let built =
                match prompt::build(&self.templates, ctx, task, self.mode, self.budget, reason) {
                    Ok(b) => b,
                    Err(msg) => {
                        sink.notice(&format!("{msg}; the offline interviewer asks this one"));
                        return finish(
                            sink,
                            fallback,
                            Source::Fallback,
                            Some(msg),
                            started,
                            spent,
                            false,
                        );
                    }
                };
            let mut request = built.request;
            request.temperature = Some(TEMPERATURES[rejected.len()]);
            let left = deadline.saturating_duration_since(Instant::now());
            let completion = match self.draft(&request, left, armed) {
                Err(_) => return self.too_slow(sink, fallback, started, spent),
                Ok(Err(e)) if e.is_bad_reply() && bad_replies == 0 => {
                    bad_replies += 1;
                    continue;
                }
                Ok(Err(e)) => return self.unavailable(e, sink, fallback, started, spent),
                Ok(Ok(c)) => c,
            };
            self.recovered();
            spent.add(&completion);
            let text = check::clean(&completion.text);
            if completion.cancelled {
                return cancelled(sink, text, fallback, &rules, started, spent);
            }
            if debug() {
                show_draft(&completion, &text, &rules);
            }
            match check::check(&text, &rules) {
                Ok(()) => return finish(sink, text, Source::Llm, None, started, spent, false),
                Err(problem) => {
                    if let Some(fixed) = check::repair(&text, &rules) {
                        let note = format!("trimmed: the reply {}", problem.reason());
                        return finish(sink, fixed, Source::Llm, Some(note), started, spent, false);
                    }
                    rejected.push(problem);
                }
            }
        }
        let reasons: Vec<&str> = rejected.iter().map(|p| p.reason()).collect();
        let note = format!(
            "model reply rejected twice (it {}); offline phrasing used",
            reasons.join("; then it ")
        );
        finish(
            sink,
            fallback,
            Source::Fallback,
            Some(note),
            started,
            spent,
            false,
        )
    }

    /// One request, within `left` of the turn's time (None: it ran out).
    fn draft(
        &self,
        request: &crate::llm::ChatRequest,
        left: Duration,
        armed: Option<&interrupt::Armed>,
    ) -> Result<Result<crate::llm::Completion, LlmError>, tokio::time::error::Elapsed> {
        let client = &self.client;
        self.rt.block_on(async {
            let cancel = async {
                match armed {
                    Some(a) => a.cancelled().await,
                    None => std::future::pending().await,
                }
            };
            tokio::time::timeout(left, client.stream_chat(request, &mut |_| {}, cancel)).await
        })
    }

    /// The turn's time ran out waiting for the model.
    fn too_slow(
        &mut self,
        sink: &mut dyn Sink,
        fallback: String,
        started: Instant,
        spent: Spent,
    ) -> Reply {
        let msg = format!(
            "the model did not answer within {} s (turn_timeout_secs)",
            self.turn_budget.as_secs()
        );
        sink.notice(&format!("{msg}; the offline interviewer asks this one"));
        // Until it answers again, do not make every turn wait through a
        // full backoff.
        self.client.set_max_retries(0);
        finish(
            sink,
            fallback,
            Source::Fallback,
            Some(msg),
            started,
            spent,
            false,
        )
    }

    /// The model could not answer: say so in one line, carry on offline.
    fn unavailable(
        &mut self,
        e: LlmError,
        sink: &mut dyn Sink,
        fallback: String,
        started: Instant,
        spent: Spent,
    ) -> Reply {
        let msg = e.to_string();
        if e.ends_model_use() {
            sink.notice(&format!(
                "{msg}; the offline interviewer takes over for this session"
            ));
            self.disabled = Some(msg.clone());
        } else {
            sink.notice(&format!("{msg}; the offline interviewer asks this one"));
            if e.is_unavailable() {
                // Until it answers again, do not make every turn wait
                // through a full backoff.
                self.client.set_max_retries(0);
            }
        }
        finish(
            sink,
            fallback,
            Source::Fallback,
            Some(msg),
            started,
            spent,
            false,
        )
    }

    fn recovered(&self) {
        if self.client.max_retries() != self.retries {
            self.client.set_max_retries(self.retries);
        }
    }
}

/// `MOCKROUND_DEBUG=1` shows every model draft and what the checks found
/// on stderr: how to see why a model's replies are being replaced.
fn debug() -> bool {
    std::env::var_os("MOCKROUND_DEBUG").is_some_and(|v| !v.is_empty() && v != "0")
}

/// A draft and the checks' verdict, on stderr (`MOCKROUND_DEBUG`).
fn show_draft(completion: &crate::llm::Completion, cleaned: &str, rules: &Rules) {
    eprintln!(
        "[mockround debug] draft ({} ms, {} tokens): {:?} -> {:?}",
        completion.latency.as_millis(),
        completion
            .usage
            .as_ref()
            .map(|u| u.completion_tokens)
            .unwrap_or(0),
        completion.text,
        check::problems(cleaned, rules)
    );
}

/// Model usage accumulated over the attempts of one turn.
#[derive(Default)]
struct Spent {
    model: Option<String>,
    ttft: Option<Duration>,
    usage: Option<Usage>,
}

impl Spent {
    fn add(&mut self, c: &crate::llm::Completion) {
        if self.model.is_none() && !c.model.is_empty() {
            self.model = Some(c.model.clone());
        }
        if self.ttft.is_none() {
            self.ttft = c.ttft;
        }
        if let Some(u) = &c.usage {
            let total = self.usage.get_or_insert_with(Usage::default);
            total.prompt_tokens += u.prompt_tokens;
            total.completion_tokens += u.completion_tokens;
            if let Some(cached) = u.cached_tokens {
                *total.cached_tokens.get_or_insert(0) += cached;
            }
        }
    }
}

/// Print a reply (`begin` was called when the turn started) and describe it.
fn finish(
    sink: &mut dyn Sink,
    text: String,
    source: Source,
    note: Option<String>,
    started: Instant,
    spent: Spent,
    cancelled: bool,
) -> Reply {
    sink.token(&text);
    sink.end();
    Reply {
        text,
        source,
        model: spent.model,
        ttft_ms: spent.ttft.map(|d| d.as_millis() as u64),
        latency_ms: Some(started.elapsed().as_millis() as u64),
        usage: spent.usage,
        cancelled,
        note,
    }
}

/// Ctrl-C during a reply: keep what arrived if it is safe to show (it may be
/// unfinished, but it must not leak or talk about the candidate), else the
/// offline phrasing. Either way the turn is marked cancelled.
fn cancelled(
    sink: &mut dyn Sink,
    partial: String,
    fallback: String,
    rules: &Rules,
    started: Instant,
    spent: Spent,
) -> Reply {
    sink.notice("reply cancelled (Ctrl-C)");
    let harmless = |p: &Problem| {
        matches!(
            p,
            Problem::AsksNothing | Problem::AnswersItself | Problem::TooLong | Problem::OffTarget
        )
    };
    let safe = !partial.is_empty() && check::problems(&partial, rules).iter().all(harmless);
    if safe {
        let note = "cancelled with Ctrl-C; partial reply kept".to_string();
        return finish(sink, partial, Source::Llm, Some(note), started, spent, true);
    }
    let note = "cancelled with Ctrl-C before a usable reply; offline phrasing used".to_string();
    finish(
        sink,
        fallback,
        Source::Fallback,
        Some(note),
        started,
        spent,
        true,
    )
}

impl Interviewer for LlmInterviewer {
    fn describe(&self) -> String {
        self.client.model_name().unwrap_or_else(|| "llm".into())
    }

    fn question(&mut self, ctx: &Context, sink: &mut dyn Sink) -> Reply {
        // verbatim from the bank: no model call, no latency
        let reply = self.scripted.question(ctx, sink);
        self.warm_up(ctx);
        reply
    }

    fn follow_up(&mut self, ctx: &Context, f: &FollowUp, sink: &mut dyn Sink) -> Reply {
        let fallback = self.scripted.phrase_follow_up(ctx, f);
        let task = Task::follow_up(ctx, f);
        self.speak(ctx, task.as_ref(), fallback, sink)
    }

    fn hint(&mut self, ctx: &Context, kp: &KeyPoint, level: u8, sink: &mut dyn Sink) -> Reply {
        let fallback = self.scripted.phrase_hint(kp, level);
        let task = Task::hint(kp, level);
        // level 3 gives the key point verbatim and never reaches the model
        self.speak(ctx, task.as_ref(), fallback, sink)
    }

    fn remember(&mut self, said: &str) {
        self.scripted.remember(said);
    }

    fn wrap_up(&mut self, reason: WrapReason, sink: &mut dyn Sink) -> Reply {
        self.scripted.wrap_up(reason, sink)
    }
}
