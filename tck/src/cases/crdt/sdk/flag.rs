//! Flag entities (cases 119 to 126 of the original TCK).

use super::support::{MODEL, delete_sent_to_entity, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, delete, flag, flag_delta, flag_enable, init, replicated, updates,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.flag_initial_empty_state",
        summary: "a new Flag is disabled, and a read carries no state action",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-008"],
        services: MODEL,
        run: flag_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.flag_state_changes",
        summary: "enabling a Flag is reported as a delta true",
        requirements: ["CRDT-007"],
        services: MODEL,
        run: flag_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.flag_initial_delta_in_init",
        summary: "a Flag starts from the init's delta, disabled or enabled",
        requirements: ["CRDT-004", "CRDT-005"],
        services: MODEL,
        run: flag_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.flag_initial_empty_state_with_replicated_initial_delta",
        summary: "a Flag delta received after the init sets the flag, disabled or enabled",
        requirements: ["CRDT-005", "CRDT-006"],
        services: MODEL,
        run: flag_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.flag_mix_of_local_and_replicated_state_changes",
        summary: "a received false never disables an enabled Flag, and enabling it again reports nothing",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-008", "CRDT-015"],
        services: MODEL,
        run: flag_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.flag_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the enabled Flag reads it enabled",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-035"],
        services: MODEL,
        run: flag_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.flag_delete_action_received_from_entity",
        summary: "a command that deletes a Flag is answered with its value and a delete action",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: flag_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.flag_delete_action_sent_to_entity",
        summary: "a Flag deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: flag_delete_action_sent_to_entity,
    },
];

/// Case 119: a new flag is disabled, and a read reports no change.
pub(super) async fn flag_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, flag(false)).out()).await?;
    stream.close().await
}

/// Case 120: enabling the flag is reported as a delta `true`.
pub(super) async fn flag_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([flag_enable()])));
    let reply = Expected::reply(1, flag(true)).update(flag_delta(true));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 121: the flag starts from the init's delta, disabled or enabled.
pub(super) async fn flag_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    for value in [false, true] {
        let mut stream = cx.crdt();
        stream.send(init(&id, Some(flag_delta(value))));
        stream.send(process(&id, 1, vec![]));
        expect(&mut stream, Expected::reply(1, flag(value)).out()).await?;
        stream.close().await?;
    }
    Ok(())
}

/// Case 122: a delta received right after the init sets the flag, disabled or enabled.
pub(super) async fn flag_initial_empty_state_with_replicated_initial_delta(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    for value in [false, true] {
        let mut stream = cx.crdt();
        stream.send(init(&id, None));
        stream.send(replicated(flag_delta(value)));
        stream.send(process(&id, 1, vec![]));
        expect(&mut stream, Expected::reply(1, flag(value)).out()).await?;
        stream.close().await?;
    }
    Ok(())
}

/// Case 123: a received `false` never disables an enabled flag, and enabling an enabled flag reports
/// nothing.
pub(super) async fn flag_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(replicated(flag_delta(false)));
    first.send(process(&id, 1, vec![]));
    expect(&mut first, Expected::reply(1, flag(false)).out()).await?;
    first.send(process(&id, 2, updates([flag_enable()])));
    let reply = Expected::reply(2, flag(true)).update(flag_delta(true));
    expect(&mut first, reply.out()).await?;
    first.send(replicated(flag_delta(true)));
    first.send(replicated(flag_delta(false)));
    first.send(process(&id, 3, vec![]));
    expect(&mut first, Expected::reply(3, flag(true)).out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, None));
    second.send(replicated(flag_delta(true)));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, flag(true)).out()).await?;
    second.send(process(&id, 2, updates([flag_enable()])));
    expect(&mut second, Expected::reply(2, flag(true)).out()).await?;
    second.send(replicated(flag_delta(true)));
    second.send(replicated(flag_delta(false)));
    second.send(process(&id, 3, vec![]));
    expect(&mut second, Expected::reply(3, flag(true)).out()).await?;
    second.close().await
}

/// Case 124: after passivation, a new stream whose init carries the enabled flag reads it enabled.
pub(super) async fn flag_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(process(&id, 1, vec![]));
    expect(&mut first, Expected::reply(1, flag(false)).out()).await?;
    first.send(process(&id, 2, updates([flag_enable()])));
    let reply = Expected::reply(2, flag(true)).update(flag_delta(true));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, Some(flag_delta(true))));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, flag(true)).out()).await?;
    second.close().await
}

/// Case 125: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn flag_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([flag_enable()])));
    let reply = Expected::reply(1, flag(true)).update(flag_delta(true));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![delete()]));
    expect(&mut stream, Expected::reply(2, flag(true)).delete().out()).await?;
    stream.close().await
}

/// Case 126: the proxy's delete is taken silently.
pub(super) async fn flag_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "Flag").await
}
