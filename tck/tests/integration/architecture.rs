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
            "cases",
        ],
    ),
    // The model is the implementation under test: it shares names, never the cases' expectations.
    (
        "model",
        &[
            "sdk", "proxy", "property", "case", "cases", "run", "cli", "harness",
        ],
    ),
    // The engines know no case: the catalog (`cases/`) uses them, never the other way round.
    // Proxy mode builds its messages from `messages/`, not from SDK mode.
    ("proxy", &["sdk", "cases", "cli", "harness"]),
    // SDK mode does not reach into proxy mode.
    ("sdk", &["proxy", "cases", "cli", "harness"]),
    ("property", &["cases", "cli", "harness"]),
    // The case types know no catalog.
    ("case", &["cases", "cli", "harness"]),
    // Cases use the engines, the shared vocabulary and the model's names, never a run or a reporter.
    (
        "cases",
        &[
            "cli",
            "harness",
            "run",
            "report",
            "record",
            "kill_matrix",
            "bench",
        ],
    ),
    ("run", &["cli", "harness", "report", "proxy", "cases"]),
    // Replay builds its own cases from transcripts; it needs no catalog.
    ("record", &["cases", "cli", "harness"]),
    // Reaching, starting and watching targets knows no case and no run of a command.
    (
        "session",
        &[
            "sdk", "proxy", "property", "cases", "cli", "report", "harness",
        ],
    ),
    // Reporters read events and the report model, nothing that runs cases.
    (
        "report",
        &[
            "sdk", "proxy", "property", "cases", "cli", "session", "harness",
        ],
    ),
    // What a command runs; only the command line calls it.
    ("harness", &["cli"]),
    ("kill_matrix", &["cli"]),
    ("bench", &["cli"]),
];

/// `(file under src/, module it may import although its folder's rule forbids it)`: the one reporter
/// that describes cases (`cloudstate-tck list` and `explain`) reads the catalog.
const EXCEPTIONS: &[(&str, &str)] = &[("report/catalog.rs", "cases")];

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
            let relative = file.strip_prefix(&src).unwrap_or(&file);
            let excepted = |other: &str| {
                EXCEPTIONS
                    .iter()
                    .any(|(path, module)| relative == Path::new(path) && *module == other)
            };
            for (number, line) in text.lines().enumerate() {
                for other in forbidden.iter().filter(|other| !excepted(other)) {
                    let path = format!("crate::{other}::");
                    let braced = format!("crate::{other}}}");
                    if line.contains(&path) || line.contains(&braced) {
                        broken.push(format!(
                            "{}:{}: src/{module} uses crate::{other}",
                            relative.display(),
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

#[test]
fn engines_declare_no_case() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut declared = Vec::new();
    for engine in ["sdk", "proxy", "property"] {
        let mut files = Vec::new();
        rust_files(&src.join(engine), &mut files);
        for file in files {
            let text = fs::read_to_string(&file).expect("source file");
            if text.contains("sdk_case!") || text.contains("proxy_case!") {
                declared.push(
                    file.strip_prefix(&src)
                        .unwrap_or(&file)
                        .display()
                        .to_string(),
                );
            }
        }
    }
    assert!(
        declared.is_empty(),
        "cases belong in src/cases/, not beside an engine:\n{}",
        declared.join("\n")
    );
}

#[test]
fn the_library_opens_no_module() {
    // Modules stay private: the binary and these tests use only what `lib.rs` re-exports, so the
    // `unreachable_pub` lint finds every `pub` that nothing outside its module needs.
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs");
    let opened: Vec<&str> = lib
        .lines()
        .filter(|line| line.trim_start().starts_with("pub mod "))
        .collect();
    assert!(opened.is_empty(), "public modules:\n{}", opened.join("\n"));
}
