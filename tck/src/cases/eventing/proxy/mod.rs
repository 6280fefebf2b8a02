//! Proxy-mode eventing cases: events persisted by the eventing model's event-sourced entities reach its
//! subscriber action through the proxy (cases 184 to 186 of the original TCK).

mod events;
mod support;

use cloudstate_protocol::names::model::{
    EVENT_LOG_SUBSCRIBER_MODEL, EVENT_SOURCED_ENTITY_ONE, EVENT_SOURCED_ENTITY_TWO,
};

use crate::case::{Case, proxy_case};

/// The services every eventing case needs.
const SERVICES: &[&str] = &[
    EVENT_LOG_SUBSCRIBER_MODEL,
    EVENT_SOURCED_ENTITY_ONE,
    EVENT_SOURCED_ENTITY_TWO,
];

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "eventing.proxy.consume_an_event",
        summary: "each persisted event becomes, in order, a ProcessEventOne call with the event and CloudEvent metadata naming the entity",
        requirements: ["ES-004", "ES-026", "EVT-001", "EVT-002", "EVT-003", "EVT-004", "EVT-005", "EVT-006", "EVT-007", "EVT-008", "EVT-009"],
        services: SERVICES,
        run: events::consume_an_event,
    },
    proxy_case! {
        id: "eventing.proxy.forward_a_consumed_event",
        summary: "a subscriber's forward of an event becomes a unary call of EventLogSubscriberModel.Effect",
        requirements: ["EVT-001", "EVT-002", "EVT-009", "ACT-039"],
        services: SERVICES,
        run: events::forward_a_consumed_event,
    },
    proxy_case! {
        id: "eventing.proxy.process_json_events",
        summary: "a JSON event reaches the subscriber's method taking google.protobuf.Any, unchanged, with its CloudEvent metadata",
        requirements: ["EVT-001", "EVT-002", "EVT-003", "EVT-005", "EVT-007", "EVT-008", "EVT-009"],
        services: SERVICES,
        run: events::process_json_events,
    },
];
