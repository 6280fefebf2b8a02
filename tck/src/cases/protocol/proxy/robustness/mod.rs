//! Proxy-mode cases in which the user function misbehaves or a client gives up (spec chapters
//! `malformed-input.md`, section "What a proxy does with output it did not expect", and `failures.md`,
//! section "What a client sees of a failure"). The TCK, as the user function's stand-in, changes the
//! model's replies or holds them; the proxy must answer the client at once with the right status, never
//! hang, and keep serving the entity.

mod abandoned_calls;
mod stream_failure;
mod support;
mod wrong_replies;

use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, EVENT_SOURCED_TCK_MODEL, VALUE_ENTITY_TCK_MODEL,
};

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "protocol.proxy.reply_to_an_unknown_command",
        summary: "a value-entity reply naming a command never sent fails the call with INTERNAL, is reported, and the entity restarts from its stored state",
        requirements: ["MAL-030", "MAL-032", "MAL-033"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: wrong_replies::reply_to_an_unknown_command,
    },
    proxy_case! {
        id: "protocol.proxy.second_reply_to_an_answered_command",
        summary: "an event-sourced reply answering an earlier command again fails the call with INTERNAL, stores none of its events, and the entity replays from the journal",
        requirements: ["MAL-030", "MAL-032", "MAL-033"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: wrong_replies::second_reply_to_an_answered_command,
    },
    proxy_case! {
        id: "protocol.proxy.empty_message_instead_of_a_reply",
        summary: "an empty ValueEntityStreamOut in place of a reply fails the call with INTERNAL at once, is reported, and the entity restarts",
        requirements: ["MAL-031", "MAL-032", "MAL-033"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: wrong_replies::empty_message_instead_of_a_reply,
    },
    proxy_case! {
        id: "protocol.proxy.top_level_failure_ends_the_entity",
        summary: "a top-level Failure fails the call with UNKNOWN and its description, ends the stream unreported, and the entity restarts",
        requirements: ["FAIL-001", "FAIL-002", "FAIL-003"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: stream_failure::top_level_failure_ends_the_entity,
    },
    proxy_case! {
        id: "protocol.proxy.top_level_failure_ends_an_event_sourced_entity",
        summary: "a top-level Failure on an event-sourced stream fails the call with UNKNOWN and its description, ends the stream unreported, and the entity replays its stored events",
        requirements: ["FAIL-001", "FAIL-002", "FAIL-003"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: stream_failure::top_level_failure_ends_an_event_sourced_entity,
    },
    proxy_case! {
        id: "protocol.proxy.abandoned_action_call_is_cancelled",
        summary: "when a unary action's client gives up at its deadline, the proxy cancels its handleUnary call",
        requirements: ["FAIL-004"],
        services: &[ACTION_TCK_MODEL],
        run: abandoned_calls::abandoned_action_call_is_cancelled,
    },
    proxy_case! {
        id: "protocol.proxy.abandoned_entity_command_still_takes_effect",
        summary: "a value-entity command whose client gave up still holds the next command back until answered, and its update is stored",
        requirements: ["FAIL-005", "VE-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: abandoned_calls::abandoned_entity_command_still_takes_effect,
    },
];
