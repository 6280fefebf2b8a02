//! CRDT messages as the TCK compares them: the elements of set deltas and the keys and entries of map
//! deltas carry no order, so they are sorted by their encoded bytes before two messages are compared.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelta, CrdtStateAction, CrdtStreamOut, OrMapEntryDelta, crdt_delta, crdt_state_action,
    crdt_stream_out,
};
use prost::Message as _;
use prost_types::Any;

/// `out` with the set and map elements of its delta (if any) sorted by their encoded bytes: CRDT set and
/// map deltas compare in any order (SDK cases, property scenarios and replays compare this way).
pub(crate) fn normalise_crdt_out(mut out: CrdtStreamOut) -> CrdtStreamOut {
    let state_action = match &mut out.message {
        Some(crdt_stream_out::Message::Reply(reply)) => reply.state_action.as_mut(),
        Some(crdt_stream_out::Message::StreamCancelledResponse(response)) => {
            response.state_action.as_mut()
        }
        _ => None,
    };
    if let Some(CrdtStateAction {
        action: Some(crdt_state_action::Action::Update(delta)),
        ..
    }) = state_action
    {
        normalise_delta(delta);
    }
    out
}

/// Sorts the elements of a set delta, and the removed keys and the entries of a map delta (their own
/// deltas too), by their encoded bytes.
pub(crate) fn normalise_delta(delta: &mut CrdtDelta) {
    match &mut delta.delta {
        Some(crdt_delta::Delta::Gset(set)) => sort_anys(&mut set.added),
        Some(crdt_delta::Delta::Orset(set)) => {
            sort_anys(&mut set.removed);
            sort_anys(&mut set.added);
        }
        Some(crdt_delta::Delta::Ormap(map)) => {
            sort_anys(&mut map.removed);
            sort_entries(&mut map.updated);
            sort_entries(&mut map.added);
        }
        _ => {}
    }
}

/// Sorts `Any`s by their encoded bytes.
fn sort_anys(anys: &mut [Any]) {
    anys.sort_by_cached_key(|any| any.encode_to_vec());
}

/// Sorts map entries by their encoded keys, after normalising the delta of each.
fn sort_entries(entries: &mut [OrMapEntryDelta]) {
    for entry in entries.iter_mut() {
        if let Some(nested) = entry.delta.as_mut() {
            normalise_delta(nested);
        }
    }
    entries.sort_by_cached_key(|entry| {
        entry
            .key
            .as_ref()
            .map(|key| key.encode_to_vec())
            .unwrap_or_default()
    });
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::tck::model::crdt::State;

    use super::*;
    use crate::messages::crdt::{
        Expected, MapDelta, cancelled_response, gset_delta, orset_added, orset_delta,
        pncounter_delta,
    };

    fn replied(delta: CrdtDelta) -> CrdtStreamOut {
        Expected::reply(1, State::default()).update(delta).out()
    }

    #[test]
    fn set_elements_compare_in_any_order() {
        assert_eq!(
            normalise_crdt_out(replied(gset_delta(&["b", "a", "c"]))),
            normalise_crdt_out(replied(gset_delta(&["c", "b", "a"])))
        );
        assert_eq!(
            normalise_crdt_out(replied(orset_delta(true, &["y", "x"], &["b", "a"]))),
            normalise_crdt_out(replied(orset_delta(true, &["x", "y"], &["a", "b"])))
        );
        assert_ne!(
            normalise_crdt_out(replied(orset_delta(false, &["a"], &[]))),
            normalise_crdt_out(replied(orset_added(&["a"])))
        );
    }

    #[test]
    fn map_entries_compare_in_any_order_recursively() {
        let one = MapDelta::default()
            .removed(&["k2", "k1"])
            .added("ORSet-1", orset_added(&["b", "a"]))
            .added("PNCounter-1", pncounter_delta(0))
            .delta();
        let other = MapDelta::default()
            .removed(&["k1", "k2"])
            .added("PNCounter-1", pncounter_delta(0))
            .added("ORSet-1", orset_added(&["a", "b"]))
            .delta();
        assert_eq!(
            normalise_crdt_out(replied(one)),
            normalise_crdt_out(replied(other))
        );
    }

    #[test]
    fn cancellation_responses_are_normalised_too() {
        assert_eq!(
            normalise_crdt_out(cancelled_response(2, Some(gset_delta(&["b", "a"])))),
            cancelled_response(2, Some(gset_delta(&["a", "b"])))
        );
    }
}
