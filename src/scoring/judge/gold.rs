//! The calibration gold set: labelled transcripts compiled into the binary
//! from the parts `tests/data/gold.manifest` lists (see `build.rs`), each
//! with the band its dimensions are expected in. Adding a part is a data
//! change: a directory, a label file, a manifest line.

use std::collections::BTreeMap;

use serde::Deserialize;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/gold.rs"));
}

/// What a transcript is labelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Label {
    Strong,
    Mixed,
    Weak,
    /// Manipulated: it must score as weak whatever it says.
    Adversarial,
    /// A number on the 1–4 scale (the gold format).
    Scored(f64),
}

impl Label {
    /// The overall a correct judge gives it, for pairs and rank order.
    pub fn expected(self) -> f64 {
        match self {
            Label::Strong => 3.5,
            Label::Mixed => 2.5,
            Label::Weak | Label::Adversarial => 1.5,
            Label::Scored(x) => x,
        }
    }
}

/// One labelled transcript.
#[derive(Debug, Clone)]
pub struct Item {
    pub part: String,
    pub file: String,
    pub text: &'static str,
    pub round: String,
    /// Pairs are compared within a group (a scenario, or else the round).
    pub group: String,
    pub label: Label,
    /// Per dimension, the band (low, high) a correct score falls in.
    pub bands: BTreeMap<String, (f64, f64)>,
    /// From a part `--quick` draws on.
    pub quick: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Gold {
        round: String,
        overall: f64,
        dimensions: BTreeMap<String, f64>,
        #[serde(default)]
        scenario: Option<String>,
    },
    Samples {
        round: String,
        scenario: String,
        label: String,
        dimensions: BTreeMap<String, String>,
    },
}

fn band(word: &str) -> Option<(f64, f64)> {
    match word {
        "strong" => Some((3.0, 4.0)),
        "mixed" => Some((2.0, 3.0)),
        "weak" => Some((1.0, 2.0)),
        _ => None,
    }
}

fn item(part: &str, file: &str, text: &'static str, quick: bool, e: Entry) -> Result<Item, String> {
    let bad = |why: String| format!("gold part {part}: {file}: {why}");
    let (round, group, label, bands) = match e {
        Entry::Gold {
            round,
            overall,
            dimensions,
            scenario,
        } => {
            if !(1.0..=4.0).contains(&overall)
                || dimensions.values().any(|v| !(1.0..=4.0).contains(v))
            {
                return Err(bad("scores must be between 1 and 4".into()));
            }
            let bands = dimensions.into_iter().map(|(k, v)| (k, (v, v))).collect();
            (
                round.clone(),
                scenario.unwrap_or(round),
                Label::Scored(overall),
                bands,
            )
        }
        Entry::Samples {
            round,
            scenario,
            label,
            dimensions,
        } => {
            let label = match label.as_str() {
                "strong" => Label::Strong,
                "mixed" => Label::Mixed,
                "weak" => Label::Weak,
                "adversarial" => Label::Adversarial,
                other => return Err(bad(format!("unknown label \"{other}\""))),
            };
            let mut bands = BTreeMap::new();
            for (k, v) in dimensions {
                let b = band(&v).ok_or_else(|| bad(format!("unknown dimension label \"{v}\"")))?;
                bands.insert(k, b);
            }
            (round, scenario, label, bands)
        }
    };
    Ok(Item {
        part: part.into(),
        file: file.into(),
        text,
        round,
        group,
        label,
        bands,
        quick,
    })
}

fn embedded_file(dir: &str, name: &str) -> Option<&'static str> {
    embedded::FILES
        .iter()
        .find(|(d, n, _)| *d == dir && *n == name)
        .map(|(_, _, text)| *text)
}

/// Every labelled transcript of the parts compiled in, in manifest order.
pub fn load() -> Result<Vec<Item>, String> {
    parse(embedded::MANIFEST, &embedded_file)
}

/// The names of the parts compiled in (those whose directory existed).
pub fn parts() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in manifest_lines(embedded::MANIFEST) {
        if embedded::FILES.iter().any(|(d, _, _)| *d == line.dir) {
            out.push(line.name.to_string());
        }
    }
    out
}

struct Line<'a> {
    name: &'a str,
    dir: &'a str,
    labels: Vec<&'a str>,
    quick: bool,
}

fn manifest_lines(manifest: &str) -> impl Iterator<Item = Line<'_>> {
    manifest.lines().filter_map(|l| {
        let l = l.trim();
        if l.is_empty() || l.starts_with('#') {
            return None;
        }
        let mut w = l.split_whitespace();
        let (name, dir, labels) = (w.next()?, w.next()?, w.next()?);
        Some(Line {
            name,
            dir,
            labels: labels.split(',').filter(|s| !s.is_empty()).collect(),
            quick: w.any(|x| x == "quick"),
        })
    })
}

/// Read a manifest against a way to fetch its files; a part whose label
/// files are all absent is skipped (its directory is not there).
fn parse(
    manifest: &str,
    fetch: &dyn Fn(&str, &str) -> Option<&'static str>,
) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for line in manifest_lines(manifest) {
        for label_file in &line.labels {
            let Some(json) = fetch(line.dir, label_file) else {
                continue;
            };
            let entries: BTreeMap<String, Entry> = serde_json::from_str(json).map_err(|e| {
                format!(
                    "gold part {}: {label_file} is not a valid label file ({e})",
                    line.name
                )
            })?;
            for (file, entry) in entries {
                let text = fetch(line.dir, &file).ok_or_else(|| {
                    format!(
                        "gold part {}: {label_file} labels {file}, which is not in {}",
                        line.name, line.dir
                    )
                })?;
                items.push(item(line.name, &file, text, line.quick, entry)?);
            }
        }
    }
    Ok(items)
}

/// Pairs (higher, lower) of items in one group whose expected overall
/// differs by a whole point: a judge must order them.
pub fn pairs(items: &[Item]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, a) in items.iter().enumerate() {
        for (j, b) in items.iter().enumerate() {
            if a.part == b.part
                && a.group == b.group
                && a.label.expected() - b.label.expected() >= 1.0
            {
                out.push((i, j));
            }
        }
    }
    out
}

/// The `--quick` subset: from the quick parts, per round the first group
/// with a strong and a weak transcript (both of them), and the first
/// manipulated transcript.
pub fn quick(items: &[Item]) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut rounds: Vec<&str> = items
        .iter()
        .filter(|i| i.quick)
        .map(|i| i.round.as_str())
        .collect();
    rounds.dedup();
    rounds.sort_unstable();
    rounds.dedup();
    for round in rounds {
        let of_round: Vec<&Item> = items
            .iter()
            .filter(|i| i.quick && i.round == round)
            .collect();
        let pick = of_round.iter().find_map(|s| {
            let weak = of_round.iter().find(|w| {
                w.group == s.group && s.label == Label::Strong && w.label == Label::Weak
            })?;
            Some([(*s).clone(), (*weak).clone()])
        });
        out.extend(pick.into_iter().flatten());
    }
    out.extend(
        items
            .iter()
            .find(|i| i.quick && i.label == Label::Adversarial)
            .cloned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_gold_set_covers_every_round_and_kind() {
        let items = load().unwrap();
        assert!(items.len() >= 36, "{}", items.len());
        for round in ["system-design", "ml-fundamentals", "coding", "behavioral"] {
            assert!(items.iter().any(|i| i.round == round), "{round}");
        }
        for label in [Label::Strong, Label::Weak, Label::Mixed, Label::Adversarial] {
            assert!(items.iter().any(|i| i.label == label), "{label:?}");
        }
        assert!(pairs(&items).len() >= 16);
        let q = quick(&items);
        assert_eq!(
            q.len(),
            9,
            "{:?}",
            q.iter().map(|i| &i.file).collect::<Vec<_>>()
        );
        assert!(!pairs(&q).is_empty());
    }

    #[test]
    fn a_part_in_the_gold_format_is_read_and_an_absent_one_skipped() {
        let manifest = "# comment\nmine  some/dir  gold.json\ngone  not/here  gold.json\n";
        let fetch = |dir: &str, name: &str| -> Option<&'static str> {
            match (dir, name) {
                ("some/dir", "gold.json") => Some(
                    r#"{"a.txt": {"round": "coding", "overall": 4, "dimensions": {"debugging": 4}},
                        "b.txt": {"round": "coding", "overall": 1.5, "dimensions": {"debugging": 1}}}"#,
                ),
                ("some/dir", "a.txt" | "b.txt") => {
                    Some("# Round: coding\n\nInterviewer: Q\n\nCandidate: A.\n")
                }
                _ => None,
            }
        };
        let items = parse(manifest, &fetch).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].label, Label::Scored(4.0));
        assert_eq!(items[1].bands["debugging"], (1.0, 1.0));
        assert_eq!(pairs(&items), vec![(0, 1)]);
        let broken = |dir: &str, name: &str| -> Option<&'static str> {
            (dir == "some/dir" && name == "gold.json")
                .then_some(r#"{"a.txt": {"round": "coding", "overall": 4, "dimensions": {}}}"#)
        };
        let e = parse(manifest, &broken).unwrap_err();
        assert!(e.contains("a.txt") && e.contains("not in some/dir"), "{e}");
    }
}
