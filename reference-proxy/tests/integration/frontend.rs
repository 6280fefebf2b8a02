//! The frontend on a real port in front of a router with a fake handler: gRPC (unary, server-streaming,
//! bidirectional, statuses), HTTP/JSON (annotated and default routes, errors), health probes and
//! shutdown.

use crate::frontend_support;

use std::sync::Arc;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::{
    self as action, ProcessGroup, ProcessStep, process_step,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_configured_client::ValueEntityConfiguredClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{self as ve, request_action};
use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};
use frontend_support::{Proxy, WAIT, tck_spec};
use futures::StreamExt as _;
use prost::Message as _;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use tokio::time::timeout;
use tonic::{Code, Status};

/// Answers like a tiny user function: value-entity `Process` replies `<id>:<updates>` or fails with the
/// `Fail` message as UNKNOWN; `ValueEntityTwo.Call` replies an empty `Response`; the action's streamed
/// methods reply one `Response` per group, made of the group's reply texts.
struct Fake;

fn one(message: impl prost::Message) -> MessageStream {
    let bytes = Bytes::from(message.encode_to_vec());
    Box::pin(futures::stream::once(async move { Ok(bytes) }))
}

fn group_replies(request: &action::Request) -> Vec<Result<Bytes, Status>> {
    let text = |group: &ProcessGroup| -> String {
        let replies = group.steps.iter().filter_map(|step| match &step.step {
            Some(process_step::Step::Reply(reply)) => Some(reply.message.as_str()),
            _ => None,
        });
        replies.collect::<Vec<_>>().join("+")
    };
    let encode = |message: String| Ok(Bytes::from(action::Response { message }.encode_to_vec()));
    request
        .groups
        .iter()
        .map(|group| encode(text(group)))
        .collect()
}

#[tonic::async_trait]
impl Dispatch for Fake {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        let (service, method) = (call.service.name.clone(), call.method.name().to_owned());
        let mut requests = call.requests;
        match (service.as_str(), method.as_str()) {
            (VALUE_ENTITY_TCK_MODEL, "Process") => {
                let bytes = requests
                    .next()
                    .await
                    .ok_or_else(|| Status::internal("no request"))??;
                let id = call.method.entity_id(&bytes)?;
                let request =
                    ve::Request::decode(bytes).map_err(|e| Status::internal(e.to_string()))?;
                let mut updates = Vec::new();
                for action in request.actions.iter().filter_map(|a| a.action.as_ref()) {
                    match action {
                        request_action::Action::Fail(fail) => {
                            return Err(Status::unknown(fail.message.clone()));
                        }
                        request_action::Action::Update(update) => {
                            updates.push(update.value.clone())
                        }
                        _ => {}
                    }
                }
                Ok(one(ve::Response {
                    message: format!("{id}:{}", updates.join(",")),
                }))
            }
            (VALUE_ENTITY_TWO, "Call") => Ok(one(ve::Response::default())),
            (ACTION_TCK_MODEL, "ProcessStreamed" | "ProcessStreamedOut") => {
                let replies = requests.flat_map(|bytes| {
                    let replies = match bytes.and_then(|b| {
                        action::Request::decode(b).map_err(|e| Status::internal(e.to_string()))
                    }) {
                        Ok(request) => group_replies(&request),
                        Err(status) => vec![Err(status)],
                    };
                    futures::stream::iter(replies)
                });
                Ok(Box::pin(replies))
            }
            _ => Err(Status::unimplemented(format!(
                "the fake does not serve {service}/{method}"
            ))),
        }
    }
}

/// The frontend for the TCK's value-entity and action models, in front of [`Fake`].
async fn start() -> Proxy {
    Proxy::start(tck_spec(), Arc::new(Fake)).await
}

fn ve_request(id: &str, actions: Vec<request_action::Action>) -> ve::Request {
    ve::Request {
        id: id.to_owned(),
        actions: actions
            .into_iter()
            .map(|a| ve::RequestAction { action: Some(a) })
            .collect(),
    }
}

fn action_request(groups: &[&[&str]]) -> action::Request {
    let step = |text: &&str| ProcessStep {
        step: Some(process_step::Step::Reply(action::Reply {
            message: (*text).to_owned(),
        })),
    };
    action::Request {
        groups: groups
            .iter()
            .map(|g| ProcessGroup {
                steps: g.iter().map(step).collect(),
            })
            .collect(),
    }
}

#[tokio::test]
async fn grpc_unary_calls_reach_the_router_and_statuses_pass_through() {
    let proxy = start().await;
    let mut client = ValueEntityTckModelClient::new(proxy.channel().await);
    let update = request_action::Action::Update(ve::Update {
        value: "one".to_owned(),
    });
    let reply = timeout(WAIT, client.process(ve_request("e-1", vec![update])))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reply.into_inner().message, "e-1:one");

    let fail = request_action::Action::Fail(ve::Fail {
        message: "expected failure".to_owned(),
    });
    let status = timeout(WAIT, client.process(ve_request("e-1", vec![fail])))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::Unknown, "expected failure")
    );

    let status = timeout(WAIT, client.process(ve_request("", vec![])))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");

    let mut undiscovered = ValueEntityConfiguredClient::new(proxy.channel().await);
    let status = timeout(WAIT, undiscovered.call(ve_request("e-1", vec![])))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented, "{status:?}");
    drop((client, undiscovered));
    proxy.stop().await;
}

#[tokio::test]
async fn grpc_streaming_calls_pass_every_message_through() {
    let proxy = start().await;
    let mut client = ActionTckModelClient::new(proxy.channel().await);
    let requests = vec![
        action_request(&[&["X"]]),
        action_request(&[&["Y", "Z"]]),
        action_request(&[&["A"], &["B"]]),
    ];
    let stream = timeout(
        WAIT,
        client.process_streamed(futures::stream::iter(requests)),
    )
    .await
    .unwrap()
    .unwrap();
    let replies: Vec<String> = timeout(
        WAIT,
        stream.into_inner().map(|r| r.unwrap().message).collect(),
    )
    .await
    .unwrap();
    assert_eq!(replies, ["X", "Y+Z", "A", "B"]);

    let request = action_request(&[&["A"], &["B"], &["C"]]);
    let stream = timeout(WAIT, client.process_streamed_out(request))
        .await
        .unwrap()
        .unwrap();
    let replies: Vec<String> = timeout(
        WAIT,
        stream.into_inner().map(|r| r.unwrap().message).collect(),
    )
    .await
    .unwrap();
    assert_eq!(replies, ["A", "B", "C"]);

    let status = timeout(WAIT, client.process_unary(action_request(&[])))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(
        status.code(),
        Code::Unimplemented,
        "the fake's status passes through: {status:?}"
    );
    drop(client);
    proxy.stop().await;
}

#[tokio::test]
async fn http_routes_transcode_json_both_ways() {
    let proxy = start().await;
    let json = Some("application/json");
    let body = r#"{"actions":[{"update":{"value":"two"}}]}"#;
    let (status, content_type, reply) = proxy
        .http("POST", "/tck/model/entity/e-2", json, body)
        .await;
    assert_eq!(
        (status, content_type.as_str(), reply.as_str()),
        (200, "application/json", r#"{"message":"e-2:two"}"#)
    );

    let path = "/cloudstate.tck.model.valueentity.ValueEntityTckModel/Process";
    let (status, _, reply) = proxy
        .http("POST", path, json, r#"{"id":"e-3","actions":[]}"#)
        .await;
    assert_eq!((status, reply.as_str()), (200, r#"{"message":"e-3:"}"#));

    let path = "/cloudstate.tck.model.valueentity.ValueEntityTwo/Call";
    let (status, content_type, reply) = proxy.http("POST", path, json, r#"{"id":"x"}"#).await;
    assert_eq!(
        (status, content_type.as_str(), reply.as_str()),
        (200, "application/json", r#"{"message":""}"#)
    );

    let fail = r#"{"actions":[{"fail":{"message":"boom"}}]}"#;
    let (status, content_type, reply) = proxy
        .http("POST", "/tck/model/entity/e-2", json, fail)
        .await;
    assert_eq!((status, reply.as_str()), (500, "boom"));
    assert!(content_type.starts_with("text/plain"), "{content_type}");

    // Server streaming over HTTP: one JSON document per line (chunked, so framing surrounds the lines).
    let path = "/cloudstate.tck.model.action.ActionTckModel/ProcessStreamedOut";
    let groups = r#"{"groups":[{"steps":[{"reply":{"message":"A"}}]},{"steps":[{"reply":{"message":"B"}}]}]}"#;
    let (status, content_type, reply) = proxy.post(path, groups).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    assert!(
        reply.contains("{\"message\":\"A\"}\n") && reply.contains("{\"message\":\"B\"}\n"),
        "{reply}"
    );
    proxy.stop().await;
}

#[tokio::test]
async fn bad_http_requests_get_clear_client_errors() {
    let proxy = start().await;
    let json = Some("application/json");
    let (status, _, reply) = proxy
        .http("POST", "/tck/model/entity/e-2", json, "{not json")
        .await;
    assert_eq!(status, 400);
    assert!(reply.contains("not valid JSON"), "{reply}");

    let (status, _, reply) = proxy
        .http("POST", "/tck/model/entity/e-2", json, r#"{"nope":1}"#)
        .await;
    assert_eq!(status, 400);
    assert!(reply.contains("nope"), "{reply}");

    let (status, _, reply) = proxy
        .http("POST", "/tck/model/entity/e-2", Some("text/plain"), "{}")
        .await;
    assert_eq!(status, 400);
    assert!(reply.contains("application/json"), "{reply}");

    let (status, _, reply) = proxy
        .http("POST", "/tck/model/entity/e-2", json, "[1]")
        .await;
    assert_eq!(
        (status, reply.as_str()),
        (400, "the request body must be a JSON object")
    );

    let (status, _, reply) = proxy.http("POST", "/no/such/route", json, "{}").await;
    assert_eq!(status, 404);
    assert!(reply.contains("/no/such/route"), "{reply}");

    let (status, _, _) = proxy.http("GET", "/tck/model/entity/e-2", None, "").await;
    assert_eq!(status, 405);

    let path = "/cloudstate.tck.model.action.ActionTckModel/ProcessUnary";
    let (status, _, reply) = proxy.http("POST", path, json, "{}").await;
    assert_eq!(status, 501, "UNIMPLEMENTED from the router: {reply}");
    proxy.stop().await;
}

#[tokio::test]
async fn health_probes_answer_200_and_shutdown_closes_idle_connections() {
    let proxy = start().await;
    assert_eq!(proxy.http("GET", "/alive", None, "").await.0, 200);
    assert_eq!(proxy.http("GET", "/ready", None, "").await.0, 200);
    // An idle HTTP/2 connection is told to go away and does not hold the shutdown up.
    let idle = proxy.channel().await;
    let started = std::time::Instant::now();
    proxy.stop().await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(idle);
}
