//! Value entities: init, command IDs, one command at a time, store writes, passivation, failures.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Delete, Fail, Forward, Persisted, Request, RequestAction, Response, Update,
    request_action::Action,
};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityInit, ValueEntityInitState, ValueEntityStreamIn, ValueEntityStreamOut,
    value_entity_stream_in,
};
use cloudstate_protocol::cloudstate::{Command, EntitySpec};
use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL,
};
use prost::Message as _;
use tonic::Code;

use super::{Harness, wait_for, within};
use crate::dispatch::{Call, Dispatch};
use crate::store::Store;
use crate::test_util::any;
use crate::test_util::entity_models::Seen;
use crate::user_spec::UserSpec;

pub(super) fn request(id: &str, actions: Vec<Action>) -> Request {
    Request {
        id: id.to_owned(),
        actions: actions
            .into_iter()
            .map(|a| RequestAction { action: Some(a) })
            .collect(),
    }
}

pub(super) fn update(value: &str) -> Action {
    Action::Update(Update {
        value: value.to_owned(),
    })
}

pub(super) fn message(bytes: Bytes) -> String {
    Response::decode(bytes).unwrap().message
}

fn persisted(value: &str) -> prost_types::Any {
    any(
        "cloudstate.tck.model.valueentity.Persisted",
        &Persisted {
            value: value.to_owned(),
        },
    )
}

type VeSeen = Seen<ValueEntityStreamIn, ValueEntityStreamOut>;

fn init(seen: &VeSeen) -> Option<&ValueEntityInit> {
    match seen {
        Seen::In(ValueEntityStreamIn {
            message: Some(value_entity_stream_in::Message::Init(init)),
        }) => Some(init),
        _ => None,
    }
}

pub(super) fn command(seen: &VeSeen) -> Option<&Command> {
    match seen {
        Seen::In(ValueEntityStreamIn {
            message: Some(value_entity_stream_in::Message::Command(c)),
        }) => Some(c),
        _ => None,
    }
}

#[tokio::test]
async fn commands_share_one_stream_with_ids_from_one_and_state_is_stored() {
    let h = Harness::start().await;
    let calls = [
        request("e1", vec![]),
        request("e1", vec![update("one")]),
        request("e1", vec![Action::Delete(Delete {})]),
    ];
    let mut answers = Vec::new();
    for call in &calls {
        answers.push(message(
            h.call(VALUE_ENTITY_TCK_MODEL, "Process", call.clone())
                .await
                .unwrap(),
        ));
    }
    assert_eq!(answers, ["", "one", ""]);

    let log = h.fake.value_entity.borrow().clone();
    assert!(
        log.iter().all(|(stream, _)| *stream == 0),
        "one stream only: {log:?}"
    );
    let expected_init = ValueEntityInit {
        service_name: VALUE_ENTITY_TCK_MODEL.to_owned(),
        entity_id: "e1".to_owned(),
        state: Some(ValueEntityInitState { value: None }),
    };
    assert_eq!(
        init(&log[0].1),
        Some(&expected_init),
        "present but empty state"
    );
    let commands: Vec<&Command> = log.iter().filter_map(|(_, seen)| command(seen)).collect();
    let expected: Vec<Command> = calls
        .iter()
        .zip(1..)
        .map(|(call, id)| Command {
            entity_id: "e1".to_owned(),
            id,
            name: "Process".to_owned(),
            payload: Some(any("cloudstate.tck.model.valueentity.Request", call)),
            streamed: false,
            metadata: None,
        })
        .collect();
    assert_eq!(commands, expected.iter().collect::<Vec<_>>());
    assert_eq!(
        h.store.load_value("ve", "e1").await.unwrap(),
        None,
        "deleted"
    );
}

#[tokio::test]
async fn init_carries_the_stored_value_after_passivation() {
    let h = Harness::start().await;
    let answer = h
        .call(
            VALUE_ENTITY_CONFIGURED,
            "Call",
            request("p", vec![update("kept")]),
        )
        .await
        .unwrap();
    assert_eq!(message(answer), "kept");
    assert_eq!(
        h.store.load_value("ve-configured", "p").await.unwrap(),
        Some(persisted("kept"))
    );

    // The 100 ms passivation closes the stream.
    wait_for(&h.fake.value_entity, |log| log.contains(&(0, Seen::Closed))).await;
    let answer = h
        .call(VALUE_ENTITY_CONFIGURED, "Call", request("p", vec![]))
        .await
        .unwrap();
    assert_eq!(message(answer), "kept");
    let log = h.fake.value_entity.borrow().clone();
    let reopened = log
        .iter()
        .find(|(stream, seen)| *stream == 1 && init(seen).is_some())
        .unwrap();
    let state = init(&reopened.1).unwrap().state.clone();
    assert_eq!(
        state,
        Some(ValueEntityInitState {
            value: Some(persisted("kept"))
        })
    );
    let ids: Vec<(usize, i64)> = log
        .iter()
        .filter_map(|(s, seen)| command(seen).map(|c| (*s, c.id)))
        .collect();
    assert_eq!(
        ids,
        [(0, 1), (1, 1)],
        "command IDs restart on the new stream"
    );
}

#[tokio::test]
async fn concurrent_calls_to_one_entity_are_served_one_at_a_time_in_order() {
    let h = Harness::start().await;
    let slow = h.call(
        VALUE_ENTITY_TCK_MODEL,
        "Process",
        request("c", vec![update("slow")]),
    );
    let fast = h.call(
        VALUE_ENTITY_TCK_MODEL,
        "Process",
        request("c", vec![update("fast")]),
    );
    // `join!` polls in order: both commands are queued before the first reaches the user function.
    let (slow, fast) = futures::join!(slow, fast);
    assert_eq!(
        (message(slow.unwrap()), message(fast.unwrap())),
        ("slow".to_owned(), "fast".to_owned())
    );
    let log = h.fake.value_entity.borrow().clone();
    let order: Vec<String> = log
        .iter()
        .map(|(_, seen)| match (seen, command(seen)) {
            (_, Some(command)) => format!("command {}", command.id),
            (Seen::In(_), None) => "init".to_owned(),
            (Seen::Out(_), _) => "reply".to_owned(),
            (Seen::Closed, _) => "closed".to_owned(),
        })
        .collect();
    assert_eq!(order, ["init", "command 1", "reply", "command 2", "reply"]);
}

#[tokio::test]
async fn a_failure_reaches_the_caller_and_the_entity_stays() {
    let h = Harness::start().await;
    h.call(
        VALUE_ENTITY_TCK_MODEL,
        "Process",
        request("f", vec![update("one")]),
    )
    .await
    .unwrap();
    let fail = Action::Fail(Fail {
        message: "expected failure".to_owned(),
    });
    let status = h
        .call(VALUE_ENTITY_TCK_MODEL, "Process", request("f", vec![fail]))
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::Unknown, "expected failure")
    );
    let answer = h
        .call(VALUE_ENTITY_TCK_MODEL, "Process", request("f", vec![]))
        .await
        .unwrap();
    assert_eq!(message(answer), "one");
    assert!(
        h.fake
            .value_entity
            .borrow()
            .iter()
            .all(|(stream, _)| *stream == 0)
    );
}

#[tokio::test]
async fn a_forward_to_the_same_entity_does_not_deadlock() {
    let h = Harness::start().await;
    h.call(
        VALUE_ENTITY_TCK_MODEL,
        "Process",
        request("s", vec![update("here")]),
    )
    .await
    .unwrap();
    let forward = Action::Forward(Forward { id: "s".to_owned() });
    let answer = h
        .call(
            VALUE_ENTITY_TCK_MODEL,
            "Process",
            request("s", vec![forward]),
        )
        .await
        .unwrap();
    assert_eq!(message(answer), "here");
}

#[tokio::test]
async fn a_store_failure_is_unavailable_and_keeps_the_stored_value() {
    let h = Harness::start().await;
    h.call(
        VALUE_ENTITY_TCK_MODEL,
        "Process",
        request("w", vec![update("one")]),
    )
    .await
    .unwrap();
    h.store.fail_writes.store(true, Ordering::SeqCst);
    let status = h
        .call(
            VALUE_ENTITY_TCK_MODEL,
            "Process",
            request("w", vec![update("two")]),
        )
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    h.store.fail_writes.store(false, Ordering::SeqCst);
    assert_eq!(
        h.store.load_value("ve", "w").await.unwrap(),
        Some(persisted("one"))
    );
    // The user function's state went ahead of the store, so the stream was reset: it starts over from "one".
    let answer = h
        .call(VALUE_ENTITY_TCK_MODEL, "Process", request("w", vec![]))
        .await
        .unwrap();
    assert_eq!(message(answer), "one");
}

#[tokio::test]
async fn bad_calls_get_statuses() {
    let h = Harness::start().await;
    let status = h
        .call(VALUE_ENTITY_TCK_MODEL, "Process", request("", vec![]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);

    // A streamed method routed to a value entity (discovery forbids it; the handler still refuses).
    let entities = vec![super::entity(
        cloudstate_protocol::names::ACTION_PROTOCOL,
        ACTION_TCK_MODEL,
        "",
        None,
    )];
    let proto = cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec();
    let spec = UserSpec::new(EntitySpec {
        proto,
        entities,
        service_info: None,
    })
    .unwrap();
    let (_, streamed) = spec.route(ACTION_TCK_MODEL, "ProcessStreamed").unwrap();
    let (service, _) = h
        .router
        .spec()
        .route(VALUE_ENTITY_TCK_MODEL, "Process")
        .unwrap();
    let call = Call::single(service, streamed, Bytes::new());
    let status = within(h.ve.dispatch(call)).await.err().unwrap();
    assert_eq!(status.code(), Code::Unimplemented);
    assert_eq!(h.ve.active(), 0);
}
