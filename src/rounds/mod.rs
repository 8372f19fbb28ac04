//! Round files: the rubric, the checklist and the question bank of one round.
//!
//! The four built-in rounds are compiled into the binary so it works from any
//! directory; a file with the same name in the config dir's `rubrics/`
//! replaces a built-in one and a new name adds a custom round. Every file is
//! validated as it is loaded, and a problem is reported with the file, the
//! line and the field, because people edit these by hand.

mod parse;
mod signal;

use std::fmt;
use std::path::{Path, PathBuf};

pub use parse::parse;
pub use signal::{Signal, SIGNAL_COUNT};

use crate::text::Cue;

/// The built-in rounds, in the order the article presents them.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "ml-fundamentals",
        include_str!("../../rubrics/ml-fundamentals.toml"),
    ),
    (
        "system-design",
        include_str!("../../rubrics/system-design.toml"),
    ),
    ("coding", include_str!("../../rubrics/coding.toml")),
    ("behavioral", include_str!("../../rubrics/behavioral.toml")),
];

/// Minimum sizes a round must have to run a real interview.
pub const MIN_QUESTIONS: usize = 10;
pub const MIN_KEY_POINTS: usize = 3;

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
    /// Common wrong claims for this question (may be empty).
    pub misconceptions: Vec<Misconception>,
    /// Which track of a round with several the question belongs to (the
    /// coding round: LeetCode patterns or ML implementation/debugging).
    pub track: Option<Track>,
}

/// The coding round tests two tracks; a session of two or more questions
/// includes both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    Leetcode,
    MlImplementation,
    MlDebugging,
}

impl Track {
    const ALL: [Track; 3] = [Track::Leetcode, Track::MlImplementation, Track::MlDebugging];

    /// How round files and `rounds --json` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Track::Leetcode => "leetcode",
            Track::MlImplementation => "ml-implementation",
            Track::MlDebugging => "ml-debugging",
        }
    }

    pub fn from_name(s: &str) -> Option<Track> {
        Track::ALL.into_iter().find(|t| t.name() == s)
    }

    /// ML implementation or ML debugging.
    pub fn is_ml(self) -> bool {
        self != Track::Leetcode
    }
}

/// A wrong claim candidates often make on a question, and what is wrong
/// with it: what lets the offline reader tell a fluent wrong answer from a
/// right one where the bank knows the question.
#[derive(Debug, Clone)]
pub struct Misconception {
    pub id: String,
    /// The wrong claim, as a reader would summarise it.
    pub claim: String,
    /// Why it is wrong, in one or two sentences ("the problem is …").
    pub correction: String,
    /// The key point it contradicts, if one.
    pub contradicts: Option<String>,
    pub cue_specs: Vec<String>,
    pub cues: Vec<Cue>,
}

#[derive(Debug, Clone)]
pub struct KeyPoint {
    pub id: String,
    pub point: String,
    pub cue_specs: Vec<String>,
    pub cues: Vec<Cue>,
    pub probe: String,
    /// A short noun phrase for the idea ("permissions enforced at retrieval
    /// time"): what an acknowledgement or a second-level hint names. From
    /// the id when the bank gives none.
    pub concept: String,
    /// Other ways a candidate says it, in cue syntax (paraphrases the cues
    /// do not reach); the coverage matcher reads them like cues.
    pub synonyms: Vec<String>,
    /// The rubric dimension this key point is evidence for: given in the
    /// bank, else the dimension whose focus cues it meets most.
    pub dimension: String,
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

impl RoundFileError {
    /// The round the file would define: its name without `.toml`.
    pub fn round_id(&self) -> &str {
        Path::new(&self.file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(&self.file)
    }
}

/// Read and parse one user round file.
/// Read and parse one user round file. An override of a built-in round
/// keeps that round's dimensions (their ids are a public contract: scores,
/// progress and reports across sessions line up by them).
fn load_file(path: &Path, builtin_dimensions: Option<&[String]>) -> Result<Round, RoundFileError> {
    let shown = path.display().to_string();
    let src = std::fs::read_to_string(path).map_err(|e| RoundFileError {
        file: shown.clone(),
        line: 1,
        field: "file".into(),
        message: format!("cannot be read: {e}"),
    })?;
    let mut round = parse(&shown, &src)?;
    if let Some(expected) = builtin_dimensions {
        let found: Vec<String> = round.dimensions.iter().map(|d| d.id.clone()).collect();
        if found != expected {
            return Err(RoundFileError {
                file: shown,
                line: src
                    .lines()
                    .position(|l| l.trim() == "[[dimension]]")
                    .map_or(1, |i| i + 1),
                field: "dimension".into(),
                message: format!(
                    "an override of a built-in round keeps its {} dimensions, in order: {} (found: {})",
                    expected.len(),
                    expected.join(", "),
                    found.join(", ")
                ),
            });
        }
    }
    round.source = shown;
    Ok(round)
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

/// All rounds: the built-in ones, with overrides and additions from
/// `<config>/rubrics/*.toml`.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub rounds: Vec<Round>,
    /// Files in the config dir that could not be used: each makes only its
    /// own round unavailable.
    pub broken: Vec<RoundFileError>,
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
        Catalog {
            rounds,
            broken: Vec::new(),
        }
    }

    /// Built-in rounds plus the user's `rubrics/` directory, if any. A file
    /// that cannot be used is kept in `broken` (its round is unavailable)
    /// and every other round loads as usual.
    pub fn load(config_dir: Option<&Path>) -> Catalog {
        let mut catalog = Catalog::builtin();
        let Some(dir) = config_dir.map(|d| d.join("rubrics")) else {
            return catalog;
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return catalog;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for path in files {
            let builtin = path
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|id| BUILTIN.iter().any(|(b, _)| *b == id).then_some(id))
                .and_then(|id| catalog.get(id))
                .map(|r| {
                    r.dimensions
                        .iter()
                        .map(|d| d.id.clone())
                        .collect::<Vec<_>>()
                });
            match load_file(&path, builtin.as_deref()) {
                Ok(round) => match catalog.rounds.iter_mut().find(|r| r.id == round.id) {
                    Some(existing) => *existing = round,
                    None => catalog.rounds.push(round),
                },
                Err(e) => catalog.broken.push(e),
            }
        }
        catalog
    }

    /// The files loaded from the config dir (overrides and custom rounds).
    pub fn user_files(&self) -> impl Iterator<Item = &str> {
        self.rounds
            .iter()
            .map(|r| r.source.as_str())
            .filter(|s| *s != "built-in")
    }

    pub fn get(&self, id: &str) -> Option<&Round> {
        self.rounds.iter().find(|r| r.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.rounds.iter().map(|r| r.id.as_str()).collect()
    }

    /// The round named `id`, or an error that says why not: its file is
    /// broken, or no such round exists (listing the ones that do).
    pub fn require(&self, id: &str) -> anyhow::Result<&Round> {
        if let Some(e) = self.broken.iter().find(|e| e.round_id() == id) {
            return Err(anyhow::anyhow!(
                "{e}; fix the file or remove it to use the built-in round"
            ));
        }
        self.get(id).ok_or_else(|| {
            let guess = self
                .closest(id)
                .map(|g| format!("did you mean {g}? "))
                .unwrap_or_default();
            anyhow::anyhow!(
                "unknown round \"{id}\"; {guess}the rounds are: {} (see `mockround rounds`)",
                self.ids().join(", ")
            )
        })
    }

    /// The round id a mistyped one was most likely meant to be.
    fn closest(&self, id: &str) -> Option<&str> {
        let wanted = id.to_ascii_lowercase();
        self.ids()
            .into_iter()
            .map(|c| (strsim::jaro_winkler(&wanted, c), c))
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c)
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
    fn a_mistyped_round_gets_a_suggestion() {
        let cat = Catalog::builtin();
        let err = cat.require("system-desing").unwrap_err().to_string();
        assert!(err.contains("did you mean system-design?"), "{err}");
        let err = cat.require("astronomy").unwrap_err().to_string();
        assert!(!err.contains("did you mean"), "{err}");
    }

    #[test]
    fn reflow_joins_wrapped_lines_and_keeps_code() {
        let t = parse::reflow("Write a tokenizer\nin Python:\n\n```python\ndef f(x):\n    return x\n```\nThen explain.");
        assert_eq!(t, "Write a tokenizer in Python:\n\n```python\ndef f(x):\n    return x\n```\nThen explain.");
    }
}
