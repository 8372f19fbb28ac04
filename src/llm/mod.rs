//! The one place that talks to a model: any OpenAI-compatible
//! chat-completions endpoint, through async-openai.
//!
//! [`LlmClient::stream_chat`] streams a reply token by token;
//! [`LlmClient::complete`] returns the whole reply, with structured output
//! (`response_format` json_schema, falling back to json_object, then plain
//! text with the schema in the prompt, for servers that refuse it). Both
//! retry with exponential backoff and jitter on 429 (honouring
//! `Retry-After`), 5xx, connect errors, timeouts and cut streams, and fail
//! with an [`LlmError`] whose message is one line saying what to fix. The
//! key is never part of a message.
//!
//! The rest of the program is synchronous; it drives these async calls on a
//! current-thread runtime from [`runtime`].

mod client;
pub mod discover;
mod error;
pub mod interrupt;
mod sse;
pub mod tokens;
mod transport;

use std::time::Duration;

pub use client::LlmClient;
pub use error::{display_url, LlmError, Redactor};

use crate::transcript::Usage;

/// Who says a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatRole {
    System,
    User,
    Assistant,
}

impl ChatRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatRole::System => "system",
            ChatRole::User => "user",
            ChatRole::Assistant => "assistant",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub role: ChatRole,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Message {
        Message {
            role: ChatRole::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: ChatRole::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> Message {
        Message {
            role: ChatRole::Assistant,
            content: content.into(),
        }
    }
}

/// The shape the reply must have.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    /// A JSON value matching `schema` (a JSON Schema object).
    Json {
        name: String,
        schema: serde_json::Value,
    },
}

/// How a structured request was finally sent (servers differ in what they
/// accept; the client steps down and remembers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatUsed {
    Text,
    JsonSchema,
    JsonObject,
    /// Plain text with the schema spelled out in the prompt.
    PromptedJson,
}

/// One chat request.
#[derive(Debug, Clone, Default)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    /// Overrides the configured model (e.g. a separate judge model).
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    pub format: OutputFormat,
    pub stop: Vec<String>,
    pub seed: Option<u64>,
}

impl ChatRequest {
    pub fn new(messages: Vec<Message>) -> ChatRequest {
        ChatRequest {
            messages,
            ..Default::default()
        }
    }

    /// Estimated prompt tokens (see [`tokens`]).
    pub fn estimated_tokens(&self) -> usize {
        tokens::estimate_messages(&self.messages)
    }
}

/// What arrives while a reply streams.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent<'a> {
    /// More text of the reply.
    Token(&'a str),
    /// The attempt failed and another one starts: text received so far is
    /// void.
    Restart { reason: String },
}

/// A finished (or cancelled) reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    /// The model as the server named it (falls back to the requested one).
    pub model: String,
    /// From the call to the first token, retries included.
    pub ttft: Option<Duration>,
    /// From the call to the last token, retries included.
    pub latency: Duration,
    pub usage: Option<Usage>,
    pub finish_reason: Option<String>,
    /// Ctrl-C (or the caller's cancel future) stopped it; `text` is partial.
    pub cancelled: bool,
    pub format: FormatUsed,
    /// Requests made (1 when nothing had to be retried).
    pub attempts: u32,
}

/// A runtime for synchronous callers: `runtime()?.block_on(client.complete(&req))`.
pub fn runtime() -> Result<tokio::runtime::Runtime, LlmError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LlmError::Setup(format!("cannot start the async runtime: {e}")))
}
