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
    /// What the scorer set aside or cannot judge, in a line each (pasted
    /// text without sentence structure, repeats counted once, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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

/// How much a judge's verified evidence decides, chosen from the model's
/// calibration record (`mockround calibrate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regime {
    /// Uncalibrated (`calibration` None) or failing the gate: the evidence
    /// is blended conservatively with the offline reading.
    Advisory { calibration: Option<String> },
    /// Passed the gate: the verified evidence decides each dimension, the
    /// offline reading only breaks ties.
    Decisive { calibration: String },
}

impl Regime {
    pub fn is_decisive(&self) -> bool {
        matches!(self, Regime::Decisive { .. })
    }

    /// The name written in `--json` (`advisory` or `decisive`).
    pub fn name(&self) -> &'static str {
        match self {
            Regime::Advisory { .. } => "advisory",
            Regime::Decisive { .. } => "decisive",
        }
    }

    /// The calibration summary it rests on, if any.
    pub fn calibration(&self) -> Option<&str> {
        match self {
            Regime::Advisory { calibration } => calibration.as_deref(),
            Regime::Decisive { calibration } => Some(calibration),
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.calibration() {
            Some(c) => write!(f, "{}: {c}", self.name()),
            None => write!(f, "{}: uncalibrated", self.name()),
        }
    }
}

impl std::str::FromStr for Regime {
    type Err = String;

    fn from_str(s: &str) -> Result<Regime, String> {
        let (name, cal) = s.split_once(": ").unwrap_or((s, ""));
        match (name, cal) {
            ("advisory", "uncalibrated" | "") => Ok(Regime::Advisory { calibration: None }),
            ("advisory", c) => Ok(Regime::Advisory {
                calibration: Some(c.to_string()),
            }),
            ("decisive", c) => Ok(Regime::Decisive {
                calibration: c.to_string(),
            }),
            _ => Err(format!("unknown judge regime \"{s}\"")),
        }
    }
}

/// What produced a score. Stored as one string, the shape it has always had,
/// with the regime appended in brackets: `offline`, `judge:MODEL [REGIME]`,
/// `judge:MODEL (offline fallback on N dimension(s): IDS; why: WHY)
/// [REGIME]` or `offline (fallback: WHY)`. Strings without a regime (older
/// files) read as advisory, uncalibrated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scorer {
    /// The offline reader, chosen (no model configured, or `--offline`).
    Offline,
    /// The model judged every dimension.
    Judge {
        model: String,
        regime: Option<Regime>,
    },
    /// The model judged, but some dimensions fell back to the offline
    /// reader: how many, which (empty in older files) and why.
    JudgeWithFallback {
        model: String,
        dimensions: usize,
        which: Vec<String>,
        why: String,
        regime: Option<Regime>,
    },
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
            Scorer::Judge { model, .. } | Scorer::JudgeWithFallback { model, .. } => Some(model),
            Scorer::Offline | Scorer::Fallback { .. } => None,
        }
    }

    /// The judge's regime, when a judge produced (part of) the score.
    pub fn regime(&self) -> Option<&Regime> {
        match self {
            Scorer::Judge { regime, .. } | Scorer::JudgeWithFallback { regime, .. } => {
                regime.as_ref()
            }
            Scorer::Offline | Scorer::Fallback { .. } => None,
        }
    }

    /// The dimensions the offline reader scored in the judge's place.
    pub fn fallback_dimensions(&self) -> &[String] {
        match self {
            Scorer::JudgeWithFallback { which, .. } => which,
            _ => &[],
        }
    }
}

impl fmt::Display for Scorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scorer::Offline => f.write_str("offline"),
            Scorer::Judge { model, regime } => {
                write!(f, "judge:{model}")?;
                stated(f, regime)
            }
            Scorer::JudgeWithFallback {
                model,
                dimensions,
                which,
                why,
                regime,
            } => {
                write!(
                    f,
                    "judge:{model} (offline fallback on {dimensions} dimension(s)"
                )?;
                if !which.is_empty() {
                    write!(f, ": {}; why: {why}", which.join(", "))?;
                }
                f.write_str(")")?;
                stated(f, regime)
            }
            Scorer::Fallback { reason } => write!(f, "offline (fallback: {reason})"),
        }
    }
}

/// The regime in brackets, when the score states one.
fn stated(f: &mut fmt::Formatter<'_>, regime: &Option<Regime>) -> fmt::Result {
    match regime {
        Some(r) => write!(f, " [{r}]"),
        None => Ok(()),
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
        let (judge, regime) = match judge.strip_suffix(']').and_then(|r| r.rsplit_once(" [")) {
            Some((rest, regime)) => (rest, Some(regime.parse()?)),
            None => (judge, None),
        };
        let Some((model, inside)) = judge
            .strip_suffix(')')
            .and_then(|r| r.rsplit_once(" (offline fallback on "))
        else {
            return Ok(Scorer::Judge {
                model: judge.to_string(),
                regime,
            });
        };
        let (count, detail) = inside.split_once(": ").unwrap_or((inside, ""));
        let dimensions = count
            .strip_suffix(" dimension(s)")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| format!("unknown scorer \"{s}\""))?;
        let (which, why) = detail.split_once("; why: ").unwrap_or((detail, ""));
        Ok(Scorer::JudgeWithFallback {
            model: model.to_string(),
            dimensions,
            which: which
                .split(", ")
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
            why: why.to_string(),
            regime,
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
            "judge:gpt-4o [advisory: uncalibrated]",
            "judge:qwen (offline fallback on 2 dimension(s)) [advisory: uncalibrated]",
            "judge:qwen (offline fallback on 2 dimension(s): safety_layer, debugging; why: no fields) [decisive: calibrated 2026-12-04: 16/16 pairs, MAE 0.40]",
            "judge:m [advisory: calibrated 2026-12-04: 9/16 pairs, MAE 1.10]",
            "offline (fallback: the server at http://x/v1 is down)",
        ] {
            let parsed: Scorer = s.parse().unwrap();
            assert_eq!(parsed.to_string(), s);
        }
        // older files carry no regime, and keep their string
        let old: Scorer = "judge:qwen (offline fallback on 2 dimension(s))"
            .parse()
            .unwrap();
        assert_eq!(old.regime(), None);
        assert!(matches!(
            old,
            Scorer::JudgeWithFallback { dimensions: 2, .. }
        ));
        for older in [
            "judge:qwen-1.5b",
            "judge:qwen (offline fallback on 2 dimension(s))",
        ] {
            assert_eq!(older.parse::<Scorer>().unwrap().to_string(), older);
        }
        assert_eq!(old.model(), Some("qwen"));
        assert!("heuristic".parse::<Scorer>().is_err());
        assert!("judge:m [sideways]".parse::<Scorer>().is_err());
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
