//! Timestamps as the vault document writes them: TOML offset date-times.

use jiff::Timestamp;

/// An offset date-time as TOML defines it (date, time and offset all present), as a timestamp.
/// Built from the parsed fields: formatting and re-parsing 20,000 of them cost milliseconds.
pub fn parse_offset_datetime(text: &str) -> Option<Timestamp> {
    let toml_datetime::Datetime {
        date: Some(date),
        time: Some(time),
        offset: Some(offset),
    } = text.parse().ok()?
    else {
        return None;
    };
    let civil = jiff::civil::DateTime::new(
        i16::try_from(date.year).ok()?,
        i8::try_from(date.month).ok()?,
        i8::try_from(date.day).ok()?,
        i8::try_from(time.hour).ok()?,
        i8::try_from(time.minute).ok()?,
        // A leap second (:60) is clamped to :59, as jiff does when it parses one.
        i8::try_from(time.second.unwrap_or(0).min(59)).ok()?,
        i32::try_from(time.nanosecond.unwrap_or(0)).ok()?,
    )
    .ok()?;
    let minutes = match offset {
        toml_datetime::Offset::Z => 0,
        toml_datetime::Offset::Custom { minutes } => i32::from(minutes),
    };
    jiff::tz::Offset::from_seconds(minutes * 60)
        .ok()?
        .to_timestamp(civil)
        .ok()
}

/// Timestamps are native TOML offset date-times (`updated = 2026-11-22T10:00:00Z`); RFC 3339
/// strings are read too. (Used when the `toml` crate reads a document; see `format`.)
pub mod toml_time {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, de::Error as _};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Native(toml::value::Datetime),
            Text(String),
        }
        let text = match Either::deserialize(deserializer)? {
            Either::Native(datetime) => datetime.to_string(),
            Either::Text(text) => text,
        };
        super::parse_offset_datetime(&text)
            .ok_or_else(|| D::Error::custom("a timestamp is not an offset date-time"))
    }

    pub fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        deserialize(deserializer).map(Some)
    }
}
