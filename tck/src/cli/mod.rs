//! The command line: parsing, and one module per subcommand. `main.rs` only calls [`main`].

mod args;
mod bench;
mod catalog;
mod faults;
mod proxy;
mod record;
mod replay;
mod report;
mod sdk;
mod selftest;
mod serve;

pub use args::Cli;

use clap::Parser as _;

use crate::exit;

/// Parses the command line, runs the command, and returns the process exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                exit::BAD_ARGUMENTS
            } else {
                exit::OK
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return exit::SETUP_ERROR;
        }
    };
    runtime.block_on(run(cli.command))
}

async fn run(command: args::Command) -> u8 {
    let result = match command {
        args::Command::List(list) => {
            print!("{}", catalog::list(&list));
            Ok(exit::OK)
        }
        args::Command::Explain(explain) => catalog::explain(&explain).map(|text| {
            print!("{text}");
            exit::OK
        }),
        args::Command::ServeModel(serve_args) => serve::run(serve_args).await,
        args::Command::Faults(faults_args) => {
            tokio::select! {
                result = faults::run(faults_args) => result,
                () = serve::shutdown_signal() => interrupted(),
            }
        }
        args::Command::Report(report_args) => report::run(&report_args),
        args::Command::Proxy(proxy_args) => {
            tokio::select! {
                result = proxy::run(proxy_args) => result,
                () = serve::shutdown_signal() => interrupted(),
            }
        }
        args::Command::Selftest(selftest_args) => {
            tokio::select! {
                result = selftest::run(selftest_args) => result,
                () = serve::shutdown_signal() => interrupted(),
            }
        }
        args::Command::Record(record_args) => record::run(record_args).await,
        args::Command::Replay(replay_args) => {
            tokio::select! {
                result = replay::run(replay_args) => result,
                () = serve::shutdown_signal() => interrupted(),
            }
        }
        args::Command::Bench(bench_args) => {
            tokio::select! {
                result = bench::run(bench_args) => result,
                () = serve::shutdown_signal() => interrupted(),
            }
        }
        args::Command::Sdk(sdk_args) => {
            tokio::select! {
                result = sdk::run(sdk_args) => result,
                () = serve::shutdown_signal() => interrupted(),
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}

fn interrupted() -> Result<u8, crate::error::TckError> {
    eprintln!("interrupted: the target was stopped; reports were not finished");
    Ok(130)
}
