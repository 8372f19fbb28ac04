//! The offline scorer against labelled transcripts.
//!
//! `tests/data/samples/` are the labelled examples the project started from;
//! `tests/data/holdout*/` were each written separately, by someone who had
//! not seen the scorer, and measured before being used for tuning. The
//! samples must meet the full bar (strong above its weak twins, strong ≥ 3.0,
//! weak ≤ 2.0, manipulation < 2.5); the held-out sets the pair bar (strong
//! above weak in ≥ 95 % of same-question pairs, above jargon-fluent weak in
//! ≥ 90 %, manipulation < 2.5). Everywhere, every piece of evidence must be
//! a verbatim quote and no honest transcript may carry a manipulation flag.
//!
//! `cargo test --test e2e scoring_quality -- --nocapture` prints the table.

use std::collections::BTreeMap;
use std::path::Path;

use mockround::rounds::Catalog;
use mockround::scoring::evidence::CandidateText;
use mockround::scoring::reader;
use mockround::transcript::import;
use serde::Deserialize;

#[derive(Deserialize, Clone)]
struct Label {
    round: String,
    scenario: String,
    label: String,
    #[serde(default)]
    dimensions: BTreeMap<String, String>,
}

struct Scored {
    file: String,
    label: Label,
    overall: f64,
    dims: BTreeMap<String, Option<u8>>,
    flags: Vec<String>,
}

fn score_dir(dir: &str) -> Vec<Scored> {
    let cat = Catalog::builtin();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut labels: BTreeMap<String, Label> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "json") {
            let m: BTreeMap<String, Label> =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            labels.extend(m);
        }
    }
    let mut out = Vec::new();
    for (file, label) in labels {
        let text = std::fs::read_to_string(dir.join(&file)).unwrap();
        let t = import::parse(&file, &text, None).unwrap();
        let round = cat.get(&t.header.round).unwrap();
        let report = reader::score(round, &t);
        // every quote must verify against the candidate's own turns
        let cand = CandidateText::new(round, &t);
        for d in &report.dimensions {
            for e in &d.evidence {
                assert!(
                    cand.verify(e).is_some(),
                    "{file}: unverifiable evidence {e:?}"
                );
                let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    t.candidate_turns()
                        .any(|c| norm(&c.text).contains(&norm(e))),
                    "{file}: evidence is not a verbatim substring: {e:?}"
                );
            }
        }
        out.push(Scored {
            file,
            label,
            overall: report.overall.unwrap_or(0.0),
            dims: report
                .dimensions
                .iter()
                .map(|d| (d.id.clone(), d.score))
                .collect(),
            flags: report.flags.iter().map(|f| f.to_string()).collect(),
        });
    }
    out
}

struct Quality {
    pairs: usize,
    pairs_ok: usize,
    jargon_pairs: usize,
    jargon_ok: usize,
    strong_low: Vec<String>,
    weak_high: Vec<String>,
    adversarial_high: Vec<String>,
    /// Manipulation flags on transcripts that were not manipulated.
    false_flags: Vec<String>,
    dim_agree: usize,
    dim_total: usize,
}

fn evaluate(name: &str, scored: &[Scored]) -> Quality {
    println!("\n== {name}");
    for s in scored {
        let dims: Vec<String> = s
            .dims
            .iter()
            .map(|(id, v)| {
                let want = s.label.dimensions.get(id).map(|w| &w[..1]).unwrap_or("-");
                format!("{}{}", v.map(|x| x.to_string()).unwrap_or("·".into()), want)
            })
            .collect();
        println!(
            "{:<48} {:<11} {:.2}  {}",
            s.file,
            s.label.label,
            s.overall,
            dims.join(" ")
        );
    }
    let mut q = Quality {
        pairs: 0,
        pairs_ok: 0,
        jargon_pairs: 0,
        jargon_ok: 0,
        strong_low: vec![],
        weak_high: vec![],
        adversarial_high: vec![],
        false_flags: vec![],
        dim_agree: 0,
        dim_total: 0,
    };
    for s in scored {
        match s.label.label.as_str() {
            "strong" if s.overall < 3.0 => {
                q.strong_low.push(format!("{} {:.2}", s.file, s.overall))
            }
            "weak" if s.overall > 2.0 => q.weak_high.push(format!("{} {:.2}", s.file, s.overall)),
            "adversarial" if s.overall >= 2.5 => q
                .adversarial_high
                .push(format!("{} {:.2}", s.file, s.overall)),
            _ => {}
        }
        if s.label.label != "adversarial" && !s.flags.is_empty() {
            q.false_flags
                .push(format!("{} {}", s.file, s.flags.join(",")));
        }
        for (id, want) in &s.label.dimensions {
            if let Some(Some(got)) = s.dims.get(id) {
                q.dim_total += 1;
                if (want == "strong" && *got >= 3) || (want == "weak" && *got <= 2) {
                    q.dim_agree += 1;
                }
            }
        }
    }
    for strong in scored.iter().filter(|s| s.label.label == "strong") {
        for weak in scored.iter().filter(|w| {
            w.label.label == "weak"
                && w.label.scenario == strong.label.scenario
                && w.label.round == strong.label.round
        }) {
            q.pairs += 1;
            let ok = strong.overall > weak.overall;
            if ok {
                q.pairs_ok += 1;
            } else {
                println!(
                    "ORDER  {} {:.2} <= {} {:.2}",
                    strong.file, strong.overall, weak.file, weak.overall
                );
            }
            if weak.file.contains("buzzword") || weak.file.contains("jargon") {
                q.jargon_pairs += 1;
                q.jargon_ok += ok as usize;
            }
        }
    }
    println!(
        "pairs {}/{}  jargon pairs {}/{}  dimensions {}/{}",
        q.pairs_ok, q.pairs, q.jargon_ok, q.jargon_pairs, q.dim_agree, q.dim_total
    );
    for s in &q.strong_low {
        println!("STRONG<3  {s}");
    }
    for s in &q.weak_high {
        println!("WEAK>2    {s}");
    }
    for s in &q.adversarial_high {
        println!("ADV>=2.5  {s}");
    }
    for s in &q.false_flags {
        println!("FLAGGED   {s}");
    }
    q
}

#[test]
fn samples_meet_the_quality_bar() {
    let q = evaluate("samples", &score_dir("tests/data/samples"));
    assert_eq!(
        q.pairs_ok, q.pairs,
        "every strong sample must score above its weak twins"
    );
    assert!(
        q.strong_low.is_empty(),
        "strong samples below 3.0: {:?}",
        q.strong_low
    );
    assert!(
        q.weak_high.is_empty(),
        "weak samples above 2.0: {:?}",
        q.weak_high
    );
    assert!(
        q.adversarial_high.is_empty(),
        "manipulated samples at 2.5+: {:?}",
        q.adversarial_high
    );
    assert!(
        q.false_flags.is_empty(),
        "honest samples flagged as manipulation: {:?}",
        q.false_flags
    );
    assert_dimension_bar("samples", &q, 90);
}

/// Per-dimension agreement with the labels (strong read as 3+, weak as 2 or
/// less): a floor below the figures the sets were measured at (samples
/// 121/126, holdouts 86-94 %), so a scorer change that loses it shows.
fn assert_dimension_bar(dir: &str, q: &Quality, percent: usize) {
    assert!(
        q.dim_agree * 100 >= q.dim_total * percent,
        "{dir}: dimensions agree with the labels in {}/{} (want {percent} %)",
        q.dim_agree,
        q.dim_total
    );
}

/// The pair bar on one held-out set.
fn assert_pair_bar(dir: &str) {
    let q = evaluate(dir, &score_dir(&format!("tests/data/{dir}")));
    assert!(
        q.pairs_ok * 100 >= q.pairs * 95,
        "{dir}: strong above weak in {}/{} pairs",
        q.pairs_ok,
        q.pairs
    );
    assert!(
        q.jargon_ok * 100 >= q.jargon_pairs * 90,
        "{dir}: strong above jargon in {}/{}",
        q.jargon_ok,
        q.jargon_pairs
    );
    assert!(
        q.adversarial_high.is_empty(),
        "{dir}: manipulated transcripts at 2.5+: {:?}",
        q.adversarial_high
    );
    assert!(
        q.false_flags.is_empty(),
        "{dir}: flagged as manipulation but written honestly: {:?}",
        q.false_flags
    );
    assert_dimension_bar(dir, &q, 85);
}

#[test]
fn holdout_meets_the_quality_bar() {
    assert_pair_bar("holdout");
}

#[test]
fn second_holdout_meets_the_quality_bar() {
    assert_pair_bar("holdout2");
}

#[test]
fn third_holdout_meets_the_quality_bar() {
    assert_pair_bar("holdout3");
}

/// Written after the three others were in the suite, with new styles:
/// confident candidates whose numbers are generic norms, informal and
/// non-native strong candidates. First measured at 14 of 15 pairs.
#[test]
fn fourth_holdout_meets_the_quality_bar() {
    assert_pair_bar("holdout4");
}
