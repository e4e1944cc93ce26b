//! spec/bunq.json → `$OUT_DIR/codegen.rs`: the generated client, for the operation groups whose
//! cargo feature is on (spec/groups.json). The generator is the `bunq-codegen` crate (codegen/),
//! which `cargo xtask codegen` runs too. Nothing here touches the network.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=spec/bunq.json");
    println!("cargo:rerun-if-changed=spec/groups.json");
    println!("cargo:rerun-if-changed=spec/docs.md");
    println!("cargo:rerun-if-changed=build.rs");
    // Read at run time: a build script compiled for one copy of the package (e.g. by
    // `cargo package`) must not read another copy's spec.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let read = |name: &str| {
        let path = Path::new(&manifest_dir).join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    // Cargo tells a build script its package's features as CARGO_FEATURE_<NAME>.
    let on =
        |group: &str| std::env::var_os(format!("CARGO_FEATURE_{}", group.to_uppercase().replace('-', "_"))).is_some();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("codegen.rs");
    let result = read("spec/bunq.json")
        .and_then(|spec| Ok((spec, read("spec/groups.json")?, read("spec/docs.md")?)))
        .and_then(|(spec, groups, docs)| bunq_codegen::generate(&spec, &groups, &docs, &on))
        .and_then(|code| std::fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display())));
    if let Err(problem) = result {
        eprintln!("error: spec/bunq.json cannot be turned into a client: {problem}");
        eprintln!(
            "hint: `cargo xtask spec check` lints the spec; `cargo xtask spec import <bunq-openapi.json>` rewrites it"
        );
        std::process::exit(1);
    }
}
