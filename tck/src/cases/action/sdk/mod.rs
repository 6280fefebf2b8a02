//! SDK-mode action cases: the TCK plays the proxy and drives `ActionTckModel` through the four
//! `ActionProtocol` call shapes (spec chapter `action.md`). These are cases 2 to 35 of the original
//! Cloudstate TCK, in its order.

mod discovery;
mod streamed;
mod streamed_in;
mod streamed_out;
mod unary;

use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, sdk_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    sdk_case! {
        id: "action.sdk.entity_discovery",
        summary: "ActionTckModel and ActionTwo are discovered as entities of type cloudstate.action.ActionProtocol",
        requirements: ["ACT-001"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: discovery::entity_discovery,
    },
    sdk_case! {
        id: "action.sdk.unary_command_reply",
        summary: "a unary command whose one step is a reply gets that reply, with no side effects",
        requirements: ["ACT-002", "ACT-005", "ACT-010", "ACT-013", "ACT-020", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_reply,
    },
    sdk_case! {
        id: "action.sdk.unary_command_reply_with_side_effect",
        summary: "a unary reply carries the asynchronous side effect requested after it",
        requirements: ["ACT-005", "ACT-010", "ACT-013", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_reply_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_reply_with_synchronous_side_effect",
        summary: "a unary reply carries its side effect with the synchronous flag set",
        requirements: ["ACT-005", "ACT-010", "ACT-014", "ACT-015", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_reply_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_reply_with_multiple_side_effects",
        summary: "a unary reply carries three side effects in the order they were requested",
        requirements: ["ACT-005", "ACT-010", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply",
        summary: "a unary command with no steps gets an ActionResponse with no outcome",
        requirements: ["ACT-002", "ACT-005", "ACT-009", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_no_reply,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply_with_side_effect",
        summary: "a unary command without a reply gets no outcome plus its asynchronous side effect",
        requirements: ["ACT-005", "ACT-009", "ACT-013", "ACT-014", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_no_reply_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply_with_synchronous_side_effect",
        summary: "a unary command without a reply gets no outcome plus its synchronous side effect",
        requirements: ["ACT-005", "ACT-009", "ACT-014", "ACT-015", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_no_reply_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply_with_multiple_side_effects",
        summary: "a unary command without a reply gets no outcome plus three side effects in order",
        requirements: ["ACT-005", "ACT-009", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_no_reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward",
        summary: "a unary command whose one step is a forward gets a forward to ActionTwo/Call",
        requirements: ["ACT-002", "ACT-005", "ACT-011", "ACT-013", "ACT-020", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_forward,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward_with_side_effect",
        summary: "a unary forward carries the asynchronous side effect requested after it",
        requirements: ["ACT-005", "ACT-011", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_forward_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward_with_synchronous_side_effect",
        summary: "a unary forward carries its side effect with the synchronous flag set",
        requirements: ["ACT-005", "ACT-011", "ACT-014", "ACT-015", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_forward_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward_with_multiple_side_effects",
        summary: "a unary forward carries three side effects in the order they were requested",
        requirements: ["ACT-005", "ACT-011", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_forward_with_multiple_side_effects,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure",
        summary: "a unary command whose one step is a failure gets a failure with command_id 0 and restart false",
        requirements: ["ACT-002", "ACT-005", "ACT-012", "ACT-020", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_failure,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure_with_side_effect",
        summary: "a unary failure still carries the asynchronous side effect requested after it",
        requirements: ["ACT-005", "ACT-012", "ACT-014", "ACT-016", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_failure_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure_with_synchronous_side_effect",
        summary: "a unary failure still carries its side effect with the synchronous flag set",
        requirements: ["ACT-005", "ACT-012", "ACT-015", "ACT-016", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_failure_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure_with_multiple_side_effects",
        summary: "a unary failure still carries three side effects in the order they were requested",
        requirements: ["ACT-005", "ACT-012", "ACT-014", "ACT-016", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary::unary_command_failure_with_multiple_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_reply",
        summary: "a streamed-in call of one request with a reply step gets that reply after the half-close",
        requirements: ["ACT-003", "ACT-004", "ACT-006", "ACT-010", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_reply,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_reply_with_side_effects",
        summary: "a streamed-in reply carries the side effects of all three requests, in order and with their flags",
        requirements: ["ACT-004", "ACT-006", "ACT-010", "ACT-014", "ACT-015", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_reply_with_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_no_reply_no_requests",
        summary: "a streamed-in call half-closed right after its header gets one ActionResponse with no outcome",
        requirements: ["ACT-003", "ACT-006", "ACT-009", "ACT-018", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_no_reply_no_requests,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_no_reply",
        summary: "a streamed-in call of one request with no steps gets one ActionResponse with no outcome",
        requirements: ["ACT-004", "ACT-006", "ACT-009", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_no_reply,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_no_reply_with_side_effects",
        summary: "a streamed-in call without a reply gets no outcome plus the side effects of all three requests",
        requirements: ["ACT-006", "ACT-009", "ACT-014", "ACT-015", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_no_reply_with_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_forward",
        summary: "a streamed-in call of one request with a forward step gets a forward to ActionTwo/Call",
        requirements: ["ACT-004", "ACT-006", "ACT-011", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_forward,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_forward_with_side_effects",
        summary: "a streamed-in forward carries the side effects of all three requests, in order and with their flags",
        requirements: ["ACT-006", "ACT-011", "ACT-014", "ACT-015", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_forward_with_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_failure",
        summary: "a streamed-in call of one request with a fail step gets a failure with command_id 0",
        requirements: ["ACT-004", "ACT-006", "ACT-012", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_failure,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_failure_with_side_effects",
        summary: "a streamed-in failure still collects and carries the side effects of the requests after it",
        requirements: ["ACT-006", "ACT-012", "ACT-014", "ACT-015", "ACT-016", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in::streamed_in_command_failure_with_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_command_replies_and_side_effects",
        summary: "a streamed-out request of four groups gets four replies with their side effects, then the end",
        requirements: ["ACT-002", "ACT-007", "ACT-010", "ACT-014", "ACT-015", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out::streamed_out_command_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_command_no_replies_and_side_effects",
        summary: "a streamed-out request of four groups without replies gets four no-outcome responses, then the end",
        requirements: ["ACT-007", "ACT-009", "ACT-014", "ACT-015", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out::streamed_out_command_no_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_command_forwards_and_side_effects",
        summary: "a streamed-out request of four groups gets four forwards with their side effects, then the end",
        requirements: ["ACT-007", "ACT-011", "ACT-014", "ACT-015", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out::streamed_out_command_forwards_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_command_failures_and_side_effects",
        summary: "four streamed-out failures with their side effects arrive on one call, which a failure does not end",
        requirements: ["ACT-007", "ACT-012", "ACT-016", "ACT-017", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out::streamed_out_command_failures_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_replies_and_side_effects",
        summary: "a duplex call answers each request with one reply per group before the next request, then ends",
        requirements: ["ACT-003", "ACT-004", "ACT-007", "ACT-008", "ACT-010", "ACT-014", "ACT-015", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed::streamed_command_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_no_replies_and_side_effects",
        summary: "a duplex call answers each request without replies with one no-outcome response per group",
        requirements: ["ACT-007", "ACT-008", "ACT-009", "ACT-014", "ACT-015", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed::streamed_command_no_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_forwards_and_side_effects",
        summary: "a duplex call answers each request with one forward per group, with its side effects",
        requirements: ["ACT-007", "ACT-008", "ACT-011", "ACT-014", "ACT-015", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed::streamed_command_forwards_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_failures_and_side_effects",
        summary: "a duplex call answers each request with one failure per group and stays open after failures",
        requirements: ["ACT-007", "ACT-008", "ACT-012", "ACT-016", "ACT-017", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed::streamed_command_failures_and_side_effects,
    },
];
