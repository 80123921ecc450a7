//! The document's text form: TOML.
//!
//! Writing emits vault's one fixed layout directly (quoting by `toml_writer`); the `toml`
//! crate's serializer took ~20 ms for 10,000 entries with native date-times. Reading has two
//! paths. The `toml` crate builds a spanned tree of the whole document before
//! deserializing it, which at 10,000 entries costs ~20 ms and ~25 MB. So vault's own shape
//! (`version`, `[[recipients]]`, `[entries.NAME]` with scalar fields) is read straight from
//! `toml_parser`'s events into the model; anything else — other layouts a person may write,
//! unknown keys, duplicates, any syntax error — falls back to the `toml` crate, which then
//! decides, and reports errors with their position.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::Timestamp;
use toml_parser::decoder::{Encoding, IntegerRadix, ScalarKind};
use toml_parser::parser::{Event, EventKind, EventReceiver};
use toml_parser::{ErrorSink, ParseError, Source, Span};
use zeroize::Zeroizing;

use super::agent::Agent;
use super::keyless::{parse_rate_setting, rate_setting};
use super::model::{Document, Entry, Kind, RecipientEntry};
use super::time::parse_offset_datetime;
use crate::secret::{SecretText, SecretValue};

/// A document that decrypts but is not one this vault can use. Carries only a line number:
/// toml and serde errors quote the offending input, which may be a secret value.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("line {0} of the document is not in the vault format")]
    Malformed(usize),
    #[error(
        "line {0} of the document holds a field this version of vault does not know (written \
         by a newer vault, or by hand?)"
    )]
    UnknownField(usize),
    #[error("the table ending at line {0} lacks its `{1}` field")]
    MissingField(usize, &'static str),
    /// Entry names are names, never values, so one can be given.
    #[error("entry {0}: {1} (a hand-edited vault?)")]
    Invalid(String, &'static str),
}

/// The vault format's own field names, so a message can name one without quoting the input.
const FIELDS: [&str; 12] = [
    "version",
    "key",
    "added",
    "kind",
    "value",
    "created",
    "updated",
    "recipients",
    "provider",
    "base_url",
    "status",
    "checked",
];

/// Serialises a document in vault's own layout; the text is wiped when dropped.
pub fn to_text(doc: &Document) -> Zeroizing<String> {
    let mut out = SecretText::new();
    // Writing to memory cannot fail; fmt::Result is only the trait's signature.
    let _ = write_document(&mut out, doc);
    out.into_zeroizing()
}

fn write_document(out: &mut SecretText, doc: &Document) -> std::fmt::Result {
    use std::fmt::Write as _;
    use toml_writer::TomlWrite as _;

    let key_value = |out: &mut SecretText, key: &str, value: &str| -> std::fmt::Result {
        out.key(key)?;
        out.space()?;
        out.keyval_sep()?;
        out.space()?;
        out.value(value)?;
        out.newline()
    };
    writeln!(out, "version = {}", doc.version)?;
    for r in &doc.recipients {
        out.newline()?;
        out.open_array_of_tables_header()?;
        out.key("recipients")?;
        out.close_array_of_tables_header()?;
        out.newline()?;
        key_value(out, "key", &r.key)?;
        if let Some(label) = &r.label {
            key_value(out, "label", label)?;
        }
        // jiff prints RFC 3339, which is TOML's offset date-time syntax.
        writeln!(out, "added = {}", r.added)?;
    }
    for (name, e) in &doc.entries {
        out.newline()?;
        out.open_table_header()?;
        out.key("entries")?;
        out.key_sep()?;
        out.key(name.as_str())?;
        out.close_table_header()?;
        out.newline()?;
        key_value(out, "kind", &e.kind.to_string())?;
        key_value(out, "value", e.value.expose())?;
        writeln!(out, "created = {}", e.created)?;
        writeln!(out, "updated = {}", e.updated)?;
        for (key, text) in [
            ("provider", &e.provider),
            ("base_url", &e.base_url),
            ("status", &e.status),
        ] {
            if let Some(text) = text {
                key_value(out, key, text)?;
            }
        }
        if let Some(checked) = e.checked {
            writeln!(out, "checked = {checked}")?;
        }
    }
    for (name, agent) in &doc.agents {
        out.newline()?;
        out.open_table_header()?;
        out.key("agents")?;
        out.key_sep()?;
        out.key(name.as_str())?;
        out.close_table_header()?;
        out.newline()?;
        if let Some(image) = &agent.image {
            key_value(out, "image", image)?;
        }
        string_array(out, "command", &agent.command)?;
        if agent.keyless {
            writeln!(out, "keyless = true")?;
        }
        let rates: Vec<String> = agent
            .rates
            .iter()
            .map(|(provider, rate)| rate_setting(provider, *rate))
            .collect();
        string_array(out, "rates", &rates)?;
        if let Some(budget) = &agent.budget {
            key_value(out, "budget", &budget.to_string())?;
        }
        if let Some(token) = &agent.token {
            key_value(out, "token", &token.to_string())?;
        }
        if let Some(sandbox) = agent.sandbox {
            writeln!(out, "sandbox = {sandbox}")?;
        }
        if let Some(network) = agent.network {
            key_value(out, "network", network.as_str())?;
        }
        string_array(out, "allow_write", &agent.allow_write)?;
        writeln!(out, "created = {}", agent.created)?;
        writeln!(out, "updated = {}", agent.updated)?;
        if !agent.attach.is_empty() {
            out.newline()?;
            out.open_table_header()?;
            out.key("agents")?;
            out.key_sep()?;
            out.key(name.as_str())?;
            out.key_sep()?;
            out.key("attach")?;
            out.close_table_header()?;
            out.newline()?;
            for (entry, env) in &agent.attach {
                key_value(out, entry, env)?;
            }
        }
    }
    Ok(())
}

/// `key = ["…", …]` on one line; nothing when `items` is empty.
fn string_array(out: &mut SecretText, key: &str, items: &[String]) -> std::fmt::Result {
    use toml_writer::TomlWrite as _;
    if items.is_empty() {
        return Ok(());
    }
    out.key(key)?;
    out.space()?;
    out.keyval_sep()?;
    out.space()?;
    out.open_array()?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.val_sep()?;
            out.space()?;
        }
        out.value(item.as_str())?;
    }
    out.close_array()?;
    out.newline()
}

/// Parses a document, by the fast path when it has vault's own shape.
pub fn from_text(text: &str) -> Result<Document, FormatError> {
    let doc = parse_document(text)?;
    check_provider_details(&doc)?;
    Ok(doc)
}

/// Provider details only on provider keys, and there as `vault provider add` writes them: a
/// catalog id, and an endpoint that is an http(s) URL without credentials. A key's endpoint is
/// where agents and checks send it; whoever else can write the vault must not be able to
/// slip in one `vault provider add` would refuse.
fn check_provider_details(doc: &Document) -> Result<(), FormatError> {
    for (name, e) in &doc.entries {
        let invalid = |what| Err(FormatError::Invalid(name.clone(), what));
        if e.kind != Kind::Provider {
            if e.provider.is_some()
                || e.base_url.is_some()
                || e.status.is_some()
                || e.checked.is_some()
            {
                return invalid("only provider keys have provider, base_url, status or checked");
            }
            continue;
        }
        match e.provider.as_deref() {
            // A custom endpoint's key without its endpoint would go to OpenAI's.
            Some(id)
                if e.base_url.is_none()
                    && crate::providers::find(id).is_some_and(|p| p.needs_base_url) =>
            {
                return invalid("a custom provider's key needs its base_url");
            }
            Some(id) if crate::providers::find(id).is_some_and(|p| p.id == id) => {}
            _ => return invalid("a provider key needs a provider from the catalog"),
        }
        if let Some(url) = &e.base_url
            && crate::providers::check_base_url(url).as_deref() != Ok(url.as_str())
        {
            return invalid(
                "its base_url is not an http(s) URL without credentials, query or fragment",
            );
        }
    }
    Ok(())
}

fn parse_document(text: &str) -> Result<Document, FormatError> {
    if let Some(doc) = read_own_shape(text) {
        return Ok(doc);
    }
    log::debug!("document is not in vault's own layout; reading it with the toml crate");
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(0);
        // serde's message for this case names the field, never a value; it is not shown.
        let message = e.message();
        if message.starts_with("unknown field") {
            FormatError::UnknownField(line)
        } else if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| FIELDS.iter().find(|f| rest.starts_with(&format!("{f}`"))))
        {
            FormatError::MissingField(line, field)
        } else {
            FormatError::Malformed(line)
        }
    })
}

fn read_own_shape(text: &str) -> Option<Document> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut reader = OwnShapeReader::new(source);
    let mut failed = false;
    let mut errors = |_: ParseError| failed = true;
    toml_parser::parser::parse_document(&tokens, &mut reader, &mut errors);
    if failed || reader.bail {
        return None;
    }
    reader.finish()
}

#[derive(Default)]
struct PartialEntry {
    kind: Option<Kind>,
    value: Option<SecretValue>,
    created: Option<Timestamp>,
    updated: Option<Timestamp>,
    provider: Option<String>,
    base_url: Option<String>,
    status: Option<String>,
    checked: Option<Timestamp>,
}

#[derive(Default)]
struct PartialRecipient {
    key: Option<String>,
    label: Option<String>,
    added: Option<Timestamp>,
}

#[derive(Default)]
struct PartialAgent {
    attach: BTreeMap<String, String>,
    image: Option<String>,
    command: Option<Vec<String>>,
    keyless: Option<bool>,
    rates: Option<Vec<String>>,
    budget: Option<String>,
    token: Option<String>,
    sandbox: Option<bool>,
    network: Option<String>,
    allow_write: Option<Vec<String>>,
    created: Option<Timestamp>,
    updated: Option<Timestamp>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    Table,
    ArrayOfTables,
}

/// Which table the key/value lines belong to.
enum Current {
    Root,
    Entries,
    Entry(String, PartialEntry),
    Recipient,
    Agents,
    /// `[agents.NAME]`, and with `in_attach` its `[agents.NAME.attach]` sub-table.
    Agent {
        name: String,
        partial: PartialAgent,
        in_attach: bool,
    },
}

struct OwnShapeReader<'i> {
    source: Source<'i>,
    /// Set on anything outside vault's own shape: the `toml` crate takes over.
    bail: bool,
    header: Option<Header>,
    header_path: Vec<Cow<'i, str>>,
    entries_header_seen: bool,
    agents_header_seen: bool,
    key: Option<Cow<'i, str>>,
    /// The strings of the array being read (only `command` has one).
    array: Option<Vec<String>>,
    /// The last date-time read: `created` and `updated` are often the same text.
    last_time: Option<(String, Timestamp)>,
    current: Current,
    version: Option<u32>,
    recipients: Vec<PartialRecipient>,
    entries: BTreeMap<String, Entry>,
    agents: BTreeMap<String, Agent>,
}

impl<'i> OwnShapeReader<'i> {
    fn new(source: Source<'i>) -> Self {
        Self {
            source,
            bail: false,
            header: None,
            header_path: Vec::with_capacity(2),
            entries_header_seen: false,
            agents_header_seen: false,
            key: None,
            array: None,
            last_time: None,
            current: Current::Root,
            version: None,
            recipients: Vec::new(),
            entries: BTreeMap::new(),
            agents: BTreeMap::new(),
        }
    }

    fn decode(&self, kind: EventKind, span: Span, encoding: Option<Encoding>) -> Option<Raw<'i>> {
        let raw = self
            .source
            .get(Event::new_unchecked(kind, encoding, span))?;
        let mut text = Cow::Borrowed("");
        let mut failed = false;
        let mut errors = |_: ParseError| failed = true;
        let scalar = if kind == EventKind::SimpleKey {
            raw.decode_key(&mut text, &mut errors);
            ScalarKind::String
        } else {
            raw.decode_scalar(&mut text, &mut errors)
        };
        (!failed).then_some(Raw { scalar, text })
    }

    fn check(&mut self, kind: EventKind, span: Span) {
        let Some(raw) = self.source.get(Event::new_unchecked(kind, None, span)) else {
            self.bail = true;
            return;
        };
        if raw.as_str() == "\n" {
            return; // by far the most common case, and always valid
        }
        let mut failed = false;
        let mut errors = |_: ParseError| failed = true;
        match kind {
            EventKind::Comment => raw.decode_comment(&mut errors),
            _ => raw.decode_newline(&mut errors),
        }
        if failed {
            self.bail = true;
        }
    }

    /// Moves a finished entry or agent into its map; a second table of the same name is a
    /// duplicate, and a table missing a field is left to the `toml` crate to report.
    fn close_table(&mut self) {
        let finished = match std::mem::replace(&mut self.current, Current::Root) {
            Current::Entry(name, partial) => self.close_entry(name, partial),
            Current::Agent { name, partial, .. } => self.close_agent(name, partial),
            _ => Some(()),
        };
        if finished.is_none() {
            self.bail = true;
        }
    }

    fn close_entry(&mut self, name: String, partial: PartialEntry) -> Option<()> {
        let entry = Entry {
            kind: partial.kind?,
            value: partial.value?,
            created: partial.created?,
            updated: partial.updated?,
            provider: partial.provider,
            base_url: partial.base_url,
            status: partial.status,
            checked: partial.checked,
        };
        self.entries.insert(name, entry).is_none().then_some(())
    }

    fn close_agent(&mut self, name: String, partial: PartialAgent) -> Option<()> {
        let mut rates = BTreeMap::new();
        for text in partial.rates.unwrap_or_default() {
            let (provider, rate) = parse_rate_setting(&text).ok()?;
            rates.insert(provider, rate).is_none().then_some(())?;
        }
        let agent = Agent {
            attach: partial.attach,
            image: partial.image,
            command: partial.command.unwrap_or_default(),
            keyless: partial.keyless.unwrap_or(false),
            rates,
            budget: partial.budget.map(|b| b.parse()).transpose().ok()?,
            token: partial.token.map(|t| t.parse()).transpose().ok()?,
            sandbox: partial.sandbox,
            network: match partial.network.as_deref() {
                None => None,
                Some(text) => Some(clap::ValueEnum::from_str(text, false).ok()?),
            },
            allow_write: partial.allow_write.unwrap_or_default(),
            created: partial.created?,
            updated: partial.updated?,
        };
        self.agents.insert(name, agent).is_none().then_some(())
    }

    fn set_value(&mut self, key: &str, raw: Raw<'i>) -> Option<()> {
        let last_time = &mut self.last_time;
        let mut time = |raw: Raw<'i>| raw.timestamp(last_time);
        match &mut self.current {
            Current::Root => match key {
                "version" if self.version.is_none() => {
                    self.version = Some(raw.integer()?);
                }
                _ => return None,
            },
            Current::Entry(_, entry) => match key {
                "kind" if entry.kind.is_none() => {
                    entry.kind = Some(match raw.string()?.as_ref() {
                        "secret" => Kind::Secret,
                        "variable" => Kind::Variable,
                        "provider" => Kind::Provider,
                        _ => return None,
                    });
                }
                "value" if entry.value.is_none() => {
                    entry.value = Some(SecretValue::new(raw.string()?.into_owned()).ok()?);
                }
                "created" if entry.created.is_none() => entry.created = Some(time(raw)?),
                "updated" if entry.updated.is_none() => entry.updated = Some(time(raw)?),
                "provider" if entry.provider.is_none() => {
                    entry.provider = Some(raw.string()?.into_owned());
                }
                "base_url" if entry.base_url.is_none() => {
                    entry.base_url = Some(raw.string()?.into_owned());
                }
                "status" if entry.status.is_none() => {
                    entry.status = Some(raw.string()?.into_owned());
                }
                "checked" if entry.checked.is_none() => entry.checked = Some(time(raw)?),
                _ => return None,
            },
            Current::Recipient => {
                let recipient = self.recipients.last_mut()?;
                match key {
                    "key" if recipient.key.is_none() => {
                        recipient.key = Some(raw.string()?.into_owned());
                    }
                    "label" if recipient.label.is_none() => {
                        recipient.label = Some(raw.string()?.into_owned());
                    }
                    "added" if recipient.added.is_none() => {
                        recipient.added = Some(time(raw)?);
                    }
                    _ => return None,
                }
            }
            Current::Agent {
                partial,
                in_attach: true,
                ..
            } => {
                let env = raw.string()?.into_owned();
                if partial.attach.insert(key.to_owned(), env).is_some() {
                    return None;
                }
            }
            Current::Agent { partial, .. } => match key {
                "image" if partial.image.is_none() => {
                    partial.image = Some(raw.string()?.into_owned());
                }
                "keyless" if partial.keyless.is_none() => {
                    partial.keyless = Some(raw.boolean()?);
                }
                "budget" if partial.budget.is_none() => {
                    partial.budget = Some(raw.string()?.into_owned());
                }
                "token" if partial.token.is_none() => {
                    partial.token = Some(raw.string()?.into_owned());
                }
                "sandbox" if partial.sandbox.is_none() => {
                    partial.sandbox = Some(raw.boolean()?);
                }
                "network" if partial.network.is_none() => {
                    partial.network = Some(raw.string()?.into_owned());
                }
                "created" if partial.created.is_none() => partial.created = Some(time(raw)?),
                "updated" if partial.updated.is_none() => partial.updated = Some(time(raw)?),
                _ => return None,
            },
            Current::Entries | Current::Agents => return None,
        }
        Some(())
    }

    fn finish(mut self) -> Option<Document> {
        self.close_table();
        if self.bail || self.array.is_some() {
            return None;
        }
        let recipients = self
            .recipients
            .into_iter()
            .map(|r| {
                Some(RecipientEntry {
                    key: r.key?,
                    label: r.label,
                    added: r.added?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Document {
            version: self.version?,
            recipients,
            entries: self.entries,
            agents: self.agents,
        })
    }
}

/// A decoded scalar; strings without escapes borrow from the document.
struct Raw<'i> {
    scalar: ScalarKind,
    text: Cow<'i, str>,
}

impl<'i> Raw<'i> {
    fn string(self) -> Option<Cow<'i, str>> {
        matches!(self.scalar, ScalarKind::String).then_some(self.text)
    }

    fn boolean(self) -> Option<bool> {
        match self.scalar {
            ScalarKind::Boolean(b) => Some(b),
            _ => None,
        }
    }

    fn integer(self) -> Option<u32> {
        match self.scalar {
            ScalarKind::Integer(IntegerRadix::Dec) => self.text.replace('_', "").parse().ok(),
            _ => None,
        }
    }

    /// A native TOML offset date-time, or an RFC 3339 string; checked against TOML's own
    /// date-time grammar first (jiff alone accepts forms TOML does not). The same text as
    /// last time is not parsed again.
    fn timestamp(self, last: &mut Option<(String, Timestamp)>) -> Option<Timestamp> {
        if !matches!(self.scalar, ScalarKind::DateTime | ScalarKind::String) {
            return None;
        }
        if let Some((text, time)) = last
            && *text == *self.text
        {
            return Some(*time);
        }
        let time = parse_offset_datetime(&self.text)?;
        *last = Some((self.text.into_owned(), time));
        Some(time)
    }
}

impl EventReceiver for OwnShapeReader<'_> {
    fn std_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.header = Some(Header::Table);
        self.header_path.clear();
    }

    fn std_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.header = None;
        // `[agents.NAME.attach]` continues the agent just read; any other header ends it.
        if let (
            [t, name, a],
            Current::Agent {
                name: open,
                in_attach,
                ..
            },
        ) = (self.header_path.as_slice(), &mut self.current)
            && t == "agents"
            && a == "attach"
            && name == open
            && !*in_attach
        {
            *in_attach = true;
            return;
        }
        self.close_table();
        self.current = match self.header_path.as_slice() {
            [t] if t == "entries" && !self.entries_header_seen => {
                self.entries_header_seen = true;
                Current::Entries
            }
            [t, name] if t == "entries" => {
                Current::Entry(name.to_string(), PartialEntry::default())
            }
            [t] if t == "agents" && !self.agents_header_seen => {
                self.agents_header_seen = true;
                Current::Agents
            }
            [t, name] if t == "agents" => Current::Agent {
                name: name.to_string(),
                partial: PartialAgent::default(),
                in_attach: false,
            },
            _ => {
                self.bail = true;
                Current::Root
            }
        };
    }

    fn array_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.header = Some(Header::ArrayOfTables);
        self.header_path.clear();
    }

    fn array_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.header = None;
        self.close_table();
        match self.header_path.as_slice() {
            [t] if t == "recipients" && self.entries.is_empty() && self.agents.is_empty() => {
                self.recipients.push(PartialRecipient::default());
                self.current = Current::Recipient;
            }
            _ => self.bail = true,
        }
    }

    fn inline_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
        self.bail = true;
        true
    }

    /// Only an agent's `command`, `rates` and `allow_write`, flat arrays of strings, are read
    /// here.
    fn array_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
        let is_own = match (&self.current, self.key.as_deref()) {
            (
                Current::Agent {
                    partial,
                    in_attach: false,
                    ..
                },
                Some("command"),
            ) => partial.command.is_none(),
            (
                Current::Agent {
                    partial,
                    in_attach: false,
                    ..
                },
                Some("rates"),
            ) => partial.rates.is_none(),
            (
                Current::Agent {
                    partial,
                    in_attach: false,
                    ..
                },
                Some("allow_write"),
            ) => partial.allow_write.is_none(),
            _ => false,
        };
        if is_own && self.array.is_none() {
            self.array = Some(Vec::new());
        } else {
            self.bail = true;
        }
        true
    }

    fn array_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
        let (Some(items), Some(key)) = (self.array.take(), self.key.take()) else {
            self.bail = true;
            return;
        };
        match (&mut self.current, key.as_ref()) {
            (Current::Agent { partial, .. }, "command") => partial.command = Some(items),
            (Current::Agent { partial, .. }, "rates") => partial.rates = Some(items),
            (Current::Agent { partial, .. }, "allow_write") => partial.allow_write = Some(items),
            _ => self.bail = true,
        }
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _: &mut dyn ErrorSink) {
        let Some(Raw { text, .. }) = self.decode(EventKind::SimpleKey, span, encoding) else {
            self.bail = true;
            return;
        };
        if self.header.is_some() {
            self.header_path.push(text);
        } else if self.key.is_some() {
            self.bail = true; // a dotted key in a key/value line
        } else {
            self.key = Some(text);
        }
    }

    fn key_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        if self.header.is_none() {
            self.bail = true;
        }
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, _: &mut dyn ErrorSink) {
        if self.array.is_some() {
            let item = self
                .decode(EventKind::Scalar, span, encoding)
                .and_then(Raw::string);
            match (item, self.array.as_mut()) {
                (Some(item), Some(items)) => items.push(item.into_owned()),
                _ => self.bail = true,
            }
            return;
        }
        let key = self.key.take();
        let raw = self.decode(EventKind::Scalar, span, encoding);
        let stored = match (key, raw) {
            (Some(key), Some(raw)) if self.header.is_none() => self.set_value(&key, raw),
            _ => None,
        };
        if stored.is_none() {
            self.bail = true;
        }
    }

    fn value_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        if self.array.is_none() {
            self.bail = true;
        }
    }

    // Comments and line endings have rules of their own (no control characters, no lone CR);
    // the decoders check them.
    fn comment(&mut self, span: Span, _: &mut dyn ErrorSink) {
        self.check(EventKind::Comment, span);
    }

    fn newline(&mut self, span: Span, _: &mut dyn ErrorSink) {
        self.check(EventKind::Newline, span);
    }

    fn error(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.bail = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Document {
        let now: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        let mut doc = Document::new(vec![
            RecipientEntry {
                key: "age1aaa".into(),
                label: Some("alice \"the\" admin".into()),
                added: now,
            },
            RecipientEntry {
                key: "ssh-ed25519 AAAAC3".into(),
                label: None,
                added: now,
            },
        ]);
        let tricky = [
            "plain",
            "quotes \" and ' and \\ backslash",
            "multi\nline\r\nvalue\twith tab",
            "unicode é 🔑 \u{7f} \u{1b}[0m",
            "$HOME ${X} #not-a-comment",
            "",
            "'''\"\"\"",
        ];
        for i in 0..n {
            let kind = if i % 2 == 0 {
                Kind::Secret
            } else {
                Kind::Variable
            };
            let value = SecretValue::new(format!("{}-{i}", tricky[i % tricky.len()])).unwrap();
            doc.add_entry(&format!("NAME_{i}"), kind, value, now)
                .unwrap();
        }
        // Provider keys carry their details, all of them optional but the provider.
        for i in 0..n / 3 {
            let value = SecretValue::new(format!("sk-proj-{}", tricky[i % tricky.len()])).unwrap();
            let name = format!("KEY_{i}");
            doc.add_entry(&name, Kind::Provider, value, now).unwrap();
            let entry = doc.entries.get_mut(&name).unwrap();
            entry.provider = Some("openai".into());
            if i % 2 == 0 {
                entry.base_url = Some(format!("http://127.0.0.1:{}/v1/x{i}", 8000 + i));
                entry.status = Some("error: timeout".into());
                entry.checked = Some(now);
            }
        }
        if n > 0 {
            let command = tricky.iter().map(|t| t.to_string()).collect();
            doc.create_agent("agent-x", Some("python:3.12".into()), command, now)
                .unwrap();
            doc.create_agent("bare", None, vec![], now).unwrap();
            let changes = crate::vault::AgentChanges {
                keyless: Some(true),
                rates: vec![
                    ("openai".into(), Some("10/1s".parse().unwrap())),
                    ("anthropic".into(), None),
                ],
                budget: Some(Some("2.5usd/month".parse().unwrap())),
                sandbox: Some(false),
                network: Some(crate::sandbox::Network::Proxy),
                allow_write: Some(vec!["/work/cache".into(), tricky[0].into()]),
                ..Default::default()
            };
            doc.set_agent("agent-x", changes, now).unwrap();
            // Sandbox settings without paths take the fast reader.
            doc.create_agent("contained", None, vec![], now).unwrap();
            let changes = crate::vault::AgentChanges {
                sandbox: Some(true),
                network: Some(crate::sandbox::Network::None),
                ..Default::default()
            };
            doc.set_agent("contained", changes, now).unwrap();
            let hash = crate::vault::keyless::TokenHash::of("a token");
            doc.set_agent_token("agent-x", Some(hash), now).unwrap();
            for i in 0..n.min(3) {
                let env = format!("RENAMED_{i}");
                doc.attach("agent-x", &format!("NAME_{i}"), Some(&env), now)
                    .unwrap();
            }
        }
        doc
    }

    fn same(a: &Document, b: &Document) -> bool {
        a.version == b.version
            && a.recipients == b.recipients
            && a.agents == b.agents
            && a.entries.len() == b.entries.len()
            && a.entries
                .iter()
                .zip(&b.entries)
                .all(|((na, ea), (nb, eb))| {
                    na == nb
                        && ea.kind == eb.kind
                        && ea.value == eb.value
                        && ea.created == eb.created
                        && ea.updated == eb.updated
                        && ea.provider == eb.provider
                        && ea.base_url == eb.base_url
                        && ea.status == eb.status
                        && ea.checked == eb.checked
                })
    }

    #[test]
    fn own_shape_reader_agrees_with_the_toml_crate() {
        for n in [0, 1, 7, 50] {
            let doc = sample(n);
            let text = to_text(&doc);
            let fast = read_own_shape(&text).expect("vault's own output takes the fast path");
            let slow: Document = toml::from_str(&text).unwrap();
            assert!(
                same(&fast, &doc),
                "fast path differs for {n} entries:\n{}",
                *text
            );
            assert!(same(&slow, &doc), "toml crate differs for {n} entries");
        }
    }

    #[test]
    fn offset_datetimes_convert_like_jiff_reads_them() {
        for text in [
            "2026-11-23T10:00:00Z",
            "2026-11-23T10:00:00.123456789Z",
            "2026-11-23 10:00:00+02:30",
            "1979-05-27T00:32:00.999999-07:00",
            "2026-11-23T10:00:00z",
        ] {
            let expected: Timestamp = text.replace(' ', "T").parse().unwrap();
            assert_eq!(parse_offset_datetime(text), Some(expected), "{text}");
        }
        assert_eq!(parse_offset_datetime("2026-02-30T00:00:00Z"), None);
        assert_eq!(
            parse_offset_datetime("2016-12-31T23:59:60Z"),
            "2016-12-31T23:59:59Z".parse().ok()
        );
    }

    #[test]
    fn agents_in_other_layouts_fall_back_and_read_the_same() {
        let head = "version = 1\n[[recipients]]\nkey = \"age1aaa\"\nadded = 2026-01-01T00:00:00Z\n";
        let text = format!(
            "{head}[agents.a]\ncreated = 2026-01-01T00:00:00Z\nupdated = 2026-01-01T00:00:00Z\n\
             attach = {{ X = \"Y\" }}\ncommand = [\"sh\", \"-c\", \"echo hi\"]\n"
        );
        assert!(read_own_shape(&text).is_none());
        let doc = from_text(&text).unwrap();
        assert_eq!(doc.agents["a"].attach["X"], "Y");
        assert_eq!(doc.agents["a"].command, ["sh", "-c", "echo hi"]);
        let nested = format!(
            "{head}[agents.a]\ncommand = [[\"x\"]]\ncreated = 2026-01-01T00:00:00Z\n\
             updated = 2026-01-01T00:00:00Z\n"
        );
        assert!(read_own_shape(&nested).is_none());
        assert!(from_text(&nested).is_err());
    }

    #[test]
    fn timestamps_are_native_toml_datetimes() {
        let text = to_text(&sample(1));
        assert!(text.contains("updated = 2026-11-23T10:00:00Z"), "{}", *text);
    }

    #[test]
    fn other_layouts_fall_back_to_the_toml_crate() {
        let text = r#"
            # written by hand
            version = 1
            recipients = [{ key = "age1aaa", added = 2026-01-01T00:00:00Z }]
            [entries]
            A = { kind = "variable", value = "x", created = "2026-01-01T00:00:00Z", updated = 2026-01-01T00:00:00Z }
            [entries.'B']
            kind = 'secret'
            value = """multi
            line"""
            created = 2026-01-01T00:00:00Z
            updated = 2026-01-01T00:00:00Z
        "#;
        assert!(read_own_shape(text).is_none());
        let doc = from_text(text).unwrap();
        assert_eq!(doc.entries["A"].value.expose(), "x");
        assert!(doc.entries["B"].value.expose().starts_with("multi\n"));
        assert_eq!(doc.recipients[0].key, "age1aaa");
    }

    #[test]
    fn duplicates_and_gaps_are_left_to_the_toml_crate() {
        let entry = "kind = \"secret\"\nvalue = \"v\"\ncreated = 2026-01-01T00:00:00Z\nupdated = 2026-01-01T00:00:00Z\n";
        let head = "version = 1\n[[recipients]]\nkey = \"age1aaa\"\nadded = 2026-01-01T00:00:00Z\n";
        let twice = format!("{head}[entries.A]\n{entry}[entries.A]\n{entry}");
        assert!(read_own_shape(&twice).is_none());
        assert!(from_text(&twice).is_err());
        let dup_key = format!("{head}[entries.A]\n{entry}value = \"w\"\n");
        assert!(read_own_shape(&dup_key).is_none());
        assert!(from_text(&dup_key).is_err());
        let missing = format!("{head}[entries.A]\nkind = \"secret\"\n");
        assert!(read_own_shape(&missing).is_none());
        let err = from_text(&missing).unwrap_err();
        assert!(
            matches!(err, FormatError::MissingField(_, "value")),
            "{err}"
        );
    }

    #[test]
    fn the_reader_is_no_more_lenient_than_toml() {
        let head = "version = 1\n[[recipients]]\nkey = \"age1aaa\"\nadded = ";
        for bad in [
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00+01",
            "2026-01-01T00Z",
            "2026-01-01T00:00:00+01:00:30",
            "2026-01-01T00:00:00",
            "2026-01-01",
        ] {
            let text = format!("{head}{bad}\n");
            assert!(read_own_shape(&text).is_none(), "{bad}");
            assert!(from_text(&text).is_err(), "{bad}");
        }
        let good = format!("{head}2026-01-01T00:00:00Z\n");
        for (what, text) in [
            (
                "control character in a comment",
                format!("# bell \u{7}\n{good}"),
            ),
            ("DEL in a comment", format!("# del \u{7f}\n{good}")),
            (
                "lone carriage return",
                good.replace("version = 1\n", "version = 1\r"),
            ),
        ] {
            assert!(read_own_shape(&text).is_none(), "{what}");
            assert!(toml::from_str::<toml::Table>(&text).is_err(), "{what}");
        }
        assert!(read_own_shape(&good).is_some());
        assert!(read_own_shape(&good.replace('\n', "\r\n")).is_some());
    }

    #[test]
    fn the_written_text_never_outgrows_its_first_buffer() {
        let now: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        let mut doc = Document::new(vec![RecipientEntry {
            key: "age1aaa".into(),
            label: Some("x".repeat(150) + "\u{1}\"\\"),
            added: now,
        }]);
        let controls: String = (1u8..32).map(char::from).collect::<String>().repeat(4);
        for (i, value) in [controls.as_str(), "\"\"\"\\\\", "plain", ""]
            .iter()
            .enumerate()
        {
            let value = SecretValue::new((*value).to_owned()).unwrap();
            doc.add_entry(&format!("E{i}"), Kind::Secret, value, now)
                .unwrap();
        }
        let text = to_text(&doc);
        assert_eq!(from_text(&text).unwrap().entries.len(), doc.entries.len());
    }

    #[test]
    fn unknown_tables_and_fields_are_refused_not_dropped() {
        let head = "version = 1\n[[recipients]]\nkey = \"age1aaa\"\nadded = 2026-01-01T00:00:00Z\n";
        let entry = "kind = \"secret\"\nvalue = \"v\"\ncreated = 2026-01-01T00:00:00Z\nupdated = 2026-01-01T00:00:00Z\n";
        for extra in [
            format!("{head}[entries.A]\n{entry}rotate_every = \"30d\"\n"),
            format!("{head}[entries.A]\n{entry}[hooks.x]\nrun = \"python\"\n"),
            format!("flag = true\n{head}"),
        ] {
            let err = from_text(&extra).unwrap_err();
            assert!(
                matches!(err, FormatError::UnknownField(_)),
                "{extra}: {err}"
            );
        }
    }

    #[test]
    fn provider_details_are_held_to_what_provider_add_writes() {
        let head = "version = 1\n[[recipients]]\nkey = \"age1aaa\"\nadded = 2026-01-01T00:00:00Z\n";
        let times = "created = 2026-01-01T00:00:00Z\nupdated = 2026-01-01T00:00:00Z\n";
        let entry = |fields: &str| format!("{head}[entries.K]\nvalue = \"sk-x\"\n{times}{fields}");
        let good = entry(
            "kind = \"provider\"\nprovider = \"openai\"\nbase_url = \"https://gw.example.com/v1\"\n",
        );
        assert!(from_text(&good).is_ok());
        for bad in [
            "kind = \"provider\"\n",
            "kind = \"provider\"\nprovider = \"OpenAI\"\n",
            "kind = \"provider\"\nprovider = \"nosuch\"\n",
            "kind = \"provider\"\nprovider = \"openai\"\nbase_url = \"https://u:hunter2@gw/v1\"\n",
            "kind = \"provider\"\nprovider = \"openai\"\nbase_url = \"https://gw/v1?key=1\"\n",
            "kind = \"secret\"\nprovider = \"openai\"\n",
            "kind = \"provider\"\nprovider = \"custom\"\n",
        ] {
            let err = from_text(&entry(bad)).unwrap_err();
            assert!(matches!(err, FormatError::Invalid(..)), "{bad}: {err}");
            assert!(!err.to_string().contains("hunter2"));
        }
    }

    #[test]
    fn errors_never_quote_the_document() {
        let text = "version = 1\n[entries.X]\nkind = 42\nvalue = \"sk-secret-canary\"\n";
        let err = from_text(text).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("canary"));
    }
}
