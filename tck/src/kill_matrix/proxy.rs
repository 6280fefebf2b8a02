//! The proxy side of the fault matrix: the proxy suite through a proxy built with its faults, without a
//! fault and then under each fault and variant the proxy lists, several faulty proxies at a time.

use std::time::Duration;

use futures::StreamExt as _;
use tokio::time::Instant;

use super::command::control_line;
use super::matrix::{FaultRun, Matrix};
use super::report;
use super::run::{SuiteRun, run_collecting};
use crate::case::{Case, Mode};
use crate::cases::all_cases;
use crate::harness::{
    ProxyTarget, REFERENCE_RELAY_TIMEOUT, proxy_suite_on, session_lanes, start_model,
    start_sessions, stop_sessions,
};
use crate::model::{Headers, ModelOptions};
use crate::run::RunOptions;
use crate::stdout::outln;

/// How long a proxy may take to come up, and to list its faults.
const PROXY_START: Duration = Duration::from_secs(30);

/// The proxy side: the proxy suite through `command` without a fault, then under each fault it lists,
/// `jobs` faulty proxies at a time; the matrix keeps the order of the list.
pub(super) async fn proxy_faults(
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
            outln!("{note}");
            matrix.notes.push(note);
            return;
        }
    };
    let cases: Vec<&'static Case> = all_cases()
        .into_iter()
        .filter(|case| case.info.mode() == Mode::Proxy)
        .collect();
    let control = run_proxy(command, None, headers, &cases, options).await;
    outln!("{}", control_line(Mode::Proxy, &control));
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
            outln!("{note}");
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
        outln!("{line}");
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
    let started_sessions = start_sessions(
        options.jobs.min(cases.len()),
        target,
        model.channel.clone(),
        None,
        PROXY_START,
        Some(REFERENCE_RELAY_TIMEOUT),
    );
    let mut sessions = match started_sessions.await {
        Ok(sessions) => sessions,
        Err(error) => return SuiteRun::not_started(error.to_string(), started.elapsed()),
    };
    let (scope, executors) = proxy_suite_on(&sessions);
    let mut run = run_collecting(
        cases,
        scope,
        options,
        session_lanes(executors, &mut sessions),
    )
    .await;
    stop_sessions(&mut sessions).await;
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
