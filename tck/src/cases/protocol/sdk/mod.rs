//! SDK-mode protocol cases: what a user function does with input it did not expect (a command before the
//! init, a second init, an empty message, an unknown service or method, a payload that is not the
//! method's input, a late event, a CRDT delta of another type, a cancellation of a command that is not
//! streaming), and how it answers proxies of other protocol versions and `reportError`.

mod action;
mod entity;
mod entity_cases;
mod expect;
mod late_input;
mod versions;

use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, CRDT_TCK_MODEL, EVENT_SOURCED_TCK_MODEL, VALUE_ENTITY_TCK_MODEL,
};

use self::entity::{Crdt, EventSourced, ValueEntity};
use crate::case::{Case, sdk_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    sdk_case! {
        id: "protocol.sdk.event_sourced_command_before_init",
        summary: "a command before the init of an event-sourced stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_cases::command_before_init::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_second_init",
        summary: "a second init on an event-sourced stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_cases::second_init::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_empty_message",
        summary: "a message with no variant set on an event-sourced stream is ignored, or refused with a top-level Failure or an error status",
        requirements: ["MAL-016", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_cases::empty_message::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_unknown_service",
        summary: "an init of an event-sourced stream for a service nobody serves is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_cases::unknown_service::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_unknown_command",
        summary: "a command to a method the event-sourced service does not have is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_cases::unknown_command::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_payload_of_another_type",
        summary: "(SHOULD) a command to an event-sourced entity whose payload has the type URL of another message is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-018"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_cases::wrong_payload_type::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_undecodable_payload",
        summary: "a command to an event-sourced entity whose payload bytes do not decode is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: entity_cases::undecodable_payload::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_event_after_command",
        summary: "(SHOULD) an event after the first command is refused, with a top-level Failure or an error status, and not applied",
        requirements: ["MAL-009"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: late_input::event_after_command,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_command_before_init",
        summary: "a command before the init of a value-entity stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: entity_cases::command_before_init::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_second_init",
        summary: "a second init on a value-entity stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: entity_cases::second_init::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_empty_message",
        summary: "a message with no variant set on a value-entity stream is ignored, or refused with a top-level Failure or an error status",
        requirements: ["MAL-016", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: entity_cases::empty_message::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_unknown_service",
        summary: "an init of a value-entity stream for a service nobody serves is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: entity_cases::unknown_service::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_unknown_command",
        summary: "a command to a method the value-entity service does not have is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: entity_cases::unknown_command::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_undecodable_payload",
        summary: "a command to a value entity whose payload bytes do not decode is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: entity_cases::undecodable_payload::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_command_before_init",
        summary: "a command before the init of a CRDT stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: entity_cases::command_before_init::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_second_init",
        summary: "a second init on a CRDT stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: entity_cases::second_init::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_empty_message",
        summary: "a message with no variant set on a CRDT stream is ignored, or refused with a top-level Failure or an error status",
        requirements: ["MAL-016", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: entity_cases::empty_message::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_unknown_command",
        summary: "a command to a method the CRDT service does not have is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: entity_cases::unknown_command::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_delta_of_another_type",
        summary: "a PNCounter delta for a GCounter entity is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: late_input::delta_of_another_type,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_cancellation_of_a_command_not_streaming",
        summary: "a cancellation of a command that is not streaming leaves the stream and the value as they were",
        requirements: ["MAL-012"],
        services: &[CRDT_TCK_MODEL],
        run: late_input::cancellation_of_a_command_not_streaming,
    },
    sdk_case! {
        id: "protocol.sdk.action_unknown_command",
        summary: "a unary action call of a method the service does not have fails, with a failure outcome or an error status",
        requirements: ["MAL-013"],
        services: &[ACTION_TCK_MODEL],
        run: action::unknown_command,
    },
    sdk_case! {
        id: "protocol.sdk.action_unknown_service",
        summary: "a unary action call of a service nobody serves fails, with a failure outcome or an error status",
        requirements: ["MAL-013"],
        services: &[ACTION_TCK_MODEL],
        run: action::unknown_service,
    },
    sdk_case! {
        id: "protocol.sdk.action_undecodable_payload",
        summary: "a unary action call whose payload bytes do not decode fails, with a failure outcome or an error status",
        requirements: ["MAL-021"],
        services: &[ACTION_TCK_MODEL],
        run: action::undecodable_payload,
    },
    sdk_case! {
        id: "protocol.sdk.action_payload_of_another_type",
        summary: "(SHOULD) a unary action call whose payload has the type URL of another message fails, with a failure outcome or an error status",
        requirements: ["MAL-018"],
        services: &[ACTION_TCK_MODEL],
        run: action::wrong_payload_type,
    },
    sdk_case! {
        id: "protocol.sdk.discover_by_newer_minor_version",
        summary: "a proxy announcing protocol version 0.3 gets the same EntitySpec as a 0.2 proxy",
        requirements: ["DISC-015", "DISC-016"],
        services: &[],
        run: versions::discover_by_newer_minor_version,
    },
    sdk_case! {
        id: "protocol.sdk.discover_by_other_major_version",
        summary: "a proxy announcing protocol version 1.0 gets the same EntitySpec as a 0.2 proxy",
        requirements: ["DISC-015", "DISC-016"],
        services: &[],
        run: versions::discover_by_other_major_version,
    },
    sdk_case! {
        id: "protocol.sdk.report_error_is_acknowledged",
        summary: "reportError is answered with an empty message and status OK",
        requirements: ["DISC-017"],
        services: &[],
        run: versions::report_error_is_acknowledged,
    },
];
