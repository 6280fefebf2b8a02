//! GCounter and PNCounter entities (cases 78 to 93 of the original TCK).

use super::support::{MODEL, delete_sent_to_entity, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, change, delete, gcounter, gcounter_delta, increment, init, pncounter,
    pncounter_delta, replicated, updates,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.gcounter_initial_empty_state",
        summary: "a new GCounter reads 0, and a read carries no state action",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-008", "CRDT-018", "CRDT-035"],
        services: MODEL,
        run: gcounter_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.gcounter_state_changes",
        summary: "several increments in one command are reported as one delta of their sum",
        requirements: ["CRDT-007", "CRDT-017", "CRDT-019"],
        services: MODEL,
        run: gcounter_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.gcounter_initial_delta_in_init",
        summary: "a GCounter starts from the init's delta, and only the local increment is reported",
        requirements: ["CRDT-004", "CRDT-005", "CRDT-006"],
        services: MODEL,
        run: gcounter_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.gcounter_initial_empty_state_with_replicated_initial_delta",
        summary: "a delta received after the init is applied and never reported back",
        requirements: ["CRDT-005", "CRDT-006"],
        services: MODEL,
        run: gcounter_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.gcounter_mix_of_local_and_replicated_state_changes",
        summary: "replicated increments are applied between commands, and only local increments are reported",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-007", "CRDT-008"],
        services: MODEL,
        run: gcounter_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.gcounter_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the value goes on from it",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-035"],
        services: MODEL,
        run: gcounter_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.gcounter_delete_action_received_from_entity",
        summary: "a command that deletes a GCounter is answered with its value and a delete action",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: gcounter_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.gcounter_delete_action_sent_to_entity",
        summary: "a GCounter deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: gcounter_delete_action_sent_to_entity,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_initial_empty_state",
        summary: "a new PNCounter reads 0, and a read carries no state action",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-008", "CRDT-018", "CRDT-035"],
        services: MODEL,
        run: pncounter_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_state_changes",
        summary: "changes up and down in one command are reported as one net delta",
        requirements: ["CRDT-007"],
        services: MODEL,
        run: pncounter_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_initial_delta_in_init",
        summary: "a PNCounter starts from the init's delta, and only the local change is reported",
        requirements: ["CRDT-004", "CRDT-005", "CRDT-006"],
        services: MODEL,
        run: pncounter_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_initial_empty_state_with_replicated_initial_delta",
        summary: "a delta received after the init is applied and never reported back",
        requirements: ["CRDT-005", "CRDT-006"],
        services: MODEL,
        run: pncounter_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_mix_of_local_and_replicated_state_changes",
        summary: "replicated changes are applied between commands, and only local changes are reported",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-007", "CRDT-008"],
        services: MODEL,
        run: pncounter_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the value goes on from it",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-035"],
        services: MODEL,
        run: pncounter_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_delete_action_received_from_entity",
        summary: "a command that deletes a PNCounter is answered with its value and a delete action",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: pncounter_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.pncounter_delete_action_sent_to_entity",
        summary: "a PNCounter deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: pncounter_delete_action_sent_to_entity,
    },
];

/// Case 78: a new GCounter reads 0, and a read reports no change.
pub(super) async fn gcounter_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, gcounter(0)).out()).await?;
    stream.close().await
}

/// Case 79: increments are reported as one delta per command, their sum.
pub(super) async fn gcounter_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([increment(42)])));
    let reply = Expected::reply(1, gcounter(42)).update(gcounter_delta(42));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, updates([1, 2, 3].map(increment))));
    let reply = Expected::reply(2, gcounter(48)).update(gcounter_delta(6));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 80: the counter starts from the init's delta, and only the local increment is reported.
pub(super) async fn gcounter_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, Some(gcounter_delta(42))));
    stream.send(process(&id, 1, updates([increment(123)])));
    let reply = Expected::reply(1, gcounter(165)).update(gcounter_delta(123));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 81: a delta received right after the init is applied and not reported back.
pub(super) async fn gcounter_initial_empty_state_with_replicated_initial_delta(
    cx: SdkCx,
) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(replicated(gcounter_delta(42)));
    stream.send(process(&id, 1, updates([increment(123)])));
    let reply = Expected::reply(1, gcounter(165)).update(gcounter_delta(123));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 82: local and replicated increments mix; only the local ones are reported.
pub(super) async fn gcounter_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([increment(1)])));
    let reply = Expected::reply(1, gcounter(1)).update(gcounter_delta(1));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(gcounter_delta(2)));
    stream.send(replicated(gcounter_delta(3)));
    stream.send(process(&id, 2, vec![]));
    expect(&mut stream, Expected::reply(2, gcounter(6)).out()).await?;
    stream.send(process(&id, 3, updates([increment(4)])));
    let reply = Expected::reply(3, gcounter(10)).update(gcounter_delta(4));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(gcounter_delta(5)));
    stream.send(process(&id, 4, updates([increment(6)])));
    let reply = Expected::reply(4, gcounter(21)).update(gcounter_delta(6));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 83: after passivation, a new stream whose init carries the value goes on from it.
pub(super) async fn gcounter_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(process(&id, 1, updates([increment(1)])));
    let reply = Expected::reply(1, gcounter(1)).update(gcounter_delta(1));
    expect(&mut first, reply.out()).await?;
    first.send(replicated(gcounter_delta(2)));
    first.send(process(&id, 2, vec![]));
    expect(&mut first, Expected::reply(2, gcounter(3)).out()).await?;
    first.send(process(&id, 3, updates([increment(3)])));
    let reply = Expected::reply(3, gcounter(6)).update(gcounter_delta(3));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, Some(gcounter_delta(6))));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, gcounter(6)).out()).await?;
    second.send(replicated(gcounter_delta(4)));
    second.send(process(&id, 2, updates([increment(5)])));
    let reply = Expected::reply(2, gcounter(15)).update(gcounter_delta(5));
    expect(&mut second, reply.out()).await?;
    second.close().await
}

/// Case 84: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn gcounter_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([increment(42)])));
    let reply = Expected::reply(1, gcounter(42)).update(gcounter_delta(42));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![delete()]));
    expect(&mut stream, Expected::reply(2, gcounter(42)).delete().out()).await?;
    stream.close().await
}

/// Case 85: the proxy's delete is taken silently.
pub(super) async fn gcounter_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "GCounter").await
}

/// Case 86: a new PNCounter reads 0, and a read reports no change.
pub(super) async fn pncounter_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, pncounter(0)).out()).await?;
    stream.close().await
}

/// Case 87: changes up and down are reported as one net delta per command.
pub(super) async fn pncounter_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([1, -2, 3].map(change))));
    let reply = Expected::reply(1, pncounter(2)).update(pncounter_delta(2));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, updates([-4, 5, -6].map(change))));
    let reply = Expected::reply(2, pncounter(-3)).update(pncounter_delta(-5));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 88: the counter starts from the init's delta, and only the local change is reported.
pub(super) async fn pncounter_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, Some(pncounter_delta(42))));
    stream.send(process(&id, 1, updates([change(-123)])));
    let reply = Expected::reply(1, pncounter(-81)).update(pncounter_delta(-123));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 89: a delta received right after the init is applied and not reported back.
pub(super) async fn pncounter_initial_empty_state_with_replicated_initial_delta(
    cx: SdkCx,
) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(replicated(pncounter_delta(-42)));
    stream.send(process(&id, 1, updates([change(123)])));
    let reply = Expected::reply(1, pncounter(81)).update(pncounter_delta(123));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 90: local and replicated changes mix; only the local ones are reported.
pub(super) async fn pncounter_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([change(1)])));
    let reply = Expected::reply(1, pncounter(1)).update(pncounter_delta(1));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(pncounter_delta(-2)));
    stream.send(replicated(pncounter_delta(3)));
    stream.send(process(&id, 2, vec![]));
    expect(&mut stream, Expected::reply(2, pncounter(2)).out()).await?;
    stream.send(process(&id, 3, updates([change(-4)])));
    let reply = Expected::reply(3, pncounter(-2)).update(pncounter_delta(-4));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(pncounter_delta(5)));
    stream.send(process(&id, 4, updates([change(-6)])));
    let reply = Expected::reply(4, pncounter(-3)).update(pncounter_delta(-6));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 91: after passivation, a new stream whose init carries the value goes on from it.
pub(super) async fn pncounter_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(process(&id, 1, updates([change(1)])));
    let reply = Expected::reply(1, pncounter(1)).update(pncounter_delta(1));
    expect(&mut first, reply.out()).await?;
    first.send(replicated(pncounter_delta(-2)));
    first.send(process(&id, 2, vec![]));
    expect(&mut first, Expected::reply(2, pncounter(-1)).out()).await?;
    first.send(process(&id, 3, updates([change(3)])));
    let reply = Expected::reply(3, pncounter(2)).update(pncounter_delta(3));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, Some(pncounter_delta(2))));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, pncounter(2)).out()).await?;
    second.send(replicated(pncounter_delta(-4)));
    second.send(process(&id, 2, updates([change(5)])));
    let reply = Expected::reply(2, pncounter(3)).update(pncounter_delta(5));
    expect(&mut second, reply.out()).await?;
    second.close().await
}

/// Case 92: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn pncounter_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([change(42)])));
    let reply = Expected::reply(1, pncounter(42)).update(pncounter_delta(42));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![delete()]));
    expect(
        &mut stream,
        Expected::reply(2, pncounter(42)).delete().out(),
    )
    .await?;
    stream.close().await
}

/// Case 93: the proxy's delete is taken silently.
pub(super) async fn pncounter_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "PNCounter").await
}
