//! Keyless scopes: which models, and which kinds of endpoint, an agent may use through the
//! proxy. The rules live here alone: what a model pattern matches, which paths belong to which
//! endpoint class, and where a request names its model. `vault agent set` stores a scope, the
//! proxy applies it before the provider is called.
//!
//! A model pattern is a model's exact name (`gpt-4o-mini`) or a prefix ending in `*`
//! (`gpt-4.1*`), matched against the name the provider itself reads, case and all: `gpt-4o*`
//! matches `gpt-4o`, `gpt-4o-mini` and `gpt-4o-x` alike (a prefix is a prefix), and
//! `bedrock/*` does not match `bedrockz/x`. To allow only `gpt-4o` and its dated versions,
//! give `gpt-4o` and `gpt-4o-2*`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A model name, or a name prefix ending in `*`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModelPattern(String);

impl ModelPattern {
    pub fn matches(&self, model: &str) -> bool {
        match self.0.strip_suffix('*') {
            Some(prefix) => model.starts_with(prefix),
            None => model == self.0,
        }
    }
}

impl FromStr for ModelPattern {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let star = text.find('*');
        if text.is_empty() || text == "*" {
            return Err(
                "a model pattern is a model's name or a prefix ending in * (such as \
                        gpt-4.1*); to allow every model, give the provider no models"
                    .into(),
            );
        }
        if star.is_some_and(|at| at + 1 != text.len()) {
            return Err(format!(
                "{text}: * may only end a model pattern (a prefix such as gpt-4.1*)"
            ));
        }
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',')
        {
            return Err(format!("{text}: a model name has no spaces or commas"));
        }
        Ok(Self(text.to_owned()))
    }
}

impl fmt::Display for ModelPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ModelPattern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ModelPattern {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// What kind of thing a request asks a provider for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Endpoint {
    /// Chat completions, completions, messages, responses, realtime, generateContent
    Chat,
    Embeddings,
    /// Listing models and reading one
    Models,
    Audio,
    Images,
    Moderation,
    /// Files and uploads
    Files,
    FineTuning,
    Batches,
    /// Assistants, threads, vector stores
    Assistants,
    /// Organization, project and admin keys
    Admin,
    /// Any path not in a class above
    Other,
}

/// A path's first segment (after the API version) → its class.
const BY_SEGMENT: [(&str, Endpoint); 21] = [
    ("chat", Endpoint::Chat),
    ("completions", Endpoint::Chat),
    ("complete", Endpoint::Chat),
    ("messages", Endpoint::Chat),
    ("responses", Endpoint::Chat),
    ("realtime", Endpoint::Chat),
    ("embeddings", Endpoint::Embeddings),
    ("models", Endpoint::Models),
    ("audio", Endpoint::Audio),
    ("images", Endpoint::Images),
    ("moderations", Endpoint::Moderation),
    ("files", Endpoint::Files),
    ("uploads", Endpoint::Files),
    ("fine_tuning", Endpoint::FineTuning),
    ("fine-tunes", Endpoint::FineTuning),
    ("batches", Endpoint::Batches),
    ("assistants", Endpoint::Assistants),
    ("threads", Endpoint::Assistants),
    ("vector_stores", Endpoint::Assistants),
    ("organization", Endpoint::Admin),
    ("organizations", Endpoint::Admin),
];

/// A method after a model in the path (`models/NAME:generateContent`) → its class.
const BY_METHOD: [(&str, Endpoint); 6] = [
    ("generateContent", Endpoint::Chat),
    ("streamGenerateContent", Endpoint::Chat),
    ("countTokens", Endpoint::Chat),
    ("embedContent", Endpoint::Embeddings),
    ("batchEmbedContents", Endpoint::Embeddings),
    ("predict", Endpoint::Images),
];

/// Classes whose requests that create something always name a model.
const NAME_A_MODEL: [Endpoint; 5] = [
    Endpoint::Chat,
    Endpoint::Embeddings,
    Endpoint::Audio,
    Endpoint::Images,
    Endpoint::Moderation,
];

impl Endpoint {
    /// The class of a request for `tail`, the path below the provider's API address.
    pub fn of(tail: &str) -> Endpoint {
        let segments: Vec<_> = segments(tail)
            .into_iter()
            .skip_while(|s| is_version(s))
            .collect();
        // Batches of messages are batches, wherever in the path.
        if segments.iter().any(|s| s == "batches") {
            return Endpoint::Batches;
        }
        // A method after a model (Gemini's): one not in the table is another kind of thing.
        if let Some((_, method)) = segments.last().and_then(|s| s.split_once(':')) {
            return BY_METHOD
                .iter()
                .find(|(m, _)| *m == method)
                .map_or(Endpoint::Other, |(_, class)| *class);
        }
        let first = segments.first().map_or("", |s| s.as_ref());
        BY_SEGMENT
            .iter()
            .find(|(s, _)| *s == first)
            .map_or(Endpoint::Other, |(_, class)| *class)
    }

    /// Whether its requests generate output that is priced per token (text, images, speech).
    pub fn generates(self) -> bool {
        matches!(self, Endpoint::Chat | Endpoint::Images | Endpoint::Audio)
    }

    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Chat => "chat",
            Endpoint::Embeddings => "embeddings",
            Endpoint::Models => "models",
            Endpoint::Audio => "audio",
            Endpoint::Images => "images",
            Endpoint::Moderation => "moderation",
            Endpoint::Files => "files",
            Endpoint::FineTuning => "fine-tuning",
            Endpoint::Batches => "batches",
            Endpoint::Assistants => "assistants",
            Endpoint::Admin => "admin",
            Endpoint::Other => "other",
        }
    }
}

/// A path's segments as the provider reads them: percent-decoded, empty ones left out.
fn segments(tail: &str) -> Vec<std::borrow::Cow<'_, str>> {
    tail.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s.contains('%') {
            true => std::borrow::Cow::Owned(percent_decoded(s, false)),
            false => std::borrow::Cow::Borrowed(s),
        })
        .collect()
}

/// Whether a WebSocket to `tail` names its model in the URL (OpenAI's Realtime API) rather
/// than in each message (the Responses API): one that names none there is refused.
pub fn socket_names_model_in_url(tail: &str) -> bool {
    segments(tail)
        .into_iter()
        .find(|s| !is_version(s))
        .is_some_and(|s| s == "realtime")
}

fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// An agent's scope. Empty, it allows what it always did: every model and every endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Provider id → the models allowed there; a provider not here allows every model.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub models: BTreeMap<String, Vec<ModelPattern>>,
    /// The endpoint classes allowed (`None`: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<BTreeSet<Endpoint>>,
    /// The `OpenAI-Organization` and `OpenAI-Project` the proxy sends (the agent's own are
    /// never passed on: they would bill another organization or project on the same key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openai_organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openai_project: Option<String>,
}

/// Why a scope refused a request; the message names the scope that refused it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error(
        "agent {agent} may not use the {class} endpoints (its scope allows {allowed}); change \
         it with vault agent set {agent} --endpoints …",
        class = .class.name()
    )]
    Endpoint {
        agent: String,
        class: Endpoint,
        allowed: String,
    },
    #[error(
        "agent {agent} may not use model {model} of {provider} (its scope allows {allowed}); \
         change it with vault agent set {agent} --models {provider}=…"
    )]
    Model {
        agent: String,
        provider: String,
        model: String,
        allowed: String,
    },
    #[error(
        "agent {agent}'s scope allows only some models of {provider}, and this request names \
         none the proxy can find (in its body, its path or its query)"
    )]
    NoModel { agent: String, provider: String },
    #[error(
        "agent {agent}'s scope allows only some models of {provider}, and the proxy cannot read \
         this request's body to find its model (it is not JSON)"
    )]
    Unreadable { agent: String, provider: String },
}

/// What a request shows the proxy: enough to find its class and every model it names.
pub struct Request<'r> {
    /// Whether it makes something (a POST; a WebSocket that names its model in its URL), so
    /// that a class that always names a model must name one.
    pub creates: bool,
    pub tail: &'r str,
    pub query: Option<&'r str>,
    pub content_type: &'r str,
    pub body: &'r [u8],
    /// The body read as JSON already, when it was (it is read here otherwise).
    pub json: Option<&'r serde_json::Value>,
}

/// The headers that choose which organization and project an OpenAI request bills.
pub const ACCOUNT_HEADERS: [&str; 2] = ["openai-organization", "openai-project"];

impl Scope {
    /// Each of [`ACCOUNT_HEADERS`] with the value the agent's requests carry (`None`: none).
    pub fn account_headers(&self) -> [(&'static str, Option<&str>); 2] {
        [
            (ACCOUNT_HEADERS[0], self.openai_organization.as_deref()),
            (ACCOUNT_HEADERS[1], self.openai_project.as_deref()),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
            && self.endpoints.is_none()
            && self.openai_organization.is_none()
            && self.openai_project.is_none()
    }

    /// Whether `agent` may send `request` to `provider` (a catalog id).
    pub fn check(&self, agent: &str, provider: &str, request: &Request<'_>) -> Result<(), Refused> {
        if self.endpoints.is_none() && !self.models.contains_key(provider) {
            return Ok(()); // nothing to check: the common case, kept off the request's path
        }
        let class = Endpoint::of(request.tail);
        if let Some(allowed) = &self.endpoints
            && !allowed.contains(&class)
        {
            return Err(Refused::Endpoint {
                agent: agent.to_owned(),
                class,
                allowed: list(allowed.iter().map(|c| c.name())),
            });
        }
        if !self.models.contains_key(provider) {
            return Ok(());
        }
        let named = models_named(request).map_err(|Unreadable| Refused::Unreadable {
            agent: agent.to_owned(),
            provider: provider.to_owned(),
        })?;
        if named.is_empty() && request.creates && NAME_A_MODEL.contains(&class) {
            return Err(Refused::NoModel {
                agent: agent.to_owned(),
                provider: provider.to_owned(),
            });
        }
        named
            .iter()
            .try_for_each(|model| self.allows_model(agent, provider, model))
    }

    /// Whether `agent` may ask `provider` for `model`.
    pub fn allows_model(&self, agent: &str, provider: &str, model: &str) -> Result<(), Refused> {
        let Some(patterns) = self.models.get(provider) else {
            return Ok(());
        };
        let model = model.strip_prefix("models/").unwrap_or(model);
        match patterns.iter().any(|p| p.matches(model)) {
            true => Ok(()),
            false => Err(Refused::Model {
                agent: agent.to_owned(),
                provider: provider.to_owned(),
                model: model.chars().take(100).collect(),
                allowed: list(patterns.iter().map(|p| p.0.as_str())),
            }),
        }
    }
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.as_slice() {
        [] => "none".to_owned(),
        items => items.join(", "),
    }
}

/// A body that should say which model it is for and cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable;

/// Every model a request names, wherever the provider may read one: the path
/// (`models/NAME:method`, `models/NAME`), a `model` query parameter, a form's `model` field,
/// and in a JSON body its `model`, its `models` (OpenRouter's fallbacks), each batched
/// request's `params.model` (Anthropic's batches) and each tool's `model` (the Responses API's
/// image tool). Names are percent-decoded where the provider decodes them; `models/NAME`
/// counts as NAME. A body that is neither a form nor JSON is `Unreadable`.
pub fn models_named(request: &Request<'_>) -> Result<Vec<String>, Unreadable> {
    let mut named = Vec::new();
    let segments = segments(request.tail);
    for pair in segments.windows(2) {
        if pair[0] == "models" {
            let model = &pair[1];
            named.push(model.split(':').next().unwrap_or(model).to_owned());
        }
    }
    for pair in request.query.unwrap_or("").split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if percent_decoded(key, true) == "model" {
            named.push(percent_decoded(value, true));
        }
    }
    if request.content_type.starts_with("multipart/form-data") {
        named.extend(form_field(request.content_type, request.body, "model"));
    } else if let Some(body) = request.json {
        named.extend(models_in_json(body));
    } else if !request.body.iter().all(u8::is_ascii_whitespace) {
        let body: serde_json::Value =
            serde_json::from_slice(request.body).map_err(|_| Unreadable)?;
        named.extend(models_in_json(&body));
    }
    for name in &mut named {
        if let Some(bare) = name.strip_prefix("models/") {
            *name = bare.to_owned();
        }
    }
    Ok(named)
}

/// The models a JSON body names, where providers read them (see `models_named`). A model
/// that is not a string is still a model named: it cannot be allowed.
pub fn models_in_json(body: &serde_json::Value) -> Vec<String> {
    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let mut named = Vec::new();
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    for model in [
        &body["model"],
        &body["response"]["model"],
        &body["session"]["model"],
    ] {
        if !model.is_null() {
            named.push(text(model));
        }
    }
    match &body["models"] {
        serde_json::Value::Null => {}
        serde_json::Value::Array(models) => named.extend(models.iter().map(text)),
        other => named.push(text(other)),
    }
    for request in list(&body["requests"]) {
        let model = &request["params"]["model"];
        if !model.is_null() {
            named.push(text(model));
        }
    }
    for tool in list(&body["tools"]) {
        if !tool["model"].is_null() {
            named.push(text(&tool["model"]));
        }
    }
    named
}

fn percent_decoded(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The values of a multipart form's field `name` (audio uploads name their model so).
fn form_field(content_type: &str, body: &[u8], name: &str) -> Vec<String> {
    let Some(boundary) = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| format!("--{}", b.trim_matches('"')))
    else {
        return Vec::new();
    };
    let wanted = format!("name=\"{name}\"");
    let mut values = Vec::new();
    for part in split_on(body, boundary.as_bytes()) {
        let Some(end) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..end]);
        let is_field = head.lines().any(|line| {
            line.to_ascii_lowercase().starts_with("content-disposition")
                && line
                    .split(';')
                    .any(|p| p.trim() == wanted || p.trim() == format!("name={name}"))
        });
        if is_field {
            let value = &part[end + 4..];
            let value = value.strip_suffix(b"\r\n").unwrap_or(value);
            values.push(String::from_utf8_lossy(value).into_owned());
        }
    }
    values
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split_on<'b>(mut body: &'b [u8], boundary: &[u8]) -> Vec<&'b [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find(body, boundary) {
        parts.push(&body[..at]);
        body = &body[at + boundary.len()..];
    }
    parts.push(body);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(p: &str) -> ModelPattern {
        p.parse().unwrap()
    }

    #[test]
    fn a_pattern_is_a_name_or_a_prefix_and_nothing_looser() {
        assert!(pattern("gpt-4o-mini").matches("gpt-4o-mini"));
        assert!(!pattern("gpt-4o-mini").matches("gpt-4o-mini-2024-07-18"));
        assert!(!pattern("gpt-4o-mini").matches("GPT-4o-mini"));
        // A prefix is a prefix: gpt-4o* matches gpt-4o-x, by the rule and not by accident.
        for yes in ["gpt-4o", "gpt-4o-mini", "gpt-4o-x", "gpt-4o2"] {
            assert!(pattern("gpt-4o*").matches(yes), "{yes}");
        }
        for no in ["gpt-4", "gpt-4.1", "xgpt-4o", "gpt-4O"] {
            assert!(!pattern("gpt-4o*").matches(no), "{no}");
        }
        assert!(pattern("bedrock/*").matches("bedrock/claude"));
        assert!(!pattern("bedrock/*").matches("bedrockz/claude"));
        for bad in ["", "*", "gpt*4", "*gpt", "a b", "a,b"] {
            assert!(bad.parse::<ModelPattern>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn paths_fall_in_their_classes() {
        for (tail, class) in [
            ("/chat/completions", Endpoint::Chat),
            ("/v1/messages", Endpoint::Chat),
            ("/v1/messages/count_tokens", Endpoint::Chat),
            ("/v1/messages/batches", Endpoint::Batches),
            ("/responses", Endpoint::Chat),
            (
                "/v1beta/models/gemini-2.0-flash:generateContent",
                Endpoint::Chat,
            ),
            (
                "/v1beta/models/text-embedding-004:embedContent",
                Endpoint::Embeddings,
            ),
            ("/v1beta/models", Endpoint::Models),
            ("/models/gpt-4o", Endpoint::Models),
            ("/embeddings", Endpoint::Embeddings),
            ("/audio/transcriptions", Endpoint::Audio),
            ("/images/generations", Endpoint::Images),
            ("/moderations", Endpoint::Moderation),
            ("/files", Endpoint::Files),
            ("/uploads/u1/parts", Endpoint::Files),
            ("/fine_tuning/jobs", Endpoint::FineTuning),
            ("/batches", Endpoint::Batches),
            ("/assistants", Endpoint::Assistants),
            ("/threads/t1/runs", Endpoint::Assistants),
            ("/vector_stores", Endpoint::Assistants),
            ("/organization/admin_api_keys", Endpoint::Admin),
            ("/evals", Endpoint::Other),
            ("/%66iles", Endpoint::Files),
            ("/v1beta/models/veo-2:predictLongRunning", Endpoint::Other),
            ("/v1beta/models/g:batchGenerateContent", Endpoint::Other),
            ("", Endpoint::Other),
        ] {
            assert_eq!(Endpoint::of(tail), class, "{tail}");
        }
    }

    #[test]
    fn models_are_found_wherever_the_provider_reads_them() {
        let named = |tail, query, content_type, body: &'static [u8]| {
            models_named(&Request {
                creates: true,
                tail,
                query,
                content_type,
                body,
                json: None,
            })
        };
        let json = "application/json";
        let ok = |v: &[&str]| Ok(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            named("/chat/completions", None, json, br#"{"model":"gpt-4o"}"#),
            ok(&["gpt-4o"])
        );
        assert_eq!(
            named(
                "/v1beta/models/gemini-2.0-flash:generateContent",
                Some("alt=sse&model=gemini%2D1.5"),
                json,
                b"{}"
            ),
            ok(&["gemini-2.0-flash", "gemini-1.5"])
        );
        // Encoded where the provider decodes: the path's segments, the query's keys.
        assert_eq!(
            named(
                "/v1beta/m%6Fdels/gemini-2.5-pro:generateContent",
                Some("mod%65l=o3"),
                json,
                b""
            ),
            ok(&["gemini-2.5-pro", "o3"])
        );
        assert_eq!(
            named("/embed", None, json, br#"{"model":"models/e-1"}"#),
            ok(&["e-1"])
        );
        // Deeper places providers read a model from.
        assert_eq!(
            named(
                "/v1/messages/batches",
                None,
                json,
                br#"{"requests":[{"custom_id":"a","params":{"model":"claude-opus-4"}}]}"#
            ),
            ok(&["claude-opus-4"])
        );
        assert_eq!(
            named(
                "/responses",
                None,
                json,
                br#"{"model":"gpt-4o-mini","models":["o3"],"tools":[{"type":"image_generation","model":"gpt-image-1"}]}"#
            ),
            ok(&["gpt-4o-mini", "o3", "gpt-image-1"])
        );
        // A body the proxy cannot read may name anything.
        assert_eq!(
            named("/x", None, json, br#"{"model":"gpt-4o-mini","x":"\ud800"}"#),
            Err(Unreadable)
        );
        assert_eq!(
            named("/x", None, "text/plain", b"model=o3"),
            Err(Unreadable)
        );
        let form = b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--XX\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--XX\r\nContent-Disposition: form-data; name=model\r\n\r\ngpt-4o-transcribe\r\n--XX--\r\n";
        assert_eq!(
            named(
                "/audio/transcriptions",
                None,
                "multipart/form-data; boundary=XX",
                form
            ),
            ok(&["whisper-1", "gpt-4o-transcribe"])
        );
        // Sockets: Realtime names its model in the URL, Responses in each message.
        assert!(socket_names_model_in_url("/realtime"));
        assert!(socket_names_model_in_url("/v1/realtime"));
        assert!(!socket_names_model_in_url("/responses"));
    }

    #[test]
    fn a_scope_refuses_what_it_does_not_name_and_says_which_scope() {
        let mut scope = Scope::default();
        scope.models.insert(
            "openai".into(),
            vec![pattern("gpt-4o-mini"), pattern("gpt-4.1*")],
        );
        scope.endpoints = Some([Endpoint::Chat, Endpoint::Models].into());
        let check = |tail, query, body: &'static [u8]| {
            scope.check(
                "bot",
                "openai",
                &Request {
                    creates: true,
                    tail,
                    query,
                    content_type: "application/json",
                    body,
                    json: None,
                },
            )
        };
        assert!(check("/chat/completions", None, br#"{"model":"gpt-4.1-nano"}"#).is_ok());
        let err = check("/chat/completions", None, br#"{"model":"gpt-4o"}"#).unwrap_err();
        assert!(err.to_string().contains("model gpt-4o of openai"), "{err}");
        // The body says an allowed model, the query another: both count.
        let err = check(
            "/chat/completions",
            Some("model=o3"),
            br#"{"model":"gpt-4o-mini"}"#,
        );
        assert!(matches!(err, Err(Refused::Model { model, .. }) if model == "o3"));
        assert!(matches!(
            check("/chat/completions", None, b"{}"),
            Err(Refused::NoModel { .. })
        ));
        assert!(matches!(
            check("/chat/completions", None, br#"{"model":["gpt-4o-mini"]}"#),
            Err(Refused::Model { .. })
        ));
        let err = check("/files", None, b"").unwrap_err().to_string();
        assert!(
            err.contains("files endpoints") && err.contains("chat, models"),
            "{err}"
        );
        // Listing models names none, and needs none.
        assert!(check("/models", None, b"").is_ok());
        // Another provider has no model scope.
        assert!(
            scope
                .check(
                    "bot",
                    "anthropic",
                    &Request {
                        creates: true,
                        tail: "/v1/messages",
                        query: None,
                        content_type: "application/json",
                        body: br#"{"model":"claude-x"}"#,
                        json: None,
                    }
                )
                .is_ok()
        );
    }
}
