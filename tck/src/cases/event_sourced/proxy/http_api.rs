//! The event-sourced model over the proxy's HTTP/JSON frontend: the `google.api.http` rule of
//! `EventSourcedTckModel.Process` and the default `POST /package.Service/Method` route of
//! `EventSourcedTwo.Call`.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use super::support::{FailureReply, expect_call_exchange, expect_failure_reply, expect_new_stream};
use crate::case::Verdict;
use crate::cases::shared::checks::{http_fails, http_ok};
use crate::messages::event_sourced::{
    EXPECTED_FAILURE, Expected, emit, emits, event_in, fail, process_in, request,
};
use crate::proxy::ProxyCx;

/// Case 175: JSON calls to `POST /tck/model/eventsourced/{id}` (read, emit "x", a failure, emit "y",
/// emit "z" then fail, emit "z") and to `POST /cloudstate.tck.model.EventSourcedTwo/Call` get exactly the
/// JSON the model's replies give, or status 500 with the failure's description; the interceptor sees the
/// same commands a gRPC client would cause. After "emit then fail", a restart (if the user function asks
/// for one) must replay "x" and "y" on a new stream before the last command.
pub(super) async fn http_api(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-http");
    let path = format!("/tck/model/eventsourced/{id}");

    http_ok(&cx, &path, "{}", r#"{"message":""}"#).await?;
    let mut entity = expect_new_stream(&cx, EVENT_SOURCED_TCK_MODEL, &id).await?;
    let read = request(&id, Vec::new());
    entity
        .expect_exchange(process_in(1, &read), Expected::reply(1, "").out())
        .await?;

    let two_path = format!("/{EVENT_SOURCED_TWO}/Call");
    http_ok(
        &cx,
        &two_path,
        &format!(r#"{{"id": "{id}"}}"#),
        r#"{"message":""}"#,
    )
    .await?;
    let mut two = expect_new_stream(&cx, EVENT_SOURCED_TWO, &id).await?;
    expect_call_exchange(&mut two, &id, 1).await?;

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"emit": {"value": "x"}}]}"#,
        r#"{"message":"x"}"#,
    )
    .await?;
    let x = request(&id, emits(&["x"]));
    entity
        .expect_exchange(
            process_in(2, &x),
            Expected::reply(2, "x").events(&["x"]).out(),
        )
        .await?;

    let failing = format!(r#"{{"actions": [{{"fail": {{"message": "{EXPECTED_FAILURE}"}}}}]}}"#);
    http_fails(&cx, &path, &failing, EXPECTED_FAILURE).await?;
    let failing = request(&id, vec![fail(EXPECTED_FAILURE)]);
    entity
        .expect_exchange(
            process_in(3, &failing),
            Expected::failure(3, EXPECTED_FAILURE, false).out(),
        )
        .await?;

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"emit": {"value": "y"}}]}"#,
        r#"{"message":"xy"}"#,
    )
    .await?;
    let y = request(&id, emits(&["y"]));
    entity
        .expect_exchange(
            process_in(4, &y),
            Expected::reply(4, "xy").events(&["y"]).out(),
        )
        .await?;

    let emit_then_fail =
        r#"{"actions": [{"emit": {"value": "z"}}, {"fail": {"message": "emit then fail"}}]}"#;
    http_fails(&cx, &path, emit_then_fail, "emit then fail").await?;
    let emit_then_fail = request(&id, vec![emit("z"), fail("emit then fail")]);
    entity
        .expect_from_proxy(process_in(5, &emit_then_fail))
        .await?;
    let (mut stream, command_id) =
        match expect_failure_reply(&mut entity, 5, "emit then fail").await? {
            FailureReply::KeepStream => (entity, 6),
            FailureReply::Restart => {
                entity.expect_closed().await?;
                let mut restarted = expect_new_stream(&cx, EVENT_SOURCED_TCK_MODEL, &id).await?;
                restarted.expect_from_proxy(event_in(1, "x")).await?;
                restarted.expect_from_proxy(event_in(2, "y")).await?;
                (restarted, 1)
            }
        };

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"emit": {"value": "z"}}]}"#,
        r#"{"message":"xyz"}"#,
    )
    .await?;
    let z = request(&id, emits(&["z"]));
    stream
        .expect_exchange(
            process_in(command_id, &z),
            Expected::reply(command_id, "xyz").events(&["z"]).out(),
        )
        .await
}
