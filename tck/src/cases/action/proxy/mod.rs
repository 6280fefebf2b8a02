//! Proxy-mode action cases: the TCK calls `ActionTckModel` through the proxy and checks both what it gets
//! and the `ActionProtocol` calls the proxy makes to the model behind it (spec chapter `action.md`,
//! section "What the proxy does", and `frontend.md` for HTTP). These are cases 158 to 166 of the
//! original Cloudstate TCK, in its order, and new ones: synchronous, failing and misdirected side
//! effects, a chain of forwards, the metadata of forwards and side effects, and streamed calls that the
//! user function ends with an error status.

mod calls;
mod effects;
mod failures;
mod forwards;
mod http;
mod interventions;
pub(crate) mod messages;
mod probe;
mod side_effects;
mod stream_errors;

use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "action.proxy.unary_command_processing",
        summary: "a unary call becomes one handleUnary call with the full command, and the client gets the reply",
        requirements: ["FRONT-001", "ACT-026", "ACT-027", "ACT-031"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: calls::unary_command_processing,
    },
    proxy_case! {
        id: "action.proxy.streamed_in_command_processing",
        summary: "a client-streaming call becomes a header, one command per request and a half-close, and the client gets the reply",
        requirements: ["ACT-026", "ACT-028", "ACT-029", "ACT-030", "ACT-031"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: calls::streamed_in_command_processing,
    },
    proxy_case! {
        id: "action.proxy.streamed_out_command_processing",
        summary: "a server-streaming call becomes one full command, and the client gets each reply, then the end",
        requirements: ["ACT-026", "ACT-027", "ACT-031", "ACT-033"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: calls::streamed_out_command_processing,
    },
    proxy_case! {
        id: "action.proxy.streamed_command_processing",
        summary: "a duplex call passes each request and its reply on at once, and the client's completion as a half-close",
        requirements: ["ACT-026", "ACT-028", "ACT-029", "ACT-030", "ACT-031", "ACT-033"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: calls::streamed_command_processing,
    },
    proxy_case! {
        id: "action.proxy.unary_forwards_and_side_effects",
        summary: "a unary forward and a unary side effect each become a separate ActionTwo.Call, and a forward answers with its result",
        requirements: ["ACT-025", "ACT-031", "ACT-037", "ACT-039"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: effects::unary_forwards_and_side_effects,
    },
    proxy_case! {
        id: "action.proxy.streamed_forwards_and_side_effects",
        summary: "in a duplex call a forward's result is the next client message, and a side effect alone gives a call but no message",
        requirements: ["ACT-032", "ACT-033", "ACT-037", "ACT-039"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: effects::streamed_forwards_and_side_effects,
    },
    proxy_case! {
        id: "action.proxy.unary_failures",
        summary: "a unary failure reaches the client as gRPC status UNKNOWN with the failure's description",
        requirements: ["ACT-034"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: failures::unary_failures,
    },
    proxy_case! {
        id: "action.proxy.streamed_failures",
        summary: "a failure in a duplex call ends the client's stream with UNKNOWN at once, and the proxy closes the protocol call",
        requirements: ["ACT-034", "ACT-035", "ACT-036"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: failures::streamed_failures,
    },
    proxy_case! {
        id: "action.proxy.client_streaming_error_status_reaches_the_client",
        summary: "a client-streaming call whose protocol call the user function ends with UNAVAILABLE fails for the client instead of being answered",
        requirements: ["ACT-043"],
        services: &[ACTION_TCK_MODEL],
        run: stream_errors::client_streaming_error_status_reaches_the_client,
    },
    proxy_case! {
        id: "action.proxy.server_streaming_error_status_reaches_the_client",
        summary: "a server-streaming call whose protocol call the user function ends with UNAVAILABLE ends the client's stream with an error, not status OK",
        requirements: ["ACT-043"],
        services: &[ACTION_TCK_MODEL],
        run: stream_errors::server_streaming_error_status_reaches_the_client,
    },
    proxy_case! {
        id: "action.proxy.duplex_error_status_reaches_the_client",
        summary: "a duplex call whose protocol call the user function ends with UNAVAILABLE ends the client's stream with an error, not status OK",
        requirements: ["ACT-043"],
        services: &[ACTION_TCK_MODEL],
        run: stream_errors::duplex_error_status_reaches_the_client,
    },
    proxy_case! {
        id: "action.proxy.unary_http_api",
        summary: "ProcessUnary over HTTP/JSON answers 200 with JSON or 500 with the description, the default route works, bad JSON gets 400",
        requirements: ["ACT-027", "FRONT-004", "FRONT-005", "FRONT-006", "FRONT-007", "FRONT-009", "FRONT-010"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: http::unary_http_api,
    },
    proxy_case! {
        id: "action.proxy.forward_to_an_unknown_method_is_reported",
        summary: "a forward the TCK sends to an unannounced service fails the client's call and is reported with reportError",
        requirements: ["ACT-040"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: interventions::forward_to_an_unknown_method_is_reported,
    },
];

/// Synchronous, failing and misdirected side effects.
pub(crate) static SIDE_EFFECT_CASES: &[Case] = &[
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
];

/// A chain of forwards.
pub(crate) static FORWARD_CASES: &[Case] = &[proxy_case! {
    id: "action.proxy.forward_chain_is_followed",
    summary: "a forward whose target forwards again is followed to the end: three calls, and the client gets the last reply",
    requirements: ["ACT-039", "FWD-001"],
    services: &[ACTION_TCK_MODEL, ACTION_TWO],
    run: forwards::forward_chain_is_followed,
}];

/// The metadata of forwards and side effects.
pub(crate) static EFFECT_METADATA_CASES: &[Case] = &[
    proxy_case! {
        id: "action.proxy.forward_metadata_reaches_the_target",
        summary: "a forward's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-005"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: crate::cases::shared::effect_metadata::action_forward,
    },
    proxy_case! {
        id: "action.proxy.side_effect_metadata_reaches_the_target",
        summary: "a side effect's metadata (a text and a -bin entry, added by the TCK) is the metadata of the target's command",
        requirements: ["FWD-006"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: crate::cases::shared::effect_metadata::action_side_effect,
    },
];
