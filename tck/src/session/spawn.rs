//! Starting a target process, watching it, and always stopping it.
//!
//! The command runs under `sh -c` in a process group of its own, so stopping it also stops whatever it
//! started. Its stdout and stderr are kept (the last lines) for reports. Dropping a [`SpawnedProcess`]
//! kills the group, so the process is stopped on every path out of a run, panics and Ctrl-C included.

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

use super::output::OutputBuffer;
use crate::run::TargetMonitor;

/// A running target process.
#[derive(Debug)]
pub(crate) struct SpawnedProcess {
    command: String,
    env: Vec<(String, String)>,
    child: Child,
    group: Option<Pid>,
    output: OutputBuffer,
    exit: Option<ExitStatus>,
}

impl SpawnedProcess {
    /// Starts `command` with the given extra environment.
    pub(crate) fn start(command: &str, env: &[(&str, String)]) -> std::io::Result<Self> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect();
        let output = OutputBuffer::default();
        let (child, group) = spawn(command, &env, &output)?;
        Ok(SpawnedProcess {
            command: command.to_owned(),
            env,
            child,
            group,
            output,
            exit: None,
        })
    }

    /// Starts the same command with the same environment again, once the process has exited (its group
    /// is killed first); the output of both runs is kept in one buffer, with a line between them.
    pub(crate) async fn restart(&mut self) -> std::io::Result<()> {
        self.stop(Duration::from_millis(500)).await;
        self.output
            .push(format!("[tck] restarting `{}`", self.command));
        let (child, group) = spawn(&self.command, &self.env, &self.output)?;
        self.child = child;
        self.group = group;
        self.exit = None;
        Ok(())
    }

    /// The command line it was started with.
    pub(crate) fn command(&self) -> &str {
        &self.command
    }

    /// How it exited, if it has.
    pub(crate) fn exit_status(&mut self) -> Option<ExitStatus> {
        if self.exit.is_none() {
            self.exit = self.child.try_wait().ok().flatten();
        }
        self.exit
    }

    /// Its last output lines.
    pub(crate) fn output_text(&self) -> String {
        self.output.text()
    }

    /// Stops the process group: SIGTERM, then SIGKILL if it is still there after `grace`.
    pub(crate) async fn stop(&mut self, grace: Duration) {
        if self.exit_status().is_some() {
            self.kill_group();
            return;
        }
        if let Some(group) = self.group {
            let _ = killpg(group, Signal::SIGTERM);
        }
        if let Ok(Ok(status)) = tokio::time::timeout(grace, self.child.wait()).await {
            self.exit = Some(status);
        }
        self.kill_group();
        if self.exit.is_none() {
            self.exit = self.child.wait().await.ok();
        }
        // Give the output readers a moment to drain what the process wrote last.
        tokio::task::yield_now().await;
    }

    /// Kills the process group at once with SIGKILL, as a crash would, and waits until it has exited.
    pub(crate) async fn kill(&mut self) {
        self.kill_group();
        if self.exit.is_none() {
            self.exit = self.child.wait().await.ok();
        }
    }

    fn kill_group(&mut self) {
        if let Some(group) = self.group {
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
}

/// Starts `command` under `sh -c` in a process group of its own, its output going to `output`.
fn spawn(
    command: &str,
    env: &[(String, String)],
    output: &OutputBuffer,
) -> std::io::Result<(Child, Option<Pid>)> {
    let mut process = Command::new("sh");
    process
        .arg("-c")
        .arg(command)
        .envs(
            env.iter()
                .map(|(key, value)| (key.as_str(), value.as_str())),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = process.spawn()?;
    if let Some(stdout) = child.stdout.take() {
        output.collect_from("stdout", stdout);
    }
    if let Some(stderr) = child.stderr.take() {
        output.collect_from("stderr", stderr);
    }
    let group = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .map(Pid::from_raw);
    Ok((child, group))
}

impl TargetMonitor for SpawnedProcess {
    fn exited(&mut self) -> Option<String> {
        self.exit_status()
            .map(|status| format!("the target process exited ({status})"))
    }

    fn output(&self) -> Option<String> {
        Some(self.output_text())
    }
}

impl Drop for SpawnedProcess {
    fn drop(&mut self) {
        self.kill_group();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn output_is_kept_and_exit_is_seen() {
        let mut process =
            SpawnedProcess::start("echo hello; echo oops >&2; exit 3", &[]).expect("spawn sh");
        let status = tokio::time::timeout(Duration::from_secs(10), process.child.wait())
            .await
            .expect("exits")
            .expect("status");
        process.exit = Some(status);
        // The readers finish when the pipes close.
        for _ in 0..100 {
            if process.output_text().contains("oops") && process.output_text().contains("hello") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            process.output_text().contains("[stdout] hello"),
            "{}",
            process.output_text()
        );
        assert!(
            process.output_text().contains("[stderr] oops"),
            "{}",
            process.output_text()
        );
        assert_eq!(
            process.exited().as_deref(),
            Some("the target process exited (exit status: 3)")
        );
    }

    #[tokio::test]
    async fn stop_ends_the_whole_group() {
        let mut process =
            SpawnedProcess::start("sleep 30 & sleep 30; wait", &[]).expect("spawn sh");
        tokio::time::timeout(
            Duration::from_secs(10),
            process.stop(Duration::from_millis(500)),
        )
        .await
        .expect("stops in time");
        assert!(process.exit_status().is_some());
    }
}
