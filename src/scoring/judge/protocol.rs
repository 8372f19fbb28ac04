//! What the judge asks and how it reads the answers: the JSON schemas, the
//! transcript as the model sees it, the prompt templates, and replies
//! repaired field by field.

use serde_json::{json, Value};

use super::JudgeRequest;
use crate::rounds::{Dimension, Round};
use crate::scoring::evidence::CandidateText;
use crate::text;
use crate::transcript::{Role, Transcript};

/// One piece of evidence as the model gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub quote: String,
    pub why: String,
}

/// What the model said about one dimension, after repair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finding {
    pub strong: Vec<Quote>,
    pub weak: Vec<Quote>,
    pub score: Option<u8>,
}

/// Why a reply could not be used at all.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError(pub String);

/// The JSON schema for one dimension's finding, with or without the
/// model's own number (see [`Mode`] for when it is asked).
pub fn dimension_schema(with_score: bool) -> Value {
    let quotes = json!({
        "type": "array",
        "maxItems": 3,
        "items": {
            "type": "object",
            "properties": {"quote": {"type": "string"}, "why": {"type": "string"}},
            "required": ["quote", "why"],
            "additionalProperties": false
        }
    });
    let mut schema = json!({
        "type": "object",
        "properties": {"strong": quotes.clone(), "weak": quotes},
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

/// The transcript as the model sees it: numbered turns, candidate text with
/// the parts that tried to steer the scorer removed, cut to fit `max_chars`.
pub fn render_transcript(t: &Transcript, cand: &CandidateText, max_chars: usize) -> String {
    let mut turns: Vec<(Role, String)> = Vec::new();
    let mut answer = 0;
    for turn in t.turns() {
        match turn.role {
            Role::Interviewer => turns.push((Role::Interviewer, text::squash_ws(&turn.text))),
            Role::Candidate if !turn.skipped => {
                let clean = cand
                    .answers
                    .get(answer)
                    .map(|a| {
                        a.quotable
                            .iter()
                            .collect::<String>()
                            .replace('\u{0}', " [removed: text addressed to the scorer] ")
                    })
                    .unwrap_or_default();
                answer += 1;
                turns.push((Role::Candidate, clean));
            }
            Role::Candidate => {}
        }
    }
    // Share the budget: interviewer turns are cut harder than answers.
    let total: usize = turns.iter().map(|(_, t)| t.len()).sum();
    let ratio = if total > max_chars {
        max_chars as f64 / total as f64
    } else {
        1.0
    };
    let mut out = String::new();
    for (role, body) in turns {
        let keep = match role {
            Role::Interviewer => ((body.len() as f64 * ratio * 0.8) as usize).max(160),
            Role::Candidate => ((body.len() as f64 * ratio * 1.1) as usize).max(240),
        };
        let shown = text::ellipsize(&body, keep);
        let who = match role {
            Role::Interviewer => "Interviewer",
            Role::Candidate => "Candidate",
        };
        out.push_str(&format!("{who}: {shown}\n\n"));
    }
    out
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

/// Repair one dimension's finding field by field, keeping what is valid.
pub fn repair_finding(v: &Value) -> Finding {
    let quotes = |key: &str| -> Vec<Quote> {
        let list = v
            .get(key)
            .or_else(|| v.get(format!("{key}_evidence")))
            .or_else(|| v.get(format!("{key}_quotes")));
        let Some(list) = list else { return Vec::new() };
        let items: Vec<&Value> = match list {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(Quote {
                    quote: s.clone(),
                    why: String::new(),
                }),
                Value::Object(o) => {
                    let q = ["quote", "text", "sentence", "evidence"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))?;
                    let why = ["why", "reason", "reasoning", "rationale"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(Value::as_str))
                        .unwrap_or("");
                    Some(Quote {
                        quote: q.to_string(),
                        why: why.to_string(),
                    })
                }
                _ => None,
            })
            .filter(|q| !q.quote.trim().is_empty() && !q.quote.trim().eq_ignore_ascii_case("none"))
            .take(5)
            .collect()
    };
    let score = v.get("score").and_then(|s| match s {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    });
    Finding {
        strong: quotes("strong"),
        weak: quotes("weak"),
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
            Value::Object(m) => m.get(&d.id).filter(|x| x.is_object()).map(repair_finding),
            Value::Array(a) => a
                .iter()
                .find(|x| x.get("id").and_then(Value::as_str) == Some(&d.id))
                .map(repair_finding),
            _ => None,
        })
        .collect())
}
