//! Regenerates the Rust code and the descriptor set from `proto/` into a temporary folder and fails when
//! the checked-in copy under `src/generated/` differs. Run with `CLOUDSTATE_REGENERATE=1` to rewrite the
//! checked-in copy instead.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.proto` file under `proto/`, relative to it, sorted.
fn proto_files(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("read proto folder") {
            let path = entry.expect("proto folder entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|ext| ext == "proto") {
                let relative = path.strip_prefix(root).expect("under root");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut files = Vec::new();
    walk(root, root, &mut files);
    files.sort();
    files
}

/// Generates everything into `out` and returns the files written, by name.
fn generate(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let root = crate_dir().join("proto");
    let mut compiler = protox::Compiler::new([&root]).expect("protox compiler");
    compiler.include_imports(true).include_source_info(false);
    compiler
        .open_files(proto_files(&root))
        .expect("the .proto files compile");
    // The encoded set keeps custom options (HTTP rules, entity keys) that `prost_types` would drop.
    let encoded = compiler.encode_file_descriptor_set();
    let fds = compiler.file_descriptor_set();

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .out_dir(out)
        .compile_fds(fds)
        .expect("code generation");
    fs::write(out.join("descriptor_set.bin"), encoded).expect("write descriptor set");

    let mut files = BTreeMap::new();
    for entry in fs::read_dir(out).expect("read output") {
        let path = entry.expect("output entry").path();
        let name = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        files.insert(name, fs::read(&path).expect("read generated file"));
    }
    files
}

#[test]
fn generated_code_matches_the_proto_files() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let fresh = generate(tmp.path());
    let checked_in_dir = crate_dir().join("src/generated");

    if std::env::var_os("CLOUDSTATE_REGENERATE").is_some() {
        for entry in fs::read_dir(&checked_in_dir).expect("read src/generated") {
            fs::remove_file(entry.expect("entry").path()).expect("remove stale file");
        }
        for (name, bytes) in &fresh {
            fs::write(checked_in_dir.join(name), bytes).expect("write generated file");
        }
        return;
    }

    let mut drift = Vec::new();
    let mut checked_in_names = Vec::new();
    for entry in fs::read_dir(&checked_in_dir).expect("read src/generated") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        match fresh.get(&name) {
            None => drift.push(format!("{name}: checked in, but no longer generated")),
            Some(bytes) if *bytes != fs::read(&path).expect("read") => drift.push(format!(
                "{name}: differs from what the .proto files generate"
            )),
            Some(_) => {}
        }
        checked_in_names.push(name);
    }
    for name in fresh.keys().filter(|name| !checked_in_names.contains(name)) {
        drift.push(format!("{name}: generated, but not checked in"));
    }
    assert!(
        drift.is_empty(),
        "src/generated is stale; run `CLOUDSTATE_REGENERATE=1 cargo test -p cloudstate-protocol --test codegen`:\n  {}",
        drift.join("\n  ")
    );
}
