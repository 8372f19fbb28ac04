//! A fake OpenAI-compatible server on a raw TCP socket.
//!
//! wiremock cannot stall a stream or cut it half-way, so this speaks just
//! enough HTTP/1.1 by hand: `GET /v1/models` and `POST /v1/chat/completions`,
//! one request per connection (`Connection: close`), responses scripted per
//! test. Every request is recorded for the test to inspect.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// What the server does with one chat request.
#[derive(Debug, Clone)]
pub enum Step {
    /// Stream `pieces` as content chunks in llama.cpp's shape: a role chunk,
    /// content chunks, a finish chunk, a usage chunk with `choices: []`,
    /// `[DONE]`.
    Stream {
        pieces: Vec<String>,
        first_delay: Duration,
        delay: Duration,
        /// Send `"finish_reason": ""` on content chunks, like some servers.
        empty_finish: bool,
    },
    /// Send these pieces, then hold the connection open and silent.
    Stall { pieces: Vec<String>, hold: Duration },
    /// Send these pieces, then close without a finish reason or `[DONE]`.
    Cut { pieces: Vec<String> },
    /// A complete HTTP response.
    Raw {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read the request and close the connection without a word.
    Close,
    /// Play a model that does what the interviewer prompt asks: say the
    /// question (or hint) the task line quotes, tied to the quoted words of
    /// the candidate when the prompt gives some.
    EchoAsk,
    /// Reply with what this function makes of the request body: a model
    /// that reads the prompt (a judge citing the sentences it should).
    Compute(fn(&str) -> String),
}

impl Step {
    /// Stream `text` in small pieces with no delay.
    pub fn reply(text: &str) -> Step {
        Step::Stream {
            pieces: pieces(text),
            first_delay: Duration::ZERO,
            delay: Duration::ZERO,
            empty_finish: false,
        }
    }

    pub fn slow_reply(text: &str, first_delay: Duration, delay: Duration) -> Step {
        Step::Stream {
            pieces: pieces(text),
            first_delay,
            delay,
            empty_finish: false,
        }
    }

    pub fn status(status: u16, body: &str) -> Step {
        Step::Raw {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    pub fn rate_limited(retry_after_secs: u64) -> Step {
        Step::Raw {
            status: 429,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Retry-After".into(), retry_after_secs.to_string()),
            ],
            body: r#"{"error":{"message":"Rate limit reached, slow down","type":"requests","code":"rate_limit_exceeded"}}"#.into(),
        }
    }

    pub fn server_error() -> Step {
        Step::status(
            500,
            r#"{"error":{"message":"internal error","type":"server_error"}}"#,
        )
    }

    pub fn unauthorized() -> Step {
        Step::status(
            401,
            r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#,
        )
    }

    pub fn unknown_model() -> Step {
        Step::status(
            404,
            r#"{"error":{"message":"The model does not exist","type":"invalid_request_error","code":"model_not_found"}}"#,
        )
    }

    pub fn context_too_long() -> Step {
        Step::status(
            400,
            r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#,
        )
    }

    pub fn not_json() -> Step {
        Step::Raw {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: "<html><body><h1>Welcome to nginx!</h1></body></html>".into(),
        }
    }

    pub fn stall() -> Step {
        Step::Stall {
            pieces: vec![],
            hold: Duration::from_secs(4),
        }
    }

    pub fn stall_after(text: &str) -> Step {
        Step::Stall {
            pieces: pieces(text),
            hold: Duration::from_secs(4),
        }
    }

    pub fn cut_after(text: &str) -> Step {
        Step::Cut {
            pieces: pieces(text),
        }
    }
}

/// Split text the way a model streams it: a few characters at a time.
pub fn pieces(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if cur.chars().count() >= 4 && (c == ' ' || c == ',' || c == '.') {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the request had been read, and when the response was finished.
    pub arrived: Instant,
    pub finished: Option<Instant>,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All message contents joined, for "does the prompt carry X" checks.
    pub fn prompt_text(&self) -> String {
        self.json()["messages"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|m| m["content"].as_str().unwrap_or("").to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    pub fn is_chat(&self) -> bool {
        self.method == "POST" && self.path.ends_with("/chat/completions")
    }

    /// A one-token request that only warms the server's prompt cache.
    pub fn is_warm_up(&self) -> bool {
        self.is_chat() && self.json()["max_tokens"] == 1
    }
}

struct State {
    /// Applied to the replies [`Step::EchoAsk`] produces (first token,
    /// between chunks).
    latency: (Duration, Duration),
    script: VecDeque<Step>,
    default: Step,
    models: Vec<String>,
    seen: Vec<Seen>,
}

pub struct FakeLlm {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

pub const DEFAULT_REPLY: &str =
    "You mentioned the design at a high level. What would you measure first to know it works?";

/// What [`Step::EchoAsk`] says for a request body.
pub fn echo_ask(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let last = v["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string();
    let task = match last.rfind("</answer>") {
        Some(i) => &last[i..],
        None => last.as_str(),
    };
    let quoted = |line: &str| -> Option<String> {
        let start = line.find(": \"")? + 3;
        let end = line.rfind('"')?;
        (end > start).then(|| line[start..end].to_string())
    };
    let mut ask = None;
    let mut tie = None;
    for line in task.lines() {
        if line.starts_with("Tie it to their words") {
            tie = quoted(line);
        } else if ask.is_none() {
            ask = quoted(line);
        }
    }
    let ask = ask.unwrap_or_else(|| DEFAULT_REPLY.to_string());
    match tie {
        Some(t) => format!("You said \"{t}\". {ask}"),
        None => ask,
    }
}

impl FakeLlm {
    /// A server that answers interviewer prompts as a well-behaved model
    /// would ([`Step::EchoAsk`]) unless scripted.
    pub fn interviewer() -> FakeLlm {
        FakeLlm::with_default(Step::EchoAsk)
    }

    /// A server whose every chat reply is [`DEFAULT_REPLY`] unless scripted.
    pub fn start() -> FakeLlm {
        FakeLlm::with_default(Step::reply(DEFAULT_REPLY))
    }

    pub fn with_default(default: Step) -> FakeLlm {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            latency: (Duration::ZERO, Duration::ZERO),
            script: VecDeque::new(),
            default,
            models: vec!["fake".into()],
            seen: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let state = state.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let state = state.clone();
                    let stop = stop.clone();
                    std::thread::spawn(move || {
                        let _ = serve(conn, &state, &stop);
                    });
                }
            });
        }
        FakeLlm { addr, state, stop }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Queue steps for the next chat requests, in order.
    pub fn script(&self, steps: impl IntoIterator<Item = Step>) {
        self.state.lock().unwrap().script.extend(steps);
    }

    pub fn set_default(&self, step: Step) {
        self.state.lock().unwrap().default = step;
    }

    /// Make [`Step::EchoAsk`] replies take this long: a fixed time to the
    /// first token, then a fixed time between chunks.
    pub fn set_latency(&self, first: Duration, between: Duration) {
        self.state.lock().unwrap().latency = (first, between);
    }

    pub fn set_models(&self, models: &[&str]) {
        self.state.lock().unwrap().models = models.iter().map(|s| s.to_string()).collect();
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Chat requests that want a reply (warm-ups left out).
    pub fn chat_requests(&self) -> Vec<Seen> {
        self.requests()
            .into_iter()
            .filter(|r| r.is_chat() && !r.is_warm_up())
            .collect()
    }

    pub fn warm_ups(&self) -> Vec<Seen> {
        self.requests()
            .into_iter()
            .filter(|r| r.is_warm_up())
            .collect()
    }

    /// Steps still queued (a test can check its script was used up).
    pub fn pending(&self) -> usize {
        self.state.lock().unwrap().script.len()
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // unblock accept()
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// Serve a connection. `GET /models` keeps it alive, as llama.cpp and most
/// servers do, so clients pool it; chat replies close it.
fn serve(conn: TcpStream, state: &Mutex<State>, stop: &AtomicBool) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    // small SSE writes must leave at once, as a real server's do (Nagle
    // would hold them for the client's delayed ACK and look like latency)
    conn.set_nodelay(true)?;
    let mut reader = BufReader::new(conn.try_clone()?);
    while serve_one(&mut reader, &conn, state, stop)? {}
    Ok(())
}

/// One request; true when the connection stays open for another.
fn serve_one(
    reader: &mut BufReader<TcpStream>,
    conn: &TcpStream,
    state: &Mutex<State>,
    stop: &AtomicBool,
) -> std::io::Result<bool> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(false);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let seen = Seen {
        method: method.clone(),
        path: path.clone(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        arrived: Instant::now(),
        finished: None,
    };
    let index = {
        let mut s = state.lock().unwrap();
        s.seen.push(seen);
        s.seen.len() - 1
    };
    let mut out = conn.try_clone()?;
    let mut keep_alive = false;
    let result = if method == "GET" && path.ends_with("/models") {
        keep_alive = true;
        let models = state.lock().unwrap().models.clone();
        let data: Vec<Value> = models
            .iter()
            .map(|m| json!({"id": m, "object": "model", "owned_by": "fake"}))
            .collect();
        respond_keep_alive(
            &mut out,
            &json!({"object": "list", "data": data}).to_string(),
        )
    } else if method == "POST" && path.ends_with("/chat/completions") {
        let warm_up = state.lock().unwrap().seen[index].is_warm_up();
        let step = if warm_up {
            // warm-ups do not use up the script
            Step::reply("ok")
        } else {
            let mut s = state.lock().unwrap();
            s.script.pop_front().unwrap_or_else(|| s.default.clone())
        };
        let step = match step {
            Step::EchoAsk => {
                let (body, (first, between)) = {
                    let s = state.lock().unwrap();
                    (s.seen[index].body.clone(), s.latency)
                };
                Step::slow_reply(&echo_ask(&body), first, between)
            }
            Step::Compute(f) => {
                let body = state.lock().unwrap().seen[index].body.clone();
                Step::reply(&f(&body))
            }
            other => other,
        };
        run_step(&mut out, step, stop)
    } else {
        respond(
            &mut out,
            404,
            &[("Content-Type", "text/plain")],
            "Not Found",
        )
    };
    state.lock().unwrap().seen[index].finished = Some(Instant::now());
    result.map(|_| keep_alive)
}

fn respond_keep_alive(out: &mut TcpStream, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    out.write_all(head.as_bytes())?;
    out.write_all(body.as_bytes())?;
    out.flush()
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.write_all(head.as_bytes())?;
    out.write_all(body.as_bytes())?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn sse_head(out: &mut TcpStream) -> std::io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
    )?;
    out.flush()
}

fn chunk(out: &mut TcpStream, v: Value) -> std::io::Result<()> {
    out.write_all(format!("data: {v}\n\n").as_bytes())?;
    out.flush()
}

fn content(text: &str, empty_finish: bool) -> Value {
    let finish = if empty_finish { json!("") } else { Value::Null };
    json!({"object": "chat.completion.chunk", "model": "fake", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]})
}

fn run_step(out: &mut TcpStream, step: Step, stop: &AtomicBool) -> std::io::Result<()> {
    match step {
        Step::Raw {
            status,
            headers,
            body,
        } => {
            let h: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            respond(out, status, &h, &body)
        }
        Step::Close | Step::EchoAsk | Step::Compute(_) => Ok(()),
        Step::Stream {
            pieces,
            first_delay,
            delay,
            empty_finish,
        } => {
            sse_head(out)?;
            chunk(
                out,
                json!({"object": "chat.completion.chunk", "model": "fake", "choices": [{"index": 0, "delta": {"role": "assistant", "content": null}, "finish_reason": null}]}),
            )?;
            std::thread::sleep(first_delay);
            let mut n = 0;
            for p in &pieces {
                if n > 0 {
                    std::thread::sleep(delay);
                }
                chunk(out, content(p, empty_finish))?;
                n += 1;
            }
            chunk(
                out,
                json!({"object": "chat.completion.chunk", "model": "fake", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
            )?;
            chunk(
                out,
                json!({"object": "chat.completion.chunk", "model": "fake", "choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": n, "total_tokens": 100 + n}}),
            )?;
            out.write_all(b"data: [DONE]\n\n")?;
            out.flush()
        }
        Step::Stall { pieces, hold } => {
            sse_head(out)?;
            for p in &pieces {
                chunk(out, content(p, false))?;
            }
            let until = Instant::now() + hold;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(())
        }
        Step::Cut { pieces } => {
            sse_head(out)?;
            for p in &pieces {
                chunk(out, content(p, false))?;
            }
            Ok(())
        }
    }
}
