//! Finding the reference proxy that `selftest` and `bench` start by default: the binary beside this one.

use std::path::PathBuf;

use crate::error::TckError;

/// The reference proxy beside this binary; built first when it is missing and this binary runs from its
/// source tree (as with `cargo run`), in the same profile. `flag` is the option that names another proxy.
pub(crate) fn reference_proxy_command(flag: &str) -> Result<String, TckError> {
    let exe = std::env::current_exe()
        .map_err(|error| TckError::Setup(format!("cannot locate this binary: {error}")))?;
    let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    let proxy = dir.join("reference-proxy");
    if proxy.exists() {
        return Ok(proxy.display().to_string());
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    if !workspace.join("Cargo.toml").exists() {
        return Err(TckError::Setup(format!(
            "no reference-proxy beside {}; build it (cargo build --release -p reference-proxy) or pass \
             {flag}",
            exe.display()
        )));
    }
    eprintln!(
        "building reference-proxy, which is not beside {} yet",
        exe.display()
    );
    let mut build =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    build
        .current_dir(&workspace)
        .args(["build", "-p", "reference-proxy"]);
    if dir.file_name().is_some_and(|name| name == "release") {
        build.arg("--release");
    }
    let status = build
        .status()
        .map_err(|error| TckError::Setup(format!("cannot run cargo: {error}")))?;
    if !status.success() || !proxy.exists() {
        return Err(TckError::Setup(format!(
            "building reference-proxy failed ({status})"
        )));
    }
    Ok(proxy.display().to_string())
}
