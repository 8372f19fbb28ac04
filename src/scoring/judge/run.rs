//! Running the judge: one request per dimension (concurrently, up to the
//! server's slots) or one for the round, a retry on an unusable reply, the
//! offline reader where the model failed, and repeated samples.

use std::cell::Cell;
use std::time::Duration;

use futures::future::join_all;
use tokio::sync::Semaphore;

use super::{
    calibration, combine, combine_samples, evidence_only, number_transcript, parse_dimension,
    parse_round, verify, ClientModel, Finding, JudgeModel, JudgePrompts, JudgeRequest, Mode,
    ModelError, ParseError, Regime, TRANSCRIPT_CHARS,
};
use crate::config::LlmSettings;
use crate::rounds::Round;
use crate::scoring::evidence::CandidateText;
use crate::scoring::reader::{self, QuoteReading};
use crate::scoring::{finish, offline_fallback, DimensionScore, Flag, ScoreReport, Scorer};
use crate::text;
use crate::transcript::Transcript;

/// How one judging runs.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    pub mode: Mode,
    pub temperature: f32,
    /// Dimension requests in flight at once (the server's parallel slots);
    /// lowered for the rest of the run when the server says it is busy.
    pub slots: usize,
    pub regime: &'a Regime,
    /// Told as each dimension's reply is read.
    pub progress: Option<&'a dyn Fn(Progress)>,
}

impl Options<'_> {
    pub fn new(mode: Mode, regime: &Regime) -> Options<'_> {
        Options {
            mode,
            temperature: 0.0,
            slots: 2,
            regime,
            progress: None,
        }
    }
}

/// One step of a judging, for a progress line.
#[derive(Debug, Clone)]
pub struct Progress {
    pub dimension: String,
    pub done: usize,
    pub total: usize,
}

/// A judging with what calibration needs beside the report.
#[derive(Debug, Clone)]
pub struct Judged {
    pub report: ScoreReport,
    /// Each dimension from the model's verified evidence alone (None where
    /// it cited nothing usable or its reply was unusable).
    pub evidence: Vec<Option<f64>>,
    pub valid_citations: usize,
    pub invalid_citations: usize,
    /// Dimensions whose reply was unusable.
    pub unusable: usize,
}

/// Judge a transcript. Never fails: whatever the model does, a report comes
/// back (the offline scorer stands in, labelled, where the model failed).
pub async fn judge<M: JudgeModel>(
    model: &M,
    prompts: &JudgePrompts,
    round: &Round,
    t: &Transcript,
    opts: &Options<'_>,
) -> ScoreReport {
    judge_detailed(model, prompts, round, t, opts).await.report
}

/// [`judge`], with the figures calibration measures.
pub async fn judge_detailed<M: JudgeModel>(
    model: &M,
    prompts: &JudgePrompts,
    round: &Round,
    t: &Transcript,
    opts: &Options<'_>,
) -> Judged {
    let offline = reader::score(round, t);
    let cand = CandidateText::new(round, t);
    let numbered = number_transcript(t, &cand, TRANSCRIPT_CHARS);
    let (findings, failures) = match opts.mode {
        Mode::Single => ask_round(model, prompts, round, &numbered.text, opts).await,
        Mode::PerDimension => ask_dimensions(model, prompts, round, &numbered.text, opts).await,
    };
    let decisive = opts.regime.is_decisive();
    // Advisory: a sentence the offline reader sees as an empty habit is not
    // evidence of the strong column, one it sees as reasoning is not weak.
    // Decisive: the calibrated model's reading stands. Either way, what was
    // said right after a hint was given, not shown.
    let read = |q: &str| {
        if cand.after_hint(q) {
            Some(QuoteReading::Habit)
        } else if decisive {
            None
        } else {
            Some(reader::read_quote(round, q))
        }
    };
    let mut judged = Judged {
        report: offline.clone(),
        evidence: Vec::new(),
        valid_citations: 0,
        invalid_citations: 0,
        unusable: 0,
    };
    let mut fell_back = Vec::new();
    let mut dimensions = Vec::new();
    for ((d, f), off) in round
        .dimensions
        .iter()
        .zip(&findings)
        .zip(&offline.dimensions)
    {
        match f {
            Some(f) => {
                let v = verify(f, &numbered, &read);
                judged.valid_citations += v.valid();
                judged.invalid_citations += v.invalid;
                judged.evidence.push(evidence_only(&v));
                dimensions.push(combine(d, &v, off, opts.regime));
            }
            None => {
                judged.evidence.push(None);
                fell_back.push(d.id.clone());
                let mut off = off.clone();
                off.rationale = format!(
                    "offline fallback (the judge's reply was unusable): {}",
                    off.rationale
                );
                dimensions.push(off);
            }
        }
    }
    judged.unusable = fell_back.len();
    // the code's runs bound the judge's scores as they bound the offline ones
    crate::scoring::runs::apply(round, t, &mut dimensions);
    // Manipulation caps the score whatever the model thought: the offline
    // screen saw it, and the model may have been taken in. Only a decisive
    // judge's evidence can lift a cap, and only one the detector was not
    // sure of.
    if manipulation_caps(&offline, opts.regime) {
        cap_manipulated(&mut dimensions);
    }
    let scorer = provenance(model, opts.regime, round, &fell_back, &failures);
    let mut flags = offline.flags.clone();
    if !fell_back.is_empty() {
        flags.push(Flag::Fallback);
    }
    if cand.flags.contains(&Flag::InjectionAttempt) && !flags.contains(&Flag::InjectionAttempt) {
        flags.push(Flag::InjectionAttempt);
    }
    judged.report = finish(
        round,
        ScoreReport {
            round: round.id.clone(),
            scorer,
            overall: None,
            verdict: String::new(),
            dimensions,
            checklist: offline.checklist,
            flags,
            flag_details: offline.flag_details,
            notes: offline.notes,
            practice: Vec::new(),
            samples: None,
        },
    );
    judged
}

/// What the model found, per dimension (None where it failed), and why it
/// failed where it did.
type Findings = (Vec<Option<Finding>>, Vec<String>);

/// One request for the whole round (capable models).
async fn ask_round<M: JudgeModel>(
    model: &M,
    prompts: &JudgePrompts,
    round: &Round,
    transcript: &str,
    opts: &Options<'_>,
) -> Findings {
    let mut findings = vec![None; round.dimensions.len()];
    let mut failures = Vec::new();
    match prompts.round(round, transcript, opts.temperature) {
        Ok(req) => match ask_parsed(model, req, |r| parse_round(round, r)).await {
            Ok(found) => findings = found,
            Err(AskError::Unusable(e) | AskError::Unavailable(e) | AskError::Busy(_, e)) => {
                failures.push(e)
            }
        },
        Err(e) => failures.push(e),
    }
    if let Some(p) = opts.progress {
        p(Progress {
            dimension: "all dimensions".into(),
            done: round.dimensions.len(),
            total: round.dimensions.len(),
        });
    }
    (findings, failures)
}

/// Times one request is asked again after the server said it was busy.
const BUSY_RETRIES: u32 = 4;

/// One request per dimension (small models), sent together up to
/// `opts.slots` at a time. The requests share the transcript as their
/// prefix, so a server with a prompt cache reads it once per slot.
async fn ask_dimensions<M: JudgeModel>(
    model: &M,
    prompts: &JudgePrompts,
    round: &Round,
    transcript: &str,
    opts: &Options<'_>,
) -> Findings {
    let total = round.dimensions.len();
    let slots = Semaphore::new(opts.slots.max(1));
    let limit = Cell::new(opts.slots.max(1));
    let done = Cell::new(0);
    // The server is down: the dimensions not yet asked are not sent.
    let down = Cell::new(false);
    let asks = round.dimensions.iter().map(|d| {
        let (slots, limit, done, down) = (&slots, &limit, &done, &down);
        async move {
            let req = prompts.dimension(round, d, transcript, opts.temperature)?;
            let mut busy = 0;
            let result = loop {
                let Ok(permit) = slots.acquire().await else {
                    break Err(AskError::Unavailable("the judge was stopped".into()));
                };
                if down.get() {
                    break Err(AskError::Unavailable("the model server is down".into()));
                }
                match ask_parsed(model, req.clone(), parse_dimension).await {
                    Err(AskError::Busy(wait, _)) if busy < BUSY_RETRIES => {
                        busy += 1;
                        // one request fewer in flight from now on
                        if limit.get() > 1 {
                            limit.set(limit.get() - 1);
                            permit.forget();
                        } else {
                            drop(permit);
                        }
                        let pause = wait.unwrap_or(Duration::from_millis(500 << busy));
                        tokio::time::sleep(pause.min(Duration::from_secs(30))).await;
                    }
                    Err(AskError::Busy(_, why)) => break Err(AskError::Unavailable(why)),
                    other => break other,
                }
            };
            if matches!(result, Err(AskError::Unavailable(_))) {
                down.set(true);
            }
            done.set(done.get() + 1);
            if let Some(p) = opts.progress {
                p(Progress {
                    dimension: d.id.clone(),
                    done: done.get(),
                    total,
                });
            }
            match result {
                // a number it was not asked for is not an input
                Ok(f) => Ok(Finding { score: None, ..f }),
                Err(AskError::Unusable(e)) => Err(format!("{}: {e}", d.id)),
                Err(AskError::Unavailable(e) | AskError::Busy(_, e)) => Err(e),
            }
        }
    });
    let mut findings = Vec::with_capacity(total);
    let mut failures = Vec::new();
    for r in join_all(asks).await {
        match r {
            Ok(f) => findings.push(Some(f)),
            Err(e) => {
                if !failures.contains(&e) {
                    failures.push(e);
                }
                findings.push(None);
            }
        }
    }
    (findings, failures)
}

/// Does the offline screen's manipulation finding cap this judging?
pub(super) fn manipulation_caps(offline: &ScoreReport, regime: &Regime) -> bool {
    let capping = offline
        .flags
        .iter()
        .filter(|f| f.is_steering() || **f == Flag::RubricParrot);
    let mut any = false;
    for f in capping {
        any = true;
        let details: Vec<_> = offline
            .flag_details
            .iter()
            .filter(|d| d.flag == *f)
            .collect();
        // a flag without its proof shown counts as sure
        if details.is_empty() || details.iter().any(|d| !d.uncertain) {
            return true;
        }
    }
    any && !regime.is_decisive()
}

fn cap_manipulated(dimensions: &mut [DimensionScore]) {
    for d in dimensions
        .iter_mut()
        .filter(|d| d.score.is_some_and(|s| s > 2))
    {
        d.score = Some(2);
        d.capped = true;
        d.rationale = format!(
            "capped at 2: the answers try to steer the scorer or recite the rubric; {}",
            d.rationale
        );
    }
}

/// Who produced the score: the model, the model with some dimensions from
/// the offline reader (which, and why), or the offline reader alone.
fn provenance<M: JudgeModel>(
    model: &M,
    regime: &Regime,
    round: &Round,
    fell_back: &[String],
    failures: &[String],
) -> Scorer {
    let why = || {
        let first = failures
            .first()
            .cloned()
            .unwrap_or_else(|| "no usable reply".into());
        // the reason goes inside the scorer string: keep it one short clause
        text::ellipsize(&first.replace([';', '[', ']', '(', ')'], ","), 120)
    };
    if fell_back.len() == round.dimensions.len() {
        Scorer::Fallback { reason: why() }
    } else if !fell_back.is_empty() {
        Scorer::JudgeWithFallback {
            model: model.name(),
            dimensions: fell_back.len(),
            which: fell_back.to_vec(),
            why: why(),
            regime: Some(regime.clone()),
        }
    } else {
        Scorer::Judge {
            model: model.name(),
            regime: Some(regime.clone()),
        }
    }
}

enum AskError {
    /// The model answered, twice, with nothing usable.
    Unusable(String),
    /// The model could not be reached (after the client's retries).
    Unavailable(String),
    /// The server is at capacity: wait (as long as it said), then again.
    Busy(Option<Duration>, String),
}

impl From<String> for AskError {
    fn from(e: String) -> AskError {
        AskError::Unusable(e)
    }
}

impl From<ModelError> for AskError {
    fn from(e: ModelError) -> AskError {
        match e {
            ModelError::Busy {
                message,
                retry_after,
            } => AskError::Busy(retry_after, message),
            ModelError::Failed(m) => AskError::Unavailable(m),
        }
    }
}

/// Ask, parse, and on an unusable reply ask once more with the parse error.
async fn ask_parsed<M: JudgeModel, T>(
    model: &M,
    req: JudgeRequest,
    parse: impl Fn(&str) -> Result<T, ParseError>,
) -> Result<T, AskError> {
    let first = model.ask(req.clone()).await?;
    match parse(&first) {
        Ok(v) => Ok(v),
        Err(ParseError(why)) => {
            let mut retry = req;
            retry.user = format!(
                "{}\n\nYour previous reply could not be used: {why}. Reply again with only the JSON object.",
                retry.user
            );
            let second = model.ask(retry).await?;
            parse(&second).map_err(|ParseError(why)| AskError::Unusable(why))
        }
    }
}

/// Judge once, or `samples` times (later runs at a higher temperature, so
/// the spread means something) and combine into the median.
pub async fn judge_samples<M: JudgeModel>(
    model: &M,
    prompts: &JudgePrompts,
    round: &Round,
    t: &Transcript,
    opts: &Options<'_>,
    samples: u32,
) -> ScoreReport {
    let mut runs = Vec::new();
    for i in 0..samples.max(1) {
        let temperature = if i == 0 { 0.0 } else { 0.7 };
        let run_opts = Options {
            temperature,
            ..*opts
        };
        let report = judge(model, prompts, round, t, &run_opts).await;
        // the model is not answering: more samples would only repeat that
        let gave_up = report.scorer.is_fallback();
        runs.push(report);
        if gave_up {
            break;
        }
    }
    if runs.len() == 1 {
        return runs.pop().unwrap_or_else(|| reader::score(round, t));
    }
    combine_samples(round, runs)
}

/// Score one transcript with the configured model, from synchronous code,
/// under the regime its calibration record gives it (records live in
/// `config_dir`).
pub fn score(
    settings: &LlmSettings,
    config_dir: &std::path::Path,
    round: &Round,
    t: &Transcript,
    samples: u32,
) -> ScoreReport {
    let fallback = |why: String| offline_fallback(round, t, &why);
    let prompts = match JudgePrompts::load(Some(config_dir)) {
        Ok(p) => p,
        Err(e) => return fallback(format!("{e:#}")),
    };
    let model = match ClientModel::new(settings) {
        Ok(m) => m,
        Err(e) => return fallback(e),
    };
    let regime = calibration::regime_for(config_dir, settings);
    PROGRESS.with(|hook| {
        let hook = hook.borrow();
        let opts = Options {
            slots: settings_slots(settings),
            progress: hook.as_deref(),
            ..Options::new(settings.judge_mode, &regime)
        };
        match crate::llm::runtime() {
            Ok(rt) => rt.block_on(judge_samples(&model, &prompts, round, t, &opts, samples)),
            Err(e) => fallback(e.to_string()),
        }
    })
}

type Hook = Box<dyn Fn(Progress)>;

thread_local! {
    /// Where [`score`] reports progress: set by the command that shows it
    /// (scoring itself prints nothing).
    static PROGRESS: std::cell::RefCell<Option<Hook>> = const { std::cell::RefCell::new(None) };
}

/// Run `f` with `hook` told of each dimension [`score`] judges.
pub fn with_progress<R>(hook: Hook, f: impl FnOnce() -> R) -> R {
    PROGRESS.with(|p| *p.borrow_mut() = Some(hook));
    let out = f();
    PROGRESS.with(|p| *p.borrow_mut() = None);
    out
}

/// The dimension requests one judging keeps in flight.
pub fn settings_slots(settings: &LlmSettings) -> usize {
    settings.judge_slots.max(1) as usize
}
