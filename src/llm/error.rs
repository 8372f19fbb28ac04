//! What can go wrong talking to a model, each as one line that says what to
//! do about it.
//!
//! Messages are built here from parts we control (a redacted URL, a status,
//! a squashed and shortened server message), never from a transport error's
//! `Display`, which embeds the full request URL. Every message is passed
//! through [`Redactor`] before it leaves the module, so a key a server echoes
//! back never reaches the screen, a log or a transcript.

use std::time::Duration;

/// An error from a model endpoint.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error("the server at {url} refused the API key (HTTP {status}); check OPENAI_API_KEY (or api_key_env in config.toml)")]
    Unauthorized { url: String, status: u16 },

    #[error(
        "model \"{model}\" is not on the server at {url}; {}",
        available_hint(available)
    )]
    UnknownModel {
        model: String,
        url: String,
        available: Vec<String>,
    },

    #[error(
        "no model given and {}; pass --model NAME or set MOCKROUND_MODEL",
        no_model_hint(url, available)
    )]
    NoModel { url: String, available: Vec<String> },

    #[error("the request is longer than the model's context window ({detail}); lower context_budget in config.toml or use a model with a longer context")]
    ContextTooLong { detail: String },

    #[error("cannot reach the model server at {url} ({detail}); is it running? `mockround doctor` checks the setup")]
    Unreachable { url: String, detail: String },

    #[error("the model server at {url} sent nothing for {secs} s ({phase}); if the model is just slow, raise {field} in config.toml")]
    Timeout {
        url: String,
        phase: &'static str,
        secs: u64,
        field: &'static str,
    },

    #[error(
        "the server at {url} is rate limiting requests (HTTP 429{}){}",
        retry_after_hint(retry_after),
        detail_hint(detail)
    )]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
        detail: String,
    },

    #[error(
        "the model server at {url} failed (HTTP {status}{})",
        detail_hint(message)
    )]
    Server {
        url: String,
        status: u16,
        message: String,
    },

    #[error(
        "the server at {url} rejected the request (HTTP {status}{})",
        detail_hint(message)
    )]
    Rejected {
        url: String,
        status: u16,
        message: String,
    },

    #[error("the reply from {url} stopped before it was complete ({detail})")]
    Cut { url: String, detail: String },

    #[error("the server at {url} answered with something that is not the OpenAI API ({detail}); check the base URL (it usually ends in /v1)")]
    NotOpenAi { url: String, detail: String },

    #[error("cannot set up the model client: {0}")]
    Setup(String),
}

fn available_hint(available: &[String]) -> String {
    if available.is_empty() {
        "the server lists no models (pass --model with a name it serves)".into()
    } else {
        format!(
            "it has: {} (pass --model NAME)",
            shorten_list(available, 12)
        )
    }
}

fn no_model_hint(url: &str, available: &[String]) -> String {
    if available.is_empty() {
        format!("the server at {url} lists no models")
    } else {
        format!(
            "the server at {url} has several: {}",
            shorten_list(available, 12)
        )
    }
}

fn retry_after_hint(d: &Option<Duration>) -> String {
    match d {
        Some(d) => format!(", asks to wait {} s", d.as_secs().max(1)),
        None => String::new(),
    }
}

fn detail_hint(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

fn shorten_list(items: &[String], max: usize) -> String {
    let mut out = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        out.push_str(&format!(" and {} more", items.len() - max));
    }
    out
}

impl LlmError {
    /// Worth trying again after a pause: the server may recover.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            LlmError::Unreachable { .. }
                | LlmError::Timeout { .. }
                | LlmError::RateLimited { .. }
                | LlmError::Server { .. }
                | LlmError::Cut { .. }
        )
    }

    /// The endpoint is down or overloaded, as opposed to misconfigured.
    pub fn is_unavailable(&self) -> bool {
        self.is_retryable()
    }

    /// A configuration the next request cannot fix: a wrong key, a model
    /// the server does not have, a prompt over the model's context. Every
    /// other failure is worth trying again on a later turn.
    pub fn ends_model_use(&self) -> bool {
        matches!(
            self,
            LlmError::Unauthorized { .. }
                | LlmError::UnknownModel { .. }
                | LlmError::NoModel { .. }
                | LlmError::ContextTooLong { .. }
                | LlmError::Setup(_)
        )
    }

    /// A reply came but could not be used (a junk body, a stream that
    /// could not be read or was cut): worth one more try in the same turn.
    pub fn is_bad_reply(&self) -> bool {
        matches!(self, LlmError::NotOpenAi { .. } | LlmError::Cut { .. })
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LlmError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A short label for transcripts and notes (`timeout`, `http 503`, ...).
    pub fn kind(&self) -> String {
        match self {
            LlmError::Unauthorized { status, .. } => format!("http {status}"),
            LlmError::UnknownModel { .. } => "unknown model".into(),
            LlmError::NoModel { .. } => "no model".into(),
            LlmError::ContextTooLong { .. } => "context too long".into(),
            LlmError::Unreachable { .. } => "unreachable".into(),
            LlmError::Timeout { phase, .. } => format!("timeout ({phase})"),
            LlmError::RateLimited { .. } => "http 429".into(),
            LlmError::Server { status, .. } => format!("http {status}"),
            LlmError::Rejected { status, .. } => format!("http {status}"),
            LlmError::Cut { .. } => "stream cut".into(),
            LlmError::NotOpenAi { .. } => "not an OpenAI API".into(),
            LlmError::Setup(_) => "setup".into(),
        }
    }
}

/// Removes secrets and credentials from text that came from outside.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Redactor {
        Redactor {
            // very short "keys" (a local server's "x") would redact ordinary words
            secrets: secrets.into_iter().filter(|s| s.len() >= 6).collect(),
        }
    }

    /// One line, at most `max` characters, with every secret replaced.
    pub fn clean(&self, text: &str, max: usize) -> String {
        let mut s = crate::text::squash_ws(text);
        for secret in &self.secrets {
            if s.contains(secret.as_str()) {
                s = s.replace(secret.as_str(), "<redacted>");
            }
        }
        crate::text::ellipsize(&s, max)
    }

    pub fn error(&self, e: LlmError) -> LlmError {
        if self.secrets.is_empty() {
            return e;
        }
        let c = |s: String| self.clean(&s, 400);
        match e {
            LlmError::Rejected {
                url,
                status,
                message,
            } => LlmError::Rejected {
                url,
                status,
                message: c(message),
            },
            LlmError::Server {
                url,
                status,
                message,
            } => LlmError::Server {
                url,
                status,
                message: c(message),
            },
            LlmError::RateLimited {
                url,
                retry_after,
                detail,
            } => LlmError::RateLimited {
                url,
                retry_after,
                detail: c(detail),
            },
            LlmError::ContextTooLong { detail } => LlmError::ContextTooLong { detail: c(detail) },
            LlmError::NotOpenAi { url, detail } => LlmError::NotOpenAi {
                url,
                detail: c(detail),
            },
            LlmError::Cut { url, detail } => LlmError::Cut {
                url,
                detail: c(detail),
            },
            LlmError::Unreachable { url, detail } => LlmError::Unreachable {
                url,
                detail: c(detail),
            },
            LlmError::UnknownModel {
                model,
                url,
                available,
            } => LlmError::UnknownModel {
                model,
                url,
                available: available.into_iter().map(c).collect(),
            },
            LlmError::NoModel { url, available } => LlmError::NoModel {
                url,
                available: available.into_iter().map(c).collect(),
            },
            LlmError::Setup(s) => LlmError::Setup(c(s)),
            other => other,
        }
    }
}

/// A base URL as it may be shown or saved: no user, password, query or
/// fragment (people paste URLs with tokens in them).
pub fn display_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("", url),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.rsplit('@').next().unwrap_or(host);
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_credentials_and_queries() {
        assert_eq!(
            display_url("https://user:pw@api.example.com/v1?key=abc#x"),
            "https://api.example.com/v1"
        );
        assert_eq!(
            display_url("http://127.0.0.1:8080/v1"),
            "http://127.0.0.1:8080/v1"
        );
    }

    #[test]
    fn secrets_are_redacted_from_server_text() {
        let r = Redactor::new(["sk-test-SECRET-123".to_string()]);
        let e = r.error(LlmError::Rejected {
            url: "http://x/v1".into(),
            status: 400,
            message: "bad key sk-test-SECRET-123\n given".into(),
        });
        let s = e.to_string();
        assert!(!s.contains("SECRET"), "{s}");
        assert!(!s.contains('\n'));
    }

    #[test]
    fn messages_are_one_line_and_say_what_to_do() {
        let e = LlmError::UnknownModel {
            model: "gpt-9".into(),
            url: "http://h/v1".into(),
            available: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            e.to_string(),
            "model \"gpt-9\" is not on the server at http://h/v1; it has: a, b (pass --model NAME)"
        );
        let e = LlmError::RateLimited {
            url: "u".into(),
            retry_after: Some(Duration::from_secs(3)),
            detail: String::new(),
        };
        assert!(e.to_string().contains("asks to wait 3 s"));
    }
}
