//! The protocol's methods by gRPC path, with the full names of their request and response messages: how
//! the interceptor, the journal and the recorder name what they see.

/// The protocol methods, by gRPC path, with the full names of their request and response messages.
pub(crate) const PROTOCOL_METHODS: &[(&str, &str, &str)] = &[
    (
        "/cloudstate.EntityDiscovery/discover",
        "cloudstate.ProxyInfo",
        "cloudstate.EntitySpec",
    ),
    (
        "/cloudstate.EntityDiscovery/reportError",
        "cloudstate.UserFunctionError",
        "google.protobuf.Empty",
    ),
    (
        "/cloudstate.action.ActionProtocol/handleUnary",
        "cloudstate.action.ActionCommand",
        "cloudstate.action.ActionResponse",
    ),
    (
        "/cloudstate.action.ActionProtocol/handleStreamedIn",
        "cloudstate.action.ActionCommand",
        "cloudstate.action.ActionResponse",
    ),
    (
        "/cloudstate.action.ActionProtocol/handleStreamedOut",
        "cloudstate.action.ActionCommand",
        "cloudstate.action.ActionResponse",
    ),
    (
        "/cloudstate.action.ActionProtocol/handleStreamed",
        "cloudstate.action.ActionCommand",
        "cloudstate.action.ActionResponse",
    ),
    (
        "/cloudstate.valueentity.ValueEntity/handle",
        "cloudstate.valueentity.ValueEntityStreamIn",
        "cloudstate.valueentity.ValueEntityStreamOut",
    ),
    (
        "/cloudstate.eventsourced.EventSourced/handle",
        "cloudstate.eventsourced.EventSourcedStreamIn",
        "cloudstate.eventsourced.EventSourcedStreamOut",
    ),
    (
        "/cloudstate.crdt.Crdt/handle",
        "cloudstate.crdt.CrdtStreamIn",
        "cloudstate.crdt.CrdtStreamOut",
    ),
];

/// The request and response message names of a protocol path.
pub(crate) fn message_names(path: &str) -> Option<(&'static str, &'static str)> {
    PROTOCOL_METHODS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, input, output)| (*input, *output))
}
