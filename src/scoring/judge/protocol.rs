//! What the judge asks and how it reads the answers: the JSON schemas, the
//! transcript as the model sees it (candidate sentences numbered `[S1]`..),
//! the prompt templates, and replies repaired field by field.
//!
//! The model cites sentence ids, not quotes: code maps each id back to the
//! exact sentence, so evidence is verbatim by construction and a small
//! model's paraphrase costs nothing. Ids that do not exist are counted.

use serde_json::{json, Value};

use super::JudgeRequest;
use crate::rounds::{Dimension, Round};
use crate::scoring::evidence::CandidateText;
use crate::text;
use crate::transcript::{Role, Transcript};

/// One citation as the model gave it: the sentence id as written (`S3`,
/// `[S3]`, `3`), and a note when it added one.
#[derive(Debug, Clone, PartialEq)]
pub struct Cite {
    pub id: String,
    pub why: String,
}

/// What the model said about one dimension, after repair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finding {
    pub strong: Vec<Cite>,
    pub weak: Vec<Cite>,
    pub score: Option<u8>,
}

/// Why a reply could not be used at all.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError(pub String);

/// The JSON schema for one dimension's finding: up to three sentence ids
/// per column (short to generate: a small model spends its time on tokens
/// out), with or without the model's own number.
pub fn dimension_schema(with_score: bool) -> Value {
    let ids = json!({
        "type": "array",
        "maxItems": 3,
        "items": {"type": "string", "pattern": "^S[0-9]{1,4}$"}
    });
    let mut schema = json!({
        "type": "object",
        "properties": {"strong": ids.clone(), "weak": ids},
        "required": ["strong", "weak"],
        "additionalProperties": false
    });
    if with_score {
        schema["properties"]["score"] = json!({"type": "integer", "minimum": 1, "maximum": 4});
        schema["required"] = json!(["strong", "weak", "score"]);
    }
    schema
}

/// The JSON schema for all dimensions at once.
pub fn round_schema(round: &Round) -> Value {
    let mut props = serde_json::Map::new();
    for d in &round.dimensions {
        props.insert(d.id.clone(), dimension_schema(true));
    }
    let ids: Vec<&str> = round.dimensions.iter().map(|d| d.id.as_str()).collect();
    json!({"type": "object", "properties": props, "required": ids, "additionalProperties": false})
}

/// The transcript as the model sees it, and the sentence behind each id.
#[derive(Debug, Clone, Default)]
pub struct Numbered {
    pub text: String,
    /// `sentences[n - 1]` is the verbatim (whitespace-squashed) sentence `Sn`.
    pub sentences: Vec<String>,
}

impl Numbered {
    /// The sentence a citation points at, if it exists.
    pub fn sentence(&self, id: &str) -> Option<&str> {
        let n: usize = id
            .trim()
            .trim_matches(['[', ']'])
            .trim_start_matches(['S', 's'])
            .parse()
            .ok()?;
        n.checked_sub(1)
            .and_then(|i| self.sentences.get(i))
            .map(String::as_str)
    }
}

/// What replaces a span the screen flagged: the model never reads it.
pub const MASK: &str = "[removed: text addressed to the scorer]";

/// Longest a sentence is shown to the model (a pasted code block is one
/// "sentence"); its id still cites the whole of it.
const SHOWN_SENTENCE: usize = 600;

/// The transcript as the model sees it: the sanitised candidate text
/// (hidden characters removed, every sentence a sure steering finding
/// touches replaced by [`MASK`]) split into numbered sentences,
/// interviewer turns unnumbered (they cannot be cited), cut to about
/// `max_chars`.
pub fn number_transcript(t: &Transcript, cand: &CandidateText, max_chars: usize) -> Numbered {
    let mut turns: Vec<(Role, Vec<Piece>)> = Vec::new();
    let mut sentences = Vec::new();
    let mut answer = 0;
    for turn in t.turns() {
        match turn.role {
            // an interviewer turn is not cited, but hidden characters in it
            // (an imported file) must not reach the model either
            Role::Interviewer => turns.push((
                Role::Interviewer,
                vec![Piece::Plain(text::squash_ws(
                    &crate::scoring::sanitize(&turn.text).text,
                ))],
            )),
            Role::Candidate if !turn.skipped => {
                let screen = cand.answers.get(answer).map(|a| &a.screen);
                answer += 1;
                let Some(screen) = screen else { continue };
                let mut pieces = Vec::new();
                for s in text::sentences(&screen.text) {
                    // what the offline reader does not read, the model does not see
                    if screen.is_tainted(s.start, s.start + s.text.len()) {
                        if !matches!(pieces.last(), Some(Piece::Plain(_))) {
                            pieces.push(Piece::Plain(MASK.into()));
                        }
                        continue;
                    }
                    sentences.push(text::squash_ws(s.text));
                    pieces.push(Piece::Cited(sentences.len()));
                }
                turns.push((Role::Candidate, pieces));
            }
            Role::Candidate => {}
        }
    }
    let shown = |p: &Piece| match p {
        Piece::Plain(s) => s.len(),
        Piece::Cited(n) => sentences[n - 1].len().min(SHOWN_SENTENCE),
    };
    // Share the budget: interviewer turns are cut harder than answers.
    let total: usize = turns.iter().flat_map(|(_, p)| p).map(shown).sum();
    let ratio = (max_chars as f64 / total.max(1) as f64).min(1.0);
    let mut out = String::new();
    for (role, pieces) in &turns {
        let (who, factor, floor) = match role {
            Role::Interviewer => ("Interviewer", 0.8, 160),
            Role::Candidate => ("Candidate", 1.1, 80),
        };
        let keep = |len: usize| ((len as f64 * ratio * factor) as usize).max(floor);
        let body: Vec<String> = pieces
            .iter()
            .map(|p| match p {
                Piece::Plain(s) if ratio < 1.0 => text::ellipsize(s, keep(s.len())),
                Piece::Plain(s) => s.clone(),
                Piece::Cited(n) => {
                    let s = &sentences[n - 1];
                    let limit = keep(s.len().min(SHOWN_SENTENCE)).min(SHOWN_SENTENCE);
                    format!("[S{n}] {}", text::ellipsize(s, limit))
                }
            })
            .collect();
        out.push_str(&format!("{who}: {}\n\n", body.join(" ")));
    }
    Numbered {
        text: out,
        sentences,
    }
}

/// One piece of a rendered turn.
enum Piece {
    Plain(String),
    /// Sentence number (1-based).
    Cited(usize),
}

/// The judge's prompts: tera templates in `prompts/` (`judge-system.tera`,
/// `judge-dimension.tera`, `judge-round.tera`), overridable from the config
/// dir like every other template.
pub struct JudgePrompts {
    templates: crate::templates::Templates,
}

impl JudgePrompts {
    pub fn load(config_dir: Option<&std::path::Path>) -> anyhow::Result<JudgePrompts> {
        Ok(JudgePrompts {
            templates: crate::templates::Templates::load(config_dir)?,
        })
    }

    /// The compiled-in prompts only.
    pub fn builtin() -> JudgePrompts {
        JudgePrompts::load(None).expect("built-in judge templates are valid")
    }

    /// A request: the system prompt, `template` rendered with the round,
    /// the transcript and `extra`, and the reply's schema.
    fn request(
        &self,
        template: &str,
        round: &Round,
        transcript: &str,
        extra: (&str, Value),
        schema: Value,
        temperature: f32,
    ) -> Result<JudgeRequest, String> {
        let render = |name: &str, ctx: &tera::Context| {
            self.templates.render(name, ctx).map_err(|e| e.to_string())
        };
        let mut ctx = tera::Context::new();
        ctx.insert("round", &json!({"id": round.id, "name": round.name}));
        ctx.insert("transcript", transcript);
        ctx.insert(extra.0, &extra.1);
        Ok(JudgeRequest {
            system: render("judge-system.tera", &tera::Context::new())?
                .trim()
                .to_string(),
            user: render(template, &ctx)?,
            schema,
            temperature,
            dimension: None,
        })
    }

    /// The request for one dimension (the per-dimension mode, for small
    /// models). The transcript comes before the dimension, so the requests
    /// of one transcript share their prefix and a local server reads it once.
    pub fn dimension(
        &self,
        round: &Round,
        d: &Dimension,
        transcript: &str,
        temperature: f32,
    ) -> Result<JudgeRequest, String> {
        let mut req = self.request(
            "judge-dimension.tera",
            round,
            transcript,
            ("dimension", dimension_json(d)),
            dimension_schema(false),
            temperature,
        )?;
        req.dimension = Some(d.id.clone());
        Ok(req)
    }

    /// The request for every dimension at once (for capable models).
    pub fn round(
        &self,
        round: &Round,
        transcript: &str,
        temperature: f32,
    ) -> Result<JudgeRequest, String> {
        let dims: Vec<Value> = round.dimensions.iter().map(dimension_json).collect();
        self.request(
            "judge-round.tera",
            round,
            transcript,
            ("dimensions", Value::Array(dims)),
            round_schema(round),
            temperature,
        )
    }
}

fn dimension_json(d: &Dimension) -> Value {
    json!({"id": d.id, "name": d.name, "weak": d.weak, "strong": d.strong})
}

/// Find the JSON object in a reply: models wrap it in prose or code fences.
fn json_of(reply: &str) -> Result<Value, ParseError> {
    let trimmed = reply.trim();
    if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
        return Ok(v);
    }
    let start = trimmed.find('{');
    let end = trimmed.rfind('}');
    match (start, end) {
        (Some(s), Some(e)) if e > s => serde_json::from_str::<Value>(&trimmed[s..=e])
            .map_err(|err| ParseError(format!("the reply is not valid JSON ({err})"))),
        _ => Err(ParseError("the reply contains no JSON object".into())),
    }
}

/// The keys a finding's columns may come under.
fn column<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key)
        .or_else(|| v.get(format!("{key}_evidence")))
        .or_else(|| v.get(format!("{key}_ids")))
        .or_else(|| v.get(format!("{key}_sentences")))
}

/// Does this object carry a finding at all? Valid JSON without the fields
/// is an unusable reply, never an empty finding.
pub fn has_fields(v: &Value) -> bool {
    column(v, "strong").is_some() || column(v, "weak").is_some()
}

/// Repair one dimension's finding field by field, keeping what is valid.
pub fn repair_finding(v: &Value) -> Finding {
    let cites = |key: &str| -> Vec<Cite> {
        let Some(list) = column(v, key) else {
            return Vec::new();
        };
        let items: Vec<&Value> = match list {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(Cite {
                    id: s.clone(),
                    why: String::new(),
                }),
                Value::Number(n) => Some(Cite {
                    id: n.to_string(),
                    why: String::new(),
                }),
                Value::Object(o) => {
                    let id = ["id", "sentence", "ref"]
                        .iter()
                        .find_map(|k| match o.get(*k)? {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })?;
                    let why = ["why", "reason", "quote"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                        .unwrap_or("");
                    Some(Cite {
                        id,
                        why: why.to_string(),
                    })
                }
                _ => None,
            })
            .filter(|c| !c.id.trim().is_empty() && !c.id.trim().eq_ignore_ascii_case("none"))
            .take(5)
            .collect()
    };
    let score = v.get("score").and_then(|s| match s {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    });
    Finding {
        strong: cites("strong"),
        weak: cites("weak"),
        // out of range is not clamped into the scale: it is not an input
        score: score
            .filter(|x| (1.0..=4.0).contains(x))
            .map(|x| x.round() as u8),
    }
}

/// Parse a per-dimension reply.
pub fn parse_dimension(reply: &str) -> Result<Finding, ParseError> {
    let v = json_of(reply)?;
    if !v.is_object() {
        return Err(ParseError("the reply is JSON but not an object".into()));
    }
    if !has_fields(&v) {
        return Err(ParseError(
            "the reply is JSON without the fields \"strong\" and \"weak\"".into(),
        ));
    }
    Ok(repair_finding(&v))
}

/// Parse an all-dimensions reply: dimensions missing from it are `None`.
pub fn parse_round(round: &Round, reply: &str) -> Result<Vec<Option<Finding>>, ParseError> {
    let v = json_of(reply)?;
    let obj = v.get("dimensions").unwrap_or(&v);
    Ok(round
        .dimensions
        .iter()
        .map(|d| match obj {
            Value::Object(m) => m.get(&d.id).filter(|x| has_fields(x)).map(repair_finding),
            Value::Array(a) => a
                .iter()
                .find(|x| x.get("id").and_then(Value::as_str) == Some(&d.id))
                .filter(|x| has_fields(x))
                .map(repair_finding),
            _ => None,
        })
        .collect())
}
