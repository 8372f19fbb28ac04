//! The HTTP layer under async-openai: our own tower service in place of the
//! crate's default one.
//!
//! Three reasons it exists. The default executor retries 429s on its own
//! (waiting for any `Retry-After`, however long) and then drops the headers,
//! so our backoff could neither own the policy nor read `Retry-After`. An SSE
//! stream that ends without `[DONE]` looks exactly like a finished one from
//! above, so a cut stream would pass as a short reply. And a 200 that is not
//! an event stream (a proxy's HTML page, a server that ignores `stream`) would
//! silently produce nothing. Each request gets a [`CallState`] the caller
//! reads afterwards.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use futures::StreamExt;

/// A non-2xx answer, with what the retry policy and the error messages need.
#[derive(Debug, Clone)]
pub struct HttpFailure {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: String,
}

impl std::fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)
    }
}

impl std::error::Error for HttpFailure {}

/// A 200 whose body is not what was asked for.
#[derive(Debug, Clone)]
pub struct NotSse {
    pub snippet: String,
}

impl std::fmt::Display for NotSse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an event stream")
    }
}

impl std::error::Error for NotSse {}

/// What one request saw on the wire.
#[derive(Debug, Default)]
pub struct CallState {
    /// `data: [DONE]` arrived.
    pub done: AtomicBool,
}

/// Error bodies are read up to this size; a runaway body is not our problem.
const MAX_ERROR_BODY: usize = 64 * 1024;

#[derive(Clone)]
pub struct Transport {
    pub client: reqwest::Client,
    pub state: Arc<CallState>,
    /// False when no key is configured: async-openai would still send an
    /// empty `Authorization: Bearer`, which some proxies reject.
    pub send_auth: bool,
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let client = self.client.clone();
        let state = self.state.clone();
        let send_auth = self.send_auth;
        Box::pin(async move {
            let mut request = factory.build().await?;
            if !send_auth {
                request.headers_mut().remove(reqwest::header::AUTHORIZATION);
            }
            let streaming = request
                .body()
                .and_then(|b| b.as_bytes())
                .is_some_and(asks_for_stream);
            let response = client.execute(request).await?;
            let status = response.status();
            if !status.is_success() {
                let retry_after = retry_after(response.headers());
                let body = read_limited(response).await;
                return Err(OpenAIError::Boxed(Box::new(HttpFailure {
                    status: status.as_u16(),
                    retry_after,
                    body,
                })));
            }
            if !streaming {
                return Ok(response);
            }
            let is_sse = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains("text/event-stream"));
            if is_sse {
                return Ok(watch_for_done(response, state));
            }
            // Not announced as SSE: look at the body to decide what it is.
            let body = read_limited(response).await;
            let trimmed = body.trim_start();
            if trimmed.starts_with("data:") || trimmed.starts_with("event:") {
                state.done.store(body.contains("[DONE]"), Ordering::Relaxed);
                return Ok(sse_response(body));
            }
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
                if v.get("error").is_some() {
                    return Err(OpenAIError::Boxed(Box::new(HttpFailure {
                        status: 400,
                        retry_after: None,
                        body,
                    })));
                }
                if let Some(sse) = completion_as_sse(&v) {
                    state.done.store(true, Ordering::Relaxed);
                    return Ok(sse_response(sse));
                }
            }
            Err(OpenAIError::Boxed(Box::new(NotSse { snippet: body })))
        })
    }
}

fn asks_for_stream(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("stream").and_then(|s| s.as_bool()))
        .unwrap_or(false)
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(86_400.0)));
        }
        return None;
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let secs = when.as_second() - jiff::Timestamp::now().as_second();
    Some(Duration::from_secs(secs.clamp(0, 86_400) as u64))
}

async fn read_limited(response: reqwest::Response) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(Ok(chunk)) = stream.next().await {
        let room = MAX_ERROR_BODY.saturating_sub(out.len());
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sse_response(body: String) -> reqwest::Response {
    let r = http::Response::builder()
        .status(200)
        .header("content-type", "text/event-stream")
        .body(body)
        .unwrap_or_default();
    reqwest::Response::from(r)
}

/// A whole chat completion, replayed as a one-chunk stream.
fn completion_as_sse(v: &serde_json::Value) -> Option<String> {
    let choices = v.get("choices")?.as_array()?;
    let first = choices.first()?;
    let content = first
        .pointer("/message/content")
        .and_then(|c| c.as_str())
        .unwrap_or("");
    let chunk = serde_json::json!({
        "model": v.get("model").cloned().unwrap_or_default(),
        "choices": [{
            "index": 0,
            "delta": {"content": content},
            "finish_reason": first.get("finish_reason").cloned().unwrap_or(serde_json::json!("stop")),
        }],
        "usage": v.get("usage").cloned().unwrap_or_default(),
    });
    Some(format!("data: {chunk}\n\ndata: [DONE]\n\n"))
}

/// Pass the body through, noting whether `[DONE]` went by.
fn watch_for_done(response: reqwest::Response, state: Arc<CallState>) -> reqwest::Response {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes_stream();
    // The tail of the previous chunk, so a marker split across chunks is seen.
    let watched = body.scan(Vec::<u8>::new(), move |tail, item| {
        if let Ok(bytes) = &item {
            tail.extend_from_slice(bytes);
            if find(tail, b"[DONE]") {
                state.done.store(true, Ordering::Relaxed);
            }
            let keep = tail.len().saturating_sub(8);
            tail.drain(..keep);
        }
        futures::future::ready(Some(item))
    });
    let mut builder = http::Response::builder().status(status);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    match builder.body(reqwest::Body::wrap_stream(watched)) {
        Ok(r) => reqwest::Response::from(r),
        Err(_) => sse_response(String::new()),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_ignores_junk() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[test]
    fn a_whole_completion_becomes_a_stream() {
        let v = serde_json::json!({"model": "m", "choices": [{"message": {"content": "Hi?"}, "finish_reason": "stop"}]});
        let s = completion_as_sse(&v).unwrap();
        assert!(s.contains("\"content\":\"Hi?\"") && s.ends_with("data: [DONE]\n\n"));
    }
}
