//! What a hint costs. `/hint` climbs a ladder per key point (1 a question
//! pointing at the area, 2 the concept named, 3 the key point given), and
//! what the candidate says about that point afterwards was partly given,
//! so the dimension the key point is evidence for can score less.
//!
//! The rule (README.md, "Hints"): each key point of the questions asked
//! earns a share of credit, 1 when it was never hinted, 0.75 after level 1,
//! 0.5 after level 2 and 0 after level 3. A dimension any of whose key
//! points was hinted can score at most 1 + 3 x (its mean credit), rounded
//! down: one point given away (level 3) out of four caps it at 3; a
//! dimension whose only key point in the session was given away, at 1.

use std::collections::BTreeMap;

use crate::rounds::Round;
use crate::transcript::score::DimensionScore;
use crate::transcript::{Role, Transcript, TurnKind};

/// The credit a key point keeps after a hint of this level (0: none).
pub fn credit(level: u8) -> f64 {
    match level {
        0 => 1.0,
        1 => 0.75,
        2 => 0.5,
        _ => 0.0,
    }
}

/// The highest score a dimension can get given the mean credit of its key
/// points in the session.
pub fn cap(mean_credit: f64) -> u8 {
    (1.0 + 3.0 * mean_credit.clamp(0.0, 1.0) + 1e-9).floor() as u8
}

/// Cap each dimension by the hints taken on its key points.
pub fn apply(round: &Round, t: &Transcript, dimensions: &mut [DimensionScore]) {
    // the highest level used per (question, key point); hints recorded
    // before levels existed named the point's what, as level 2 does now
    let mut levels: BTreeMap<(String, String), u8> = BTreeMap::new();
    for turn in t.turns() {
        if turn.role != Role::Interviewer || turn.kind != TurnKind::Hint {
            continue;
        }
        let (Some(q), Some(kp)) = (
            &turn.question_id,
            turn.target.as_ref().and_then(|x| x.key_point()),
        ) else {
            continue;
        };
        let level = turn.hint_level.unwrap_or(2);
        let e = levels.entry((q.clone(), kp.to_string())).or_default();
        *e = (*e).max(level);
    }
    if levels.is_empty() {
        return;
    }
    // per dimension: (sum of credit, key points, hinted at all)
    let mut tally: BTreeMap<&str, (f64, usize, u8)> = BTreeMap::new();
    for qid in t.question_ids() {
        let Some(q) = round.question(&qid) else {
            continue;
        };
        for k in &q.key_points {
            let level = levels
                .get(&(qid.clone(), k.id.clone()))
                .copied()
                .unwrap_or(0);
            let e = tally.entry(k.dimension.as_str()).or_default();
            e.0 += credit(level);
            e.1 += 1;
            e.2 = e.2.max(level);
        }
    }
    for d in dimensions.iter_mut() {
        let Some(&(sum, n, worst)) = tally.get(d.id.as_str()) else {
            continue;
        };
        let most = cap(sum / n as f64);
        if worst == 0 || d.score.is_none_or(|s| s <= most) {
            continue;
        }
        d.score = Some(most);
        d.capped = true;
        d.rationale = format!(
            "capped at {most}: a hint (level {worst}) gave away part of it; {}",
            d.rationale
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rounds::Catalog;
    use crate::transcript::{Backend, Event, Header, Target, Turn, FORMAT_VERSION};

    #[test]
    fn credit_drops_with_the_level() {
        assert!(credit(0) > credit(1) && credit(1) > credit(2) && credit(2) > credit(3));
        assert_eq!(cap(1.0), 4);
        // one of four key points given away
        assert_eq!(cap(0.75), 3);
        // the only key point of the dimension, at each level
        assert_eq!(cap(credit(1)), 3);
        assert_eq!(cap(credit(2)), 2);
        assert_eq!(cap(credit(3)), 1);
    }

    fn transcript(round: &Round, level: Option<u8>) -> (Transcript, String) {
        let q = &round.questions[0];
        let kp = &q.key_points[0];
        let mut events = vec![Event::Turn(Turn::new(
            Role::Interviewer,
            TurnKind::Question,
            Some(&q.id),
            &q.text,
        ))];
        if let Some(l) = level {
            let mut hint = Turn::new(Role::Interviewer, TurnKind::Hint, Some(&q.id), "a hint");
            hint.target = Some(Target::KeyPoint(kp.id.clone()));
            hint.hint_level = Some(l);
            events.push(Event::Turn(hint));
        }
        let header = Header {
            format: FORMAT_VERSION,
            id: "t".into(),
            round: round.id.clone(),
            level: "mid".into(),
            started_at: jiff::Timestamp::now(),
            backend: Backend::offline(),
            seed: None,
            minutes: None,
            questions: None,
            rubric_version: None,
            title: None,
        };
        (Transcript { header, events }, kp.dimension.clone())
    }

    fn scored(round: &Round, dim: &str) -> Vec<DimensionScore> {
        round
            .dimensions
            .iter()
            .map(|d| DimensionScore {
                id: d.id.clone(),
                score: Some(if d.id == dim { 4 } else { 3 }),
                rationale: "r".into(),
                evidence: Vec::new(),
                insufficient_evidence: false,
                capped: false,
                spread: None,
            })
            .collect()
    }

    #[test]
    fn a_hint_caps_only_its_dimension_and_more_for_a_higher_level() {
        let cat = Catalog::builtin();
        let round = cat.get("system-design").unwrap();
        let mut caps = Vec::new();
        for level in [None, Some(1), Some(2), Some(3)] {
            let (t, dim) = transcript(round, level);
            let mut dims = scored(round, &dim);
            apply(round, &t, &mut dims);
            let d = dims.iter().find(|d| d.id == dim).unwrap();
            caps.push(d.score.unwrap());
            // the other dimensions are untouched
            assert!(dims
                .iter()
                .filter(|d| d.id != dim)
                .all(|d| d.score == Some(3) && !d.capped));
        }
        assert_eq!(caps[0], 4, "no hint, no cap");
        assert!(
            caps[1] >= caps[2] && caps[2] >= caps[3] && caps[3] < 4,
            "{caps:?}"
        );
    }
}
