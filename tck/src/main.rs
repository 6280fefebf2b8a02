//! The `cloudstate-tck` binary: everything happens in [`cloudstate_tck::cli::main`].

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cloudstate_tck::cli::main())
}
