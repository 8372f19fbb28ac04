//! `mockround progress`: every saved session at once, to find the round
//! that is actually costing the offer.
//!
//! Per round: sessions, minutes practised, latest and best overall, a trend,
//! and the weak dimensions that keep coming back, merged into one line each
//! ("Eval methodology weak in 4 of 5 sessions"; weak means a score of 1 or 2).
//! It names the weakest round — the lowest mean of its last three scored
//! sessions; without scores, the diagnostic's starting round — and warns
//! about the article's trap: most of the practice going to rounds that
//! already score well while the weakest one is neglected.
//!
//! Only the first line and the tail of each file are read
//! (`store::summarize`), so this stays instant with thousands of sessions.
//! Sessions in which nothing was answered are not practice and are skipped.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use crate::config::Config;
use crate::review::diagnose::{self, Diagnosis};
use crate::rounds::{Catalog, Round};
use crate::transcript::store::{self, Summary};

/// What the weakest round was named from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeakestBasis {
    /// The lowest recent score.
    Scores,
    /// The diagnostic's starting round, before anything was scored.
    Diagnostic,
    /// Neither: the article's usual bottleneck (the plan only).
    Default,
}

/// Scored sessions averaged for a round's "recent" score.
pub const RECENT: usize = 3;
/// A dimension scored at or below this counts as weak in that session.
pub const WEAK_AT: u8 = 2;
/// A round this far above the weakest "already scores well".
pub const COMFORT_MARGIN: f64 = 0.5;

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub sessions: usize,
    pub scored: usize,
    pub minutes: f64,
    /// Files in the sessions directory that could not be read.
    pub unreadable: usize,
    pub rounds: Vec<RoundProgress>,
    /// The round to work on: lowest recent score, or the diagnostic's start.
    pub weakest_round: Option<String>,
    /// `scores` or `diagnostic`.
    pub weakest_basis: Option<WeakestBasis>,
    /// Built-in rounds with no session at all.
    pub never_practised: Vec<String>,
    /// The article's trap, when the practice pattern shows it.
    pub trap: Option<Trap>,
    pub diagnostic: Option<Diagnosis>,
    /// What to do when there is nothing to show yet.
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundProgress {
    pub id: String,
    pub name: String,
    pub sessions: usize,
    pub scored: usize,
    pub minutes: f64,
    /// Share of all practice: by minutes, or by sessions when no session
    /// lasted a measurable time.
    pub share: f64,
    pub latest: Option<f64>,
    pub best: Option<f64>,
    /// Mean of the last [`RECENT`] scored sessions.
    pub recent: Option<f64>,
    /// Overall scores, oldest first (the last 24).
    pub trend: Vec<f64>,
    /// improving | declining | steady (null with fewer than two scores).
    pub direction: Option<&'static str>,
    pub last_practised: Option<Timestamp>,
    /// Level of the latest session.
    pub level: Option<String>,
    pub weak_dimensions: Vec<WeakDimension>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeakDimension {
    pub id: String,
    pub name: String,
    /// Scored sessions where it was weak.
    pub weak: usize,
    /// Scored sessions that scored it at all.
    pub of: usize,
    pub line: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trap {
    /// The well-scoring rounds that took most of the practice.
    pub comfortable: Vec<String>,
    pub comfortable_share: f64,
    pub weakest: String,
    pub weakest_share: f64,
    pub message: String,
}

/// Gather progress from the sessions directory (summaries only).
pub fn collect(config: &Config, catalog: &Catalog) -> Progress {
    let dir = config.paths.sessions_dir();
    let mut summaries = Vec::new();
    let mut unreadable = 0;
    for path in store::session_files(&dir) {
        match store::summarize(&path) {
            Ok(s) if s.answers == Some(0) => {}
            Ok(s) => {
                for p in &s.problems {
                    eprintln!("mockround: {}: {p}", s.path.display());
                }
                summaries.push(s)
            }
            Err(_) => unreadable += 1,
        }
    }
    let diagnostic = match diagnose::load_saved(&config.paths.diagnostic_file()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("mockround: {}", crate::ui::one_line(&e));
            None
        }
    };
    let mut p = compute(catalog, summaries, diagnostic);
    p.unreadable = unreadable;
    if p.sessions == 0 {
        p.hint = Some(no_sessions_hint(&dir));
    }
    p
}

fn no_sessions_hint(dir: &Path) -> String {
    format!(
        "No sessions in {} yet. Start one with `mockround start system-design` (or ml-fundamentals, coding, behavioral); not sure which round? `mockround diagnose` asks six questions and tells you where to start.",
        dir.display()
    )
}

/// The arithmetic, separate from the disk so it can be tested directly.
pub fn compute(
    catalog: &Catalog,
    mut sessions: Vec<Summary>,
    diagnostic: Option<Diagnosis>,
) -> Progress {
    sessions.sort_by_key(|s| s.started_at);
    let mut by_round: BTreeMap<String, Vec<&Summary>> = BTreeMap::new();
    for s in &sessions {
        by_round.entry(s.round.clone()).or_default().push(s);
    }
    let total_minutes: f64 = sessions
        .iter()
        .map(|s| s.duration_s.unwrap_or(0) as f64 / 60.0)
        .sum();
    let by_minutes = total_minutes >= 1.0;

    // Built-in rounds first, in the article's order, then any others seen.
    let mut ids: Vec<String> = catalog.rounds.iter().map(|r| r.id.clone()).collect();
    for id in by_round.keys() {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let mut rounds = Vec::new();
    for id in &ids {
        let list = by_round.get(id).cloned().unwrap_or_default();
        let is_builtin = crate::rounds::BUILTIN.iter().any(|(b, _)| b == id);
        if list.is_empty() && !is_builtin {
            continue;
        }
        rounds.push(round_progress(
            catalog,
            id,
            &list,
            sessions.len(),
            total_minutes,
            by_minutes,
        ));
    }

    let scored: Vec<&RoundProgress> = rounds.iter().filter(|r| r.recent.is_some()).collect();
    let weakest_scored = scored
        .iter()
        .min_by(|a, b| {
            a.recent
                .unwrap_or(4.0)
                .total_cmp(&b.recent.unwrap_or(4.0))
                .then(a.scored.cmp(&b.scored))
        })
        .map(|r| r.id.clone());
    let (weakest_round, weakest_basis) = match (&weakest_scored, &diagnostic) {
        (Some(w), _) => (Some(w.clone()), Some(WeakestBasis::Scores)),
        (None, Some(d)) => (Some(d.start.clone()), Some(WeakestBasis::Diagnostic)),
        (None, None) => (None, None),
    };
    let never_practised: Vec<String> = rounds
        .iter()
        .filter(|r| r.sessions == 0)
        .map(|r| r.id.clone())
        .collect();
    let trap = weakest_round
        .as_deref()
        .and_then(|w| trap(&rounds, w, weakest_basis == Some(WeakestBasis::Scores)));
    Progress {
        sessions: sessions.len(),
        scored: sessions.iter().filter(|s| s.overall.is_some()).count(),
        minutes: round1(total_minutes),
        unreadable: 0,
        rounds,
        weakest_round,
        weakest_basis,
        never_practised,
        trap,
        diagnostic,
        hint: None,
    }
}

// `+ 0.0` turns the -0.0 of an empty float sum into 0.0 for the JSON.
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

fn round_progress(
    catalog: &Catalog,
    id: &str,
    list: &[&Summary],
    all_sessions: usize,
    total_minutes: f64,
    by_minutes: bool,
) -> RoundProgress {
    let round = catalog.get(id);
    let minutes: f64 = list
        .iter()
        .map(|s| s.duration_s.unwrap_or(0) as f64 / 60.0)
        .sum();
    let share = if by_minutes {
        minutes / total_minutes
    } else if all_sessions > 0 {
        list.len() as f64 / all_sessions as f64
    } else {
        0.0
    };
    let scores: Vec<f64> = list.iter().filter_map(|s| s.overall).collect();
    let recent = (!scores.is_empty()).then(|| {
        let tail = &scores[scores.len().saturating_sub(RECENT)..];
        round2(tail.iter().sum::<f64>() / tail.len() as f64)
    });
    let direction = direction(&scores);

    let weak_dimensions = weak_dimensions(round, list);

    RoundProgress {
        id: id.to_string(),
        name: round
            .map(|r| r.name.clone())
            .unwrap_or_else(|| id.to_string()),
        sessions: list.len(),
        scored: scores.len(),
        minutes: round1(minutes),
        share: round2(share),
        latest: scores.last().copied(),
        best: scores.iter().copied().reduce(f64::max),
        recent,
        trend: scores[scores.len().saturating_sub(24)..].to_vec(),
        direction,
        last_practised: list.last().map(|s| s.started_at),
        level: list.last().map(|s| s.level.clone()),
        weak_dimensions,
    }
}

/// The last score against the mean of the few before it.
fn direction(scores: &[f64]) -> Option<&'static str> {
    (scores.len() >= 2).then(|| {
        let last = scores[scores.len() - 1];
        let before = &scores[scores.len().saturating_sub(RECENT + 1)..scores.len() - 1];
        let mean = before.iter().sum::<f64>() / before.len() as f64;
        if last - mean >= 0.25 {
            "improving"
        } else if mean - last >= 0.25 {
            "declining"
        } else {
            "steady"
        }
    })
}

/// Each dimension's weak scores across the scored sessions, merged into
/// one line, most often weak first.
fn weak_dimensions(round: Option<&Round>, list: &[&Summary]) -> Vec<WeakDimension> {
    let scored_sessions: Vec<&&Summary> = list.iter().filter(|s| s.overall.is_some()).collect();
    let mut dims: Vec<(String, usize, usize)> = Vec::new();
    for s in &scored_sessions {
        for (dim, score) in &s.dimensions {
            let Some(score) = score else { continue };
            let entry = match dims.iter_mut().find(|d| d.0 == *dim) {
                Some(e) => e,
                None => {
                    dims.push((dim.clone(), 0, 0));
                    dims.last_mut().expect("just pushed")
                }
            };
            entry.2 += 1;
            if *score <= WEAK_AT {
                entry.1 += 1;
            }
        }
    }
    let mut weak_dimensions: Vec<WeakDimension> = dims
        .into_iter()
        // Recurring means weak in at least two sessions: one weak session is
        // a data point, not a pattern.
        .filter(|(_, weak, _)| *weak >= 2)
        .map(|(dim, weak, of)| {
            let name = round
                .and_then(|r| r.dimension(&dim))
                .map(|d| d.name.clone())
                .unwrap_or_else(|| dim.clone());
            let line = format!(
                "{name} weak in {weak} of {of} session{}",
                if of == 1 { "" } else { "s" }
            );
            WeakDimension {
                id: dim,
                name,
                weak,
                of,
                line,
            }
        })
        .collect();
    weak_dimensions.sort_by(|a, b| {
        (b.weak * a.of)
            .cmp(&(a.weak * b.of))
            .then(b.weak.cmp(&a.weak))
            .then(a.id.cmp(&b.id))
    });
    weak_dimensions
}

/// The article's trap: most practice on rounds that already score well,
/// little on the weakest.
fn trap(rounds: &[RoundProgress], weakest: &str, measured: bool) -> Option<Trap> {
    let w = rounds.iter().find(|r| r.id == weakest)?;
    let comfortable: Vec<&RoundProgress> = rounds
        .iter()
        .filter(|r| r.id != weakest && r.sessions > 0)
        .filter(|r| match (measured, r.recent, w.recent) {
            (true, Some(x), Some(y)) => x >= y + COMFORT_MARGIN,
            // Without scores for the weakest (diagnostic basis), any round
            // practised instead of it is the comfortable one.
            (false, _, _) => true,
            _ => false,
        })
        .collect();
    let comfortable_share: f64 = comfortable.iter().map(|r| r.share).sum();
    let practised = rounds.iter().filter(|r| r.sessions > 0).count();
    if comfortable.is_empty() || (practised < 2 && w.sessions > 0) {
        return None;
    }
    if comfortable_share < 0.5 || w.share > 0.25 {
        return None;
    }
    let names: Vec<String> = comfortable.iter().map(|r| r.name.clone()).collect();
    let scored_as = comfortable
        .iter()
        .filter_map(|r| r.recent)
        .reduce(f64::min)
        .map(|m| format!(" (already {m:.2} or better)"))
        .unwrap_or_default();
    let weakest_as = match w.recent {
        Some(x) => format!("your weakest at {x:.2}"),
        None => "where your diagnostic says to start".to_string(),
    };
    let message = format!(
        "The article's trap: {:.0} % of your practice went to {}{scored_as}, while {} ({weakest_as}) got {:.0} %. Set a hard weekly minimum on it: `mockround plan` builds one.",
        comfortable_share * 100.0,
        join_names(&names),
        w.name,
        w.share * 100.0
    );
    Some(Trap {
        comfortable: comfortable.iter().map(|r| r.id.clone()).collect(),
        comfortable_share: round2(comfortable_share),
        weakest: weakest.to_string(),
        weakest_share: w.share,
        message,
    })
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// ▁▂▃▄▅▆▇█ on the fixed 1–4 scale, so two rounds' lines compare.
pub fn sparkline(scores: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    scores
        .iter()
        .map(|s| {
            let i = ((s.clamp(1.0, 4.0) - 1.0) / 3.0 * 7.0).round() as usize;
            BARS[i.min(7)]
        })
        .collect()
}

pub(crate) fn hours(minutes: f64) -> String {
    let m = minutes.round() as u64;
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(round: &str, minute: i64, overall: Option<f64>, dims: &[(&str, u8)]) -> Summary {
        Summary {
            id: format!("s{minute}"),
            path: "x".into(),
            round: round.into(),
            level: "mid".into(),
            started_at: Timestamp::from_second(1_800_000_000 + minute * 3600).unwrap(),
            backend: "offline".into(),
            status: crate::transcript::store::SessionStatus::Completed,
            questions: Some(2),
            answers: Some(4),
            duration_s: Some(30 * 60),
            overall,
            scorer: overall.map(|_| crate::scoring::Scorer::Offline),
            dimensions: dims
                .iter()
                .map(|(d, s)| (d.to_string(), Some(*s)))
                .collect(),
            problems: vec![],
        }
    }

    #[test]
    fn weakest_round_recurring_weak_spots_and_the_trap() {
        let cat = Catalog::builtin();
        let mut s = Vec::new();
        for i in 0..6 {
            s.push(summary("coding", i, Some(3.5), &[("debugging", 4)]));
        }
        for i in 0..2 {
            s.push(summary(
                "system-design",
                10 + i,
                Some(1.75),
                &[("eval_methodology", 1), ("safety_layer", 3)],
            ));
        }
        let once = compute(&cat, s[6..7].to_vec(), None);
        let sd = once
            .rounds
            .iter()
            .find(|r| r.id == "system-design")
            .unwrap();
        assert!(
            sd.weak_dimensions.is_empty(),
            "one weak session is not a recurring weak spot: {:?}",
            sd.weak_dimensions
        );
        let p = compute(&cat, s, None);
        assert_eq!(p.weakest_round.as_deref(), Some("system-design"));
        let sd = p.rounds.iter().find(|r| r.id == "system-design").unwrap();
        assert_eq!(sd.weak_dimensions.len(), 1);
        assert_eq!(
            sd.weak_dimensions[0].line,
            "Eval methodology weak in 2 of 2 sessions"
        );
        let trap = p.trap.expect("75 % of the time went to coding");
        assert_eq!(trap.comfortable, vec!["coding"]);
        assert!(trap.message.contains("75 %"), "{}", trap.message);
        assert_eq!(p.never_practised, vec!["ml-fundamentals", "behavioral"]);
    }

    #[test]
    fn balanced_practice_is_no_trap_and_sparklines_use_a_fixed_scale() {
        let cat = Catalog::builtin();
        let s = vec![
            summary("coding", 0, Some(3.5), &[]),
            summary("system-design", 1, Some(2.0), &[]),
            summary("system-design", 2, Some(2.5), &[]),
        ];
        let p = compute(&cat, s, None);
        assert!(p.trap.is_none());
        assert_eq!(sparkline(&[1.0, 2.5, 4.0]), "▁▅█");
        let sd = p.rounds.iter().find(|r| r.id == "system-design").unwrap();
        assert_eq!(sd.direction, Some("improving"));
    }
}
