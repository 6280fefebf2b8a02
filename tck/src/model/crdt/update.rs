//! The TCK model's view of a CRDT: applying a model `Update` to a [`CrdtValue`], and rendering its
//! current value as a model `State`.

use cloudstate_protocol::cloudstate::crdt::CrdtClock;
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    FlagValue, GCounterValue, GSetValue, LwwRegisterClock, LwwRegisterClockType, LwwRegisterValue,
    OrMapEntryValue, OrMapValue, OrSetValue, PnCounterValue, State, Update, VoteValue,
    or_map_update, or_set_update, state, update,
};

use super::value::CrdtValue;
use crate::model::Fault;

/// Applies a model `Update` to `value` as local operations.
///
/// An update without an operation changes nothing. An operation of another CRDT type than `value` (for
/// example a `gcounter` update on an ORSet) is an error; so is an unknown clock type. `clear: false` on
/// an ORSet or ORMap changes nothing. An ORMap entry update adds the key first when it is missing, then
/// applies the nested update to its value (the nested update's write consistency is not read).
///
/// The variants of the model's CRDT reporting (`orset-clear-on-last-remove`, `ormap-clear-on-last-remove`,
/// `register-rewrite-reported`, `empty-clear-unreported`) are choices made here, operation by operation,
/// as the SDKs that make them do.
pub(crate) fn apply_update(
    value: &mut CrdtValue,
    update: &Update,
    variant: Option<Fault>,
) -> Result<(), String> {
    let Some(operation) = &update.update else {
        return Ok(());
    };
    let is = |choice: Fault| variant == Some(choice);
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
            Some(or_set_update::Action::Remove(element)) => {
                let present = set.elements().contains(element);
                set.remove(element);
                if present && set.elements().is_empty() && is(Fault::OrSetClearOnLastRemove) {
                    set.clear();
                }
            }
            Some(or_set_update::Action::Clear(true)) => {
                if !(set.elements().is_empty() && is(Fault::EmptyClearUnreported)) {
                    set.clear();
                }
            }
            Some(or_set_update::Action::Clear(false)) | None => {}
        },
        (update::Update::Lwwregister(u), CrdtValue::LwwRegister(register)) => {
            let (clock, custom) = clock(u.clock.as_ref())?;
            if is(Fault::RegisterRewriteReported) {
                register.write(&u.value, clock, custom);
            } else {
                register.set(&u.value, clock, custom);
            }
        }
        (update::Update::Flag(_), CrdtValue::Flag(flag)) => flag.enable(),
        (update::Update::Ormap(u), CrdtValue::OrMap(map)) => match &u.action {
            Some(or_map_update::Action::Add(key)) => map.add(key)?,
            Some(or_map_update::Action::Update(entry)) => {
                let nested = map.update(&entry.key)?;
                if let Some(nested_update) = &entry.update {
                    apply_update(nested, nested_update, variant)?;
                }
            }
            Some(or_map_update::Action::Remove(key)) => {
                let present = map.entries().contains_key(key);
                map.remove(key);
                if present && map.entries().is_empty() && is(Fault::OrMapClearOnLastRemove) {
                    map.clear();
                }
            }
            Some(or_map_update::Action::Clear(true)) => {
                if !(map.entries().is_empty() && is(Fault::EmptyClearUnreported)) {
                    map.clear();
                }
            }
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
    use cloudstate_protocol::cloudstate::crdt::{OrMapDelta, OrSetDelta};
    use cloudstate_protocol::cloudstate::tck::model::crdt::{
        GCounterUpdate, LwwRegisterUpdate, OrMapEntryUpdate, OrMapUpdate, OrSetUpdate,
        PnCounterUpdate,
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
        apply_update(&mut map, &update, None).unwrap();
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
        let error = apply_update(&mut set, &update, None).unwrap_err();
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
            apply_update(&mut register, &update, None).unwrap();
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

    fn orset(action: or_set_update::Action) -> Update {
        op(update::Update::Orset(OrSetUpdate {
            action: Some(action),
        }))
    }

    fn ormap(action: or_map_update::Action) -> Update {
        op(update::Update::Ormap(Box::new(OrMapUpdate {
            action: Some(action),
        })))
    }

    /// The delta `variant` reports for `updates`, applied to a fresh `name` whose creation is reported.
    fn reported(name: &str, variant: Option<Fault>, updates: &[Update]) -> Option<CrdtDelta> {
        let mut value = CrdtValue::for_name(name).unwrap();
        let _creation = value.take_delta();
        for update in updates {
            apply_update(&mut value, update, variant).unwrap();
        }
        value.take_delta()
    }

    #[test]
    fn removing_the_last_element_is_a_clear_under_the_variants() {
        let add = orset(or_set_update::Action::Add("a".into()));
        let mut set = CrdtValue::for_name("ORSet-1").unwrap();
        apply_update(&mut set, &add, None).unwrap();
        let _added = set.take_delta();
        let remove = orset(or_set_update::Action::Remove("a".into()));
        let mut plain = set.clone();
        apply_update(&mut plain, &remove, None).unwrap();
        let Some(crdt_delta::Delta::Orset(removed)) = plain.take_delta().and_then(|d| d.delta)
        else {
            panic!("an ORSet delta");
        };
        assert!(!removed.cleared && removed.removed.len() == 1);
        apply_update(&mut set, &remove, Some(Fault::OrSetClearOnLastRemove)).unwrap();
        let cleared = OrSetDelta {
            cleared: true,
            removed: Vec::new(),
            added: Vec::new(),
        };
        assert_eq!(
            set.take_delta().and_then(|d| d.delta),
            Some(crdt_delta::Delta::Orset(cleared))
        );
        let key = ormap(or_map_update::Action::Add("GCounter-1".into()));
        let mut map = CrdtValue::for_name("ORMap-1").unwrap();
        apply_update(&mut map, &key, None).unwrap();
        let _added = map.take_delta();
        let remove = ormap(or_map_update::Action::Remove("GCounter-1".into()));
        apply_update(&mut map, &remove, Some(Fault::OrMapClearOnLastRemove)).unwrap();
        let Some(crdt_delta::Delta::Ormap(OrMapDelta {
            cleared, removed, ..
        })) = map.take_delta().and_then(|d| d.delta)
        else {
            panic!("an ORMap delta");
        };
        assert!(cleared && removed.is_empty());
    }

    #[test]
    fn an_empty_clear_and_a_rewrite_are_choices_of_the_variants() {
        let clear = orset(or_set_update::Action::Clear(true));
        assert!(reported("ORSet-1", None, std::slice::from_ref(&clear)).is_some());
        let silent = Some(Fault::EmptyClearUnreported);
        assert_eq!(
            reported("ORSet-1", silent, std::slice::from_ref(&clear)),
            None
        );
        let clear = ormap(or_map_update::Action::Clear(true));
        assert_eq!(
            reported("ORMap-1", silent, std::slice::from_ref(&clear)),
            None
        );
        let rewrite = op(update::Update::Lwwregister(LwwRegisterUpdate {
            value: String::new(),
            clock: None,
        }));
        let rewrite = std::slice::from_ref(&rewrite);
        assert_eq!(reported("LWWRegister-1", None, rewrite), None);
        let reported_anyway = reported(
            "LWWRegister-1",
            Some(Fault::RegisterRewriteReported),
            rewrite,
        );
        assert!(reported_anyway.is_some());
    }
}
