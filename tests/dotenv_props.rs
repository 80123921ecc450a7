//! Properties of the .env reader and writer, over arbitrary values: what `vault export` writes
//! reads back to the same values, and reading any text never panics nor quotes it in an error.

use proptest::prelude::*;
use vault::dotenv::{parse, write_binding};

/// Any text an environment variable can hold, weighted towards what breaks quoting.
fn value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("#".to_owned()),
        Just(" #".to_owned()),
        Just("$".to_owned()),
        Just("${X}".to_owned()),
        Just("`".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("=".to_owned()),
        Just("\x1f".to_owned()),
        Just("\u{85}".to_owned()),
        Just("\u{a0}".to_owned()),
        "[a-z]{1,3}",
        "\\PC{1,2}",
        any::<char>()
            .prop_filter("no NUL", |c| *c != '\0')
            .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

fn name() -> impl Strategy<Value = String> {
    "[A-Z_][A-Z0-9_]{0,8}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn written_files_read_back(entries in prop::collection::btree_map(name(), value(), 1..8)) {
        let mut written = vault::secret::SecretText::new();
        for (name, value) in &entries {
            write_binding(&mut written, name, value);
        }
        let text = written.as_str().to_owned();
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
        let back: std::collections::BTreeMap<String, String> = parsed
            .bindings
            .into_iter()
            .map(|b| (b.name, b.value.expose().to_owned()))
            .collect();
        prop_assert_eq!(back, entries, "{}", text);
    }

    #[test]
    fn any_text_reads_or_fails_without_quoting_it(
        before in value(),
        after in value(),
    ) {
        let canary = "sk-canary-7Qz9XvLm2Rt8WpYb";
        let text = format!("{before}{canary}{after}");
        if let Err(e) = parse(&text) {
            prop_assert!(!e.to_string().contains("canary"), "{e}");
            let lines = text.replace("\r\n", "\n").replace('\r', "\n").split('\n').count();
            prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}", e.line);
        }
    }
}
