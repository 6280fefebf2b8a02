//! Flag entities (cases 119 to 126 of the original TCK).

use super::support::{
    Expected, delete, delete_sent_to_entity, delta, expect, init, init_delta, process, updates,
};
use super::values::{flag, flag_delta, flag_enable};
use crate::case::Verdict;
use crate::sdk::SdkCx;

/// Case 119: a new flag is disabled, and a read reports no change.
pub(super) async fn flag_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut stream = cx.crdt();
    stream.send(init(&id));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, flag(false)).out()).await?;
    stream.close().await
}

/// Case 120: enabling the flag is reported as a delta `true`.
pub(super) async fn flag_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut stream = cx.crdt();
    stream.send(init(&id));
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
        stream.send(init_delta(&id, flag_delta(value)));
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
        stream.send(init(&id));
        stream.send(delta(flag_delta(value)));
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
    first.send(init(&id));
    first.send(delta(flag_delta(false)));
    first.send(process(&id, 1, vec![]));
    expect(&mut first, Expected::reply(1, flag(false)).out()).await?;
    first.send(process(&id, 2, updates([flag_enable()])));
    let reply = Expected::reply(2, flag(true)).update(flag_delta(true));
    expect(&mut first, reply.out()).await?;
    first.send(delta(flag_delta(true)));
    first.send(delta(flag_delta(false)));
    first.send(process(&id, 3, vec![]));
    expect(&mut first, Expected::reply(3, flag(true)).out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id));
    second.send(delta(flag_delta(true)));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, flag(true)).out()).await?;
    second.send(process(&id, 2, updates([flag_enable()])));
    expect(&mut second, Expected::reply(2, flag(true)).out()).await?;
    second.send(delta(flag_delta(true)));
    second.send(delta(flag_delta(false)));
    second.send(process(&id, 3, vec![]));
    expect(&mut second, Expected::reply(3, flag(true)).out()).await?;
    second.close().await
}

/// Case 124: after passivation, a new stream whose init carries the enabled flag reads it enabled.
pub(super) async fn flag_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut first = cx.crdt();
    first.send(init(&id));
    first.send(process(&id, 1, vec![]));
    expect(&mut first, Expected::reply(1, flag(false)).out()).await?;
    first.send(process(&id, 2, updates([flag_enable()])));
    let reply = Expected::reply(2, flag(true)).update(flag_delta(true));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init_delta(&id, flag_delta(true)));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, flag(true)).out()).await?;
    second.close().await
}

/// Case 125: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn flag_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("Flag");
    let mut stream = cx.crdt();
    stream.send(init(&id));
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
