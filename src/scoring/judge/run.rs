//! Running the judge: one request per dimension or one for the round, a
//! retry on an unusable reply, the offline reader where the model failed,
//! and repeated samples.

use super::{
    combine, combine_samples, parse_dimension, parse_round, render_transcript, verify, ClientModel,
    Finding, JudgeModel, JudgePrompts, JudgeRequest, Mode, ParseError, TRANSCRIPT_CHARS,
};
use crate::config::LlmSettings;
use crate::rounds::Round;
use crate::scoring::evidence::CandidateText;
use crate::scoring::reader::{self, QuoteReading};
use crate::scoring::{finish, offline_fallback, DimensionScore, Flag, ScoreReport, Scorer};
use crate::text;
use crate::transcript::Transcript;

/// Judge a transcript. Never fails: whatever the model does, a report comes
/// back (the offline scorer stands in, labelled, where the model failed).
pub async fn judge<M: JudgeModel>(
    model: &M,
    prompts: &JudgePrompts,
    round: &Round,
    t: &Transcript,
    mode: Mode,
    temperature: f32,
) -> ScoreReport {
    let offline = reader::score(round, t);
    let cand = CandidateText::new(round, t);
    let transcript = render_transcript(t, &cand, TRANSCRIPT_CHARS);
    let (findings, failures) = match mode {
        Mode::Single => ask_round(model, prompts, round, &transcript, temperature).await,
        Mode::PerDimension => ask_dimensions(model, prompts, round, &transcript, temperature).await,
    };
    let (mut dimensions, fell_back) = dimension_scores(round, &cand, &findings, &offline);
    // Manipulation caps the score whatever the model thought: the offline
    // screen saw it, and the model may have been taken in.
    if offline
        .flags
        .iter()
        .any(|f| f.is_steering() || *f == Flag::RubricParrot)
    {
        cap_manipulated(&mut dimensions);
    }
    let scorer = provenance(model, fell_back, round.dimensions.len(), &failures);
    let mut flags = offline.flags.clone();
    if fell_back > 0 {
        flags.push(Flag::Fallback);
    }
    if cand.flags.contains(&Flag::InjectionAttempt) && !flags.contains(&Flag::InjectionAttempt) {
        flags.push(Flag::InjectionAttempt);
    }
    finish(
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
            practice: Vec::new(),
            samples: None,
        },
    )
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
    temperature: f32,
) -> Findings {
    let mut findings = vec![None; round.dimensions.len()];
    let mut failures = Vec::new();
    match prompts.round(round, transcript, temperature) {
        Ok(req) => match ask_parsed(model, req, |r| parse_round(round, r)).await {
            Ok(found) => findings = found,
            Err(AskError::Unusable(e) | AskError::Unavailable(e)) => failures.push(e),
        },
        Err(e) => failures.push(e),
    }
    (findings, failures)
}

/// One request per dimension (small models), quotes only.
async fn ask_dimensions<M: JudgeModel>(
    model: &M,
    prompts: &JudgePrompts,
    round: &Round,
    transcript: &str,
    temperature: f32,
) -> Findings {
    let mut findings = vec![None; round.dimensions.len()];
    let mut failures = Vec::new();
    for (i, d) in round.dimensions.iter().enumerate() {
        let req = match prompts.dimension(round, d, transcript, temperature) {
            Ok(req) => req,
            Err(e) => {
                failures.push(e);
                break;
            }
        };
        match ask_parsed(model, req, parse_dimension).await {
            // a number it was not asked for is not an input
            Ok(f) => findings[i] = Some(Finding { score: None, ..f }),
            Err(AskError::Unusable(e)) => failures.push(format!("{}: {e}", d.id)),
            Err(AskError::Unavailable(e)) => {
                // after the client's own retries: do not wait again for
                // every remaining dimension
                failures.push(e);
                break;
            }
        }
    }
    (findings, failures)
}

/// Each dimension from its verified finding, or the offline score where
/// the model gave nothing usable; and how many fell back.
fn dimension_scores(
    round: &Round,
    cand: &CandidateText,
    findings: &[Option<Finding>],
    offline: &ScoreReport,
) -> (Vec<DimensionScore>, usize) {
    // A quote the offline reader sees as an empty habit, or one said right
    // after a hint, is not evidence of the strong column; one it sees as
    // reasoning that meets the bar is not evidence of the weak column.
    let read = |q: &str| {
        if cand.after_hint(q) {
            QuoteReading::Habit
        } else {
            reader::read_quote(round, q)
        }
    };
    let mut fell_back = 0;
    let dimensions = round
        .dimensions
        .iter()
        .zip(findings)
        .zip(&offline.dimensions)
        .map(|((d, f), off)| match f {
            Some(f) => combine(d, &verify(f, cand, &read), off),
            None => {
                fell_back += 1;
                let mut off = off.clone();
                off.rationale = format!(
                    "offline fallback (the judge's reply was unusable): {}",
                    off.rationale
                );
                off
            }
        })
        .collect();
    (dimensions, fell_back)
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
/// the offline reader, or the offline reader alone.
fn provenance<M: JudgeModel>(
    model: &M,
    fell_back: usize,
    dimensions: usize,
    failures: &[String],
) -> Scorer {
    if fell_back == dimensions {
        let why = failures
            .first()
            .cloned()
            .unwrap_or_else(|| "no usable reply".into());
        Scorer::Fallback {
            reason: text::ellipsize(&why, 120),
        }
    } else if fell_back > 0 {
        Scorer::JudgeWithFallback {
            model: model.name(),
            dimensions: fell_back,
        }
    } else {
        Scorer::Judge {
            model: model.name(),
        }
    }
}

enum AskError {
    /// The model answered, twice, with nothing usable.
    Unusable(String),
    /// The model could not be reached (after the client's retries).
    Unavailable(String),
}

/// Ask, parse, and on an unusable reply ask once more with the parse error.
async fn ask_parsed<M: JudgeModel, T>(
    model: &M,
    req: JudgeRequest,
    parse: impl Fn(&str) -> Result<T, ParseError>,
) -> Result<T, AskError> {
    let first = model
        .ask(req.clone())
        .await
        .map_err(AskError::Unavailable)?;
    match parse(&first) {
        Ok(v) => Ok(v),
        Err(ParseError(why)) => {
            let mut retry = req;
            retry.user = format!(
                "{}\n\nYour previous reply could not be used: {why}. Reply again with only the JSON object.",
                retry.user
            );
            let second = model.ask(retry).await.map_err(AskError::Unavailable)?;
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
    mode: Mode,
    samples: u32,
) -> ScoreReport {
    let mut runs = Vec::new();
    for i in 0..samples.max(1) {
        let temperature = if i == 0 { 0.0 } else { 0.7 };
        let report = judge(model, prompts, round, t, mode, temperature).await;
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

/// Score one transcript with the configured model, from synchronous code.
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
    match crate::llm::runtime() {
        Ok(rt) => rt.block_on(judge_samples(
            &model,
            &prompts,
            round,
            t,
            settings.judge_mode,
            samples,
        )),
        Err(e) => fallback(e.to_string()),
    }
}
