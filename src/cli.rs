//! Command-line definitions (clap) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::ModelFlags;
pub use crate::review::report::ReportFormat;

#[derive(Debug, Parser)]
#[command(
    name = "mockround",
    version,
    about = "A terminal mock interviewer for AI-engineer interviews",
    long_about = "A terminal mock interviewer for AI-engineer interviews: four rounds (ml-fundamentals, \
system-design, coding, behavioral), follow-ups that react to what you said, and scores that quote \
your own words as evidence. Works offline with no model; plug in any OpenAI-compatible endpoint \
for an LLM interviewer and judge."
)]
pub struct Cli {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the model is. Flags win over environment variables, which win over
/// `config.toml`.
#[derive(Debug, Clone, Default, Args)]
pub struct ModelArgs {
    /// Use the built-in offline interviewer and scorer even if a model is configured
    #[arg(long, global = true)]
    pub offline: bool,
    /// Preset for the base URL: openai, ollama, llamacpp, vllm, lmstudio, openrouter, groq
    #[arg(long, global = true, value_name = "P")]
    pub provider: Option<String>,
    /// Model name as the server knows it (env MOCKROUND_MODEL)
    #[arg(long, global = true, value_name = "M")]
    pub model: Option<String>,
    /// OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 (env OPENAI_BASE_URL)
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
}

impl ModelArgs {
    pub fn flags(&self) -> ModelFlags {
        ModelFlags {
            offline: self.offline,
            provider: self.provider.clone(),
            model: self.model.clone(),
            base_url: self.base_url.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a mock interview
    Start(StartArgs),
    /// Continue an interrupted session where it stopped
    Resume {
        /// Session id, unique id prefix, `last` (newest unfinished), or a path
        session: Option<String>,
        /// Do not offer self-scoring at the end
        #[arg(long)]
        no_self: bool,
    },
    /// Score saved sessions or plain-text transcripts against the rubric
    Score(ScoreArgs),
    /// Replay a session as it happened
    Replay(ReplayArgs),
    /// List saved sessions, newest first
    Sessions {
        #[arg(long, value_name = "R")]
        round: Option<String>,
        #[arg(long)]
        json: bool,
        /// Show at most N sessions
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Write a report of a session (markdown, HTML or JSON)
    Report(ReportArgs),
    /// Progress across all sessions: trends, recurring weak spots, the weakest round
    Progress {
        #[arg(long)]
        json: bool,
    },
    /// The six-question self-diagnostic that routes you to your weakest round
    Diagnose {
        #[arg(long)]
        json: bool,
    },
    /// A week-by-week prep plan from the diagnostic, your progress and the time left
    Plan(PlanArgs),
    /// Show the rounds, or one round's rubric and questions
    Rounds {
        round: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Check the configuration and the model endpoint
    Doctor,
    /// Measure how far the configured judge model can be trusted, on the built-in gold set
    Calibrate(CalibrateArgs),
    /// Run code against a coding question's test suite, in a sandbox
    Run(RunArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Junior,
    Mid,
    Senior,
    Staff,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Junior => "junior",
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Staff => "staff",
        }
    }
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// ml-fundamentals, system-design, coding, behavioral, or a custom round
    pub round: Option<String>,
    /// The seniority you are interviewing for: questions are picked for it
    #[arg(long, value_enum, default_value = "mid")]
    pub level: Level,
    /// Round length in minutes (default: the round's own)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=240))]
    pub minutes: Option<u32>,
    /// Number of questions (default: as many as fit in the time)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=30))]
    pub questions: Option<u32>,
    /// Follow-ups per question before moving on (default: the round's own)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=6))]
    pub follow_ups: Option<u32>,
    /// Seed for question choice and phrasing (same seed, same interview,
    /// whatever the history)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Ask this question (an id from `mockround rounds ROUND`); repeat for
    /// several. Without --questions, only these are asked
    #[arg(long = "question", value_name = "ID")]
    pub question_ids: Vec<String>,
    /// Do not offer self-scoring at the end
    #[arg(long)]
    pub no_self: bool,
    /// Do not score at the end (score later with `mockround score last`)
    #[arg(long)]
    pub no_score: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Session ids, `last`, session files or plain-text transcripts
    #[arg(required = true, value_name = "SESSION|FILE")]
    pub inputs: Vec<String>,
    /// Round for plain-text transcripts without a `# Round:` line
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
    /// Rate yourself on each dimension before seeing the score
    #[arg(long = "self")]
    pub self_score: bool,
    /// Run the judge N times and report the median and spread
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=15))]
    pub samples: u32,
    /// Inputs scored concurrently
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: Option<u32>,
    /// Do not append the score to saved sessions
    #[arg(long)]
    pub no_save: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[arg(value_name = "SESSION|FILE")]
    pub input: String,
    /// Playback speed multiplier for the real pauses
    #[arg(long, value_name = "X", conflicts_with_all = ["step", "instant"])]
    pub speed: Option<f64>,
    /// Advance turn by turn with Enter
    #[arg(long, conflicts_with = "instant")]
    pub step: bool,
    /// Print everything at once
    #[arg(long)]
    pub instant: bool,
    /// Round for plain-text transcripts without a `# Round:` line
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A .py file, or an answer (markdown, a transcript, a session .jsonl) whose latest Python block runs
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The coding question whose test suite to run, e.g. code-attention-numpy
    #[arg(long, value_name = "ID")]
    pub question: String,
    /// Run the N-th fenced block of the answer instead of the latest Python one (from 1)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub block: Option<u32>,
    /// Print the whole outcome as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(value_name = "SESSION|FILE")]
    pub input: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReportFormat,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Round for plain-text transcripts without a `# Round:` line
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// A small subset (a strong/weak pair per round, one manipulated
    /// transcript): a first look, never enough for the judge to decide
    #[arg(long)]
    pub quick: bool,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
    /// Transcripts judged a second time, at temperature 0.7, for the spread
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub repeats: usize,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Weeks until the interview
    #[arg(long, value_name = "N", conflicts_with = "interview_date", value_parser = clap::value_parser!(u32).range(1..=52))]
    pub weeks: Option<u32>,
    /// The interview date, YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub interview_date: Option<String>,
    #[arg(long)]
    pub json: bool,
}
