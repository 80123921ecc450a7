//! The decrypted document's form, described by the model's serde derives alone.
//!
//! Format 2 (written since this version) is MessagePack with field names: strings are
//! length-prefixed, so every value is read straight from the decrypted buffer (which is
//! wiped), never unescaped into one that is not, and 10,000 entries open in milliseconds.
//! Format 1 is TOML text (what earlier versions wrote, and what a person may write and encrypt
//! with the `age` tool); it is read by the `toml` crate into the same types and written as
//! format 2 at the next save.

use zeroize::Zeroizing;

use super::entry::{InvalidEntry, Verdict};
use super::model::Document;
#[cfg(test)]
use super::model::FORMAT_VERSION;
use crate::names::NameError;
use crate::secret::SecretBytes;

/// A document that decrypts but is not one this vault can use. Carries a line number or a
/// field's name at most: toml and serde errors quote the offending input, which may be a
/// secret value.
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
    MissingField(usize, String),
    #[error("the document is not in the vault format{0}")]
    Damaged(&'static str),
    #[error(
        "the document holds a field this version of vault does not know (written by a newer \
         vault?)"
    )]
    Unknown,
    #[error(
        "{} holds a name that is not one (entries, and the variables agents get them as, are \
         environment-variable names such as OPENAI_API_KEY; agents are named with letters, \
         digits, _ and -): a hand-edited vault?",
        at_line(*.0)
    )]
    BadName(usize),
    /// Entry names are names, never values, so one can be given.
    #[error("entry {0}: {1} (a hand-edited vault?)")]
    Invalid(String, InvalidEntry),
}

/// The document as format 2 (MessagePack), in a buffer that wipes itself and what it outgrows.
/// (A document read from format 1 says version 2 once it is open: see `VaultFile::open`.)
/// The model must keep to what rmp-serde writes straight into that buffer: no
/// `#[serde(flatten)]` and no sequence of unknown length, which it would buffer elsewhere.
pub fn to_bytes(doc: &Document) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let mut out = SecretBytes::default();
    rmp_serde::encode::write_named(&mut out, doc)
        .map_err(|_| FormatError::Damaged(": vault could not write it (nothing was saved)"))?;
    Ok(out.into_zeroizing())
}

/// Reads a decrypted document: format 2 (MessagePack: it starts with a map's marker, a byte
/// no TOML text starts with), else format 1 (TOML text).
pub fn from_bytes(bytes: &[u8]) -> Result<Document, FormatError> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let doc = match bytes.first() {
        Some(first) if *first >= 0x80 && !bytes.starts_with(BOM) => read_messagepack(bytes)?,
        _ => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| FormatError::Damaged(": its content is neither vault's nor text"))?;
            read_toml(text)?
        }
    };
    Ok(doc)
}

/// The field a serde message says is missing. serde names one of the schema's own fields
/// there (the derives' static names), never the input's text; a name that does not look like
/// one of them is not given either.
fn field_in(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    let name = &rest[..rest.find('`')?];
    let schema_like = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    schema_like.then(|| name.to_owned())
}

fn read_messagepack(bytes: &[u8]) -> Result<Document, FormatError> {
    let doc = rmp_serde::from_slice(bytes).map_err(|e| {
        let message = e.to_string();
        if let Some(invalid) = invalid_entry(&message, || rmp_serde::from_slice(bytes).ok()) {
            invalid
        } else if is_bad_name(&message) {
            FormatError::BadName(0)
        } else if message.contains("unknown field") {
            FormatError::Unknown
        } else if let Some(field) = field_in(&message) {
            FormatError::MissingField(0, field)
        } else {
            FormatError::Damaged(" (format 2)")
        }
    })?;
    // Anything after the document would be dropped at the next save: refused instead.
    if first_value_len(bytes) != Some(bytes.len()) {
        return Err(FormatError::Damaged(": it has more after its end"));
    }
    Ok(doc)
}

/// How many bytes the first MessagePack value of `bytes` takes (its markers and lengths walked,
/// nothing copied); `None` when it does not end inside `bytes`.
fn first_value_len(bytes: &[u8]) -> Option<usize> {
    let number = |at: usize, n: usize| -> Option<u64> {
        let b = bytes.get(at..at.checked_add(n)?)?;
        Some(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
    };
    let (mut at, mut pending) = (0usize, 1u64);
    while pending > 0 {
        pending -= 1;
        let marker = *bytes.get(at)?;
        at += 1;
        // (bytes of payload to skip, values that follow inside it)
        let (payload, values, width): (u64, u64, usize) = match marker {
            0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => (0, 0, 0),
            0x80..=0x8f => (0, 2 * u64::from(marker & 0x0f), 0),
            0x90..=0x9f => (0, u64::from(marker & 0x0f), 0),
            0xa0..=0xbf => (u64::from(marker & 0x1f), 0, 0),
            0xc4 | 0xd9 => (number(at, 1)?, 0, 1),
            0xc5 | 0xda => (number(at, 2)?, 0, 2),
            0xc6 | 0xdb => (number(at, 4)?, 0, 4),
            0xc7 => (number(at, 1)? + 1, 0, 1),
            0xc8 => (number(at, 2)? + 1, 0, 2),
            0xc9 => (number(at, 4)? + 1, 0, 4),
            0xca => (4, 0, 0),
            0xcb => (8, 0, 0),
            0xcc | 0xd0 => (1, 0, 0),
            0xcd | 0xd1 => (2, 0, 0),
            0xce | 0xd2 => (4, 0, 0),
            0xcf | 0xd3 => (8, 0, 0),
            0xd4 => (2, 0, 0),
            0xd5 => (3, 0, 0),
            0xd6 => (5, 0, 0),
            0xd7 => (9, 0, 0),
            0xd8 => (17, 0, 0),
            0xdc => (0, number(at, 2)?, 2),
            0xdd => (0, number(at, 4)?, 4),
            0xde => (0, 2 * number(at, 2)?, 2),
            0xdf => (0, 2 * number(at, 4)?, 4),
            0xc1 => return None,
        };
        at = at
            .checked_add(width)?
            .checked_add(usize::try_from(payload).ok()?)?;
        pending = pending.checked_add(values)?;
    }
    (at <= bytes.len()).then_some(at)
}

fn read_toml(text: &str) -> Result<Document, FormatError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(0);
        // serde's message for these cases names the field, never a value; it is not shown.
        let message = e.message();
        if let Some(invalid) = invalid_entry(message, || toml::from_str(text).ok()) {
            invalid
        } else if is_bad_name(message) {
            FormatError::BadName(line)
        } else if message.starts_with("unknown field") {
            FormatError::UnknownField(line)
        } else if let Some(field) = field_in(message) {
            FormatError::MissingField(line, field)
        } else {
            FormatError::Malformed(line)
        }
    })
}

/// Whether serde's message is a name's refusal (see `names`; it never quotes the name).
fn is_bad_name(message: &str) -> bool {
    [NameError::Env("").to_string(), NameError::Agent.to_string()]
        .iter()
        .any(|refusal| {
            let (start, end) = refusal.split_once("()").unwrap_or((refusal, ""));
            message.contains(start) && message.contains(end)
        })
}

fn at_line(line: usize) -> String {
    match line {
        0 => "the document".to_owned(),
        n => format!("line {n} of the document"),
    }
}

/// The entry a refused document was refused for, when it broke an entry's rule (see
/// `entry`): the document is read again, entry by entry, to name it.
fn invalid_entry(message: &str, again: impl FnOnce() -> Option<Verdicts>) -> Option<FormatError> {
    let rule = InvalidEntry::ALL
        .into_iter()
        .find(|rule| message.contains(&rule.to_string()))?;
    let name = again().and_then(|v| {
        v.entries
            .into_iter()
            .find_map(|(name, Verdict(broken))| (broken == Some(rule)).then_some(name))
    });
    Some(FormatError::Invalid(
        name.unwrap_or_else(|| "?".into()),
        rule,
    ))
}

/// Each entry's verdict, and nothing else of the document.
#[derive(serde::Deserialize)]
struct Verdicts {
    #[serde(default)]
    entries: std::collections::BTreeMap<String, Verdict>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretValue;
    use crate::vault::model::{Details, RecipientEntry};

    fn doc() -> Document {
        let now: jiff::Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        let mut doc = Document::new(vec![RecipientEntry {
            key: "age1aaa".into(),
            label: Some("me".into()),
            added: now,
        }]);
        let controls: String = (1u8..32).map(char::from).collect();
        for (i, value) in [controls.as_str(), "\"\"\"\\\\", "plain", "üñï ✓\nline"]
            .iter()
            .enumerate()
        {
            let value = SecretValue::new((*value).to_owned()).unwrap();
            doc.add_entry(&format!("E{i}"), Details::Secret, value, now)
                .unwrap();
        }
        doc
    }

    #[test]
    fn format_2_round_trips_every_byte() {
        let doc = doc();
        let bytes = to_bytes(&doc).unwrap();
        assert!(bytes[0] >= 0x80, "not MessagePack");
        let back = from_bytes(&bytes).unwrap();
        assert_eq!(back.version, FORMAT_VERSION);
        assert_eq!(back.recipients, doc.recipients);
        for (name, entry) in &doc.entries {
            assert_eq!(back.entries[name].value(), entry.value(), "{name}");
        }
    }

    #[test]
    fn format_1_text_is_read_and_written_as_format_2() {
        let text = "version = 1\n[[recipients]]\nkey = \"age1aaa\"\nadded = 2026-01-01T00:00:00Z\n\
                    [entries.A]\nkind = \"secret\"\nvalue = \"v\"\ncreated = \
                    2026-01-01T00:00:00Z\nupdated = \"2026-01-01T00:00:00Z\"\n";
        let mut doc = from_bytes(text.as_bytes()).unwrap();
        assert_eq!(doc.version, 1);
        assert_eq!(doc.entries["A"].value().expose(), "v");
        doc.version = FORMAT_VERSION;
        let back = from_bytes(&to_bytes(&doc).unwrap()).unwrap();
        assert_eq!(back.version, FORMAT_VERSION);
        assert_eq!(back.entries["A"].value().expose(), "v");
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
            let err = from_bytes(extra.as_bytes()).unwrap_err();
            assert!(
                matches!(err, FormatError::UnknownField(_)),
                "{extra}: {err}"
            );
        }
        // The same in format 2.
        #[derive(serde::Serialize)]
        struct Newer<'a> {
            version: u32,
            flag: bool,
            recipients: &'a [RecipientEntry],
        }
        let doc = doc();
        let mut bytes = Vec::new();
        rmp_serde::encode::write_named(
            &mut bytes,
            &Newer {
                version: 2,
                flag: true,
                recipients: &doc.recipients,
            },
        )
        .unwrap();
        assert!(matches!(from_bytes(&bytes), Err(FormatError::Unknown)));
    }

    #[test]
    fn errors_never_quote_a_value() {
        let secret = "sk-proj-SECRETvalueNEVERshown0123456789";
        for text in [
            format!("version = 1\n[entries.A]\nkind = \"secret\"\nvalue = {secret}\n"),
            format!("version = \"{secret}\"\n"),
            format!("[entries.A]\nkind = \"{secret}\"\n"),
        ] {
            let err = from_bytes(text.as_bytes()).unwrap_err().to_string();
            assert!(!err.contains("SECRET"), "{err}");
        }
        let mut bytes = to_bytes(&doc()).unwrap().to_vec();
        assert_eq!(first_value_len(&bytes), Some(bytes.len()));
        // More after the document would be dropped at the next save: refused.
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0x81, 0xa1, b'x', 0xa1, b'y']);
        assert!(matches!(from_bytes(&longer), Err(FormatError::Damaged(_))));
        let at = bytes.len() / 2;
        bytes.truncate(at);
        assert!(from_bytes(&bytes).is_err());
        assert_eq!(first_value_len(&bytes), None);
    }

    #[test]
    fn a_check_result_is_one_of_its_kinds() {
        let provider = |status: &str| {
            format!(
                "version = 1\n[entries.K]\nkind = \"provider\"\nvalue = \"sk-x\"\nprovider = \
                 \"openai\"\nstatus = \"{status}\"\nchecked = 2026-01-01T00:00:00Z\ncreated = \
                 2026-01-01T00:00:00Z\nupdated = 2026-01-01T00:00:00Z\n"
            )
        };
        use crate::providers::verify::Status;
        for (text, status) in [
            ("active", Status::Active),
            ("invalid", Status::Invalid),
            ("error: timed out", Status::Error("timed out".into())),
        ] {
            let doc = from_bytes(provider(text).as_bytes()).unwrap();
            let status_of = |d: &Document| {
                d.entries["K"]
                    .provider_key()?
                    .last_check()
                    .map(|(s, _)| s.clone())
            };
            assert_eq!(status_of(&doc), Some(status.clone()));
            let back = from_bytes(&to_bytes(&doc).unwrap()).unwrap();
            assert_eq!(status_of(&back), Some(status));
        }
        assert!(matches!(
            from_bytes(provider("excellent").as_bytes()),
            Err(FormatError::Malformed(_))
        ));
    }

    /// The stored entry `K` with `fields` besides its value and times, in format 1 and format 2.
    fn stored(fields: &[(&str, &str)]) -> [Vec<u8>; 2] {
        let mut entry = serde_json::json!({
            "value": "sk-proj-a-value-never-quoted-0123",
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
        });
        let mut text = String::from("version = 1\n[entries.K]\n");
        for (field, value) in fields {
            entry[*field] = (*value).into();
        }
        for (field, value) in entry.as_object().unwrap() {
            text.push_str(&format!("{field} = {value}\n"));
        }
        let doc = serde_json::json!({ "version": 2, "entries": { "K": entry } });
        [text.into_bytes(), rmp_serde::to_vec_named(&doc).unwrap()]
    }

    #[test]
    fn a_missing_field_is_named_from_the_schema() {
        let text = "version = 1\n[entries.A]\nkind = \"secret\"\nvalue = \"v\"\ncreated = \
                    2026-01-01T00:00:00Z\n[agents.x]\ncreated = 2026-01-01T00:00:00Z\n";
        let err = from_bytes(text.as_bytes()).unwrap_err();
        assert!(
            matches!(&err, FormatError::MissingField(_, f) if f == "updated"),
            "{err}"
        );
        let [_, bytes] = stored(&[("kind", "secret")]);
        let mut doc: serde_json::Value = rmp_serde::from_slice(&bytes).unwrap();
        doc["entries"]["K"].as_object_mut().unwrap().remove("value");
        let err = from_bytes(&rmp_serde::to_vec_named(&doc).unwrap()).unwrap_err();
        assert!(
            matches!(&err, FormatError::MissingField(0, f) if f == "value"),
            "{err}"
        );
    }

    #[test]
    fn names_are_checked_as_they_are_read() {
        let head = "version = 1\n";
        let entry = "kind = \"secret\"\nvalue = \"v\"\ncreated = 2026-01-01T00:00:00Z\nupdated = 2026-01-01T00:00:00Z\n";
        for text in [
            format!("{head}[entries.BAD-NAME]\n{entry}"),
            format!("{head}[entries.A]\n{entry}[agents.\"a/b\"]\n"),
            format!("{head}[entries.A]\n{entry}[agents.x.attach]\nA = \"NOT OK\"\n"),
        ] {
            let err = from_bytes(text.as_bytes()).unwrap_err();
            assert!(
                matches!(err, FormatError::BadName(n) if n > 1),
                "{text}: {err}"
            );
            let shown = err.to_string();
            assert!(!shown.contains("BAD") && !shown.contains("a/b") && !shown.contains("NOT OK"));
        }
        let doc = serde_json::json!({ "version": 2, "entries": { "sk-proj-pasted": {} } });
        let bytes = rmp_serde::to_vec_named(&doc).unwrap();
        let err = from_bytes(&bytes).unwrap_err();
        assert!(matches!(err, FormatError::BadName(0)), "{err}");
        assert!(!err.to_string().contains("pasted"), "{err}");
    }

    #[test]
    fn provider_details_only_on_provider_keys() {
        let key = [("kind", "provider"), ("provider", "openai")];
        let check = [("status", "active"), ("checked", "2026-01-01T00:00:00Z")];
        let custom = [("kind", "provider"), ("provider", "custom")];
        let refused: [(Vec<(&str, &str)>, InvalidEntry); 7] = [
            (
                vec![("kind", "secret"), ("provider", "openai")],
                InvalidEntry::NotAProviderKey,
            ),
            (
                vec![("kind", "variable"), ("status", "active")],
                InvalidEntry::NotAProviderKey,
            ),
            (vec![("kind", "provider")], InvalidEntry::UnknownProvider),
            (
                vec![("kind", "provider"), ("provider", "OpenAI")],
                InvalidEntry::UnknownProvider,
            ),
            (custom.to_vec(), InvalidEntry::NeedsBaseUrl),
            (
                [
                    &custom[..],
                    &[("base_url", "http://user:pw@example.com/v1")],
                ]
                .concat(),
                InvalidEntry::BadBaseUrl,
            ),
            ([&key[..], &check[..1]].concat(), InvalidEntry::HalfACheck),
        ];
        for (fields, rule) in refused {
            for bytes in stored(&fields) {
                let err = from_bytes(&bytes).unwrap_err();
                assert!(
                    matches!(&err, FormatError::Invalid(name, r) if name == "K" && *r == rule),
                    "{fields:?}: {err}"
                );
                assert!(!err.to_string().contains("never-quoted"), "{err}");
            }
        }
        let accepted = [
            key.to_vec(),
            [&key[..], &check[..]].concat(),
            [&custom[..], &[("base_url", "https://example.com/v1")]].concat(),
        ];
        for fields in accepted {
            for bytes in stored(&fields) {
                let doc = from_bytes(&bytes).unwrap();
                // And it is written back as it was read.
                let again = from_bytes(&to_bytes(&doc).unwrap()).unwrap();
                assert_eq!(again.entries["K"], doc.entries["K"], "{fields:?}");
            }
        }
    }
}
