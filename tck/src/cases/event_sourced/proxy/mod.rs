//! Proxy-mode event-sourced cases: the TCK calls the event-sourced model through the proxy and checks what
//! the client gets and every message on the proxy's `EventSourced.handle` streams (cases 172 to 176 of the
//! original TCK), and new ones: restarts of the proxy (run only when the TCK started it as durable),
//! one command in flight at a time, a forward to another entity, command ids after passivation, the
//! metadata of forwards and side effects, and a command unanswered past the relay timeout.

mod effects;
mod failures;
mod forwards;
mod http_api;
mod interventions;
pub(crate) mod messages;
mod ordering;
mod passivation;
mod restarts;
mod state;
mod stored_state;
pub(crate) mod support;
mod sync_effect;

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
        requirements: ["ES-023", "ES-024", "ES-028", "ES-029", "FWD-007"],
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

/// What survives a restart of the proxy.
pub(crate) static RESTART_CASES: &[Case] = &[proxy_case! {
    id: "event_sourced.proxy.events_survive_a_proxy_restart",
    summary: "acknowledged events are replayed after the TCK kills the durable proxy with SIGKILL and starts it again",
    requirements: ["FAIL-020", "FAIL-022", "ES-024"],
    services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
    run: restarts::events_survive_a_proxy_restart,
}];

/// One command at a time while an answer is held.
pub(crate) static ORDERING_CASES: &[Case] = &[proxy_case! {
    id: "event_sourced.proxy.one_command_in_flight_while_the_answer_is_held",
    summary: "three clients at once: while the TCK holds the answer to command 1 the proxy sends nothing more, then 2 and 3 in turn",
    requirements: ["ES-023", "ES-024", "ES-025"],
    services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
    run: ordering::one_command_in_flight_while_the_answer_is_held,
}];

/// A synchronous side effect, a forward to another entity, and the events of a forwarding reply.
pub(crate) static FORWARD_CASES: &[Case] = &[
    proxy_case! {
        id: "event_sourced.proxy.synchronous_side_effect_finishes_before_the_reply",
        summary: "a synchronous side effect whose answer the TCK holds for 300 ms keeps the client waiting for its reply until then",
        requirements: ["ES-029"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: sync_effect::synchronous_side_effect_finishes_before_the_reply,
    },
    proxy_case! {
        id: "event_sourced.proxy.forward_to_another_entity",
        summary: "a forward to another entity's id opens that entity's own stream, and the client gets its reply",
        requirements: ["ES-028", "FWD-002"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: forwards::forward_to_another_entity,
    },
    proxy_case! {
        id: "event_sourced.proxy.events_of_a_forwarding_reply_are_stored",
        summary: "a reply that emits A and forwards stores A: after a proxy restart the entity's init is followed by A at sequence 1 (durable proxy)",
        requirements: ["ES-038", "ES-005", "ES-028"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: stored_state::events_of_a_forwarding_reply_are_stored,
    },
];

/// Command ids after a passivation.
pub(crate) static PASSIVATION_CASES: &[Case] = &[
    proxy_case! {
        id: "event_sourced.proxy.command_ids_restart_at_1_after_passivation",
        summary: "commands 1 and 2, passivation, then the next call is command 1 of a new stream",
        requirements: ["PASS-002", "ES-024", "ES-033"],
        services: &[EVENT_SOURCED_CONFIGURED],
        run: passivation::command_ids_restart_at_1_after_passivation,
    },
    proxy_case! {
        id: "event_sourced.proxy.passivation_replays_snapshot_and_later_events",
        summary: "events A-G (snapshot at 7) and H, passivation after a short timeout set by the TCK, then the init carries the snapshot at 7 and only H follows (durable proxy)",
        requirements: ["PASS-003", "ES-004", "ES-005", "ES-039"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: stored_state::passivation_replays_snapshot_and_later_events,
    },
];

/// The metadata of forwards and side effects.
pub(crate) static EFFECT_METADATA_CASES: &[Case] = &[
    proxy_case! {
        id: "event_sourced.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: crate::cases::shared::effect_metadata::event_sourced_forward,
    },
    proxy_case! {
        id: "event_sourced.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: crate::cases::shared::effect_metadata::event_sourced_side_effect,
    },
];

/// A command unanswered past the relay timeout.
pub(crate) static RELAY_TIMEOUT_CASES: &[Case] = &[proxy_case! {
    id: "event_sourced.proxy.unanswered_command_fails_after_the_relay_timeout",
    summary: "an answer held past the relay timeout: the client gets DEADLINE_EXCEEDED or UNAVAILABLE in time, the next read replays the stored events",
    requirements: ["FAIL-006", "FAIL-007"],
    services: &[EVENT_SOURCED_TCK_MODEL],
    run: crate::cases::shared::relay_timeout::event_sourced_unanswered_command,
}];
