//! The command line: parsing, and one module per subcommand. `main.rs` only calls [`main`].

mod args;
mod bench;
mod catalog;
mod faults;
mod prepared;
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
        args::Command::Proxy(proxy_args) => with_interrupt(proxy::run(proxy_args)).await,
        args::Command::Selftest(selftest_args) => {
            with_interrupt(selftest::run(selftest_args)).await
        }
        args::Command::Record(record_args) => record::run(record_args).await,
        args::Command::Replay(replay_args) => with_interrupt(replay::run(replay_args)).await,
        args::Command::Bench(bench_args) => {
            tokio::select! {
                result = bench::run(bench_args) => result,
                () = serve::shutdown_signal() => interrupted(),
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

/// Runs a command whose reports matter: on Ctrl-C or SIGTERM the case in flight ends as an error, no other
/// case starts, the reports are written, and the exit code is 130. If the command has not finished ten
/// seconds later (it was still setting up, say), it is dropped, which stops what it spawned.
async fn with_interrupt(
    command: impl std::future::Future<Output = Result<u8, crate::error::TckError>>,
) -> Result<u8, crate::error::TckError> {
    let fallback = async {
        serve::shutdown_signal().await;
        eprintln!("interrupted: finishing the case in flight and writing the reports");
        crate::run::interrupt::request();
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    };
    tokio::select! {
        result = command => {
            if crate::run::interrupt::requested() { result.map(|_| 130) } else { result }
        }
        () = fallback => interrupted(),
    }
}

fn interrupted() -> Result<u8, crate::error::TckError> {
    eprintln!("interrupted: the target was stopped; reports were not finished");
    Ok(130)
}
