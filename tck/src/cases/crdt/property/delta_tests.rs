//! Tests of the deltas the CRDT oracle expects.

use super::*;
use crate::cases::crdt::property::scenario::Op;
use crate::messages::crdt::orset_delta;

fn run(kind: Kind, ops: &[Op]) -> Option<CrdtDelta> {
    let before = Value::initial(kind);
    let mut after = before.clone();
    let mut changes = Changes::default();
    for op in ops {
        after.apply(op, &mut changes);
    }
    net(&before, &after, &changes)
}

#[test]
fn an_element_added_and_removed_again_reports_nothing() {
    let ops = [Op::OrSetAdd("a".into()), Op::OrSetRemove("a".into())];
    assert_eq!(run(Kind::OrSet, &ops), None);
}

#[test]
fn a_clear_is_reported_with_what_was_added_after_it() {
    let ops = [
        Op::OrSetAdd("a".into()),
        Op::OrSetClear,
        Op::OrSetAdd("b".into()),
    ];
    let expected = orset_delta(true, &[], &["b"]);
    assert_eq!(run(Kind::OrSet, &ops), Some(expected));
}

#[test]
fn a_key_removed_and_added_again_is_reported_as_both() {
    let key = "PNCounter-k".to_owned();
    let mut before = BTreeMap::new();
    before.insert(key.clone(), Value::PnCounter(5));
    let before = Value::OrMap(before);
    let mut after = before.clone();
    let mut changes = Changes::default();
    after.apply(&Op::MapRemove(key.clone()), &mut changes);
    after.apply(&Op::MapAdd(key.clone()), &mut changes);
    let expected = MapDelta::default()
        .removed(&[&key])
        .added(&key, pncounter_delta(0))
        .delta();
    assert_eq!(net(&before, &after, &changes), Some(expected));
}

#[test]
fn the_proxy_sends_a_whole_vote_and_the_user_function_only_its_own() {
    let vote = Value::Vote(true, 2, 3);
    let Some(crdt_delta::Delta::Vote(by_proxy)) = whole(&vote, Sender::Proxy).delta else {
        panic!("not a vote");
    };
    assert_eq!((by_proxy.votes_for, by_proxy.total_voters), (2, 3));
    let Some(crdt_delta::Delta::Vote(own)) = whole(&vote, Sender::UserFunction).delta else {
        panic!("not a vote");
    };
    assert_eq!(
        (own.self_vote, own.votes_for, own.total_voters),
        (true, 0, 0)
    );
}

#[test]
fn a_remote_map_change_updates_present_keys_and_adds_absent_ones() {
    let mut map = Value::initial(Kind::OrMap);
    map.apply(&Op::MapAdd("GCounter-k".into()), &mut Changes::default());
    let change = Remote::OrMap {
        cleared: false,
        removed: vec!["ORSet-k".into()],
        entries: vec![
            ("GCounter-k".into(), Remote::Increment(2)),
            (
                "Vote-k".into(),
                Remote::Vote {
                    others_for: 1,
                    others: 2,
                },
            ),
        ],
    };
    let Some(crdt_delta::Delta::Ormap(sent)) = concretize(&change, &map).delta else {
        panic!("not a map delta");
    };
    assert!(sent.removed.is_empty());
    assert_eq!(sent.updated.len(), 1);
    assert_eq!(sent.added.len(), 1);
    map.receive(&concretize(&change, &map));
    let Value::OrMap(entries) = &map else {
        panic!("not a map");
    };
    assert_eq!(entries.get("GCounter-k"), Some(&Value::GCounter(2)));
    assert_eq!(entries.get("Vote-k"), Some(&Value::Vote(false, 1, 3)));
}
