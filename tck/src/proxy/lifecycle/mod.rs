//! Proxy-mode cases about a proxy's life and the order of its work: what it does with a user function it
//! must refuse, what survives its own crash and restart, one command at a time under a held answer,
//! synchronous and failing side effects, forward chains, and passivation around commands in flight.
//!
//! The cases that start another instance of the proxy or restart it run only when the TCK started the
//! proxy (and, for restarts, started it as durable); otherwise they are skipped with the reason.

mod action_messages;
mod effect_metadata;
mod event_sourced_messages;
mod forwards;
mod ordering;
mod passivation;
mod refusals;
mod relay_timeout;
mod restarts;
mod side_effects;
mod user_function;
mod value_entity_messages;

use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, ACTION_TWO, CRDT_TCK_MODEL, CRDT_TWO, EVENT_SOURCED_CONFIGURED,
    EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO, VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL,
    VALUE_ENTITY_TWO,
};

use crate::case::{Case, proxy_case};

/// The cases of this group, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "discovery.proxy.refuses_a_spec_without_entities",
        summary: "a second proxy instance whose user function announces no entity calls reportError and does not serve",
        requirements: ["DISC-012", "DISC-013", "DISC-032"],
        services: &[],
        run: refusals::refuses_a_spec_without_entities,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_an_undeclared_service",
        summary: "a second proxy instance refuses a service_name its proto does not declare: reportError naming it, not ready",
        requirements: ["DISC-012", "DISC-013", "DISC-032"],
        services: &[],
        run: refusals::refuses_an_undeclared_service,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_an_unsupported_entity_type",
        summary: "a second proxy instance refuses an entity_type it does not support: reportError naming it, not ready",
        requirements: ["DISC-012", "DISC-013", "DISC-032"],
        services: &[],
        run: refusals::refuses_an_unsupported_entity_type,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_an_undecodable_descriptor_set",
        summary: "a second proxy instance refuses a proto that is not a FileDescriptorSet: reportError, not ready",
        requirements: ["DISC-013", "DISC-030", "DISC-032"],
        services: &[],
        run: refusals::refuses_an_undecodable_descriptor_set,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_protocol_major_version_1",
        summary: "a second proxy instance refuses a user function that speaks protocol 1.0: reportError naming the version, not ready",
        requirements: ["DISC-013", "DISC-031", "DISC-032"],
        services: &[],
        run: refusals::refuses_protocol_major_version_1,
    },
    proxy_case! {
        id: "event_sourced.proxy.events_survive_a_proxy_restart",
        summary: "acknowledged events are replayed after the TCK kills the durable proxy with SIGKILL and starts it again",
        requirements: ["FAIL-020", "FAIL-022", "ES-024"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: restarts::events_survive_a_proxy_restart,
    },
    proxy_case! {
        id: "value_entity.proxy.state_survives_a_proxy_restart",
        summary: "an acknowledged update is in the next init after the TCK kills the durable proxy with SIGKILL and starts it again",
        requirements: ["FAIL-021", "FAIL-022", "VE-029"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: restarts::state_survives_a_proxy_restart,
    },
    proxy_case! {
        id: "event_sourced.proxy.one_command_in_flight_while_the_answer_is_held",
        summary: "three clients at once: while the TCK holds the answer to command 1 the proxy sends nothing more, then 2 and 3 in turn",
        requirements: ["ES-023", "ES-024", "ES-025"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: ordering::one_command_in_flight_while_the_answer_is_held,
    },
    proxy_case! {
        id: "action.proxy.synchronous_side_effect_finishes_before_the_reply",
        summary: "while the TCK holds a synchronous side effect's answer the client has no reply; once released it gets it",
        requirements: ["ACT-037", "ACT-038"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: side_effects::synchronous_side_effect_finishes_before_the_reply,
    },
    proxy_case! {
        id: "action.proxy.failing_asynchronous_side_effect_keeps_the_reply",
        summary: "an asynchronous side effect whose call fails is still made, and the client gets the command's own reply",
        requirements: ["ACT-037", "FWD-003"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: side_effects::failing_asynchronous_side_effect_keeps_the_reply,
    },
    proxy_case! {
        id: "action.proxy.side_effect_to_an_unknown_service_is_reported",
        summary: "a side effect the TCK sends to an unannounced service is reported with reportError naming it; the reply stands",
        requirements: ["ACT-040", "FWD-004"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: side_effects::side_effect_to_an_unknown_service_is_reported,
    },
    proxy_case! {
        id: "action.proxy.forward_chain_is_followed",
        summary: "a forward whose target forwards again is followed to the end: three calls, and the client gets the last reply",
        requirements: ["ACT-039", "FWD-001"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: forwards::forward_chain_is_followed,
    },
    proxy_case! {
        id: "event_sourced.proxy.forward_to_another_entity",
        summary: "a forward to another entity's id opens that entity's own stream, and the client gets its reply",
        requirements: ["ES-028", "FWD-002"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: forwards::forward_to_another_entity,
    },
    proxy_case! {
        id: "value_entity.proxy.no_passivation_while_a_command_is_in_flight",
        summary: "an answer held for four passivation timeouts: the stream stays open, and idle time counts from the answer",
        requirements: ["PASS-001", "VE-027"],
        services: &[VALUE_ENTITY_CONFIGURED],
        run: passivation::no_passivation_while_a_command_is_in_flight,
    },
    proxy_case! {
        id: "event_sourced.proxy.command_ids_restart_at_1_after_passivation",
        summary: "commands 1 and 2, passivation, then the next call is command 1 of a new stream",
        requirements: ["PASS-002", "ES-024", "ES-033"],
        services: &[EVENT_SOURCED_CONFIGURED],
        run: passivation::command_ids_restart_at_1_after_passivation,
    },
    proxy_case! {
        id: "action.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: effect_metadata::action_forward,
    },
    proxy_case! {
        id: "action.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: effect_metadata::action_side_effect,
    },
    proxy_case! {
        id: "value_entity.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effect_metadata::value_entity_forward,
    },
    proxy_case! {
        id: "value_entity.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effect_metadata::value_entity_side_effect,
    },
    proxy_case! {
        id: "event_sourced.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effect_metadata::event_sourced_forward,
    },
    proxy_case! {
        id: "event_sourced.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effect_metadata::event_sourced_side_effect,
    },
    proxy_case! {
        id: "crdt.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: effect_metadata::crdt_forward,
    },
    proxy_case! {
        id: "crdt.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: effect_metadata::crdt_side_effect,
    },
    proxy_case! {
        id: "value_entity.proxy.unanswered_command_fails_after_the_relay_timeout",
        summary: "an answer held past the relay timeout: the client gets DEADLINE_EXCEEDED or UNAVAILABLE in time, the next read starts from the stored state",
        requirements: ["FAIL-006", "FAIL-007"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: relay_timeout::value_entity_unanswered_command,
    },
    proxy_case! {
        id: "event_sourced.proxy.unanswered_command_fails_after_the_relay_timeout",
        summary: "an answer held past the relay timeout: the client gets DEADLINE_EXCEEDED or UNAVAILABLE in time, the next read replays the stored events",
        requirements: ["FAIL-006", "FAIL-007"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: relay_timeout::event_sourced_unanswered_command,
    },
];
