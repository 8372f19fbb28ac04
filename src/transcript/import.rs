//! The plain-text transcript format, so a mock interview from anywhere (a
//! human partner, another tool, a chat log) can be scored, replayed and
//! reported:
//!
//! ```text
//! # Round: system-design
//! # Title: Design an AI search feature for an internal wiki
//!
//! Interviewer: Question text, possibly
//! over several lines.
//!
//! Candidate: Answer text, blank lines and ```fenced code``` allowed.
//! ```
//!
//! `# Key: value` header lines come first; a line starting with
//! `Interviewer:` or `Candidate:` at column 0 starts a turn and everything up
//! to the next such line belongs to it. Inside a ``` fence nothing starts a
//! turn, and an indented `Interviewer:` stays part of the answer it is in.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use jiff::Timestamp;

use super::{Backend, Event, Header, Role, Transcript, Turn, TurnKind, FORMAT_VERSION};

/// Why a plain-text transcript could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file} has no `# Round:` header line; add one (e.g. `# Round: system-design`) or pass --round")]
    MissingRound { file: String },
    #[error("{file}:{line}: expected a `# Key: value` header or a line starting with `Interviewer:` or `Candidate:`")]
    StrayText { file: String, line: usize },
    #[error("{file} has no `Interviewer:` or `Candidate:` turns")]
    NoTurns { file: String },
    #[error("{file} has no candidate answers to work with")]
    NoAnswers { file: String },
    #[error("{file}:{line}: a second `# {key}:` header (the first one, on line {first}, said \"{value}\"); keep one")]
    RepeatedHeader {
        file: String,
        line: usize,
        first: usize,
        key: String,
        value: String,
    },
}

/// Parse a plain-text transcript. `round_override` wins over the header.
pub fn parse(
    file: &str,
    text: &str,
    round_override: Option<&str>,
) -> Result<Transcript, ImportError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // Old Mac line endings (CR alone) are line endings too.
    let text: std::borrow::Cow<str> = if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n").into()
    } else {
        text.into()
    };
    let (headers, turns) = read_turns(file, &text)?;
    let round = round_override
        .map(str::to_string)
        .or(headers.round)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| ImportError::MissingRound { file: file.into() })?;
    if turns.is_empty() {
        return Err(ImportError::NoTurns { file: file.into() });
    }
    if !turns
        .iter()
        .any(|(r, b)| *r == Role::Candidate && !b.trim().is_empty())
    {
        return Err(ImportError::NoAnswers { file: file.into() });
    }
    let at = Timestamp::UNIX_EPOCH;
    let id = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("imported")
        .to_string();
    let header = Header {
        format: FORMAT_VERSION,
        id,
        round,
        level: headers.level.unwrap_or_else(|| "mid".into()),
        started_at: at,
        backend: Backend::import(),
        seed: None,
        minutes: None,
        questions: None,
        rubric_version: None,
        title: headers.title,
    };
    Ok(Transcript {
        header,
        events: turn_events(turns, at),
    })
}

/// The `# Key: value` lines at the top.
#[derive(Default)]
struct Headers {
    round: Option<String>,
    title: Option<String>,
    level: Option<String>,
    /// Where each known key was first given, to refuse a second one.
    seen: Vec<(String, usize, String)>,
}

impl Headers {
    /// Take a header line (or a `#` comment) at line `n`; Ok(false) at the
    /// first other line.
    fn take(&mut self, file: &str, n: usize, line: &str) -> Result<bool, ImportError> {
        let Some(rest) = line.strip_prefix('#') else {
            return Ok(false);
        };
        let Some((key, value)) = rest.split_once(':') else {
            return Ok(true); // a comment
        };
        let (key, value) = (key.trim(), value.trim().to_string());
        let slot = match key.to_ascii_lowercase().as_str() {
            "round" => &mut self.round,
            "title" => &mut self.title,
            "level" => &mut self.level,
            _ => return Ok(true),
        };
        if let Some((_, first, old)) = self.seen.iter().find(|(k, ..)| k.eq_ignore_ascii_case(key))
        {
            return Err(ImportError::RepeatedHeader {
                file: file.into(),
                line: n,
                first: *first,
                key: key.to_string(),
                value: old.clone(),
            });
        }
        self.seen.push((key.to_string(), n, value.clone()));
        *slot = Some(if key.eq_ignore_ascii_case("level") {
            value.to_ascii_lowercase()
        } else {
            value
        });
        Ok(true)
    }
}

/// The headers, then the turns: a line starting with `Interviewer:` or
/// `Candidate:` (outside a code fence) starts a turn, everything up to the
/// next one belongs to it.
fn read_turns(file: &str, text: &str) -> Result<(Headers, Vec<(Role, String)>), ImportError> {
    let mut headers = Headers::default();
    let mut turns: Vec<(Role, String)> = Vec::new();
    let mut in_headers = true;
    let mut in_fence = false;
    for (i, raw_line) in text.split('\n').enumerate() {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if in_headers {
            if line.trim().is_empty() || headers.take(file, i + 1, line)? {
                continue;
            }
            in_headers = false;
        }
        if !in_fence {
            if let Some((role, rest)) = turn_start(line) {
                turns.push((role, rest.trim_start().to_string()));
                if fence_toggles(rest) {
                    in_fence = !in_fence;
                }
                continue;
            }
        }
        if fence_toggles(line) {
            in_fence = !in_fence;
        }
        match turns.last_mut() {
            Some((_, body)) => {
                body.push('\n');
                body.push_str(line);
            }
            None if line.trim().is_empty() => {}
            None => {
                return Err(ImportError::StrayText {
                    file: file.into(),
                    line: i + 1,
                })
            }
        }
    }
    Ok((headers, turns))
}

/// The first interviewer turn is the question, later ones follow-ups.
fn turn_events(turns: Vec<(Role, String)>, at: Timestamp) -> Vec<Event> {
    let mut asked_question = false;
    turns
        .into_iter()
        .map(|(role, body)| {
            let kind = match role {
                Role::Candidate => TurnKind::Answer,
                Role::Interviewer if !asked_question => {
                    asked_question = true;
                    TurnKind::Question
                }
                Role::Interviewer => TurnKind::FollowUp,
            };
            let mut t = Turn::new(role, kind, None, body.trim());
            t.at = at;
            Event::Turn(t)
        })
        .collect()
}

fn turn_start(line: &str) -> Option<(Role, &str)> {
    if let Some(rest) = line.strip_prefix("Interviewer:") {
        Some((Role::Interviewer, rest))
    } else {
        line.strip_prefix("Candidate:")
            .map(|rest| (Role::Candidate, rest))
    }
}

fn fence_toggles(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// Load a transcript from a path: a saved session (JSON Lines) or a plain
/// text transcript, told apart by content, not by extension.
pub fn load_any(path: &Path, round_override: Option<&str>) -> Result<LoadedAny> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let shown = path.display().to_string();
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'{') {
        let loaded = super::store::parse(&shown, &bytes)?;
        let mut t = loaded.transcript;
        if let Some(r) = round_override {
            t.header.round = r.to_string();
        }
        return Ok(LoadedAny {
            transcript: t,
            saved_session: true,
            problems: loaded.problems,
        });
    }
    if bytes.is_empty() {
        bail!("{shown} is empty");
    }
    let text = String::from_utf8_lossy(&bytes);
    let t = parse(&shown, &text, round_override)?;
    Ok(LoadedAny {
        transcript: t,
        saved_session: false,
        problems: Vec::new(),
    })
}

/// One SESSION|FILE argument, resolved and loaded.
pub struct Input {
    /// As the user typed it, for messages.
    pub shown: String,
    pub path: PathBuf,
    pub loaded: LoadedAny,
}

/// Resolve SESSION|FILE (an id, a prefix, `last`, or a path) and load it.
pub fn open(sessions_dir: &Path, spec: &str, round: Option<&str>) -> Result<Input> {
    let path = super::store::resolve(sessions_dir, spec)?;
    let loaded = load_any(&path, round)?;
    Ok(Input {
        shown: spec.to_string(),
        path,
        loaded,
    })
}

/// A transcript from either format.
pub struct LoadedAny {
    pub transcript: Transcript,
    /// True when it is a mockround session file (scores can be appended).
    pub saved_session: bool,
    pub problems: Vec<super::store::LineProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_round_header_names_both_lines() {
        let err = parse(
            "x.txt",
            "# Round: coding\n# Round: behavioral\n\nInterviewer: Q\nCandidate: A\n",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("x.txt:2") && err.contains("line 1") && err.contains("coding"),
            "{err}"
        );
    }

    #[test]
    fn old_mac_line_endings_read_like_any_other() {
        let t = parse(
            "x.txt",
            "# Round: coding\r\rInterviewer: Q\rCandidate: A\r",
            None,
        )
        .unwrap();
        assert_eq!(t.header.round, "coding");
        assert_eq!(t.candidate_turns().count(), 1);
    }

    #[test]
    fn parses_headers_turns_and_fences() {
        let t = parse(
            "x.txt",
            "# Round: coding\n# Title: T\n\nInterviewer: Q1\nline two\n\nCandidate: A\n```\nInterviewer: inside code\n```\n  Interviewer: fake\nInterviewer: Q2\nCandidate: B\n",
            None,
        )
        .unwrap();
        assert_eq!(t.header.round, "coding");
        assert_eq!(t.header.title.as_deref(), Some("T"));
        let turns: Vec<_> = t.turns().collect();
        assert_eq!(turns.len(), 4);
        assert_eq!(turns[0].text, "Q1\nline two");
        assert!(turns[1].text.contains("Interviewer: inside code"));
        assert!(turns[1].text.contains("  Interviewer: fake"));
        assert_eq!(turns[2].kind, TurnKind::FollowUp);
    }

    #[test]
    fn missing_round_is_a_clear_error() {
        let e = parse("x.txt", "Interviewer: Q\nCandidate: A\n", None).unwrap_err();
        assert!(e.to_string().contains("# Round:"));
        assert!(parse("x.txt", "Interviewer: Q\nCandidate: A\n", Some("coding")).is_ok());
    }

    #[test]
    fn stray_text_names_the_line() {
        let e = parse("x.txt", "# Round: coding\nhello\nCandidate: A", None).unwrap_err();
        assert!(e.to_string().contains("x.txt:2"), "{e}");
    }

    #[test]
    fn empty_answers_only_is_refused() {
        let e = parse(
            "x.txt",
            "# Round: coding\nInterviewer: Q\nCandidate:\n",
            None,
        )
        .unwrap_err();
        assert!(matches!(e, ImportError::NoAnswers { .. }));
    }
}
