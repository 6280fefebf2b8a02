//! Proxy-mode value-entity cases: the TCK calls the value-entity model through the proxy and checks what
//! the client gets and every message on the proxy's `ValueEntity.handle` streams (cases 167 to 171 of the
//! original TCK, and new ones: among them a restart of the proxy (run only when the TCK started it as
//! durable), no passivation while a command is in flight, the metadata of forwards and side effects, and
//! a command unanswered past the relay timeout).

mod effects;
mod failures;
mod http_api;
mod interventions;
pub(crate) mod messages;
mod passivation;
mod restarts;
mod state;
mod stored_state;
pub(crate) mod support;

use cloudstate_protocol::names::model::{
    VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "value_entity.proxy.state_changes",
        summary: "reads, updates and deletes reach the client, on one stream with commands numbered 1 to 8",
        requirements: ["VE-004", "VE-005", "VE-017", "VE-018", "VE-020", "VE-021", "FRONT-002"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::state_changes,
    },
    proxy_case! {
        id: "value_entity.proxy.forwards_and_side_effects",
        summary: "a forward and side effects become commands on the ValueEntityTwo entity's own stream",
        requirements: ["VE-017", "VE-018", "VE-022", "VE-023", "FWD-007"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::forwards_and_side_effects,
    },
    proxy_case! {
        id: "value_entity.proxy.failures",
        summary: "a failed command gives the client UNKNOWN with the description, and the stream goes on",
        requirements: ["VE-018", "VE-024", "VE-025"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: failures::failures,
    },
    proxy_case! {
        id: "value_entity.proxy.http_api",
        summary: "HTTP/JSON calls cause the same commands as gRPC ones; replies come back as JSON, failures as 500",
        requirements: [
            "VE-018", "VE-026", "FRONT-004", "FRONT-005", "FRONT-006", "FRONT-007", "FRONT-009",
        ],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: http_api::http_api,
    },
    proxy_case! {
        id: "value_entity.proxy.passivation_timeout",
        summary: "the proxy closes an idle entity's stream after its announced 100 ms timeout, within 2 s",
        requirements: ["VE-004", "VE-027", "VE-028"],
        services: &[VALUE_ENTITY_CONFIGURED],
        run: passivation::passivation_timeout,
    },
    proxy_case! {
        id: "value_entity.proxy.reload_after_passivation_gets_stored_state",
        summary: "after passivation the next call opens a new stream: init with the stored state (none: the service stores nothing; passivation_keeps_stored_state stores a value), ids from 1",
        requirements: ["VE-005", "VE-018", "VE-027", "VE-029"],
        services: &[VALUE_ENTITY_CONFIGURED],
        run: passivation::reload_after_passivation_gets_stored_state,
    },
    proxy_case! {
        id: "value_entity.proxy.passivation_keeps_stored_state",
        summary: "an update to X, passivation after a short timeout set by the TCK, then the new stream's init carries X (durable proxy)",
        requirements: ["PASS-003", "VE-029", "PASS-002"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: stored_state::passivation_keeps_stored_state,
    },
    proxy_case! {
        id: "value_entity.proxy.concurrent_clients_are_served_one_at_a_time",
        summary: "concurrent calls to one entity go on one stream, one command at a time, ids 1, 2, 3…",
        requirements: ["VE-017", "VE-018", "VE-019", "VE-021"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::concurrent_clients_are_served_one_at_a_time,
    },
    proxy_case! {
        id: "value_entity.proxy.reactivation_after_a_crash_gets_the_stored_state",
        summary: "after the TCK crashes an entity's stream mid-command, the next command's new stream starts with the stored state",
        requirements: ["VE-029", "VE-030"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: interventions::reactivation_after_a_crash_gets_the_stored_state,
    },
    proxy_case! {
        id: "value_entity.proxy.synchronous_side_effect_finishes_before_the_reply",
        summary: "while the TCK holds a synchronous side effect's answer, the client gets no reply; once released it does",
        requirements: ["VE-023"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: interventions::synchronous_side_effect_finishes_before_the_reply,
    },
];

/// What survives a restart of the proxy.
pub(crate) static RESTART_CASES: &[Case] = &[proxy_case! {
    id: "value_entity.proxy.state_survives_a_proxy_restart",
    summary: "an acknowledged update is in the next init after the TCK kills the durable proxy with SIGKILL and starts it again",
    requirements: ["FAIL-021", "FAIL-022", "VE-029"],
    services: &[VALUE_ENTITY_TCK_MODEL],
    run: restarts::state_survives_a_proxy_restart,
}];

/// No passivation while a command is in flight.
pub(crate) static PASSIVATION_CASES: &[Case] = &[proxy_case! {
    id: "value_entity.proxy.no_passivation_while_a_command_is_in_flight",
    summary: "an answer held for four passivation timeouts: the stream stays open, and idle time counts from the answer",
    requirements: ["PASS-001", "VE-027"],
    services: &[VALUE_ENTITY_CONFIGURED],
    run: passivation::no_passivation_while_a_command_is_in_flight,
}];

/// The metadata of forwards and side effects.
pub(crate) static EFFECT_METADATA_CASES: &[Case] = &[
    proxy_case! {
        id: "value_entity.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: crate::cases::shared::effect_metadata::value_entity_forward,
    },
    proxy_case! {
        id: "value_entity.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: crate::cases::shared::effect_metadata::value_entity_side_effect,
    },
];

/// A command unanswered past the relay timeout.
pub(crate) static RELAY_TIMEOUT_CASES: &[Case] = &[proxy_case! {
    id: "value_entity.proxy.unanswered_command_fails_after_the_relay_timeout",
    summary: "an answer held past the relay timeout: the client gets DEADLINE_EXCEEDED or UNAVAILABLE in time, the next read starts from the stored state",
    requirements: ["FAIL-006", "FAIL-007"],
    services: &[VALUE_ENTITY_TCK_MODEL],
    run: crate::cases::shared::relay_timeout::value_entity_unanswered_command,
}];
