//! `cloudstate-tck faults`: proves that every case can fail. Runs the SDK suite against the built-in model
//! under each of its deliberate faults (and, with `--proxy-command`, the proxy suite against the proxy
//! under each of its own), and prints and writes the kill matrix.

use std::time::Duration;

use futures::StreamExt as _;

use tokio::time::Instant;

use super::args::FaultsArgs;
use super::prepared::clock_seed;
use super::proxy::{ProxyTarget, start_model, start_session};
use super::selftest::REFERENCE_RELAY_TIMEOUT;
use crate::case::{Case, Mode, all_cases};
use crate::error::TckError;
use crate::exit;
use crate::faults::matrix::{FaultRun, Matrix, UNKILLABLE_MD, parse_uncatchable, parse_unkillable};
use crate::faults::report;
use crate::faults::run::{SuiteRun, Verdict, run_collecting};
use crate::faults::sdk::{MatrixOptions, sdk_control, sdk_faults};
use crate::model::{Fault, Headers, ModelOptions};
use crate::run::{ReportError, RunOptions, RunScope};

/// How long a proxy may take to come up, and to list its faults.
const PROXY_START: Duration = Duration::from_secs(30);

/// Runs the matrix; returns 0 when it is complete, 100 otherwise.
pub(super) async fn run(args: FaultsArgs) -> Result<u8, TckError> {
    let started = Instant::now();
    let options = MatrixOptions {
        case_timeout: Duration::from_millis(args.timeout_ms),
        jobs: usize::try_from(args.jobs).unwrap_or(1),
        seed: args.seed.unwrap_or_else(clock_seed),
    };
    let mut matrix = Matrix {
        unkillable: parse_unkillable(UNKILLABLE_MD),
        uncatchable: parse_uncatchable(UNKILLABLE_MD),
        ..Matrix::default()
    };
    println!(
        "cloudstate-tck {}: fault injection, {} model faults and {} variants, case deadline {} ms, {} at a time, seed {}",
        env!("CARGO_PKG_VERSION"),
        Fault::ALL.len(),
        Fault::VARIANTS.len(),
        args.timeout_ms,
        options.jobs,
        options.seed
    );
    let control = sdk_control(&options).await;
    println!("{}", control_line(Mode::Sdk, &control));
    matrix.controls.push((Mode::Sdk, control));
    if matrix.control_problems().is_empty() {
        let faults = sdk_faults(Fault::ALL, &options, |fault| {
            println!("{}", report::fault_line(fault));
        })
        .await;
        matrix.faults.extend(faults);
        let variants = sdk_faults(Fault::VARIANTS, &options, |variant| {
            println!("{}", report::variant_line(variant));
        })
        .await;
        matrix.variants.extend(variants);
        if let Some(command) = &args.proxy_command {
            let proxy_options = RunOptions {
                case_timeout: Duration::from_millis(args.proxy_timeout_ms),
                ..options.run_options()
            };
            let jobs = usize::try_from(args.proxy_jobs).unwrap_or(1);
            proxy_faults(
                command,
                args.model_headers,
                &proxy_options,
                jobs,
                &mut matrix,
            )
            .await;
        }
    }
    matrix.duration = started.elapsed();
    print!("{}", report::summary(&matrix));
    report::write(&matrix, &args.json, &args.markdown).map_err(|source| {
        TckError::Report(ReportError {
            kind: "kill matrix",
            path: format!("{} or {}", args.json.display(), args.markdown.display()),
            source,
        })
    })?;
    println!(
        "wrote {} and {}",
        args.json.display(),
        args.markdown.display()
    );
    Ok(if matrix.is_complete() {
        exit::OK
    } else {
        exit::CONFORMANCE_FAILURES
    })
}

fn control_line(mode: Mode, run: &SuiteRun) -> String {
    if let Some(error) = &run.setup_error {
        return format!("control   {mode:<5}  the target did not come up: {error}");
    }
    let passed = run
        .results
        .iter()
        .filter(|result| result.verdict == Verdict::Pass)
        .count();
    format!(
        "control   {mode:<5}  without a fault: {passed} of {} cases passed  ({} ms)",
        run.results.len(),
        run.duration.as_millis()
    )
}

/// The proxy side: the proxy suite through `command` without a fault, then under each fault it lists,
/// `jobs` faulty proxies at a time; the matrix keeps the order of the list.
async fn proxy_faults(
    command: &str,
    headers: Headers,
    options: &RunOptions,
    jobs: usize,
    matrix: &mut Matrix,
) {
    let listed = match list_proxy(command, "--list-faults").await {
        Ok(listed) => listed,
        Err(reason) => {
            let note = format!(
                "`{command} --list-faults` did not list faults ({reason}), so the proxy faults were \
                 skipped; build reference-proxy with `--features faults`"
            );
            println!("{note}");
            matrix.notes.push(note);
            return;
        }
    };
    let cases: Vec<&'static Case> = all_cases()
        .into_iter()
        .filter(|case| case.info.mode() == Mode::Proxy)
        .collect();
    let control = run_proxy(command, None, headers, &cases, options).await;
    println!("{}", control_line(Mode::Proxy, &control));
    matrix.controls.push((Mode::Proxy, control));
    if !matrix.control_problems().is_empty() {
        return;
    }
    let run = |listed, flag| proxy_runs(command, flag, listed, headers, &cases, options, jobs);
    let faults = run(listed, "--fault").await;
    matrix.faults.extend(faults);
    // A proxy that has no variants to offer is not an error: the list is optional.
    let variants = match list_proxy(command, "--list-variants").await {
        Ok(variants) => variants,
        Err(reason) => {
            let note = format!("`{command} --list-variants` did not list variants ({reason})");
            println!("{note}");
            matrix.notes.push(note);
            Vec::new()
        }
    };
    let variants = run(variants, "--variant").await;
    matrix.variants.extend(variants);
}

/// The proxy suite through `command FLAG NAME` for each listed name, `jobs` at a time, printing each run
/// as it finishes; the runs come back in the order of `listed`.
async fn proxy_runs(
    command: &str,
    flag: &str,
    listed: Vec<(String, String)>,
    headers: Headers,
    cases: &[&'static Case],
    options: &RunOptions,
    jobs: usize,
) -> Vec<FaultRun> {
    let mut runs = futures::stream::iter(listed)
        .map(|(name, description)| async move {
            let with = format!("{flag} {name}");
            let run = run_proxy(command, Some(&with), headers, cases, options).await;
            FaultRun {
                mode: Mode::Proxy,
                name,
                description,
                run,
            }
        })
        .buffered(jobs.max(1));
    let mut finished = Vec::new();
    while let Some(run) = runs.next().await {
        let line = if flag == "--variant" {
            report::variant_line(&run)
        } else {
            report::fault_line(&run)
        };
        println!("{line}");
        finished.push(run);
    }
    finished
}

/// The faults or variants `command --list-faults` (`--list-variants`) prints: a name per line, optionally
/// followed by a description.
async fn list_proxy(command: &str, flag: &str) -> Result<Vec<(String, String)>, String> {
    let mut list = tokio::process::Command::new("sh");
    list.arg("-c")
        .arg(format!("{command} {flag}"))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let output = match tokio::time::timeout(PROXY_START, list.output()).await {
        Err(_) => return Err("it did not finish".to_owned()),
        Ok(Err(error)) => return Err(format!("it did not start: {error}")),
        Ok(Ok(output)) => output,
    };
    if !output.status.success() {
        return Err(format!("it exited with {}", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut listed = Vec::new();
    for line in stdout
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
    {
        let (name, description) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let plain = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !plain {
            return Err(format!(
                "it printed {line:?}, which does not start with a fault name"
            ));
        }
        listed.push((name.to_owned(), description.trim().to_owned()));
    }
    if listed.is_empty() {
        return Err("it printed nothing".to_owned());
    }
    Ok(listed)
}

/// One run of the proxy suite: the built-in model (without a fault, sending response headers as `headers`
/// says) behind the interceptor, and `command` with `flag` (`--fault NAME`, `--variant NAME`) as the proxy.
async fn run_proxy(
    command: &str,
    flag: Option<&str>,
    headers: Headers,
    cases: &[&'static Case],
    options: &RunOptions,
) -> SuiteRun {
    let started = Instant::now();
    let model = match start_model(ModelOptions::default().with_headers(headers)).await {
        Ok(model) => model,
        Err(error) => return SuiteRun::not_started(error.to_string(), started.elapsed()),
    };
    let spawn = match flag {
        Some(flag) => format!("{command} {flag}"),
        None => command.to_owned(),
    };
    let target = ProxyTarget::SpawnDurable(spawn);
    let started_session = start_session(
        target,
        model.channel.clone(),
        None,
        PROXY_START,
        Some(REFERENCE_RELAY_TIMEOUT),
    );
    let mut session = match started_session.await {
        Ok(session) => session,
        Err(error) => return SuiteRun::not_started(error.to_string(), started.elapsed()),
    };
    let scope = RunScope {
        mode: Mode::Proxy,
        target: session.info.clone(),
        served: session.served.clone(),
    };
    let mut executor = session.executor.clone();
    let mut run = match session.process.as_mut() {
        Some(process) => run_collecting(cases, scope, options, &mut executor, process).await,
        None => SuiteRun::not_started("the proxy was not started".to_owned(), started.elapsed()),
    };
    if let Some(process) = session.process.as_mut() {
        process.stop(Duration::from_secs(5)).await;
    }
    run.duration = started.elapsed();
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn proxy_faults_are_read_one_per_line() {
        let listed = list_proxy(
            "printf 'drop-reply  loses replies\\nslow\\n' #",
            "--list-faults",
        )
        .await;
        assert_eq!(
            listed,
            Ok(vec![
                ("drop-reply".to_owned(), "loses replies".to_owned()),
                ("slow".to_owned(), String::new()),
            ])
        );
    }

    #[tokio::test]
    async fn a_command_that_lists_no_faults_is_refused() {
        assert!(list_proxy("true", "--list-faults").await.is_err());
        assert!(list_proxy("exit 3 #", "--list-faults").await.is_err());
        assert!(
            list_proxy("echo '$(not-a-name) x' #", "--list-faults")
                .await
                .is_err()
        );
    }
}
