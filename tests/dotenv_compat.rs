//! vault reads .env files as people's other tools do: wherever python-dotenv and node's dotenv
//! give a line the same value, vault gives it too, and a file python-dotenv cannot parse is an
//! error, not a guess. Both tools run for real on a corpus of hand-picked and generated files;
//! .ci/run installs them (pip: python-dotenv; npm: dotenv into target/test-deps).
//!
//! Files vault writes (`vault export`) read back the same in python-dotenv.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Where .ci/run installs node's dotenv.
fn node_modules() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-deps/node_modules")
}

/// Whether `program` can load `check`; else skips (or fails under CI=true) with the fix.
fn can_run(program: &str, args: &[&str], install: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .env("NODE_PATH", node_modules())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{program} cannot load what this test needs under CI=true: {install}");
        }
        eprintln!("SKIPPED: {program} cannot load what this test needs; {install}");
    }
    ok
}

fn have_tools() -> bool {
    can_run(
        "python3",
        &["-c", "import dotenv.parser"],
        "pip install python-dotenv",
    ) && can_run(
        "node",
        &["-e", "require('dotenv')"],
        "npm install --prefix target/test-deps dotenv",
    )
}

/// Runs a script that reads a JSON list of texts on stdin and prints one JSON result each.
fn run_script(program: &str, script: &str, texts: &[String]) -> Vec<Value> {
    let mut cmd = Command::new(program);
    cmd.args(if program == "node" {
        ["-e", script]
    } else {
        ["-c", script]
    })
    .env("NODE_PATH", node_modules());
    let input = serde_json::to_vec(texts).unwrap();
    let out = common::run_piped(&mut cmd, &input);
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json from the script")
}

/// python-dotenv's own parser, binding by binding: [key, value or null, error?]. Its values
/// are raw: expansion of ${VAR} happens later, in dotenv_values, and vault never does it.
const PYTHON: &str = r#"
import json, sys, tempfile
from dotenv.parser import parse_stream
out = []
with tempfile.NamedTemporaryFile("wb") as f:
    for text in json.load(sys.stdin):
        f.seek(0); f.truncate(); f.write(text.encode("utf-8")); f.flush()
        # As dotenv_values opens a file: UTF-8, universal newlines.
        with open(f.name, encoding="utf-8") as stream:
            out.append([[b.key, b.value, b.error] for b in parse_stream(stream)])
json.dump(out, sys.stdout)
"#;

const NODE: &str = r#"
const dotenv = require('dotenv');
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map(t => dotenv.parse(Buffer.from(t)))));
});
"#;

/// A small deterministic generator, so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn generated(count: usize) -> Vec<String> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let keys = [
        "A",
        "B_1",
        "export C",
        "  D",
        "E ",
        "'F'",
        "export  G",
        "H.I",
        "_J",
    ];
    let seps = ["=", " = ", "= ", "=\t", "="];
    let pieces = [
        "a",
        "b c",
        " ",
        "#",
        " #c",
        "'",
        "\"",
        "\\",
        "\\n",
        "\\\"",
        "\\'",
        "$X",
        "${Y}",
        "é",
        "\t",
        "\n",
        "\r\n",
        "'q r'",
        "\"q\\\"r\"",
        "=",
        "`",
        "x#y",
        " # z",
        "\\\\",
        "\x1f",
        "\u{a0}",
    ];
    let lines = ["\n", "\r\n", "\n# comment\n", "\n\n"];
    (0..count)
        .map(|_| {
            let mut text = String::new();
            for _ in 0..1 + rng.next() % 3 {
                text += rng.pick(&keys);
                text += rng.pick(&seps);
                let quote = rng.pick(&["", "", "'", "\""]);
                text += quote;
                for _ in 0..rng.next() % 5 {
                    text += rng.pick(&pieces);
                }
                text += quote;
                text += rng.pick(&lines);
            }
            text
        })
        .collect()
}

/// Files whose reading is worth pinning down by hand.
fn corpus() -> Vec<String> {
    [
        "A=1\nB=two words\nC= padded  \n",
        "export A=1\nexport   B='2'\n",
        "A=a#b\nB=a #b\nC=a\t#b\nD=#x\nE= #x\n",
        "A='it''s'\n",
        "A='$HOME ${HOME}'\nB=\"$HOME ${HOME}\"\nC=$HOME\n",
        "A=\"a\\nb\\tc\\\"d\\\\e\\$f\"\n",
        "A='a\\nb\\'c\\\\d'\n",
        "A=\"line 1\nline 2\"\nB=after\n",
        "A='line 1\r\nline 2'\r\nB=after\r\n",
        "A=\"x\" # comment\nB='y'#comment\n",
        "A=\"x\" junk\nB=1\n",
        "A=\"unclosed\nB=1\n",
        "A='unclosed\n",
        "A=\"a\\\\\"\nB=1\n",
        "A=\"a\\\\\"\nB=\"x\"\n",
        "A=\nB= \nC=''\nD=\"\"\n",
        "A\nB=1\n",
        "=1\n",
        "A B=1\n",
        "A=`backticks`\n",
        "A=\"é ünï ✓\"\nB=日本\n",
        "A=1\nA=2\n",
        "  # indented comment\n\tA=1\n",
        "A=\"a\"\"b\"\n",
        "A=x\\ y\n",
        "A=\"multi\nline\" # comment\nB=2\n",
        "A=\"\\u00e9\"\n",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn vault_read(text: &str) -> Result<BTreeMap<String, String>, String> {
    vault::dotenv::parse(text)
        .map(|parsed| {
            parsed
                .bindings
                .into_iter()
                .map(|b| (b.name, b.value.expose().to_owned()))
                .collect()
        })
        .map_err(|e| e.to_string())
}

fn is_env_name(key: &str) -> bool {
    vault::names::check_env_name(key).is_ok()
}

#[test]
fn vault_reads_what_python_dotenv_and_node_agree_on() {
    if !have_tools() {
        return;
    }
    let mut texts = corpus();
    texts.extend(generated(3000));
    let python = run_script("python3", PYTHON, &texts);
    let node = run_script("node", NODE, &texts);
    let mut compared = 0;
    for (i, text) in texts.iter().enumerate() {
        let bindings = python[i].as_array().unwrap();
        let python_failed = bindings.iter().any(|b| b[2] == true);
        let bad_name = bindings
            .iter()
            .any(|b| b[0].as_str().is_some_and(|k| !is_env_name(k)));
        // The values python-dotenv would load, last one winning.
        let mut py: BTreeMap<&str, &str> = BTreeMap::new();
        for b in bindings {
            if let (Some(k), Some(v)) = (b[0].as_str(), b[1].as_str()) {
                py.insert(k, v);
            }
        }
        let node_values = node[i].as_object().unwrap();
        let ours = vault_read(text);
        match &ours {
            Err(e) => assert!(
                python_failed || bad_name,
                "vault refused a file python-dotenv reads ({e}): {text:?}"
            ),
            Ok(values) => {
                // (After a statement it cannot parse, python-dotenv resumes mid-value and may
                // find odd names there.)
                assert!(
                    !bad_name || python_failed,
                    "vault accepted a name that is not an environment name: {text:?}"
                );
                for (k, v) in &py {
                    if node_values.get(*k).and_then(Value::as_str) == Some(v) {
                        compared += 1;
                        assert_eq!(
                            values.get(*k).map(String::as_str),
                            Some(*v),
                            "{k} in {text:?}"
                        );
                    }
                }
                // Nothing that python-dotenv would not load, unless it gave up on the file
                // (vault then reads on where node's dotenv does: see `quoted_value`).
                if !python_failed {
                    for k in values.keys() {
                        assert!(py.contains_key(k.as_str()), "{k} in {text:?}");
                    }
                }
            }
        }
    }
    assert!(compared > 1000, "only {compared} values were compared");
}

#[test]
fn python_dotenv_reads_what_vault_writes() {
    if !have_tools() {
        return;
    }
    let mut values = common::nasty_values();
    values.push(String::new());
    let mut written = vault::secret::SecretText::new();
    for (i, value) in values.iter().enumerate() {
        vault::dotenv::write_binding(&mut written, &format!("V{i}"), value);
    }
    let text = written.as_str().to_owned();
    let python = run_script("python3", PYTHON, std::slice::from_ref(&text));
    let bindings = python[0].as_array().unwrap();
    assert_eq!(bindings.len(), values.len(), "{text}");
    for (i, value) in values.iter().enumerate() {
        assert_eq!(bindings[i][0], format!("V{i}"));
        assert_eq!(bindings[i][1], *value, "V{i} in {text}");
        assert_eq!(bindings[i][2], false);
    }
    // Node's dotenv decodes neither `\"` nor `\\` in double quotes; it reads every other value.
    let node = run_script("node", NODE, std::slice::from_ref(&text));
    for (i, value) in values.iter().enumerate() {
        let double_quoted = text.lines().any(|l| l.starts_with(&format!("V{i}=\"")));
        if !(double_quoted && value.contains(['"', '\\'])) {
            assert_eq!(node[0][format!("V{i}")], *value, "V{i} in {text}");
        }
    }
}
