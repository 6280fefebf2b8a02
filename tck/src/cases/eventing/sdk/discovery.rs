//! What the user function announces about the eventing model's services: the two emitting entities as
//! event-sourced entities with the persistence ids their logs are named after, and the subscriber as an
//! action.

use cloudstate_protocol::names::model::{
    EVENT_LOG_SUBSCRIBER_MODEL, EVENT_SOURCED_ENTITY_ONE, EVENT_SOURCED_ENTITY_TWO,
};
use cloudstate_protocol::names::{ACTION_PROTOCOL, EVENT_SOURCED};

use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::announced::{Declared, check_announced};
use crate::messages::eventing::{LOG_ONE, LOG_TWO};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[sdk_case! {
    id: "eventing.sdk.entity_discovery",
    summary: "the emitting entities are announced as event-sourced with persistence ids eventlogeventing-one and -two, the subscriber as an action",
    requirements: ["ACT-001", "ES-001", "ES-002"],
    services: &[EVENT_LOG_SUBSCRIBER_MODEL, EVENT_SOURCED_ENTITY_ONE, EVENT_SOURCED_ENTITY_TWO],
    run: entity_discovery,
}];

/// `EventSourcedEntityOne` and `EventSourcedEntityTwo` are event-sourced entities whose persistence ids
/// name the logs the subscriber reads (`eventlogeventing-one`, `eventlogeventing-two`);
/// `EventLogSubscriberModel` is an action.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    for (service, log) in [
        (EVENT_SOURCED_ENTITY_ONE, LOG_ONE),
        (EVENT_SOURCED_ENTITY_TWO, LOG_TWO),
    ] {
        let declared = Declared {
            service,
            persistence_id: Some(log),
            passivation_timeout_ms: None,
        };
        check_announced(&cx, EVENT_SOURCED, &declared)?;
    }
    let subscriber = Declared {
        service: EVENT_LOG_SUBSCRIBER_MODEL,
        persistence_id: None,
        passivation_timeout_ms: None,
    };
    check_announced(&cx, ACTION_PROTOCOL, &subscriber)
}
