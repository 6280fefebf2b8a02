//! The `cloudstate-tck` binary: everything happens in [`cloudstate_tck::main`].

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cloudstate_tck::main())
}
