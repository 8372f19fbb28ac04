//! `mockround plan`: a week-by-week prep plan from the diagnostic, the
//! scores so far and the time left, shaped by the article's advice:
//!
//! - 3–6 weeks of round-by-round work beats a longer unfocused stretch, so
//!   with more than six weeks the first weeks only keep each round warm and
//!   the focused plan covers the last six;
//! - at least one mock per round before the interview;
//! - a hard weekly minimum on the weakest round, every week;
//! - under two weeks: 60 % of the time on system design and behavioral,
//!   coding skipped unless it is the weakest round;
//! - after "stuck across all" in the diagnostic: start with ML fundamentals,
//!   compress ML fundamentals and coding, give system design the most time.
//!
//! The weakest round is the one `progress` names (scores first, then the
//! diagnostic); with neither, system design, the round the article finds
//! most often under-prepared. Dates are relative to today.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;

use crate::review::diagnose::PHASES;
use crate::review::progress::{Progress, WeakestBasis};
use crate::rounds::Catalog;

/// Sessions of the weakest round every week, whatever the week's focus.
pub const WEEKLY_MINIMUM: u32 = 2;
/// Mock sessions in a focus week (two half-week blocks of two).
pub const FOCUS_SESSIONS: u32 = 4;
/// Weeks of focused work at most; earlier weeks only keep rounds warm.
pub const MAX_FOCUS_WEEKS: u32 = 6;
/// Days left below which the time-pressure rule applies.
pub const COMPRESSED_BELOW_DAYS: i64 = 14;
/// Days assumed when neither --weeks nor --interview-date is given.
pub const DEFAULT_DAYS: i64 = 28;

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub today: Date,
    pub interview_date: Date,
    pub days_left: i64,
    pub weeks: u32,
    pub mode: Mode,
    pub weakest_round: String,
    pub weakest_basis: WeakestBasis,
    pub level: Option<String>,
    /// Rounds in priority order.
    pub order: Vec<String>,
    /// Rounds left out, with why.
    pub skipped: Vec<Skipped>,
    pub schedule: Vec<Week>,
    /// Share of the planned minutes per round.
    pub share: Vec<Share>,
    pub notes: Vec<String>,
}

/// How the weeks are shaped, from the time left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Under two weeks: the time-pressure rule.
    Compressed,
    /// Two to six weeks, round by round.
    Standard,
    /// More than six weeks: warm-up weeks, then six focused ones.
    Extended,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub round: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Week {
    pub week: u32,
    pub from: Date,
    pub to: Date,
    pub focus: Vec<String>,
    pub sessions: Vec<SessionItem>,
    pub tasks: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionItem {
    pub round: String,
    pub count: u32,
    pub command: String,
    pub why: Why,
}

/// Why a session is in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    Focus,
    WeeklyMinimum,
    MockPerRound,
    WarmUp,
    DressRehearsal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub round: String,
    pub sessions: u32,
    pub minutes: u32,
    pub percent: f64,
}

fn command(round: &str, level: Option<&str>) -> String {
    match level {
        Some(l) => format!("mockround start {round} --level {l}"),
        None => format!("mockround start {round}"),
    }
}

/// What every part of the plan is built from.
struct Setup<'a> {
    catalog: &'a Catalog,
    today: Date,
    interview_date: Date,
    days: i64,
    weeks: u32,
    weakest: String,
    level: Option<String>,
    order: Vec<String>,
    /// The diagnostic said stuck across all rounds.
    stuck_everywhere: bool,
}

impl Setup<'_> {
    /// The first and last day of week `k` (1-based), never past the day
    /// before the interview.
    fn week_dates(&self, k: u32) -> (Date, Date) {
        let from = self
            .today
            .checked_add(((k as i64 - 1) * 7).days())
            .unwrap_or(self.today);
        let last = self
            .interview_date
            .checked_sub(1.days())
            .unwrap_or(self.today);
        let to = from
            .checked_add(6.days())
            .unwrap_or(from)
            .min(last)
            .max(from);
        (from, to)
    }

    fn level(&self) -> Option<&str> {
        self.level.as_deref()
    }

    fn add(&self, sessions: &mut Vec<SessionItem>, round: &str, n: u32, why: Why) {
        add(sessions, round, n, why, self.level());
    }
}

/// Build the plan. Pure: everything it needs is passed in.
pub fn build(catalog: &Catalog, progress: &Progress, today: Date, days: i64) -> Plan {
    let (weakest, basis) = match (&progress.weakest_round, progress.weakest_basis) {
        (Some(w), Some(b)) => (w.clone(), b),
        _ => ("system-design".to_string(), WeakestBasis::Default),
    };
    let setup = Setup {
        catalog,
        today,
        interview_date: today.checked_add(days.days()).unwrap_or(today),
        days,
        weeks: ((days + 6) / 7) as u32,
        order: priority(catalog, progress, &weakest),
        weakest,
        level: latest_level(progress),
        stuck_everywhere: progress
            .diagnostic
            .as_ref()
            .is_some_and(|d| d.branch == "all"),
    };
    let mode = if days < COMPRESSED_BELOW_DAYS {
        Mode::Compressed
    } else if setup.weeks <= MAX_FOCUS_WEEKS {
        Mode::Standard
    } else {
        Mode::Extended
    };
    let (schedule, skipped, notes) = match mode {
        Mode::Compressed => compressed(&setup),
        Mode::Standard | Mode::Extended => round_by_round(&setup),
    };
    let share = shares(catalog, &schedule);
    Plan {
        today,
        interview_date: setup.interview_date,
        days_left: days,
        weeks: setup.weeks,
        mode,
        weakest_round: setup.weakest,
        weakest_basis: basis,
        level: setup.level,
        order: setup.order,
        skipped,
        schedule,
        share,
        notes,
    }
}

/// The level of the most recent session, so mocks match the target job.
fn latest_level(progress: &Progress) -> Option<String> {
    progress
        .rounds
        .iter()
        .filter(|r| r.last_practised.is_some())
        .max_by_key(|r| r.last_practised)
        .and_then(|r| r.level.clone())
        .filter(|l| crate::rounds::LEVELS.contains(&l.as_str()))
}

/// Priority: the weakest, then the diagnostic's order, then lower scores.
fn priority(catalog: &Catalog, progress: &Progress, weakest: &str) -> Vec<String> {
    let mut order = vec![weakest.to_string()];
    let mut rest: Vec<String> = match &progress.diagnostic {
        Some(d) => d.order.clone(),
        None => {
            let mut ids: Vec<String> = PHASES.iter().map(|s| s.to_string()).collect();
            let score = |id: &str| {
                progress
                    .rounds
                    .iter()
                    .find(|r| r.id == id)
                    .and_then(|r| r.recent)
                    .unwrap_or(2.5)
            };
            ids.sort_by(|a, b| score(a).total_cmp(&score(b)));
            ids
        }
    };
    rest.retain(|r| catalog.get(r).is_some());
    for r in rest {
        if !order.contains(&r) {
            order.push(r);
        }
    }
    order
}

type Shaped = (Vec<Week>, Vec<Skipped>, Vec<String>);

/// Under two weeks: one mock a day, 60 % on system design and behavioral,
/// coding skipped unless it is the weakest round.
fn compressed(setup: &Setup) -> Shaped {
    let weakest = &setup.weakest;
    let notes = vec![format!(
        "Under two weeks: 60 % of the time on system design and behavioral, coding skipped unless it is your weakest round, a hard minimum of {WEEKLY_MINIMUM} sessions a week on {weakest}."
    )];
    let mut skipped = Vec::new();
    if weakest != "coding" {
        skipped.push(Skipped {
            round: "coding".into(),
            why: "under two weeks the article says skip coding unless it is your weakest round"
                .into(),
        });
    }
    let counts = compressed_counts(setup);
    let caps = week_caps(setup, counts.iter().map(|c| c.1).sum());
    let per_week = deal_sessions(setup, counts, &caps);
    let schedule = per_week
        .into_iter()
        .enumerate()
        .map(|(i, sessions)| compressed_week(setup, i as u32 + 1, sessions))
        .collect();
    (schedule, skipped, notes)
}

/// Sessions per round in a compressed plan.
fn compressed_counts(setup: &Setup) -> Vec<(String, u32)> {
    let weakest = &setup.weakest;
    // One mock a day, the day before the interview kept light.
    let total = (setup.days - 1).clamp(2, 12) as u32;
    let sd_beh = (total * 6).div_ceil(10);
    // System design is the higher-stakes of the two unless behavioral is
    // the weakest round.
    let (first, second) = if weakest == "behavioral" {
        ("behavioral", "system-design")
    } else {
        ("system-design", "behavioral")
    };
    let mut counts: Vec<(String, u32)> = vec![
        (first.to_string(), sd_beh.div_ceil(2)),
        (second.to_string(), sd_beh / 2),
    ];
    // The other 40 %: the weakest round if it is not one of the two (its
    // weekly minimum first), the rest to ML fundamentals.
    let remaining = total - sd_beh;
    let outside = !["system-design", "behavioral", "ml-fundamentals"].contains(&weakest.as_str());
    let for_weakest = if outside {
        remaining.min(WEEKLY_MINIMUM * setup.weeks)
    } else {
        0
    };
    counts.push((weakest.clone(), for_weakest));
    counts.push(("ml-fundamentals".into(), remaining - for_weakest));
    counts.retain(|c| c.1 > 0);
    counts
}

/// Each week's share of `total` sessions follows its number of days.
fn week_caps(setup: &Setup, total: u32) -> Vec<u32> {
    let mut caps = Vec::new();
    let mut left_total = total;
    for k in 1..=setup.weeks {
        let (from, to) = setup.week_dates(k);
        let week_days = (to - from).get_days() as i64 + 1;
        let days_after = ((setup.interview_date - to).get_days() as i64 - 1).max(0);
        let cap = if k == setup.weeks {
            left_total
        } else {
            let share = left_total as f64 * week_days as f64 / (week_days + days_after) as f64;
            (share.round() as u32).min(left_total)
        };
        left_total -= cap;
        caps.push(cap);
    }
    caps
}

/// The weakest round's weekly minimum goes first in every week; everything
/// else is dealt out round-robin in priority order, so each round shows up
/// in each week where possible.
fn deal_sessions(
    setup: &Setup,
    mut left: Vec<(String, u32)>,
    caps: &[u32],
) -> Vec<Vec<SessionItem>> {
    let weakest = &setup.weakest;
    let mut per_week: Vec<Vec<SessionItem>> = caps.iter().map(|_| Vec::new()).collect();
    let mut room = caps.to_vec();
    let mut weakest_left = left
        .iter()
        .find(|c| &c.0 == weakest)
        .map(|c| c.1)
        .unwrap_or(0);
    for (w, sessions) in per_week.iter_mut().enumerate() {
        let n = WEEKLY_MINIMUM.min(room[w]).min(weakest_left);
        if n > 0 {
            setup.add(sessions, weakest, n, Why::WeeklyMinimum);
            room[w] -= n;
            weakest_left -= n;
        }
    }
    if let Some(c) = left.iter_mut().find(|c| &c.0 == weakest) {
        c.1 = weakest_left;
    }
    let mut deck: Vec<String> = Vec::new();
    while left.iter().any(|c| c.1 > 0) {
        for r in &setup.order {
            if let Some(c) = left.iter_mut().find(|c| &c.0 == r && c.1 > 0) {
                c.1 -= 1;
                deck.push(r.clone());
            }
        }
        // rounds outside `order` (none today) must not loop forever
        left.retain(|c| setup.order.contains(&c.0));
    }
    let mut w = 0;
    for r in deck {
        while w < room.len() && room[w] == 0 {
            w += 1;
        }
        if w == room.len() {
            break;
        }
        setup.add(&mut per_week[w], &r, 1, Why::Focus);
        room[w] -= 1;
    }
    per_week
}

fn compressed_week(setup: &Setup, k: u32, sessions: Vec<SessionItem>) -> Week {
    let (from, to) = setup.week_dates(k);
    let focus: Vec<String> = sessions.iter().map(|s| s.round.clone()).collect();
    let mut tasks = vec![
        "After each session: `mockround replay last` and read what the interviewer was looking for.".to_string(),
    ];
    if k == 1 {
        tasks.push(
            "Write down three real AI production situations for behavioral, at the \"what I'd do differently\" level (`mockround rounds behavioral`).".into(),
        );
    }
    if k == setup.weeks {
        tasks.push(
            "The day before: no new material; one short behavioral run-through, then rest.".into(),
        );
    }
    Week {
        week: k,
        from,
        to,
        focus,
        sessions,
        tasks,
    }
}

/// Two weeks or more: warm-up weeks beyond six, then half-week focus
/// blocks, and a dress rehearsal in the last week.
fn round_by_round(setup: &Setup) -> Shaped {
    let weeks = setup.weeks;
    let warm_weeks = weeks.saturating_sub(MAX_FOCUS_WEEKS);
    let focus_weeks = weeks - warm_weeks;
    let mut notes = Vec::new();
    if warm_weeks > 0 {
        notes.push(format!(
            "{weeks} weeks is more than the article's 3–6: weeks 1–{warm_weeks} keep every round warm with one session a week, and the focused plan starts in week {}.",
            warm_weeks + 1
        ));
    } else {
        notes.push(
            "Round by round: each week has a focus, the last week is a dress rehearsal with a mock of every round.".into(),
        );
    }
    notes.push(format!(
        "A hard minimum of {WEEKLY_MINIMUM} sessions of {} every week of the focused plan, whatever the week's focus.",
        setup.weakest
    ));
    if setup.stuck_everywhere {
        notes.push("Your diagnostic was stuck across all rounds: ML fundamentals first, ML fundamentals and coding compressed, system design gets the most time.".into());
    }
    let mut schedule: Vec<Week> = (1..=warm_weeks).map(|k| warm_up_week(setup, k)).collect();
    let rehearsal = focus_weeks >= 3;
    let focus_only = if rehearsal {
        focus_weeks - 1
    } else {
        focus_weeks
    };
    let seq = focus_sequence(setup);
    let laid = lay_blocks(setup, &seq, (focus_only * 2) as usize);
    for i in 0..focus_only {
        schedule.push(focus_week(setup, warm_weeks + i + 1, i, &laid));
    }
    if rehearsal {
        schedule.push(rehearsal_week(setup, &seq));
    }
    mock_per_round(setup, &mut schedule);
    (schedule, Vec::new(), notes)
}

fn warm_up_week(setup: &Setup, k: u32) -> Week {
    let (from, to) = setup.week_dates(k);
    let round = if k % 2 == 1 {
        setup.weakest.clone()
    } else {
        setup.order[((k / 2) as usize) % setup.order.len()].clone()
    };
    Week {
        week: k,
        from,
        to,
        focus: vec![],
        sessions: vec![SessionItem {
            command: command(&round, setup.level()),
            round,
            count: 1,
            why: Why::WarmUp,
        }],
        tasks: vec!["Keep it light: one session, then replay it.".into()],
    }
}

/// The rounds the focus blocks go through, in order.
fn focus_sequence(setup: &Setup) -> Vec<String> {
    let mut seq: Vec<String> = if setup.stuck_everywhere {
        ["ml-fundamentals", "system-design", "coding", "behavioral"]
            .map(String::from)
            .to_vec()
    } else {
        setup.order.clone()
    };
    seq.retain(|r| setup.catalog.get(r).is_some());
    seq
}

/// Half-week focus blocks: one per round (as far as they go), then extra
/// blocks to the heavy round (the weakest, or system design when stuck
/// everywhere), then to the normal ones in priority order; a round's blocks
/// stay together.
fn lay_blocks(setup: &Setup, seq: &[String], blocks: usize) -> Vec<String> {
    let heavy = if setup.stuck_everywhere {
        "system-design".to_string()
    } else {
        setup.weakest.clone()
    };
    let light: &[&str] = if setup.stuck_everywhere {
        &["ml-fundamentals", "coding"]
    } else {
        &[]
    };
    let mut alloc: Vec<(String, usize)> = seq.iter().map(|r| (r.clone(), 0)).collect();
    let mut given = 0;
    for a in alloc.iter_mut() {
        if given < blocks {
            a.1 = 1;
            given += 1;
        }
    }
    let normals: Vec<&String> = seq
        .iter()
        .filter(|r| !light.contains(&r.as_str()) && **r != heavy)
        .collect();
    let mut turn = 0usize;
    while given < blocks {
        let pick = if turn % 2 == 0 || normals.is_empty() {
            heavy.clone()
        } else {
            normals[(turn / 2) % normals.len()].clone()
        };
        if let Some(a) = alloc.iter_mut().find(|a| a.0 == pick) {
            a.1 += 1;
        }
        given += 1;
        turn += 1;
    }
    alloc
        .into_iter()
        .flat_map(|(r, n)| std::iter::repeat_n(r, n))
        .collect()
}

/// Focus week `k`, the `i`-th of the focused plan (0-based).
fn focus_week(setup: &Setup, k: u32, i: u32, laid: &[String]) -> Week {
    let (from, to) = setup.week_dates(k);
    let block = |j: u32| {
        laid.get(j as usize)
            .or(laid.last())
            .unwrap_or(&setup.weakest)
    };
    let pair = [block(2 * i), block(2 * i + 1)];
    let mut sessions: Vec<SessionItem> = Vec::new();
    for r in pair {
        setup.add(&mut sessions, r, FOCUS_SESSIONS / 2, Why::Focus);
    }
    top_up(&mut sessions, &setup.weakest, setup.level());
    let mut focus: Vec<String> = pair.iter().map(|s| s.to_string()).collect();
    focus.dedup();
    let mut tasks: Vec<String> = focus
        .iter()
        .map(|r| {
            format!(
                "Work through the \"before you move on\" checklist of {r}: `mockround rounds {r}`."
            )
        })
        .collect();
    if i == 0 {
        tasks.push("Self-score after the first session (`mockround score last --self`) to see where your sense of the round is off.".into());
    }
    tasks.push("End of the week: `mockround progress`, and move the weekly minimum if the weakest round changed.".into());
    Week {
        week: k,
        from,
        to,
        focus,
        sessions,
        tasks,
    }
}

fn rehearsal_week(setup: &Setup, seq: &[String]) -> Week {
    let (from, to) = setup.week_dates(setup.weeks);
    let mut sessions = Vec::new();
    for r in seq {
        setup.add(&mut sessions, r, 1, Why::DressRehearsal);
    }
    top_up(&mut sessions, &setup.weakest, setup.level());
    Week {
        week: setup.weeks,
        from,
        to,
        focus: vec!["all rounds".into()],
        sessions,
        tasks: vec![
            "One full mock of every round, under time, without notes.".into(),
            "`mockround report last --format html -o report.html` for the one you would least like to repeat, and read it the day before.".into(),
        ],
    }
}

/// At least one mock per round before the interview.
fn mock_per_round(setup: &Setup, schedule: &mut [Week]) {
    for r in PHASES.iter().filter(|r| setup.catalog.get(r).is_some()) {
        let has = schedule
            .iter()
            .any(|w| w.sessions.iter().any(|s| s.round == *r));
        if !has {
            if let Some(last) = schedule.last_mut() {
                setup.add(&mut last.sessions, r, 1, Why::MockPerRound);
            }
        }
    }
}

/// Share of the planned sessions and minutes per round, largest first.
fn shares(catalog: &Catalog, schedule: &[Week]) -> Vec<Share> {
    let minutes_of = |id: &str| catalog.get(id).map(|r| r.minutes).unwrap_or(45);
    let mut share: Vec<Share> = Vec::new();
    for s in schedule.iter().flat_map(|w| &w.sessions) {
        match share.iter_mut().find(|x| x.round == s.round) {
            Some(x) => x.sessions += s.count,
            None => share.push(Share {
                round: s.round.clone(),
                sessions: s.count,
                minutes: 0,
                percent: 0.0,
            }),
        }
    }
    for s in &mut share {
        s.minutes = s.sessions * minutes_of(&s.round);
    }
    let total: u32 = share.iter().map(|s| s.minutes).sum();
    for s in &mut share {
        s.percent = if total == 0 {
            0.0
        } else {
            (s.minutes as f64 * 1000.0 / total as f64).round() / 10.0
        };
    }
    share.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.round.cmp(&b.round)));
    share
}

fn add(sessions: &mut Vec<SessionItem>, round: &str, n: u32, why: Why, level: Option<&str>) {
    match sessions.iter_mut().find(|s| s.round == round) {
        Some(s) => s.count += n,
        None => sessions.push(SessionItem {
            round: round.to_string(),
            count: n,
            command: command(round, level),
            why,
        }),
    }
}

/// Make sure the week has the weekly minimum of the weakest round.
fn top_up(sessions: &mut Vec<SessionItem>, weakest: &str, level: Option<&str>) {
    let have: u32 = sessions
        .iter()
        .filter(|s| s.round == weakest)
        .map(|s| s.count)
        .sum();
    if have < WEEKLY_MINIMUM {
        add(
            sessions,
            weakest,
            WEEKLY_MINIMUM - have,
            Why::WeeklyMinimum,
            level,
        );
        if have == 0 {
            if let Some(s) = sessions.iter_mut().find(|s| s.round == weakest) {
                s.why = Why::WeeklyMinimum;
            }
        }
    }
}
