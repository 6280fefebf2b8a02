//! SDK-mode event-sourced cases: the TCK plays the proxy on `EventSourced.handle` against the
//! event-sourced TCK model (cases 55 to 75 of the original TCK).

mod discovery;
mod effects;
mod events;
mod failures;
mod rehydration;
#[cfg(test)]
mod restart_tests;
mod snapshots;

use cloudstate_protocol::names::model::{
    EVENT_SOURCED_CONFIGURED, EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO,
};

use crate::case::{Case, sdk_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.entity_discovery",
        summary: "both event-sourced model services are announced as event-sourced entities, the main one with its persistence id",
        requirements: ["ES-001", "ES-002"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: discovery::entity_discovery,
    },
    sdk_case! {
        id: "event_sourced.sdk.configured_entity",
        summary: "the configured event-sourced entity announces its persistence id and a 100 ms passivation timeout",
        requirements: ["ES-001", "ES-002", "ES-003"],
        services: &[EVENT_SOURCED_CONFIGURED],
        run: discovery::configured_entity,
    },
    sdk_case! {
        id: "event_sourced.sdk.initial_empty_state",
        summary: "a new entity starts with an empty state, and a command without actions emits nothing",
        requirements: ["ES-006", "ES-007", "ES-022"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: events::initial_empty_state,
    },
    sdk_case! {
        id: "event_sourced.sdk.single_emitted_event",
        summary: "one emitted event is reported in the reply and applied to the state",
        requirements: ["ES-007", "ES-008", "ES-009", "ES-013"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: events::single_emitted_event,
    },
    sdk_case! {
        id: "event_sourced.sdk.multiple_emitted_events",
        summary: "three events of one command are reported in order and all applied to the state",
        requirements: ["ES-008", "ES-009"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: events::multiple_emitted_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.multiple_emitted_events_and_snapshots",
        summary: "exactly the replies whose events reach the 5th and the 10th event carry a snapshot of the state after them",
        requirements: ["ES-008", "ES-009", "ES-010", "ES-011", "ES-012"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: events::multiple_emitted_events_and_snapshots,
    },
    sdk_case! {
        id: "event_sourced.sdk.snapshot_when_events_pass_a_multiple",
        summary: "a reply whose events pass a multiple of five without ending on it carries a snapshot",
        requirements: ["ES-011", "ES-012"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: snapshots::snapshot_when_events_pass_a_multiple,
    },
    sdk_case! {
        id: "event_sourced.sdk.initial_snapshot",
        summary: "the state is rebuilt from the snapshot in the init",
        requirements: ["ES-006"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: rehydration::initial_snapshot,
    },
    sdk_case! {
        id: "event_sourced.sdk.initial_snapshot_and_events",
        summary: "events replayed after the init's snapshot are applied on top of it, in order",
        requirements: ["ES-006"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: rehydration::initial_snapshot_and_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.snapshot_interval_counts_from_the_init_snapshot",
        summary: "after an init with a snapshot at sequence 3, the reply whose event is the 5th carries a snapshot",
        requirements: ["ES-006", "ES-011"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: snapshots::snapshot_interval_counts_from_the_init_snapshot,
    },
    sdk_case! {
        id: "event_sourced.sdk.rehydration_after_passivation",
        summary: "after a clean passivation, the snapshot and the later events rebuild the same state",
        requirements: ["ES-006", "ES-011", "ES-022"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: rehydration::rehydration_after_passivation,
    },
    sdk_case! {
        id: "event_sourced.sdk.forward_to_second_service",
        summary: "a forward to EventSourcedTwo replaces the reply, emits nothing, and the state is kept",
        requirements: ["ES-008", "ES-014"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::forward_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.forward_with_emitted_events",
        summary: "a forward carries the command's events in the same reply",
        requirements: ["ES-008", "ES-014"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::forward_with_emitted_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.forward_with_emitted_events_and_snapshot",
        summary: "a forward whose events reach the 5th event carries the events and the snapshot",
        requirements: ["ES-011", "ES-012", "ES-014"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::forward_with_emitted_events_and_snapshot,
    },
    sdk_case! {
        id: "event_sourced.sdk.reply_with_side_effect_to_second_service",
        summary: "a side effect to EventSourcedTwo comes with the reply and no events, and the state is kept",
        requirements: ["ES-008", "ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::reply_with_side_effect_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.synchronous_side_effect_to_second_service",
        summary: "a synchronous side effect to EventSourcedTwo keeps its synchronous flag",
        requirements: ["ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::synchronous_side_effect_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.forward_and_side_effect_to_second_service",
        summary: "a forward carries the command's side effect in the same reply",
        requirements: ["ES-014", "ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::forward_and_side_effect_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.reply_with_multiple_side_effects",
        summary: "three side effects of one command are reported in order, asynchronous, next to the reply",
        requirements: ["ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "event_sourced.sdk.reply_with_multiple_side_effects_events_and_snapshot",
        summary: "five events and three side effects give the events, the snapshot and the side effects in one reply",
        requirements: ["ES-008", "ES-011", "ES-012", "ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: effects::reply_with_multiple_side_effects_events_and_snapshot,
    },
    sdk_case! {
        id: "event_sourced.sdk.failure_action",
        summary: "a failing command gets a failure with its id, its message and restart false",
        requirements: ["ES-016", "ES-017", "ES-018"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failures::failure_action,
    },
    sdk_case! {
        id: "event_sourced.sdk.connection_after_failure_action",
        summary: "after a failure the stream stays usable and keeps the state from before the failed command",
        requirements: ["ES-016", "ES-020"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failures::connection_after_failure_action,
    },
    sdk_case! {
        id: "event_sourced.sdk.failure_actions_do_not_retain_emitted_events",
        summary: "events emitted before a failure are discarded and do not count towards the snapshot interval, with or without a restart",
        requirements: ["ES-011", "ES-016", "ES-017", "ES-019", "ES-020"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failures::failure_actions_do_not_retain_emitted_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.failure_actions_do_not_allow_side_effects",
        summary: "a failure drops the side effects the command requested before failing",
        requirements: ["ES-016", "ES-017"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failures::failure_actions_do_not_allow_side_effects,
    },
];
