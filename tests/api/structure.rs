//! The layering of the code (issue 21): no circle of files, so that a file can be read (and
//! changed) knowing only what lies below it. A file's dependencies are the `crate::…`,
//! `super::…` and `self::…` paths it names outside comments and its test module; a parent's own
//! children and a child's ancestors (the `mod.rs` that declares it) do not count, nor does
//! sea-orm's relation pair (`entities::session` ↔ `entities::user`), which the ORM's relations
//! require.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`evaluate::report`) → file text, for every `.rs` file under `src/`.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src");
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                if parts == ["lib"] || parts == ["main"] {
                    parts.clear();
                }
                let text = std::fs::read_to_string(&path).expect("source file");
                out.insert(parts.join("::"), text);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The code of a file without its comments and its `#[cfg(test)] mod tests { … }`.
fn code(text: &str) -> String {
    let body = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or_default();
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules a file names through `crate::`, `super::` and `self::` paths.
fn dependencies(module: &str, text: &str, all: &BTreeSet<String>) -> BTreeSet<String> {
    let here: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let mut out = BTreeSet::new();
    let code = code(text);
    let bytes = code.as_bytes();
    for head in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(head) {
            let start = from + at;
            from = start + head.len();
            // A whole word: not the end of another identifier.
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let rest: Vec<&str> = code[start..]
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
                .split("::")
                .filter(|s| !s.is_empty())
                .collect();
            let mut base: Vec<&str> = match rest.first() {
                Some(&"crate") => Vec::new(),
                // In `a/b.rs` (module a::b) `super` is `a`; in `a/mod.rs` (module a) it is the
                // parent of `a`: either way the module path without its last part.
                Some(&"super") => here[..here.len().saturating_sub(1)].to_vec(),
                _ => here.clone(),
            };
            let mut tail = &rest[1.min(rest.len())..];
            while tail.first() == Some(&"super") {
                base.pop();
                tail = &tail[1..];
            }
            let path: Vec<&str> = base.iter().chain(tail.iter()).copied().collect();
            let target = (1..=path.len())
                .rev()
                .map(|k| path[..k].join("::"))
                .find(|m| all.contains(m));
            if let Some(target) = target {
                let related = target == module
                    || target.starts_with(&format!("{module}::"))
                    || module.starts_with(&format!("{target}::"))
                    || target.is_empty();
                if !related {
                    out.insert(target);
                }
            }
        }
    }
    out
}

/// The circles of the graph (strongly connected groups of two or more files).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finish order on the graph, then groups on the reversed graph.
    fn visit(
        v: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<String>,
        order: &mut Vec<String>,
    ) {
        if !seen.insert(v.to_owned()) {
            return;
        }
        for w in edges.get(v).into_iter().flatten() {
            visit(w, edges, seen, order);
        }
        order.push(v.to_owned());
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for v in edges.keys() {
        visit(v, edges, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (v, ws) in edges {
        for w in ws {
            reversed.entry(w.clone()).or_default().insert(v.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for v in order.iter().rev() {
        let mut group = Vec::new();
        visit(v, &reversed, &mut assigned, &mut group);
        if group.len() > 1 {
            group.sort();
            out.push(group);
        }
    }
    out
}

#[test]
fn no_file_of_the_code_imports_one_that_imports_it_back() {
    let modules = modules();
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let edges: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|(m, text)| (m.clone(), dependencies(m, text, &names)))
        .collect();
    assert!(
        edges
            .get("evaluate::report")
            .is_some_and(|d| d.contains("evaluate::report_plan")),
        "the reader sees dependencies at all: {:?}",
        edges.get("evaluate::report")
    );
    let allowed = vec!["entities::session".to_owned(), "entities::user".to_owned()];
    let found: Vec<Vec<String>> = circles(&edges)
        .into_iter()
        .filter(|c| *c != allowed)
        .collect();
    assert!(
        found.is_empty(),
        "files that import each other (directly or round a circle): {found:?}"
    );
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        circles(&edges),
        vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]
    );
}
