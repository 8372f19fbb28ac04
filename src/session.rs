//! The interview state machine: which question, how many follow-ups, the
//! clock, when to move on and when to wrap up.
//!
//! It decides structure only. What the interviewer says is up to the engine
//! (offline or LLM), which receives a [`Next`] and phrases it. Time is passed
//! in by the caller, so the machine is deterministic and testable without a
//! clock or a model.
//!
//! After an answer, in this order: a non-answer gets one nudge, a paste one
//! "in your own words", an off-topic answer one redirect, then the session
//! moves on; a stated misconception is challenged; a missed key point is
//! probed (most important first, acknowledging what the answer did cover);
//! a partly covered one is probed deeper; when everything is covered, the
//! answer's weakest claim is pushed on, then the bank's pressure follow-ups.
//! Nothing already asked is asked again, and no covered point is probed.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::coverage::{self, AnswerAnalysis, ClaimKind, Level, Shape};
use crate::rng::Rng;
use crate::rounds::{KeyPoint, Question, Round, LEVELS};
use crate::runner::Verdict;
use crate::transcript::{
    AnalysisEvent, Event, RecordedClaim, RecordedMisconception, Role, RunEvent, Target, Transcript,
    TurnKind,
};

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
    /// A verbatim phrase of the last answer that leads into the follow-up.
    pub quote: Option<String>,
    /// A key point the last answer covered, worth acknowledging before
    /// probing a gap ("You've put permissions at retrieval time.").
    pub acknowledge: Option<String>,
}

/// What a follow-up is aiming at.
#[derive(Debug, Clone, PartialEq)]
pub enum Aim {
    /// Probe the key point with this id: the answer missed it.
    KeyPoint(String),
    /// The answer touched this key point without its substance: go deeper.
    Deeper(String),
    /// Ask the question's pressure follow-up with this index.
    Pressure(usize),
    /// Push on a weak claim of the last answer (the quote is the claim).
    Claim(ClaimKind),
    /// Challenge a misconception the answer stated.
    Misconception {
        id: String,
        key_point: Option<String>,
    },
    /// The answer was empty or "I don't know": encourage, aim at this point.
    Nudge(Option<String>),
    /// The answer did not address the question (or was not in English).
    Redirect {
        key_point: Option<String>,
        foreign: bool,
    },
    /// The answer had no sentence structure: ask for it in their own words.
    Pasted,
    /// The candidate's code failed this case of the suite (`/run`; `load`:
    /// it did not load): ask about it.
    Run(String),
}

impl Aim {
    /// How the transcript records it.
    pub fn recorded(&self) -> Target {
        match self {
            Aim::KeyPoint(id) | Aim::Deeper(id) => Target::KeyPoint(id.clone()),
            Aim::Pressure(i) => Target::Pressure(*i),
            Aim::Claim(k) => Target::Claim(*k),
            Aim::Misconception { id, .. } => Target::Misconception(id.clone()),
            Aim::Nudge(_) => Target::Nudge,
            Aim::Redirect { .. } => Target::Redirect,
            Aim::Pasted => Target::Pasted,
            Aim::Run(case) => Target::Run(case.clone()),
        }
    }

    /// The key point a follow-up aims at, if any.
    pub fn key_point(&self) -> Option<&str> {
        match self {
            Aim::KeyPoint(id) | Aim::Deeper(id) => Some(id),
            Aim::Nudge(k) => k.as_deref(),
            Aim::Redirect { key_point, .. } | Aim::Misconception { key_point, .. } => {
                key_point.as_deref()
            }
            Aim::Pressure(_) | Aim::Claim(_) | Aim::Pasted | Aim::Run(_) => None,
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

/// How the question before this one went, so the next question's lead-in
/// fits it (no "Good" after a non-answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every key point covered.
    Strong,
    /// Some key points covered.
    Partial,
    /// Answered, but nothing covered.
    Thin,
    /// Only non-answers (empty, "I don't know", pasted, off topic).
    NonAnswer,
    /// Answered earlier, but the last reply was a non-answer: leaving it
    /// on a "Good" would praise the reply just given.
    EndedOffAnswer,
    /// The candidate used /skip.
    Skipped,
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
    /// Key points touched without their substance (and not covered since).
    pub partial: BTreeSet<String>,
    /// Key points an answer contradicted (and none covered since).
    pub contradicted: BTreeSet<String>,
    /// Hint levels used per key point (1 to 3), and the last one hinted.
    pub hints: BTreeMap<String, u8>,
    pub last_hint: Option<String>,
    /// Key points already acknowledged.
    pub acknowledged: BTreeSet<String>,
    pub nudged: bool,
    pub redirected: bool,
    pub pasted: bool,
    pub skipped: bool,
    /// At least one answer that was an answer.
    pub answered: bool,
    /// Elapsed time when the question was asked.
    pub asked_at: Duration,
    pub answers: u32,
    /// The last answer's analysis: what the next follow-up works from.
    pub last: Option<AnswerAnalysis>,
}

impl QuestionState {
    fn outcome(&self, question: Option<&Question>) -> Outcome {
        let all =
            question.is_some_and(|q| q.key_points.iter().all(|k| self.covered.contains(&k.id)));
        if self.skipped && !self.answered {
            Outcome::Skipped
        } else if !self.answered {
            Outcome::NonAnswer
        } else if self.last.as_ref().is_some_and(|a| a.shape != Shape::Answer) {
            Outcome::EndedOffAnswer
        } else if all {
            Outcome::Strong
        } else if !self.covered.is_empty() {
            Outcome::Partial
        } else {
            Outcome::Thin
        }
    }

    /// Fold one answer's analysis into the question's state.
    fn absorb(&mut self, a: &AnswerAnalysis) {
        self.answers += 1;
        if a.shape == Shape::Answer {
            self.answered = true;
        }
        for p in &a.points {
            match p.level {
                Level::Covered => {
                    self.covered.insert(p.id.clone());
                    self.partial.remove(&p.id);
                    self.contradicted.remove(&p.id);
                }
                Level::Partial if !self.covered.contains(&p.id) => {
                    self.partial.insert(p.id.clone());
                }
                Level::Contradicted => {
                    self.contradicted.insert(p.id.clone());
                }
                _ => {}
            }
        }
        self.last = Some(a.clone());
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub plan: Plan,
    /// Question ids in the order they will be asked (picked up front).
    pub order: Vec<String>,
    /// Questions asked so far.
    pub asked: Vec<String>,
    pub current: Option<QuestionState>,
    /// How the previous question went (None before the second question).
    pub previous: Option<Outcome>,
    warned: bool,
}

/// The most time before the end at which the candidate is warned.
pub const WARN_AT: Duration = Duration::from_secs(5 * 60);

impl Session {
    /// Pick the questions for a new session. `recent` lists question ids the
    /// user was asked in earlier sessions, most recent first; unseen ones come
    /// first, then the least recently seen. (Callers pass no history when
    /// the user gave a seed, so a seed reproduces the same interview.)
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
        let order = ranked(round, level, seed, recent);
        let count = match questions {
            Some(n) => n as usize,
            None => fitting(&order, minutes),
        }
        .min(order.len());
        let mut order: Vec<String> = order.iter().map(|q| q.id.clone()).collect();
        both_tracks(round, &mut order, count, recent);
        order.truncate(count);
        Session {
            plan: Plan {
                level: level.to_string(),
                minutes,
                questions: count as u32,
                follow_ups: follow_ups.unwrap_or(round.follow_ups),
                seed,
            },
            order,
            asked: Vec::new(),
            current: None,
            previous: None,
            warned: false,
        }
    }

    /// Ask these questions first (`start --question`). Without an explicit
    /// number of questions, only these are asked.
    pub fn ask_first(&mut self, ids: &[String], count_given: bool) {
        let mut order: Vec<String> = ids.to_vec();
        order.extend(self.order.iter().filter(|id| !ids.contains(id)).cloned());
        let count = if count_given {
            (self.plan.questions as usize).max(ids.len())
        } else {
            ids.len()
        };
        order.truncate(count);
        self.plan.questions = order.len() as u32;
        self.order = order;
    }

    pub fn time_left(&self, elapsed: Duration) -> Duration {
        Duration::from_secs(self.plan.minutes as u64 * 60).saturating_sub(elapsed)
    }

    /// How long before the end the candidate is warned: five minutes, or
    /// a fifth of a shorter round (two minutes of a ten-minute round), so
    /// every round gets its warning while there is time to act on it.
    pub fn warn_at(&self) -> Duration {
        WARN_AT.min(Duration::from_secs(self.plan.minutes as u64 * 60 / 5))
    }

    /// True once, when the clock first crosses [`Session::warn_at`].
    pub fn take_warning(&mut self, elapsed: Duration) -> bool {
        if self.warned {
            return false;
        }
        let left = self.time_left(elapsed);
        if left <= self.warn_at() && left > Duration::ZERO {
            self.warned = true;
            return true;
        }
        false
    }

    pub fn question_number(&self) -> usize {
        self.asked.len()
    }

    /// The first step of a new session.
    pub fn start(&mut self, round: &Round, elapsed: Duration) -> Next {
        self.next_question(round, elapsed)
    }

    /// Move on to the next question, or wrap up.
    pub fn next_question(&mut self, round: &Round, elapsed: Duration) -> Next {
        if let Some(cur) = self.current.take() {
            self.previous = Some(cur.outcome(round.question(&cur.id)));
        }
        // Starting a question with under two minutes left helps no one.
        if !self.asked.is_empty() && self.time_left(elapsed) < Duration::from_secs(120) {
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
            None => Next::WrapUp(WrapReason::Done),
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
            cur.absorb(analysis);
        }
        self.decide(round, true, elapsed)
    }

    /// The candidate used /skip.
    pub fn skip(&mut self, round: &Round, elapsed: Duration) -> Next {
        if let Some(cur) = self.current.as_mut() {
            cur.skipped = true;
        }
        self.next_question(round, elapsed)
    }

    /// The next rung of the hint ladder (/hint): the key point to hint at and
    /// the level, 1 (a question pointing at the area), 2 (the concept named)
    /// or 3 (the key point given). The ladder climbs on one key point until
    /// it is covered or given away, then starts on the next one; a point
    /// whose probe was already asked starts at 2. Records the level.
    pub fn hint<'r>(&mut self, round: &'r Round) -> Option<(&'r KeyPoint, u8)> {
        let cur = self.current.as_mut()?;
        let q = round.question(&cur.id)?;
        let open = |k: &KeyPoint, cur: &QuestionState| {
            !cur.covered.contains(&k.id) && cur.hints.get(&k.id).copied().unwrap_or(0) < 3
        };
        let (kp, level) = match cur.last_hint.as_deref() {
            Some(last) => match q.key_points.iter().find(|k| k.id == last && open(k, cur)) {
                Some(k) => (k, cur.hints[&k.id] + 1),
                None => first_hint(q, cur, open)?,
            },
            None => first_hint(q, cur, open)?,
        };
        cur.hints.insert(kp.id.clone(), level);
        cur.last_hint = Some(kp.id.clone());
        Some((kp, level))
    }

    /// After `/run`: a follow-up about the failure that tells most (the
    /// suite's own diagnosis before a bare mismatch), unless that case was
    /// already asked about on this question. Not bound by the follow-up
    /// budget: a failing test is what an interviewer asks about first.
    pub fn after_run(&self, run: &RunEvent) -> Option<FollowUp> {
        let cur = self.current.as_ref().filter(|c| c.id == run.question_id)?;
        let case = match run.verdict() {
            Verdict::DidNotLoad => "load".to_string(),
            _ => run.telling_failure()?.name.clone(),
        };
        let aim = Aim::Run(case);
        (!cur.asked.contains(&aim.recorded())).then_some(FollowUp {
            target: aim,
            quote: None,
            acknowledge: None,
        })
    }

    /// Record that a follow-up was asked (the engine may have phrased it,
    /// but the structure counts it).
    pub fn record_follow_up(&mut self, f: &FollowUp) {
        if let Some(cur) = self.current.as_mut() {
            cur.follow_ups += 1;
            cur.asked.insert(f.target.recorded());
            if let Some(k) = &f.acknowledge {
                cur.acknowledged.insert(k.clone());
            }
            match f.target {
                Aim::Nudge(_) => cur.nudged = true,
                Aim::Redirect { .. } => cur.redirected = true,
                Aim::Pasted => cur.pasted = true,
                _ => {}
            }
        }
    }

    fn decide(&mut self, round: &Round, after_answer: bool, elapsed: Duration) -> Next {
        if self.time_left(elapsed).is_zero() {
            if let Some(cur) = self.current.take() {
                self.previous = Some(cur.outcome(round.question(&cur.id)));
            }
            return Next::WrapUp(WrapReason::Time);
        }
        let Some(cur) = self.current.as_ref() else {
            return self.next_question(round, elapsed);
        };
        let Some(q) = round.question(&cur.id) else {
            return self.next_question(round, elapsed);
        };
        // Over the question's own time (with some slack), move on.
        let question_budget = Duration::from_secs(q.minutes as u64 * 60 * 3 / 2);
        let over_time = elapsed.saturating_sub(cur.asked_at) > question_budget;
        let budget_left = cur.follow_ups < self.plan.follow_ups && !over_time;
        let step = match cur.last.as_ref().filter(|_| after_answer) {
            Some(a) => after_non_answer(cur, q, a, budget_left),
            None => None,
        };
        let step = match step {
            Some(s) => s,
            None if !budget_left => None,
            None => probe(cur, q),
        };
        match step {
            Some(f) => Next::FollowUp(f),
            None => self.next_question(round, elapsed),
        }
    }

    /// Rebuild the state of an interrupted session from its transcript, and
    /// say what should happen next: either re-ask the interviewer's last turn
    /// (it was never answered) or decide after the last answer. The
    /// analyses recorded in the transcript are used as they are; only
    /// answers from files written before analyses were recorded are
    /// analysed here.
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
        let (current, previous, last) = replay(round, t);
        s.current = current.map(|mut c| {
            c.asked_at = elapsed;
            c
        });
        s.previous = previous;
        s.warned = s.time_left(elapsed) <= s.warn_at();
        let resume = match last {
            Some(LastTurn::Interviewer(text)) if s.current.is_some() => Resume::Reask(text),
            None => Resume::Decide(s.start(round, elapsed)),
            Some(LastTurn::Answer { skipped: true }) => {
                Resume::Decide(s.next_question(round, elapsed))
            }
            _ => Resume::Decide(s.decide(round, true, elapsed)),
        };
        (s, resume)
    }
}

/// Questions in the order a session would ask them: nearest the level
/// first, unseen before recently seen, seeded shuffle for ties, and no two
/// of the same topic in a row where avoidable.
fn ranked<'r>(round: &'r Round, level: &str, seed: u64, recent: &[String]) -> Vec<&'r Question> {
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
    let mut order: Vec<&Question> = Vec::new();
    let mut rest = pool;
    while !rest.is_empty() {
        let last_topic = order.last().map(|q| q.topic.clone());
        let pick = rest
            .iter()
            .take(4)
            .position(|q| Some(&q.topic) != last_topic.as_ref() && distance(q) == distance(rest[0]))
            .unwrap_or(0);
        order.push(rest.remove(pick));
    }
    order
}

/// As many questions as fit in the round's minutes (at least one).
fn fitting(order: &[&Question], minutes: u32) -> usize {
    let mut total = 0;
    let mut n = 0;
    for q in order {
        if n > 0 && total + q.minutes > minutes {
            break;
        }
        total += q.minutes;
        n += 1;
    }
    n.max(1)
}

/// A round with tracks (coding) tests both: two questions or more include
/// an ML one; a single question takes the other track from the one asked
/// most recently.
fn both_tracks(round: &Round, order: &mut Vec<String>, count: usize, recent: &[String]) {
    let track = |id: &str| round.question(id).and_then(|q| q.track);
    if count == 0 || !order.iter().any(|id| track(id).is_some()) {
        return;
    }
    let want_ml = if count >= 2 {
        true
    } else {
        match recent.iter().find_map(|id| track(id)) {
            Some(last) => !last.is_ml(),
            None => return,
        }
    };
    let chosen_has = order[..count]
        .iter()
        .any(|id| track(id).is_some_and(|t| t.is_ml() == want_ml));
    if chosen_has {
        return;
    }
    if let Some(pos) = order
        .iter()
        .skip(count)
        .position(|id| track(id).is_some_and(|t| t.is_ml() == want_ml))
    {
        let id = order.remove(count + pos);
        order.insert(count - 1, id);
    }
}

/// The first rung for a key point not yet covered or given away.
fn first_hint<'r>(
    q: &'r Question,
    cur: &QuestionState,
    open: impl Fn(&KeyPoint, &QuestionState) -> bool,
) -> Option<(&'r KeyPoint, u8)> {
    let kp = q.key_points.iter().find(|k| open(k, cur))?;
    let probed = cur.asked.contains(&Target::KeyPoint(kp.id.clone()));
    let level = match cur.hints.get(&kp.id) {
        Some(l) => l + 1,
        None if probed => 2,
        None => 1,
    };
    Some((kp, level))
}

/// Key points not covered (nor contradicted, nor partly covered) and not
/// probed yet, most important first.
fn missing<'q>(cur: &QuestionState, q: &'q Question) -> Vec<&'q KeyPoint> {
    q.key_points
        .iter()
        .filter(|k| {
            !cur.covered.contains(&k.id)
                && !cur.partial.contains(&k.id)
                && !cur.asked.contains(&Target::KeyPoint(k.id.clone()))
        })
        .collect()
}

/// One nudge, one "in your own words", one redirect per question; after
/// that a non-answer moves on (Some(None)). `None`: it was an answer.
fn after_non_answer(
    cur: &QuestionState,
    q: &Question,
    a: &AnswerAnalysis,
    budget_left: bool,
) -> Option<Option<FollowUp>> {
    let first_missing = || missing(cur, q).first().map(|k| k.id.clone());
    let first_open = || {
        q.key_points
            .iter()
            .find(|k| !cur.covered.contains(&k.id))
            .map(|k| k.id.clone())
    };
    let aim = match a.shape {
        Shape::Answer => return None,
        Shape::Empty | Shape::DontKnow => (!cur.nudged).then(|| Aim::Nudge(first_missing())),
        Shape::Pasted => (!cur.pasted).then_some(Aim::Pasted),
        Shape::OffTopic | Shape::Foreign => (!cur.redirected).then(|| Aim::Redirect {
            key_point: first_open(),
            foreign: a.shape == Shape::Foreign,
        }),
    };
    Some(aim.filter(|_| budget_left).map(|target| FollowUp {
        target,
        quote: None,
        acknowledge: None,
    }))
}

/// The follow-up after a real answer, if anything is left to ask.
fn probe(cur: &QuestionState, q: &Question) -> Option<FollowUp> {
    let last = cur.last.as_ref();
    let clauses: &[String] = last.map(|a| a.clauses.as_slice()).unwrap_or(&[]);
    // A misconception the last answer stated, not yet challenged.
    if let Some((id, sentence)) = last.and_then(|a| {
        a.misconceptions
            .iter()
            .find(|(id, _)| !cur.asked.contains(&Target::Misconception(id.clone())))
    }) {
        let key_point = q
            .misconceptions
            .iter()
            .find(|m| &m.id == id)
            .and_then(|m| m.contradicts.clone());
        return Some(FollowUp {
            target: Aim::Misconception {
                id: id.clone(),
                key_point,
            },
            quote: Some(coverage::clause_of(sentence)).filter(|q| !q.is_empty()),
            acknowledge: None,
        });
    }
    let acknowledge = last.and_then(|a| {
        a.points
            .iter()
            .find(|p| p.level == Level::Covered && !cur.acknowledged.contains(&p.id))
            .map(|p| p.id.clone())
    });
    if let Some(kp) = missing(cur, q).first() {
        // acknowledging what was covered, or else tying the probe to the
        // candidate's words: one lead-in, not two
        let quote = match acknowledge {
            Some(_) => None,
            None => coverage::quote_for(clauses, &kp.probe, &q.text),
        };
        return Some(FollowUp {
            target: Aim::KeyPoint(kp.id.clone()),
            quote,
            acknowledge,
        });
    }
    let deeper = q.key_points.iter().find(|k| {
        cur.partial.contains(&k.id) && !cur.asked.contains(&Target::KeyPoint(k.id.clone()))
    });
    if let Some(kp) = deeper {
        let evidence = last
            .and_then(|a| a.point(&kp.id))
            .and_then(|p| p.evidence.as_deref());
        return Some(FollowUp {
            target: Aim::Deeper(kp.id.clone()),
            quote: evidence.map(coverage::clause_of),
            acknowledge,
        });
    }
    // Everything is covered: the weakest claim first, then the bank's
    // pressure follow-ups.
    if let Some(c) = last.and_then(|a| {
        a.claims
            .iter()
            .find(|c| !cur.asked.contains(&Target::Claim(c.kind)))
    }) {
        return Some(FollowUp {
            target: Aim::Claim(c.kind),
            quote: Some(coverage::clip_words(&c.text, 16)),
            acknowledge: None,
        });
    }
    let i = (0..q.follow_ups.len()).find(|i| !cur.asked.contains(&Target::Pressure(*i)))?;
    Some(FollowUp {
        target: Aim::Pressure(i),
        quote: coverage::quote_for(clauses, &q.follow_ups[i], &q.text),
        acknowledge: None,
    })
}

/// The last turn of a transcript, for resuming.
enum LastTurn {
    Interviewer(String),
    Answer { skipped: bool },
}

/// Walk the transcript: the state of the question in progress, how the one
/// before it went, and the last turn.
fn replay(
    round: &Round,
    t: &Transcript,
) -> (Option<QuestionState>, Option<Outcome>, Option<LastTurn>) {
    let mut current: Option<QuestionState> = None;
    let mut previous = None;
    let mut last = None;
    let mut pending: Option<String> = None;
    let settle = |c: &mut Option<QuestionState>, pending: &mut Option<String>| {
        // an answer with no analysis after it (files from before analyses
        // were recorded): analyse it now, once
        if let (Some(cur), Some(text)) = (c.as_mut(), pending.take()) {
            if let Some(q) = round.question(&cur.id) {
                cur.absorb(&coverage::analyse(q, &text));
            }
        }
    };
    for e in &t.events {
        match e {
            Event::Analysis(a) => {
                pending = None;
                if let Some(cur) = current.as_mut() {
                    if let Some(q) = round.question(&cur.id) {
                        cur.absorb(&recorded(q, a));
                    }
                }
            }
            Event::Turn(turn) => {
                settle(&mut current, &mut pending);
                match (turn.role, turn.kind) {
                    (Role::Interviewer, TurnKind::Question) => {
                        if let Some(c) = current.take() {
                            previous = Some(c.outcome(round.question(&c.id)));
                        }
                        current = Some(QuestionState {
                            id: turn.question_id.clone().unwrap_or_default(),
                            ..Default::default()
                        });
                        last = Some(LastTurn::Interviewer(turn.text.clone()));
                    }
                    (Role::Interviewer, TurnKind::FollowUp) => {
                        if let (Some(c), Some(target)) = (current.as_mut(), &turn.target) {
                            c.follow_ups += 1;
                            c.asked.insert(target.clone());
                            match target {
                                Target::Nudge => c.nudged = true,
                                Target::Redirect => c.redirected = true,
                                Target::Pasted => c.pasted = true,
                                _ => {}
                            }
                        }
                        last = Some(LastTurn::Interviewer(turn.text.clone()));
                    }
                    (Role::Interviewer, TurnKind::Hint) => {
                        let hinted = turn.target.as_ref().and_then(|t| t.key_point());
                        if let (Some(c), Some(id)) = (current.as_mut(), hinted) {
                            c.hints.insert(id.to_string(), turn.hint_level.unwrap_or(3));
                            c.last_hint = Some(id.to_string());
                        }
                    }
                    (Role::Candidate, _) => {
                        last = Some(LastTurn::Answer {
                            skipped: turn.skipped,
                        });
                        if let Some(c) = current.as_mut() {
                            if turn.skipped {
                                c.skipped = true;
                            } else if let Some(cov) = &turn.covered {
                                // the running tally of format-1 files
                                c.answers += 1;
                                c.answered = true;
                                c.covered.extend(cov.iter().cloned());
                            } else {
                                pending = Some(turn.text.clone());
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    settle(&mut current, &mut pending);
    (current, previous, last)
}

/// An analysis as the transcript recorded it, in the form the session
/// works with (quotable clauses are not recorded; the claims' and
/// misconceptions' sentences are).
pub fn recorded(q: &Question, a: &AnalysisEvent) -> AnswerAnalysis {
    let level = |id: &str| {
        if a.covered.iter().any(|x| x == id) {
            Level::Covered
        } else if a.contradicted.iter().any(|x| x == id) {
            Level::Contradicted
        } else if a.partial.iter().any(|x| x == id) {
            Level::Partial
        } else {
            Level::Missed
        }
    };
    AnswerAnalysis {
        shape: a.shape,
        points: q
            .key_points
            .iter()
            .map(|k| coverage::PointCoverage {
                id: k.id.clone(),
                level: level(&k.id),
                evidence: None,
                misconception: None,
            })
            .collect(),
        misconceptions: a
            .misconceptions
            .iter()
            .map(|m| (m.id.clone(), m.sentence.clone()))
            .collect(),
        claims: a
            .claims
            .iter()
            .map(|c| coverage::Claim {
                kind: c.kind,
                text: c.text.clone(),
            })
            .collect(),
        words: 0,
        clauses: Vec::new(),
    }
}

/// The analysis of an answer as the transcript records it.
pub fn record(question_id: Option<&str>, a: &AnswerAnalysis) -> AnalysisEvent {
    AnalysisEvent {
        at: jiff::Timestamp::now(),
        question_id: question_id.map(str::to_string),
        shape: a.shape,
        covered: a.at(Level::Covered),
        partial: a.at(Level::Partial),
        contradicted: a.at(Level::Contradicted),
        misconceptions: a
            .misconceptions
            .iter()
            .map(|(id, sentence)| RecordedMisconception {
                id: id.clone(),
                sentence: sentence.clone(),
            })
            .collect(),
        claims: a
            .claims
            .iter()
            .map(|c| RecordedClaim {
                kind: c.kind,
                text: c.text.clone(),
            })
            .collect(),
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
    use crate::coverage::{analyse, ClaimKind, Level};
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
    fn a_failing_run_is_asked_about_once_per_case() {
        let cat = Catalog::builtin();
        let r = cat.get("coding").unwrap();
        let mut s = Session::new(r, "mid", None, Some(1), None, 1, &[]);
        s.ask_first(&["code-merge-intervals".into()], true);
        s.start(r, Duration::ZERO);
        let run: RunEvent = serde_json::from_str(
            r#"{"at":"2027-03-01T10:04:30Z","question_id":"code-merge-intervals","cases":[
            {"name":"example","kind":"happy","status":"failed","ms":1.0,"message":"merge(example): expected [[0, 20]], got [[0, 15]]"},
            {"name":"touching_blocks_merge","kind":"edge","status":"failed","ms":1.0,"message":"a start equal to an end continues the block"}]}"#,
        )
        .unwrap();
        let f = s.after_run(&run).expect("a follow-up on the failure");
        // the suite's diagnosis before a bare mismatch
        assert_eq!(f.target, Aim::Run("touching_blocks_merge".into()));
        s.record_follow_up(&f);
        assert_eq!(s.after_run(&run), None, "the same case is not asked twice");
        let mut other = run.clone();
        other.question_id = "code-kmeans".into();
        assert_eq!(
            s.after_run(&other),
            None,
            "only the current question's suite"
        );
        let passed: RunEvent = serde_json::from_str(
            r#"{"at":"2027-03-01T10:05:30Z","question_id":"code-merge-intervals","cases":[
            {"name":"example","kind":"happy","status":"passed","ms":1.0}]}"#,
        )
        .unwrap();
        assert_eq!(s.after_run(&passed), None);
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
        let Next::Question { question_id } = s.start(&r, Duration::ZERO) else {
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
        s.start(&r, Duration::ZERO);
        let mut full = analyse(
            &q,
            "We would build it carefully and measure everything we can here.",
        );
        for p in &mut full.points {
            p.level = crate::coverage::Level::Covered;
        }
        full.claims.clear();
        let Next::FollowUp(f) = s.after_answer(&r, &full, Duration::from_secs(60)) else {
            panic!()
        };
        assert_eq!(f.target, Aim::Pressure(0));
    }

    #[test]
    fn a_partial_point_is_probed_deeper_and_a_misconception_first() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(1), Some(5), 3, &[]);
        s.start(&r, Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let mut a = analyse(
            &q,
            "We would build it carefully and measure everything we can here.",
        );
        a.claims.clear();
        for (i, p) in a.points.iter_mut().enumerate() {
            p.level = if i == 1 {
                Level::Partial
            } else {
                Level::Covered
            };
        }
        let Next::FollowUp(f) = s.after_answer(&r, &a, Duration::from_secs(5)) else {
            panic!()
        };
        assert_eq!(f.target, Aim::Deeper(q.key_points[1].id.clone()));
        assert!(f.acknowledge.is_some(), "what was covered is acknowledged");
        s.record_follow_up(&f);
        a.misconceptions = vec![("m".into(), "We trust the model to do it.".into())];
        let Next::FollowUp(f) = s.after_answer(&r, &a, Duration::from_secs(10)) else {
            panic!()
        };
        assert!(matches!(f.target, Aim::Misconception { .. }), "{f:?}");
        assert_eq!(f.quote.as_deref(), Some("We trust the model to do it"));
    }

    #[test]
    fn when_all_is_covered_the_weakest_claim_comes_first() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(1), Some(5), 3, &[]);
        s.start(&r, Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let mut a = analyse(&q, "A re-ranker adds about 40 ms per query.");
        for p in &mut a.points {
            p.level = Level::Covered;
        }
        let Next::FollowUp(f) = s.after_answer(&r, &a, Duration::from_secs(5)) else {
            panic!()
        };
        assert_eq!(f.target, Aim::Claim(ClaimKind::Number));
        assert!(f.quote.as_deref().unwrap().contains("40 ms"));
        s.record_follow_up(&f);
        let Next::FollowUp(f) = s.after_answer(&r, &a, Duration::from_secs(10)) else {
            panic!()
        };
        assert_eq!(f.target, Aim::Pressure(0), "each claim once, then the bank");
    }

    #[test]
    fn the_hint_ladder_climbs_on_one_point_then_moves_on() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(1), None, 3, &[]);
        s.start(&r, Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let ladder: Vec<(String, u8)> = (0..4)
            .map(|_| {
                let (k, l) = s.hint(&r).unwrap();
                (k.id.clone(), l)
            })
            .collect();
        let first = q.key_points[0].id.clone();
        let second = q.key_points[1].id.clone();
        assert_eq!(
            ladder,
            vec![
                (first.clone(), 1),
                (first.clone(), 2),
                (first, 3),
                (second, 1)
            ]
        );
    }

    #[test]
    fn a_point_already_probed_starts_the_ladder_at_two() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(1), Some(3), 3, &[]);
        s.start(&r, Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let thin = analyse(
            &q,
            "I would build a backend service and put a load balancer in front of it.",
        );
        let Next::FollowUp(f) = s.after_answer(&r, &thin, Duration::from_secs(5)) else {
            panic!()
        };
        s.record_follow_up(&f);
        let (k, level) = s.hint(&r).unwrap();
        assert_eq!((k.id.as_str(), level), (q.key_points[0].id.as_str(), 2));
    }

    #[test]
    fn coding_sessions_test_both_tracks() {
        let cat = Catalog::builtin();
        let r = cat.get("coding").unwrap();
        let ml = |id: &String| {
            r.question(id)
                .and_then(|q| q.track)
                .is_some_and(|t| t.is_ml())
        };
        for seed in 0..40 {
            let s = Session::new(r, "mid", None, Some(2), None, seed, &[]);
            assert!(s.order.iter().any(ml), "seed {seed}: {:?}", s.order);
        }
        // one question alternates with the last one answered
        let leet = r
            .questions
            .iter()
            .find(|q| q.track.is_some_and(|t| !t.is_ml()))
            .unwrap();
        let s = Session::new(
            r,
            "mid",
            None,
            Some(1),
            None,
            1,
            std::slice::from_ref(&leet.id),
        );
        assert!(ml(&s.order[0]), "{:?}", s.order);
        let mlq = r
            .questions
            .iter()
            .find(|q| q.track.is_some_and(|t| t.is_ml()))
            .unwrap();
        let s = Session::new(
            r,
            "mid",
            None,
            Some(1),
            None,
            1,
            std::slice::from_ref(&mlq.id),
        );
        assert!(!ml(&s.order[0]), "{:?}", s.order);
    }

    #[test]
    fn chosen_questions_come_first() {
        let r = round();
        let id = r.questions[5].id.clone();
        let mut s = Session::new(&r, "mid", None, None, None, 3, &[]);
        s.ask_first(std::slice::from_ref(&id), false);
        assert_eq!(s.order, vec![id.clone()]);
        let mut s = Session::new(&r, "mid", None, Some(3), None, 3, &[]);
        s.ask_first(std::slice::from_ref(&id), true);
        assert_eq!(s.order.len(), 3);
        assert_eq!(s.order[0], id);
    }

    #[test]
    fn follow_up_budget_and_single_nudge() {
        let r = round();
        let mut s = Session::new(&r, "mid", None, Some(2), Some(2), 5, &[]);
        s.start(&r, Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let idk = analyse(&q, "I don't know");
        let next = s.after_answer(&r, &idk, Duration::from_secs(10));
        let Next::FollowUp(f) = next else {
            panic!("{next:?}")
        };
        assert!(matches!(f.target, Aim::Nudge(_)));
        s.record_follow_up(&f);
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
            s.record_follow_up(&f);
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
        s.start(&r, Duration::ZERO);
        let q = r.question(&s.asked[0]).unwrap().clone();
        let thin = analyse(
            &q,
            "We would use a big model and some servers to run everything.",
        );
        let mut seen = BTreeSet::new();
        while let Next::FollowUp(f) = s.after_answer(&r, &thin, Duration::from_secs(5)) {
            assert!(seen.insert(f.target.recorded()), "repeated {:?}", f.target);
            s.record_follow_up(&f);
        }
        assert_eq!(seen.len(), 5);
    }

    #[test]
    fn clock_warns_once_and_wraps_up() {
        let r = round();
        let mut s = Session::new(&r, "mid", Some(30), Some(5), None, 1, &[]);
        s.start(&r, Duration::ZERO);
        assert!(!s.take_warning(Duration::from_secs(60)));
        assert!(s.take_warning(Duration::from_secs(26 * 60)));
        assert!(!s.take_warning(Duration::from_secs(27 * 60)));
        // a short round is warned a fifth of its time before the end
        for (minutes, quiet, warns) in [(10, 7 * 60 + 59, 8 * 60), (5, 3 * 60 + 59, 4 * 60)] {
            let mut short = Session::new(&r, "mid", Some(minutes), Some(2), None, 1, &[]);
            short.start(&r, Duration::ZERO);
            assert!(!short.take_warning(Duration::from_secs(quiet)), "{minutes}");
            assert!(short.take_warning(Duration::from_secs(warns)), "{minutes}");
        }
        let q = r.question(&s.asked[0]).unwrap().clone();
        let a = analyse(&q, "something about chunking");
        assert_eq!(
            s.after_answer(&r, &a, Duration::from_secs(31 * 60)),
            Next::WrapUp(WrapReason::Time)
        );
    }
}
