//! The results of a bench run: what was measured, a plain-text table, and the machine it ran on.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::load::Workload;
use super::stats::Summary;
use crate::error::TckError;

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BenchReport {
    /// The proxy: the command that started it, or its address.
    pub proxy: String,
    /// Concurrent clients.
    pub concurrency: usize,
    /// How long each measured run lasted, in seconds.
    pub duration_seconds: f64,
    /// The machine.
    pub machine: Machine,
    /// Each workload through the proxy, beside the same workload against the echo server.
    pub workloads: Vec<WorkloadResult>,
    /// The proxy's memory with many active event-sourced entities, when its process could be found.
    pub memory: Option<MemoryResult>,
    /// Event-sourced commands with the proxy's durable SQLite store, when the bench started the proxy.
    pub durable: Option<DurableResult>,
    /// The first failure of each run that had failures.
    pub failures: Vec<String>,
}

/// One workload through the proxy and against the baseline.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WorkloadResult {
    /// What each request did.
    pub workload: Workload,
    /// Through the proxy.
    pub proxy: Summary,
    /// Against the echo server.
    pub echo: Summary,
    /// Proxy requests per second over echo requests per second.
    pub ratio: f64,
}

/// The proxy's resident memory before and after activating many event-sourced entities.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MemoryResult {
    /// How many entities were activated (one command with one emit each).
    pub entities: usize,
    /// Resident memory before, in KiB.
    pub rss_before_kib: u64,
    /// Resident memory after, in KiB.
    pub rss_after_kib: u64,
    /// Resident memory once every one of those entities passivated, in KiB (for a proxy the bench
    /// started, with a short passivation timeout).
    pub rss_after_passivation_kib: Option<u64>,
    /// The difference per entity, in KiB.
    pub per_entity_kib: f64,
}

/// Event-sourced commands (one durable event each) with the SQLite store.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DurableResult {
    /// The run.
    pub summary: Summary,
    /// Durable events appended per second (one per successful command).
    pub events_per_second: f64,
    /// Over the echo baseline of the event-sourced workload.
    pub ratio: f64,
}

/// Where the run happened.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Machine {
    /// Logical CPUs available to the bench.
    pub cpus: usize,
    /// The CPU model, from `/proc/cpuinfo`.
    pub cpu_model: String,
    /// Total memory in MiB, from `/proc/meminfo`.
    pub memory_mib: u64,
}

impl Machine {
    /// This machine, as far as `/proc` tells.
    pub(crate) fn this() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find(|line| line.starts_with("model name"))
            .and_then(|line| line.split_once(':'))
            .map_or_else(
                || "unknown".to_owned(),
                |(_, model)| model.trim().to_owned(),
            );
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib = meminfo
            .lines()
            .find(|line| line.starts_with("MemTotal:"))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<u64>().ok())
            .unwrap_or(0);
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            cpu_model,
            memory_mib: memory_kib / 1024,
        }
    }
}

impl BenchReport {
    /// Writes the report as pretty JSON, creating the directory when needed.
    pub(crate) fn write_json(&self, path: &Path) -> Result<(), TckError> {
        let failed =
            |error: String| TckError::Setup(format!("cannot write {}: {error}", path.display()));
        let text = serde_json::to_string_pretty(self).map_err(|error| failed(error.to_string()))?;
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|error| failed(error.to_string()))?;
        }
        std::fs::write(path, text + "\n").map_err(|error| failed(error.to_string()))
    }

    /// The results as a Markdown table, with the memory and the machine below it.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "proxy: {}\n{} concurrent clients, {} s per run; machine: {} CPUs, {}, {} MiB\n",
            self.proxy,
            self.concurrency,
            self.duration_seconds,
            self.machine.cpus,
            self.machine.cpu_model,
            self.machine.memory_mib
        );
        out.push_str(
            "| workload | req/s | p50 ms | p99 ms | p99.9 ms | errors | echo req/s | echo p50 ms | ratio |\n",
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for result in &self.workloads {
            row(&mut out, result.workload.label(), &result.proxy);
            let _ = writeln!(
                out,
                " {:.0} | {:.3} | {:.2} |",
                result.echo.per_second, result.echo.p50_ms, result.ratio
            );
        }
        if let Some(durable) = &self.durable {
            row(
                &mut out,
                "event-sourced command, SQLite (durable)",
                &durable.summary,
            );
            let echo = self
                .workloads
                .iter()
                .find(|result| result.workload == Workload::EventSourced);
            let _ = writeln!(
                out,
                " {} | {} | {:.2} |",
                echo.map_or_else(String::new, |e| format!("{:.0}", e.echo.per_second)),
                echo.map_or_else(String::new, |e| format!("{:.3}", e.echo.p50_ms)),
                durable.ratio
            );
            let _ = writeln!(
                out,
                "\ndurable event appends: {:.0}/s (SQLite, WAL, synchronous=FULL)",
                durable.events_per_second
            );
        } else {
            out.push_str(
                "\ndurable event appends: not measured (the bench did not start the proxy)\n",
            );
        }
        match &self.memory {
            Some(memory) => {
                let _ = writeln!(
                    out,
                    "\nproxy memory: {} active event-sourced entities: RSS {:.1} MiB → {:.1} MiB, {:.2} KiB per entity",
                    memory.entities,
                    memory.rss_before_kib as f64 / 1024.0,
                    memory.rss_after_kib as f64 / 1024.0,
                    memory.per_entity_kib
                );
                if let Some(passivated) = memory.rss_after_passivation_kib {
                    let _ = writeln!(
                        out,
                        "proxy memory once they passivated: RSS {:.1} MiB",
                        passivated as f64 / 1024.0
                    );
                }
            }
            None => out.push_str(
                "\nproxy memory: not measured (its process is not on this machine or not found)\n",
            ),
        }
        for failure in &self.failures {
            let _ = writeln!(out, "failure: {failure}");
        }
        out
    }
}

/// The proxy half of a table row.
fn row(out: &mut String, label: &str, summary: &Summary) {
    let _ = write!(
        out,
        "| {label} | {:.0} | {:.3} | {:.3} | {:.3} | {} |",
        summary.per_second, summary.p50_ms, summary.p99_ms, summary.p999_ms, summary.errors
    );
}
