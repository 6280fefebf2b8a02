//! The `cloudstate-tck` binary.

use clap::Parser;

/// Conformance test kit for Cloudstate protocol 0.2.
#[derive(Debug, Parser)]
#[command(name = "cloudstate-tck", version, about)]
struct Cli {}

fn main() {
    let _ = Cli::parse();
}
