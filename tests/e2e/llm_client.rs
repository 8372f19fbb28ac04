//! The model client against the fake server: streaming, every fault the
//! issue lists, structured output fallbacks, cancellation. Library-level, so
//! each fault is checked precisely and fast; `llm.rs` drives the binary.

use std::time::{Duration, Instant};

use crate::common::fake_llm::{FakeLlm, Step};
use mockround::config::{ApiKey, InterviewerMode, JudgeMode, LlmSettings};
use mockround::llm::{
    runtime, ChatRequest, FormatUsed, LlmClient, LlmError, Message, OutputFormat, StreamEvent,
};

const KEY: &str = "sk-fake-test-KEY-0123456789";

fn settings(base_url: &str) -> LlmSettings {
    LlmSettings {
        base_url: base_url.into(),
        model: Some("fake".into()),
        judge_model: None,
        api_key: Some(ApiKey::new(KEY.into())),
        provider: None,
        context_budget: 4000,
        interviewer_mode: InterviewerMode::Guided,
        judge_mode: JudgeMode::PerDimension,
        connect_timeout: Duration::from_secs(1),
        first_token_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(1),
        max_retries: 2,
        retry_base: Duration::from_millis(10),
        jobs: 1,
        judge_slots: 2,
    }
}

fn ask() -> ChatRequest {
    ChatRequest::new(vec![
        Message::system("You are an interviewer."),
        Message::user("Ask one question."),
    ])
}

/// Run a streaming call, collecting tokens and restarts.
fn stream(
    client: &LlmClient,
    req: &ChatRequest,
) -> (Result<mockround::llm::Completion, LlmError>, String, u32) {
    let rt = runtime().unwrap();
    let mut shown = String::new();
    let mut restarts = 0;
    let r = rt.block_on(client.stream_chat(
        req,
        &mut |e| match e {
            StreamEvent::Token(t) => shown.push_str(t),
            StreamEvent::Restart { .. } => {
                restarts += 1;
                shown.clear();
            }
        },
        std::future::pending(),
    ));
    (r, shown, restarts)
}

#[test]
fn streams_a_reply_with_usage_and_timings() {
    let fake = FakeLlm::start();
    fake.script([Step::Stream {
        pieces: crate::common::fake_llm::pieces("What would you cache, and for how long?"),
        first_delay: Duration::from_millis(50),
        delay: Duration::from_millis(5),
        empty_finish: true,
    }]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let (r, shown, restarts) = stream(&client, &ask());
    let c = r.unwrap();
    assert_eq!(c.text, "What would you cache, and for how long?");
    assert_eq!(shown, c.text);
    assert_eq!(restarts, 0);
    assert_eq!(c.model, "fake");
    assert!(c.ttft.unwrap() >= Duration::from_millis(50));
    assert!(c.latency >= c.ttft.unwrap());
    assert_eq!(c.usage.unwrap().prompt_tokens, 100);
    assert_eq!(c.attempts, 1);
    let req = &fake.chat_requests()[0];
    assert_eq!(req.json()["stream"], true);
    assert_eq!(req.json()["model"], "fake");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn no_key_means_no_authorization_header() {
    let fake = FakeLlm::start();
    let mut s = settings(&fake.base_url());
    s.api_key = None;
    let client = LlmClient::new(&s).unwrap();
    stream(&client, &ask()).0.unwrap();
    assert_eq!(fake.chat_requests()[0].header("authorization"), None);
}

#[test]
fn rate_limits_are_retried_after_the_servers_delay() {
    let fake = FakeLlm::start();
    fake.script([Step::rate_limited(1)]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let t = Instant::now();
    let (r, _, restarts) = stream(&client, &ask());
    let c = r.unwrap();
    assert!(
        t.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!((restarts, c.attempts), (1, 2));
}

#[test]
fn a_long_retry_after_fails_fast_with_a_clear_message() {
    let fake = FakeLlm::start();
    fake.script([Step::rate_limited(3600)]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    assert!(
        err.to_string().contains("rate limiting") && err.to_string().contains("3600 s"),
        "{err}"
    );
    // it gave up instead of waiting an hour: no second request was made
    assert_eq!(fake.chat_requests().len(), 1);
}

#[test]
fn server_errors_are_retried_then_reported() {
    let fake = FakeLlm::start();
    fake.script([Step::server_error(), Step::server_error()]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let c = stream(&client, &ask()).0.unwrap();
    assert_eq!(c.attempts, 3);

    fake.script([
        Step::server_error(),
        Step::server_error(),
        Step::server_error(),
    ]);
    let err = stream(&client, &ask()).0.unwrap_err();
    assert!(
        matches!(err, LlmError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("HTTP 500"));
}

#[test]
fn a_wrong_key_is_named_without_showing_it() {
    let fake = FakeLlm::start();
    fake.script([Step::status(
        401,
        &format!(r#"{{"error":{{"message":"Incorrect API key provided: {KEY}"}}}}"#),
    )]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, LlmError::Unauthorized { status: 401, .. }));
    assert!(
        msg.contains("OPENAI_API_KEY") && !msg.contains(KEY),
        "{msg}"
    );
    assert_eq!(fake.chat_requests().len(), 1, "a wrong key is not retried");
}

#[test]
fn an_unknown_model_lists_what_the_server_has() {
    let fake = FakeLlm::start();
    fake.set_models(&["qwen-1.5b", "llama-3.2-3b"]);
    fake.script([Step::unknown_model()]);
    let mut s = settings(&fake.base_url());
    s.model = Some("gpt-nope".into());
    let client = LlmClient::new(&s).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "model \"gpt-nope\" is not on the server at {}; it has: qwen-1.5b, llama-3.2-3b (pass --model NAME)",
            fake.base_url()
        )
    );
}

#[test]
fn without_a_model_the_servers_only_model_is_used() {
    let fake = FakeLlm::start();
    fake.set_models(&["only-one"]);
    let mut s = settings(&fake.base_url());
    s.model = None;
    let client = LlmClient::new(&s).unwrap();
    stream(&client, &ask()).0.unwrap();
    assert_eq!(fake.chat_requests()[0].json()["model"], "only-one");
    assert_eq!(client.model_name().as_deref(), Some("only-one"));

    fake.set_models(&["a", "b"]);
    let client = LlmClient::new(&s).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    assert!(
        err.to_string().contains("has several: a, b") && err.to_string().contains("--model"),
        "{err}"
    );
}

#[test]
fn a_stall_before_the_first_token_times_out() {
    let fake = FakeLlm::with_default(Step::stall());
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    assert!(
        matches!(
            err,
            LlmError::Timeout {
                phase: "waiting for the first token",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("first_token_timeout_secs"));
    // one retry for a timeout, not max_retries: a stalled server stays stalled
    assert_eq!(fake.chat_requests().len(), 2);
}

#[test]
fn a_stall_between_chunks_restarts_the_reply() {
    let fake = FakeLlm::start();
    fake.script([Step::stall_after("You said you would ")]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let (r, shown, restarts) = stream(&client, &ask());
    let c = r.unwrap();
    assert_eq!(restarts, 1);
    assert_eq!(
        c.text,
        crate::common::fake_llm::DEFAULT_REPLY,
        "the void partial is not kept"
    );
    assert_eq!(shown, c.text);
}

#[test]
fn a_stream_cut_before_done_is_retried() {
    let fake = FakeLlm::start();
    fake.script([Step::cut_after("Half a sent"), Step::Close]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let (r, _, restarts) = stream(&client, &ask());
    assert_eq!(r.unwrap().text, crate::common::fake_llm::DEFAULT_REPLY);
    assert_eq!(restarts, 2);
}

#[test]
fn a_non_json_200_says_the_base_url_is_wrong() {
    let fake = FakeLlm::with_default(Step::not_json());
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    assert!(matches!(err, LlmError::NotOpenAi { .. }), "{err:?}");
    assert!(
        err.to_string().contains("Welcome to nginx") && err.to_string().contains("base URL"),
        "{err}"
    );
}

#[test]
fn a_server_that_is_down_is_named() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/v1");
    let client = LlmClient::new(&settings(&url)).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    assert!(matches!(err, LlmError::Unreachable { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("cannot reach the model server at {url} (")),
        "{msg}"
    );
    assert!(
        msg.contains("refused") && msg.contains("mockround doctor"),
        "{msg}"
    );
}

#[test]
fn context_too_long_is_explained() {
    let fake = FakeLlm::with_default(Step::context_too_long());
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let err = stream(&client, &ask()).0.unwrap_err();
    assert!(matches!(err, LlmError::ContextTooLong { .. }));
    assert!(err.to_string().contains("context_budget"));
}

#[test]
fn structured_output_steps_down_when_refused() {
    let fake = FakeLlm::start();
    fake.script([
        Step::status(
            400,
            r#"{"error":{"message":"'response_format.type' must be 'json_object' or 'text'"}}"#,
        ),
        Step::reply(r#"{"ok": true}"#),
    ]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let mut req = ask();
    req.temperature = Some(0.0);
    req.format = OutputFormat::Json {
        name: "check".into(),
        schema: serde_json::json!({"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}),
    };
    let c = runtime().unwrap().block_on(client.complete(&req)).unwrap();
    assert_eq!(c.text, r#"{"ok": true}"#);
    assert_eq!(c.format, FormatUsed::JsonObject);
    let reqs = fake.chat_requests();
    assert_eq!(reqs[0].json()["response_format"]["type"], "json_schema");
    assert_eq!(reqs[0].json()["temperature"], 0.0);
    assert_eq!(reqs[1].json()["response_format"]["type"], "json_object");
    // remembered: the next call starts at json_object
    runtime().unwrap().block_on(client.complete(&req)).unwrap();
    assert_eq!(
        fake.chat_requests()[2].json()["response_format"]["type"],
        "json_object"
    );
}

#[test]
fn cancelling_keeps_the_partial_reply() {
    let fake = FakeLlm::with_default(Step::stall_after("You said the cache "));
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let rt = runtime().unwrap();
    let c = rt
        .block_on(async {
            let cancel = tokio::time::sleep(Duration::from_millis(300));
            client.stream_chat(&ask(), &mut |_| {}, cancel).await
        })
        .unwrap();
    assert!(c.cancelled, "{c:?}");
    assert_eq!(c.text, "You said the cache ");
}

#[test]
fn a_closed_connection_is_retried() {
    let fake = FakeLlm::start();
    fake.script([Step::Close]);
    let client = LlmClient::new(&settings(&fake.base_url())).unwrap();
    let c = stream(&client, &ask()).0.unwrap();
    assert_eq!(c.attempts, 2);
}
