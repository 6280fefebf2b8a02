//! The import rules of `ARCHITECTURE.md`, checked on the source tree: which module may use which.

use std::fs;
use std::path::{Path, PathBuf};

/// `(module folder, modules it must not import)`: the rules the tree keeps.
const RULES: &[(&str, &[&str])] = &[
    // Shared vocabulary knows no mode and no run.
    (
        "messages",
        &[
            "sdk", "proxy", "property", "cli", "run", "report", "harness", "session", "model",
        ],
    ),
    // The model is the implementation under test: it shares names, never the cases' expectations.
    (
        "model",
        &["sdk", "proxy", "property", "case", "run", "cli", "harness"],
    ),
    // Proxy mode builds its messages from `messages/`, not from SDK mode.
    ("proxy", &["sdk", "cli", "harness"]),
    // SDK mode does not reach into proxy mode.
    ("sdk", &["proxy", "cli", "harness"]),
    ("property", &["cli", "harness"]),
    ("case", &["cli", "harness"]),
    ("run", &["cli", "harness", "report", "proxy"]),
    ("record", &["cli", "harness"]),
    // Reaching, starting and watching targets knows no case and no run of a command.
    (
        "session",
        &["sdk", "proxy", "property", "cli", "report", "harness"],
    ),
    // Reporters read events and the report model, nothing that runs cases.
    (
        "report",
        &["sdk", "proxy", "property", "cli", "session", "harness"],
    ),
    // What a command runs; only the command line calls it.
    ("harness", &["cli"]),
    ("kill_matrix", &["cli"]),
    ("bench", &["cli"]),
];

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn modules_import_only_what_architecture_md_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for (module, forbidden) in RULES {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        assert!(!files.is_empty(), "no source files under src/{module}");
        for file in files {
            let text = fs::read_to_string(&file).expect("source file");
            for (number, line) in text.lines().enumerate() {
                for other in *forbidden {
                    let path = format!("crate::{other}::");
                    let braced = format!("crate::{other}}}");
                    if line.contains(&path) || line.contains(&braced) {
                        broken.push(format!(
                            "{}:{}: src/{module} uses crate::{other}",
                            file.strip_prefix(&src).unwrap_or(&file).display(),
                            number + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "import rules broken:\n{}",
        broken.join("\n")
    );
}
