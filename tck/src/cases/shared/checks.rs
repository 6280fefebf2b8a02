//! Checks that the proxy-mode entity cases (value entities and event-sourced entities) share: what the
//! client got over gRPC or HTTP/JSON, and how an entity's stream ends on passivation.

use std::time::Duration;

use cloudstate_protocol::cloudstate::entity_passivation_strategy::Strategy;
use tokio::time::Instant;
use tonic::{Code, Status};

use crate::case::{CaseFailure, Verdict};
use crate::messages::message_names;
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::render_pretty;

/// How much longer than the announced passivation timeout the proxy may take to close an idle entity's
/// stream (the original TCK allows 2 s for a 100 ms timeout).
pub(crate) const PASSIVATION_SLACK: Duration = Duration::from_millis(1_900);

/// How the client sees a gRPC outcome, for failure reports.
fn describe<T: std::fmt::Debug>(outcome: &Result<T, Status>) -> String {
    match outcome {
        Ok(response) => format!("{response:?}"),
        Err(status) => format!("gRPC status {:?}: {:?}", status.code(), status.message()),
    }
}

/// Checks that a client call succeeded with exactly `expected`.
pub(crate) fn expect_response<T: std::fmt::Debug + PartialEq>(
    what: &str,
    outcome: Result<T, Status>,
    expected: &T,
) -> Verdict {
    match &outcome {
        Ok(response) if response == expected => Ok(()),
        _ => Err(CaseFailure::mismatch(
            format!("the client's call {what} did not get the expected response"),
            format!("{expected:?}"),
            describe(&outcome),
        )),
    }
}

/// Checks that a client call failed with status UNKNOWN and exactly `description` as its message.
pub(crate) fn expect_failure<T: std::fmt::Debug>(
    what: &str,
    outcome: Result<T, Status>,
    description: &str,
) -> Verdict {
    match &outcome {
        Err(status) if status.code() == Code::Unknown && status.message() == description => Ok(()),
        _ => Err(CaseFailure::mismatch(
            format!("the client's call {what} did not fail with the command's failure"),
            format!("gRPC status Unknown: {description:?}"),
            describe(&outcome),
        )),
    }
}

/// POSTs `body` to `path` and expects status 200, a JSON content type and exactly `expected` as body.
pub(crate) async fn http_ok(cx: &ProxyCx, path: &str, body: &str, expected: &str) -> Verdict {
    let response = cx.http("POST", path, Some(body)).await?;
    let json = response
        .content_type
        .as_deref()
        .is_some_and(|content_type| content_type.trim_start().starts_with("application/json"));
    if response.status == 200 && json && response.body == expected {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!("POST {path} {body} did not get the expected HTTP response"),
        format!("200, content-type application/json, body {expected}"),
        format!(
            "{}, content-type {}, body {}",
            response.status,
            response.content_type.as_deref().unwrap_or("(none)"),
            response.body
        ),
    ))
}

/// POSTs `body` to `path` and expects status 500 with exactly `description` as body.
pub(crate) async fn http_fails(cx: &ProxyCx, path: &str, body: &str, description: &str) -> Verdict {
    let response = cx.http("POST", path, Some(body)).await?;
    if response.status == 500 && response.body == description {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!("POST {path} {body} did not get the command's failure as an HTTP error"),
        format!("500, body {description}"),
        format!("{}, body {}", response.status, response.body),
    ))
}

/// The passivation timeout the user function announced at start-up for `service`.
pub(crate) fn announced_passivation(cx: &ProxyCx, service: &str) -> Result<Duration, CaseFailure> {
    let announced = cx
        .startup()
        .entity_spec
        .as_ref()
        .and_then(|spec| {
            spec.entities
                .iter()
                .find(|entity| entity.service_name == service)
        })
        .and_then(|entity| entity.passivation_strategy.as_ref())
        .and_then(|strategy| strategy.strategy.as_ref())
        .map(|Strategy::Timeout(timeout)| timeout.timeout);
    match announced {
        Some(millis) if millis > 0 => Ok(Duration::from_millis(millis.unsigned_abs())),
        _ => Err(CaseFailure::error(format!(
            "the user function announced no passivation timeout for {service}, so the proxy's passivation cannot be timed"
        ))),
    }
}

/// Expects the proxy to passivate the entity of `probe`: to close the stream (half-close, then the user
/// function ends it; or a cancel) and nothing else, not before `earliest` and not after `latest`.
///
/// `earliest` is when the entity's idle time can have begun at the soonest (before the client sent its
/// last call), so a stream closed before it was closed early.
pub(crate) async fn expect_passivation(
    probe: &mut CallProbe,
    earliest: Instant,
    latest: Instant,
    timeout: Duration,
) -> Verdict {
    let names = message_names(probe.path()).unwrap_or(("", ""));
    let closing = async {
        let mut closed_at = None;
        loop {
            match probe.next_event().await? {
                CallEvent::ProxyHalfClosed => {
                    closed_at.get_or_insert_with(Instant::now);
                }
                CallEvent::Ended(None) | CallEvent::ProxyCancelled => {
                    return Ok(*closed_at.get_or_insert_with(Instant::now));
                }
                CallEvent::FromProxy(bytes) => {
                    return Err(CaseFailure::mismatch(
                        "expected the proxy to passivate the idle entity by closing its stream",
                        "(half-close and end)".to_owned(),
                        format!("proxy -> user function {}", render_pretty(names.0, &bytes)),
                    ));
                }
                CallEvent::FromUserFunction(bytes) => {
                    return Err(CaseFailure::mismatch(
                        "expected the proxy to passivate the idle entity by closing its stream",
                        "(half-close and end)".to_owned(),
                        format!("user function -> proxy {}", render_pretty(names.1, &bytes)),
                    ));
                }
                CallEvent::Ended(Some(status)) => {
                    return Err(CaseFailure::mismatch(
                        "expected the proxy to passivate the idle entity by closing its stream",
                        "(half-close and end, status OK)".to_owned(),
                        format!("the call ended with {status}"),
                    ));
                }
            }
        }
    };
    let closed_at = match tokio::time::timeout_at(latest, closing).await {
        Ok(closed_at) => closed_at?,
        Err(_) => {
            return Err(CaseFailure::fail(format!(
                "the proxy did not passivate the idle entity: its stream was still open {} ms after the last \
                 reply, though the service announced a passivation timeout of {} ms",
                (timeout + PASSIVATION_SLACK).as_millis(),
                timeout.as_millis()
            )));
        }
    };
    let idle = closed_at.saturating_duration_since(earliest);
    if idle < timeout {
        return Err(CaseFailure::fail(format!(
            "the proxy passivated the entity too early: it closed the stream at most {} ms after the client's \
             last call, though the service announced a passivation timeout of {} ms",
            idle.as_millis(),
            timeout.as_millis()
        )));
    }
    Ok(())
}
