//! The host's import graph, read from its own sources: no module may reach, through
//! the modules it names, back to itself. Run it alone with
//! `cargo test -p bulkhead --lib layers -- --nocapture`, which also prints the graph.
//!
//! A module is a file (`a/mod.rs` is `a`, `a/b.rs` is `a::b`), except that a private
//! child (`mod b;`, not `pub mod b;`) is part of its parent: nobody else can name it.
//! A module depends on every module it names with a `crate::` or `super::` path
//! outside its unit tests; a path is charged to the longest module it starts with.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every module of the host, by path, with the text of its file up to its unit tests.
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&root).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        let name = match parts.as_slice() {
            // The crate root declares modules; this test is not one of them.
            [only] if only == "lib" || only == "main" || only == "layers" => continue,
            _ => parts.join("::"),
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => text[..at].to_owned(),
            None => text,
        };
        out.insert(name, code);
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The paths `code` names: each `crate::a::b` or `super::c` (the latter
/// resolved against `module`), and each name inside a `use crate::a::{b, c::d}` group.
fn paths(module: &str, code: &str) -> Vec<Vec<String>> {
    let here: Vec<String> = module.split("::").map(str::to_owned).collect();
    let mut out = Vec::new();
    for line in statements(code) {
        let line = line.as_str();
        let mut hits: Vec<usize> = line
            .match_indices("crate::")
            .chain(line.match_indices("super::"))
            .map(|(at, _)| at)
            .collect();
        hits.sort_unstable();
        for at in hits {
            if line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let (mut base, rest) = if line[at..].starts_with("crate::") {
                (Vec::new(), &line[at + 7..])
            } else {
                // `super::` from `a::b` (a file) is `a`.
                (here[..here.len() - 1].to_vec(), &line[at + 7..])
            };
            let mut rest = rest;
            while let Some(more) = rest.strip_prefix("super::") {
                base.pop();
                rest = more;
            }
            // The leading identifiers of `s` joined by `::`, up to the first that
            // is followed by anything else.
            let idents = |s: &str| -> Vec<String> {
                let mut out = Vec::new();
                for seg in s.split("::") {
                    let ident: String = seg
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if ident.is_empty() {
                        break;
                    }
                    let whole = ident.len() == seg.len();
                    out.push(ident);
                    if !whole {
                        break;
                    }
                }
                out
            };
            let head = idents(rest);
            let mut path = base.clone();
            path.extend(head.iter().cloned());
            out.push(path.clone());
            // `crate::a::{b, c::d}`: each member of the group too.
            let consumed: usize = head.iter().map(|s| s.len() + 2).sum();
            if let Some(group) = rest.get(consumed..).and_then(|g| g.strip_prefix('{')) {
                let group = group.split('}').next().unwrap_or("");
                for member in group.split(',') {
                    let member = idents(member.trim());
                    if !member.is_empty() && member[0] != "self" {
                        let mut p = path.clone();
                        p.extend(member);
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

/// The lines of `code` that are not comments, a `use` spread over several lines joined
/// into one.
fn statements(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    for line in code.lines() {
        let line = line.trim();
        if line.starts_with("//") {
            continue;
        }
        if let Some(mut pending) = open.take() {
            pending.push(' ');
            pending.push_str(line);
            if line.contains(';') {
                out.push(pending);
            } else {
                open = Some(pending);
            }
            continue;
        }
        let is_use = ["use ", "pub use ", "pub(crate) use "]
            .iter()
            .any(|p| line.starts_with(p));
        if is_use && !line.contains(';') {
            open = Some(line.to_owned());
        } else {
            out.push(line.to_owned());
        }
    }
    out.extend(open);
    out
}

/// The private children each module declares (`mod b;` in `a` is `a::b`).
fn private_children(modules: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (name, code) in modules {
        for line in code.lines() {
            if let Some(child) = line
                .trim()
                .strip_prefix("mod ")
                .and_then(|l| l.strip_suffix(';'))
            {
                out.insert(format!("{name}::{child}"));
            }
        }
    }
    out
}

/// The import graph: module → the other modules it depends on.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let private = private_children(&modules);
    // The module a file belongs to: itself, or the parent of a private child.
    let unit = |m: &str| -> String {
        let mut m = m.to_owned();
        while private.contains(&m) {
            m.truncate(m.rfind("::").unwrap());
        }
        m
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, code) in &modules {
        let from = unit(name);
        let mut deps = BTreeSet::new();
        for path in paths(name, code) {
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|m| modules.contains_key(m))
                .map(|m| unit(&m));
            // A module naming its own items is not an import.
            if let Some(target) = target.filter(|t| *t != from) {
                deps.insert(target);
            }
        }
        graph.entry(from).or_default().extend(deps);
    }
    graph
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in &self.graph[v] {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn no_module_of_the_host_imports_itself_back() {
    let graph = graph();
    for (module, deps) in &graph {
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        println!("{module} -> {}", deps.join(", "));
    }
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles (each line: modules that reach each other):\n{}",
        cycles
            .iter()
            .map(|c| c.join(" <-> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_reader_sees_every_kind_of_path_and_finds_a_planted_cycle() {
    let found = paths(
        "capabilities::docker",
        "use crate::report::{Report, formats::sarif};\n// crate::ignored\n\
         let x = super::check(); use crate::a::{self, b};\nuse crate::c::{\n    d,\n    e,\n};",
    );
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "report",
            "report::Report",
            "report::formats::sarif",
            "capabilities::check",
            "a",
            "a::b",
            "c",
            "c::d",
            "c::e"
        ]
    );
    let mut graph = BTreeMap::new();
    let edge = |to: &[&str]| to.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    graph.insert("a".to_owned(), edge(&["b"]));
    graph.insert("b".to_owned(), edge(&["c"]));
    graph.insert("c".to_owned(), edge(&["a"]));
    graph.insert("d".to_owned(), edge(&["a"]));
    assert_eq!(cycles(&graph), [vec!["a", "b", "c"]]);
}
