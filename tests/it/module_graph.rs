//! The modules of `src/` import each other one way only: no circle (context → session →
//! context, …). Read from the source: every `crate::` path in a file (in `use` lines and in
//! code) is an edge from the file's top-level module to the module the path names, directly
//! (`crate::store::…`) or through a re-export at the root (`crate::{ApiContext, Error}`, from
//! `src/lib.rs`'s `pub use` lines).
//!
//! Not in the graph: `api`, the code progenitor generates from the spec, which refers to the
//! shell around it (`crate::ClientState`, `crate::Error`) as every progenitor client does; and
//! `super::` paths, which stay inside their top-level module in this crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Left out of the graph; see the module documentation.
const GENERATED: &str = "api";

/// An edge's files: the files of the first module that name the second.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn no_module_imports_go_in_a_circle() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    // The reader finds imports at all: a parser that saw none would find no circle either.
    for (from, to) in [("context", "client"), ("client", "session"), ("callbacks", "context"), ("store", "error")] {
        assert!(graph.get(from).is_some_and(|edges| edges.contains_key(to)), "{from} → {to} not seen: {graph:?}");
    }
    let circles = circles(&graph);
    let described: Vec<String> = circles.iter().map(|circle| describe(&graph, circle)).collect();
    assert!(described.is_empty(), "imports in src/ go in a circle:\n{}", described.join("\n"));
}

#[test]
fn the_reader_sees_every_kind_of_path_and_nothing_in_comments_or_strings() {
    let code = r##"
        use crate::{Error, store::{Lease, Swap}, session};
        use crate::context::file::ContextFile;
        // use crate::oauth;
        /* crate::objects */
        let _ = "crate::envelope";
        let _ = r#"crate::envelope"#;
        let _ = '"'; let _ = b'\''; fn f<'a>(_: &'a str) {}
        let kind = crate::client::state::TokenKind::Session;
    "##;
    let named: BTreeSet<String> = first_segments(&code_only(code)).into_iter().collect();
    let expected: BTreeSet<String> = ["Error", "store", "session", "context", "client"].map(String::from).into();
    assert_eq!(named, expected);
    let found = circles(&graph_of(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]));
    assert_eq!(found, [vec!["a", "b", "c"]]);
    assert!(circles(&graph_of(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

fn graph_of(edges: &[(&str, &str)]) -> Graph {
    let mut graph = Graph::new();
    for (from, to) in edges {
        graph.entry(from.to_string()).or_default().entry(to.to_string()).or_default().insert("x.rs".to_owned());
    }
    graph
}

/// Top-level module → top-level modules it names, with the files that name them.
fn module_graph(src: &Path) -> Graph {
    let lib = code_only(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let modules = top_level_modules(&lib);
    let exports = root_exports(&lib, &modules);
    let mut graph = Graph::new();
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap().to_string_lossy().replace('\\', "/");
        if relative == "lib.rs" {
            continue;
        }
        let module = relative.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        for name in first_segments(&code) {
            let target = if modules.contains(&name) { Some(&name) } else { exports.get(&name) };
            if let Some(target) = target.filter(|t| **t != module && *t != GENERATED) {
                graph.entry(module.clone()).or_default().entry(target.clone()).or_default().insert(relative.clone());
            }
        }
    }
    graph
}

/// The modules `lib.rs` declares: `mod x;`, `pub mod x;`, `pub mod x { … }`.
fn top_level_modules(lib: &str) -> BTreeSet<String> {
    let mut modules = BTreeSet::new();
    for line in lib.lines() {
        let words: Vec<&str> = line.split(|c: char| c.is_whitespace() || c == ';' || c == '{').collect();
        if let Some(at) = words.iter().position(|w| *w == "mod")
            && words[..at].iter().all(|w| w.is_empty() || w.starts_with("pub"))
            && let Some(name) = words.get(at + 1).filter(|n| !n.is_empty())
        {
            modules.insert(name.to_string());
        }
    }
    modules
}

/// Names `lib.rs` re-exports from one of its modules (`pub use store::{FileStore, …};`) → module.
fn root_exports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else { continue };
        let Some((module, items)) = path.split_once("::") else { continue };
        if !modules.contains(module.trim()) {
            continue;
        }
        for item in items.split([',', '{', '}']) {
            // The name a path makes visible: its last segment, or its `as` alias.
            let name = item.rsplit(" as ").next().unwrap_or_default().rsplit("::").next().unwrap_or_default().trim();
            if !name.is_empty() && name != "*" {
                exports.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    exports
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The first segment after every `crate::` in `code`; for a group (`crate::{a, b::c}`), that of
/// each member.
fn first_segments(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest_trimmed = rest.trim_start();
        if let Some(group) = rest_trimmed.strip_prefix('{') {
            let mut depth = 0;
            let mut member = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.push(identifier(&member));
                        member.clear();
                        continue;
                    }
                    _ => {}
                }
                member.push(c);
            }
            names.push(identifier(&member));
        } else {
            names.push(identifier(rest_trimmed));
        }
    }
    names.retain(|name| !name.is_empty() && name != "self");
    names
}

/// The identifier `text` starts with (after blanks).
fn identifier(text: &str) -> String {
    text.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// `source` with comments, string literals and character literals blanked out.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut code = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            code.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !continues_identifier(&chars, i) {
            // A raw string: r"…", r#"…"#, ….
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                code.push(c);
                i += 1;
                continue;
            }
            let closing: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body: String = chars[i + 2 + hashes..].iter().collect();
            let length = body.find(&closing).map_or(body.chars().count(), |end| body[..end].chars().count());
            i += 2 + hashes + length + closing.chars().count();
            code.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            code.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\'') or a lifetime ('a), which has no closing quote.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                code.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                code.push_str("' '");
            } else {
                code.push(c);
                i += 1;
            }
        } else {
            code.push(c);
            i += 1;
        }
    }
    code
}

/// Whether the character at `i` goes on an identifier (the `r` of `for`, not of `r"…"`).
fn continues_identifier(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Every group of modules that reach each other (Tarjan's strongly connected components of
/// more than one module), each sorted.
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, module: &'a str) {
            let order = self.index.len();
            self.index.insert(module, order);
            self.low.insert(module, order);
            self.stack.push(module);
            for next in self.graph.get(module).into_iter().flat_map(|edges| edges.keys()) {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    self.low.insert(module, self.low[module].min(self.low[next]));
                } else if self.stack.contains(&next) {
                    self.low.insert(module, self.low[module].min(self.index[next]));
                }
            }
            if self.low[module] == self.index[module] {
                let at = self.stack.iter().position(|m| *m == module).unwrap();
                let mut group: Vec<String> = self.stack.drain(at..).map(str::to_owned).collect();
                group.sort();
                if group.len() > 1 {
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for module in graph.keys() {
        if !walk.index.contains_key(module.as_str()) {
            walk.visit(module);
        }
    }
    walk.found.sort();
    walk.found
}

/// A circle's edges, each with the files that make it.
fn describe(graph: &Graph, circle: &[String]) -> String {
    let mut lines = vec![format!("  {}:", circle.join(", "))];
    for from in circle {
        for (to, files) in graph.get(from).into_iter().flatten() {
            if circle.contains(to) {
                lines.push(format!("    {from} → {to} ({})", files.iter().cloned().collect::<Vec<_>>().join(", ")));
            }
        }
    }
    lines.join("\n")
}
