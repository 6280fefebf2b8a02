//! `GET /ready` and `GET /alive`, on the public port.
//!
//! The proxy binds its port only after discovery succeeded and its routes are built, so whenever the
//! port answers the proxy is both alive and ready: both endpoints answer 200 with a short text body.
//! (The Akka proxy served them on a separate management port; one port is simpler to probe and is what
//! the TCK polls anyway.)

use http::{Method, Response, StatusCode};
use tonic::body::Body;

use super::http::text;

/// Path of the readiness probe.
pub(super) const READY: &str = "/ready";
/// Path of the liveness probe.
pub(super) const ALIVE: &str = "/alive";

/// Whether a request is a health probe.
pub(super) fn is_probe(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD) && (path == READY || path == ALIVE)
}

/// The answer to a health probe.
pub(super) fn answer(path: &str) -> Response<Body> {
    let body = if path == READY { "ready\n" } else { "alive\n" };
    text(StatusCode::OK, body.to_owned())
}
