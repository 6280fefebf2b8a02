//! Proxy-mode protocol cases of the proxy's frontend (spec chapter `frontend.md`): calls the proxy must
//! refuse itself (unknown methods, messages over the size limit), metadata in both directions (request headers for every entity type, a
//! streamed call's first command and a repeated header), and a request just under the size limit. The HTTP cases of the frontend are the `http` area's.

mod entity_headers;
mod message_size;
mod reply_metadata;
mod request_metadata;
pub(crate) mod support;
mod unknown_methods;

use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, CRDT_TCK_MODEL, EVENT_SOURCED_TCK_MODEL, VALUE_ENTITY_TCK_MODEL,
};

use crate::case::{Case, proxy_case};

/// The case of a gRPC method no service has, run before the HTTP cases.
pub(crate) static UNKNOWN_METHOD_CASES: &[Case] = &[proxy_case! {
    id: "protocol.proxy.unknown_method_is_unimplemented",
    summary: "gRPC calls of a method no announced service has end with UNIMPLEMENTED, and the user function is not called",
    requirements: ["FRONT-003"],
    services: &[ACTION_TCK_MODEL, VALUE_ENTITY_TCK_MODEL],
    run: unknown_methods::unknown_method_is_unimplemented,
}];

/// The metadata and message-size cases, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "protocol.proxy.request_headers_reach_action_metadata",
        summary: "a text header and a -bin header of a unary action call reach the ActionCommand's metadata, the binary one as bytes",
        requirements: ["FRONT-016", "FRONT-017"],
        services: &[ACTION_TCK_MODEL],
        run: request_metadata::request_headers_reach_action_metadata,
    },
    proxy_case! {
        id: "protocol.proxy.request_headers_reach_entity_metadata",
        summary: "a text header and a -bin header of a value-entity call reach the entity Command's metadata",
        requirements: ["FRONT-016", "FRONT-017"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: request_metadata::request_headers_reach_entity_metadata,
    },
    proxy_case! {
        id: "protocol.proxy.request_headers_reach_event_sourced_metadata",
        summary: "a text header and a -bin header of an event-sourced call reach the entity Command's metadata, the binary one as bytes",
        requirements: ["FRONT-016", "FRONT-017"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_headers::request_headers_reach_event_sourced_metadata,
    },
    proxy_case! {
        id: "protocol.proxy.request_headers_reach_crdt_metadata",
        summary: "a text header and a -bin header of a CRDT call reach the entity Command's metadata, the binary one as bytes",
        requirements: ["FRONT-016", "FRONT-017"],
        services: &[CRDT_TCK_MODEL],
        run: entity_headers::request_headers_reach_crdt_metadata,
    },
    proxy_case! {
        id: "protocol.proxy.request_headers_reach_the_first_streamed_command",
        summary: "a text header and a -bin header of a client-streaming action call reach the metadata of the handleStreamedIn header command",
        requirements: ["FRONT-016", "FRONT-017"],
        services: &[ACTION_TCK_MODEL],
        run: entity_headers::request_headers_reach_the_first_streamed_command,
    },
    proxy_case! {
        id: "protocol.proxy.repeated_request_header_gives_one_entry_per_value",
        summary: "a header sent twice with two values reaches the entity Command's metadata as two entries",
        requirements: ["FRONT-016"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: entity_headers::repeated_request_header_gives_one_entry_per_value,
    },
    proxy_case! {
        id: "protocol.proxy.action_reply_metadata_becomes_headers",
        summary: "text and -bin metadata of an action's reply reach the client as response headers",
        requirements: ["FRONT-018"],
        services: &[ACTION_TCK_MODEL],
        run: reply_metadata::action_reply_metadata_becomes_headers,
    },
    proxy_case! {
        id: "protocol.proxy.entity_reply_metadata_becomes_headers",
        summary: "text and -bin metadata of a value entity's reply reach the client as response headers",
        requirements: ["FRONT-018"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: reply_metadata::entity_reply_metadata_becomes_headers,
    },
    proxy_case! {
        id: "protocol.proxy.request_under_the_size_limit_is_delivered",
        summary: "a request message of 4 MiB less 8 KiB reaches the user function and its text comes back intact",
        requirements: ["FRONT-020"],
        services: &[ACTION_TCK_MODEL],
        run: message_size::request_under_the_size_limit_is_delivered,
    },
    proxy_case! {
        id: "protocol.proxy.request_over_the_size_limit_is_refused",
        summary: "a request message of 4 MiB and one byte ends with RESOURCE_EXHAUSTED and never reaches the user function",
        requirements: ["FRONT-021"],
        services: &[ACTION_TCK_MODEL],
        run: message_size::request_over_the_size_limit_is_refused,
    },
];
