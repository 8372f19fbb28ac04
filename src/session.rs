//! The interview state machine: which question, how many follow-ups, the
//! clock, when to move on and when to wrap up.
//!
//! It decides structure only. What the interviewer says is up to the engine
//! (offline or LLM), which receives a [`Next`] and phrases it. Time is passed
//! in by the caller, so the machine is deterministic and testable without a
//! clock or a model.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::coverage::AnswerAnalysis;
use crate::rng::Rng;
use crate::rounds::{Question, Round, LEVELS};
use crate::transcript::{Role, Target, Transcript, TurnKind};

/// What the session wants to happen after the last answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Ask a new question (the first one too).
    Question { question_id: String },
    /// Stay on the question and follow up.
    FollowUp(FollowUp),
    /// The interview is over.
    WrapUp(WrapReason),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub target: Aim,
    /// A verbatim phrase of the last answer to tie the follow-up to.
    pub quote: Option<String>,
}

/// What a follow-up is aiming at.
#[derive(Debug, Clone, PartialEq)]
pub enum Aim {
    /// Probe the key point with this id: the answer missed it.
    KeyPoint(String),
    /// Ask the question's pressure follow-up with this index: everything
    /// was covered, so push on tradeoffs and failure cases.
    Pressure(usize),
    /// The answer was empty or "I don't know": encourage, aim at this point.
    Nudge(Option<String>),
    /// The answer did not address the question (or was not in English).
    Redirect {
        key_point: Option<String>,
        foreign: bool,
    },
}

impl Aim {
    /// How the transcript records it.
    pub fn recorded(&self) -> Target {
        match self {
            Aim::KeyPoint(id) => Target::KeyPoint(id.clone()),
            Aim::Pressure(i) => Target::Pressure(*i),
            Aim::Nudge(_) => Target::Nudge,
            Aim::Redirect { .. } => Target::Redirect,
        }
    }

    /// The key point a follow-up aims at, if any.
    pub fn key_point(&self) -> Option<&str> {
        match self {
            Aim::KeyPoint(id) => Some(id),
            Aim::Nudge(k) => k.as_deref(),
            Aim::Redirect { key_point, .. } => key_point.as_deref(),
            Aim::Pressure(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapReason {
    /// Every planned question was asked.
    Done,
    /// The round's time is up.
    Time,
    /// The candidate asked to finish (/end).
    Requested,
}

/// How a session was set up; recorded in the transcript header.
#[derive(Debug, Clone)]
pub struct Plan {
    pub level: String,
    pub minutes: u32,
    pub questions: u32,
    pub follow_ups: u32,
    pub seed: u64,
}

/// The state of the question being asked.
#[derive(Debug, Clone, Default)]
pub struct QuestionState {
    pub id: String,
    pub follow_ups: u32,
    /// What was already asked on this question, never asked twice.
    pub asked: BTreeSet<Target>,
    /// Key points covered by any answer to this question.
    pub covered: BTreeSet<String>,
    /// Key points given away by /hint.
    pub hinted: BTreeSet<String>,
    pub nudged: bool,
    pub redirected: bool,
    /// Elapsed time when the question was asked.
    pub asked_at: Duration,
    pub answers: u32,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub plan: Plan,
    /// Question ids in the order they will be asked (picked up front).
    pub order: Vec<String>,
    /// Questions asked so far.
    pub asked: Vec<String>,
    pub current: Option<QuestionState>,
    warned: bool,
}

/// Seconds before the end at which the candidate is warned.
pub const WARN_AT: Duration = Duration::from_secs(5 * 60);

impl Session {
    /// Pick the questions for a new session. `recent` lists question ids the
    /// user was asked in earlier sessions, most recent first; unseen ones come
    /// first, then the least recently seen.
    pub fn new(
        round: &Round,
        level: &str,
        minutes: Option<u32>,
        questions: Option<u32>,
        follow_ups: Option<u32>,
        seed: u64,
        recent: &[String],
    ) -> Session {
        let minutes = minutes.unwrap_or(round.minutes).max(1);
        let mut rng = Rng::new(seed);
        let level_idx = LEVELS.iter().position(|l| *l == level).unwrap_or(1) as i32;
        let distance = |q: &Question| {
            q.levels
                .iter()
                .filter_map(|l| LEVELS.iter().position(|x| x == l))
                .map(|i| (i as i32 - level_idx).abs())
                .min()
                .unwrap_or(9)
        };
        let seen_rank = |q: &Question| {
            recent
                .iter()
                .position(|r| *r == q.id)
                .map(|p| recent.len() - p) // more recent -> larger -> later
                .unwrap_or(0)
        };
        let mut pool: Vec<&Question> = round.questions.iter().collect();
        rng.shuffle(&mut pool);
        // stable: the shuffle breaks ties between equally good questions
        pool.sort_by_key(|q| (distance(q), seen_rank(q)));

        // Greedy pass that avoids two questions of the same topic in a row.
        let mut order: Vec<&Question> = Vec::new();
        let mut rest = pool;
        while !rest.is_empty() {
            let last_topic = order.last().map(|q| q.topic.clone());
            let pick = rest
                .iter()
                .take(4)
                .position(|q| {
                    Some(&q.topic) != last_topic.as_ref() && distance(q) == distance(rest[0])
                })
                .unwrap_or(0);
            order.push(rest.remove(pick));
        }

        let count = match questions {
            Some(n) => n as usize,
            None => {
                let mut total = 0;
                let mut n = 0;
                for q in &order {
                    if n > 0 && total + q.minutes > minutes {
                        break;
                    }
                    total += q.minutes;
                    n += 1;
                }
                n.max(1)
            }
        }
        .min(order.len());

        Session {
            plan: Plan {
                level: level.to_string(),
                minutes,
                questions: count as u32,
                follow_ups: follow_ups.unwrap_or(round.follow_ups),
                seed,
            },
            order: order.iter().take(count).map(|q| q.id.clone()).collect(),
            asked: Vec::new(),
            current: None,
            warned: false,
        }
    }

    pub fn time_left(&self, elapsed: Duration) -> Duration {
        Duration::from_secs(self.plan.minutes as u64 * 60).saturating_sub(elapsed)
    }

    /// True once, when the clock first crosses five minutes left (only in
    /// rounds longer than ten minutes, where the warning means something).
    pub fn take_warning(&mut self, elapsed: Duration) -> bool {
        if self.warned || self.plan.minutes <= 10 {
            return false;
        }
        let left = self.time_left(elapsed);
        if left <= WARN_AT && left > Duration::ZERO {
            self.warned = true;
            return true;
        }
        false
    }

    pub fn question_number(&self) -> usize {
        self.asked.len()
    }

    /// The first step of a new session.
    pub fn start(&mut self, elapsed: Duration) -> Next {
        self.next_question(elapsed)
    }

    /// Move on to the next question, or wrap up.
    pub fn next_question(&mut self, elapsed: Duration) -> Next {
        if self.time_left(elapsed).is_zero() && !self.asked.is_empty() {
            self.current = None;
            return Next::WrapUp(WrapReason::Time);
        }
        // Starting a question with under two minutes left helps no one.
        if !self.asked.is_empty() && self.time_left(elapsed) < Duration::from_secs(120) {
            self.current = None;
            return Next::WrapUp(WrapReason::Time);
        }
        match self
            .order
            .iter()
            .find(|id| !self.asked.contains(id))
            .cloned()
        {
            Some(id) => {
                self.asked.push(id.clone());
                self.current = Some(QuestionState {
                    id: id.clone(),
                    asked_at: elapsed,
                    ..Default::default()
                });
                Next::Question { question_id: id }
            }
            None => {
                self.current = None;
                Next::WrapUp(WrapReason::Done)
            }
        }
    }

    /// Record an answer and decide what comes next.
    pub fn after_answer(
        &mut self,
        round: &Round,
        analysis: &AnswerAnalysis,
        elapsed: Duration,
    ) -> Next {
        if let Some(cur) = self.current.as_mut() {
            cur.answers += 1;
            cur.covered.extend(analysis.covered());
        }
        self.decide(round, Some(analysis), elapsed)
    }

    /// The candidate used /skip.
    pub fn skip(&mut self, elapsed: Duration) -> Next {
        self.next_question(elapsed)
    }

    /// The key point to give away on /hint: the most important one not yet
    /// covered or hinted. Records it as hinted.
    pub fn hint<'r>(&mut self, round: &'r Round) -> Option<&'r crate::rounds::KeyPoint> {
        let cur = self.current.as_mut()?;
        let q = round.question(&cur.id)?;
        let kp = q
            .key_points
            .iter()
            .find(|k| !cur.covered.contains(&k.id) && !cur.hinted.contains(&k.id))?;
        cur.hinted.insert(kp.id.clone());
        Some(kp)
    }

    /// Record that a follow-up was asked (the engine may have phrased it,
    /// but the structure counts it).
    pub fn record_follow_up(&mut self, target: &Aim) {
        if let Some(cur) = self.current.as_mut() {
            cur.follow_ups += 1;
            cur.asked.insert(target.recorded());
            match target {
                Aim::Nudge(_) => cur.nudged = true,
                Aim::Redirect { .. } => cur.redirected = true,
                _ => {}
            }
        }
    }

    fn decide(
        &mut self,
        round: &Round,
        analysis: Option<&AnswerAnalysis>,
        elapsed: Duration,
    ) -> Next {
        if self.time_left(elapsed).is_zero() {
            self.current = None;
            return Next::WrapUp(WrapReason::Time);
        }
        let Some(cur) = self.current.as_ref() else {
            return self.next_question(elapsed);
        };
        let Some(q) = round.question(&cur.id) else {
            return self.next_question(elapsed);
        };
        let clauses: &[String] = analysis.map(|a| a.clauses.as_slice()).unwrap_or(&[]);
        // Over the question's own time (with some slack), move on.
        let question_budget = Duration::from_secs(q.minutes as u64 * 60 * 3 / 2);
        let over_time = elapsed.saturating_sub(cur.asked_at) > question_budget;
        let budget_left = cur.follow_ups < self.plan.follow_ups && !over_time;
        let missing: Vec<&str> = q
            .key_points
            .iter()
            .filter(|k| {
                !cur.covered.contains(&k.id) && !cur.asked.contains(&Target::KeyPoint(k.id.clone()))
            })
            .map(|k| k.id.as_str())
            .collect();

        if let Some(a) = analysis {
            if a.is_non_answer() {
                // One nudge per question, then move on: pushing someone who
                // is stuck teaches nothing.
                if !cur.nudged && budget_left {
                    return Next::FollowUp(FollowUp {
                        target: Aim::Nudge(missing.first().map(|s| s.to_string())),
                        quote: None,
                    });
                }
                return self.next_question(elapsed);
            }
            if matches!(
                a.shape,
                crate::coverage::Shape::OffTopic | crate::coverage::Shape::Foreign
            ) && !cur.redirected
                && budget_left
            {
                return Next::FollowUp(FollowUp {
                    target: Aim::Redirect {
                        key_point: missing.first().map(|s| s.to_string()),
                        foreign: a.shape == crate::coverage::Shape::Foreign,
                    },
                    quote: None,
                });
            }
        }
        if !budget_left {
            return self.next_question(elapsed);
        }
        if let Some(kp) = missing.first() {
            let probe = q
                .key_points
                .iter()
                .find(|k| k.id == *kp)
                .map(|k| k.probe.as_str())
                .unwrap_or("");
            return Next::FollowUp(FollowUp {
                target: Aim::KeyPoint(kp.to_string()),
                quote: crate::coverage::quote_for(clauses, probe),
            });
        }
        let pressure = (0..q.follow_ups.len()).find(|i| !cur.asked.contains(&Target::Pressure(*i)));
        match pressure {
            Some(i) => Next::FollowUp(FollowUp {
                target: Aim::Pressure(i),
                quote: crate::coverage::quote_for(clauses, &q.follow_ups[i]),
            }),
            None => self.next_question(elapsed),
        }
    }

    /// Rebuild the state of an interrupted session from its transcript, and
    /// say what should happen next: either re-ask the interviewer's last turn
    /// (it was never answered) or decide after the last answer.
    pub fn restore(
        round: &Round,
        t: &Transcript,
        elapsed: Duration,
        recent: &[String],
    ) -> (Session, Resume) {
        let h = &t.header;
        let mut s = Session::new(
            round,
            &h.level,
            h.minutes,
            h.questions,
            None,
            h.seed.unwrap_or(0),
            recent,
        );
        // Keep the original order for the questions not yet asked.
        let asked = t.question_ids();
        s.order.retain(|id| !asked.contains(id));
        let mut order = asked.clone();
        order.extend(s.order.iter().cloned());
        let planned = h.questions.map(|n| n as usize).unwrap_or(order.len());
        order.truncate(planned.max(asked.len()));
        s.order = order;
        s.asked = asked;
        let mut current: Option<QuestionState> = None;
        let mut last_role = None;
        let mut last_interviewer_turn = None;
        for turn in t.turns() {
            last_role = Some(turn.role);
            match (turn.role, turn.kind) {
                (Role::Interviewer, TurnKind::Question) => {
                    current = Some(QuestionState {
                        id: turn.question_id.clone().unwrap_or_default(),
                        ..Default::default()
                    });
                    last_interviewer_turn = Some(turn.clone());
                }
                (Role::Interviewer, TurnKind::FollowUp) => {
                    if let Some(c) = current.as_mut() {
                        c.follow_ups += 1;
                        if let Some(target) = &turn.target {
                            c.asked.insert(target.clone());
                            match target {
                                Target::Nudge => c.nudged = true,
                                Target::Redirect => c.redirected = true,
                                _ => {}
                            }
                        }
                    }
                    last_interviewer_turn = Some(turn.clone());
                }
                (Role::Interviewer, TurnKind::Hint) => {
                    let hinted = turn.target.as_ref().and_then(|t| t.key_point());
                    if let (Some(c), Some(id)) = (current.as_mut(), hinted) {
                        c.hinted.insert(id.to_string());
                    }
                }
                (Role::Candidate, _) => {
                    if let Some(c) = current.as_mut() {
                        c.answers += 1;
                        if let Some(cov) = &turn.covered {
                            c.covered.extend(cov.iter().cloned());
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(c) = current.as_mut() {
            c.asked_at = elapsed;
        }
        s.current = current;
        s.warned = s.time_left(elapsed) <= WARN_AT;
        let resume = match (last_role, last_interviewer_turn) {
            (Some(Role::Interviewer), Some(turn)) if s.current.is_some() => {
                Resume::Reask(turn.text)
            }
            (None, _) => Resume::Decide(s.start(elapsed)),
            _ => Resume::Decide(s.decide(round, None, elapsed)),
        };
        (s, resume)
    }
}

/// Where a restored session picks up.
#[derive(Debug, Clone, PartialEq)]
pub enum Resume {
    /// The interviewer's last turn was never answered: show it again.
    Reask(String),
    /// Continue with this step.
    Decide(Next),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::analyse;
    use crate::rounds::Catalog;

    fn round() -> Round {
        Catalog::builtin().get("system-design").unwrap().clone()
    }

    #[test]
    fn same_seed_same_questions_and_no_repeats() {
        let r = round();
        let a = Session::new(&r, "mid", None, Some(4), None, 42, &[]);
        let b = Session::new(&r, "mid", None, Some(4), None, 42, &[]);
        assert_eq!(a.order, b.order);
        let set: BTreeSet<_> = a.order.iter().collect();
        assert_eq!(set.len(), a.order.len());
        for id in &a.order {
            assert!(r.question(id).unwrap().fits_level("mid"));
        }
    }

    #[test]
    fn recently_seen_questions_come_last() {
        let r = round();
        let first = Session::new(&r, "mid", None, Some(3), None, 1, &[]);
        let again = Session::new(&r, "mid", None, Some(3), None, 1, &first.order);
        assert!(
            again.order.iter().all(|id| !first.order.contains(id)),
            "{:?} vs {:?}",
            again.order,
            first.order
        );
    }

    #[test]
    fn thin_answer_gets_a_probe_full_answer_gets_pressure() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(1), None, 3, &[]);
        let Next::Question { question_id } = s.start(Duration::ZERO) else {
            panic!()
        };
        let q = r.question(&question_id).unwrap().clone();
        let thin = analyse(
            &q,
            "I would build a backend service and put a load balancer in front of it.",
        );
        let Next::FollowUp(f) = s.after_answer(&r, &thin, Duration::from_secs(60)) else {
            panic!()
        };
        assert_eq!(f.target, Aim::KeyPoint(q.key_points[0].id.clone()));

        let mut s = Session::new(&r, "mid", None, Some(1), None, 3, &[]);
        s.start(Duration::ZERO);
        let mut full = analyse(&q, "x y z a b c");
        for p in &mut full.points {
            p.level = crate::coverage::Level::Covered;
        }
        let Next::FollowUp(f) = s.after_answer(&r, &full, Duration::from_secs(60)) else {
            panic!()
        };
        assert_eq!(f.target, Aim::Pressure(0));
    }

    #[test]
    fn follow_up_budget_and_single_nudge() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(2), Some(2), 5, &[]);
        s.start(Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let idk = analyse(&q, "I don't know");
        let next = s.after_answer(&r, &idk, Duration::from_secs(10));
        let Next::FollowUp(f) = next else {
            panic!("{next:?}")
        };
        assert!(matches!(f.target, Aim::Nudge(_)));
        s.record_follow_up(&f.target);
        // a second non-answer moves on
        assert!(matches!(
            s.after_answer(&r, &idk, Duration::from_secs(20)),
            Next::Question { .. }
        ));
        // second question: two probes, then move on
        let thin = analyse(
            r.question(&s.asked[1]).unwrap(),
            "It depends on the requirements really.",
        );
        for _ in 0..2 {
            let Next::FollowUp(f) = s.after_answer(&r, &thin, Duration::from_secs(30)) else {
                panic!()
            };
            s.record_follow_up(&f.target);
        }
        assert_eq!(
            s.after_answer(&r, &thin, Duration::from_secs(40)),
            Next::WrapUp(WrapReason::Done)
        );
    }

    #[test]
    fn probes_are_never_repeated() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(1), Some(5), 9, &[]);
        s.start(Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let thin = analyse(
            &q,
            "We would use a big model and some servers to run everything.",
        );
        let mut seen = BTreeSet::new();
        while let Next::FollowUp(f) = s.after_answer(&r, &thin, Duration::from_secs(5)) {
            assert!(seen.insert(f.target.recorded()), "repeated {:?}", f.target);
            s.record_follow_up(&f.target);
        }
        assert_eq!(seen.len(), 5);
    }

    #[test]
    fn clock_warns_once_and_wraps_up() {
        let r = round();
        let mut s = Session::new(&r, "mid", Some(30), Some(5), None, 1, &[]);
        s.start(Duration::ZERO);
        assert!(!s.take_warning(Duration::from_secs(60)));
        assert!(s.take_warning(Duration::from_secs(26 * 60)));
        assert!(!s.take_warning(Duration::from_secs(27 * 60)));
        let q = r.question(&s.asked[0]).unwrap().clone();
        let a = analyse(&q, "something about chunking");
        assert_eq!(
            s.after_answer(&r, &a, Duration::from_secs(31 * 60)),
            Next::WrapUp(WrapReason::Time)
        );
    }
}
