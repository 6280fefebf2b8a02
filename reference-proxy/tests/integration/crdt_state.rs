//! Merging user-function deltas into the proxy's CRDT values, and the full value as an init delta.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtClock, CrdtDelta, FlagDelta, GCounterDelta, GSetDelta, LwwRegisterDelta, OrMapDelta,
    OrMapEntryDelta, OrSetDelta, PnCounterDelta, VoteDelta, crdt_delta::Delta,
};
use prost::Message as _;
use prost_types::Any;
use reference_proxy::entity::CrdtState;

fn delta(delta: Delta) -> CrdtDelta {
    CrdtDelta { delta: Some(delta) }
}

/// A Cloudstate primitive string, as the TCK encodes set elements and map keys.
fn text(value: &str) -> Any {
    #[derive(Clone, PartialEq, prost::Message)]
    struct Primitive {
        #[prost(string, tag = "1")]
        value: String,
    }
    let primitive = Primitive {
        value: value.to_owned(),
    };
    Any {
        type_url: "p.cloudstate.io/string".to_owned(),
        value: primitive.encode_to_vec(),
    }
}

/// Applies the deltas in order to a new CRDT and returns its init delta.
fn merged(deltas: Vec<Delta>) -> Delta {
    let mut deltas = deltas.into_iter().map(delta);
    let mut state =
        CrdtState::from_delta(&deltas.next().expect("no delta")).expect("bad first delta");
    for next in deltas {
        state.apply(&next).expect("bad delta");
    }
    state.to_delta().delta.expect("empty init delta")
}

#[test]
fn counters_add_up() {
    let g = |increment| Delta::Gcounter(GCounterDelta { increment });
    assert_eq!(merged(vec![g(2), g(3), g(0)]), g(5));
    let pn = |change| Delta::Pncounter(PnCounterDelta { change });
    assert_eq!(merged(vec![pn(2), pn(-7)]), pn(-5));
    assert_eq!(merged(vec![pn(i64::MAX), pn(1)]), pn(i64::MAX), "saturates");
}

#[test]
fn a_gset_only_grows_and_elements_are_their_bytes() {
    let add = |added: Vec<Any>| Delta::Gset(GSetDelta { added });
    let state = merged(vec![add(vec![text("b")]), add(vec![text("a"), text("b")])]);
    assert_eq!(state, add(vec![text("a"), text("b")]));
    // The same value under another type URL is another element.
    let other = Any {
        type_url: "p.cloudstate.io/bytes".to_owned(),
        value: text("a").value,
    };
    let state = merged(vec![add(vec![text("a")]), add(vec![other.clone()])]);
    let Delta::Gset(GSetDelta { added }) = state else {
        panic!()
    };
    assert_eq!(added.len(), 2);
    assert!(added.contains(&other));
}

#[test]
fn an_orset_clears_then_removes_then_adds() {
    let orset = |cleared, removed: Vec<Any>, added: Vec<Any>| {
        Delta::Orset(OrSetDelta {
            cleared,
            removed,
            added,
        })
    };
    let state = merged(vec![
        orset(false, vec![], vec![text("a"), text("b"), text("c")]),
        orset(false, vec![text("b"), text("x")], vec![]),
    ]);
    assert_eq!(state, orset(false, vec![], vec![text("a"), text("c")]));
    let state = merged(vec![
        orset(false, vec![], vec![text("a"), text("b")]),
        orset(true, vec![], vec![text("c")]),
    ]);
    assert_eq!(state, orset(false, vec![], vec![text("c")]));
    let state = merged(vec![
        orset(false, vec![], vec![text("a")]),
        orset(false, vec![text("a")], vec![text("a")]),
    ]);
    assert_eq!(
        state,
        orset(false, vec![], vec![text("a")]),
        "added after removed"
    );
}

#[test]
fn a_register_takes_every_write_and_keeps_its_clock() {
    let write = |value: &str, clock: CrdtClock, custom_clock_value| {
        delta(Delta::Lwwregister(LwwRegisterDelta {
            value: Some(text(value)),
            clock: clock.into(),
            custom_clock_value,
        }))
    };
    let mut state = CrdtState::from_delta(&write("one", CrdtClock::Custom, 10)).unwrap();
    assert_eq!(state.register_timestamp(), Some(10));
    state
        .apply(&write("two", CrdtClock::CustomAutoIncrement, 4))
        .unwrap();
    assert_eq!(
        state.register_timestamp(),
        Some(11),
        "bumped past the current clock"
    );
    state
        .apply(&write("three", CrdtClock::CustomAutoIncrement, 20))
        .unwrap();
    assert_eq!(state.register_timestamp(), Some(20));
    state.apply(&write("four", CrdtClock::Default, 0)).unwrap();
    assert!(
        state.register_timestamp().unwrap() > 1_600_000_000_000,
        "system clock"
    );
    state.apply(&write("five", CrdtClock::Reverse, 0)).unwrap();
    assert!(
        state.register_timestamp().unwrap() < 0,
        "reversed system clock"
    );
    let expected = Delta::Lwwregister(LwwRegisterDelta {
        value: Some(text("five")),
        clock: CrdtClock::Default.into(),
        custom_clock_value: 0,
    });
    assert_eq!(state.to_delta(), delta(expected));
    assert_eq!(state.type_name(), "LWWRegister");
}

#[test]
fn a_flag_only_switches_on() {
    let flag = |value| Delta::Flag(FlagDelta { value });
    assert_eq!(merged(vec![flag(false)]), flag(false));
    assert_eq!(
        merged(vec![flag(false), flag(true), flag(false)]),
        flag(true)
    );
}

#[test]
fn a_vote_has_one_voter_and_only_the_self_vote_counts() {
    let from_user = |self_vote| {
        Delta::Vote(VoteDelta {
            self_vote,
            votes_for: 7,
            total_voters: 9,
        })
    };
    let state = |self_vote| {
        Delta::Vote(VoteDelta {
            self_vote,
            votes_for: i32::from(self_vote),
            total_voters: 1,
        })
    };
    assert_eq!(merged(vec![from_user(true)]), state(true));
    assert_eq!(
        merged(vec![from_user(true), from_user(false)]),
        state(false)
    );
}

fn entry(key: &str, value: Delta) -> OrMapEntryDelta {
    OrMapEntryDelta {
        key: Some(text(key)),
        delta: Some(delta(value)),
    }
}

fn ormap(
    cleared: bool,
    removed: Vec<Any>,
    updated: Vec<OrMapEntryDelta>,
    added: Vec<OrMapEntryDelta>,
) -> Delta {
    Delta::Ormap(OrMapDelta {
        cleared,
        removed,
        updated,
        added,
    })
}

#[test]
fn an_ormap_holds_nested_crdts() {
    let pn = |change| Delta::Pncounter(PnCounterDelta { change });
    let set = |added: Vec<Any>| Delta::Gset(GSetDelta { added });
    let state = merged(vec![
        ormap(
            false,
            vec![],
            vec![],
            vec![entry("counter", pn(1)), entry("set", set(vec![text("x")]))],
        ),
        ormap(
            false,
            vec![],
            vec![entry("counter", pn(4))],
            vec![entry(
                "map",
                ormap(false, vec![], vec![], vec![entry("inner", pn(2))]),
            )],
        ),
        ormap(false, vec![text("set")], vec![], vec![]),
    ]);
    let expected = ormap(
        false,
        vec![],
        vec![],
        vec![
            entry(
                "map",
                ormap(false, vec![], vec![], vec![entry("inner", pn(2))]),
            ),
            entry("counter", pn(5)),
        ],
    );
    assert_eq!(
        state, expected,
        "entries in the order of their encoded keys"
    );
    let cleared = merged(vec![
        ormap(false, vec![], vec![], vec![entry("a", pn(1))]),
        ormap(true, vec![], vec![], vec![entry("b", pn(2))]),
    ]);
    assert_eq!(
        cleared,
        ormap(false, vec![], vec![], vec![entry("b", pn(2))])
    );
}

#[test]
fn bad_deltas_are_errors_and_change_nothing() {
    let pn = |change| Delta::Pncounter(PnCounterDelta { change });
    let mut counter = CrdtState::from_delta(&delta(pn(3))).unwrap();
    let error = counter
        .apply(&delta(Delta::Flag(FlagDelta { value: true })))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "a Flag delta cannot be applied to a PNCounter"
    );
    assert!(counter.apply(&CrdtDelta { delta: None }).is_err());
    assert_eq!(counter.to_delta(), delta(pn(3)));

    let mut map = CrdtState::from_delta(&delta(ormap(
        false,
        vec![],
        vec![],
        vec![entry("a", pn(1))],
    )))
    .unwrap();
    let before = map.clone();
    // The first change is fine, the second names a missing key: neither is kept.
    let bad = ormap(
        true,
        vec![],
        vec![entry("missing", pn(1))],
        vec![entry("b", pn(1))],
    );
    assert!(map.apply(&delta(bad)).is_err());
    let nested_mismatch = ormap(
        false,
        vec![],
        vec![entry("a", Delta::Flag(FlagDelta { value: true }))],
        vec![],
    );
    assert!(map.apply(&delta(nested_mismatch)).is_err());
    let no_key = Delta::Ormap(OrMapDelta {
        added: vec![OrMapEntryDelta {
            key: None,
            delta: Some(delta(pn(1))),
        }],
        ..OrMapDelta::default()
    });
    assert!(map.apply(&delta(no_key)).is_err());
    assert_eq!(map, before);
}
