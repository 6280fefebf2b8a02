//! The value-entity messages as SDK-mode cases use them: every entity is a `ValueEntityTckModel` entity,
//! so its init and commands need only the entity's ID.

use cloudstate_protocol::cloudstate::tck::model::valueentity::RequestAction;
use cloudstate_protocol::cloudstate::valueentity::ValueEntityStreamIn;
use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;

use crate::messages::value_entity::{self as messages, process_in, request};
pub(super) use crate::messages::value_entity::{
    EXPECTED_FAILURE, Expected, delete, effect, effects, fail, forward_to, update, updates,
};

/// The init of a `ValueEntityTckModel` entity with nothing stored: the state is present but empty.
pub(super) fn init(entity_id: &str) -> ValueEntityStreamIn {
    messages::init(VALUE_ENTITY_TCK_MODEL, entity_id, None)
}

/// The init of a `ValueEntityTckModel` entity whose stored value is `Persisted{value}`.
pub(super) fn init_stored(entity_id: &str, value: &str) -> ValueEntityStreamIn {
    messages::init(VALUE_ENTITY_TCK_MODEL, entity_id, Some(value))
}

/// Command `id` to `ValueEntityTckModel.Process` with `Request{entity_id, actions}`.
pub(super) fn process(
    entity_id: &str,
    id: i64,
    actions: Vec<RequestAction>,
) -> ValueEntityStreamIn {
    process_in(id, &request(entity_id, actions))
}
