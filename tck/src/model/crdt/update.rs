//! The TCK model's view of a CRDT: applying a model `Update` to a [`CrdtValue`], and rendering its
//! current value as a model `State`.

use cloudstate_protocol::cloudstate::crdt::CrdtClock;
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    FlagValue, GCounterValue, GSetValue, LwwRegisterClock, LwwRegisterClockType, LwwRegisterValue,
    OrMapEntryValue, OrMapValue, OrSetValue, PnCounterValue, State, Update, VoteValue,
    or_map_update, or_set_update, state, update,
};

use super::value::CrdtValue;

/// Applies a model `Update` to `value` as local operations.
///
/// An update without an operation changes nothing. An operation of another CRDT type than `value` (for
/// example a `gcounter` update on an ORSet) is an error; so is an unknown clock type. `clear: false` on
/// an ORSet or ORMap changes nothing. An ORMap entry update adds the key first when it is missing, then
/// applies the nested update to its value (the nested update's write consistency is not read).
pub(crate) fn apply_update(value: &mut CrdtValue, update: &Update) -> Result<(), String> {
    let Some(operation) = &update.update else {
        return Ok(());
    };
    match (operation, value) {
        (update::Update::Gcounter(u), CrdtValue::GCounter(counter)) => {
            counter.increment(u.increment);
        }
        (update::Update::Pncounter(u), CrdtValue::PnCounter(counter)) => {
            counter.increment(u.change);
        }
        (update::Update::Gset(u), CrdtValue::GSet(set)) => set.add(&u.add),
        (update::Update::Orset(u), CrdtValue::OrSet(set)) => match &u.action {
            Some(or_set_update::Action::Add(element)) => set.add(element),
            Some(or_set_update::Action::Remove(element)) => set.remove(element),
            Some(or_set_update::Action::Clear(true)) => set.clear(),
            Some(or_set_update::Action::Clear(false)) | None => {}
        },
        (update::Update::Lwwregister(u), CrdtValue::LwwRegister(register)) => {
            let (clock, custom) = clock(u.clock.as_ref())?;
            register.set(&u.value, clock, custom);
        }
        (update::Update::Flag(_), CrdtValue::Flag(flag)) => flag.enable(),
        (update::Update::Ormap(u), CrdtValue::OrMap(map)) => match &u.action {
            Some(or_map_update::Action::Add(key)) => map.add(key)?,
            Some(or_map_update::Action::Update(entry)) => {
                let nested = map.update(&entry.key)?;
                if let Some(nested_update) = &entry.update {
                    apply_update(nested, nested_update)?;
                }
            }
            Some(or_map_update::Action::Remove(key)) => map.remove(key),
            Some(or_map_update::Action::Clear(true)) => map.clear(),
            Some(or_map_update::Action::Clear(false)) | None => {}
        },
        (update::Update::Vote(u), CrdtValue::Vote(vote)) => vote.vote(u.self_vote),
        (operation, value) => {
            return Err(format!(
                "a {} update cannot be applied to a {}",
                operation_type(operation),
                value.type_name()
            ));
        }
    }
    Ok(())
}

/// The protocol clock and custom clock value of a register update; the custom value is only kept for the
/// custom clock kinds.
fn clock(clock: Option<&LwwRegisterClock>) -> Result<(CrdtClock, i64), String> {
    let Some(clock) = clock else {
        return Ok((CrdtClock::Default, 0));
    };
    let kind = LwwRegisterClockType::try_from(clock.clock_type)
        .map_err(|_| format!("unknown register clock type {}", clock.clock_type))?;
    Ok(match kind {
        LwwRegisterClockType::Default => (CrdtClock::Default, 0),
        LwwRegisterClockType::Reverse => (CrdtClock::Reverse, 0),
        LwwRegisterClockType::Custom => (CrdtClock::Custom, clock.custom_clock_value),
        LwwRegisterClockType::CustomAutoIncrement => {
            (CrdtClock::CustomAutoIncrement, clock.custom_clock_value)
        }
    })
}

fn operation_type(operation: &update::Update) -> &'static str {
    match operation {
        update::Update::Gcounter(_) => "GCounter",
        update::Update::Pncounter(_) => "PNCounter",
        update::Update::Gset(_) => "GSet",
        update::Update::Orset(_) => "ORSet",
        update::Update::Lwwregister(_) => "LWWRegister",
        update::Update::Flag(_) => "Flag",
        update::Update::Ormap(_) => "ORMap",
        update::Update::Vote(_) => "Vote",
    }
}

/// The current value as the model's `State`: set elements sorted, map entries sorted by key, nested
/// map values rendered recursively.
pub(crate) fn state_of(value: &CrdtValue) -> State {
    let rendered = match value {
        CrdtValue::GCounter(counter) => state::Value::Gcounter(GCounterValue {
            value: counter.value(),
        }),
        CrdtValue::PnCounter(counter) => state::Value::Pncounter(PnCounterValue {
            value: counter.value(),
        }),
        CrdtValue::GSet(set) => state::Value::Gset(GSetValue {
            elements: set.elements().iter().cloned().collect(),
        }),
        CrdtValue::OrSet(set) => state::Value::Orset(OrSetValue {
            elements: set.elements().iter().cloned().collect(),
        }),
        CrdtValue::LwwRegister(register) => state::Value::Lwwregister(LwwRegisterValue {
            value: register.value().to_owned(),
        }),
        CrdtValue::Flag(flag) => state::Value::Flag(FlagValue {
            value: flag.value(),
        }),
        CrdtValue::OrMap(map) => state::Value::Ormap(OrMapValue {
            entries: map
                .entries()
                .iter()
                .map(|(key, value)| OrMapEntryValue {
                    key: key.clone(),
                    value: Some(state_of(value)),
                })
                .collect(),
        }),
        CrdtValue::Vote(vote) => state::Value::Vote(VoteValue {
            self_vote: vote.self_vote(),
            votes_for: vote.votes_for(),
            total_voters: vote.total_voters(),
        }),
    };
    State {
        value: Some(rendered),
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, LwwRegisterDelta, crdt_delta};
    use cloudstate_protocol::cloudstate::tck::model::crdt::{
        GCounterUpdate, LwwRegisterUpdate, OrMapEntryUpdate, OrMapUpdate, PnCounterUpdate,
    };

    use super::*;
    use crate::model::crdt::value::encode_string;

    fn op(operation: update::Update) -> Update {
        Update {
            update: Some(operation),
            write_consistency: 0,
        }
    }

    #[test]
    fn nested_map_updates_create_typed_entries() {
        let mut map = CrdtValue::for_name("ORMap-1").unwrap();
        let nested = op(update::Update::Pncounter(PnCounterUpdate { change: -3 }));
        let entry = OrMapEntryUpdate {
            key: "PNCounter-1".into(),
            update: Some(Box::new(nested)),
        };
        let update = op(update::Update::Ormap(Box::new(OrMapUpdate {
            action: Some(or_map_update::Action::Update(Box::new(entry))),
        })));
        apply_update(&mut map, &update).unwrap();
        let expected = State {
            value: Some(state::Value::Ormap(OrMapValue {
                entries: vec![OrMapEntryValue {
                    key: "PNCounter-1".into(),
                    value: Some(State {
                        value: Some(state::Value::Pncounter(PnCounterValue { value: -3 })),
                    }),
                }],
            })),
        };
        assert_eq!(state_of(&map), expected);
    }

    #[test]
    fn a_mismatched_update_is_an_error() {
        let mut set = CrdtValue::for_name("ORSet-1").unwrap();
        let update = op(update::Update::Gcounter(GCounterUpdate { increment: 1 }));
        let error = apply_update(&mut set, &update).unwrap_err();
        assert!(
            error.contains("GCounter") && error.contains("ORSet"),
            "{error}"
        );
    }

    #[test]
    fn register_clocks_keep_custom_values_only_for_custom_kinds() {
        let mut register = CrdtValue::for_name("LWWRegister-1").unwrap();
        for (kind, custom, expected) in [
            (LwwRegisterClockType::Reverse, 7, (CrdtClock::Reverse, 0)),
            (LwwRegisterClockType::Custom, 123, (CrdtClock::Custom, 123)),
        ] {
            let update = op(update::Update::Lwwregister(LwwRegisterUpdate {
                value: "A".into(),
                clock: Some(LwwRegisterClock {
                    clock_type: kind.into(),
                    custom_clock_value: custom,
                }),
            }));
            apply_update(&mut register, &update).unwrap();
            let delta = LwwRegisterDelta {
                value: Some(encode_string("A")),
                clock: expected.0.into(),
                custom_clock_value: expected.1,
            };
            assert_eq!(
                register.take_delta(),
                Some(CrdtDelta {
                    delta: Some(crdt_delta::Delta::Lwwregister(delta))
                })
            );
        }
    }
}
