//! The command line: parsing, and one module per subcommand. `main.rs` only calls [`main`].

mod args;
mod bench;
mod faults;
mod prepared;
mod proxy;
mod record;
mod replay;
mod report;
mod sdk;
mod selftest;
mod serve;

pub(crate) use args::Cli;

use clap::Parser as _;

use crate::exit;
use crate::report::{explain_case, list_cases};
use crate::run::interrupt::{interrupted, shutdown_signal, with_interrupt};
use crate::stdout::out;

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
            out!("{}", list_cases(list.format == args::ListFormat::Json));
            Ok(exit::OK)
        }
        args::Command::Explain(explain) => explain_case(&explain.case_id).map(|text| {
            out!("{text}");
            exit::OK
        }),
        args::Command::ServeModel(serve_args) => serve::run(serve_args).await,
        args::Command::Faults(faults_args) => {
            tokio::select! {
                result = faults::run(faults_args) => result,
                () = shutdown_signal() => interrupted(),
            }
        }
        args::Command::Report(report_args) => report::run(&report_args),
        args::Command::Proxy(proxy_args) => with_interrupt(proxy::run(proxy_args)).await,
        args::Command::Selftest(selftest_args) => {
            with_interrupt(selftest::run(selftest_args)).await
        }
        args::Command::Record(record_args) => record::run(record_args).await,
        args::Command::Replay(replay_args) => with_interrupt(replay::run(replay_args)).await,
        args::Command::Bench(bench_args) => {
            tokio::select! {
                result = bench::run(bench_args) => result,
                () = shutdown_signal() => interrupted(),
            }
        }
        args::Command::Sdk(sdk_args) => with_interrupt(sdk::run(sdk_args)).await,
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}
