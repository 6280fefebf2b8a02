//! The public port's connections: how many are served at once, how long a new connection may take to
//! send its first request, and how long one may stay open with no request in flight.
//!
//! Every connection holds a permit of a semaphore sized to [`ConnectionLimits::max_connections`]. A
//! connection accepted while none is left makes room by closing the connection that has had nothing in
//! flight for longest (one that never sent a request first), so that a client holding many idle sockets
//! cannot lock the others out; when every connection has a request in flight, the new one is answered
//! 503 (gRPC: `UNAVAILABLE`) and closed, and the descriptors the limit leaves free keep the proxy
//! working. A connection is closed gracefully
//! (HTTP/2 `GOAWAY`) once nothing has been in flight on it for the idle timeout, or, before its first
//! request, for the header-read timeout; what is still open a grace period later is dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Response;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::Notify;
use tokio::time::Instant;
use tonic::body::Body;

/// How long a connection asked to close may finish what is in flight before it is dropped.
pub(super) const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// The connection limit where the open-file limit cannot be read.
const FALLBACK_MAX_CONNECTIONS: usize = 1024;
/// Descriptors left for everything but client connections: the store, the user function, logs.
const RESERVED_DESCRIPTORS: usize = 128;

/// The limits of the public port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// The most client connections served at once.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, and a new connection its first request.
    pub header_read_timeout: Duration,
    /// How long the body of a unary request may stall between two pieces.
    pub body_read_timeout: Duration,
    /// How long a connection may stay open without a request in flight.
    pub idle_timeout: Duration,
    /// How long a unary call may take when the client sets no `grpc-timeout`.
    pub request_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: default_max_connections(),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(60),
        }
    }
}

/// The open-file limit less the descriptors the proxy needs besides connections (at least 16), or 1024
/// where the limit cannot be read.
pub fn default_max_connections() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| soft_open_file_limit(&limits))
        .map_or(FALLBACK_MAX_CONNECTIONS, |soft| {
            soft.saturating_sub(RESERVED_DESCRIPTORS).clamp(16, 1 << 20)
        })
}

/// The soft limit of the "Max open files" line of `/proc/self/limits`.
fn soft_open_file_limit(limits: &str) -> Option<usize> {
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    let soft = line
        .trim_start_matches("Max open files")
        .split_whitespace()
        .next()?;
    match soft {
        "unlimited" => Some(1 << 20),
        number => number.parse().ok(),
    }
}

/// What is in flight on one connection, and since when nothing is.
#[derive(Debug)]
pub(super) struct Activity {
    in_flight: AtomicUsize,
    /// When the connection opened or its last request ended; `None` until it has had one.
    idle_since: Mutex<(Instant, bool)>,
}

impl Activity {
    pub(super) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new((Instant::now(), false)),
        })
    }

    /// A request starts; it is in flight until the guard, which its response body carries, is dropped.
    pub(super) fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.idle_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1 = true;
        InFlight(self.clone())
    }

    /// Whether nothing is in flight and the connection has had a request, and since when nothing is in
    /// flight; `None` while a request is.
    pub(super) fn idle(&self) -> Option<(bool, Instant)> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let (since, had_request) = *self
            .idle_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Some((had_request, since))
    }

    /// When the connection will have been idle too long, if nothing is in flight: the header-read timeout
    /// after it opened if it has had no request yet, else the idle timeout after its last one ended.
    pub(super) fn closes_at(&self, limits: &ConnectionLimits) -> Option<Instant> {
        let (had_request, since) = self.idle()?;
        let allowed = if had_request {
            limits.idle_timeout
        } else {
            limits.header_read_timeout
        };
        Some(since + allowed)
    }
}

/// What the roster knows of an open connection: its activity, and how to tell it to close.
type Open = (Arc<Activity>, Arc<Notify>);

/// The open connections, so that the one idle longest can make room for a new one at the limit.
#[derive(Debug, Default)]
pub(super) struct Roster {
    next: AtomicU64,
    open: Mutex<HashMap<u64, Open>>,
}

impl Roster {
    /// Enters a connection; it leaves when the returned member is dropped.
    pub(super) fn join(self: &Arc<Self>, activity: Arc<Activity>) -> Member {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let evicted = Arc::new(Notify::new());
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, (activity, evicted.clone()));
        Member {
            roster: self.clone(),
            id,
            evicted,
        }
    }

    /// Asks the connection with nothing in flight for longest (one that never sent a request before one
    /// that did) to close; `false` when every connection has a request in flight.
    pub(super) fn evict_idlest(&self) -> bool {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let idlest = open
            .iter()
            .filter_map(|(id, (activity, _))| Some((activity.idle()?, *id)))
            .min()
            .map(|(_, id)| id);
        match idlest.and_then(|id| open.remove(&id)) {
            Some((_, evicted)) => {
                evicted.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A connection's place in the [`Roster`].
#[derive(Debug)]
pub(super) struct Member {
    roster: Arc<Roster>,
    id: u64,
    /// Told when the connection is to close to make room.
    pub(super) evicted: Arc<Notify>,
}

impl Drop for Member {
    fn drop(&mut self) {
        self.roster
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

/// One request in flight on a connection.
#[derive(Debug)]
pub(super) struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut idle = self
            .0
            .idle_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            idle.0 = Instant::now();
        }
    }
}

/// A response whose body keeps its request in flight until the body ends or is dropped.
pub(super) fn tracked(response: Response<Body>, in_flight: InFlight) -> Response<Body> {
    response.map(|body| {
        Body::new(TrackedBody {
            inner: body,
            in_flight: Some(in_flight),
        })
    })
}

struct TrackedBody {
    inner: Body,
    in_flight: Option<InFlight>,
}

impl HttpBody for TrackedBody {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
        let polled = std::pin::Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) {
            self.in_flight = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Logs a repeated event at most once every ten seconds, with how often it happened in between.
#[derive(Debug)]
pub(super) struct Throttled {
    last: Option<Instant>,
    suppressed: u64,
}

impl Throttled {
    pub(super) const fn new() -> Throttled {
        Throttled {
            last: None,
            suppressed: 0,
        }
    }

    /// Whether to log now; the count of the times left out since the last logged one.
    pub(super) fn log_now(&mut self) -> Option<u64> {
        let now = Instant::now();
        match self.last {
            Some(last) if now.duration_since(last) < Duration::from_secs(10) => {
                self.suppressed += 1;
                None
            }
            _ => {
                self.last = Some(now);
                Some(std::mem::take(&mut self.suppressed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_file_limit_is_read_from_proc() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max cpu time              unlimited            unlimited            seconds\n\
                      Max open files            1024                 1048576              files\n";
        assert_eq!(soft_open_file_limit(limits), Some(1024));
        assert_eq!(soft_open_file_limit("nothing"), None);
        assert!(default_max_connections() >= 16);
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_is_idle_only_with_nothing_in_flight() {
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(5),
            ..ConnectionLimits::default()
        };
        let activity = Activity::new();
        let opened = Instant::now();
        assert_eq!(
            activity.closes_at(&limits),
            Some(opened + Duration::from_secs(1))
        );
        let request = activity.begin();
        assert_eq!(activity.closes_at(&limits), None);
        tokio::time::advance(Duration::from_secs(3)).await;
        drop(request);
        let ended = Instant::now();
        assert_eq!(
            activity.closes_at(&limits),
            Some(ended + Duration::from_secs(5))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn repeated_log_lines_are_throttled() {
        let mut throttled = Throttled::new();
        assert_eq!(throttled.log_now(), Some(0));
        assert_eq!(throttled.log_now(), None);
        assert_eq!(throttled.log_now(), None);
        tokio::time::advance(Duration::from_secs(11)).await;
        assert_eq!(throttled.log_now(), Some(2));
    }
}
