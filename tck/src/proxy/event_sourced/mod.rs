//! Proxy-mode event-sourced cases: the TCK calls the event-sourced model through the proxy and checks what
//! the client gets and every message on the proxy's `EventSourced.handle` streams (cases 172 to 176 of the
//! original TCK).

mod effects;
mod failures;
mod http_api;
mod interventions;
mod passivation;
mod state;
pub(in crate::proxy) mod support;

use cloudstate_protocol::names::model::{
    EVENT_SOURCED_CONFIGURED, EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO,
};

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "event_sourced.proxy.state_changes",
        summary: "events and snapshots pass through, the client gets each state, on one stream with ids 1 to 6",
        requirements: ["ES-004", "ES-005", "ES-023", "ES-024", "ES-026", "ES-027", "FRONT-002"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: state::state_changes,
    },
    proxy_case! {
        id: "event_sourced.proxy.forwards_and_side_effects",
        summary: "a forward and side effects become commands on the EventSourcedTwo entity's own stream",
        requirements: ["ES-023", "ES-024", "ES-028", "ES-029"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::forwards_and_side_effects,
    },
    proxy_case! {
        id: "event_sourced.proxy.failures",
        summary: "a failed command gives the client UNKNOWN with the description; the stream goes on or restarts",
        requirements: ["ES-021", "ES-024", "ES-030", "ES-031"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failures::failures,
    },
    proxy_case! {
        id: "event_sourced.proxy.http_api",
        summary: "HTTP/JSON calls cause the same commands as gRPC ones; replies come back as JSON, failures as 500",
        requirements: [
            "ES-021", "ES-024", "ES-032", "FRONT-004", "FRONT-005", "FRONT-006", "FRONT-007", "FRONT-009",
        ],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: http_api::http_api,
    },
    proxy_case! {
        id: "event_sourced.proxy.passivation_timeout",
        summary: "the proxy closes an idle entity's stream after its announced 100 ms timeout, within 2 s",
        requirements: ["ES-004", "ES-033", "ES-034"],
        services: &[EVENT_SOURCED_CONFIGURED],
        run: passivation::passivation_timeout,
    },
    proxy_case! {
        id: "event_sourced.proxy.restart_replays_the_journal",
        summary: "a failure with restart set by the TCK: the proxy reopens the stream with init and the stored events, ids from 1",
        requirements: ["ES-019", "ES-021"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: interventions::restart_replays_the_journal,
    },
    proxy_case! {
        id: "event_sourced.proxy.reactivation_after_a_crash_replays_events",
        summary: "after the TCK crashes an entity's stream mid-command, the next command's new stream replays the stored events",
        requirements: ["ES-035"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: interventions::reactivation_after_a_crash_replays_events,
    },
];
