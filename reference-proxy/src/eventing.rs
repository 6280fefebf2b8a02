//! Event-log eventing: methods that subscribe to the events event-sourced entities persist.
//!
//! A method subscribes with the method option `(cloudstate.eventing).in.event_log = "<persistence id>"`.
//! Subscriptions are grouped by event log and consumer group (the service name when the option gives
//! none); each group gets every event persisted under that persistence id, in order, and hands it to the
//! group's method whose input type is the event's type, else to the group's method taking
//! `google.protobuf.Any`. Each delivery is a call through the router, with the event's CloudEvent
//! attributes as metadata in binary mode (`ce-id`, `ce-source`, `ce-specversion`, `ce-type`,
//! `ce-subject`). A group delivers one event at a time, in the background: persisting never waits for a
//! subscriber. A delivery that fails is logged and not retried.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use bytes::Bytes;
use cloudstate_protocol::cloudstate::{
    Eventing, Metadata, MetadataEntry, event_source, metadata_entry,
};
use cloudstate_protocol::names::EVENTING_OPTION;
use futures::StreamExt as _;
use prost::Message as _;
use prost_reflect::{ExtensionDescriptor, MethodDescriptor};
use prost_types::Any;
use tokio::sync::mpsc;

use crate::deviation;
use crate::dispatch::{Call, Dispatch};
use crate::entity::EventSink;
use crate::user_spec::{MethodSpec, ServiceSpec, UserSpec};

/// The CloudEvents version of the attributes the proxy sets.
const SPEC_VERSION: &str = "1.0";

/// The event-log subscriptions announced in discovery; the event sink of event-sourced entities.
pub struct EventLogSubscriptions {
    router: Arc<OnceLock<Weak<dyn Dispatch>>>,
    /// Consumer groups, by the persistence id they subscribe to.
    groups: BTreeMap<String, Vec<Group>>,
}

/// One consumer group of one event log: its methods, and the queue of its deliveries.
#[derive(Debug)]
struct Group {
    name: String,
    methods: Vec<(Arc<ServiceSpec>, Arc<MethodSpec>)>,
    queue: mpsc::UnboundedSender<Delivery>,
    /// The receiving end, until the group's delivery task is started (on the first event).
    pending: Mutex<Option<mpsc::UnboundedReceiver<Delivery>>>,
}

/// One event to hand to one method.
#[derive(Debug)]
struct Delivery {
    service: Arc<ServiceSpec>,
    method: Arc<MethodSpec>,
    payload: Bytes,
    metadata: Metadata,
}

impl std::fmt::Debug for EventLogSubscriptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let groups: Vec<_> = self
            .groups
            .iter()
            .flat_map(|(log, groups)| groups.iter().map(move |g| (log, &g.name)))
            .collect();
        f.debug_struct("EventLogSubscriptions")
            .field("groups", &groups)
            .finish()
    }
}

impl EventLogSubscriptions {
    /// The subscriptions declared by the methods of `spec`. Topic sources and destinations are not
    /// supported by this proxy: they are logged and ignored.
    pub fn new(spec: &UserSpec) -> EventLogSubscriptions {
        let option = eventing_option(spec);
        let mut groups: BTreeMap<String, Vec<Group>> = BTreeMap::new();
        for service in spec.services.values() {
            let mut methods: Vec<&Arc<MethodSpec>> = service.methods.values().collect();
            methods.sort_by_key(|method| method.descriptor.index());
            for method in methods {
                let Some(eventing) = option
                    .as_ref()
                    .and_then(|option| eventing_of(&method.descriptor, option))
                else {
                    continue;
                };
                if eventing
                    .out
                    .as_ref()
                    .is_some_and(|out| out.destination.is_some())
                {
                    tracing::warn!(
                        method = %method.descriptor.full_name(),
                        "eventing destinations are not supported; replies are not published"
                    );
                }
                let Some(source) = eventing.r#in else {
                    continue;
                };
                let log = match source.source {
                    Some(event_source::Source::EventLog(log)) => log,
                    Some(event_source::Source::Topic(topic)) => {
                        tracing::warn!(
                            method = %method.descriptor.full_name(),
                            topic = ?topic,
                            "the topic is not consumed: this proxy supports only event-log sources"
                        );
                        continue;
                    }
                    None => continue,
                };
                let name = if source.consumer_group.is_empty() {
                    service.name.clone()
                } else {
                    source.consumer_group
                };
                let log_groups = groups.entry(log).or_default();
                let index = match log_groups.iter().position(|group| group.name == name) {
                    Some(index) => index,
                    None => {
                        log_groups.push(Group::new(name));
                        log_groups.len() - 1
                    }
                };
                if let Some(group) = log_groups.get_mut(index) {
                    group.methods.push((service.clone(), method.clone()));
                }
            }
        }
        EventLogSubscriptions {
            router: Arc::new(OnceLock::new()),
            groups,
        }
    }

    /// Connects the router that deliveries go through (it is built after the entity handlers).
    pub fn set_router(&self, router: Weak<dyn Dispatch>) {
        let _ = self.router.set(router);
    }

    /// The full names of the methods subscribed to the event log `persistence_id`, in delivery-group
    /// order.
    pub fn subscribers(&self, persistence_id: &str) -> Vec<String> {
        let groups = self.groups.get(persistence_id).into_iter().flatten();
        groups
            .flat_map(|group| {
                group
                    .methods
                    .iter()
                    .map(|(_, method)| method.descriptor.full_name().to_owned())
            })
            .collect()
    }
}

impl EventSink for EventLogSubscriptions {
    fn persisted(
        &self,
        persistence_id: &str,
        entity_id: &str,
        first_sequence: i64,
        events: &[Any],
    ) {
        let Some(groups) = self.groups.get(persistence_id) else {
            return;
        };
        for group in groups {
            for (sequence, event) in (first_sequence..).zip(events) {
                // A group without a method for this event type does not want it.
                let Some((service, method)) = group.route(&event.type_url) else {
                    continue;
                };
                let payload = if method.input().full_name() == "google.protobuf.Any" {
                    Bytes::from(event.encode_to_vec())
                } else {
                    Bytes::from(event.value.clone())
                };
                let metadata = cloud_event(persistence_id, entity_id, sequence, &event.type_url);
                group.enqueue(
                    Delivery {
                        service: service.clone(),
                        method: method.clone(),
                        payload,
                        metadata,
                    },
                    &self.router,
                );
            }
        }
    }
}

impl Group {
    fn new(name: String) -> Group {
        let (queue, pending) = mpsc::unbounded_channel();
        Group {
            name,
            methods: Vec::new(),
            queue,
            pending: Mutex::new(Some(pending)),
        }
    }

    /// The method for an event: the one taking the event's type, else the one taking `Any`.
    fn route(&self, type_url: &str) -> Option<&(Arc<ServiceSpec>, Arc<MethodSpec>)> {
        let exact = self
            .methods
            .iter()
            .find(|(_, method)| message_name(type_url) == Some(method.input().full_name()));
        exact.or_else(|| {
            self.methods
                .iter()
                .find(|(_, method)| method.input().full_name() == "google.protobuf.Any")
        })
    }

    /// Queues a delivery, and starts the group's delivery task if it is not running yet.
    fn enqueue(&self, delivery: Delivery, router: &Arc<OnceLock<Weak<dyn Dispatch>>>) {
        if self.queue.send(delivery).is_err() {
            tracing::error!(
                group = ?self.name,
                "the eventing group has stopped; an event was dropped"
            );
            return;
        }
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        if pending.is_none() {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                if let Some(queue) = pending.take() {
                    runtime.spawn(deliver(queue, router.clone()));
                }
            }
            Err(_) => tracing::warn!(
                group = ?self.name,
                "the eventing group waits for a runtime to deliver"
            ),
        }
    }
}

/// Delivers a group's events one at a time, in order, until the subscriptions are dropped.
async fn deliver(
    mut queue: mpsc::UnboundedReceiver<Delivery>,
    router: Arc<OnceLock<Weak<dyn Dispatch>>>,
) {
    while let Some(delivery) = queue.recv().await {
        let what = format!(
            "event delivery to {}/{}",
            delivery.service.name,
            delivery.method.name()
        );
        let Some(router) = router.get().and_then(Weak::upgrade) else {
            tracing::warn!(
                delivery = ?what,
                "an event delivery failed: no router (the proxy is starting or stopping)"
            );
            continue;
        };
        let payload = delivery.payload;
        let call = Call {
            service: delivery.service,
            method: delivery.method,
            requests: futures::stream::once(async move { Ok(payload) }).boxed(),
            metadata: Some(delivery.metadata),
        };
        match router.dispatch(call).await {
            Ok(mut replies) => {
                while let Some(reply) = replies.next().await {
                    if let Err(status) = reply {
                        tracing::warn!(
                            delivery = ?what,
                            code = ?status.code(),
                            message = ?status.message(),
                            "an event delivery failed"
                        );
                        break;
                    }
                }
            }
            Err(status) => tracing::warn!(
                delivery = ?what,
                code = ?status.code(),
                message = ?status.message(),
                "an event delivery failed"
            ),
        }
    }
}

/// The CloudEvent attributes of a persisted event, in binary mode.
fn cloud_event(persistence_id: &str, entity_id: &str, sequence: i64, type_url: &str) -> Metadata {
    let event_type = type_url.rsplit_once('/').map_or(type_url, |(_, name)| name);
    let attributes = vec![
        ("ce-id", format!("{persistence_id}-{entity_id}-{sequence}")),
        ("ce-source", persistence_id.to_owned()),
        ("ce-specversion", SPEC_VERSION.to_owned()),
        ("ce-type", event_type.to_owned()),
        ("ce-subject", entity_id.to_owned()),
    ];
    let entries = deviation::frontend::cloud_event_attributes(attributes)
        .into_iter()
        .map(|(key, value)| MetadataEntry {
            key: key.to_owned(),
            value: Some(metadata_entry::Value::StringValue(value)),
        })
        .collect();
    Metadata { entries }
}

/// The protobuf message name of a type URL (`<host>/<full name>`); none for the Cloudstate JSON and
/// primitive conventions, which name no message.
fn message_name(type_url: &str) -> Option<&str> {
    use cloudstate_protocol::names::{JSON_TYPE_URL_PREFIX, PRIMITIVE_TYPE_URL_PREFIX};
    if type_url.starts_with(JSON_TYPE_URL_PREFIX) || type_url.starts_with(PRIMITIVE_TYPE_URL_PREFIX)
    {
        return None;
    }
    type_url.rsplit_once('/').map(|(_, name)| name)
}

/// The `cloudstate.eventing` method option, if the announced descriptors declare it.
fn eventing_option(spec: &UserSpec) -> Option<ExtensionDescriptor> {
    let options = spec
        .pool
        .get_message_by_name("google.protobuf.MethodOptions")?;
    options.get_extension(EVENTING_OPTION)
}

/// A method's `cloudstate.eventing` option, if set.
fn eventing_of(method: &MethodDescriptor, option: &ExtensionDescriptor) -> Option<Eventing> {
    let options = method.options();
    if !options.has_extension(option) {
        return None;
    }
    let value = options.get_extension(option);
    match value.as_message()?.transcode_to::<Eventing>() {
        Ok(eventing) => Some(eventing),
        Err(error) => {
            tracing::warn!(
                method = %method.full_name(),
                "unreadable cloudstate.eventing option: {error}"
            );
            None
        }
    }
}
