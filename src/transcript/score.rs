//! The score of a transcript as it is stored in a `score` event and printed
//! by `mockround score --json`. It lives here, with the transcript, because
//! the transcript stores it; `scoring` produces it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The score of one transcript. Its JSON is the public shape of
/// `mockround score --json` (README.md, "Scores").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScoreReport {
    pub round: String,
    /// What produced the score (written as `offline`, `judge:<model>`, …).
    pub scorer: Scorer,
    /// Mean of the scored dimensions on the 1–4 scale; null only when no
    /// dimension had enough evidence.
    pub overall: Option<f64>,
    pub verdict: String,
    pub dimensions: Vec<DimensionScore>,
    pub checklist: Vec<ChecklistResult>,
    pub flags: Vec<Flag>,
    /// Each flag with the sentence that raised it, so the user sees the
    /// proof; also the findings that were shown but not sure enough to
    /// change the score (`uncertain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flag_details: Vec<FlagDetail>,
    /// The two things to practise next, weakest first.
    #[serde(default)]
    pub practice: Vec<String>,
    /// With `--samples N`: how many judge runs were combined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DimensionScore {
    pub id: String,
    /// 1–4, or null when the transcript gives not enough evidence either way.
    pub score: Option<u8>,
    pub rationale: String,
    /// Verbatim quotes from candidate turns.
    pub evidence: Vec<String>,
    /// Set when the score rests on too little: an empty or evasive answer
    /// (score 1) or a dimension the interview never reached (score null).
    #[serde(default, skip_serializing_if = "is_false")]
    pub insufficient_evidence: bool,
    /// The judge wanted more than its verified evidence supports.
    #[serde(default, skip_serializing_if = "is_false")]
    pub capped: bool,
    /// With `--samples`: lowest and highest score across runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<[u8; 2]>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A flag and the candidate's sentence that raised it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FlagDetail {
    pub flag: Flag,
    pub quote: String,
    /// Shown, but the score is unchanged: the detector was not sure.
    #[serde(default, skip_serializing_if = "is_false")]
    pub uncertain: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChecklistResult {
    pub id: String,
    pub covered: bool,
}

/// Something about the answers (or the scoring) the user must be told.
/// Declared in the order of their names, so sorted flags read alphabetically
/// as they always have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// A score block or score JSON about the candidate.
    FakeScore,
    /// Lines pretending to be another speaker.
    FakeTurn,
    /// The judge failed and the offline reader scored instead.
    Fallback,
    /// Invisible characters in the answers.
    HiddenCharacters,
    /// Text addressed to the scorer instead of the interviewer.
    InjectionAttempt,
    /// Sentences that recite the rubric's own wording.
    RubricParrot,
}

impl Flag {
    /// The name written in files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Flag::FakeScore => "fake-score",
            Flag::FakeTurn => "fake-turn",
            Flag::Fallback => "fallback",
            Flag::HiddenCharacters => "hidden-characters",
            Flag::InjectionAttempt => "injection-attempt",
            Flag::RubricParrot => "rubric-parrot",
        }
    }

    /// Text that tried to steer the scorer (as opposed to a notice).
    pub fn is_steering(self) -> bool {
        matches!(
            self,
            Flag::InjectionAttempt | Flag::FakeScore | Flag::FakeTurn
        )
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What produced a score. Stored as one string, the shape it has always had:
/// `offline`, `judge:MODEL`, `judge:MODEL (offline fallback on N
/// dimension(s))` or `offline (fallback: WHY)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scorer {
    /// The offline reader, chosen (no model configured, or `--offline`).
    Offline,
    /// The model judged every dimension.
    Judge { model: String },
    /// The model judged, but some dimensions fell back to the offline reader.
    JudgeWithFallback { model: String, dimensions: usize },
    /// The model could not be used at all; the offline reader scored.
    Fallback { reason: String },
}

impl Scorer {
    /// The offline reader stood in for a model that failed entirely.
    pub fn is_fallback(&self) -> bool {
        matches!(self, Scorer::Fallback { .. })
    }

    /// The model that produced (part of) the score.
    pub fn model(&self) -> Option<&str> {
        match self {
            Scorer::Judge { model } | Scorer::JudgeWithFallback { model, .. } => Some(model),
            Scorer::Offline | Scorer::Fallback { .. } => None,
        }
    }
}

impl fmt::Display for Scorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scorer::Offline => f.write_str("offline"),
            Scorer::Judge { model } => write!(f, "judge:{model}"),
            Scorer::JudgeWithFallback { model, dimensions } => write!(
                f,
                "judge:{model} (offline fallback on {dimensions} dimension(s))"
            ),
            Scorer::Fallback { reason } => write!(f, "offline (fallback: {reason})"),
        }
    }
}

impl std::str::FromStr for Scorer {
    type Err = String;

    fn from_str(s: &str) -> Result<Scorer, String> {
        if s == "offline" {
            return Ok(Scorer::Offline);
        }
        if let Some(reason) = s
            .strip_prefix("offline (fallback: ")
            .and_then(|r| r.strip_suffix(')'))
        {
            return Ok(Scorer::Fallback {
                reason: reason.to_string(),
            });
        }
        let Some(judge) = s.strip_prefix("judge:") else {
            return Err(format!("unknown scorer \"{s}\""));
        };
        let partial = judge
            .strip_suffix(" dimension(s))")
            .and_then(|r| r.rsplit_once(" (offline fallback on "))
            .and_then(|(model, n)| Some((model, n.parse::<usize>().ok()?)));
        Ok(match partial {
            Some((model, dimensions)) => Scorer::JudgeWithFallback {
                model: model.to_string(),
                dimensions,
            },
            None => Scorer::Judge {
                model: judge.to_string(),
            },
        })
    }
}

impl Serialize for Scorer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scorer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Scorer, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scorer_strings_round_trip() {
        for s in [
            "offline",
            "judge:gpt-4o",
            "judge:qwen (offline fallback on 2 dimension(s))",
            "offline (fallback: the server at http://x/v1 is down)",
        ] {
            let parsed: Scorer = s.parse().unwrap();
            assert_eq!(parsed.to_string(), s);
        }
        assert!("heuristic".parse::<Scorer>().is_err());
    }

    #[test]
    fn flags_sort_by_name() {
        let mut flags = vec![
            Flag::RubricParrot,
            Flag::InjectionAttempt,
            Flag::HiddenCharacters,
            Flag::Fallback,
            Flag::FakeTurn,
            Flag::FakeScore,
        ];
        flags.sort();
        let names: Vec<&str> = flags.iter().map(|f| f.name()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        for f in flags {
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{f}\""));
        }
    }
}
