//! The value-entity model over the proxy's HTTP/JSON frontend: the `google.api.http` rule of
//! `ValueEntityTckModel.Process` and the default `POST /package.Service/Method` route of
//! `ValueEntityTwo.Call`.

use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};

use super::support::{
    EXPECTED_FAILURE, Expected, expect_call_exchange, expect_new_stream, fail, process_in, request,
    update,
};
use crate::case::Verdict;
use crate::cases::shared::checks::{http_fails, http_ok};
use crate::proxy::ProxyCx;

/// Case 170: JSON calls to `POST /tck/model/entity/{id}` (read, update "one", a failure, update "two",
/// read) and to `POST /cloudstate.tck.model.valueentity.ValueEntityTwo/Call` get exactly the JSON the
/// model's replies give (default values printed), or status 500 with the failure's description; the
/// interceptor sees the same commands a gRPC client would cause, the entity key taken from the path.
pub(super) async fn http_api(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-http");
    let path = format!("/tck/model/entity/{id}");

    http_ok(&cx, &path, "{}", r#"{"message":""}"#).await?;
    let mut entity = expect_new_stream(&cx, VALUE_ENTITY_TCK_MODEL, &id).await?;
    let read = request(&id, Vec::new());
    entity
        .expect_exchange(process_in(1, &read), Expected::reply(1, "").out())
        .await?;

    let two_path = format!("/{VALUE_ENTITY_TWO}/Call");
    http_ok(
        &cx,
        &two_path,
        &format!(r#"{{"id": "{id}"}}"#),
        r#"{"message":""}"#,
    )
    .await?;
    let mut two = expect_new_stream(&cx, VALUE_ENTITY_TWO, &id).await?;
    expect_call_exchange(&mut two, &id, 1).await?;

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"update": {"value": "one"}}]}"#,
        r#"{"message":"one"}"#,
    )
    .await?;
    let one = request(&id, vec![update("one")]);
    entity
        .expect_exchange(
            process_in(2, &one),
            Expected::reply(2, "one").update("one").out(),
        )
        .await?;

    let failing = format!(r#"{{"actions": [{{"fail": {{"message": "{EXPECTED_FAILURE}"}}}}]}}"#);
    http_fails(&cx, &path, &failing, EXPECTED_FAILURE).await?;
    let failing = request(&id, vec![fail(EXPECTED_FAILURE)]);
    entity
        .expect_exchange(
            process_in(3, &failing),
            Expected::failure(3, EXPECTED_FAILURE).out(),
        )
        .await?;

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"update": {"value": "two"}}]}"#,
        r#"{"message":"two"}"#,
    )
    .await?;
    let two_value = request(&id, vec![update("two")]);
    entity
        .expect_exchange(
            process_in(4, &two_value),
            Expected::reply(4, "two").update("two").out(),
        )
        .await?;

    http_ok(&cx, &path, "{}", r#"{"message":"two"}"#).await?;
    entity
        .expect_exchange(process_in(5, &read), Expected::reply(5, "two").out())
        .await
}
