//! SDK-mode value-entity cases: the TCK plays the proxy on `ValueEntity.handle` against the value-entity
//! TCK model (cases 36 to 54 of the original TCK).

mod discovery;
mod effects;
mod failures;
mod state;
mod support;

use cloudstate_protocol::names::model::{
    VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};

use crate::case::{Case, sdk_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    sdk_case! {
        id: "value_entity.sdk.entity_discovery",
        summary: "both value-entity model services are announced as value entities with their persistence ids",
        requirements: ["VE-001", "VE-002"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: discovery::entity_discovery,
    },
    sdk_case! {
        id: "value_entity.sdk.configured_entity",
        summary: "the configured value entity announces its persistence id and a 100 ms passivation timeout",
        requirements: ["VE-001", "VE-002", "VE-003"],
        services: &[VALUE_ENTITY_CONFIGURED],
        run: discovery::configured_entity,
    },
    sdk_case! {
        id: "value_entity.sdk.initial_empty_state",
        summary: "a new entity starts with an empty state, and a command without actions changes nothing",
        requirements: ["VE-006", "VE-007", "VE-008", "VE-016"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::initial_empty_state,
    },
    sdk_case! {
        id: "value_entity.sdk.update_state",
        summary: "an update is reported as an update state action and read back by the next command",
        requirements: ["VE-007", "VE-008", "VE-009", "VE-010"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::update_state,
    },
    sdk_case! {
        id: "value_entity.sdk.delete_state",
        summary: "a delete is reported as a delete state action and leaves the state empty",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::delete_state,
    },
    sdk_case! {
        id: "value_entity.sdk.sub_invocations_with_multiple_update_states",
        summary: "several updates in one command are reported as one update with the last value",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::sub_invocations_with_multiple_update_states,
    },
    sdk_case! {
        id: "value_entity.sdk.sub_invocations_with_multiple_update_states_and_delete_states",
        summary: "updates then a delete in one command are reported as a single delete",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::sub_invocations_with_multiple_update_states_and_delete_states,
    },
    sdk_case! {
        id: "value_entity.sdk.sub_invocations_with_update_delete_and_update_states",
        summary: "update, delete, update in one command is reported as one update with the last value",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::sub_invocations_with_update_delete_and_update_states,
    },
    sdk_case! {
        id: "value_entity.sdk.rehydration_after_passivation",
        summary: "after a clean passivation, a new stream starts from the stored value its init carries",
        requirements: ["VE-006", "VE-008", "VE-016"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: state::rehydration_after_passivation,
    },
    sdk_case! {
        id: "value_entity.sdk.reply_with_multiple_side_effects",
        summary: "three side effects of one command are reported in order, asynchronous, next to the reply",
        requirements: ["VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "value_entity.sdk.reply_with_side_effect_to_second_service",
        summary: "a side effect to ValueEntityTwo comes with the reply and no state action, and the state is kept",
        requirements: ["VE-008", "VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::reply_with_side_effect_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.reply_with_multiple_side_effects_and_state",
        summary: "five updates and three side effects give one update with the last value plus the side effects",
        requirements: ["VE-008", "VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::reply_with_multiple_side_effects_and_state,
    },
    sdk_case! {
        id: "value_entity.sdk.synchronous_side_effect_to_second_service",
        summary: "a synchronous side effect to ValueEntityTwo keeps its synchronous flag",
        requirements: ["VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::synchronous_side_effect_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.forward_to_second_service",
        summary: "a forward to ValueEntityTwo replaces the reply, changes no state, and the state is kept",
        requirements: ["VE-008", "VE-011"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::forward_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.forward_with_updated_state_to_second_service",
        summary: "a forward carries the command's state update in the same reply",
        requirements: ["VE-008", "VE-011"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::forward_with_updated_state_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.forward_and_side_effect_to_second_service",
        summary: "a forward carries the command's side effect in the same reply",
        requirements: ["VE-011", "VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: effects::forward_and_side_effect_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.failure_action",
        summary: "a failing command gets a failure with its id, its message and restart false",
        requirements: ["VE-013", "VE-014"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: failures::failure_action,
    },
    sdk_case! {
        id: "value_entity.sdk.connection_after_failure_action",
        summary: "after a failure the stream stays usable and keeps the state from before the failed command",
        requirements: ["VE-013", "VE-015"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: failures::connection_after_failure_action,
    },
    sdk_case! {
        id: "value_entity.sdk.failure_action_does_not_allow_side_effects",
        summary: "a failure drops the side effects the command requested before failing",
        requirements: ["VE-013", "VE-014"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: failures::failure_action_does_not_allow_side_effects,
    },
];
