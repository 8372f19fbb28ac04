//! The client: requests, the retry policy, timeouts, and turning whatever the
//! server did into an [`LlmError`].

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use futures::StreamExt;
use serde_json::{json, Value};

use super::error::{display_url, LlmError, Redactor};
use super::transport::{CallState, HttpFailure, NotSse, Transport};
use super::{sse, ChatRequest, Completion, FormatUsed, OutputFormat, StreamEvent};
use crate::config::{ApiKey, LlmSettings};
use crate::rng::Rng;
use crate::transcript::Usage;

/// Longest `Retry-After` worth waiting for inside one turn; beyond it the
/// caller is better served by an error now (the interviewer falls back).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Cap of the exponential backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Re-sends with an adjusted body (a server refused an optional field).
const MAX_ADAPTATIONS: u32 = 4;

/// Optional request fields some servers refuse, learnt once per client.
#[derive(Debug, Default)]
struct Quirks {
    no_stream_options: AtomicBool,
    max_completion_tokens: AtomicBool,
    no_temperature: AtomicBool,
    no_seed: AtomicBool,
    /// 0 json_schema, 1 json_object, 2 schema in the prompt.
    format_level: AtomicU8,
}

/// A client for one OpenAI-compatible endpoint. Safe to share by reference
/// between concurrent tasks of one tokio runtime; give another runtime (or a
/// thread with its own) its own client: pooled connections are driven by the
/// runtime that opened them, and hang while that runtime is not running.
pub struct LlmClient {
    http: reqwest::Client,
    base_url: String,
    url: String,
    api_key: Option<ApiKey>,
    configured_model: Option<String>,
    resolved_model: Mutex<Option<String>>,
    first_token_timeout: Duration,
    idle_timeout: Duration,
    max_retries: AtomicU32,
    retry_base: Duration,
    redactor: Redactor,
    quirks: Quirks,
    rng: Mutex<Rng>,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("url", &self.url)
            .field("model", &self.configured_model)
            .finish_non_exhaustive()
    }
}

/// One attempt's outcome before retry bookkeeping.
#[derive(Default)]
struct Attempt {
    text: String,
    model: Option<String>,
    first_token_at: Option<Instant>,
    usage: Option<Usage>,
    finish_reason: Option<String>,
    cancelled: bool,
}

impl LlmClient {
    pub fn new(settings: &LlmSettings) -> Result<LlmClient, LlmError> {
        // rustls is built without a default crypto provider (see Cargo.toml);
        // the first client installs ring for the process. A second call
        // finds it installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| LlmError::Setup(root_cause(&e)))?;
        let secrets = settings
            .api_key
            .iter()
            .map(|k| k.expose().to_string())
            .collect::<Vec<_>>();
        Ok(LlmClient {
            http,
            base_url: settings.base_url.trim_end_matches('/').to_string(),
            url: display_url(&settings.base_url),
            api_key: settings.api_key.clone(),
            configured_model: settings.model.clone(),
            resolved_model: Mutex::new(None),
            first_token_timeout: settings.first_token_timeout,
            idle_timeout: settings.idle_timeout,
            max_retries: AtomicU32::new(settings.max_retries),
            retry_base: settings.retry_base,
            redactor: Redactor::new(secrets),
            quirks: Quirks::default(),
            rng: Mutex::new(Rng::new(Rng::fresh_seed())),
        })
    }

    /// The base URL as it may be shown or saved (no credentials).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The model named in the configuration, or the one resolved from the
    /// server so far.
    pub fn model_name(&self) -> Option<String> {
        self.configured_model
            .clone()
            .or_else(|| self.resolved_model.lock().ok().and_then(|m| m.clone()))
    }

    /// Limit the retries of later calls (after the endpoint proved down,
    /// waiting through a full backoff every turn helps nobody).
    pub fn set_max_retries(&self, n: u32) {
        self.max_retries.store(n, Ordering::Relaxed);
    }

    pub fn max_retries(&self) -> u32 {
        self.max_retries.load(Ordering::Relaxed)
    }

    /// The endpoint is on this machine or a private network, where a
    /// prompt costs nothing but time (so warming its cache pays).
    pub fn is_local(&self) -> bool {
        let rest = self
            .url
            .split_once("://")
            .map(|(_, r)| r)
            .unwrap_or(&self.url);
        let host = rest.split('/').next().unwrap_or("");
        let host = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host),
        };
        if host == "localhost" || host == "::1" || host.ends_with(".local") {
            return true;
        }
        match host.parse::<std::net::Ipv4Addr>() {
            Ok(ip) => ip.is_loopback() || ip.is_private() || ip.is_link_local(),
            Err(_) => false,
        }
    }

    fn openai(&self, state: Arc<CallState>) -> async_openai::Client<OpenAIConfig> {
        // Every field set explicitly: OpenAIConfig's defaults read
        // OPENAI_* variables behind our back.
        let config = OpenAIConfig::new()
            .with_api_base(self.base_url.clone())
            .with_api_key(self.api_key.as_ref().map(|k| k.expose()).unwrap_or(""))
            .with_org_id("")
            .with_project_id("");
        async_openai::Client::build(self.http.clone(), config).with_http_service(Transport {
            client: self.http.clone(),
            state,
            send_auth: self.api_key.is_some(),
        })
    }

    /// The models the server lists (`GET /models`).
    pub async fn list_models(&self) -> Result<Vec<String>, LlmError> {
        let client = self.openai(Arc::default());
        let models = client.models();
        let call = models.list_byot::<Value>();
        let v = match tokio::time::timeout(self.first_token_timeout, call).await {
            Err(_) => return Err(self.timeout_error("listing models", self.first_token_timeout)),
            Ok(Err(e)) => return Err(self.map_error(e)),
            Ok(Ok(v)) => v,
        };
        let mut names: Vec<String> = Vec::new();
        for key in ["data", "models"] {
            for m in v.get(key).and_then(Value::as_array).into_iter().flatten() {
                let name = m
                    .get("id")
                    .or_else(|| m.get("name"))
                    .or_else(|| m.get("model"))
                    .and_then(Value::as_str);
                if let Some(n) = name {
                    if !names.iter().any(|x| x == n) {
                        names.push(self.redactor.clean(n, 120));
                    }
                }
            }
        }
        if names.is_empty() && v.get("data").is_none() && v.get("models").is_none() {
            return Err(LlmError::NotOpenAi {
                url: self.url.clone(),
                detail: "GET /models did not return a model list".into(),
            });
        }
        Ok(names)
    }

    /// The model to use: the configured one, else the server's only model.
    pub async fn model(&self) -> Result<String, LlmError> {
        if let Some(m) = &self.configured_model {
            return Ok(m.clone());
        }
        if let Some(m) = self.resolved_model.lock().ok().and_then(|m| m.clone()) {
            return Ok(m);
        }
        let models = self.list_models().await?;
        match models.as_slice() {
            [only] => {
                if let Ok(mut m) = self.resolved_model.lock() {
                    *m = Some(only.clone());
                }
                Ok(only.clone())
            }
            _ => Err(LlmError::NoModel {
                url: self.url.clone(),
                available: models,
            }),
        }
    }

    /// Stream a reply. `on_event` sees each piece of text as it arrives (and
    /// a `Restart` when an attempt failed and its text is void). When
    /// `cancel` completes first, the partial reply comes back with
    /// `cancelled` set.
    pub async fn stream_chat<F>(
        &self,
        req: &ChatRequest,
        on_event: &mut dyn FnMut(StreamEvent<'_>),
        cancel: F,
    ) -> Result<Completion, LlmError>
    where
        F: Future<Output = ()>,
    {
        let started = Instant::now();
        let mut cancel = std::pin::pin!(cancel);
        let model = match &req.model {
            Some(m) => m.clone(),
            None => tokio::select! {
                biased;
                _ = cancel.as_mut() => return Ok(self.cancelled_empty(req, started)),
                m = self.model() => m?,
            },
        };
        let mut retries = 0u32;
        let mut timeouts = 0u32;
        let mut adaptations = 0u32;
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let format = self.format_used(&req.format);
            let body = self.body(req, &model, format);
            let outcome = self
                .stream_once(body, on_event, cancel.as_mut(), started)
                .await;
            let err = match outcome {
                Ok(a) => {
                    return Ok(Completion {
                        text: a.text,
                        model: a.model.unwrap_or_else(|| model.clone()),
                        ttft: a.first_token_at.map(|t| t.duration_since(started)),
                        latency: started.elapsed(),
                        usage: a.usage,
                        finish_reason: a.finish_reason,
                        cancelled: a.cancelled,
                        format,
                        attempts,
                    })
                }
                Err(e) => e,
            };
            if adaptations < MAX_ADAPTATIONS && self.adapt(&err, &req.format) {
                adaptations += 1;
                on_event(StreamEvent::Restart { reason: err.kind() });
                continue;
            }
            if let LlmError::Rejected { status: 404, .. } = err {
                return Err(self.explain_not_found(&model, err).await);
            }
            let is_timeout = matches!(err, LlmError::Timeout { .. });
            if !err.is_retryable() || retries >= self.max_retries() || (is_timeout && timeouts >= 1)
            {
                return Err(err);
            }
            let Some(delay) = self.backoff(retries, err.retry_after()) else {
                return Err(err);
            };
            on_event(StreamEvent::Restart { reason: err.kind() });
            tokio::select! {
                biased;
                _ = cancel.as_mut() => return Ok(self.cancelled_empty(req, started)),
                _ = tokio::time::sleep(delay) => {}
            }
            retries += 1;
            if is_timeout {
                timeouts += 1;
            }
        }
    }

    /// The whole reply at once, for callers that need no streaming (the
    /// judge): structured output when `req.format` asks for it, with the
    /// same retries and timeouts as [`LlmClient::stream_chat`].
    pub async fn complete(&self, req: &ChatRequest) -> Result<Completion, LlmError> {
        self.stream_chat(req, &mut |_| {}, std::future::pending())
            .await
    }

    /// Send a request only so the server caches its prompt: one attempt,
    /// nothing streamed anywhere, the reply thrown away.
    pub async fn warm(&self, req: &ChatRequest) -> Result<(), LlmError> {
        let model = match &req.model {
            Some(m) => m.clone(),
            None => self.model().await?,
        };
        let body = self.body(req, &model, FormatUsed::Text);
        let pending = std::pin::pin!(std::future::pending::<()>());
        self.stream_once(body, &mut |_| {}, pending, Instant::now())
            .await
            .map(|_| ())
    }

    fn cancelled_empty(&self, req: &ChatRequest, started: Instant) -> Completion {
        Completion {
            text: String::new(),
            model: req
                .model
                .clone()
                .or_else(|| self.model_name())
                .unwrap_or_default(),
            ttft: None,
            latency: started.elapsed(),
            usage: None,
            finish_reason: None,
            cancelled: true,
            format: self.format_used(&req.format),
            attempts: 0,
        }
    }

    async fn stream_once(
        &self,
        body: Value,
        on_event: &mut dyn FnMut(StreamEvent<'_>),
        mut cancel: Pin<&mut impl Future<Output = ()>>,
        started: Instant,
    ) -> Result<Attempt, LlmError> {
        let state = Arc::new(CallState::default());
        let client = self.openai(state.clone());
        let mut attempt = Attempt::default();
        let attempt_start = Instant::now();
        let first_deadline = attempt_start + self.first_token_timeout;
        let chat = client.chat();
        let open = chat.create_stream_byot::<Value, Value>(body);
        let mut stream = tokio::select! {
            biased;
            _ = cancel.as_mut() => {
                attempt.cancelled = true;
                return Ok(attempt);
            }
            r = tokio::time::timeout_at(first_deadline.into(), open) => match r {
                Err(_) => return Err(self.timeout_error("waiting for the first token", self.first_token_timeout)),
                Ok(Err(e)) => return Err(self.map_error(e)),
                Ok(Ok(s)) => s,
            },
        };
        let mut alive = false;
        loop {
            let deadline = if alive {
                Instant::now() + self.idle_timeout
            } else {
                first_deadline
            };
            let next = tokio::select! {
                biased;
                _ = cancel.as_mut() => {
                    attempt.cancelled = true;
                    return Ok(attempt);
                }
                n = tokio::time::timeout_at(deadline.into(), stream.next()) => n,
            };
            let item = match next {
                Err(_) if alive => {
                    return Err(self.timeout_error("between chunks", self.idle_timeout))
                }
                Err(_) => {
                    return Err(
                        self.timeout_error("waiting for the first token", self.first_token_timeout)
                    )
                }
                Ok(None) => break,
                Ok(Some(item)) => item,
            };
            let value = match item {
                Ok(v) => v,
                // A data line that is not JSON: skip it, a later chunk or
                // the end of the stream decides.
                Err(OpenAIError::JSONDeserialize(..)) => continue,
                Err(e) => {
                    if attempt.finish_reason.is_some() {
                        break;
                    }
                    return Err(self.map_error(e));
                }
            };
            alive |= self.absorb(&mut attempt, sse::parse(&value), on_event)?;
        }
        let done = state.done.load(Ordering::Relaxed);
        if !done && attempt.finish_reason.is_none() {
            return Err(LlmError::Cut {
                url: self.url.clone(),
                detail: format!(
                    "no [DONE] after {} characters, {} ms",
                    attempt.text.chars().count(),
                    started.elapsed().as_millis()
                ),
            });
        }
        Ok(attempt)
    }

    /// Folds one parsed chunk into the attempt; true when the chunk shows
    /// the model is alive (text or reasoning), which switches the deadline
    /// from first-token to between-chunks.
    fn absorb(
        &self,
        attempt: &mut Attempt,
        chunk: sse::Chunk,
        on_event: &mut dyn FnMut(StreamEvent<'_>),
    ) -> Result<bool, LlmError> {
        if let Some(msg) = chunk.error {
            return Err(self.classify_message(400, &msg, None));
        }
        if chunk.model.is_some() {
            attempt.model = chunk.model;
        }
        if chunk.usage.is_some() {
            attempt.usage = chunk.usage;
        }
        if chunk.finish_reason.is_some() {
            attempt.finish_reason = chunk.finish_reason;
        }
        let Some(text) = chunk.content else {
            return Ok(chunk.reasoning);
        };
        attempt.first_token_at.get_or_insert_with(Instant::now);
        attempt.text.push_str(&text);
        on_event(StreamEvent::Token(&text));
        Ok(true)
    }

    fn format_used(&self, format: &OutputFormat) -> FormatUsed {
        match format {
            OutputFormat::Text => FormatUsed::Text,
            OutputFormat::Json { .. } => match self.quirks.format_level.load(Ordering::Relaxed) {
                0 => FormatUsed::JsonSchema,
                1 => FormatUsed::JsonObject,
                _ => FormatUsed::PromptedJson,
            },
        }
    }

    fn body(&self, req: &ChatRequest, model: &str, format: FormatUsed) -> Value {
        let mut messages: Vec<Value> = req
            .messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "content": m.content}))
            .collect();
        let mut body = json!({
            "model": model,
            "stream": true,
        });
        if let OutputFormat::Json { name, schema } = &req.format {
            match format {
                FormatUsed::JsonSchema => {
                    body["response_format"] = json!({
                        "type": "json_schema",
                        "json_schema": {"name": name, "schema": schema, "strict": true},
                    });
                }
                FormatUsed::JsonObject | FormatUsed::PromptedJson => {
                    if format == FormatUsed::JsonObject {
                        body["response_format"] = json!({"type": "json_object"});
                    }
                    messages.push(json!({
                        "role": "system",
                        "content": format!(
                            "Reply with one JSON object and nothing else. It must match this JSON Schema: {schema}"
                        ),
                    }));
                }
                FormatUsed::Text => {}
            }
        }
        body["messages"] = Value::Array(messages);
        if !self.quirks.no_stream_options.load(Ordering::Relaxed) {
            body["stream_options"] = json!({"include_usage": true});
        }
        if let Some(t) = req.temperature {
            if !self.quirks.no_temperature.load(Ordering::Relaxed) {
                body["temperature"] = json!(t);
            }
        }
        if let Some(n) = req.max_tokens {
            let key = if self.quirks.max_completion_tokens.load(Ordering::Relaxed) {
                "max_completion_tokens"
            } else {
                "max_tokens"
            };
            body[key] = json!(n);
        }
        if !req.stop.is_empty() {
            // OpenAI accepts at most four stop sequences
            body["stop"] = json!(req.stop.iter().take(4).collect::<Vec<_>>());
        }
        if let Some(seed) = req.seed {
            if !self.quirks.no_seed.load(Ordering::Relaxed) {
                body["seed"] = json!(seed);
            }
        }
        body
    }

    /// A server refused an optional part of the request: drop or change it
    /// and say whether a re-send makes sense.
    fn adapt(&self, err: &LlmError, format: &OutputFormat) -> bool {
        let LlmError::Rejected {
            status, message, ..
        } = err
        else {
            return false;
        };
        if !matches!(status, 400 | 422) {
            return false;
        }
        let m = message.to_ascii_lowercase();
        let q = &self.quirks;
        let set = |flag: &AtomicBool| !flag.swap(true, Ordering::Relaxed);
        if m.contains("stream_options") && set(&q.no_stream_options) {
            return true;
        }
        if m.contains("max_tokens") && set(&q.max_completion_tokens) {
            return true;
        }
        if m.contains("temperature") && set(&q.no_temperature) {
            return true;
        }
        if m.contains("seed") && set(&q.no_seed) {
            return true;
        }
        let about_format = [
            "response_format",
            "json_schema",
            "json_object",
            "schema",
            "grammar",
            "structured",
        ]
        .iter()
        .any(|k| m.contains(k));
        if about_format && matches!(format, OutputFormat::Json { .. }) {
            let level = q.format_level.load(Ordering::Relaxed);
            if level < 2 {
                q.format_level.store(level + 1, Ordering::Relaxed);
                return true;
            }
        }
        false
    }

    /// A 404: the model is unknown, or this is not an OpenAI API at all.
    async fn explain_not_found(&self, model: &str, original: LlmError) -> LlmError {
        match self.list_models().await {
            Ok(models) if !models.iter().any(|m| m == model) => LlmError::UnknownModel {
                model: model.to_string(),
                url: self.url.clone(),
                available: models,
            },
            Ok(_) => original,
            Err(LlmError::Rejected { status: 404, .. }) | Err(LlmError::NotOpenAi { .. }) => {
                LlmError::NotOpenAi {
                    url: self.url.clone(),
                    detail: "no /chat/completions or /models here (HTTP 404)".into(),
                }
            }
            Err(e) => e,
        }
    }

    /// The delay before retry number `n` (0-based), or None when the server
    /// asks for a longer wait than a turn can afford.
    fn backoff(&self, n: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let r = self.rng.lock().map(|mut r| r.next_u64()).unwrap_or(0);
        let unit = (r % 10_000) as f64 / 10_000.0; // 0..1
        if let Some(wait) = retry_after {
            if wait > MAX_RETRY_AFTER {
                return None;
            }
            // a little on top, so clients told the same time do not return together
            return Some(wait + wait.mul_f64(0.1 * unit) + Duration::from_millis(10));
        }
        let exp = self
            .retry_base
            .saturating_mul(2u32.saturating_pow(n))
            .min(MAX_BACKOFF);
        // "equal jitter": half fixed, half random
        Some(exp / 2 + exp.mul_f64(0.5 * unit))
    }

    fn timeout_error(&self, phase: &'static str, d: Duration) -> LlmError {
        let field = if phase == "between chunks" {
            "idle_timeout_secs"
        } else {
            "first_token_timeout_secs"
        };
        LlmError::Timeout {
            url: self.url.clone(),
            phase,
            secs: d.as_secs(),
            field,
        }
    }

    fn map_error(&self, e: OpenAIError) -> LlmError {
        let err = match e {
            OpenAIError::Boxed(b) => {
                if let Some(f) = b.downcast_ref::<HttpFailure>() {
                    self.http_error(f)
                } else if let Some(n) = b.downcast_ref::<NotSse>() {
                    LlmError::NotOpenAi {
                        url: self.url.clone(),
                        detail: format!(
                            "a 200 reply that is neither an event stream nor a completion: {}",
                            snippet(&n.snippet)
                        ),
                    }
                } else if let Some(r) = b.downcast_ref::<reqwest::Error>() {
                    self.reqwest_error(r)
                } else {
                    LlmError::Unreachable {
                        url: self.url.clone(),
                        detail: b.to_string(),
                    }
                }
            }
            OpenAIError::Reqwest(r) => self.reqwest_error(&r),
            OpenAIError::ApiError(a) => {
                self.classify_message(a.status_code.as_u16(), &a.api_error.message, None)
            }
            OpenAIError::JSONDeserialize(_, content) => LlmError::NotOpenAi {
                url: self.url.clone(),
                detail: format!("unreadable reply: {}", snippet(&content)),
            },
            OpenAIError::StreamError(s) => LlmError::Cut {
                url: self.url.clone(),
                detail: s.to_string(),
            },
            other => LlmError::Setup(other.to_string()),
        };
        self.redactor.error(err)
    }

    fn reqwest_error(&self, e: &reqwest::Error) -> LlmError {
        let cause = root_cause(e);
        let detail = if e.is_connect() && e.is_timeout() {
            "connection timed out".to_string()
        } else if e.is_connect() {
            cause
        } else if e.is_timeout() {
            "timed out".to_string()
        } else if e.is_body() || e.is_decode() {
            return LlmError::Cut {
                url: self.url.clone(),
                detail: cause,
            };
        } else {
            format!("the connection failed: {cause}")
        };
        LlmError::Unreachable {
            url: self.url.clone(),
            detail,
        }
    }

    fn http_error(&self, f: &HttpFailure) -> LlmError {
        let message = server_message(&f.body);
        self.classify_message(f.status, &message, f.retry_after)
    }

    fn classify_message(
        &self,
        status: u16,
        message: &str,
        retry_after: Option<Duration>,
    ) -> LlmError {
        let message = self.redactor.clean(message, 240);
        let m = message.to_ascii_lowercase();
        let url = self.url.clone();
        let context = [
            "context length",
            "context_length",
            "context size",
            "context window",
            "maximum context",
            "too many tokens",
            "exceed_context",
            "prompt is too long",
            "input is too long",
        ]
        .iter()
        .any(|k| m.contains(k));
        if context {
            return LlmError::ContextTooLong { detail: message };
        }
        match status {
            401 | 403 => LlmError::Unauthorized { url, status },
            404 => LlmError::Rejected {
                url,
                status,
                message,
            },
            400 if m.contains("model_not_found")
                || (m.contains("model") && m.contains("not found"))
                || m.contains("does not exist") =>
            {
                LlmError::Rejected {
                    url,
                    status: 404,
                    message,
                }
            }
            429 if m.contains("insufficient_quota") || m.contains("quota") => LlmError::Rejected {
                url,
                status,
                message,
            },
            429 => LlmError::RateLimited {
                url,
                retry_after,
                detail: message,
            },
            408 | 500..=599 => LlmError::Server {
                url,
                status,
                message,
            },
            _ => LlmError::Rejected {
                url,
                status,
                message,
            },
        }
    }
}

/// The human part of an error body: `error.message`, `message`, `detail`,
/// or the text itself without HTML tags.
fn server_message(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        let msg = v
            .pointer("/error/message")
            .or_else(|| v.get("error").filter(|e| e.is_string()))
            .or_else(|| v.get("message"))
            .or_else(|| v.get("detail"))
            .and_then(Value::as_str);
        let code = v
            .pointer("/error/code")
            .or_else(|| v.pointer("/error/type"))
            .and_then(|c| {
                c.as_str()
                    .map(str::to_string)
                    .or_else(|| c.as_u64().map(|n| n.to_string()))
            });
        return match (msg, code) {
            (Some(m), Some(c)) if !m.contains(&c) => format!("{m} ({c})"),
            (Some(m), _) => m.to_string(),
            (None, Some(c)) => c,
            (None, None) => snippet(body),
        };
    }
    snippet(body)
}

/// The start of a body as one readable line (tags removed).
fn snippet(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
        if out.len() > 400 {
            break;
        }
    }
    let s = crate::text::ellipsize(&crate::text::squash_ws(&out), 120);
    if s.is_empty() {
        "an empty body".into()
    } else {
        format!("\"{s}\"")
    }
}

/// The innermost cause of a transport error, without the URL the outer
/// layers add.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let s = cur.to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let lower = s.to_ascii_lowercase();
    if lower.contains("http://") || lower.contains("https://") {
        return "the request failed".into();
    }
    lower
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LlmSettings {
        LlmSettings {
            base_url: "http://user:pw@127.0.0.1:9/v1".into(),
            model: Some("m".into()),
            judge_model: None,
            api_key: Some(ApiKey::new("sk-unit-test-key".into())),
            provider: None,
            context_budget: 4000,
            interviewer_mode: crate::config::InterviewerMode::Guided,
            judge_mode: crate::config::JudgeMode::PerDimension,
            connect_timeout: Duration::from_secs(1),
            first_token_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
            max_retries: 3,
            retry_base: Duration::from_millis(400),
            jobs: 1,
            judge_slots: 2,
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_honours_retry_after() {
        let c = LlmClient::new(&settings()).unwrap();
        for n in 0..6 {
            let d = c.backoff(n, None).unwrap();
            let exp = Duration::from_millis(400)
                .saturating_mul(2u32.pow(n))
                .min(MAX_BACKOFF);
            assert!(d >= exp / 2 && d <= exp, "{n}: {d:?} vs {exp:?}");
        }
        let d = c.backoff(0, Some(Duration::from_secs(2))).unwrap();
        assert!(d >= Duration::from_secs(2) && d <= Duration::from_millis(2300));
        assert_eq!(c.backoff(0, Some(Duration::from_secs(600))), None);
    }

    #[test]
    fn server_messages_are_classified() {
        let c = LlmClient::new(&settings()).unwrap();
        let e = c.classify_message(
            400,
            "the request exceeds the available context size, try increasing it",
            None,
        );
        assert!(matches!(e, LlmError::ContextTooLong { .. }));
        assert!(matches!(
            c.classify_message(401, "no", None),
            LlmError::Unauthorized { .. }
        ));
        assert!(matches!(
            c.classify_message(503, "loading", None),
            LlmError::Server { .. }
        ));
        let e = c.classify_message(429, "slow down", Some(Duration::from_secs(1)));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
        assert!(!c
            .classify_message(
                429,
                "You exceeded your current quota (insufficient_quota)",
                None
            )
            .is_retryable());
        assert_eq!(c.url(), "http://127.0.0.1:9/v1");
        assert!(c.is_local());
        let mut s = settings();
        for (url, local) in [
            ("https://api.openai.com/v1", false),
            ("http://localhost:11434/v1", true),
            ("http://192.168.1.20:8000/v1", true),
            ("http://[::1]:8080/v1", true),
            ("https://openrouter.ai/api/v1", false),
        ] {
            s.base_url = url.into();
            assert_eq!(LlmClient::new(&s).unwrap().is_local(), local, "{url}");
        }
    }

    #[test]
    fn request_bodies_step_down_when_structured_output_is_refused() {
        let c = LlmClient::new(&settings()).unwrap();
        let req = ChatRequest {
            messages: vec![super::super::Message::user("hi")],
            format: OutputFormat::Json {
                name: "x".into(),
                schema: json!({"type": "object"}),
            },
            temperature: Some(0.0),
            max_tokens: Some(10),
            ..Default::default()
        };
        let b = c.body(&req, "m", c.format_used(&req.format));
        assert_eq!(b["response_format"]["type"], "json_schema");
        assert_eq!(b["stream_options"]["include_usage"], true);
        let refused = LlmError::Rejected {
            url: "u".into(),
            status: 400,
            message: "response_format type json_schema is not supported".into(),
        };
        assert!(c.adapt(&refused, &req.format));
        let b = c.body(&req, "m", c.format_used(&req.format));
        assert_eq!(b["response_format"]["type"], "json_object");
        assert!(b["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("JSON Schema"));
        assert!(c.adapt(&refused, &req.format));
        let b = c.body(&req, "m", c.format_used(&req.format));
        assert!(b.get("response_format").is_none());
        assert!(!c.adapt(&refused, &req.format), "nothing left to drop");
        let no_opts = LlmError::Rejected {
            url: "u".into(),
            status: 400,
            message: "Unrecognized request argument supplied: stream_options".into(),
        };
        assert!(c.adapt(&no_opts, &req.format));
        assert!(c
            .body(&req, "m", FormatUsed::Text)
            .get("stream_options")
            .is_none());
    }

    #[test]
    fn error_bodies_become_one_readable_line() {
        assert_eq!(
            server_message(
                r#"{"error":{"code":400,"message":"bad things","type":"invalid_request_error"}}"#
            ),
            "bad things (400)"
        );
        assert_eq!(
            server_message(r#"{"object":"error","message":"The model `x` does not exist."}"#),
            "The model `x` does not exist."
        );
        assert_eq!(
            server_message("<html><body><h1>502 Bad Gateway</h1></body></html>"),
            "\"502 Bad Gateway\""
        );
        assert_eq!(server_message(""), "an empty body");
    }
}
