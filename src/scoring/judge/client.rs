//! The LLM client as the judge's model, with the judge model if one is set.

use super::{JudgeModel, JudgeRequest, ModelError};
use crate::config::LlmSettings;
use crate::llm::LlmError;

/// The judge's model: the LLM client, with the judge model if one is set.
pub struct ClientModel {
    pub client: crate::llm::LlmClient,
    pub model: Option<String>,
    pub label: String,
}

impl ClientModel {
    pub fn new(settings: &LlmSettings) -> Result<ClientModel, String> {
        let client = crate::llm::LlmClient::new(settings).map_err(|e| e.to_string())?;
        let model = settings
            .judge_model
            .clone()
            .or_else(|| settings.model.clone());
        let label = model.clone().unwrap_or_else(|| "server-default".into());
        Ok(ClientModel {
            client,
            model,
            label,
        })
    }
}

impl JudgeModel for ClientModel {
    fn name(&self) -> String {
        self.label.clone()
    }

    async fn ask(&self, request: JudgeRequest) -> Result<String, ModelError> {
        use crate::llm::{ChatRequest, Message, OutputFormat};
        let req = ChatRequest {
            messages: vec![Message::system(request.system), Message::user(request.user)],
            model: self.model.clone(),
            temperature: Some(request.temperature),
            // ids only: a short reply, and a cut-off one would be unusable
            max_tokens: Some(400),
            format: OutputFormat::Json {
                name: "evidence".into(),
                schema: request.schema,
            },
            ..Default::default()
        };
        self.client
            .complete(&req)
            .await
            .map(|c| c.text)
            .map_err(|e| match &e {
                LlmError::RateLimited { retry_after, .. } => ModelError::Busy {
                    message: e.to_string(),
                    retry_after: *retry_after,
                },
                LlmError::Server { status: 503, .. } => ModelError::Busy {
                    message: e.to_string(),
                    retry_after: None,
                },
                _ => ModelError::Failed(e.to_string()),
            })
    }
}
