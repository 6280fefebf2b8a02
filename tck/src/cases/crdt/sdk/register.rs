//! LWWRegister entities (cases 110 to 118 of the original TCK).

use cloudstate_protocol::cloudstate::crdt::CrdtClock;
use cloudstate_protocol::cloudstate::tck::model::crdt::LwwRegisterClockType;

use super::support::{MODEL, delete_sent_to_entity, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, delete, init, lww, lww_delta, lww_delta_with, lww_set, lww_set_with, replicated,
    updates,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.lwwregister_initial_empty_state",
        summary: "a new LWWRegister reads the empty string, and its creation is reported as a delta",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-011", "CRDT-017"],
        services: MODEL,
        run: lwwregister_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_state_changes",
        summary: "each write to an LWWRegister is reported with the value written and the default clock",
        requirements: ["CRDT-007", "CRDT-011"],
        services: MODEL,
        run: lwwregister_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_initial_delta_in_init",
        summary: "an LWWRegister started from the init's delta holds its value and reports no creation",
        requirements: ["CRDT-004", "CRDT-005", "CRDT-008"],
        services: MODEL,
        run: lwwregister_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_initial_empty_state_with_replicated_initial_delta",
        summary: "an LWWRegister delta received after the init sets the value, and no creation is reported",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-008"],
        services: MODEL,
        run: lwwregister_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_mix_of_local_and_replicated_state_changes",
        summary: "replicated writes are applied between commands, and only local writes are reported",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-007"],
        services: MODEL,
        run: lwwregister_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_state_changes_with_clock_settings",
        summary: "writing the same value with the reverse and custom clocks is reported each time with the clock and its custom value",
        requirements: ["CRDT-012", "CRDT-020"],
        services: MODEL,
        run: lwwregister_state_changes_with_clock_settings,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the register goes on from it",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-035"],
        services: MODEL,
        run: lwwregister_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_delete_action_received_from_entity",
        summary: "a command that deletes an LWWRegister is answered with its value and a delete action",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: lwwregister_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.lwwregister_delete_action_sent_to_entity",
        summary: "an LWWRegister deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: lwwregister_delete_action_sent_to_entity,
    },
];

/// Case 110: a new register reads `""`, and its creation is reported as a delta with the value `""`.
pub(super) async fn lwwregister_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    let reply = Expected::reply(1, lww("")).update(lww_delta(""));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 111: each write is reported with the value written.
pub(super) async fn lwwregister_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([lww_set("one")])));
    let reply = Expected::reply(1, lww("one")).update(lww_delta("one"));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, updates([lww_set("two")])));
    let reply = Expected::reply(2, lww("two")).update(lww_delta("two"));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 112: a register started from the init's delta holds its value and has no creation to report.
pub(super) async fn lwwregister_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut stream = cx.crdt();
    stream.send(init(&id, Some(lww_delta("one"))));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, lww("one")).out()).await?;
    stream.close().await
}

/// Case 113: a delta received right after the init sets the value, and no creation is reported.
pub(super) async fn lwwregister_initial_empty_state_with_replicated_initial_delta(
    cx: SdkCx,
) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(replicated(lww_delta("one")));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, lww("one")).out()).await?;
    stream.close().await
}

/// Case 114: local and replicated writes mix; only the local ones are reported.
pub(super) async fn lwwregister_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([lww_set("A")])));
    let reply = Expected::reply(1, lww("A")).update(lww_delta("A"));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(lww_delta("B")));
    stream.send(replicated(lww_delta("C")));
    stream.send(process(&id, 2, vec![]));
    expect(&mut stream, Expected::reply(2, lww("C")).out()).await?;
    stream.send(process(&id, 3, updates([lww_set("D")])));
    let reply = Expected::reply(3, lww("D")).update(lww_delta("D"));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(lww_delta("D")));
    stream.send(process(&id, 4, updates([lww_set("E")])));
    let reply = Expected::reply(4, lww("E")).update(lww_delta("E"));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 115: writing the same value with another clock is reported each time, with the clock and its
/// custom value. As in the original TCK, the last two commands share the id 2.
pub(super) async fn lwwregister_state_changes_with_clock_settings(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let writes = [
        (1, LwwRegisterClockType::Reverse, CrdtClock::Reverse, 0),
        (2, LwwRegisterClockType::Custom, CrdtClock::Custom, 123),
        (
            2,
            LwwRegisterClockType::CustomAutoIncrement,
            CrdtClock::CustomAutoIncrement,
            456,
        ),
    ];
    for (command_id, clock_type, clock, custom) in writes {
        stream.send(process(
            &id,
            command_id,
            updates([lww_set_with("A", clock_type, custom)]),
        ));
        let reply =
            Expected::reply(command_id, lww("A")).update(lww_delta_with("A", clock, custom));
        expect(&mut stream, reply.out()).await?;
    }
    stream.close().await
}

/// Case 116: after passivation, a new stream whose init carries the value goes on from it.
pub(super) async fn lwwregister_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(process(&id, 1, updates([lww_set("A")])));
    let reply = Expected::reply(1, lww("A")).update(lww_delta("A"));
    expect(&mut first, reply.out()).await?;
    first.send(replicated(lww_delta("B")));
    first.send(process(&id, 2, vec![]));
    expect(&mut first, Expected::reply(2, lww("B")).out()).await?;
    first.send(process(&id, 3, updates([lww_set("C")])));
    let reply = Expected::reply(3, lww("C")).update(lww_delta("C"));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, Some(lww_delta("C"))));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, lww("C")).out()).await?;
    second.send(replicated(lww_delta("D")));
    second.send(process(&id, 2, updates([lww_set("E")])));
    let reply = Expected::reply(2, lww("E")).update(lww_delta("E"));
    expect(&mut second, reply.out()).await?;
    second.close().await
}

/// Case 117: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn lwwregister_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("LWWRegister");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([lww_set("one")])));
    let reply = Expected::reply(1, lww("one")).update(lww_delta("one"));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![delete()]));
    expect(&mut stream, Expected::reply(2, lww("one")).delete().out()).await?;
    stream.close().await
}

/// Case 118: the proxy's delete is taken silently.
pub(super) async fn lwwregister_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "LWWRegister").await
}
