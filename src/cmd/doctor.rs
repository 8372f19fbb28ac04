//! `mockround doctor`: where things are, which backend is in use and why,
//! and whether the model endpoint really works (answers, has the model,
//! streams, accepts structured output), with what to fix when it does not.
//! Exits non-zero when a check fails.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::Ctx;
use crate::config::{Backend, Config, InterviewerMode, LlmSettings, ModelFlags};
use crate::llm::{self, ChatRequest, FormatUsed, LlmClient, LlmError, Message, OutputFormat};
use crate::rounds::Catalog;
use crate::ui::Style;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Warn,
    Fail,
    Skip,
}

struct Report {
    style: Style,
    out: Vec<String>,
    failed: bool,
}

impl Report {
    fn line(&mut self, s: impl Into<String>) {
        self.out.push(s.into());
    }

    fn heading(&mut self, s: &str) {
        let h = self.style.bold(s);
        self.out.push(String::new());
        self.out.push(h);
    }

    fn field(&mut self, name: &str, value: &str) {
        self.out.push(format!("  {name:<13}{value}"));
    }

    fn check(&mut self, v: Verdict, what: &str) {
        let tag = match v {
            Verdict::Ok => self.style.green("ok  "),
            Verdict::Warn => self.style.yellow("warn"),
            Verdict::Fail => self.style.red("FAIL"),
            Verdict::Skip => self.style.dim("skip"),
        };
        if v == Verdict::Fail {
            self.failed = true;
        }
        self.out.push(format!("  {tag}  {what}"));
    }
}

pub fn run(ctx: &Ctx) -> Result<ExitCode> {
    let (config, catalog) = (&ctx.config, ctx.catalog());
    let mut r = Report {
        style: Style::detect(),
        out: Vec::new(),
        failed: false,
    };
    let args = &config.flags;
    r.line(r.style.bold("mockround doctor"));
    paths(&mut r, config, catalog);
    match &config.backend {
        Backend::Offline { notice } => offline(&mut r, args, notice.is_some()),
        Backend::Llm(settings) => {
            backend(&mut r, args, config, settings);
            checks(&mut r, settings);
        }
    }
    let mut out = std::io::stdout().lock();
    for l in &r.out {
        writeln!(out, "{l}")?;
    }
    if r.failed {
        writeln!(
            out,
            "\nSome checks failed; until they pass, `mockround start` uses the offline interviewer for the turns the model cannot answer."
        )?;
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn paths(r: &mut Report, config: &Config, catalog: &Catalog) {
    let p = &config.paths;
    r.heading("Paths");
    let file = p.config_file();
    let present = if file.exists() {
        "present"
    } else {
        "not present, defaults apply"
    };
    r.field("config dir", &p.config_dir.display().to_string());
    r.field("config file", &format!("{} ({present})", file.display()));
    let sessions = crate::transcript::store::session_files(&p.sessions_dir()).len();
    r.field(
        "data dir",
        &format!("{} ({sessions} saved sessions)", p.data_dir.display()),
    );
    let prompts: Vec<String> = std::fs::read_dir(p.config_dir.join("prompts"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tera"))
                .collect()
        })
        .unwrap_or_default();
    if !prompts.is_empty() {
        r.field("prompts", &format!("overridden: {}", prompts.join(", ")));
    }
    let custom: Vec<&str> = catalog
        .rounds
        .iter()
        .filter(|x| x.source != "built-in")
        .map(|x| x.id.as_str())
        .collect();
    if !custom.is_empty() {
        r.field(
            "rounds",
            &format!("from the config dir: {}", custom.join(", ")),
        );
    }
    if !catalog.broken.is_empty() {
        r.heading("Round files");
        for e in &catalog.broken {
            r.check(
                Verdict::Fail,
                &format!("{e} (round \"{}\" is unavailable)", e.round_id()),
            );
        }
    }
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.trim().is_empty())
}

fn offline(r: &mut Report, args: &ModelFlags, nothing_configured: bool) {
    r.heading("Backend");
    let why = if args.offline {
        "--offline was given"
    } else if nothing_configured {
        "no model endpoint is configured"
    } else {
        "chosen by configuration"
    };
    r.field(
        "backend",
        &format!("offline: built-in interviewer and scorer ({why})"),
    );
    r.line("");
    r.line("  This works with no model and no key. To use an LLM, any OpenAI-compatible endpoint will do:");
    r.line("    mockround --provider ollama --model qwen2.5 start system-design");
    r.line("    mockround --base-url http://127.0.0.1:8080/v1 start coding        (llama.cpp's llama-server)");
    r.line("    OPENAI_API_KEY=sk-... mockround --provider openai --model gpt-4o-mini start behavioral");
    r.line("  or put base_url and model in config.toml, then run `mockround doctor` again.");
    if nothing_configured {
        local_servers(r);
    }
}

/// What runs on the usual local ports (looked at, never used unasked).
fn local_servers(r: &mut Report) {
    use crate::llm::discover;
    r.heading("Local model servers");
    let found = discover::local_servers();
    if found.is_empty() {
        let ports: Vec<String> = discover::USUAL
            .iter()
            .map(|(p, port)| format!("{p} {port}"))
            .collect();
        r.line(format!("  none on the usual ports ({})", ports.join(", ")));
    }
    for s in found {
        r.check(Verdict::Ok, &s.describe());
    }
}

fn backend(r: &mut Report, args: &ModelFlags, config: &Config, s: &LlmSettings) {
    let file = &config.file;
    r.heading("Backend");
    let url_from = if args.base_url.is_some() {
        "--base-url".to_string()
    } else if let Some(p) = &args.provider {
        format!("--provider {p}")
    } else if env("OPENAI_BASE_URL").is_some() {
        "OPENAI_BASE_URL".to_string()
    } else if file.base_url.is_some() {
        "base_url in config.toml".to_string()
    } else if let Some(p) = &file.provider {
        format!("provider = \"{p}\" in config.toml")
    } else {
        "configuration".to_string()
    };
    r.field(
        "endpoint",
        &format!(
            "{} (OpenAI-compatible, from {url_from})",
            llm::display_url(&s.base_url)
        ),
    );
    let model = match &s.model {
        Some(m) => {
            let from = if args.model.is_some() {
                "--model"
            } else if env("MOCKROUND_MODEL").is_some() {
                "MOCKROUND_MODEL"
            } else {
                "model in config.toml"
            };
            format!("{m} (from {from})")
        }
        None => "not set: the server's only model is used".to_string(),
    };
    r.field("model", &model);
    if let Some(j) = &s.judge_model {
        r.field("judge model", j);
    }
    r.field("calibration", &calibration_line(config, s));
    let key = if env("OPENAI_API_KEY").is_some() {
        "set (from OPENAI_API_KEY)".to_string()
    } else if let Some(name) = file.api_key_env.as_deref().filter(|n| env(n).is_some()) {
        format!("set (from {name}, named by api_key_env)")
    } else if file.api_key.is_some() {
        "set (api_key in config.toml; an environment variable is safer)".to_string()
    } else {
        "not set (fine for a local server)".to_string()
    };
    r.field("api key", &key);
    let mode = match s.interviewer_mode {
        InterviewerMode::Guided => "guided (the session picks what to probe; for small models)",
        InterviewerMode::Free => "free (the model sees the key points and chooses)",
    };
    r.field("interviewer", mode);
    r.field(
        "limits",
        &format!(
            "{} tokens a request; timeouts {} s connect, {} s first token, {} s between chunks; {} retries",
            s.context_budget,
            s.connect_timeout.as_secs(),
            s.first_token_timeout.as_secs(),
            s.idle_timeout.as_secs(),
            s.max_retries
        ),
    );
}

/// The judge's calibration record for this endpoint and model, and the
/// regime it gives.
fn calibration_line(config: &Config, s: &LlmSettings) -> String {
    use crate::scoring::judge::calibration;
    match calibration::load(&config.paths.config_dir, s) {
        None => "none for this endpoint and model: the judge is advisory; `mockround calibrate` measures it".into(),
        Some(rec) => match rec.failure() {
            None => format!("{}: passes, the judge's evidence decides", rec.summary()),
            Some(why) => format!("{}: advisory ({why})", rec.summary()),
        },
    }
}

fn checks(r: &mut Report, settings: &LlmSettings) {
    r.heading("Checks");
    let mut s = settings.clone();
    // a doctor should answer quickly, not sit through a full backoff
    s.max_retries = s.max_retries.min(1);
    let (client, rt) = match (LlmClient::new(&s), llm::runtime()) {
        (Ok(c), Ok(rt)) => (c, rt),
        (Err(e), _) | (_, Err(e)) => {
            r.check(Verdict::Fail, &e.to_string());
            return;
        }
    };
    let Some(listed) = endpoint(r, &rt, &client) else {
        r.check(
            Verdict::Skip,
            "model, streaming and structured output: the endpoint is not reachable",
        );
        return;
    };
    let Some(model) = served_model(r, &rt, &client, s.model.as_deref(), &listed) else {
        r.check(
            Verdict::Skip,
            "streaming and structured output: no model to ask",
        );
        return;
    };
    if streaming(r, &rt, &client, &model) {
        structured(r, &rt, &client, &model);
    }
}

/// Does the endpoint answer? `Some(the model list)` if it is reachable.
fn endpoint(
    r: &mut Report,
    rt: &tokio::runtime::Runtime,
    client: &LlmClient,
) -> Option<Result<Vec<String>, LlmError>> {
    let t = Instant::now();
    let listed = rt.block_on(client.list_models());
    let reachable = match &listed {
        Ok(models) => {
            r.check(
                Verdict::Ok,
                &format!(
                    "the endpoint answers (GET /models: {} model{}, {} ms)",
                    models.len(),
                    if models.len() == 1 { "" } else { "s" },
                    t.elapsed().as_millis()
                ),
            );
            true
        }
        Err(e @ (LlmError::Unreachable { .. } | LlmError::Timeout { .. })) => {
            let msg = e.to_string();
            // this is the doctor already
            let msg = msg.trim_end_matches("; `mockround doctor` checks the setup");
            r.check(Verdict::Fail, msg);
            false
        }
        Err(e) => {
            r.check(Verdict::Fail, &format!("listing models failed: {e}"));
            true
        }
    };
    reachable.then_some(listed)
}

/// The model to use: the configured one (served or not), or the server's
/// only one.
fn served_model(
    r: &mut Report,
    rt: &tokio::runtime::Runtime,
    client: &LlmClient,
    configured: Option<&str>,
    listed: &Result<Vec<String>, LlmError>,
) -> Option<String> {
    match (configured.map(str::to_string), listed) {
        (Some(m), Ok(models)) if models.contains(&m) => {
            r.check(Verdict::Ok, &format!("model \"{m}\" is served"));
            Some(m)
        }
        (Some(m), Ok(models)) => {
            let e = LlmError::UnknownModel {
                model: m.clone(),
                url: client.url().to_string(),
                available: models.clone(),
            };
            // some servers (llama.cpp) answer for any name; the streaming
            // check below says whether this one does
            r.check(Verdict::Warn, &e.to_string());
            Some(m)
        }
        (Some(m), Err(_)) => {
            r.check(
                Verdict::Skip,
                &format!("cannot list models to confirm \"{m}\""),
            );
            Some(m)
        }
        (None, _) => match rt.block_on(client.model()) {
            Ok(m) => {
                r.check(
                    Verdict::Ok,
                    &format!("no model configured; the server's only model \"{m}\" is used"),
                );
                Some(m)
            }
            Err(e) => {
                r.check(Verdict::Fail, &e.to_string());
                None
            }
        },
    }
}

/// Does a streamed reply arrive? False when streaming failed outright.
fn streaming(
    r: &mut Report,
    rt: &tokio::runtime::Runtime,
    client: &LlmClient,
    model: &str,
) -> bool {
    let mut req = ChatRequest::new(vec![Message::user("Reply with the single word: ready")]);
    req.model = Some(model.to_string());
    req.max_tokens = Some(8);
    req.temperature = Some(0.0);
    let mut chunks = 0usize;
    let streamed = rt.block_on(client.stream_chat(
        &req,
        &mut |e| {
            if let llm::StreamEvent::Token(_) = e {
                chunks += 1;
            }
        },
        std::future::pending(),
    ));
    match streamed {
        Ok(c) if !c.text.trim().is_empty() => r.check(
            Verdict::Ok,
            &format!(
                "streaming works ({chunks} chunk{}, first token after {} ms, \"{}\")",
                if chunks == 1 { "" } else { "s" },
                c.ttft.unwrap_or_default().as_millis(),
                crate::text::ellipsize(&crate::text::squash_ws(&c.text), 40)
            ),
        ),
        Ok(_) => r.check(
            Verdict::Warn,
            "streaming answered, but the reply was empty; try another model",
        ),
        Err(e) => {
            r.check(Verdict::Fail, &format!("streaming failed: {e}"));
            return false;
        }
    }
    true
}

fn structured(r: &mut Report, rt: &tokio::runtime::Runtime, client: &LlmClient, model: &str) {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
        "additionalProperties": false
    });
    let mut req = ChatRequest::new(vec![Message::user(
        "Is water wet? Answer as JSON with one boolean field \"ok\".",
    )]);
    req.model = Some(model.to_string());
    req.max_tokens = Some(20);
    req.temperature = Some(0.0);
    req.format = OutputFormat::Json {
        name: "doctor_check".into(),
        schema,
    };
    let done = rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(300), client.complete(&req)).await
    });
    let c = match done {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            r.check(Verdict::Fail, &format!("structured output failed: {e}"));
            return;
        }
        Err(_) => {
            r.check(
                Verdict::Fail,
                "structured output did not finish within 300 s",
            );
            return;
        }
    };
    let valid = serde_json::from_str::<serde_json::Value>(c.text.trim())
        .ok()
        .is_some_and(|v| v.get("ok").is_some_and(|b| b.is_boolean()));
    match (c.format, valid) {
        (FormatUsed::JsonSchema, true) => r.check(
            Verdict::Ok,
            "structured output: response_format json_schema is accepted",
        ),
        (FormatUsed::JsonSchema, false) => r.check(
            Verdict::Warn,
            "json_schema was accepted but the reply did not match the schema; the judge checks and falls back",
        ),
        (used, ok) => {
            let how = if used == FormatUsed::JsonObject {
                "json_object"
            } else {
                "plain text with the schema in the prompt"
            };
            let tail = if ok {
                "and its JSON parsed"
            } else {
                "but its JSON did not parse"
            };
            r.check(
                Verdict::Warn,
                &format!("the server refused json_schema; the judge uses {how} instead, {tail}"),
            );
        }
    }
}
