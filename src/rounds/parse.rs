//! Reading one round file: the raw TOML shape, then each section
//! (metadata, dimensions, checklist, questions) validated in turn, so an
//! error names the file, the line and the field.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{
    ChecklistItem, Dimension, KeyPoint, Misconception, Question, Round, RoundFileError, Scope,
    Signal, Track, LEVELS, MIN_KEY_POINTS, MIN_QUESTIONS,
};
use crate::text::Cue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRound {
    id: Spanned<String>,
    name: String,
    #[serde(default = "one")]
    version: u32,
    tests: String,
    failure_mode: String,
    minutes: Spanned<u32>,
    follow_ups: Spanned<u32>,
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
    #[serde(default)]
    misconception: Vec<RawMisconception>,
    #[serde(default)]
    track: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMisconception {
    id: Spanned<String>,
    claim: String,
    correction: String,
    #[serde(default)]
    contradicts: Option<Spanned<String>>,
    cues: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyPoint {
    id: Spanned<String>,
    point: String,
    cues: Spanned<Vec<String>>,
    probe: Spanned<String>,
    #[serde(default)]
    concept: Option<String>,
    #[serde(default)]
    synonyms: Vec<String>,
    #[serde(default)]
    dimension: Option<Spanned<String>>,
}

/// Where errors point: the file's name and its text (for line numbers).
struct Source<'a> {
    file: &'a str,
    src: &'a str,
}

impl Source<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.src[..offset.min(self.src.len())].matches('\n').count() + 1
    }

    fn err(&self, span: Range<usize>, field: impl Into<String>, message: &str) -> RoundFileError {
        RoundFileError {
            file: self.file.into(),
            line: self.line_of(span.start),
            field: field.into(),
            message: message.into(),
        }
    }

    /// A TOML syntax or shape error, with the table path of its line.
    fn toml_error(&self, e: toml::de::Error) -> RoundFileError {
        let line = e.span().map(|s| self.line_of(s.start)).unwrap_or(1);
        let msg = e.message().trim().to_string();
        let key = msg.split('`').nth(1).unwrap_or("");
        let table = table_path_at(self.src, line);
        let field = match (table.is_empty(), key.is_empty()) {
            (true, true) => "toml".to_string(),
            (true, false) => key.to_string(),
            (false, true) => table,
            (false, false) => format!("{table}.{key}"),
        };
        RoundFileError {
            file: self.file.into(),
            line,
            field,
            message: msg,
        }
    }
}

fn id_ok(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Parse and validate one round file. `file` names it in errors.
pub fn parse(file: &str, src: &str) -> Result<Round, RoundFileError> {
    let at = Source { file, src };
    let raw: RawRound = toml::from_str(src).map_err(|e| at.toml_error(e))?;
    check_metadata(&at, &raw)?;
    let dimensions = dimensions(&at, &raw)?;
    let checklist = checklist(&at, raw.checklist)?;
    let questions = questions(&at, raw.question, *raw.minutes.get_ref(), &dimensions)?;
    Ok(Round {
        id: raw.id.into_inner(),
        name: raw.name,
        version: raw.version,
        tests: raw.tests,
        failure_mode: raw.failure_mode,
        minutes: raw.minutes.into_inner(),
        follow_ups: raw.follow_ups.into_inner(),
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

fn check_metadata(at: &Source, raw: &RawRound) -> Result<(), RoundFileError> {
    if !id_ok(raw.id.get_ref()) {
        return Err(at.err(
            raw.id.span(),
            "id",
            "must be lowercase letters, digits, '-' or '_'",
        ));
    }
    let expected = Path::new(at.file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if !expected.is_empty() && expected != raw.id.get_ref() {
        return Err(at.err(
            raw.id.span(),
            "id",
            &format!(
                "is \"{}\" but the file is named {expected}.toml; they must match",
                raw.id.get_ref()
            ),
        ));
    }
    let minutes = *raw.minutes.get_ref();
    if minutes == 0 || minutes > 240 {
        return Err(at.err(raw.minutes.span(), "minutes", "must be between 1 and 240"));
    }
    if *raw.follow_ups.get_ref() > 6 {
        return Err(at.err(raw.follow_ups.span(), "follow_ups", "must be at most 6"));
    }
    if raw.dimension.len() < 2 {
        return Err(at.err(
            raw.id.span(),
            "dimension",
            "a round needs at least 2 [[dimension]] tables",
        ));
    }
    Ok(())
}

fn dimensions(at: &Source, raw: &RawRound) -> Result<Vec<Dimension>, RoundFileError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, d) in raw.dimension.iter().enumerate() {
        let field = format!("dimension[{i}]");
        if !id_ok(d.id.get_ref()) || !seen.insert(d.id.get_ref().clone()) {
            return Err(at.err(
                d.id.span(),
                format!("{field}.id"),
                "must be a unique lowercase id",
            ));
        }
        for (name, value) in [("name", &d.name), ("weak", &d.weak), ("strong", &d.strong)] {
            if value.trim().is_empty() {
                return Err(at.err(d.id.span(), format!("{field}.{name}"), "must not be empty"));
            }
        }
        out.push(Dimension {
            id: d.id.get_ref().clone(),
            name: d.name.clone(),
            weak: d.weak.clone(),
            strong: d.strong.clone(),
            practice: d.practice.clone(),
            focus: compile(&d.focus),
            strong_cues: compile(&d.strong_cues),
            weak_cues: compile(&d.weak_cues),
            strong_signals: signals(at, &field, "strong_signals", &d.strong_signals)?,
            weak_signals: signals(at, &field, "weak_signals", &d.weak_signals)?,
            scope: scope(at, &field, d)?,
        });
    }
    Ok(out)
}

fn signals(
    at: &Source,
    field: &str,
    name: &str,
    list: &Option<Spanned<Vec<String>>>,
) -> Result<Vec<Signal>, RoundFileError> {
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    list.get_ref()
        .iter()
        .map(|s| {
            Signal::from_name(s).ok_or_else(|| {
                let known: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
                at.err(
                    list.span(),
                    format!("{field}.{name}"),
                    &format!("unknown signal \"{s}\" (known: {})", known.join(", ")),
                )
            })
        })
        .collect()
}

fn scope(at: &Source, field: &str, d: &RawDimension) -> Result<Scope, RoundFileError> {
    match d.scope.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("all") => Ok(Scope::All),
        Some("follow_ups") => Ok(Scope::FollowUps),
        Some(other) => {
            let span = d.scope.as_ref().map(|s| s.span()).unwrap_or(d.id.span());
            Err(at.err(
                span,
                format!("{field}.scope"),
                &format!("unknown scope \"{other}\" (use \"all\" or \"follow_ups\")"),
            ))
        }
    }
}

fn checklist(at: &Source, raw: Vec<RawChecklist>) -> Result<Vec<ChecklistItem>, RoundFileError> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, c) in raw.into_iter().enumerate() {
        if !id_ok(c.id.get_ref()) || !seen.insert(c.id.get_ref().clone()) {
            return Err(at.err(
                c.id.span(),
                format!("checklist[{i}].id"),
                "must be a unique lowercase id",
            ));
        }
        if c.text.trim().is_empty() {
            return Err(at.err(
                c.id.span(),
                format!("checklist[{i}].text"),
                "must not be empty",
            ));
        }
        out.push(ChecklistItem {
            id: c.id.into_inner(),
            text: c.text,
            cues: compile(&c.cues),
        });
    }
    Ok(out)
}

fn questions(
    at: &Source,
    raw: Vec<RawQuestion>,
    round_minutes: u32,
    dimensions: &[Dimension],
) -> Result<Vec<Question>, RoundFileError> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (qi, q) in raw.into_iter().enumerate() {
        let field = format!("question[{qi}]");
        if !id_ok(q.id.get_ref()) || !seen.insert(q.id.get_ref().clone()) {
            return Err(at.err(
                q.id.span(),
                format!("{field}.id"),
                "must be a unique lowercase id",
            ));
        }
        check_question(at, &field, &q, round_minutes)?;
        let key_points = key_points(at, &field, q.key_point, dimensions)?;
        let misconceptions = misconceptions(at, &field, q.misconception, &key_points)?;
        let track = match &q.track {
            None => None,
            Some(t) => Some(Track::from_name(t.get_ref()).ok_or_else(|| {
                at.err(
                    t.span(),
                    format!("{field}.track"),
                    &format!(
                        "unknown track \"{}\" (use leetcode, ml-implementation or ml-debugging)",
                        t.get_ref()
                    ),
                )
            })?),
        };
        out.push(Question {
            id: q.id.into_inner(),
            title: q.title,
            text: reflow(q.text.trim()),
            levels: q.levels.into_inner(),
            topic: q.topic,
            minutes: q.minutes,
            key_points,
            follow_ups: q.follow_ups,
            misconceptions,
            track,
        });
    }
    if out.len() < MIN_QUESTIONS {
        return Err(RoundFileError {
            file: at.file.into(),
            line: at.line_of(at.src.len()),
            field: "question".into(),
            message: format!(
                "has {} questions; a round needs at least {MIN_QUESTIONS}",
                out.len()
            ),
        });
    }
    Ok(out)
}

fn check_question(
    at: &Source,
    field: &str,
    q: &RawQuestion,
    round_minutes: u32,
) -> Result<(), RoundFileError> {
    if q.text.trim().is_empty() || q.title.trim().is_empty() {
        return Err(at.err(
            q.id.span(),
            format!("{field}.text"),
            "title and text must not be empty",
        ));
    }
    if q.levels.get_ref().is_empty() {
        return Err(at.err(
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
        return Err(at.err(
            q.levels.span(),
            format!("{field}.levels"),
            &format!("unknown level \"{bad}\" (use {})", LEVELS.join(", ")),
        ));
    }
    if q.minutes == 0 || q.minutes > round_minutes.max(1) * 2 {
        return Err(at.err(
            q.id.span(),
            format!("{field}.minutes"),
            "must be at least 1 and not longer than the round",
        ));
    }
    if q.key_point.len() < MIN_KEY_POINTS {
        return Err(at.err(
            q.id.span(),
            format!("{field}.key_point"),
            &format!("needs at least {MIN_KEY_POINTS} [[question.key_point]] tables"),
        ));
    }
    if q.follow_ups.iter().all(|f| f.trim().is_empty()) {
        return Err(at.err(
            q.id.span(),
            format!("{field}.follow_ups"),
            "needs at least one pressure follow-up",
        ));
    }
    Ok(())
}

fn misconceptions(
    at: &Source,
    field: &str,
    raw: Vec<RawMisconception>,
    key_points: &[KeyPoint],
) -> Result<Vec<Misconception>, RoundFileError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, m) in raw.into_iter().enumerate() {
        let mfield = format!("{field}.misconception[{i}]");
        if !id_ok(m.id.get_ref()) || !seen.insert(m.id.get_ref().clone()) {
            return Err(at.err(
                m.id.span(),
                format!("{mfield}.id"),
                "must be a unique lowercase id",
            ));
        }
        for (name, value) in [("claim", &m.claim), ("correction", &m.correction)] {
            if value.trim().is_empty() {
                return Err(at.err(m.id.span(), format!("{mfield}.{name}"), "must not be empty"));
            }
        }
        if let Some(k) = &m.contradicts {
            if !key_points.iter().any(|p| &p.id == k.get_ref()) {
                return Err(at.err(
                    k.span(),
                    format!("{mfield}.contradicts"),
                    &format!("\"{}\" is not a key point of this question", k.get_ref()),
                ));
            }
        }
        let cues = compile(m.cues.get_ref());
        if cues.is_empty() {
            return Err(at.err(
                m.cues.span(),
                format!("{mfield}.cues"),
                "must list at least one cue",
            ));
        }
        out.push(Misconception {
            id: m.id.into_inner(),
            claim: m.claim,
            correction: m.correction,
            contradicts: m.contradicts.map(Spanned::into_inner),
            cue_specs: m.cues.get_ref().clone(),
            cues,
        });
    }
    Ok(out)
}

fn key_points(
    at: &Source,
    field: &str,
    raw: Vec<RawKeyPoint>,
    dimensions: &[Dimension],
) -> Result<Vec<KeyPoint>, RoundFileError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (ki, k) in raw.into_iter().enumerate() {
        let kfield = format!("{field}.key_point[{ki}]");
        if !id_ok(k.id.get_ref()) || !seen.insert(k.id.get_ref().clone()) {
            return Err(at.err(
                k.id.span(),
                format!("{kfield}.id"),
                "must be a unique lowercase id",
            ));
        }
        let cues = compile(k.cues.get_ref());
        if cues.is_empty() {
            return Err(at.err(
                k.cues.span(),
                format!("{kfield}.cues"),
                "must list at least one cue",
            ));
        }
        let probe = k.probe.get_ref().trim();
        if probe.is_empty() {
            return Err(at.err(
                k.probe.span(),
                format!("{kfield}.probe"),
                "must not be empty",
            ));
        }
        if !probe.contains('?') {
            return Err(at.err(
                k.probe.span(),
                format!("{kfield}.probe"),
                "must be a question (end with '?')",
            ));
        }
        if k.synonyms.iter().any(|s| Cue::new(s).is_empty()) {
            return Err(at.err(
                k.id.span(),
                format!("{kfield}.synonyms"),
                "a synonym must have at least one word",
            ));
        }
        let dimension = match &k.dimension {
            Some(d) if dimensions.iter().any(|x| &x.id == d.get_ref()) => d.get_ref().clone(),
            Some(d) => {
                return Err(at.err(
                    d.span(),
                    format!("{kfield}.dimension"),
                    &format!("\"{}\" is not a dimension of this round", d.get_ref()),
                ))
            }
            None => nearest_dimension(dimensions, &k.point, k.probe.get_ref()),
        };
        let concept = k
            .concept
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| k.id.get_ref().replace(['-', '_'], " "));
        out.push(KeyPoint {
            id: k.id.into_inner(),
            point: k.point,
            cue_specs: k.cues.get_ref().clone(),
            cues,
            probe: k.probe.into_inner(),
            concept,
            synonyms: k.synonyms,
            dimension,
        });
    }
    Ok(out)
}

/// The dimension a key point is most about: the one whose focus and
/// strong-column cues meet its text most often (ties go to the earlier
/// dimension, the rubric's own order).
fn nearest_dimension(dimensions: &[Dimension], point: &str, probe: &str) -> String {
    let sentences: Vec<crate::text::Tokens> = crate::text::sentences(&format!("{point} {probe}"))
        .iter()
        .map(|s| crate::text::Tokens::new(s.text))
        .collect();
    let best = dimensions
        .iter()
        .enumerate()
        .max_by_key(|(i, d)| {
            let hits = d
                .focus
                .iter()
                .chain(&d.strong_cues)
                .filter(|c| sentences.iter().any(|t| c.matches(t)))
                .count();
            (hits, std::cmp::Reverse(*i))
        })
        .map(|(_, d)| d.id.clone());
    best.unwrap_or_default()
}

/// Join hard-wrapped lines of a question into paragraphs, so it wraps to the
/// terminal and reads as one turn in transcripts. Blank lines, list items
/// and fenced code keep their line breaks.
pub(super) fn reflow(text: &str) -> String {
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
