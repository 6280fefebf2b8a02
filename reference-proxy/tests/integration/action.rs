//! Actions through `ActionHandler` against a fake user function: the four call shapes, the header-then-
//! payload rule of streamed calls, failures, forwards and side effects.

use crate::action_support;

use action_support::{Seen, WAIT, any, next, setup};
use bytes::Bytes;
use cloudstate_protocol::cloudstate::action::ActionCommand;
use cloudstate_protocol::cloudstate::tck::model::action::{
    Fail, Forward, OtherRequest, ProcessGroup, ProcessStep, Reply, Request, Response, SideEffect,
    process_step,
};
use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO, EVENT_LOG_SUBSCRIBER_MODEL};
use futures::StreamExt as _;
use prost_types::Any;
use reference_proxy::dispatch::{Dispatch as _, MessageStream};
use tokio::sync::mpsc;
use tokio::time::timeout;
use tonic::{Code, Status};

fn step(step: process_step::Step) -> ProcessStep {
    ProcessStep { step: Some(step) }
}
fn reply(message: &str) -> ProcessStep {
    step(process_step::Step::Reply(Reply {
        message: message.to_owned(),
    }))
}
fn forward(id: &str) -> ProcessStep {
    step(process_step::Step::Forward(Forward { id: id.to_owned() }))
}
fn fail(message: &str) -> ProcessStep {
    step(process_step::Step::Fail(Fail {
        message: message.to_owned(),
    }))
}
fn effect(id: &str, synchronous: bool) -> ProcessStep {
    step(process_step::Step::Effect(SideEffect {
        id: id.to_owned(),
        synchronous,
    }))
}
fn request(groups: Vec<Vec<ProcessStep>>) -> Request {
    Request {
        groups: groups
            .into_iter()
            .map(|steps| ProcessGroup { steps })
            .collect(),
    }
}
fn encoded(message: &impl prost::Message) -> Bytes {
    Bytes::from(message.encode_to_vec())
}
fn response(message: &str) -> Bytes {
    encoded(&Response {
        message: message.to_owned(),
    })
}
fn other(id: &str) -> Bytes {
    encoded(&OtherRequest { id: id.to_owned() })
}
fn one(bytes: Bytes) -> MessageStream {
    futures::stream::once(async move { Ok(bytes) }).boxed()
}
fn full(name: &str, message: &Request) -> ActionCommand {
    let payload = Some(any("Request", message.clone()));
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: name.to_owned(),
        payload,
        metadata: None,
    }
}
fn header(name: &str) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: name.to_owned(),
        ..ActionCommand::default()
    }
}
fn payload_only(message: &Request) -> ActionCommand {
    ActionCommand {
        payload: Some(any("Request", message.clone())),
        ..ActionCommand::default()
    }
}
/// A request stream fed by the test, one message at a time.
fn fed() -> (mpsc::Sender<Result<Bytes, Status>>, MessageStream) {
    let (sender, receiver) = mpsc::channel(8);
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|message| (message, receiver))
    });
    (sender, stream.boxed())
}

#[tokio::test]
async fn unary_sends_the_full_command_with_metadata_and_returns_the_reply() {
    let mut s = setup().await;
    let message = request(vec![vec![reply("one")]]);
    let entry = MetadataEntry {
        key: "x".into(),
        value: Some(metadata_entry::Value::StringValue("y".into())),
    };
    let metadata = Metadata {
        entries: vec![entry],
    };
    let mut call = s.call(ACTION_TCK_MODEL, "ProcessUnary", one(encoded(&message)));
    call.metadata = Some(metadata.clone());
    assert_eq!(s.replies(call).await, vec![response("one")]);
    let expected = ActionCommand {
        metadata: Some(metadata),
        ..full("ProcessUnary", &message)
    };
    assert_eq!(s.next_seen().await, Seen::Command("handleUnary", expected));
}

#[tokio::test]
async fn unary_without_an_outcome_returns_an_empty_message() {
    let s = setup().await;
    let call = s.call(
        ACTION_TCK_MODEL,
        "ProcessUnary",
        one(encoded(&request(vec![vec![]]))),
    );
    assert_eq!(s.replies(call).await, vec![Bytes::new()]);
}

#[tokio::test]
async fn unary_failure_is_unknown_with_the_description_and_keeps_side_effects() {
    let mut s = setup().await;
    let message = request(vec![vec![effect("e", true), fail("expected failure")]]);
    let call = s.call(ACTION_TCK_MODEL, "ProcessUnary", one(encoded(&message)));
    assert_eq!(
        s.failure(call).await,
        (Code::Unknown, "expected failure".to_owned())
    );
    // The synchronous side effect ran before the call failed.
    let routed = s.routed.try_recv().ok();
    assert_eq!(
        routed,
        Some((ACTION_TWO.to_owned(), "Call".to_owned(), other("e")))
    );
}

#[tokio::test]
async fn unary_forward_returns_the_forwarded_reply() {
    let mut s = setup().await;
    let call = s.call(
        ACTION_TCK_MODEL,
        "ProcessUnary",
        one(encoded(&request(vec![vec![forward("other")]]))),
    );
    assert_eq!(s.replies(call).await, vec![s.router_reply.clone()]);
    assert_eq!(
        s.next_routed().await,
        (ACTION_TWO.to_owned(), "Call".to_owned(), other("other"))
    );
}

#[tokio::test]
async fn side_effects_run_synchronous_first_and_asynchronous_in_the_background() {
    let mut s = setup().await;
    let message = request(vec![vec![
        reply("two"),
        effect("sync", true),
        effect("async", false),
    ]]);
    let call = s.call(ACTION_TCK_MODEL, "ProcessUnary", one(encoded(&message)));
    let output = timeout(WAIT, s.handler.dispatch(call))
        .await
        .expect("in time")
        .expect("dispatched");
    // The reply is not released before the synchronous side effect has run.
    assert_eq!(
        s.routed.try_recv().ok().map(|routed| routed.2),
        Some(other("sync"))
    );
    let outputs: Vec<_> = output.collect().await;
    assert_eq!(
        outputs.into_iter().map(Result::ok).collect::<Vec<_>>(),
        vec![Some(response("two"))]
    );
    assert_eq!(s.next_routed().await.2, other("async"));
}

#[tokio::test]
async fn streamed_in_sends_a_header_then_payload_only_commands() {
    let mut s = setup().await;
    let (first, second) = (
        request(vec![vec![reply("one")]]),
        request(vec![vec![reply("two")]]),
    );
    let requests = futures::stream::iter([Ok(encoded(&first)), Ok(encoded(&second))]);
    let call = s.call(ACTION_TCK_MODEL, "ProcessStreamedIn", requests.boxed());
    assert_eq!(s.replies(call).await, vec![response("two")]);
    let rpc = "handleStreamedIn";
    assert_eq!(
        s.next_seen().await,
        Seen::Command(rpc, header("ProcessStreamedIn"))
    );
    assert_eq!(
        s.next_seen().await,
        Seen::Command(rpc, payload_only(&first))
    );
    assert_eq!(
        s.next_seen().await,
        Seen::Command(rpc, payload_only(&second))
    );
    assert_eq!(s.next_seen().await, Seen::HalfClosed(rpc));
}

#[tokio::test]
async fn streamed_in_without_messages_returns_an_empty_message() {
    let mut s = setup().await;
    let call = s.call(
        ACTION_TCK_MODEL,
        "ProcessStreamedIn",
        futures::stream::empty().boxed(),
    );
    assert_eq!(s.replies(call).await, vec![Bytes::new()]);
    assert_eq!(
        s.next_seen().await,
        Seen::Command("handleStreamedIn", header("ProcessStreamedIn"))
    );
    assert_eq!(s.next_seen().await, Seen::HalfClosed("handleStreamedIn"));
}

#[tokio::test]
async fn streamed_in_fails_with_the_clients_status_when_the_client_stream_fails() {
    let s = setup().await;
    let (sender, requests) = fed();
    sender
        .send(Ok(encoded(&request(vec![vec![reply("one")]]))))
        .await
        .expect("send");
    sender
        .send(Err(Status::cancelled("the client went away")))
        .await
        .expect("send");
    let call = s.call(ACTION_TCK_MODEL, "ProcessStreamedIn", requests);
    assert_eq!(
        s.failure(call).await,
        (Code::Cancelled, "the client went away".to_owned())
    );
}

#[tokio::test]
async fn streamed_out_sends_one_full_command_and_passes_replies_on() {
    let mut s = setup().await;
    let message = request(vec![
        vec![reply("A")],
        vec![effect("x", true)],
        vec![reply("B")],
        vec![forward("f")],
    ]);
    let call = s.call(
        ACTION_TCK_MODEL,
        "ProcessStreamedOut",
        one(encoded(&message)),
    );
    assert_eq!(
        s.replies(call).await,
        vec![response("A"), response("B"), s.router_reply.clone()]
    );
    assert_eq!(
        s.next_seen().await,
        Seen::Command("handleStreamedOut", full("ProcessStreamedOut", &message))
    );
    assert_eq!(s.next_routed().await.2, other("x"));
    assert_eq!(s.next_routed().await.2, other("f"));
}

#[tokio::test]
async fn streamed_out_failure_ends_the_stream_with_unknown() {
    let s = setup().await;
    let message = request(vec![vec![reply("A")], vec![fail("boom")], vec![reply("C")]]);
    let call = s.call(
        ACTION_TCK_MODEL,
        "ProcessStreamedOut",
        one(encoded(&message)),
    );
    let outputs = s.run(call).await.expect("dispatched");
    let outputs: Vec<_> = outputs
        .into_iter()
        .map(|item| item.map_err(|s| (s.code(), s.message().to_owned())))
        .collect();
    assert_eq!(
        outputs,
        vec![Ok(response("A")), Err((Code::Unknown, "boom".to_owned()))]
    );
}

#[tokio::test]
async fn duplex_interleaves_commands_and_replies() {
    let mut s = setup().await;
    let (sender, requests) = fed();
    let call = s.call(ACTION_TCK_MODEL, "ProcessStreamed", requests);
    let mut output = timeout(WAIT, s.handler.dispatch(call))
        .await
        .expect("in time")
        .expect("dispatched");
    let rpc = "handleStreamed";
    assert_eq!(
        s.next_seen().await,
        Seen::Command(rpc, header("ProcessStreamed"))
    );

    let x = request(vec![vec![reply("X")]]);
    sender.send(Ok(encoded(&x))).await.expect("send");
    assert_eq!(
        next(&mut output).await.and_then(Result::ok),
        Some(response("X"))
    );
    assert_eq!(s.next_seen().await, Seen::Command(rpc, payload_only(&x)));

    // A side effect alone gives no message; a forward gives the forwarded reply.
    let y = request(vec![vec![effect("y", false)], vec![forward("z")]]);
    sender.send(Ok(encoded(&y))).await.expect("send");
    assert_eq!(
        next(&mut output).await.and_then(Result::ok),
        Some(s.router_reply.clone())
    );
    assert_eq!(s.next_seen().await, Seen::Command(rpc, payload_only(&y)));
    let mut routed = vec![s.next_routed().await.2, s.next_routed().await.2];
    routed.sort();
    assert_eq!(routed, vec![other("y"), other("z")]);

    drop(sender);
    assert!(next(&mut output).await.is_none());
    assert_eq!(s.next_seen().await, Seen::HalfClosed(rpc));
}

#[tokio::test]
async fn duplex_failure_ends_the_output_and_cancels_the_request_stream() {
    let s = setup().await;
    let (sender, requests) = fed();
    let call = s.call(ACTION_TCK_MODEL, "ProcessStreamed", requests);
    let mut output = timeout(WAIT, s.handler.dispatch(call))
        .await
        .expect("in time")
        .expect("dispatched");
    sender
        .send(Ok(encoded(&request(vec![vec![fail("expected failure")]]))))
        .await
        .expect("send");
    let status = next(&mut output)
        .await
        .expect("an item")
        .expect_err("a failure");
    assert_eq!(
        (status.code(), status.message()),
        (Code::Unknown, "expected failure")
    );
    assert!(next(&mut output).await.is_none());
    drop(output);
    // The proxy no longer holds the client's request stream.
    timeout(WAIT, sender.closed())
        .await
        .expect("the request stream was not released");
}

#[tokio::test]
async fn an_any_input_is_sent_as_the_payload_itself() {
    let mut s = setup().await;
    let event = Any {
        type_url: "json.cloudstate.io/JsonEvent".to_owned(),
        value: b"\n\x02{}".to_vec(),
    };
    let call = s.call(
        EVENT_LOG_SUBSCRIBER_MODEL,
        "ProcessAnyEvent",
        one(encoded(&event)),
    );
    assert_eq!(s.replies(call).await, vec![Bytes::new()]);
    match s.next_seen().await {
        Seen::Command(_, command) => assert_eq!(command.payload, Some(event)),
        other => panic!("unexpected {other:?}"),
    }
    let call = s.call(
        EVENT_LOG_SUBSCRIBER_MODEL,
        "ProcessAnyEvent",
        one(Bytes::from_static(&[0xff, 0xff])),
    );
    assert_eq!(s.failure(call).await.0, Code::InvalidArgument);
}
