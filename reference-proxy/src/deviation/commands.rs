//! What an entity command carries: the id it is numbered with, and its metadata.
//!
//! Faults applied here: `command-ids-from-zero`, `command-ids-repeat`, `command-ids-continue`
//! (value and event-sourced entities only), `entity-command-metadata` and
//! `crdt-command-metadata-dropped`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use cloudstate_protocol::cloudstate::Metadata;

use crate::entity::activation::EntityKey;
use crate::fault::{self, Fault};

/// The id of the first command on a new entity stream: 1.
pub(crate) fn first_id() -> i64 {
    if fault::active(Fault::CommandIdsFromZero) {
        0
    } else {
        1
    }
}

/// The id of the first command on a new stream of a value or event-sourced entity: [`first_id`], or,
/// under `command-ids-continue`, the id the entity's previous stream would have given next.
pub(crate) fn first_id_of(key: &EntityKey) -> i64 {
    let first = first_id();
    if !fault::active(Fault::CommandIdsContinue) {
        return first;
    }
    let carried = carried_ids()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(key)
        .copied();
    first.max(carried.unwrap_or(1))
}

/// Notes the id the stream of a value or event-sourced entity would give its next command; only
/// `command-ids-continue` keeps it, for the entity's next stream.
pub(crate) fn numbered_up_to(key: &EntityKey, next_id: i64) {
    if fault::active(Fault::CommandIdsContinue) {
        carried_ids()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone(), next_id);
    }
}

/// The id after `id` on the same stream.
pub(crate) fn next_id(id: i64) -> i64 {
    if fault::active(Fault::CommandIdsRepeat) {
        id
    } else {
        id + 1
    }
}

/// The metadata an entity command carries: the client's, or none.
pub(crate) fn metadata(client: Option<Metadata>) -> Option<Metadata> {
    client.or_else(|| fault::active(Fault::EntityCommandMetadata).then(Metadata::default))
}

/// The metadata a CRDT command carries: the client's, as for every entity ([`metadata`]).
pub(crate) fn crdt_metadata(client: Option<Metadata>) -> Option<Metadata> {
    metadata(client.filter(|_| !fault::active(Fault::CrdtCommandMetadataDropped)))
}

/// Under `command-ids-continue`: the next command id of each entity's last stream.
fn carried_ids() -> &'static Mutex<HashMap<EntityKey, i64>> {
    static CARRIED: OnceLock<Mutex<HashMap<EntityKey, i64>>> = OnceLock::new();
    CARRIED.get_or_init(|| Mutex::new(HashMap::new()))
}
