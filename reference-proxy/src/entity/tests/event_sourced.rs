//! Event-sourced entities: events stored before the reply, snapshots, replay after passivation, restart,
//! protocol violations and store failures.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedSnapshot, EventSourcedStreamIn,
    EventSourcedStreamOut, event_sourced_stream_in::Message,
};
use cloudstate_protocol::cloudstate::tck::model::{
    Emit, Fail, Persisted, Request, RequestAction, Response, request_action::Action,
};
use cloudstate_protocol::names::model::{EVENT_SOURCED_CONFIGURED, EVENT_SOURCED_TCK_MODEL};
use prost::Message as _;
use prost_types::Any;
use tonic::Code;

use super::{Harness, wait_for};
use crate::store::{Snapshot, Store};
use crate::test_util::any;
use crate::test_util::entity_models::Seen;

fn request(id: &str, emits: &[&str], fail: Option<&str>) -> Request {
    let mut actions: Vec<Action> = emits
        .iter()
        .map(|value| {
            Action::Emit(Emit {
                value: (*value).to_owned(),
            })
        })
        .collect();
    actions.extend(fail.map(|message| {
        Action::Fail(Fail {
            message: message.to_owned(),
        })
    }));
    Request {
        id: id.to_owned(),
        actions: actions
            .into_iter()
            .map(|a| RequestAction { action: Some(a) })
            .collect(),
    }
}

fn message(bytes: Bytes) -> String {
    Response::decode(bytes).unwrap().message
}

fn persisted(value: &str) -> Any {
    any(
        "cloudstate.tck.model.Persisted",
        &Persisted {
            value: value.to_owned(),
        },
    )
}

type EsSeen = Seen<EventSourcedStreamIn, EventSourcedStreamOut>;

/// What the proxy sent on one stream, without commands' payloads: init, events and command IDs.
fn sent(log: &[(usize, EsSeen)], stream: usize) -> Vec<String> {
    log.iter()
        .filter(|(s, _)| *s == stream)
        .filter_map(|(_, seen)| match seen {
            Seen::In(EventSourcedStreamIn {
                message: Some(message),
            }) => Some(match message {
                Message::Init(EventSourcedInit { snapshot: None, .. }) => "init".to_owned(),
                Message::Init(EventSourcedInit {
                    snapshot:
                        Some(EventSourcedSnapshot {
                            snapshot_sequence,
                            snapshot,
                        }),
                    ..
                }) => {
                    let value = Persisted::decode(snapshot.clone().unwrap().value.as_slice())
                        .unwrap()
                        .value;
                    format!("init {snapshot_sequence}:{value}")
                }
                Message::Event(EventSourcedEvent { sequence, payload }) => {
                    let value = Persisted::decode(payload.clone().unwrap().value.as_slice())
                        .unwrap()
                        .value;
                    format!("event {sequence}:{value}")
                }
                Message::Command(command) => format!("command {}", command.id),
            }),
            Seen::Closed => Some("closed".to_owned()),
            _ => None,
        })
        .collect()
}

async fn journal(
    h: &Harness,
    persistence_id: &str,
    id: &str,
) -> (Option<Snapshot>, Vec<(i64, Any)>) {
    let journal = h.store.load_journal(persistence_id, id).await.unwrap();
    (journal.snapshot, journal.events)
}

#[tokio::test]
async fn events_are_stored_before_the_reply_and_published() {
    let h = Harness::start().await;
    let answer = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("e", &["A", "B"], None),
        )
        .await
        .unwrap();
    assert_eq!(message(answer), "AB");
    // The caller has its answer: the events are in the journal already.
    assert_eq!(
        journal(&h, "es", "e").await,
        (None, vec![(1, persisted("A")), (2, persisted("B"))])
    );
    let answer = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("e", &["C"], None),
        )
        .await
        .unwrap();
    assert_eq!(message(answer), "ABC");
    let (snapshot, events) = journal(&h, "es", "e").await;
    assert_eq!(
        snapshot,
        Some(Snapshot {
            sequence: 3,
            state: persisted("ABC")
        }),
        "saved at the last event"
    );
    assert!(events.is_empty());
    let published = h.sink.0.lock().unwrap().clone();
    assert_eq!(
        published,
        [
            ("es".to_owned(), "e".to_owned(), 1, 2),
            ("es".to_owned(), "e".to_owned(), 3, 1)
        ]
    );
    assert_eq!(
        sent(&h.fake.event_sourced.borrow(), 0),
        ["init", "command 1", "command 2"]
    );
}

#[tokio::test]
async fn passivation_closes_the_stream_and_reactivation_replays_after_the_snapshot() {
    let h = Harness::start().await;
    for (emits, expected) in [
        (&["A"][..], "A"),
        (&["B", "C"][..], "ABC"),
        (&["D"][..], "ABCD"),
    ] {
        let answer = h
            .call(EVENT_SOURCED_CONFIGURED, "Call", request("p", emits, None))
            .await
            .unwrap();
        assert_eq!(message(answer), expected);
    }
    wait_for(&h.fake.event_sourced, |log| {
        log.contains(&(0, Seen::Closed))
    })
    .await;
    let answer = h
        .call(EVENT_SOURCED_CONFIGURED, "Call", request("p", &[], None))
        .await
        .unwrap();
    assert_eq!(message(answer), "ABCD");
    let log = h.fake.event_sourced.borrow().clone();
    assert_eq!(
        sent(&log, 0),
        ["init", "command 1", "command 2", "command 3", "closed"]
    );
    // (The new stream passivates in turn 100 ms later.)
    assert_eq!(sent(&log, 1)[..3], ["init 3:ABC", "event 4:D", "command 1"]);
}

#[tokio::test]
async fn restart_reopens_the_stream_with_replay_and_persists_nothing() {
    let h = Harness::start().await;
    let answer = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("r", &["1", "2"], None),
        )
        .await
        .unwrap();
    assert_eq!(message(answer), "12");
    let status = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("r", &["x"], Some("no")),
        )
        .await
        .unwrap_err();
    assert_eq!((status.code(), status.message()), (Code::Unknown, "no"));
    let status = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("r", &["x"], Some("restart!")),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::Unknown, "restart!")
    );
    // The new stream opens at once, before any further command.
    wait_for(&h.fake.event_sourced, |log| sent(log, 1).len() == 3).await;
    let answer = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("r", &["3"], None),
        )
        .await
        .unwrap();
    assert_eq!(
        message(answer),
        "123",
        "the failed commands' events were not stored"
    );
    let log = h.fake.event_sourced.borrow().clone();
    assert_eq!(
        sent(&log, 0),
        ["init", "command 1", "command 2", "command 3", "closed"]
    );
    assert_eq!(
        sent(&log, 1),
        ["init", "event 1:1", "event 2:2", "command 1"]
    );
    let (_, events) = journal(&h, "es", "r").await;
    assert_eq!(events.len(), 0, "a snapshot at 3 covers every event");
}

#[tokio::test]
async fn a_wrong_command_id_fails_the_call_and_the_entity_recovers() {
    let h = Harness::start().await;
    h.call(
        EVENT_SOURCED_TCK_MODEL,
        "Process",
        request("w", &["A"], None),
    )
    .await
    .unwrap();
    let status = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("w", &[], Some("wrong-id")),
        )
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal);
    assert!(
        status.message().contains("command 102 while command 2"),
        "{}",
        status.message()
    );
    wait_for(&h.fake.errors, |errors| errors.len() == 1).await;
    assert!(
        h.fake.errors.borrow()[0].contains("entity w of cloudstate.tck.model.EventSourcedTckModel")
    );
    let answer = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("w", &["B"], None),
        )
        .await
        .unwrap();
    assert_eq!(message(answer), "AB");
    assert_eq!(
        sent(&h.fake.event_sourced.borrow(), 1),
        ["init", "event 1:A", "command 1"]
    );
}

#[tokio::test]
async fn a_stream_that_ends_during_a_command_fails_it_and_the_entity_recovers() {
    let h = Harness::start().await;
    h.call(
        EVENT_SOURCED_TCK_MODEL,
        "Process",
        request("h", &["A"], None),
    )
    .await
    .unwrap();
    let status = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("h", &[], Some("hangup")),
        )
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    let answer = h
        .call(EVENT_SOURCED_TCK_MODEL, "Process", request("h", &[], None))
        .await
        .unwrap();
    assert_eq!(message(answer), "A");
    assert!(
        h.fake.errors.borrow().is_empty(),
        "a hang-up is not a protocol violation"
    );
}

#[tokio::test]
async fn a_journal_failure_is_unavailable_and_loses_nothing() {
    let h = Harness::start().await;
    h.call(
        EVENT_SOURCED_TCK_MODEL,
        "Process",
        request("j", &["A"], None),
    )
    .await
    .unwrap();
    h.store.fail_writes.store(true, Ordering::SeqCst);
    let status = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("j", &["B"], None),
        )
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    h.store.fail_writes.store(false, Ordering::SeqCst);
    assert_eq!(
        journal(&h, "es", "j").await,
        (None, vec![(1, persisted("A"))])
    );
    let answer = h
        .call(
            EVENT_SOURCED_TCK_MODEL,
            "Process",
            request("j", &["C"], None),
        )
        .await
        .unwrap();
    assert_eq!(message(answer), "AC");
    assert_eq!(
        journal(&h, "es", "j").await.1,
        [(1, persisted("A")), (2, persisted("C"))]
    );
    assert_eq!(h.es.active(), 1);
}
