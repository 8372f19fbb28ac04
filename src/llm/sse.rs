//! Reading one streamed chunk, tolerantly.
//!
//! Chunks are taken as plain JSON values rather than async-openai's typed
//! structs: OpenAI-compatible servers send `"finish_reason": ""`, omit
//! `index` or `role`, put usage in a chunk with `choices: []` (llama.cpp),
//! stream `reasoning_content` before the answer, or send an `error` object
//! mid-stream. Anything unrecognised is ignored rather than fatal.

use serde_json::Value;

use crate::transcript::Usage;

#[derive(Debug, Default, PartialEq)]
pub struct Chunk {
    pub content: Option<String>,
    /// The model is thinking (reasoning models): alive, but nothing to show.
    pub reasoning: bool,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub model: Option<String>,
    pub error: Option<String>,
}

pub fn parse(v: &Value) -> Chunk {
    let mut c = Chunk {
        model: v
            .get("model")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
            .map(str::to_string),
        ..Default::default()
    };
    if let Some(err) = v.get("error") {
        c.error = Some(match err {
            Value::String(s) => s.clone(),
            other => other
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| other.to_string()),
        });
        return c;
    }
    if let Some(choice) = v
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        let text = choice
            .pointer("/delta/content")
            .or_else(|| choice.pointer("/message/content"))
            .or_else(|| choice.get("text"))
            .and_then(Value::as_str);
        if let Some(t) = text.filter(|t| !t.is_empty()) {
            c.content = Some(t.to_string());
        }
        c.reasoning = ["/delta/reasoning_content", "/delta/reasoning"]
            .iter()
            .any(|p| {
                choice
                    .pointer(p)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            });
        c.finish_reason = choice
            .get("finish_reason")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
    }
    if let Some(u) = v.get("usage").filter(|u| u.is_object()) {
        let num = |p: &str| u.pointer(p).and_then(Value::as_u64).map(|n| n as u32);
        if let (Some(prompt), completion) = (num("/prompt_tokens"), num("/completion_tokens")) {
            let cached = num("/prompt_tokens_details/cached_tokens")
                .filter(|n| *n > 0)
                .or_else(|| {
                    v.pointer("/timings/cache_n")
                        .and_then(Value::as_u64)
                        .map(|n| n as u32)
                        .filter(|n| *n > 0)
                });
            c.usage = Some(Usage {
                prompt_tokens: prompt,
                completion_tokens: completion.unwrap_or(0),
                cached_tokens: cached,
            });
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn llama_cpp_shapes() {
        let first = parse(
            &json!({"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"model":"qwen"}),
        );
        assert_eq!(first.content, None);
        assert_eq!(first.model.as_deref(), Some("qwen"));
        let tok = parse(&json!({"choices":[{"delta":{"content":"Hel"}}]}));
        assert_eq!(tok.content.as_deref(), Some("Hel"));
        let usage = parse(
            &json!({"choices":[],"usage":{"completion_tokens":2,"prompt_tokens":35,"prompt_tokens_details":{"cached_tokens":0}},"timings":{"cache_n":20}}),
        );
        assert_eq!(
            usage.usage,
            Some(Usage {
                prompt_tokens: 35,
                completion_tokens: 2,
                cached_tokens: Some(20)
            })
        );
    }

    #[test]
    fn odd_servers_are_tolerated() {
        let c = parse(&json!({"choices":[{"delta":{"content":"x"},"finish_reason":""}]}));
        assert_eq!((c.content.as_deref(), c.finish_reason), (Some("x"), None));
        let c = parse(&json!({"choices":[{"delta":{}, "finish_reason":"stop"}]}));
        assert_eq!(c.finish_reason.as_deref(), Some("stop"));
        let c = parse(&json!({"choices":[{"delta":{"reasoning_content":"hmm"}}]}));
        assert!(c.reasoning && c.content.is_none());
        let c = parse(&json!({"error":{"message":"boom"}}));
        assert_eq!(c.error.as_deref(), Some("boom"));
        assert_eq!(parse(&json!(42)), Chunk::default());
        assert_eq!(parse(&json!({"choices": "nope"})), Chunk::default());
    }
}
