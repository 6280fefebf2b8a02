//! Vote entities (cases 135 to 142 of the original TCK).

use super::support::{MODEL, delete_sent_to_entity, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, delete, init, replicated, updates, vote, vote_delta, vote_state,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.vote_initial_empty_state",
        summary: "a new Vote is (false, 0 for, 1 voter), and a read carries no state action",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-008"],
        services: MODEL,
        run: vote_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.vote_state_changes",
        summary: "a change of this node's vote moves the count by one and reports self_vote only; voting as before reports nothing",
        requirements: ["CRDT-008", "CRDT-014"],
        services: MODEL,
        run: vote_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.vote_initial_delta_in_init",
        summary: "a Vote starts from all three fields of the init's delta",
        requirements: ["CRDT-004", "CRDT-005", "CRDT-013", "CRDT-014"],
        services: MODEL,
        run: vote_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.vote_initial_empty_state_with_replicated_initial_delta",
        summary: "a Vote delta received after the init replaces the whole vote",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-013"],
        services: MODEL,
        run: vote_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.vote_mix_of_local_and_replicated_state_changes",
        summary: "replicated Vote deltas replace all three fields, and local votes move the count from there",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-013", "CRDT-014"],
        services: MODEL,
        run: vote_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.vote_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the vote goes on from it",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-035"],
        services: MODEL,
        run: vote_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.vote_delete_action_received_from_entity",
        summary: "a command that deletes a Vote is answered with its value and a delete action",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: vote_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.vote_delete_action_sent_to_entity",
        summary: "a Vote deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: vote_delete_action_sent_to_entity,
    },
];

/// This node's vote as the user function reports it: `self_vote` only.
fn self_vote(value: bool) -> cloudstate_protocol::cloudstate::crdt::CrdtDelta {
    vote_delta(value, 0, 0)
}

/// Case 135: a new vote is (false, 0 for, 1 voter), and a read reports no change.
pub(super) async fn vote_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    expect(
        &mut stream,
        Expected::reply(1, vote_state(false, 0, 1)).out(),
    )
    .await?;
    stream.close().await
}

/// Case 136: a change of this node's vote moves the count and reports `self_vote` only; voting as before
/// reports nothing.
pub(super) async fn vote_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let steps = [
        (1, true, vote_state(true, 1, 1), Some(self_vote(true))),
        (2, true, vote_state(true, 1, 1), None),
        (3, false, vote_state(false, 0, 1), Some(self_vote(false))),
        (4, false, vote_state(false, 0, 1), None),
    ];
    for (command_id, value, state, delta) in steps {
        stream.send(process(&id, command_id, updates([vote(value)])));
        let mut reply = Expected::reply(command_id, state);
        if let Some(delta) = delta {
            reply = reply.update(delta);
        }
        expect(&mut stream, reply.out()).await?;
    }
    stream.close().await
}

/// Case 137: the vote starts from the init's delta, all three fields of it.
pub(super) async fn vote_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let mut stream = cx.crdt();
    stream.send(init(&id, Some(vote_delta(true, 2, 3))));
    stream.send(process(&id, 1, vec![]));
    expect(
        &mut stream,
        Expected::reply(1, vote_state(true, 2, 3)).out(),
    )
    .await?;
    stream.send(process(&id, 2, updates([vote(false)])));
    let reply = Expected::reply(2, vote_state(false, 1, 3)).update(self_vote(false));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 138: a delta received right after the init replaces the whole vote.
pub(super) async fn vote_initial_empty_state_with_replicated_initial_delta(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(replicated(vote_delta(false, 3, 5)));
    stream.send(process(&id, 1, vec![]));
    expect(
        &mut stream,
        Expected::reply(1, vote_state(false, 3, 5)).out(),
    )
    .await?;
    stream.send(process(&id, 2, updates([vote(true)])));
    let reply = Expected::reply(2, vote_state(true, 4, 5)).update(self_vote(true));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 139: replicated deltas replace all three fields; local votes move the count from there.
pub(super) async fn vote_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(replicated(vote_delta(false, 2, 4)));
    stream.send(process(&id, 1, vec![]));
    expect(
        &mut stream,
        Expected::reply(1, vote_state(false, 2, 4)).out(),
    )
    .await?;
    stream.send(process(&id, 2, updates([vote(true)])));
    let reply = Expected::reply(2, vote_state(true, 3, 4)).update(self_vote(true));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(vote_delta(true, 5, 7)));
    stream.send(replicated(vote_delta(true, 4, 6)));
    stream.send(process(&id, 3, updates([vote(false)])));
    let reply = Expected::reply(3, vote_state(false, 3, 6)).update(self_vote(false));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 140: after passivation, a new stream whose init carries the vote goes on from it.
pub(super) async fn vote_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(process(&id, 1, vec![]));
    expect(
        &mut first,
        Expected::reply(1, vote_state(false, 0, 1)).out(),
    )
    .await?;
    first.send(replicated(vote_delta(false, 2, 5)));
    first.send(process(&id, 2, updates([vote(true)])));
    let reply = Expected::reply(2, vote_state(true, 3, 5)).update(self_vote(true));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, Some(vote_delta(true, 3, 5))));
    second.send(process(&id, 1, vec![]));
    expect(
        &mut second,
        Expected::reply(1, vote_state(true, 3, 5)).out(),
    )
    .await?;
    second.send(process(&id, 2, updates([vote(false)])));
    let reply = Expected::reply(2, vote_state(false, 2, 5)).update(self_vote(false));
    expect(&mut second, reply.out()).await?;
    second.close().await
}

/// Case 141: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn vote_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([vote(true)])));
    let reply = Expected::reply(1, vote_state(true, 1, 1)).update(self_vote(true));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![delete()]));
    let reply = Expected::reply(2, vote_state(true, 1, 1)).delete();
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 142: the proxy's delete is taken silently.
pub(super) async fn vote_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "Vote").await
}
