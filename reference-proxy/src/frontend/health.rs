//! `GET /ready` and `GET /alive`, on the public port.
//!
//! The proxy binds its port only after discovery succeeded and its routes are built, so whenever the
//! port answers the proxy is alive: `/alive` answers 200. `/ready` answers 200 too, unless the user
//! function has left a call without any answer for longer than its health allows (see
//! [`crate::health`]): then it answers 503 until the user function answers again. (The Akka proxy served
//! both on a separate management port; one port is simpler to probe and is what the TCK polls anyway.)

use http::{Method, Response, StatusCode};
use tonic::body::Body;

use super::http::text;
use crate::health::Health;

/// Path of the readiness probe.
pub(super) const READY: &str = "/ready";
/// Path of the liveness probe.
pub(super) const ALIVE: &str = "/alive";

/// Whether a request is a health probe.
pub(super) fn is_probe(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD) && (path == READY || path == ALIVE)
}

/// The answer to a health probe.
pub(super) fn answer(path: &str, health: &Health) -> Response<Body> {
    if path != READY {
        return text(StatusCode::OK, "alive\n".to_owned());
    }
    match health.silent_for() {
        None => text(StatusCode::OK, "ready\n".to_owned()),
        Some(silent) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "not ready: the user function has left a call without any answer for {} ms\n",
                silent.as_millis()
            ),
        ),
    }
}
