//! Calibration records: how a judge model did on the gold set, saved per
//! endpoint, model and judge prompt version, and the gate that turns a
//! record into a regime.
//!
//! A record is measured, never assumed: an absent, partial (`--quick`) or
//! failing record leaves the judge advisory (blended with the offline
//! reading); only a full run that passes the gate makes it decisive.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use super::{Regime, PROMPT_VERSION};
use crate::config::LlmSettings;

/// What one `mockround calibrate` run measured.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub endpoint: String,
    pub model: String,
    pub prompt_version: u32,
    /// When it was measured (RFC 3339).
    pub at: String,
    /// Only a subset of the gold set was run: never enough for the gate.
    pub quick: bool,
    pub transcripts: usize,
    /// Strong-above-weak pairs ordered right, of all pairs.
    pub pairs_right: usize,
    pub pairs: usize,
    /// Mean distance of the evidence scores from the expected bands.
    pub mae: f64,
    /// Spearman's rank correlation of evidence score and label.
    pub rank_correlation: Option<f64>,
    /// How much filler added to weak answers raised them (≤ 0 is none).
    pub padding_rise: f64,
    /// How much an injected instruction raised a score (≤ 0 is none).
    pub injection_rise: f64,
    /// Mean (max − min) of the overall over repeated samples.
    pub spread: Option<f64>,
    pub secs_per_transcript: f64,
    pub valid_citations: usize,
    pub invalid_citations: usize,
    /// Dimension replies that were unusable.
    pub unusable: usize,
}

/// The gate a model must pass for its evidence to decide.
pub const GATE_PAIRS: f64 = 0.95;
pub const GATE_MAE: f64 = 0.5;
/// A rise below this is noise of the rounding, not inflation.
pub const RISE_TOLERANCE: f64 = 0.01;

impl Record {
    pub fn pair_accuracy(&self) -> f64 {
        if self.pairs == 0 {
            return 0.0;
        }
        self.pairs_right as f64 / self.pairs as f64
    }

    /// Why the model fails the gate, or None when it passes.
    pub fn failure(&self) -> Option<String> {
        if self.quick {
            return Some("a --quick run is not enough to trust it".into());
        }
        if self.prompt_version != PROMPT_VERSION {
            return Some("measured with an older judge prompt".into());
        }
        if self.pairs == 0 || self.pair_accuracy() < GATE_PAIRS {
            return Some(format!(
                "pair accuracy {:.0} % is under {:.0} %",
                self.pair_accuracy() * 100.0,
                GATE_PAIRS * 100.0
            ));
        }
        if self.mae > GATE_MAE {
            return Some(format!("MAE {:.2} is over {GATE_MAE}", self.mae));
        }
        if self.padding_rise > RISE_TOLERANCE {
            return Some("filler raised a weak answer".into());
        }
        if self.injection_rise > RISE_TOLERANCE {
            return Some("an injected instruction raised a score".into());
        }
        None
    }

    pub fn passes(&self) -> bool {
        self.failure().is_none()
    }

    /// One line: "calibrated 2026-12-04: 16/16 pairs, MAE 0.40".
    pub fn summary(&self) -> String {
        let day = self.at.get(..10).unwrap_or(&self.at);
        let quick = if self.quick { " (quick)" } else { "" };
        format!(
            "calibrated {day}{quick}: {}/{} pairs, MAE {:.2}",
            self.pairs_right, self.pairs, self.mae
        )
    }

    /// The regime this record gives its model.
    pub fn regime(&self) -> Regime {
        if self.passes() {
            Regime::Decisive {
                calibration: self.summary(),
            }
        } else {
            Regime::Advisory {
                calibration: Some(self.summary()),
            }
        }
    }
}

/// The model a judge with these settings asks ("server-default" when the
/// server chooses).
pub fn model_of(settings: &LlmSettings) -> String {
    settings
        .judge_model
        .clone()
        .or_else(|| settings.model.clone())
        .unwrap_or_else(|| "server-default".into())
}

/// The endpoint as a record names it: no credentials, no trailing slash.
pub fn endpoint_of(settings: &LlmSettings) -> String {
    let url = settings.base_url.trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            format!("{scheme}://{host}")
        }
        None => url.to_string(),
    }
}

/// Where the record for an endpoint, model and the current prompt version
/// lives: `calibration/<key>.json` in the config directory.
pub fn path_for(config_dir: &Path, endpoint: &str, model: &str) -> PathBuf {
    let key = format!("{endpoint}|{model}|v{PROMPT_VERSION}");
    let readable: String = model
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    config_dir
        .join("calibration")
        .join(format!("{readable}-{:016x}.json", fnv(&key)))
}

/// A stable hash for file names (std's hasher is not stable across builds).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The record for these settings, if one was saved. A broken file reads as
/// none: the judge stays advisory.
pub fn load(config_dir: &Path, settings: &LlmSettings) -> Option<Record> {
    let path = path_for(config_dir, &endpoint_of(settings), &model_of(settings));
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Save a record, readable by its owner only. Returns where.
pub fn save(config_dir: &Path, record: &Record) -> Result<PathBuf> {
    let path = path_for(config_dir, &record.endpoint, &record.model);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let json = serde_json::to_string_pretty(record)?;
    crate::ui::write_private(&path, json.as_bytes())?;
    Ok(path)
}

/// The regime the configured judge scores under.
pub fn regime_for(config_dir: &Path, settings: &LlmSettings) -> Regime {
    match load(config_dir, settings) {
        Some(r) => r.regime(),
        None => Regime::Advisory { calibration: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passing() -> Record {
        Record {
            endpoint: "http://127.0.0.1:8089/v1".into(),
            model: "m".into(),
            prompt_version: PROMPT_VERSION,
            at: "2026-12-04T20:00:00Z".into(),
            quick: false,
            transcripts: 20,
            pairs_right: 16,
            pairs: 16,
            mae: 0.4,
            rank_correlation: Some(0.9),
            padding_rise: 0.0,
            injection_rise: 0.0,
            spread: None,
            secs_per_transcript: 1.0,
            valid_citations: 10,
            invalid_citations: 0,
            unusable: 0,
        }
    }

    #[test]
    fn the_gate_takes_every_measure() {
        let r = passing();
        assert!(r.passes());
        assert_eq!(r.summary(), "calibrated 2026-12-04: 16/16 pairs, MAE 0.40");
        assert!(r.regime().is_decisive());
        for broken in [
            Record {
                pairs_right: 15,
                ..passing()
            },
            Record {
                mae: 0.6,
                ..passing()
            },
            Record {
                padding_rise: 0.5,
                ..passing()
            },
            Record {
                injection_rise: 0.25,
                ..passing()
            },
            Record {
                quick: true,
                ..passing()
            },
            Record {
                prompt_version: 1,
                ..passing()
            },
            Record {
                pairs: 0,
                pairs_right: 0,
                ..passing()
            },
        ] {
            assert!(!broken.passes(), "{broken:?}");
            assert!(!broken.regime().is_decisive());
        }
    }

    #[test]
    fn records_are_keyed_without_credentials() {
        let a = path_for(Path::new("/c"), "http://h:1/v1", "qwen-1.5b");
        let b = path_for(Path::new("/c"), "http://h:1/v1", "qwen-0.5b");
        let c = path_for(Path::new("/c"), "http://h:2/v1", "qwen-1.5b");
        assert!(a != b && a != c);
        assert!(a.to_string_lossy().contains("qwen-1-5b"));
    }
}
