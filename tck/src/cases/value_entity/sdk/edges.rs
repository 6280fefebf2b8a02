//! Value entities at the edges: the second and configured services, whose `Call` other cases only name
//! as a target; a half-close that arrives while a command is in flight; and a value of nearly 4 MiB,
//! written, read back and handed to a new stream in its init.

use cloudstate_protocol::cloudstate::tck::model::valueentity::RequestAction;
use cloudstate_protocol::cloudstate::valueentity::ValueEntityStreamIn;
use cloudstate_protocol::names::model::{
    VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};

use super::support::{Expected, delete, init, init_stored, process, updates};
use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::large::{expect_large, large_text};
use crate::messages::value_entity::{self as messages, CALL, command_in, request};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "value_entity.sdk.second_and_configured_services",
        summary: "Call of ValueEntityTwo and ValueEntityConfigured answers an empty Response and changes nothing",
        requirements: ["VE-007", "VE-008", "VE-031"],
        services: &[VALUE_ENTITY_TWO, VALUE_ENTITY_CONFIGURED],
        run: second_and_configured_services,
    },
    sdk_case! {
        id: "value_entity.sdk.half_close_with_command_in_flight",
        summary: "a stream half-closed right after a command answers that command before it ends",
        requirements: ["VE-008", "VE-016"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: half_close_with_command_in_flight,
    },
    sdk_case! {
        id: "value_entity.sdk.large_state_round_trip",
        summary: "a value of nearly 4 MiB is written, read back, and restored from a new stream's init",
        requirements: ["VE-006", "VE-008", "VE-009", "VE-032"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: large_state_round_trip,
    },
];

/// `Call` with `Request{id, actions}` to an entity of `ValueEntityTwo` or `ValueEntityConfigured`.
fn call(entity_id: &str, command_id: i64, actions: Vec<RequestAction>) -> ValueEntityStreamIn {
    command_in(entity_id, command_id, CALL, &request(entity_id, actions))
}

/// On each of the two services, `Call` answers an empty `Response` with no state action, whatever actions
/// its request lists (an update, then a delete).
pub(super) async fn second_and_configured_services(cx: SdkCx) -> Verdict {
    for service in [VALUE_ENTITY_TWO, VALUE_ENTITY_CONFIGURED] {
        let id = cx.fresh_id("entity");
        let mut stream = cx.value_entity();
        stream.send(messages::init(service, &id, None));
        stream.send(call(&id, 1, updates(&["A"])));
        stream.expect(Expected::reply(1, "").out()).await?;
        stream.send(call(&id, 2, vec![delete()]));
        stream.expect(Expected::reply(2, "").out()).await?;
        stream.close().await?;
    }
    Ok(())
}

/// The proxy half-closes at once after the init and a command: the reply still comes, then the end.
pub(super) async fn half_close_with_command_in_flight(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, updates(&["A"])));
    stream.half_close();
    stream
        .expect(Expected::reply(1, "A").update("A").out())
        .await?;
    stream.expect_end().await
}

/// A value of nearly 4 MiB: the command that writes it is answered with it twice (response and update),
/// the next command reads it back, and a new stream whose init carries it goes on from it.
pub(super) async fn large_state_round_trip(cx: SdkCx) -> Verdict {
    let value = large_text("value-");
    let size = value.len();
    let id = cx.fresh_id("entity");
    let mut first = cx.value_entity();
    first.send(init(&id));
    first.send(process(&id, 1, updates(&[&value])));
    let what = format!("sent an update to a value of {size} bytes (VE-032)");
    expect_large(
        &mut first,
        Expected::reply(1, &value).update(&value).out(),
        &what,
    )
    .await?;
    first.send(process(&id, 2, vec![]));
    let what = format!("sent a read of the value of {size} bytes written by command 1 (VE-008)");
    expect_large(&mut first, Expected::reply(2, &value).out(), &what).await?;
    first.close().await?;

    let mut second = cx.value_entity();
    second.send(init_stored(&id, &value));
    second.send(process(&id, 1, vec![]));
    let what = format!("sent an init whose stored value has {size} bytes, then a read (VE-006)");
    expect_large(&mut second, Expected::reply(1, &value).out(), &what).await?;
    second.close().await
}
