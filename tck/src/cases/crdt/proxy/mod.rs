//! Proxy-mode CRDT cases: the TCK calls the CRDT model through the proxy and checks what the client gets
//! and every message on the proxy's `Crdt.handle` streams (cases 177 to 182 of the original TCK), and
//! the metadata of forwards and side effects.

mod effects;
mod http_api;
mod interventions;
mod state;
mod stored_state;
mod stream_ends;
mod streamed;
mod support;

use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TCK_MODEL, CRDT_TWO};

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "crdt.proxy.state_changes",
        summary: "net deltas pass through on one stream with ids 1 to 4, the client gets each value, and a delete ends the stream",
        requirements: ["CRDT-003", "CRDT-023", "CRDT-036", "CRDT-037", "CRDT-038", "CRDT-039"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: state::state_changes,
    },
    proxy_case! {
        id: "crdt.proxy.forwards_and_side_effects",
        summary: "a forward and a side effect become commands on the CrdtTwo entity's own stream; deletes end both streams",
        requirements: [
            "CRDT-003", "CRDT-023", "CRDT-036", "CRDT-037", "CRDT-040", "CRDT-041", "FWD-007",
        ],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: effects::forwards_and_side_effects,
    },
    proxy_case! {
        id: "crdt.proxy.failures",
        summary: "a failed command gives the client UNKNOWN with the description, and the stream goes on to a delete",
        requirements: ["CRDT-023", "CRDT-037", "CRDT-042"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: state::failures,
    },
    proxy_case! {
        id: "crdt.proxy.streamed_responses_for_connection_tracking",
        summary: "streamed Vote commands: streamed messages reach the watching client, and each client that leaves becomes a StreamCancelled",
        requirements: ["CRDT-003", "CRDT-023", "CRDT-029", "CRDT-036", "CRDT-037", "CRDT-038", "CRDT-039", "CRDT-043"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: streamed::streamed_responses_for_connection_tracking,
    },
    proxy_case! {
        id: "crdt.proxy.end_stream_ends_the_client_stream",
        summary: "a streamed message with end_stream ends the client's stream with OK, and no StreamCancelled follows when the client goes away",
        requirements: ["CRDT-027", "CRDT-029", "CRDT-039"],
        services: &[CRDT_TCK_MODEL],
        run: stream_ends::end_stream_ends_the_client_stream,
    },
    proxy_case! {
        id: "crdt.proxy.side_effects_of_streamed_messages",
        summary: "the side effect a streamed message carries becomes one command on the CrdtTwo entity's stream",
        requirements: ["CRDT-036", "CRDT-037", "CRDT-041"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: stream_ends::side_effects_of_streamed_messages,
    },
    proxy_case! {
        id: "crdt.proxy.http_api",
        summary: "HTTP/JSON calls cause the same commands as gRPC ones; values come back as JSON, failures as 500",
        requirements: ["CRDT-023", "CRDT-037", "CRDT-044", "CRDT-045", "FRONT-008"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: http_api::http_api,
    },
    proxy_case! {
        id: "crdt.proxy.passivation_timeout",
        summary: "the proxy closes an idle entity's stream after its announced 100 ms timeout, within 2 s",
        requirements: ["CRDT-003", "CRDT-046", "CRDT-047"],
        services: &[CRDT_CONFIGURED],
        run: state::passivation_timeout,
    },
    proxy_case! {
        id: "crdt.proxy.reactivation_after_a_crash_sends_the_held_state",
        summary: "after the TCK crashes an entity's stream mid-command, the next command's new stream starts with the held value",
        requirements: ["CRDT-048"],
        services: &[CRDT_TCK_MODEL],
        run: interventions::reactivation_after_a_crash_sends_the_held_state,
    },
    proxy_case! {
        id: "crdt.proxy.passivation_keeps_the_held_value",
        summary: "a GCounter incremented to 4, passivation after a short timeout set by the TCK, then the new stream's init carries 4 (durable proxy)",
        requirements: ["PASS-003", "CRDT-003"],
        services: &[CRDT_TCK_MODEL],
        run: stored_state::passivation_keeps_the_held_value,
    },
    proxy_case! {
        id: "crdt.proxy.top_level_failure_fails_the_named_command",
        summary: "a top-level Failure naming a command gives its client UNKNOWN with the description, and the entity's next command is served",
        requirements: ["FAIL-008"],
        services: &[CRDT_TCK_MODEL],
        run: interventions::top_level_failure_fails_the_named_command,
    },
];

/// The metadata of forwards and side effects.
pub(crate) static EFFECT_METADATA_CASES: &[Case] = &[
    proxy_case! {
        id: "crdt.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: crate::cases::shared::effect_metadata::crdt_forward,
    },
    proxy_case! {
        id: "crdt.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: crate::cases::shared::effect_metadata::crdt_side_effect,
    },
];
