//! The time bounds of one call: its deadline (the client's `grpc-timeout`, or for a unary call the
//! proxy's request timeout), and how long its request body may stall.
//!
//! When the deadline passes the call ends with `DEADLINE_EXCEEDED` and whatever serves it is dropped: a
//! command still waiting for its entity is then never sent (see `entity::lifecycle`), while one already
//! sent takes effect, since the user function may have acted on it.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::StreamExt as _;
use http::HeaderMap;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};
use tonic::Status;

use crate::dispatch::MessageStream;

/// The longest `grpc-timeout` taken as it is; longer ones count as none (gRPC allows 8 digits of hours).
const LONGEST_TIMEOUT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The client's `grpc-timeout`: 1 to 8 digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`). A malformed
/// value counts as none.
pub(super) fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let unit = value.chars().last()?;
    let digits = &value[..value.len() - unit.len_utf8()];
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    let timeout = match unit {
        'H' => Duration::from_secs(amount.checked_mul(3600)?),
        'M' => Duration::from_secs(amount.checked_mul(60)?),
        'S' => Duration::from_secs(amount),
        'm' => Duration::from_millis(amount),
        'u' => Duration::from_micros(amount),
        'n' => Duration::from_nanos(amount),
        _ => return None,
    };
    (timeout <= LONGEST_TIMEOUT).then_some(timeout)
}

/// The deadline of a call: the client's `grpc-timeout`, else `default` for a unary call (streamed calls
/// may rightly last as long as their client wants).
pub(super) fn deadline(headers: &HeaderMap, unary: bool, default: Duration) -> Option<Instant> {
    let timeout = grpc_timeout(headers).or(unary.then_some(default))?;
    Some(Instant::now() + timeout)
}

/// The status of a call whose deadline passed.
pub(super) fn exceeded() -> Status {
    Status::deadline_exceeded("the call's deadline passed before it was answered")
}

/// `stream` until `deadline`, then `DEADLINE_EXCEEDED`.
pub(super) fn until(stream: MessageStream, deadline: Option<Instant>) -> MessageStream {
    let Some(deadline) = deadline else {
        return stream;
    };
    let mut stream = stream;
    let mut timer = Box::pin(tokio::time::sleep_until(deadline));
    let mut ended = false;
    Box::pin(futures::stream::poll_fn(move |cx| {
        if ended {
            return Poll::Ready(None);
        }
        match stream.poll_next_unpin(cx) {
            Poll::Ready(item) => {
                ended = item.is_none();
                Poll::Ready(item)
            }
            Poll::Pending if timer.as_mut().poll(cx).is_ready() => {
                ended = true;
                Poll::Ready(Some(Err(exceeded())))
            }
            Poll::Pending => Poll::Pending,
        }
    }))
}

/// A request body that fails when no piece of it arrives for `idle`.
#[derive(Debug)]
pub(super) struct StallingBody<B> {
    inner: B,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
}

/// Why a request body was given up.
#[derive(Debug, thiserror::Error)]
#[error("the request body stalled for longer than {0:?}")]
pub(super) struct Stalled(Duration);

impl<B> StallingBody<B> {
    pub(super) fn new(inner: B, idle: Duration) -> Self {
        StallingBody {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

impl<B> HttpBody for StallingBody<B>
where
    B: HttpBody + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = B::Data;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let next = Instant::now() + this.idle;
                this.timer.as_mut().reset(next);
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending if this.timer.as_mut().poll(cx).is_ready() => {
                Poll::Ready(Some(Err(Box::new(Stalled(this.idle)))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether an error (or one of its sources) is a stalled body.
pub(super) fn is_stalled(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<Stalled>() {
            return true;
        }
        current = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;
    use http_body_util::BodyExt as _;

    use super::*;

    fn headers(timeout: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-timeout", HeaderValue::from_str(timeout).unwrap());
        headers
    }

    #[test]
    fn grpc_timeouts_parse_in_every_unit() {
        assert_eq!(grpc_timeout(&headers("2S")), Some(Duration::from_secs(2)));
        assert_eq!(
            grpc_timeout(&headers("150m")),
            Some(Duration::from_millis(150))
        );
        assert_eq!(grpc_timeout(&headers("3M")), Some(Duration::from_secs(180)));
        assert_eq!(
            grpc_timeout(&headers("1H")),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            grpc_timeout(&headers("999u")),
            Some(Duration::from_micros(999))
        );
        assert_eq!(grpc_timeout(&headers("5n")), Some(Duration::from_nanos(5)));
        for bad in ["", "S", "123456789S", "1.5S", "10x", "-1S"] {
            assert_eq!(grpc_timeout(&headers(bad)), None, "{bad:?}");
        }
        assert_eq!(grpc_timeout(&HeaderMap::new()), None);
    }

    #[tokio::test(start_paused = true)]
    async fn only_unary_calls_get_the_default_deadline() {
        let none = HeaderMap::new();
        let default = Duration::from_secs(60);
        assert!(deadline(&none, true, default).is_some());
        assert!(deadline(&none, false, default).is_none());
        let at = deadline(&headers("1S"), false, default).unwrap();
        assert_eq!(at, Instant::now() + Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_ends_with_deadline_exceeded() {
        let endless: MessageStream = Box::pin(futures::stream::pending());
        let mut bounded = until(endless, Some(Instant::now() + Duration::from_secs(1)));
        let status = bounded.next().await.unwrap().unwrap_err();
        assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
        assert!(bounded.next().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_fails() {
        let silent = futures::stream::pending::<Result<Frame<bytes::Bytes>, std::io::Error>>();
        let body = http_body_util::StreamBody::new(silent);
        let stalled = StallingBody::new(body, Duration::from_secs(2))
            .collect()
            .await
            .unwrap_err();
        assert!(is_stalled(stalled.as_ref()), "{stalled}");
    }
}
