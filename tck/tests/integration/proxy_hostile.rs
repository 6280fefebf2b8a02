//! The reference proxy, as a process, under hostile conditions: a user function that goes silent
//! (stopped, not dead) and comes back, where readiness turns false and true again and the commands of
//! clients that gave up and retried while it was silent are never applied (only the one already sent
//! takes effect); and entity IDs that try to forge log lines.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::proxy_durability::{post, post_raw, request_within, start_proxy};
use crate::support::tck_binary;

/// The model service in a process of its own, so that it can be stopped; continued and killed on drop.
struct StoppableModel(Child);

impl StoppableModel {
    fn start() -> (StoppableModel, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("address")
            .port();
        let child = Command::new(tck_binary())
            .args(["serve-model", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the model starts");
        let address = format!("127.0.0.1:{port}");
        let ready_by = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&address).is_err() {
            assert!(Instant::now() < ready_by, "the model did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        (StoppableModel(child), address)
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.0.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal}");
        if signal == "-STOP" {
            self.wait_until_stopped();
        }
    }

    /// Waits until the kernel shows every thread of the model stopped (`T` in `/proc/PID/task/*/stat`):
    /// a thread running on another CPU stops only when it is next interrupted.
    fn wait_until_stopped(&self) {
        let tasks = format!("/proc/{}/task", self.0.id());
        let by = Instant::now() + Duration::from_secs(5);
        loop {
            let stopped = std::fs::read_dir(&tasks).is_ok_and(|threads| {
                threads.filter_map(Result::ok).all(|thread| {
                    std::fs::read_to_string(thread.path().join("stat")).is_ok_and(|stat| {
                        stat.rsplit_once(')')
                            .and_then(|(_, rest)| rest.split_whitespace().next())
                            .is_some_and(|state| state == "T" || state == "t")
                    })
                })
            });
            if stopped {
                return;
            }
            assert!(Instant::now() < by, "the model did not stop");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for StoppableModel {
    fn drop(&mut self) {
        self.signal("-CONT");
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (at most 10 s) until `/ready` answers `status`.
fn ready_becomes(address: &str, status: u16) {
    let by = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = post_raw(address, "GET", "/ready", "");
        if answer.as_ref().map(|(code, _)| *code) == Some(status) {
            return;
        }
        assert!(
            Instant::now() < by,
            "/ready never answered {status}: {answer:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_silent_user_function_makes_the_proxy_unready_and_abandoned_retries_are_never_applied() {
    tokio::task::spawn_blocking(|| {
        let (model, model_address) = StoppableModel::start();
        let (mut proxy, address) = start_proxy(
            &model_address,
            &[],
            &[("UNRESPONSIVE_AFTER_MS", "500")],
            Stdio::null(),
        );
        let path = "/tck/model/eventsourced/stalled";
        let emit = |value: &str| {
            format!(r#"{{"id":"stalled","actions":[{{"emit":{{"value":"{value}"}}}}]}}"#)
        };
        assert_eq!(post(&address, path, &emit("A")), r#"{"message":"A"}"#);

        model.signal("-STOP");
        // The first attempt is sent and stays in flight; its client gives up after a second, then
        // retries ten times, each time giving up sooner.
        let first = request_within(Duration::from_secs(1), &address, "POST", path, &emit("B"));
        assert_eq!(first, None, "answered while stopped");
        for _ in 0..10 {
            let retry = request_within(
                Duration::from_millis(300),
                &address,
                "POST",
                path,
                &emit("B"),
            );
            assert_eq!(retry, None, "answered while stopped");
        }
        ready_becomes(&address, 503);

        model.signal("-CONT");
        ready_becomes(&address, 200);
        // The command sent before the stop took effect once; none of the abandoned retries did.
        assert_eq!(
            post(&address, path, r#"{"id":"stalled"}"#),
            r#"{"message":"AB"}"#
        );
        let _ = proxy.kill();
        let _ = proxy.wait();
    })
    .await
    .expect("the test body");
}

#[tokio::test]
async fn entity_ids_cannot_forge_log_lines() {
    tokio::task::spawn_blocking(|| {
        let (_model, model_address) = StoppableModel::start();
        let dir = tempfile::tempdir().expect("temp dir");
        let log_path = dir.path().join("proxy.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let (mut proxy, address) = start_proxy(
            &model_address,
            &[],
            &[("RUST_LOG", "reference_proxy=debug")],
            Stdio::from(log),
        );
        // A line break, a forged line and a terminal escape, as JSON escapes in the body.
        let id = r#"x\r\nFORGED at the start of a line\u001b[31m"#;
        let body = format!(r#"{{"id":"{id}","actions":[{{"emit":{{"value":"A"}}}}]}}"#);
        let path = "/cloudstate.tck.model.EventSourcedTckModel/Process";
        assert_eq!(post(&address, path, &body), r#"{"message":"A"}"#);
        let _ = proxy.kill();
        let _ = proxy.wait();
        let log = std::fs::read_to_string(&log_path).expect("the log");
        assert!(log.contains("FORGED"), "the entity was logged: {log}");
        assert!(
            !log.lines().any(|line| line.starts_with("FORGED")),
            "a forged line: {log}"
        );
        assert!(!log.contains('\u{1b}'), "a raw terminal escape: {log}");
    })
    .await
    .expect("the test body");
}
