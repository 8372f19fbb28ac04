//! What the runs of the candidate's code say about the score (`/run`, the
//! transcript's `run` events). A run is the one signal no reading of the
//! answers can fake, so it bounds the score of the dimension it is evidence
//! for, and the rationale cites the run event (its time and what it found).
//!
//! Per question, the last run is where the code ended up:
//! - every case that ran passed, an edge case among them: the strong
//!   column of the question's track dimension (`ml_implementation` for the
//!   ML track, `leetcode_readiness` for the LeetCode one), which then
//!   scores at least 3;
//! - a case failed or errored, or the code did not load: its weak column,
//!   at most 2;
//! - every case skipped (numpy missing): nothing, it was not checked.
//!
//! When a dimension's questions disagree (one passes, one fails) the runs
//! are cited and the score is left alone. A later run that passes cases an
//! earlier one of the same question failed is a fix: the strong column of
//! `debugging`, at least 3. A cap already on a dimension (manipulation,
//! too little said, a hint) is never lifted. Sessions without a run score
//! as before. Applying it twice changes nothing (the judge applies it to
//! dimensions that may be the offline reader's, already bounded).

use std::collections::BTreeMap;

use crate::rounds::{Round, Track};
use crate::runner::{CaseKind, Status, Verdict};
use crate::transcript::score::DimensionScore;
use crate::transcript::{RunEvent, Transcript};

/// The dimension a fix after a failing run is evidence for.
const DEBUGGING: &str = "debugging";

/// Which column a run supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Strong,
    Weak,
}

/// One run cited for one dimension.
#[derive(Debug, Clone, PartialEq)]
struct Cited {
    column: Column,
    /// "the run at 2027-03-01 10:04:30 UTC: code-…: passed all 9 cases, …".
    text: String,
}

/// Bound each dimension by what the runs of its questions showed, and cite them.
pub fn apply(round: &Round, t: &Transcript, dimensions: &mut [DimensionScore]) {
    let cited = cite(round, t);
    for d in dimensions.iter_mut() {
        if let Some(runs) = cited.get(d.id.as_str()) {
            bound(d, runs);
        }
    }
}

/// The runs cited per dimension id.
fn cite<'r>(round: &'r Round, t: &Transcript) -> BTreeMap<&'r str, Vec<Cited>> {
    let mut by_question: BTreeMap<&str, Vec<&RunEvent>> = BTreeMap::new();
    for run in t.runs() {
        by_question
            .entry(run.question_id.as_str())
            .or_default()
            .push(run);
    }
    let mut out: BTreeMap<&str, Vec<Cited>> = BTreeMap::new();
    for (qid, runs) in by_question {
        let Some(q) = round.question(qid) else {
            continue;
        };
        let last = runs[runs.len() - 1];
        let dimension = q.track.and_then(|t| track_dimension(round, t));
        if let (Some(dim), Some(column)) = (dimension, column(last)) {
            out.entry(dim).or_default().push(Cited {
                column,
                text: format!("{}: {}", when(last), last.evidence()),
            });
        }
        if let Some(fix) = fix(&runs).filter(|_| has(round, DEBUGGING)) {
            out.entry(DEBUGGING).or_default().push(fix);
        }
    }
    out
}

/// The dimension a question's track is evidence for, if the round has it.
fn track_dimension(round: &Round, track: Track) -> Option<&str> {
    let id = match track {
        Track::Leetcode => "leetcode_readiness",
        Track::MlImplementation => "ml_implementation",
        Track::MlDebugging => DEBUGGING,
    };
    round
        .dimensions
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.id.as_str())
}

fn has(round: &Round, id: &str) -> bool {
    round.dimensions.iter().any(|d| d.id == id)
}

/// What a run supports: passing with an edge case among the passed is the
/// strong column; a pass without one says too little to cite.
fn column(run: &RunEvent) -> Option<Column> {
    match run.verdict() {
        Verdict::Passed if !run.names(CaseKind::Edge, Status::Passed).is_empty() => {
            Some(Column::Strong)
        }
        Verdict::Passed | Verdict::Skipped => None,
        Verdict::Failed | Verdict::DidNotLoad => Some(Column::Weak),
    }
}

/// The last fix among a question's runs: the cases a run passes that the
/// run before it did not.
fn fix(runs: &[&RunEvent]) -> Option<Cited> {
    runs.windows(2).rev().find_map(|pair| {
        let fixed = pair[1].fixed_since(pair[0]);
        (!fixed.is_empty()).then(|| Cited {
            column: Column::Strong,
            text: format!(
                "{}: {} fixed {} that {} failed",
                pair[1].question_id,
                when(pair[1]),
                names(&fixed),
                when(pair[0]),
            ),
        })
    })
}

/// Case names, the first few: a rationale is read, not scanned.
fn names(cases: &[&str]) -> String {
    const SHOWN: usize = 3;
    match cases.len() {
        n if n > SHOWN => format!("{} and {} more", cases[..SHOWN].join(", "), n - SHOWN),
        _ => cases.join(", "),
    }
}

/// How a run's time is written: to the millisecond, as two runs a
/// second apart are told apart.
pub const CITED_AT: &str = "%Y-%m-%d %H:%M:%S%.3f UTC";

/// How a run is named: by its event's time.
fn when(run: &RunEvent) -> String {
    format!("the run at {}", run.at.strftime(CITED_AT))
}

/// Raise to 3 when every cited run supports the strong column, cap at 2
/// when every one supports the weak column; cite them either way.
fn bound(d: &mut DimensionScore, runs: &[Cited]) {
    let all = |c: Column| runs.iter().all(|r| r.column == c);
    let cited = runs
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    // already bounded: the judge starts from the offline reading, or keeps it
    if d.rationale.contains(&cited) {
        return;
    }
    let lead = if all(Column::Strong) && !d.capped && d.score.is_none_or(|s| s < 3) {
        d.score = Some(3);
        d.insufficient_evidence = false;
        "raised to 3 by the runs of the code"
    } else if all(Column::Weak) && d.score.is_none_or(|s| s > 2) {
        d.score = Some(2);
        d.insufficient_evidence = false;
        d.capped = true;
        "capped at 2 by the runs of the code"
    } else {
        "the code's runs"
    };
    d.rationale = if d.rationale.is_empty() {
        format!("{lead} ({cited})")
    } else {
        format!("{lead} ({cited}); {}", d.rationale)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::Catalog;
    use crate::transcript::{Backend, Event, Header, FORMAT_VERSION};

    const ATTENTION: &str = "code-attention-numpy";

    fn run(at: &str, cases: &[(&str, &str, &str)]) -> RunEvent {
        let cases: Vec<String> = cases
            .iter()
            .map(|(name, kind, status)| {
                format!(r#"{{"name":"{name}","kind":"{kind}","status":"{status}","ms":1.0,"message":"m"}}"#)
            })
            .collect();
        serde_json::from_str(&format!(
            r#"{{"at":"{at}","question_id":"{ATTENTION}","cases":[{}]}}"#,
            cases.join(",")
        ))
        .unwrap()
    }

    fn transcript(runs: Vec<RunEvent>) -> Transcript {
        let header = Header {
            format: FORMAT_VERSION,
            id: "t".into(),
            round: "coding".into(),
            level: "mid".into(),
            started_at: "2027-03-01T10:00:00Z".parse().unwrap(),
            backend: Backend::offline(),
            seed: None,
            minutes: None,
            questions: None,
            rubric_version: None,
            title: None,
        };
        Transcript {
            header,
            events: runs.into_iter().map(Event::Run).collect(),
        }
    }

    fn dims(round: &Round, score: Option<u8>) -> Vec<DimensionScore> {
        round
            .dimensions
            .iter()
            .map(|d| DimensionScore {
                id: d.id.clone(),
                score,
                rationale: "read from the answers".into(),
                evidence: Vec::new(),
                insufficient_evidence: score.is_none(),
                capped: false,
                spread: None,
            })
            .collect()
    }

    fn get<'a>(d: &'a [DimensionScore], id: &str) -> &'a DimensionScore {
        d.iter().find(|x| x.id == id).unwrap()
    }

    const FAILING: &[(&str, &str, &str)] = &[
        ("random_inputs", "happy", "passed"),
        ("scaled_by_sqrt_dk", "edge", "failed"),
    ];
    const PASSING: &[(&str, &str, &str)] = &[
        ("random_inputs", "happy", "passed"),
        ("scaled_by_sqrt_dk", "edge", "passed"),
    ];

    #[test]
    fn a_failing_last_run_caps_the_track_dimension_and_is_cited() {
        let cat = Catalog::builtin();
        let round = cat.get("coding").unwrap();
        let t = transcript(vec![run("2027-03-01T10:04:30Z", FAILING)]);
        let mut d = dims(round, Some(4));
        apply(round, &t, &mut d);
        let ml = get(&d, "ml_implementation");
        assert_eq!(ml.score, Some(2));
        assert!(ml.capped);
        assert!(
            ml.rationale.starts_with("capped at 2 by the runs of the code (the run at 2027-03-01 10:04:30.000 UTC: code-attention-numpy: 1 of 2 cases passed; failed scaled_by_sqrt_dk"),
            "{}",
            ml.rationale
        );
        // the other dimensions are not about this run
        assert_eq!(get(&d, "leetcode_readiness").score, Some(4));
        assert_eq!(get(&d, "debugging").score, Some(4));
    }

    #[test]
    fn a_fix_raises_the_track_and_debugging_and_cites_both_runs() {
        let cat = Catalog::builtin();
        let round = cat.get("coding").unwrap();
        let t = transcript(vec![
            run("2027-03-01T10:04:30Z", FAILING),
            run("2027-03-01T10:06:00Z", PASSING),
        ]);
        let mut d = dims(round, None);
        apply(round, &t, &mut d);
        let ml = get(&d, "ml_implementation");
        assert_eq!(ml.score, Some(3));
        assert!(!ml.insufficient_evidence);
        assert!(
            ml.rationale.contains(
                "the run at 2027-03-01 10:06:00.000 UTC: code-attention-numpy: passed all 2 cases, edge cases included (scaled_by_sqrt_dk)"
            ),
            "{}",
            ml.rationale
        );
        let dbg = get(&d, "debugging");
        assert_eq!(dbg.score, Some(3));
        assert!(
            dbg.rationale.contains("code-attention-numpy: the run at 2027-03-01 10:06:00.000 UTC fixed scaled_by_sqrt_dk that the run at 2027-03-01 10:04:30.000 UTC failed"),
            "{}",
            dbg.rationale
        );
        assert_eq!(get(&d, "leetcode_readiness").score, None);
        // the judge applies it again to what may be the offline reading
        let once = d.clone();
        apply(round, &t, &mut d);
        assert_eq!(d, once);
    }

    #[test]
    fn caps_hold_skips_say_nothing_and_no_runs_change_nothing() {
        let cat = Catalog::builtin();
        let round = cat.get("coding").unwrap();
        let mut d = dims(round, Some(2));
        for x in d.iter_mut() {
            x.capped = true;
        }
        apply(
            round,
            &transcript(vec![run("2027-03-01T10:06:00Z", PASSING)]),
            &mut d,
        );
        assert_eq!(
            get(&d, "ml_implementation").score,
            Some(2),
            "a cap is not lifted"
        );
        assert!(get(&d, "ml_implementation")
            .rationale
            .contains("the code's runs"));

        let skipped = &[("random_inputs", "happy", "skipped")];
        let before = dims(round, Some(4));
        let mut d = before.clone();
        apply(
            round,
            &transcript(vec![run("2027-03-01T10:06:00Z", skipped)]),
            &mut d,
        );
        assert_eq!(d, before);
        apply(round, &transcript(Vec::new()), &mut d);
        assert_eq!(d, before);
    }
}
