//! The value-entity messages as proxy-mode cases use them, and the client calls themselves: the
//! client's requests go through the proxy, and the interceptor must see the protocol messages of
//! `crate::messages::value_entity` between the proxy and the model.

use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_configured_client::ValueEntityConfiguredClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{Request, Response};
use cloudstate_protocol::cloudstate::valueentity::ValueEntityStreamIn;
use prost::Message as _;

use crate::case::{CaseFailure, Verdict};
use crate::cases::shared::checks::{expect_failure, expect_response};
use crate::messages::value_entity::REQUEST;
pub(crate) use crate::messages::value_entity::{
    EXPECTED_FAILURE, Expected, HANDLE, call_in, delete, effect, fail, forward_to,
    init as stored_init, process_in, request, response, update,
};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::render_compact;

/// How a request shows in the trace and in failure reports.
fn describe(method: &str, request: &Request) -> String {
    format!(
        "{method} {}",
        render_compact(REQUEST, &request.encode_to_vec())
    )
}

/// Calls `ValueEntityTckModel.Process` through the proxy and expects `Response{message}`.
pub(crate) async fn process_ok(cx: &ProxyCx, request: &Request, message: &str) -> Verdict {
    let what = describe("ValueEntityTckModel.Process", request);
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    expect_response(&what, outcome, &response(message))
}

/// Calls `ValueEntityTckModel.Process` through the proxy and expects the failure `description`.
pub(super) async fn process_fails(cx: &ProxyCx, request: &Request, description: &str) -> Verdict {
    let what = describe("ValueEntityTckModel.Process", request);
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    expect_failure(&what, outcome, description)
}

/// Calls `ValueEntityConfigured.Call` for entity `id` through the proxy and expects an empty `Response`.
pub(crate) async fn call_configured(cx: &ProxyCx, id: &str) -> Verdict {
    let request = request(id, Vec::new());
    let what = describe("ValueEntityConfigured.Call", &request);
    let mut client = ValueEntityConfiguredClient::new(cx.channel());
    let outcome = cx.client(&what, client.call(request)).await?;
    expect_response(&what, outcome, &Response::default())
}

/// The init of a `service` entity with nothing stored: the state is present but has no value.
pub(super) fn init(service: &str, entity_id: &str) -> ValueEntityStreamIn {
    stored_init(service, entity_id, None)
}

/// Expects the next call the proxy makes to be a new `ValueEntity.handle` stream for entity `entity_id`
/// of `service`, opened with the init of an entity with nothing stored.
pub(super) async fn expect_new_stream(
    cx: &ProxyCx,
    service: &str,
    entity_id: &str,
) -> Result<CallProbe, CaseFailure> {
    cx.expect_stream(HANDLE, init(service, entity_id)).await
}

/// Expects command `command_id` to `Call` on a `ValueEntityTwo` or `ValueEntityConfigured` stream and its
/// empty reply.
pub(super) async fn expect_call_exchange(
    probe: &mut CallProbe,
    entity_id: &str,
    command_id: i64,
) -> Verdict {
    probe
        .expect_exchange(
            call_in(entity_id, command_id),
            Expected::reply(command_id, "").out(),
        )
        .await
}
