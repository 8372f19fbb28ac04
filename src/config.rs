//! Configuration: where files live and which backend to use.
//!
//! Precedence is flags > environment > `config.toml` > defaults. With
//! `MOCKROUND_HOME` set, config and data both live under it (tests rely on
//! that); otherwise the XDG directories. No endpoint configured means the
//! built-in offline interviewer, never an error.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;

/// Where mockround reads configuration and keeps sessions.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    pub fn from_env() -> Result<Paths> {
        if let Some(home) = std::env::var_os("MOCKROUND_HOME").filter(|h| !h.is_empty()) {
            let home = PathBuf::from(home);
            return Ok(Paths {
                config_dir: home.clone(),
                data_dir: home,
            });
        }
        use etcetera::app_strategy::{AppStrategy, AppStrategyArgs};
        let strategy = etcetera::app_strategy::choose_app_strategy(AppStrategyArgs {
            top_level_domain: "org".into(),
            author: "mockround".into(),
            app_name: "mockround".into(),
        })
        .context("cannot find your home directory; set MOCKROUND_HOME to a directory for mockround's files")?;
        Ok(Paths {
            config_dir: strategy.config_dir(),
            data_dir: strategy.data_dir(),
        })
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.data_dir.join("sessions")
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn history_file(&self) -> PathBuf {
        self.data_dir.join("history.txt")
    }

    pub fn diagnostic_file(&self) -> PathBuf {
        self.data_dir.join("diagnostic.json")
    }
}

/// What the command line says about the model (`--offline`, `--provider`,
/// `--model`, `--base-url`); they win over everything else.
#[derive(Debug, Clone, Default)]
pub struct ModelFlags {
    pub offline: bool,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub base_url: Option<String>,
}

/// `config.toml`. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub provider: Option<String>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// A key in the file is allowed but an environment variable is better:
    /// name it here.
    pub api_key: Option<String>,
    pub api_key_env: Option<String>,
    /// A separate (often larger) model for judging; defaults to `model`.
    pub judge_model: Option<String>,
    /// Token budget per request (default 4000).
    pub context_budget: Option<u32>,
    /// `guided` (the session picks what to probe, the model phrases it; for
    /// small models) or `free` (the model sees the key points and chooses).
    pub interviewer_mode: Option<String>,
    /// `per-dimension` (one small call per dimension; small models) or
    /// `single` (one call for all dimensions; capable models).
    pub judge_mode: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub first_token_timeout_secs: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    pub max_retries: Option<u32>,
    /// First retry delay in milliseconds (doubles each retry, with jitter).
    pub retry_base_ms: Option<u64>,
    /// Concurrent judge requests for `score` with several inputs.
    pub jobs: Option<u32>,
    /// Dimension requests one judging keeps in flight (the server's
    /// parallel slots, llama.cpp `-np`; default 2). Lowered by itself when
    /// the server answers 429/503.
    pub judge_slots: Option<u32>,
    /// The longest one interviewer turn waits for the model, retries
    /// included, before the offline interviewer asks it (default 60).
    pub turn_timeout_secs: Option<u64>,
    /// Values that were out of range and are used clamped, one line each
    /// with the file and line (shown once when a command starts).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// How long one interviewer turn may wait for the model (see
/// `FileConfig::turn_timeout_secs`).
pub const DEFAULT_TURN_TIMEOUT: Duration = Duration::from_secs(60);

impl FileConfig {
    pub fn turn_timeout(&self) -> Duration {
        self.turn_timeout_secs
            .map(|s| Duration::from_secs(s.clamp(1, 3600)))
            .unwrap_or(DEFAULT_TURN_TIMEOUT)
    }
}

/// The numeric settings' ranges: a value outside is used clamped, with a
/// warning, rather than silently.
const RANGES: &[(&str, u64, u64)] = &[
    ("context_budget", 1000, 1_000_000),
    ("connect_timeout_secs", 1, 3600),
    ("first_token_timeout_secs", 1, 3600),
    ("idle_timeout_secs", 1, 3600),
    ("max_retries", 0, 10),
    ("retry_base_ms", 1, 60_000),
    ("jobs", 1, 256),
    ("judge_slots", 1, 64),
    ("turn_timeout_secs", 1, 3600),
];

impl FileConfig {
    pub fn load(path: &Path) -> Result<FileConfig> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let mut config: FileConfig = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            anyhow::anyhow!(
                "invalid config file {}:{line}: {}",
                path.display(),
                e.message().trim()
            )
        })?;
        config.warnings = config.range_warnings(path, &text);
        Ok(config)
    }

    fn number(&self, key: &str) -> Option<u64> {
        match key {
            "context_budget" => self.context_budget.map(u64::from),
            "connect_timeout_secs" => self.connect_timeout_secs,
            "first_token_timeout_secs" => self.first_token_timeout_secs,
            "idle_timeout_secs" => self.idle_timeout_secs,
            "max_retries" => self.max_retries.map(u64::from),
            "retry_base_ms" => self.retry_base_ms,
            "jobs" => self.jobs.map(u64::from),
            "judge_slots" => self.judge_slots.map(u64::from),
            "turn_timeout_secs" => self.turn_timeout_secs,
            _ => None,
        }
    }

    fn range_warnings(&self, path: &Path, text: &str) -> Vec<String> {
        let line_of = |key: &str| {
            text.lines()
                .position(|l| {
                    l.trim_start()
                        .strip_prefix(key)
                        .is_some_and(|r| r.trim_start().starts_with('='))
                })
                .map(|i| i + 1)
                .unwrap_or(1)
        };
        RANGES
            .iter()
            .filter_map(|&(key, lo, hi)| {
                let v = self.number(key)?;
                let used = v.clamp(lo, hi);
                (used != v).then(|| {
                    format!(
                        "{}:{}: {key} = {v} is outside {lo}..={hi}; using {used}",
                        path.display(),
                        line_of(key)
                    )
                })
            })
            .collect()
    }
}

/// An API key. Its Debug and Display never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> ApiKey {
        ApiKey(key)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The usual base URL of each provider preset.
pub const PROVIDERS: &[(&str, &str)] = &[
    ("openai", "https://api.openai.com/v1"),
    ("ollama", "http://127.0.0.1:11434/v1"),
    ("llamacpp", "http://127.0.0.1:8080/v1"),
    ("vllm", "http://127.0.0.1:8000/v1"),
    ("lmstudio", "http://127.0.0.1:1234/v1"),
    ("openrouter", "https://openrouter.ai/api/v1"),
    ("groq", "https://api.groq.com/openai/v1"),
];

pub fn provider_url(name: &str) -> Result<&'static str> {
    let key = name.to_ascii_lowercase().replace(['-', '_', '.'], "");
    let key = match key.as_str() {
        "llama" | "llamaserver" | "llamacppserver" => "llamacpp",
        other => other,
    };
    PROVIDERS
        .iter()
        .find(|(n, _)| *n == key)
        .map(|(_, url)| *url)
        .ok_or_else(|| {
            let names: Vec<&str> = PROVIDERS.iter().map(|(n, _)| *n).collect();
            anyhow::anyhow!(
                "unknown provider \"{name}\"; use one of {} or give --base-url",
                names.join(", ")
            )
        })
}

/// A model endpoint, fully resolved.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    pub base_url: String,
    /// None: ask the server and use its only model.
    pub model: Option<String>,
    pub judge_model: Option<String>,
    pub api_key: Option<ApiKey>,
    pub provider: Option<String>,
    pub context_budget: u32,
    pub interviewer_mode: InterviewerMode,
    pub judge_mode: JudgeMode,
    pub connect_timeout: Duration,
    pub first_token_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_retries: u32,
    /// First retry delay; doubles with each retry (jittered, capped).
    pub retry_base: Duration,
    pub jobs: u32,
    pub judge_slots: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterviewerMode {
    Guided,
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JudgeMode {
    PerDimension,
    Single,
}

/// Which engine runs the interview and the scoring.
#[derive(Debug, Clone)]
pub enum Backend {
    Offline {
        /// Shown once when the offline engine was chosen because nothing was
        /// configured (not when the user asked for --offline).
        notice: Option<String>,
    },
    Llm(LlmSettings),
}

impl Backend {
    pub fn is_offline(&self) -> bool {
        matches!(self, Backend::Offline { .. })
    }
}

pub const DEFAULT_CONTEXT_BUDGET: u32 = 4000;

/// Everything a command needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Paths,
    pub file: FileConfig,
    pub backend: Backend,
    /// The command line's say, kept so `doctor` can tell where a setting
    /// came from.
    pub flags: ModelFlags,
}

impl Config {
    pub fn load(args: &ModelFlags) -> Result<Config> {
        let paths = Paths::from_env()?;
        let file = FileConfig::load(&paths.config_file())?;
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let backend = resolve_backend(args, &file, &env)?;
        Ok(Config {
            paths,
            file,
            backend,
            flags: args.clone(),
        })
    }
}

/// Resolve the backend from flags, an environment lookup and the file.
pub fn resolve_backend(
    args: &ModelFlags,
    file: &FileConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Backend> {
    if args.offline {
        return Ok(Backend::Offline { notice: None });
    }
    let base_url = if let Some(url) = &args.base_url {
        Some(url.clone())
    } else if let Some(p) = &args.provider {
        Some(provider_url(p)?.to_string())
    } else if let Some(url) = env("OPENAI_BASE_URL") {
        Some(url)
    } else if let Some(url) = &file.base_url {
        Some(url.clone())
    } else if let Some(p) = &file.provider {
        Some(provider_url(p)?.to_string())
    } else {
        None
    };
    let model = args
        .model
        .clone()
        .or_else(|| env("MOCKROUND_MODEL"))
        .or_else(|| file.model.clone());
    let api_key = env("OPENAI_API_KEY")
        .or_else(|| file.api_key_env.as_deref().and_then(env))
        .or_else(|| file.api_key.clone())
        .map(ApiKey::new);

    let Some(base_url) = base_url else {
        let notice = if model.is_some() || api_key.is_some() {
            "no model endpoint configured, so this is the built-in offline interviewer; add --provider openai (or --base-url URL) to use your model"
        } else {
            "no model configured, so this is the built-in offline interviewer; to use an LLM add --base-url URL --model M (e.g. --provider ollama --model qwen2.5), see `mockround doctor`"
        };
        return Ok(Backend::Offline {
            notice: Some(notice.into()),
        });
    };
    let base_url = base_url.trim_end_matches('/').to_string();
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        anyhow::bail!("base URL \"{base_url}\" must start with http:// or https://");
    }
    let interviewer_mode = match file.interviewer_mode.as_deref() {
        None | Some("guided") => InterviewerMode::Guided,
        Some("free") => InterviewerMode::Free,
        Some(other) => anyhow::bail!(
            "config.toml: interviewer_mode \"{other}\" must be \"guided\" or \"free\""
        ),
    };
    let judge_mode = match file.judge_mode.as_deref() {
        None | Some("per-dimension") => JudgeMode::PerDimension,
        Some("single") => JudgeMode::Single,
        Some(other) => anyhow::bail!(
            "config.toml: judge_mode \"{other}\" must be \"per-dimension\" or \"single\""
        ),
    };
    // The same bounds as RANGES, which warned about any value outside them.
    let secs = |v: Option<u64>, d: u64| Duration::from_secs(v.unwrap_or(d).clamp(1, 3600));
    Ok(Backend::Llm(LlmSettings {
        base_url,
        model,
        judge_model: file.judge_model.clone(),
        api_key,
        provider: args.provider.clone().or_else(|| file.provider.clone()),
        context_budget: file
            .context_budget
            .unwrap_or(DEFAULT_CONTEXT_BUDGET)
            .clamp(1000, 1_000_000),
        interviewer_mode,
        judge_mode,
        connect_timeout: secs(file.connect_timeout_secs, 10),
        first_token_timeout: secs(file.first_token_timeout_secs, 90),
        idle_timeout: secs(file.idle_timeout_secs, 30),
        max_retries: file.max_retries.unwrap_or(3).min(10),
        retry_base: Duration::from_millis(file.retry_base_ms.unwrap_or(500).clamp(1, 60_000)),
        jobs: file.jobs.unwrap_or(4).clamp(1, 256),
        judge_slots: file.judge_slots.unwrap_or(2).clamp(1, 64),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn nothing_configured_means_offline_with_a_notice() {
        let b =
            resolve_backend(&ModelFlags::default(), &FileConfig::default(), &env_of(&[])).unwrap();
        assert!(matches!(b, Backend::Offline { notice: Some(_) }));
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let file = FileConfig {
            base_url: Some("http://file/v1".into()),
            model: Some("file-model".into()),
            ..Default::default()
        };
        let env = env_of(&[
            ("OPENAI_BASE_URL", "http://env/v1"),
            ("MOCKROUND_MODEL", "env-model"),
        ]);
        let Backend::Llm(s) = resolve_backend(&ModelFlags::default(), &file, &env).unwrap() else {
            panic!()
        };
        assert_eq!(
            (s.base_url.as_str(), s.model.as_deref()),
            ("http://env/v1", Some("env-model"))
        );
        let args = ModelFlags {
            base_url: Some("http://flag/v1/".into()),
            model: Some("flag-model".into()),
            ..Default::default()
        };
        let Backend::Llm(s) = resolve_backend(&args, &file, &env).unwrap() else {
            panic!()
        };
        assert_eq!(
            (s.base_url.as_str(), s.model.as_deref()),
            ("http://flag/v1", Some("flag-model"))
        );
    }

    #[test]
    fn provider_presets_fill_the_url_and_unknown_ones_list_the_choices() {
        let args = ModelFlags {
            provider: Some("ollama".into()),
            ..Default::default()
        };
        let Backend::Llm(s) = resolve_backend(&args, &FileConfig::default(), &env_of(&[])).unwrap()
        else {
            panic!()
        };
        assert!(s.base_url.contains("11434"));
        let err = provider_url("nope").unwrap_err().to_string();
        assert!(err.contains("ollama") && err.contains("--base-url"));
    }

    #[test]
    fn out_of_range_numbers_warn_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "model = \"m\"\n\njobs = 0\ncontext_budget = 99999999\n",
        )
        .unwrap();
        let c = FileConfig::load(&path).unwrap();
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings[0].contains("config.toml:4: context_budget = 99999999"));
        assert!(c.warnings[1].contains("config.toml:3: jobs = 0 is outside 1..=256; using 1"));
    }

    #[test]
    fn keys_never_show_in_debug() {
        let k = ApiKey::new("sk-secret-123".into());
        assert!(!format!("{k:?} {k}").contains("secret"));
    }
}
