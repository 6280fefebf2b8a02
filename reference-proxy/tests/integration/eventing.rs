//! Event-log eventing: subscriptions read from the `cloudstate.eventing` option, and deliveries with
//! CloudEvent metadata through a stub router.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
    EventOne, EventTwo, ProcessStep, Reply, process_step,
};
use cloudstate_protocol::cloudstate::{Entity, EntitySpec, Metadata, metadata_entry};
use cloudstate_protocol::names::{self, model};
use futures::StreamExt as _;
use prost::Message as _;
use prost_types::Any;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use reference_proxy::entity::EventSink as _;
use reference_proxy::eventing::EventLogSubscriptions;
use reference_proxy::user_spec::UserSpec;
use tokio::sync::{Semaphore, mpsc};
use tonic::Status;

const WAIT: Duration = Duration::from_secs(10);
const LOG_ONE: &str = "eventlogeventing-one";
const LOG_TWO: &str = "eventlogeventing-two";
const PACKAGE: &str = "cloudstate.tck.model.eventlogeventing";

/// One call the router got: method, request bytes, metadata as a map.
#[derive(Debug, PartialEq)]
struct Delivered {
    method: String,
    payload: Bytes,
    metadata: BTreeMap<String, String>,
}

/// Records every call; waits for a permit of `gate` first; fails the first `failures` calls.
#[derive(Debug)]
struct Recorder {
    delivered: mpsc::UnboundedSender<Delivered>,
    gate: Arc<Semaphore>,
    failures: AtomicUsize,
}

#[tonic::async_trait]
impl Dispatch for Recorder {
    async fn dispatch(&self, mut call: Call) -> Result<MessageStream, Status> {
        let permit = self
            .gate
            .acquire()
            .await
            .map_err(|_| Status::unavailable("closed"))?;
        permit.forget();
        let payload = call.requests.next().await.transpose()?.unwrap_or_default();
        let metadata = metadata_map(call.metadata.unwrap_or_default());
        let method = format!("{}.{}", call.service.name, call.method.name());
        let _ = self.delivered.send(Delivered {
            method,
            payload,
            metadata,
        });
        if self.failures.load(Ordering::SeqCst) > 0 {
            self.failures.fetch_sub(1, Ordering::SeqCst);
            return Err(Status::internal("the subscriber failed"));
        }
        Ok(futures::stream::once(async { Ok(Bytes::new()) }).boxed())
    }
}

fn metadata_map(metadata: Metadata) -> BTreeMap<String, String> {
    let entries = metadata
        .entries
        .into_iter()
        .filter_map(|entry| match entry.value {
            Some(metadata_entry::Value::StringValue(value)) => Some((entry.key, value)),
            _ => None,
        });
    entries.collect()
}

fn entity(entity_type: &str, service: &str, persistence_id: &str) -> Entity {
    Entity {
        entity_type: entity_type.to_owned(),
        service_name: service.to_owned(),
        persistence_id: persistence_id.to_owned(),
        passivation_strategy: None,
    }
}

struct Setup {
    subscriptions: EventLogSubscriptions,
    delivered: mpsc::UnboundedReceiver<Delivered>,
    gate: Arc<Semaphore>,
    _router: Arc<dyn Dispatch>,
}

fn setup(open: bool, failures: usize) -> Setup {
    let spec = EntitySpec {
        proto: cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec(),
        entities: vec![
            entity(
                names::ACTION_PROTOCOL,
                model::EVENT_LOG_SUBSCRIBER_MODEL,
                "",
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_ENTITY_ONE,
                LOG_ONE,
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_ENTITY_TWO,
                LOG_TWO,
            ),
        ],
        service_info: None,
    };
    let spec = UserSpec::new(spec).expect("spec");
    let subscriptions = EventLogSubscriptions::new(&spec);
    let (sender, delivered) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(if open {
        Semaphore::MAX_PERMITS
    } else {
        0
    }));
    let router: Arc<dyn Dispatch> = Arc::new(Recorder {
        delivered: sender,
        gate: gate.clone(),
        failures: AtomicUsize::new(failures),
    });
    subscriptions.set_router(Arc::downgrade(&router));
    Setup {
        subscriptions,
        delivered,
        gate,
        _router: router,
    }
}

impl Setup {
    async fn next(&mut self) -> Delivered {
        tokio::time::timeout(WAIT, self.delivered.recv())
            .await
            .expect("no delivery in time")
            .expect("router gone")
    }
}

fn event_one(message: &str) -> EventOne {
    let step = ProcessStep {
        step: Some(process_step::Step::Reply(Reply {
            message: message.to_owned(),
        })),
    };
    EventOne { step: Some(step) }
}

fn packed<M: prost::Message>(name: &str, message: &M) -> Any {
    Any {
        type_url: format!("type.googleapis.com/{PACKAGE}.{name}"),
        value: message.encode_to_vec(),
    }
}

fn cloud_event(
    id: &str,
    source: &str,
    event_type: &str,
    subject: &str,
) -> BTreeMap<String, String> {
    [
        ("ce-id", id),
        ("ce-source", source),
        ("ce-specversion", "1.0"),
        ("ce-type", event_type),
        ("ce-subject", subject),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect()
}

#[test]
fn subscriptions_come_from_the_eventing_option() {
    let s = setup(true, 0);
    let method = |name: &str| format!("{PACKAGE}.EventLogSubscriberModel.{name}");
    assert_eq!(
        s.subscriptions.subscribers(LOG_ONE),
        vec![method("ProcessEventOne"), method("ProcessEventTwo")]
    );
    assert_eq!(
        s.subscriptions.subscribers(LOG_TWO),
        vec![method("ProcessAnyEvent")]
    );
    assert!(s.subscriptions.subscribers("elsewhere").is_empty());
}

#[tokio::test]
async fn events_go_to_the_method_of_their_type_with_cloud_event_metadata() {
    let mut s = setup(true, 0);
    let (one, two) = (event_one("hello"), EventTwo { step: vec![] });
    s.subscriptions.persisted(
        LOG_ONE,
        "entity-1",
        4,
        &[packed("EventOne", &one), packed("EventTwo", &two)],
    );
    let first = s.next().await;
    assert_eq!(
        first.method,
        format!("{PACKAGE}.EventLogSubscriberModel.ProcessEventOne")
    );
    assert_eq!(first.payload, Bytes::from(one.encode_to_vec()));
    let ce_type = format!("{PACKAGE}.EventOne");
    assert_eq!(
        first.metadata,
        cloud_event(
            "eventlogeventing-one-entity-1-4",
            LOG_ONE,
            &ce_type,
            "entity-1"
        )
    );
    let second = s.next().await;
    assert_eq!(
        second.method,
        format!("{PACKAGE}.EventLogSubscriberModel.ProcessEventTwo")
    );
    assert_eq!(second.payload, Bytes::from(two.encode_to_vec()));
    assert_eq!(
        second.metadata.get("ce-id").map(String::as_str),
        Some("eventlogeventing-one-entity-1-5")
    );
}

#[tokio::test]
async fn json_events_go_to_the_method_taking_any() {
    let mut s = setup(true, 0);
    let event = Any {
        type_url: "json.cloudstate.io/JsonEvent".to_owned(),
        value: b"\n\x0f{\"message\":\"x\"}".to_vec(),
    };
    s.subscriptions
        .persisted(LOG_TWO, "json-1", 1, std::slice::from_ref(&event));
    let delivered = s.next().await;
    assert_eq!(
        delivered.method,
        format!("{PACKAGE}.EventLogSubscriberModel.ProcessAnyEvent")
    );
    assert_eq!(delivered.payload, Bytes::from(event.encode_to_vec()));
    assert_eq!(
        delivered.metadata,
        cloud_event(
            "eventlogeventing-two-json-1-1",
            LOG_TWO,
            "JsonEvent",
            "json-1"
        )
    );
}

#[tokio::test]
async fn events_nobody_takes_are_skipped() {
    let mut s = setup(true, 0);
    s.subscriptions.persisted(
        "elsewhere",
        "a",
        1,
        &[packed("EventOne", &event_one("lost"))],
    );
    let unknown = Any {
        type_url: "type.googleapis.com/some.Other".to_owned(),
        value: vec![],
    };
    s.subscriptions.persisted(
        LOG_ONE,
        "b",
        1,
        &[unknown, packed("EventOne", &event_one("kept"))],
    );
    let delivered = s.next().await;
    assert_eq!(
        delivered.payload,
        Bytes::from(event_one("kept").encode_to_vec())
    );
    assert_eq!(
        delivered.metadata.get("ce-id").map(String::as_str),
        Some("eventlogeventing-one-b-2")
    );
}

#[tokio::test]
async fn persisting_never_waits_for_subscribers_and_order_is_kept() {
    let mut s = setup(false, 0);
    for sequence in 1..=20 {
        let event = packed("EventOne", &event_one(&sequence.to_string()));
        s.subscriptions
            .persisted(LOG_ONE, "ordered", sequence, &[event]);
    }
    // Every event was accepted while the subscriber was blocked; now let them through.
    s.gate.add_permits(20);
    for sequence in 1..=20 {
        let delivered = s.next().await;
        assert_eq!(
            delivered.payload,
            Bytes::from(event_one(&sequence.to_string()).encode_to_vec())
        );
    }
}

#[tokio::test]
async fn a_failed_delivery_does_not_stop_the_next_ones() {
    let mut s = setup(true, 1);
    s.subscriptions
        .persisted(LOG_ONE, "f", 1, &[packed("EventOne", &event_one("first"))]);
    s.subscriptions
        .persisted(LOG_ONE, "f", 2, &[packed("EventOne", &event_one("second"))]);
    assert_eq!(
        s.next().await.payload,
        Bytes::from(event_one("first").encode_to_vec())
    );
    assert_eq!(
        s.next().await.payload,
        Bytes::from(event_one("second").encode_to_vec())
    );
}
