//! `cargo xtask …`: maintenance commands for bunq-api.
//!
//! - `spec import <bunq-openapi.json> [--out PATH] [--check]`: bunq's document → spec/bunq.json
//! - `spec check`: lint spec/bunq.json and make sure progenitor accepts it
//! - `spec diff <old.json> <new.json>`: operations and schema fields added, removed or changed
//! - `spec impact <old.json> <new.json> [<newer.json> …]`: what each new edition changes in bunq-api's
//!   Rust API, breaking or additive, with the version bump and a CHANGELOG section
//! - `spec items`: the item names spec/bunq.json expects are those bunq's SDK reads (spec/wire-facts.json)
//! - `codegen [--groups a,b] [--out FILE]`: what build.rs generates from spec/bunq.json (every
//!   operation group unless `--groups` names some; core always)
//! - `docs check <rustdoc.json>`: every public item and field of bunq-api, as rustdoc's JSON
//!   output lists them, has a doc line beyond its name; every section of spec/docs.md names a schema

#![forbid(unsafe_code)]

mod bodies;
mod check;
mod diff;
mod docs;
#[cfg(test)]
mod feature_hints;
mod groups;
mod impact;
mod import;
mod items;
mod json;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask spec import <bunq-openapi.json> [--out PATH] [--check]
  cargo xtask spec check
  cargo xtask spec diff <old.json> <new.json>
  cargo xtask spec impact <old.json> <new.json> [<newer.json> …]
  cargo xtask spec items [<spec.json>]
  cargo xtask codegen [--groups a,b] [--out FILE]
  cargo xtask docs check <rustdoc.json>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["spec", "import", rest @ ..] => spec_import(rest),
        ["spec", "check"] => check::run(&root().join("spec/bunq.json")),
        ["spec", "diff", old, new] => diff::run(Path::new(old), Path::new(new)),
        ["spec", "impact", editions @ ..] => impact::run(editions),
        ["spec", "items"] => items::run(&root().join("spec/bunq.json"), &root().join("spec/wire-facts.json")),
        ["spec", "items", spec] => items::run(Path::new(spec), &root().join("spec/wire-facts.json")),
        ["codegen", rest @ ..] => codegen(rest),
        ["docs", "check", json] => {
            docs::run(Path::new(json), &root().join("spec/bunq.json"), &root().join("spec/docs.md"))
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the bunq-api package).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A file as text (invalid UTF-8 replaced: the checks that follow name what is wrong).
fn read_text(path: &Path) -> Result<String, String> {
    read(path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// A JSON file, parsed.
fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    serde_json::from_slice(&read(path)?).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

/// A file of the workspace, named from its root, as text.
fn root_text(name: &str) -> Result<String, String> {
    read_text(&root().join(name))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Positional arguments, and the options found with their values.
type Parsed<'a> = (Vec<&'a str>, Vec<(&'a str, Option<&'a str>)>);

/// Splits `--flag value` options from positional arguments.
fn options<'a>(args: &[&'a str], flags: &[&str], valued: &[&str]) -> Result<Parsed<'a>, String> {
    let mut positional = Vec::new();
    let mut found = Vec::new();
    let mut iter = args.iter();
    while let Some(&arg) = iter.next() {
        if flags.contains(&arg) {
            found.push((arg, None));
        } else if valued.contains(&arg) {
            let value = iter.next().ok_or(format!("{arg} needs a value\n{USAGE}"))?;
            found.push((arg, Some(*value)));
        } else if arg.starts_with("--") {
            return Err(format!("unknown option {arg}\n{USAGE}"));
        } else {
            positional.push(arg);
        }
    }
    Ok((positional, found))
}

fn spec_import(args: &[&str]) -> Result<(), String> {
    let (positional, found) = options(args, &["--check"], &["--out"])?;
    let [input] = positional.as_slice() else { return Err(USAGE.to_owned()) };
    let check = found.iter().any(|(flag, _)| *flag == "--check");
    let out = found.iter().find(|(flag, _)| *flag == "--out").and_then(|(_, v)| *v).map(PathBuf::from);
    let text = |name: &str| import::Input::parse(name, &root_text(name)?);
    let (config, facts) = (text("spec/import.json")?, text("spec/wire-facts.json")?);
    let spec = import::import(&read(Path::new(input))?, &config, &facts)?;
    let target = out.unwrap_or_else(|| root().join("spec/bunq.json"));
    if check {
        let current = read_text(&target)?;
        if current != spec {
            return Err(format!(
                "{} is not what the import writes:\n{}\nfix: cargo xtask spec import {input}",
                target.display(),
                diff::line_summary(&current, &spec)
            ));
        }
        println!("{} is up to date with {input}", target.display());
        return Ok(());
    }
    write(&target, &spec)?;
    println!("wrote {}", target.display());
    Ok(())
}

fn codegen(args: &[&str]) -> Result<(), String> {
    let (positional, found) = options(args, &[], &["--out", "--groups"])?;
    if !positional.is_empty() {
        return Err(USAGE.to_owned());
    }
    let value = |name: &str| found.iter().find(|(flag, _)| *flag == name).and_then(|(_, v)| *v);
    let groups: Option<Vec<&str>> = value("--groups").map(|list| list.split(',').collect());
    let on = |group: &str| groups.as_ref().is_none_or(|g| g.contains(&group));
    let (spec, groups, docs) =
        (root_text("spec/bunq.json")?, root_text("spec/groups.json")?, root_text("spec/docs.md")?);
    let code = bunq_codegen::generate(&spec, &groups, &docs, &on)?;
    match value("--out") {
        Some(out) => write(Path::new(out), &code),
        None => {
            print!("{code}");
            Ok(())
        }
    }
}
