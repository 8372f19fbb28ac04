//! Session transcripts: the event types of the JSON Lines format, the
//! append-only store that writes them as they happen, and the plain-text
//! importer for transcripts that come from anywhere else.
//!
//! The format is a public contract (README.md, "Files"): one event per line, a
//! header first, `turn` events as the interview goes (with a `run` event
//! after an answer whose code was run), `score`/`self_score` events appended
//! later, and an `end` event. Fields added later are optional
//! so that older files keep loading.

pub mod import;
pub mod run;
pub mod score;
pub mod store;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use crate::coverage::{ClaimKind, Shape};
pub use run::RunEvent;

pub use score::ScoreReport;

/// Bumped only for changes an older mockround could not read correctly.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Header(Header),
    Turn(Turn),
    Score(ScoreEvent),
    SelfScore(SelfScoreEvent),
    Resume(ResumeEvent),
    /// What the interview made of the answer turn just before it.
    Analysis(AnalysisEvent),
    End(EndEvent),
    /// The candidate's code run against the question's test suite.
    Run(RunEvent),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Header {
    pub format: u32,
    pub id: String,
    pub round: String,
    pub level: String,
    pub started_at: Timestamp,
    pub backend: Backend,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// How many questions the session planned to ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questions: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric_version: Option<u32>,
    /// For imported transcripts: the `# Title:` line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Which engine ran the interviewer. Never holds a key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Backend {
    pub kind: BackendKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl Backend {
    /// The built-in offline interviewer.
    pub fn offline() -> Backend {
        Backend::default()
    }

    /// A transcript imported from plain text.
    pub fn import() -> Backend {
        Backend {
            kind: BackendKind::Import,
            ..Backend::default()
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BackendKind {
    /// The built-in offline interviewer.
    #[default]
    Offline,
    /// A model behind an OpenAI-compatible endpoint.
    OpenaiCompatible,
    /// Not an interview at all: a plain-text transcript read from a file
    /// (its turns carry no real timestamps).
    Import,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Offline => "offline",
            BackendKind::OpenaiCompatible => "openai-compatible",
            BackendKind::Import => "import",
        }
    }
}

/// Who produced an interviewer turn.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TurnSource {
    Offline,
    Llm,
    /// The model failed or its reply was rejected; the offline engine spoke.
    Fallback,
}

/// What an interviewer turn was aiming at. Stored as one string: a key point
/// id, `pressure:N`, `pressure:number|absolute|price` (a claim of the
/// answer), `misconception:ID`, `nudge`, `redirect`, `pasted` or
/// `run:CASE` (a case the candidate's code failed; `run:load` when it did
/// not load).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Target {
    /// A key point of the question (a probe, or a hint).
    KeyPoint(String),
    /// The question's pressure follow-up with this index.
    Pressure(usize),
    /// Encouragement after an empty or "I don't know" answer.
    Nudge,
    /// Back to the question after an off-topic answer.
    Redirect,
    /// A pressure follow-up on a weak claim of the last answer.
    Claim(ClaimKind),
    /// A challenge of a misconception the answer stated.
    Misconception(String),
    /// "That reads like pasted text": the answer had no sentence structure.
    Pasted,
    /// A case of the test suite the candidate's code failed (`/run`).
    Run(String),
}

impl Target {
    /// The key point this aims at, if it is one.
    pub fn key_point(&self) -> Option<&str> {
        match self {
            Target::KeyPoint(id) => Some(id),
            _ => None,
        }
    }
}

impl From<Target> for String {
    fn from(t: Target) -> String {
        match t {
            Target::KeyPoint(id) => id,
            Target::Pressure(i) => format!("pressure:{i}"),
            Target::Nudge => "nudge".into(),
            Target::Redirect => "redirect".into(),
            Target::Claim(k) => format!("pressure:{}", k.name()),
            Target::Misconception(id) => format!("misconception:{id}"),
            Target::Pasted => "pasted".into(),
            Target::Run(case) => format!("run:{case}"),
        }
    }
}

impl From<String> for Target {
    fn from(s: String) -> Target {
        if let Some(rest) = s.strip_prefix("pressure:") {
            if let Ok(i) = rest.parse() {
                return Target::Pressure(i);
            }
            if let Some(k) = ClaimKind::from_name(rest) {
                return Target::Claim(k);
            }
        }
        if let Some(id) = s.strip_prefix("misconception:") {
            return Target::Misconception(id.to_string());
        }
        if let Some(case) = s.strip_prefix("run:") {
            return Target::Run(case.to_string());
        }
        match s.as_str() {
            "nudge" => Target::Nudge,
            "redirect" => Target::Redirect,
            "pasted" => Target::Pasted,
            _ => Target::KeyPoint(s),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Interviewer,
    Candidate,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TurnKind {
    Question,
    FollowUp,
    Hint,
    WrapUp,
    Answer,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_tokens: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Turn {
    pub role: Role,
    pub kind: TurnKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_id: Option<String>,
    pub text: String,
    pub at: Timestamp,
    /// What an interviewer turn was aiming at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Who produced an interviewer turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<TurnSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The reply was cut short by Ctrl-C; `text` holds what had arrived.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cancelled: bool,
    /// Why a fallback happened, in one line (never contains a key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// On answers: the candidate skipped the question with /skip.
    #[serde(default, skip_serializing_if = "is_false")]
    pub skipped: bool,
    /// On answers in files written before `analysis` events: the
    /// question's key points covered so far (cumulative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered: Option<Vec<String>>,
    /// On hints: the rung of the ladder (1 a question pointing at the
    /// area, 2 the concept named, 3 the key point given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_level: Option<u8>,
    /// On answers: seconds from the interviewer's turn to the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub think_s: Option<f64>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Turn {
    pub fn new(role: Role, kind: TurnKind, question_id: Option<&str>, text: &str) -> Turn {
        Turn {
            role,
            kind,
            question_id: question_id.map(str::to_string),
            text: text.to_string(),
            at: Timestamp::now(),
            target: None,
            source: None,
            model: None,
            ttft_ms: None,
            latency_ms: None,
            usage: None,
            cancelled: false,
            note: None,
            skipped: false,
            covered: None,
            hint_level: None,
            think_s: None,
        }
    }
}

/// A score as appended to a session: the report plus what produced it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScoreEvent {
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    pub rubric_version: u32,
    pub prompt_version: u32,
    #[serde(flatten)]
    pub report: ScoreReport,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SelfScoreEvent {
    pub at: Timestamp,
    pub scores: Vec<SelfScore>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SelfScore {
    pub id: String,
    pub score: u8,
}

/// The interview's reading of one answer, written right after the answer
/// turn (the answer is saved first, so analysing it can never lose it).
/// Resume and review use it instead of analysing again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AnalysisEvent {
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_id: Option<String>,
    /// What the answer was: an answer, or which kind of non-answer.
    pub shape: Shape,
    /// Key points this answer covered, partly covered or contradicted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contradicted: Vec<String>,
    /// Misconceptions the answer stated (ids from the bank), with their sentence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub misconceptions: Vec<RecordedMisconception>,
    /// Weak claims the interviewer may push on, with the clause that makes each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<RecordedClaim>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordedMisconception {
    pub id: String,
    pub sentence: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordedClaim {
    pub kind: ClaimKind,
    /// The clause that makes the claim, verbatim.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResumeEvent {
    pub at: Timestamp,
    /// Seconds between the last saved event and the resume.
    pub break_s: u64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EndStatus {
    Completed,
    Quit,
    Interrupted,
}

impl EndStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EndStatus::Completed => "completed",
            EndStatus::Quit => "quit",
            EndStatus::Interrupted => "interrupted",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EndEvent {
    pub at: Timestamp,
    pub status: EndStatus,
    /// Questions asked and answers given, so listing never reads the turns.
    #[serde(default)]
    pub questions: u32,
    #[serde(default)]
    pub answers: u32,
    /// Interview time in seconds, breaks between resumes excluded.
    #[serde(default)]
    pub duration_s: u64,
}

/// A whole transcript in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub header: Header,
    pub events: Vec<Event>,
}

impl Transcript {
    pub fn turns(&self) -> impl Iterator<Item = &Turn> {
        self.events.iter().filter_map(|e| match e {
            Event::Turn(t) => Some(t),
            _ => None,
        })
    }

    pub fn candidate_turns(&self) -> impl Iterator<Item = &Turn> {
        self.turns()
            .filter(|t| t.role == Role::Candidate && !t.skipped)
    }

    pub fn scores(&self) -> impl Iterator<Item = &ScoreEvent> {
        self.events.iter().filter_map(|e| match e {
            Event::Score(s) => Some(s),
            _ => None,
        })
    }

    pub fn latest_score(&self) -> Option<&ScoreEvent> {
        self.scores().last()
    }

    /// The code runs, in the order they happened.
    pub fn runs(&self) -> impl Iterator<Item = &RunEvent> {
        self.events.iter().filter_map(|e| match e {
            Event::Run(r) => Some(r),
            _ => None,
        })
    }

    /// Each non-skipped answer turn with the analysis recorded right after
    /// it (None in files written before analyses were recorded).
    pub fn analysed_answers(&self) -> Vec<(&Turn, Option<&AnalysisEvent>)> {
        let mut out: Vec<(&Turn, Option<&AnalysisEvent>)> = Vec::new();
        for e in &self.events {
            match e {
                Event::Turn(t) if t.role == Role::Candidate => out.push((t, None)),
                Event::Analysis(a) => {
                    if let Some(last) = out.last_mut().filter(|l| l.1.is_none()) {
                        last.1 = Some(a);
                    }
                }
                _ => {}
            }
        }
        out.retain(|(t, _)| !t.skipped);
        out
    }

    pub fn latest_self_score(&self) -> Option<&SelfScoreEvent> {
        self.events.iter().rev().find_map(|e| match e {
            Event::SelfScore(s) => Some(s),
            _ => None,
        })
    }

    pub fn end(&self) -> Option<&EndEvent> {
        self.events.iter().rev().find_map(|e| match e {
            Event::End(e) => Some(e),
            _ => None,
        })
    }

    /// The question ids in the order they were asked.
    pub fn question_ids(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.turns() {
            if t.kind == TurnKind::Question {
                if let Some(q) = &t.question_id {
                    if !out.contains(q) {
                        out.push(q.clone());
                    }
                }
            }
        }
        out
    }

    /// Interview seconds: from the start to the last turn, minus breaks.
    pub fn duration_s(&self) -> u64 {
        let mut last = self.header.started_at;
        let mut breaks = 0u64;
        for e in &self.events {
            match e {
                Event::Turn(t) => last = last.max(t.at),
                Event::Resume(r) => {
                    breaks += r.break_s;
                    last = last.max(r.at);
                }
                _ => {}
            }
        }
        let total = (last.as_second() - self.header.started_at.as_second()).max(0) as u64;
        total.saturating_sub(breaks)
    }

    pub fn is_finished(&self) -> bool {
        self.end()
            .is_some_and(|e| e.status != EndStatus::Interrupted)
    }
}
