//! `mockround report`: one session written up for reading later or sharing
//! with a mentor — the transcript, the score table with the rubric's weak
//! and strong descriptors, the evidence, the checklist, the self-score
//! against the judge, and what to practise next.
//!
//! Markdown and HTML go through tera templates (`prompts/report.md.tera`,
//! `prompts/report.html.tera`; a file of the same name in the config dir's
//! `prompts/` replaces one). JSON is the [`ReportDoc`] itself, which is also
//! exactly what the templates see, so a custom template can use any field:
//!
//! ```text
//! report_version  1
//! session         id, round, round_name, level, status, source (session|import),
//!                 title, started_at, started_local, duration_s, duration_label,
//!                 minutes_planned, backend, file
//! score           the `mockround score --json` shape, unchanged
//! overall_label   "2.75" (or "not enough evidence")
//! score_source    saved | computed;  scored_at (saved scores)
//! dimensions[]    id, name, weak, strong, score (1-4|null), self_score, gap
//!                 (self minus judge), rationale, evidence[], evidence_refs[]
//! evidence[]      number, dimension, dimension_name, score, quote, question, clock
//! checklist[]     id, text, covered
//! calibration     rated, mean_gap, mean_abs_gap, summary, over[], under[]
//!                 (null: no self-score)
//! questions[]     number, id, title, hints, key_points_hit, key_points[] (id, point,
//!                 hit, hinted, probed), turns[] (role, kind, note, text, segments[]
//!                 (text, refs[]), at_s, clock, think_s, skipped, resumed_after_s,
//!                 runs[]: the code runs after this turn (question_id, code_hash, block, at_s,
//!                 clock, verdict, headline, evidence, counts, failures[] (name, kind,
//!                 status, message, ms), sandbox))
//! closing[]       the wrap-up turns, same shape
//! practice[]      what to work on next, weakest first
//! next_steps[]    commands to run next
//! problems[]      line, message: broken lines of the file that were skipped
//! ```
//!
//! Written files are created 0600: they hold the candidate's answers.

use std::path::Path;

use anyhow::{Context as _, Result};
use jiff::Timestamp;
use serde::Serialize;

use crate::review::{self, Review, ReviewRun, ReviewTurn, ScoreSource};
use crate::runner::{CaseResult, Counts, Status, Verdict};
use crate::scoring::ScoreReport;
use crate::templates::Templates;
use crate::transcript::{Role, Target, TurnKind};

pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct ReportDoc {
    pub report_version: u32,
    pub generated_at: Timestamp,
    pub session: SessionInfo,
    pub score: ScoreReport,
    /// The overall as shown: "2.75", or "not enough evidence".
    pub overall_label: String,
    pub score_source: &'static str,
    pub scored_at: Option<Timestamp>,
    pub dimensions: Vec<DimensionDoc>,
    pub evidence: Vec<EvidenceDoc>,
    pub checklist: Vec<ChecklistDoc>,
    pub calibration: Option<CalibrationDoc>,
    pub questions: Vec<QuestionDoc>,
    pub closing: Vec<TurnDoc>,
    pub practice: Vec<String>,
    pub next_steps: Vec<String>,
    pub problems: Vec<ProblemDoc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionInfo {
    pub id: String,
    pub round: String,
    pub round_name: String,
    pub level: String,
    pub status: String,
    pub source: &'static str,
    pub title: Option<String>,
    pub started_at: Option<Timestamp>,
    pub started_local: Option<String>,
    pub duration_s: Option<u64>,
    pub duration_label: Option<String>,
    pub minutes_planned: Option<u32>,
    pub backend: String,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionDoc {
    pub id: String,
    pub name: String,
    pub weak: String,
    pub strong: String,
    pub score: Option<u8>,
    pub self_score: Option<u8>,
    /// Self-score minus the judge's score: positive means overrated.
    pub gap: Option<i32>,
    pub rationale: String,
    pub evidence: Vec<String>,
    pub evidence_refs: Vec<usize>,
    pub insufficient_evidence: bool,
    pub capped: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceDoc {
    pub number: usize,
    pub dimension: String,
    pub dimension_name: String,
    pub score: Option<u8>,
    pub quote: String,
    /// The question whose answer holds it (null: not found as saved).
    pub question: Option<usize>,
    pub clock: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistDoc {
    pub id: String,
    pub text: String,
    pub covered: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalibrationDoc {
    /// Dimensions rated by both the candidate and the judge.
    pub rated: usize,
    /// Mean of self minus judge: which way the self-score leans.
    pub mean_gap: Option<f64>,
    /// Mean of the absolute gaps: how far off it is.
    pub mean_abs_gap: Option<f64>,
    pub summary: String,
    /// Dimension names rated higher than the evidence shows.
    pub over: Vec<String>,
    pub under: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionDoc {
    pub number: usize,
    pub id: Option<String>,
    pub title: Option<String>,
    pub hints: usize,
    pub key_points_hit: usize,
    pub key_points: Vec<KeyPointDoc>,
    pub turns: Vec<TurnDoc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyPointDoc {
    pub id: String,
    pub point: String,
    pub hit: bool,
    pub hinted: bool,
    pub probed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TurnDoc {
    pub role: Role,
    pub kind: TurnKind,
    /// "follow-up on chunking", "hint", "after 40 s"…
    pub note: String,
    pub text: String,
    /// The text cut at evidence quotes; `refs` are evidence numbers.
    pub segments: Vec<SegmentDoc>,
    pub at_s: Option<f64>,
    pub clock: Option<String>,
    pub think_s: Option<f64>,
    pub skipped: bool,
    pub resumed_after_s: Option<u64>,
    /// The code runs between this turn and the next.
    pub runs: Vec<RunDoc>,
}

/// One run of the candidate's code against the question's suite.
#[derive(Debug, Clone, Serialize)]
pub struct RunDoc {
    pub question_id: String,
    pub code_hash: String,
    /// The block of the answer the candidate named; null: the latest.
    pub block: Option<usize>,
    pub at_s: Option<f64>,
    pub clock: Option<String>,
    pub verdict: Verdict,
    /// "7 of 9 cases passed, 2 failed (143 ms)", or why the code did not load.
    pub headline: String,
    /// The run as a scorer cites it, edge cases named.
    pub evidence: String,
    pub counts: Counts,
    /// The cases that failed, errored or did not run (none when the code did not load).
    pub failures: Vec<CaseResult>,
    /// What the sandbox enforced, in words.
    pub sandbox: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SegmentDoc {
    pub text: String,
    pub refs: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProblemDoc {
    pub line: usize,
    pub message: String,
}

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
    Json,
}

/// Render a report in a format; templates may be overridden from the
/// config dir.
pub fn render(doc: &ReportDoc, format: ReportFormat, config_dir: Option<&Path>) -> Result<String> {
    let name = match format {
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(doc)?;
            s.push('\n');
            return Ok(s);
        }
        ReportFormat::Md => "report.md.tera",
        ReportFormat::Html => "report.html.tera",
    };
    let templates = Templates::load(config_dir)?;
    let ctx = tera::Context::from_serialize(doc).context("cannot prepare the report")?;
    templates.render(name, &ctx)
}

/// Build the report document from a reviewed session.
pub fn build(r: &Review) -> ReportDoc {
    let dimensions = dimension_docs(r);
    let checklist = checklist_docs(r);
    ReportDoc {
        report_version: REPORT_VERSION,
        generated_at: Timestamp::now(),
        session: session_info(r),
        score: r.score.clone(),
        overall_label: r
            .score
            .overall
            .map(|o| format!("{o:.2}"))
            .unwrap_or_else(|| "not enough evidence".into()),
        score_source: match r.score_source {
            ScoreSource::Saved(_) => "saved",
            ScoreSource::Computed => "computed",
        },
        scored_at: match r.score_source {
            ScoreSource::Saved(at) => Some(at),
            ScoreSource::Computed => None,
        },
        calibration: calibration(&dimensions, r.self_score.is_some()),
        dimensions,
        evidence: evidence_docs(r),
        practice: practice(r, &checklist),
        checklist,
        questions: question_docs(r),
        closing: r.closing.iter().map(|&i| turn_doc(&r.turns[i])).collect(),
        next_steps: next_steps(r),
        problems: r
            .problems
            .iter()
            .map(|p| ProblemDoc {
                line: p.line,
                message: p.message.clone(),
            })
            .collect(),
    }
}

fn session_info(r: &Review) -> SessionInfo {
    let h = &r.transcript.header;
    let timed = r.timed();
    let duration = timed.then(|| r.transcript.duration_s());
    SessionInfo {
        id: h.id.clone(),
        round: h.round.clone(),
        round_name: r.round.name.clone(),
        level: h.level.clone(),
        status: r.status().to_string(),
        source: if r.saved_session { "session" } else { "import" },
        title: h.title.clone(),
        started_at: timed.then_some(h.started_at),
        started_local: timed.then(|| crate::ui::local_time(h.started_at)),
        duration_s: duration,
        duration_label: duration.map(|d| review::human_duration(d as f64)),
        minutes_planned: h.minutes,
        backend: match &h.backend.model {
            Some(m) => format!("{} ({m})", h.backend.kind.as_str()),
            None => h.backend.kind.as_str().to_string(),
        },
        file: r.path.display().to_string(),
    }
}

fn dimension_docs(r: &Review) -> Vec<DimensionDoc> {
    r.score
        .dimensions
        .iter()
        .map(|d| {
            let dim = r.round.dimension(&d.id);
            let mine = r.self_score_of(&d.id);
            DimensionDoc {
                id: d.id.clone(),
                name: dim.map(|x| x.name.clone()).unwrap_or_else(|| d.id.clone()),
                weak: dim.map(|x| x.weak.clone()).unwrap_or_default(),
                strong: dim.map(|x| x.strong.clone()).unwrap_or_default(),
                score: d.score,
                self_score: mine,
                gap: match (mine, d.score) {
                    (Some(m), Some(j)) => Some(m as i32 - j as i32),
                    _ => None,
                },
                rationale: d.rationale.clone(),
                evidence: d.evidence.clone(),
                evidence_refs: r
                    .evidence
                    .iter()
                    .filter(|e| e.dimension == d.id)
                    .map(|e| e.number)
                    .collect(),
                insufficient_evidence: d.insufficient_evidence,
                capped: d.capped,
            }
        })
        .collect()
}

fn evidence_docs(r: &Review) -> Vec<EvidenceDoc> {
    r.evidence
        .iter()
        .map(|e| EvidenceDoc {
            number: e.number,
            dimension: e.dimension.clone(),
            dimension_name: e.dimension_name.clone(),
            score: e.score,
            quote: e.quote.clone(),
            question: e.question,
            clock: e.turn.and_then(|t| r.turns[t].offset_s).map(review::clock),
        })
        .collect()
}

fn checklist_docs(r: &Review) -> Vec<ChecklistDoc> {
    r.score
        .checklist
        .iter()
        .map(|c| ChecklistDoc {
            id: c.id.clone(),
            text: r
                .round
                .checklist
                .iter()
                .find(|x| x.id == c.id)
                .map(|x| x.text.clone())
                .unwrap_or_else(|| c.id.clone()),
            covered: c.covered,
        })
        .collect()
}

fn question_docs(r: &Review) -> Vec<QuestionDoc> {
    r.questions
        .iter()
        .map(|b| QuestionDoc {
            number: b.number,
            id: b.question_id.clone(),
            title: b.title.clone(),
            hints: b.hints,
            key_points_hit: b.key_points.iter().filter(|k| k.hit).count(),
            key_points: b
                .key_points
                .iter()
                .map(|k| KeyPointDoc {
                    id: k.id.clone(),
                    point: k.point.clone(),
                    hit: k.hit,
                    hinted: k.hinted,
                    probed: k.probed,
                })
                .collect(),
            turns: b.turns.iter().map(|&i| turn_doc(&r.turns[i])).collect(),
        })
        .collect()
}

/// What to practise: the score's two weakest dimensions, then unchecked
/// "before you move on" items.
fn practice(r: &Review, checklist: &[ChecklistDoc]) -> Vec<String> {
    let mut practice = r.score.practice.clone();
    for c in checklist.iter().filter(|c| !c.covered).take(2) {
        practice.push(format!("Before you move on: {}", c.text));
    }
    practice
}

fn next_steps(r: &Review) -> Vec<String> {
    let h = &r.transcript.header;
    let mut next_steps = vec![format!(
        "mockround start {} --level {}",
        h.round,
        if crate::rounds::LEVELS.contains(&h.level.as_str()) {
            h.level.as_str()
        } else {
            "mid"
        }
    )];
    if r.saved_session {
        next_steps.push(format!("mockround replay {}", h.id));
        if r.self_score.is_none() {
            next_steps.push(format!("mockround score {} --self", h.id));
        }
    }
    next_steps.push("mockround progress".into());
    next_steps
}

/// How far the candidate's own ratings sit from the evidence. The article's
/// point is that people misjudge which round is weak; this is the same
/// misjudgement, one dimension at a time.
fn calibration(dims: &[DimensionDoc], self_scored: bool) -> Option<CalibrationDoc> {
    if !self_scored {
        return None;
    }
    let gaps: Vec<(&DimensionDoc, i32)> =
        dims.iter().filter_map(|d| d.gap.map(|g| (d, g))).collect();
    let n = gaps.len() as f64;
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    let mean =
        (!gaps.is_empty()).then(|| round2(gaps.iter().map(|(_, g)| *g as f64).sum::<f64>() / n));
    let mean_abs = (!gaps.is_empty())
        .then(|| round2(gaps.iter().map(|(_, g)| g.abs() as f64).sum::<f64>() / n));
    let over: Vec<String> = gaps
        .iter()
        .filter(|(_, g)| *g > 0)
        .map(|(d, g)| format!("{} (+{g})", d.name))
        .collect();
    let under: Vec<String> = gaps
        .iter()
        .filter(|(_, g)| *g < 0)
        .map(|(d, g)| format!("{} ({g})", d.name))
        .collect();
    // The signed mean says which way you lean; the absolute one how far off
    // you are (a +2 and a -2 cancel in the first, not in the second).
    let summary = match (mean, mean_abs) {
        (Some(m), Some(a)) if a <= 0.5 => {
            format!("Well calibrated: within {a:.2} points of the evidence per dimension on average ({m:+.2} overall).")
        }
        (Some(m), Some(a)) if m >= 0.5 => format!(
            "You rated yourself {m:+.2} points above the evidence on average ({a:.2} off per dimension): the answers felt stronger than they read."
        ),
        (Some(m), Some(a)) if m <= -0.5 => format!(
            "You rated yourself {m:+.2} points below the evidence on average ({a:.2} off per dimension): you did better than you think."
        ),
        (Some(_), Some(a)) => format!(
            "Off by {a:.2} points per dimension on average, in both directions: your sense of which dimensions are strong does not match the evidence yet."
        ),
        _ => "You rated yourself, but no rated dimension had a score to compare with.".into(),
    };
    Some(CalibrationDoc {
        rated: gaps.len(),
        mean_gap: mean,
        mean_abs_gap: mean_abs,
        summary,
        over,
        under,
    })
}

fn turn_doc(rt: &ReviewTurn) -> TurnDoc {
    let t = &rt.turn;
    let note = match (t.role, t.kind) {
        (Role::Interviewer, TurnKind::Question) => "question".to_string(),
        (Role::Interviewer, TurnKind::FollowUp) => match &t.target {
            Some(Target::Pressure(_)) => "follow-up: pressure".into(),
            Some(Target::Nudge) => "follow-up: nudge".into(),
            Some(Target::Redirect) => "follow-up: redirect".into(),
            Some(Target::KeyPoint(k)) => format!("follow-up on {k}"),
            Some(Target::Claim(k)) => format!("follow-up: pressure on a {} claim", k.name()),
            Some(Target::Misconception(m)) => format!("follow-up: misconception {m}"),
            Some(Target::Pasted) => "follow-up: pasted text".into(),
            Some(Target::Run(c)) => format!("follow-up on the run: {c}"),
            None => "follow-up".into(),
        },
        (Role::Interviewer, TurnKind::Hint) => match t.target.clone() {
            Some(k) => format!("hint on {}", String::from(k)),
            None => "hint".into(),
        },
        (Role::Interviewer, _) => "wrap-up".into(),
        (Role::Candidate, _) if t.skipped => "skipped".into(),
        (Role::Candidate, _) => match t.think_s.or(rt.pause_s) {
            Some(s) if s >= 1.0 => format!("after {}", review::human_duration(s)),
            _ => String::new(),
        },
    };
    TurnDoc {
        role: t.role,
        kind: t.kind,
        note,
        text: t.text.clone(),
        segments: review::segments(&t.text, &rt.spans)
            .into_iter()
            .map(|(text, refs)| SegmentDoc {
                text: text.to_string(),
                refs: refs.to_vec(),
            })
            .collect(),
        at_s: rt.offset_s.map(|o| (o * 10.0).round() / 10.0),
        clock: rt.offset_s.map(review::clock),
        think_s: t.think_s,
        skipped: t.skipped,
        resumed_after_s: rt.resumed_after_s,
        runs: rt.runs.iter().map(run_doc).collect(),
    }
}

fn run_doc(rr: &ReviewRun) -> RunDoc {
    let run = &rr.run;
    let verdict = run.verdict();
    let failures = match verdict {
        Verdict::DidNotLoad => Vec::new(),
        _ => run
            .cases
            .iter()
            .filter(|c| !matches!(c.status, Status::Passed | Status::Skipped))
            .cloned()
            .collect(),
    };
    RunDoc {
        question_id: run.question_id.clone(),
        code_hash: run.code_hash.clone(),
        block: run.block,
        at_s: rr.offset_s.map(|o| (o * 10.0).round() / 10.0),
        clock: rr.offset_s.map(review::clock),
        verdict,
        headline: run.headline(),
        evidence: run.evidence(),
        counts: Counts::of(&run.cases),
        failures,
        sandbox: run.sandbox.as_ref().map(|s| s.describe()),
    }
}
