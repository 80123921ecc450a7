//! Usage: the tokens each response reports (a JSON body, or the events of a stream), the
//! usage log they are written to (one JSON line per request, in the state directory), and the
//! running totals budgets are checked against, which also see what other proxies append.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::vault::keyless::Period;

/// The most of a plain (not streamed) response body kept to read its usage from.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The longest stream line kept: a line longer than this carries no usage worth the memory.
const MAX_LINE: usize = 4 * 1024 * 1024;

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

/// One line of the usage log: one request the proxy forwarded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub time: Timestamp,
    /// The vault the agent belongs to (two vaults may both have an agent-x).
    pub vault: PathBuf,
    pub agent: String,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The provider's HTTP status; 0 when no answer came.
    pub status: u16,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_usd: f64,
}

/// The usage log file.
#[derive(Debug, Clone)]
pub struct UsageLog {
    path: PathBuf,
}

impl crate::state::StateDir {
    /// Keyless mode's usage log, in the state directory.
    pub fn usage_log(&self) -> UsageLog {
        UsageLog {
            path: self.path("usage.log"),
        }
    }
}

impl UsageLog {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every record, oldest first.
    pub fn records(&self) -> io::Result<Vec<Record>> {
        crate::state::read_json_lines(&self.path)
    }
}

/// Spending per agent of one vault, for budgets: kept up to date by reading what was appended
/// to the usage log since the last look (by this proxy or any other).
#[derive(Debug)]
pub struct Ledger {
    log: UsageLog,
    vault: PathBuf,
    read_to: u64,
    /// A line cut by the last read (its writer was mid-way).
    partial: Vec<u8>,
    spent: HashMap<String, Spent>,
}

/// One agent's spending: in total, and in the day and month the last record fell in.
#[derive(Debug, Clone, Default)]
struct Spent {
    total: f64,
    day: (Option<Timestamp>, f64),
    month: (Option<Timestamp>, f64),
}

impl Ledger {
    pub fn new(log: UsageLog, vault: PathBuf) -> Self {
        Self {
            log,
            vault,
            read_to: 0,
            partial: Vec::new(),
            spent: HashMap::new(),
        }
    }

    /// Reads what the log gained since the last call.
    pub fn refresh(&mut self) -> io::Result<()> {
        let mut file = match File::open(self.log.path()) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let len = file.metadata()?.len();
        if len < self.read_to {
            // The log was replaced or cut: read it again from the start, keeping what was
            // counted (a cut log must not give an agent its budget back).
            self.read_to = 0;
            self.partial.clear();
        }
        if len == self.read_to {
            return Ok(());
        }
        file.seek(SeekFrom::Start(self.read_to))?;
        let mut added = std::mem::take(&mut self.partial);
        let start = added.len();
        file.take(len - self.read_to).read_to_end(&mut added)?;
        self.read_to += (added.len() - start) as u64;
        let complete = added.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        self.partial = added.split_off(complete);
        for line in added.split(|&b| b == b'\n') {
            if let Ok(record) = serde_json::from_slice::<Record>(line)
                && record.vault == self.vault
            {
                self.add(&record);
            }
        }
        Ok(())
    }

    fn add(&mut self, record: &Record) {
        // A cost below zero (a hand-written line) would give budget back.
        if !record.cost_usd.is_finite() || record.cost_usd < 0.0 {
            return;
        }
        let spent = self.spent.entry(record.agent.clone()).or_default();
        spent.total += record.cost_usd;
        for (period, slot) in [
            (Period::Day, &mut spent.day),
            (Period::Month, &mut spent.month),
        ] {
            let start = period.start(record.time);
            if start > slot.0 {
                *slot = (start, 0.0);
            }
            if start == slot.0 {
                slot.1 += record.cost_usd;
            }
        }
    }

    /// What `agent` spent in the `period` holding `now`.
    pub fn spent(&self, agent: &str, period: Period, now: Timestamp) -> f64 {
        let Some(spent) = self.spent.get(agent) else {
            return 0.0;
        };
        let slot = match period {
            Period::Total => return spent.total,
            Period::Day => spent.day,
            Period::Month => spent.month,
        };
        if slot.0 == period.start(now) {
            slot.1
        } else {
            0.0
        }
    }
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

    #[test]
    fn the_ledger_sums_per_agent_and_period_and_sees_other_writers() {
        let dir = tempfile::tempdir().unwrap();
        let log = crate::state::StateDir::new(dir.path()).usage_log();
        let vault = PathBuf::from("/v");
        let record = |time: &str, agent: &str, cost: f64, vault: &str| Record {
            time: time.parse().unwrap(),
            vault: vault.into(),
            agent: agent.into(),
            provider: "openai".into(),
            model: None,
            status: 200,
            input_tokens: 1,
            output_tokens: 1,
            cost_usd: cost,
        };
        crate::state::append_json_line(log.path(), &record("2026-10-31T23:00:00Z", "a", 1.0, "/v"))
            .unwrap();
        crate::state::append_json_line(log.path(), &record("2026-11-23T01:00:00Z", "a", 2.0, "/v"))
            .unwrap();
        crate::state::append_json_line(log.path(), &record("2026-11-23T02:00:00Z", "b", 4.0, "/v"))
            .unwrap();
        crate::state::append_json_line(
            log.path(),
            &record("2026-11-23T02:00:00Z", "a", 8.0, "/other"),
        )
        .unwrap();
        let mut ledger = Ledger::new(log.clone(), vault);
        ledger.refresh().unwrap();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        assert_eq!(ledger.spent("a", Period::Day, now), 2.0);
        assert_eq!(ledger.spent("a", Period::Month, now), 2.0);
        assert_eq!(ledger.spent("a", Period::Total, now), 3.0);
        assert_eq!(ledger.spent("b", Period::Day, now), 4.0);
        // Another writer appends; the next refresh sees it. A new day starts from zero.
        crate::state::append_json_line(log.path(), &record("2026-11-23T03:00:00Z", "a", 0.5, "/v"))
            .unwrap();
        ledger.refresh().unwrap();
        assert_eq!(ledger.spent("a", Period::Day, now), 2.5);
        // A line giving money back is ignored; so is cutting the log.
        crate::state::append_json_line(
            log.path(),
            &record("2026-11-23T04:00:00Z", "a", -100.0, "/v"),
        )
        .unwrap();
        ledger.refresh().unwrap();
        assert_eq!(ledger.spent("a", Period::Day, now), 2.5);
        std::fs::write(log.path(), "").unwrap();
        ledger.refresh().unwrap();
        assert_eq!(ledger.spent("a", Period::Day, now), 2.5);
        let tomorrow: Timestamp = "2026-11-24T00:00:01Z".parse().unwrap();
        assert_eq!(ledger.spent("a", Period::Day, tomorrow), 0.0);
        assert_eq!(ledger.spent("a", Period::Month, tomorrow), 2.5);
    }
}
