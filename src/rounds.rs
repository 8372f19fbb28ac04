//! Round files: the rubric, the checklist and the question bank of one round.
//!
//! The four built-in rounds are compiled into the binary so it works from any
//! directory; a file with the same name in the config dir's `rubrics/`
//! replaces a built-in one and a new name adds a custom round. Every file is
//! validated as it is loaded, and a problem is reported with the file, the
//! line and the field, because people edit these by hand.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::scoring::signals::Signal;
use crate::text::Cue;

/// The built-in rounds, in the order the article presents them.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "ml-fundamentals",
        include_str!("../rubrics/ml-fundamentals.toml"),
    ),
    (
        "system-design",
        include_str!("../rubrics/system-design.toml"),
    ),
    ("coding", include_str!("../rubrics/coding.toml")),
    ("behavioral", include_str!("../rubrics/behavioral.toml")),
];

pub const LEVELS: &[&str] = &["junior", "mid", "senior", "staff"];

/// One round, validated.
#[derive(Debug, Clone)]
pub struct Round {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub tests: String,
    pub failure_mode: String,
    pub minutes: u32,
    pub follow_ups: u32,
    pub dimensions: Vec<Dimension>,
    pub checklist: Vec<ChecklistItem>,
    pub questions: Vec<Question>,
    /// Stock phrases of the rubric, compiled as cues (see `RawRound`).
    pub rubric_phrases: Vec<(String, Cue)>,
    /// Where it came from: `built-in` or the override's path.
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Dimension {
    pub id: String,
    pub name: String,
    pub weak: String,
    pub strong: String,
    pub practice: String,
    /// Cues that a sentence is about this dimension at all.
    pub focus: Vec<Cue>,
    /// Cues of the strong column (what a strong candidate talks about).
    pub strong_cues: Vec<Cue>,
    /// Cues of the weak column (what the weak column's habits sound like).
    pub weak_cues: Vec<Cue>,
    /// Offline-scorer signal families that show the strong column
    /// (`scoring::signals::Signal` names); empty means the defaults.
    pub strong_signals: Vec<Signal>,
    /// Signal families that show the weak column.
    pub weak_signals: Vec<Signal>,
    /// Which answers speak to this dimension.
    pub scope: Scope,
}

/// Which answers a dimension is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every answer.
    All,
    /// Only answers to follow-ups: how the candidate adapts when pushed.
    FollowUps,
}

#[derive(Debug, Clone)]
pub struct ChecklistItem {
    pub id: String,
    pub text: String,
    pub cues: Vec<Cue>,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub title: String,
    pub text: String,
    pub levels: Vec<String>,
    pub topic: String,
    pub minutes: u32,
    pub key_points: Vec<KeyPoint>,
    pub follow_ups: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct KeyPoint {
    pub id: String,
    pub point: String,
    pub cue_specs: Vec<String>,
    pub cues: Vec<Cue>,
    pub probe: String,
}

impl Question {
    pub fn fits_level(&self, level: &str) -> bool {
        self.levels.iter().any(|l| l == level)
    }
}

impl Round {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }
}

/// A round file that could not be used, with where and why.
#[derive(Debug, Clone, thiserror::Error)]
pub struct RoundFileError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for RoundFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid round file {}:{}: {}: {}",
            self.file, self.line, self.field, self.message
        )
    }
}

// ---- raw file shape -------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRound {
    id: Spanned<String>,
    name: String,
    #[serde(default = "one")]
    version: u32,
    tests: String,
    failure_mode: String,
    minutes: u32,
    follow_ups: u32,
    /// The rubric's own stock phrases (the article's table cells): a
    /// sentence made of them recites the rubric instead of answering.
    #[serde(default)]
    rubric_phrases: Vec<String>,
    #[serde(default)]
    dimension: Vec<RawDimension>,
    #[serde(default)]
    checklist: Vec<RawChecklist>,
    #[serde(default)]
    question: Vec<RawQuestion>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    id: Spanned<String>,
    name: String,
    weak: String,
    strong: String,
    #[serde(default)]
    practice: String,
    #[serde(default)]
    focus: Vec<String>,
    #[serde(default)]
    strong_cues: Vec<String>,
    #[serde(default)]
    weak_cues: Vec<String>,
    #[serde(default)]
    scope: Option<Spanned<String>>,
    #[serde(default)]
    strong_signals: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    weak_signals: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    id: Spanned<String>,
    text: String,
    #[serde(default)]
    cues: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    title: String,
    text: String,
    levels: Spanned<Vec<String>>,
    topic: String,
    minutes: u32,
    #[serde(default)]
    key_point: Vec<RawKeyPoint>,
    #[serde(default)]
    follow_ups: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyPoint {
    id: Spanned<String>,
    point: String,
    cues: Spanned<Vec<String>>,
    probe: Spanned<String>,
}

/// Minimum sizes a round must have to run a real interview.
pub const MIN_QUESTIONS: usize = 10;
pub const MIN_KEY_POINTS: usize = 3;

/// Parse and validate one round file. `file` names it in errors.
pub fn parse(file: &str, src: &str) -> Result<Round, RoundFileError> {
    let line_of = |offset: usize| src[..offset.min(src.len())].matches('\n').count() + 1;
    let raw: RawRound = toml::from_str(src).map_err(|e| {
        let line = e.span().map(|s| line_of(s.start)).unwrap_or(1);
        let msg = e.message().trim().to_string();
        let key = msg.split('`').nth(1).unwrap_or("");
        let table = table_path_at(src, line);
        let field = match (table.is_empty(), key.is_empty()) {
            (true, true) => "toml".to_string(),
            (true, false) => key.to_string(),
            (false, true) => table,
            (false, false) => format!("{table}.{key}"),
        };
        RoundFileError {
            file: file.into(),
            line,
            field,
            message: msg,
        }
    })?;
    let err = |span: std::ops::Range<usize>, field: String, message: &str| RoundFileError {
        file: file.into(),
        line: line_of(span.start),
        field,
        message: message.into(),
    };
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };

    if !id_ok(raw.id.get_ref()) {
        return Err(err(
            raw.id.span(),
            "id".into(),
            "must be lowercase letters, digits, '-' or '_'",
        ));
    }
    let expected = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if !expected.is_empty() && expected != raw.id.get_ref() {
        return Err(err(
            raw.id.span(),
            "id".into(),
            &format!(
                "is \"{}\" but the file is named {expected}.toml; they must match",
                raw.id.get_ref()
            ),
        ));
    }
    if raw.minutes == 0 || raw.minutes > 240 {
        return Err(err(
            raw.id.span(),
            "minutes".into(),
            "must be between 1 and 240",
        ));
    }
    if raw.follow_ups > 6 {
        return Err(err(raw.id.span(), "follow_ups".into(), "must be at most 6"));
    }

    if raw.dimension.len() < 2 {
        return Err(err(
            raw.id.span(),
            "dimension".into(),
            "a round needs at least 2 [[dimension]] tables",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut dimensions = Vec::new();
    for (i, d) in raw.dimension.into_iter().enumerate() {
        let field = format!("dimension[{i}]");
        if !id_ok(d.id.get_ref()) || !seen.insert(d.id.get_ref().clone()) {
            return Err(err(
                d.id.span(),
                format!("{field}.id"),
                "must be a unique lowercase id",
            ));
        }
        for (name, value) in [("name", &d.name), ("weak", &d.weak), ("strong", &d.strong)] {
            if value.trim().is_empty() {
                return Err(err(
                    d.id.span(),
                    format!("{field}.{name}"),
                    "must not be empty",
                ));
            }
        }
        let mut signal_lists = Vec::new();
        for (name, list) in [
            ("strong_signals", &d.strong_signals),
            ("weak_signals", &d.weak_signals),
        ] {
            let mut parsed = Vec::new();
            let Some(list) = list else {
                signal_lists.push(parsed);
                continue;
            };
            for s in list.get_ref() {
                match Signal::from_name(s) {
                    Some(sig) => parsed.push(sig),
                    None => {
                        let known: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
                        return Err(err(
                            list.span(),
                            format!("{field}.{name}"),
                            &format!("unknown signal \"{s}\" (known: {})", known.join(", ")),
                        ));
                    }
                }
            }
            signal_lists.push(parsed);
        }
        let scope = match d.scope.as_ref().map(|s| s.get_ref().as_str()) {
            None | Some("all") => Scope::All,
            Some("follow_ups") => Scope::FollowUps,
            Some(other) => {
                let span = d.scope.as_ref().map(|s| s.span()).unwrap_or(d.id.span());
                return Err(err(
                    span,
                    format!("{field}.scope"),
                    &format!("unknown scope \"{other}\" (use \"all\" or \"follow_ups\")"),
                ));
            }
        };
        let weak_signals = signal_lists.pop().unwrap_or_default();
        let strong_signals = signal_lists.pop().unwrap_or_default();
        dimensions.push(Dimension {
            id: d.id.into_inner(),
            name: d.name,
            weak: d.weak,
            strong: d.strong,
            practice: d.practice,
            focus: compile(&d.focus),
            strong_cues: compile(&d.strong_cues),
            weak_cues: compile(&d.weak_cues),
            strong_signals,
            weak_signals,
            scope,
        });
    }

    let mut checklist = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, c) in raw.checklist.into_iter().enumerate() {
        if !id_ok(c.id.get_ref()) || !seen.insert(c.id.get_ref().clone()) {
            return Err(err(
                c.id.span(),
                format!("checklist[{i}].id"),
                "must be a unique lowercase id",
            ));
        }
        if c.text.trim().is_empty() {
            return Err(err(
                c.id.span(),
                format!("checklist[{i}].text"),
                "must not be empty",
            ));
        }
        checklist.push(ChecklistItem {
            id: c.id.into_inner(),
            text: c.text,
            cues: compile(&c.cues),
        });
    }

    let mut questions = Vec::new();
    let mut seen = BTreeSet::new();
    for (qi, q) in raw.question.into_iter().enumerate() {
        let field = format!("question[{qi}]");
        if !id_ok(q.id.get_ref()) || !seen.insert(q.id.get_ref().clone()) {
            return Err(err(
                q.id.span(),
                format!("{field}.id"),
                "must be a unique lowercase id",
            ));
        }
        if q.text.trim().is_empty() || q.title.trim().is_empty() {
            return Err(err(
                q.id.span(),
                format!("{field}.text"),
                "title and text must not be empty",
            ));
        }
        if q.levels.get_ref().is_empty() {
            return Err(err(
                q.levels.span(),
                format!("{field}.levels"),
                "must list at least one level",
            ));
        }
        if let Some(bad) = q
            .levels
            .get_ref()
            .iter()
            .find(|l| !LEVELS.contains(&l.as_str()))
        {
            return Err(err(
                q.levels.span(),
                format!("{field}.levels"),
                &format!("unknown level \"{bad}\" (use {})", LEVELS.join(", ")),
            ));
        }
        if q.minutes == 0 || q.minutes > raw.minutes.max(1) * 2 {
            return Err(err(
                q.id.span(),
                format!("{field}.minutes"),
                "must be at least 1 and not longer than the round",
            ));
        }
        if q.key_point.len() < MIN_KEY_POINTS {
            return Err(err(
                q.id.span(),
                format!("{field}.key_point"),
                &format!("needs at least {MIN_KEY_POINTS} [[question.key_point]] tables"),
            ));
        }
        if q.follow_ups.iter().all(|f| f.trim().is_empty()) {
            return Err(err(
                q.id.span(),
                format!("{field}.follow_ups"),
                "needs at least one pressure follow-up",
            ));
        }
        let mut kp_seen = BTreeSet::new();
        let mut key_points = Vec::new();
        for (ki, k) in q.key_point.into_iter().enumerate() {
            let kfield = format!("{field}.key_point[{ki}]");
            if !id_ok(k.id.get_ref()) || !kp_seen.insert(k.id.get_ref().clone()) {
                return Err(err(
                    k.id.span(),
                    format!("{kfield}.id"),
                    "must be a unique lowercase id",
                ));
            }
            let cues = compile(k.cues.get_ref());
            if cues.is_empty() {
                return Err(err(
                    k.cues.span(),
                    format!("{kfield}.cues"),
                    "must list at least one cue",
                ));
            }
            if k.probe.get_ref().trim().is_empty() {
                return Err(err(
                    k.probe.span(),
                    format!("{kfield}.probe"),
                    "must not be empty",
                ));
            }
            if !k.probe.get_ref().contains('?') {
                return Err(err(
                    k.probe.span(),
                    format!("{kfield}.probe"),
                    "must be a question (end with '?')",
                ));
            }
            key_points.push(KeyPoint {
                id: k.id.into_inner(),
                point: k.point,
                cue_specs: k.cues.get_ref().clone(),
                cues,
                probe: k.probe.into_inner(),
            });
        }
        questions.push(Question {
            id: q.id.into_inner(),
            title: q.title,
            text: reflow(q.text.trim()),
            levels: q.levels.into_inner(),
            topic: q.topic,
            minutes: q.minutes,
            key_points,
            follow_ups: q.follow_ups,
        });
    }
    if questions.len() < MIN_QUESTIONS {
        return Err(RoundFileError {
            file: file.into(),
            line: line_of(src.len()),
            field: "question".into(),
            message: format!(
                "has {} questions; a round needs at least {MIN_QUESTIONS}",
                questions.len()
            ),
        });
    }

    Ok(Round {
        id: raw.id.into_inner(),
        name: raw.name,
        version: raw.version,
        tests: raw.tests,
        failure_mode: raw.failure_mode,
        minutes: raw.minutes,
        follow_ups: raw.follow_ups,
        dimensions,
        checklist,
        questions,
        rubric_phrases: raw
            .rubric_phrases
            .iter()
            .map(|p| (p.clone(), Cue::new(p)))
            .filter(|(_, c)| !c.is_empty())
            .collect(),
        source: String::new(),
    })
}

/// Join hard-wrapped lines of a question into paragraphs, so it wraps to the
/// terminal and reads as one turn in transcripts. Blank lines, list items
/// and fenced code keep their line breaks.
fn reflow(text: &str) -> String {
    let mut out = String::new();
    let mut fence = false;
    for line in text.lines() {
        let t = line.trim_end();
        let starts_block = t.trim_start().starts_with("```");
        let keep_break = fence
            || starts_block
            || t.is_empty()
            || out.ends_with('\n')
            || out.is_empty()
            || t.trim_start().starts_with("- ")
            || t.trim_start().starts_with("* ")
            || t.starts_with(' ')
            || out.ends_with("```");
        if keep_break {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(t);
            if t.is_empty() || fence || starts_block {
                out.push('\n');
            }
        } else {
            out.push(' ');
            out.push_str(t.trim_start());
        }
        if starts_block {
            fence = !fence;
        }
    }
    let joined: Vec<&str> = out.lines().collect();
    joined.join("\n").trim().to_string()
}

/// The table a line belongs to, as `question[3].key_point[1]`, found by
/// counting the `[[...]]` headers above it (toml's errors give only a line).
fn table_path_at(src: &str, line: usize) -> String {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut path: Vec<(String, usize)> = Vec::new();
    for l in src.lines().take(line) {
        let t = l.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            let name = name.trim().to_string();
            let parts: Vec<&str> = name.split('.').collect();
            // a nested array restarts its count under each new parent
            let parent_key: String = path
                .iter()
                .take(parts.len().saturating_sub(1))
                .map(|(n, i)| format!("{n}[{i}]"))
                .collect::<Vec<_>>()
                .join(".");
            let key = format!("{parent_key}/{name}");
            let n = counts.entry(key).or_insert(0);
            let idx = *n;
            *n += 1;
            path.truncate(parts.len().saturating_sub(1));
            path.push((parts.last().unwrap_or(&"").to_string(), idx));
        } else if t.starts_with('[') && !t.starts_with("[[") {
            path.clear();
        }
    }
    path.iter()
        .map(|(n, i)| format!("{n}[{i}]"))
        .collect::<Vec<_>>()
        .join(".")
}

fn compile(specs: &[String]) -> Vec<Cue> {
    specs
        .iter()
        .map(|s| Cue::new(s))
        .filter(|c| !c.is_empty())
        .collect()
}

/// All rounds: the built-in ones, with overrides and additions from
/// `<config>/rubrics/*.toml`.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub rounds: Vec<Round>,
}

impl Catalog {
    /// Only the compiled-in rounds (tests and benches use this).
    pub fn builtin() -> Catalog {
        let rounds = BUILTIN
            .iter()
            .map(|(id, src)| {
                let mut r = parse(&format!("rubrics/{id}.toml"), src)
                    .unwrap_or_else(|e| panic!("built-in round file is invalid: {e}"));
                r.source = "built-in".into();
                r
            })
            .collect();
        Catalog { rounds }
    }

    /// Built-in rounds plus the user's `rubrics/` directory, if any.
    pub fn load(config_dir: Option<&Path>) -> Result<Catalog, RoundFileError> {
        let mut catalog = Catalog::builtin();
        let Some(dir) = config_dir.map(|d| d.join("rubrics")) else {
            return Ok(catalog);
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(catalog);
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for path in files {
            let shown = path.display().to_string();
            let src = std::fs::read_to_string(&path).map_err(|e| RoundFileError {
                file: shown.clone(),
                line: 1,
                field: "file".into(),
                message: format!("cannot be read: {e}"),
            })?;
            let mut round = parse(&shown, &src)?;
            round.source = shown;
            match catalog.rounds.iter_mut().find(|r| r.id == round.id) {
                Some(existing) => *existing = round,
                None => catalog.rounds.push(round),
            }
        }
        Ok(catalog)
    }

    pub fn get(&self, id: &str) -> Option<&Round> {
        self.rounds.iter().find(|r| r.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.rounds.iter().map(|r| r.id.as_str()).collect()
    }

    /// The round named `id`, or an error that lists the ones that exist.
    pub fn require(&self, id: &str) -> anyhow::Result<&Round> {
        self.get(id).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown round \"{id}\"; the rounds are: {} (see `mockround rounds`)",
                self.ids().join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_round_is_valid_and_complete() {
        let cat = Catalog::builtin();
        let ids: Vec<&str> = cat.ids();
        assert_eq!(
            ids,
            ["ml-fundamentals", "system-design", "coding", "behavioral"]
        );
        let dims = [
            [
                "knowledge_mode",
                "reasoning_under_pressure",
                "depth_signal",
                "self_correction",
            ],
            [
                "architecture_anchor",
                "eval_methodology",
                "safety_layer",
                "uncertainty_handling",
            ],
            [
                "leetcode_readiness",
                "ml_implementation",
                "code_explanation",
                "debugging",
            ],
            [
                "production_reasoning",
                "cross_functional_communication",
                "ethics_positioning",
                "failure_ownership",
            ],
        ];
        for (r, want) in cat.rounds.iter().zip(dims) {
            let got: Vec<&str> = r.dimensions.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(got, want, "{}", r.id);
            assert!(
                r.questions.len() >= 12,
                "{} has {} questions",
                r.id,
                r.questions.len()
            );
            assert!(!r.checklist.is_empty());
            for level in LEVELS {
                assert!(
                    r.questions.iter().filter(|q| q.fits_level(level)).count() >= 4,
                    "{} at {level}",
                    r.id
                );
            }
            for q in &r.questions {
                assert!(
                    (4..=6).contains(&q.key_points.len()),
                    "{}: {} key points",
                    q.id,
                    q.key_points.len()
                );
                assert!(
                    (2..=3).contains(&q.follow_ups.len()),
                    "{}: {} follow-ups",
                    q.id,
                    q.follow_ups.len()
                );
                for k in &q.key_points {
                    assert!(
                        !k.cues.is_empty() && k.probe.ends_with('?'),
                        "{}/{}",
                        q.id,
                        k.id
                    );
                }
            }
        }
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let src = BUILTIN[2]
            .1
            .replacen("levels = [", "levels = [\"wizard\", ", 1);
        let e = parse("rubrics/coding.toml", &src).unwrap_err();
        assert!(e.field.ends_with(".levels"), "{e}");
        assert!(e.to_string().contains("rubrics/coding.toml:") && e.to_string().contains("wizard"));
        let e = parse("x.toml", "id = \"x\"\nname = 3\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn reflow_joins_wrapped_lines_and_keeps_code() {
        let t = reflow("Write a tokenizer\nin Python:\n\n```python\ndef f(x):\n    return x\n```\nThen explain.");
        assert_eq!(t, "Write a tokenizer in Python:\n\n```python\ndef f(x):\n    return x\n```\nThen explain.");
    }
}
