//! Forwards, side effects and failures of CRDT commands (cases 143 to 151 of the original TCK).

use super::support::{MODEL, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    EXPECTED_FAILURE, Expected, MapDelta, change, effect, fail, flag, forward_to, gset, gset_add,
    gset_delta, init, lww_delta, ormap, ormap_add, ormap_update, orset, pncounter, pncounter_delta,
    updates,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.forward_to_second_service",
        summary: "a forward to CrdtTwo replaces the reply, and with no change it carries no state action",
        requirements: ["CRDT-008", "CRDT-031"],
        services: MODEL,
        run: forward_to_second_service,
    },
    sdk_case! {
        id: "crdt.sdk.forward_with_state_changes",
        summary: "a forward carries the command's change as its state action",
        requirements: ["CRDT-007", "CRDT-031"],
        services: MODEL,
        run: forward_with_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.reply_with_side_effect_to_second_service",
        summary: "a side effect to CrdtTwo comes with the reply, and no state action",
        requirements: ["CRDT-008", "CRDT-032"],
        services: MODEL,
        run: reply_with_side_effect_to_second_service,
    },
    sdk_case! {
        id: "crdt.sdk.synchronous_side_effect_to_second_service",
        summary: "a synchronous side effect to CrdtTwo keeps its synchronous flag",
        requirements: ["CRDT-032"],
        services: MODEL,
        run: synchronous_side_effect_to_second_service,
    },
    sdk_case! {
        id: "crdt.sdk.forward_and_side_effect_to_second_service",
        summary: "a forward carries the command's side effect and the creation of the new register",
        requirements: ["CRDT-011", "CRDT-031", "CRDT-032"],
        services: MODEL,
        run: forward_and_side_effect_to_second_service,
    },
    sdk_case! {
        id: "crdt.sdk.reply_with_multiple_side_effects",
        summary: "three side effects of one command come in order with the reply",
        requirements: ["CRDT-032"],
        services: MODEL,
        run: reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "crdt.sdk.reply_with_multiple_side_effects_and_state_changes",
        summary: "three side effects come with the reply and the map's new entries",
        requirements: ["CRDT-010", "CRDT-016", "CRDT-032"],
        services: MODEL,
        run: reply_with_multiple_side_effects_and_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.failure_action",
        summary: "a failing command gets a CrdtReply whose client action is a failure with its id and message",
        requirements: ["CRDT-033"],
        services: MODEL,
        run: failure_action,
    },
    sdk_case! {
        id: "crdt.sdk.connection_after_failure_action",
        summary: "after a failure the stream stays usable and the value from before the failed command is kept",
        requirements: ["CRDT-033", "CRDT-034"],
        services: MODEL,
        run: connection_after_failure_action,
    },
];

/// Case 143: a forward to `CrdtTwo` replaces the reply and, with no change, carries no state action.
pub(super) async fn forward_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let target = format!("X-{id}");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![forward_to(&target)]));
    expect(&mut stream, Expected::forward(1, &target).out()).await?;
    stream.close().await
}

/// Case 144: a forward carries the command's change as its state action.
pub(super) async fn forward_with_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let target = format!("X-{id}");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let mut actions = updates([change(-42)]);
    actions.push(forward_to(&target));
    stream.send(process(&id, 1, actions));
    let forward = Expected::forward(1, &target).update(pncounter_delta(-42));
    expect(&mut stream, forward.out()).await?;
    stream.close().await
}

/// Case 145: a side effect to `CrdtTwo` comes with the reply.
pub(super) async fn reply_with_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let target = format!("X-{id}");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![effect(&target, false)]));
    let reply = Expected::reply(1, gset(&[])).side_effect(&target, false);
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 146: a synchronous side effect keeps its synchronous flag.
pub(super) async fn synchronous_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let target = format!("X-{id}");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![effect(&target, true)]));
    let reply = Expected::reply(1, orset(&[])).side_effect(&target, true);
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 147: a forward carries the side effect and the creation of the new register.
pub(super) async fn forward_and_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let (forward_target, effect_target) = (format!("A-{id}"), format!("B-{id}"));
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let actions = vec![effect(&effect_target, false), forward_to(&forward_target)];
    stream.send(process(&id, 1, actions));
    let forward = Expected::forward(1, &forward_target)
        .update(lww_delta(""))
        .side_effect(&effect_target, false);
    expect(&mut stream, forward.out()).await?;
    stream.close().await
}

/// Case 148: three side effects come in order with the reply, and no state action.
pub(super) async fn reply_with_multiple_side_effects(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let actions = ["1", "2", "3"].map(|target| effect(target, false)).to_vec();
    stream.send(process(&id, 1, actions));
    let reply = Expected::reply(1, flag(false)).side_effects(&["1", "2", "3"]);
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 149: three side effects come with the reply and the map's new entries.
pub(super) async fn reply_with_multiple_side_effects_and_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let mut actions = updates([ormap_add("PNCounter-1")]);
    actions.extend(updates(
        ["a", "b", "c"].map(|e| ormap_update("GSet-1", gset_add(e))),
    ));
    actions.extend(["1", "2", "3"].map(|target| effect(target, false)));
    stream.send(process(&id, 1, actions));
    let state = ormap(vec![
        ("GSet-1", gset(&["a", "b", "c"])),
        ("PNCounter-1", pncounter(0)),
    ]);
    let map_delta = MapDelta::default()
        .added("GSet-1", gset_delta(&["a", "b", "c"]))
        .added("PNCounter-1", pncounter_delta(0));
    let reply = Expected::reply(1, state)
        .update(map_delta.delta())
        .side_effects(&["1", "2", "3"]);
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 150: a failing command is answered with a failure client action, not a stream failure.
pub(super) async fn failure_action(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![fail(EXPECTED_FAILURE)]));
    expect(&mut stream, Expected::failure(1, EXPECTED_FAILURE).out()).await?;
    stream.close().await
}

/// Case 151: after a failure the stream stays usable and the value is kept.
pub(super) async fn connection_after_failure_action(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([change(42)])));
    let reply = Expected::reply(1, pncounter(42)).update(pncounter_delta(42));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![fail(EXPECTED_FAILURE)]));
    expect(&mut stream, Expected::failure(2, EXPECTED_FAILURE).out()).await?;
    stream.send(process(&id, 3, vec![]));
    expect(&mut stream, Expected::reply(3, pncounter(42)).out()).await?;
    stream.close().await
}
