//! Rules of the code's shape, checked on the source: no module cycles, and nothing outside
//! the catalog that knows a provider by its id.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Every source file, by module path (`vault::model`; `lib.rs` and `main.rs` are the root,
/// ""), with its text up to its test module.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new(SRC), &mut files);
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(SRC).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                parts.clear();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = match text.find("#[cfg(test)]\nmod tests") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            // Comments say what the code does, not what it uses.
            let code: String = code
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            (parts.join("::"), code)
        })
        .collect()
}

fn parent(module: &str) -> &str {
    module.rsplit_once("::").map_or("", |(p, _)| p)
}

/// The paths a file names: `crate::a::b`, `super::x` (resolved from the file's module), and
/// the items of `use crate::a::{b, c}` / `use super::{x, y}`.
fn references(module: &str, code: &str) -> Vec<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found = Vec::new();
    let resolve = |mut base: String, path: &str| -> String {
        let mut rest = path;
        while let Some(r) = rest.strip_prefix("super::") {
            base = parent(&base).to_owned();
            rest = r;
        }
        if base.is_empty() {
            rest.to_owned()
        } else {
            format!("{base}::{rest}")
        }
    };
    for (start, prefix) in [("crate::", ""), ("super::", "super")] {
        let mut at = 0;
        while let Some(i) = code[at..].find(start) {
            let i = at + i;
            at = i + start.len();
            if i > 0 && code[..i].ends_with(|c: char| ident(c) || c == ':') {
                continue;
            }
            let tail = &code[i + start.len()..];
            let path: String = tail
                .chars()
                .take_while(|c| ident(*c) || *c == ':')
                .collect();
            let path = path.trim_end_matches(':');
            let base = if prefix.is_empty() {
                String::new()
            } else {
                parent(module).to_owned()
            };
            let full = if prefix.is_empty() {
                path.to_owned()
            } else {
                resolve(base.clone(), path)
            };
            found.push(full.clone());
            // `…::{a, b::c}`: each item too.
            let after = &tail[path.len()..];
            if let Some(group) = after.strip_prefix("::{") {
                let group = group.split('}').next().unwrap_or("");
                for item in group.split([',', '{']) {
                    let item = item.trim();
                    if !item.is_empty() && item != "self" {
                        found.push(format!("{full}::{item}"));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn no_module_depends_on_one_that_depends_on_it() {
    let modules = modules();
    let known: BTreeSet<&str> = modules.keys().map(String::as_str).collect();
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|candidate| known.contains(candidate.as_str()))
    };
    // Edges between the modules that differ first: a file of vault/ using another of vault/
    // is an edge between the two; one outside using vault's is an edge to vault. A module
    // using its own ancestors' face, or its own descendants, is not an edge.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &modules {
        for target in references(module, code).iter().filter_map(|r| resolve(r)) {
            let (a, b): (Vec<&str>, Vec<&str>) =
                (module.split("::").collect(), target.split("::").collect());
            let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            if module.is_empty() || target.is_empty() || common == a.len() || common == b.len() {
                continue;
            }
            let from = a[..=common].join("::");
            let to = b[..=common].join("::");
            graph.entry(from).or_default().insert(to);
        }
    }
    // A cycle is a path from a module back to itself.
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == start {
                    cycles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn only_the_catalog_knows_providers_by_id() {
    let ids: Vec<&str> = vault::providers::CATALOG.iter().map(|p| p.id).collect();
    let mut found = Vec::new();
    for (module, code) in modules() {
        if module == "providers" || module.starts_with("providers::") {
            continue;
        }
        for id in &ids {
            if code.contains(&format!("\"{id}\"")) {
                found.push(format!("{module}: \"{id}\""));
            }
        }
    }
    assert!(
        found.is_empty(),
        "provider ids outside the catalog (give the catalog a field instead):\n{}",
        found.join("\n")
    );
}
