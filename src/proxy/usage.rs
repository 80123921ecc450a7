//! Usage: the tokens each response reports (a JSON body, or the events of a stream), and the
//! record of one request (written to the usage database, `usage_db`).

use std::path::PathBuf;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The most of a plain (not streamed) response body kept to read its usage from.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The longest stream line kept: a line longer than this carries no usage worth the memory.
const MAX_LINE: usize = 4 * 1024 * 1024;

/// The output a budget reserves for a request to generate that names no most (README:
/// "Budgets"); should it use more, the rest is charged when its answer ends.
pub const DEFAULT_OUTPUT_CAP: u64 = 4096;

/// The most output tokens a request allows, where the providers read it: `max_tokens`
/// (Anthropic, OpenAI's older name), `max_completion_tokens` (OpenAI), `max_output_tokens`
/// (Responses), Gemini's `generationConfig.maxOutputTokens`; times OpenAI's `n` choices.
pub fn output_cap(body: &Value) -> Option<u64> {
    let caps = [
        body.get("max_tokens"),
        body.get("max_completion_tokens"),
        body.get("max_output_tokens"),
        body.get("generationConfig")
            .and_then(|c| c.get("maxOutputTokens")),
    ];
    // Given twice, a provider may read either: the larger counts.
    let cap = caps.into_iter().flatten().filter_map(Value::as_u64).max()?;
    let choices = body
        .get("n")
        .or_else(|| {
            body.get("generationConfig")
                .and_then(|c| c.get("candidateCount"))
        })
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1);
    Some(cap.saturating_mul(choices))
}

/// One record for the usage writer, with the windows its agent's tokens are counted in.
pub struct Job {
    pub record: Record,
    pub windows: std::sync::Arc<[u64]>,
}

/// What one response said it used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub model: Option<String>,
    pub input: u64,
    pub output: u64,
}

impl Seen {
    /// Takes what one JSON object reports. OpenAI (`usage.prompt_tokens`/`completion_tokens`,
    /// or `input_tokens`/`output_tokens`, and `response.usage` in Responses streams),
    /// Anthropic (`usage`, `message.usage` in `message_start`, cache tokens counted as input)
    /// and Gemini (`usageMetadata`). Counts only grow: stream events repeat running totals.
    pub fn absorb(&mut self, v: &Value) {
        // Gemini's streamGenerateContent without alt=sse answers with an array of objects.
        if let Value::Array(items) = v {
            items.iter().for_each(|item| self.absorb(item));
            return;
        }
        let nested = |key: &str| v.get(key).filter(|n| n.is_object());
        for holder in [Some(v), nested("message"), nested("response")]
            .into_iter()
            .flatten()
        {
            if self.model.is_none()
                && let Some(model) = holder
                    .get("model")
                    .or_else(|| holder.get("modelVersion"))
                    .and_then(Value::as_str)
            {
                // The provider's text goes into a log and onto terminals: printable only.
                self.model = Some(
                    model
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(200)
                        .collect(),
                );
            }
            let Some(usage) = holder
                .get("usage")
                .or_else(|| holder.get("usageMetadata"))
                .filter(|u| u.is_object())
            else {
                continue;
            };
            let sum = |keys: &[&str]| {
                keys.iter()
                    .map(|key| usage.get(key).and_then(Value::as_u64).unwrap_or(0))
                    .fold(0u64, u64::saturating_add)
            };
            let input = sum(&[
                "prompt_tokens",
                "input_tokens",
                "cache_creation_input_tokens",
                "cache_read_input_tokens",
                "promptTokenCount",
            ]);
            let output = sum(&[
                "completion_tokens",
                "output_tokens",
                "candidatesTokenCount",
                "thoughtsTokenCount",
            ]);
            self.input = self.input.max(input);
            self.output = self.output.max(output);
        }
    }
}

/// Reads usage from a response body as it passes.
#[derive(Debug)]
pub struct Meter {
    stream: bool,
    buffer: Vec<u8>,
    overflow: bool,
    pub seen: Seen,
}

impl Meter {
    /// `stream`: the body is server-sent events (read line by line), else one JSON document.
    pub fn new(stream: bool) -> Self {
        Self {
            stream,
            buffer: Vec::new(),
            overflow: false,
            seen: Seen::default(),
        }
    }

    /// Whether the body is a stream of events (which stops when no one reads it).
    pub fn streaming(&self) -> bool {
        self.stream
    }

    pub fn push(&mut self, data: &[u8]) {
        if !self.stream {
            if self.buffer.len() + data.len() > MAX_BODY {
                self.overflow = true;
                self.buffer = Vec::new();
            }
            if !self.overflow {
                self.buffer.extend_from_slice(data);
            }
            return;
        }
        let mut rest = data;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            if !self.overflow {
                self.buffer.extend_from_slice(&rest[..end]);
                let line = std::mem::take(&mut self.buffer);
                self.line(&line);
            }
            self.buffer.clear();
            self.overflow = false;
            rest = &rest[end + 1..];
        }
        if self.buffer.len() + rest.len() > MAX_LINE {
            self.overflow = true;
            self.buffer.clear();
        } else if !self.overflow {
            self.buffer.extend_from_slice(rest);
        }
    }

    /// The body ended (or was cut off): what was seen.
    pub fn finish(&mut self) -> &Seen {
        let rest = std::mem::take(&mut self.buffer);
        if self.stream {
            self.line(&rest);
        } else if !self.overflow
            && let Ok(v) = serde_json::from_slice::<Value>(&rest)
        {
            self.seen.absorb(&v);
        }
        &self.seen
    }

    fn line(&mut self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(data) = line.strip_prefix(b"data:") else {
            return;
        };
        if let Ok(v) = serde_json::from_slice::<Value>(data.trim_ascii()) {
            self.seen.absorb(&v);
        }
    }
}

/// One request the proxy forwarded: a row of the usage database (see `usage_db`), and a line
/// of the JSON-lines log earlier versions wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub time: Timestamp,
    /// The vault the agent belongs to (two vaults may both have an agent-x).
    pub vault: PathBuf,
    /// The proxy process that served it (none in the old log).
    #[serde(default)]
    pub run_id: String,
    pub agent: String,
    pub provider: String,
    /// Its endpoint class (`chat`, `embeddings`…; none in the old log).
    #[serde(default)]
    pub endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The provider's HTTP status; 0 when no answer came.
    pub status: u16,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_plain_and_streamed_usage() {
        let mut m = Meter::new(false);
        let body = br#"{"id":"x","model":"gpt-4o-mini","usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#;
        m.push(&body[..10]);
        m.push(&body[10..]);
        assert_eq!(
            *m.finish(),
            Seen {
                model: Some("gpt-4o-mini".into()),
                input: 12,
                output: 5
            }
        );
        let mut m = Meter::new(true);
        let stream = "data: {\"model\":\"gpt-4o\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n\
                      data: {\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n\
                      data: [DONE]\n\n";
        for chunk in stream.as_bytes().chunks(7) {
            m.push(chunk);
        }
        assert_eq!((m.seen.input, m.seen.output), (7, 3));
    }

    #[test]
    fn gemini_arrays_count_and_odd_values_do_not_hurt() {
        let mut m = Meter::new(false);
        m.push(br#"[{"usageMetadata":{"promptTokenCount":5}},{"modelVersion":"gemini-2.5-pro\u001b[31m","usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":18446744073709551615,"thoughtsTokenCount":9}}]"#);
        let seen = m.finish();
        assert_eq!((seen.input, seen.output), (5, u64::MAX));
        assert_eq!(seen.model.as_deref(), Some("gemini-2.5-pro[31m"));
    }

    #[test]
    fn anthropic_streamed_usage_counts_running_totals_once() {
        let mut m = Meter::new(true);
        let stream = "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":20,\"cache_read_input_tokens\":5,\"output_tokens\":1}}}\r\n\r\n\
                      event: message_delta\r\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":9}}\r\n\r\n\
                      event: message_delta\r\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15}}\r\n\r\n";
        m.push(stream.as_bytes());
        assert_eq!(
            *m.finish(),
            Seen {
                model: Some("claude-sonnet-4-5".into()),
                input: 25,
                output: 15
            }
        );
    }
}
