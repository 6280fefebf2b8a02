//! HTTP/JSON transcoding: a request on a route of [`Routes`] becomes one input message, the call goes
//! through the router like a gRPC call, and the reply comes back as JSON.
//!
//! - Success: 200, `content-type: application/json`, the reply as JSON (see [`super::json`]). A
//!   server-streaming method answers newline-delimited JSON, one reply per line, as the Akka proxy did;
//!   an error after the first reply can only cut the body short.
//! - A status from the call: the HTTP status of [`http_status`] and the status description as a
//!   `text/plain` body (the TCK expects 500 and the failure description for a `Failure`).
//! - A bad request (invalid JSON, a wrong content type, unknown fields or query parameters): 400 with
//!   what is wrong; no route: 404; a served path with another HTTP method: 405; a body over 4 MiB
//!   (declared or sent): 413; a body that stalls: 408; a unary answer later than the request timeout: 504.
//!
//! Client-streaming and bidirectional methods take the one request message over HTTP.

use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use serde_json::{Map, Value};
use tonic::body::Body;
use tonic::{Code, Status};

use super::connections::ConnectionLimits;
use super::deadline::{self, StallingBody};
use super::grpc::single_reply;
use super::json;
use super::routes::{BodyRule, Lookup, Route, Routes};
use crate::deviation;
use crate::dispatch::{MessageStream, Router};

/// The largest request body accepted, like gRPC's default message size limit.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Serves one HTTP request that is neither gRPC nor a health probe. The body must not stall for longer
/// than the body read timeout (408), and a unary method's answer must come within the request timeout
/// (504, as `DEADLINE_EXCEEDED`); a streamed answer is not bounded.
pub(super) async fn handle(
    router: Arc<Router>,
    routes: &Routes,
    request: Request<Incoming>,
    limits: &ConnectionLimits,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let (route, values) = match routes.find(&parts.method, parts.uri.path()) {
        Lookup::Found(route, values) => (route, values),
        Lookup::NotFound => {
            return text(
                StatusCode::NOT_FOUND,
                format!("no HTTP route for {} {}", parts.method, parts.uri.path()),
            );
        }
        Lookup::WrongMethod(_) if deviation::frontend::wrong_method_is_not_found() => {
            return text(
                StatusCode::NOT_FOUND,
                format!("no HTTP route for {} {}", parts.method, parts.uri.path()),
            );
        }
        Lookup::WrongMethod(allowed) => {
            let mut response = text(
                StatusCode::METHOD_NOT_ALLOWED,
                format!(
                    "{} is served only for {}",
                    parts.uri.path(),
                    allowed.join(", ")
                ),
            );
            if let Ok(allow) = HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(header::ALLOW, allow);
            }
            return response;
        }
    };
    let too_large = || {
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {MAX_BODY} bytes"),
        )
    };
    // A body declared too large is refused before any of it is read.
    if declared_length(&parts.headers).is_some_and(|length| length > MAX_BODY as u64) {
        return too_large();
    }
    let body = StallingBody::new(body, limits.body_read_timeout);
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => return too_large(),
        Err(error) if deadline::is_stalled(error.as_ref()) => {
            return text(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body stalled for longer than {} ms",
                    limits.body_read_timeout.as_millis()
                ),
            );
        }
        Err(error) => {
            return text(
                StatusCode::BAD_REQUEST,
                format!("the request body could not be read: {error}"),
            );
        }
    };
    let input = match values
        .and_then(|values| input_message(route, &values, &parts.headers, parts.uri.query(), &body))
    {
        Ok(input) => input,
        Err(error) => return text(deviation::frontend::bad_body_status(), error),
    };
    let requests = Box::pin(futures::stream::once(async move { Ok(input) }));
    let call = router.call(&route.service, route.method.name(), requests);
    if route.method.descriptor.is_server_streaming() {
        return match call.await {
            Ok(replies) => reply(route, replies).await,
            Err(status) => status_response(&status),
        };
    }
    let answered = async {
        match call.await {
            Ok(replies) => reply(route, replies).await,
            Err(status) => status_response(&status),
        }
    };
    tokio::time::timeout(limits.request_timeout, answered)
        .await
        .unwrap_or_else(|_| status_response(&deadline::exceeded()))
}

/// The `content-length` a request declares, if any.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The HTTP response for a call's replies.
async fn reply(route: &Route, mut replies: MessageStream) -> Response<Body> {
    let output = route.method.output();
    let field = route.response_body.clone();
    if !route.method.descriptor.is_server_streaming() {
        return match single_reply(replies).await {
            Ok(reply) => match json::from_protobuf(&output, &reply, field.as_ref()) {
                Ok(json) => json_response(Body::new(Full::new(Bytes::from(json)))),
                Err(error) => text(StatusCode::INTERNAL_SERVER_ERROR, error),
            },
            Err(status) => status_response(&status),
        };
    }
    let first = match replies.next().await {
        None => return json_response(Body::empty()),
        Some(Err(status)) => return status_response(&status),
        Some(Ok(first)) => first,
    };
    let lines = futures::stream::once(async move { Ok(first) })
        .chain(replies)
        .map(move |reply| {
            let json =
                json::from_protobuf(&output, &reply?, field.as_ref()).map_err(Status::internal)?;
            let mut line = json;
            line.push(b'\n');
            Ok::<_, Status>(Frame::data(Bytes::from(line)))
        });
    json_response(Body::new(StreamBody::new(lines)))
}

/// Builds the encoded input message from the body, the query and the path variables.
fn input_message(
    route: &Route,
    values: &[String],
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Bytes, String> {
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    if has_body && !matches!(route.body, BodyRule::None) && !is_json(headers) {
        return Err(
            "the request body must be JSON: send `content-type: application/json`".to_owned(),
        );
    }
    let mut object = match &route.body {
        BodyRule::None => Map::new(),
        BodyRule::Whole => match json::parse(body)? {
            Value::Object(object) => object,
            _ => return Err("the request body must be a JSON object".to_owned()),
        },
        BodyRule::Field(field) => {
            let mut object = Map::new();
            if has_body {
                object.insert(field.name().to_owned(), json::parse(body)?);
            }
            object
        }
    };
    let input = route.method.input();
    if !matches!(route.body, BodyRule::Whole) {
        for (name, texts) in query_parameters(query.unwrap_or(""))? {
            let path: Vec<&str> = name.split('.').collect();
            let fields = json::field_path(&input, &path)
                .map_err(|error| format!("query parameter `{name}`: {error}"))?;
            let Some(last) = fields.last() else { continue };
            let value = if last.is_list() {
                Value::Array(
                    texts
                        .into_iter()
                        .map(|t| json::parameter(last, t))
                        .collect(),
                )
            } else {
                let mut texts = texts.into_iter();
                match (texts.next(), texts.next()) {
                    (Some(text), None) => json::parameter(last, text),
                    _ => return Err(format!("query parameter `{name}` is given more than once")),
                }
            };
            json::set(&mut object, &fields, value);
        }
    }
    for (fields, value) in route.variables.iter().zip(values) {
        if let Some(last) = fields.last() {
            json::set(&mut object, fields, json::parameter(last, value.clone()));
        }
    }
    json::to_protobuf(&input, Value::Object(object))
}

fn is_json(headers: &HeaderMap) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    media_type.eq_ignore_ascii_case("application/json")
}

/// Query parameters, decoded and grouped by name, in order of first appearance.
fn query_parameters(query: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut parameters: Vec<(String, Vec<String>)> = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = super::template::percent_decode(name, true)?;
        let value = super::template::percent_decode(value, true)?;
        match parameters
            .iter_mut()
            .find(|(existing, _)| *existing == name)
        {
            Some((_, values)) => values.push(value),
            None => parameters.push((name, vec![value])),
        }
    }
    Ok(parameters)
}

/// The HTTP status for a gRPC status code, as documented in `google/rpc/code.proto` (which the Akka
/// proxy followed for the codes the TCK uses: UNKNOWN → 500, INVALID_ARGUMENT → 400, NOT_FOUND → 404).
pub(super) fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A failed call: the mapped HTTP status, and the description as the body.
fn status_response(status: &Status) -> Response<Body> {
    let description = if status.message().is_empty() {
        status.code().description()
    } else {
        status.message()
    };
    let http = deviation::frontend::failure_http_status(status.code(), http_status(status.code()));
    text(http, description.to_owned())
}

fn json_response(body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A plain-text response.
pub(super) fn text(status: StatusCode, text: String) -> Response<Body> {
    let mut response = Response::new(Body::new(Full::new(Bytes::from(text))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_decoded_and_grouped() {
        let parsed = query_parameters("a=1&b=x+y&a=%32&c").unwrap();
        let expected = vec![
            ("a".to_owned(), vec!["1".to_owned(), "2".to_owned()]),
            ("b".to_owned(), vec!["x y".to_owned()]),
            ("c".to_owned(), vec![String::new()]),
        ];
        assert_eq!(parsed, expected);
    }

    #[test]
    fn status_codes_map_to_http() {
        assert_eq!(
            http_status(Code::Unknown),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(http_status(Code::InvalidArgument), StatusCode::BAD_REQUEST);
        assert_eq!(http_status(Code::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(
            http_status(Code::Unimplemented),
            StatusCode::NOT_IMPLEMENTED
        );
        assert_eq!(
            http_status(Code::Unavailable),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
