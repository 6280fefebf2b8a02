//! The recorder: the TCK's interceptor between a proxy and its user function, keeping every call it
//! relays until it is asked for the transcript.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};

use super::MessageCodec;
use super::transcript::{
    Event, EventKind, FORMAT_VERSION, Recording, Side, Stream, Transcript, code_name, parse_code,
};
use crate::messages::message_names;
use crate::proxy::{CallEvent, Interceptor, RecordedCall};

/// How long the recorder waits for events still in flight when it is stopped.
const SETTLE: Duration = Duration::from_millis(100);

/// One call as recorded so far.
#[derive(Debug)]
struct CallLog {
    path: String,
    connection: u64,
    opened_at: Instant,
    events: Vec<(Instant, CallEvent)>,
}

type Calls = Arc<Mutex<Vec<CallLog>>>;

/// A transparent man in the middle: relays every protocol call from a proxy to a user function and
/// keeps it for the transcript.
#[derive(Debug)]
pub(crate) struct Recorder {
    interceptor: Interceptor,
    calls: Calls,
    collector: JoinHandle<()>,
    started: Instant,
    started_at: String,
    upstream: String,
}

impl Recorder {
    /// Serves on `listener` and relays to the user function at `upstream` (`HOST:PORT`), which need not
    /// be up yet: each call connects when it needs to.
    pub(crate) fn start(listener: TcpListener, upstream: &str) -> Result<Recorder, String> {
        let channel: Channel = Endpoint::from_shared(format!("http://{upstream}"))
            .map_err(|error| format!("`{upstream}` is not HOST:PORT: {error}"))?
            .tcp_nodelay(true)
            .connect_lazy();
        let interceptor = Interceptor::start(listener, channel)
            .map_err(|error| format!("cannot start the recorder: {error}"))?;
        let calls: Calls = Arc::default();
        let traffic = interceptor.traffic.clone();
        let collected = calls.clone();
        let collector = tokio::spawn(async move {
            let forever = tokio::time::Instant::now() + Duration::from_secs(100 * 365 * 86_400);
            while let Some(call) = traffic.next_call(forever).await {
                // Logged here, in the order the calls opened; events are kept by a task per call.
                let index = {
                    let mut calls = collected.lock().unwrap_or_else(PoisonError::into_inner);
                    calls.push(CallLog {
                        path: call.path.clone(),
                        connection: call.connection,
                        opened_at: call.opened_at,
                        events: Vec::new(),
                    });
                    calls.len() - 1
                };
                tokio::spawn(drain(call, index, collected.clone(), forever));
            }
        });
        Ok(Recorder {
            interceptor,
            calls,
            collector,
            started: Instant::now(),
            started_at: chrono::Local::now().to_rfc3339(),
            upstream: upstream.to_owned(),
        })
    }

    /// Where the proxy must find its user function.
    pub(crate) fn address(&self) -> std::net::SocketAddr {
        self.interceptor.address
    }

    /// Stops recording and returns the transcript: messages as transcript JSON, with `Any` payloads
    /// expanded by the descriptors of the first discovery answer (or the TCK's own).
    pub(crate) async fn finish(self) -> Transcript {
        tokio::time::sleep(SETTLE).await;
        self.collector.abort();
        let duration = self.started.elapsed();
        let calls = std::mem::take(&mut *self.calls.lock().unwrap_or_else(PoisonError::into_inner));
        let (codec, problem) = MessageCodec::for_discovery(discovery_answer(&calls).as_deref());
        let descriptors = match problem {
            None => codec.source().to_owned(),
            Some(problem) => format!("{} ({problem})", codec.source()),
        };
        let streams = calls
            .iter()
            .map(|call| stream(call, self.started, &codec))
            .collect();
        Transcript {
            format_version: FORMAT_VERSION,
            comment: None,
            recorded: Some(Recording {
                tck_version: env!("CARGO_PKG_VERSION").to_owned(),
                started_at: self.started_at,
                duration_ms: millis(duration),
                listen: self.interceptor.address.to_string(),
                upstream: self.upstream,
                descriptors,
            }),
            streams,
        }
    }
}

/// Keeps the events of one call, stamped when they arrive (as the interceptor sees them).
async fn drain(mut call: RecordedCall, index: usize, calls: Calls, forever: tokio::time::Instant) {
    while let Some(event) = call.next_event_until(forever).await {
        let now = Instant::now();
        let mut calls = calls.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(log) = calls.get_mut(index) {
            log.events.push((now, event));
        }
    }
}

/// The user function's answer to the first recorded `discover`, encoded.
fn discovery_answer(calls: &[CallLog]) -> Option<Bytes> {
    calls
        .iter()
        .filter(|call| call.path == "/cloudstate.EntityDiscovery/discover")
        .flat_map(|call| call.events.iter())
        .find_map(|(_, event)| match event {
            CallEvent::FromUserFunction(bytes) => Some(bytes.clone()),
            _ => None,
        })
}

fn stream(call: &CallLog, started: Instant, codec: &MessageCodec) -> Stream {
    let (service, method) = call
        .path
        .trim_start_matches('/')
        .split_once('/')
        .unwrap_or((call.path.as_str(), ""));
    let (request, response) = message_names(&call.path).unwrap_or(("", ""));
    let events = call
        .events
        .iter()
        .map(|(at, event)| Event {
            at_ms: millis(at.saturating_duration_since(call.opened_at)),
            kind: match event {
                CallEvent::FromProxy(bytes) => EventKind::Message {
                    from: Side::Proxy,
                    message: codec.to_json(request, bytes),
                },
                CallEvent::FromUserFunction(bytes) => EventKind::Message {
                    from: Side::UserFunction,
                    message: codec.to_json(response, bytes),
                },
                CallEvent::ProxyHalfClosed => EventKind::HalfClose,
                CallEvent::Ended(None) => EventKind::End {
                    code: "OK".to_owned(),
                    message: String::new(),
                },
                CallEvent::Ended(Some(status)) => ended_with(status),
                CallEvent::ProxyCancelled => EventKind::Cancel,
            },
        })
        .collect();
    Stream {
        service: service.to_owned(),
        method: method.to_owned(),
        comment: None,
        connection: call.connection,
        opened_at_ms: millis(call.opened_at.saturating_duration_since(started)),
        events,
    }
}

/// An end event from the interceptor's description, `gRPC status <Code>: <message>`.
fn ended_with(status: &str) -> EventKind {
    let described = status
        .strip_prefix("gRPC status ")
        .and_then(|rest| rest.split_once(": "))
        .and_then(|(code, message)| Some((parse_code(code)?, message)));
    match described {
        Some((code, message)) => EventKind::End {
            code: code_name(code).to_owned(),
            message: message.to_owned(),
        },
        None => EventKind::End {
            code: "UNKNOWN".to_owned(),
            message: status.to_owned(),
        },
    }
}

/// Milliseconds with microsecond precision.
fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_statuses_are_parsed() {
        assert_eq!(
            ended_with("gRPC status InvalidArgument: bad: really"),
            EventKind::End {
                code: "INVALID_ARGUMENT".to_owned(),
                message: "bad: really".to_owned()
            }
        );
        assert!(matches!(ended_with("lost"), EventKind::End { code, .. } if code == "UNKNOWN"));
        assert_eq!(millis(Duration::from_micros(1_234_567)), 1234.567);
    }
}
