//! Streamed commands through the proxy, used for connection tracking with a Vote: one client watches the
//! vote, another "connects" by voting for as long as its call is open, and each client that goes away
//! becomes a `StreamCancelled` on the entity's stream.

use std::time::Duration;

use cloudstate_protocol::cloudstate::tck::model::crdt::StreamedRequest;
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::names::model::CRDT_TCK_MODEL;
use prost::Message as _;

use super::support::{client_expect, expect_new_stream, process_ok};
use crate::case::{CaseFailure, Verdict};
use crate::messages::crdt::{
    Expected, STREAMED_REQUEST, Streamed, cancelled, cancelled_response, delete, process,
    process_streamed, request, response, vote, vote_delta, vote_state,
};
use crate::proxy::ProxyCx;
use crate::wire::{Direction, render_compact};

/// How long the case waits to be sure a client gets no message.
const SILENCE: Duration = Duration::from_millis(100);

fn describe(who: &str, request: &StreamedRequest) -> String {
    format!(
        "CrdtTckModel.ProcessStreamed ({who}) {}",
        render_compact(STREAMED_REQUEST, &request.encode_to_vec())
    )
}

/// A task that is aborted when the case drops it, whatever way the case ends.
#[derive(Debug)]
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Case 180 (Vote): a "monitor" `ProcessStreamed` call gets the vote (false, 0, 1) at once, as command 1
/// on a new stream answered with `streamed` true. A "connect" call that votes true on arrival, votes
/// false on cancellation and asks for no messages (`empty`) becomes streamed command 2, answered with no
/// client action, `streamed` true and the delta of the vote; the connecting client gets nothing and the
/// monitor gets (true, 1, 1) from the streamed message for command 1. When the connecting client cancels
/// its call, the proxy sends `StreamCancelled` for command 2, the model answers with the delta of its
/// vote false, and the monitor gets (false, 0, 1). When the monitor cancels, the proxy sends
/// `StreamCancelled` for command 1, answered with an empty response. A delete, command 3, ends the
/// stream.
pub(super) async fn streamed_responses_for_connection_tracking(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("Vote");
    let nobody = vote_state(false, 0, 1);
    let connected = vote_state(true, 1, 1);
    let mut client = CrdtTckModelClient::new(cx.channel());

    let watching = StreamedRequest {
        id: id.clone(),
        ..StreamedRequest::default()
    };
    let what = describe("monitor", &watching);
    let mut monitor = match cx
        .client(&what, client.process_streamed(watching.clone()))
        .await?
    {
        Ok(stream) => stream,
        Err(status) => {
            return Err(CaseFailure::fail(format!(
                "{what}: the call failed with gRPC status {:?}: {}",
                status.code(),
                status.message()
            )));
        }
    };
    client_expect(&cx, "monitor", &mut monitor, &response(nobody.clone())).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process_streamed(1, &watching),
            Expected::reply(1, nobody.clone()).streamed().out(),
        )
        .await?;

    let connecting = StreamedRequest {
        id: id.clone(),
        initial_update: Some(vote(true)),
        cancel_update: Some(vote(false)),
        empty: true,
        ..StreamedRequest::default()
    };
    let what = describe("connect", &connecting);
    cx.trace().record(
        "client connect",
        Direction::Sent,
        format!("client -> proxy {what}"),
    );
    // A call that never gets a message may never get its response headers either: it runs on its own
    // task, and the case cancels it by dropping it.
    let mut connect_client = client.clone();
    let connect_request = connecting.clone();
    let mut connect = AbortOnDrop(tokio::spawn(async move {
        connect_client.process_streamed(connect_request).await
    }));

    client_expect(&cx, "monitor", &mut monitor, &response(connected.clone())).await?;
    entity
        .expect_from_proxy(process_streamed(2, &connecting))
        .await?;
    entity
        .expect_from_user_function(
            Expected::no_action(2)
                .update(vote_delta(true, 0, 0))
                .streamed()
                .out(),
        )
        .await?;
    entity
        .expect_from_user_function(Streamed::state(1, connected).out())
        .await?;

    match tokio::time::timeout(SILENCE, &mut connect.0).await {
        Ok(Ok(Ok(response))) => {
            let mut stream = response.into_inner();
            if let Ok(next) = tokio::time::timeout(SILENCE, stream.message()).await {
                let got = match next {
                    Ok(Some(message)) => format!("{message:?}"),
                    Ok(None) => "the end of the stream".to_owned(),
                    Err(status) => format!("gRPC status {:?}: {}", status.code(), status.message()),
                };
                return Err(CaseFailure::mismatch(
                    format!("{what}: the client of an empty streamed command got something"),
                    "(nothing while the call is open)".to_owned(),
                    got,
                ));
            }
            cx.trace().record(
                "client connect",
                Direction::Event,
                "no message; the client cancels the call".to_owned(),
            );
            drop(stream);
        }
        Ok(Ok(Err(status))) => {
            return Err(CaseFailure::fail(format!(
                "{what}: the call failed with gRPC status {:?}: {}",
                status.code(),
                status.message()
            )));
        }
        Ok(Err(error)) => {
            return Err(CaseFailure::error(format!(
                "{what}: the client task failed: {error}"
            )));
        }
        Err(_) => {
            cx.trace().record(
                "client connect",
                Direction::Event,
                "no response headers yet; the client cancels the call".to_owned(),
            );
            connect.0.abort();
        }
    }

    client_expect(&cx, "monitor", &mut monitor, &response(nobody.clone())).await?;
    entity
        .expect_exchange(
            cancelled(&id, 2),
            cancelled_response(2, Some(vote_delta(false, 0, 0))),
        )
        .await?;
    entity
        .expect_from_user_function(Streamed::state(1, nobody.clone()).out())
        .await?;

    cx.trace().record(
        "client monitor",
        Direction::Event,
        "the client cancels the call".to_owned(),
    );
    drop(monitor);
    entity
        .expect_exchange(cancelled(&id, 1), cancelled_response(1, None))
        .await?;

    let deleting = request(&id, vec![delete()]);
    process_ok(&cx, &deleting, &response(nobody.clone())).await?;
    entity
        .expect_exchange(
            process(3, &deleting),
            Expected::reply(3, nobody).delete().out(),
        )
        .await?;
    entity.expect_closed().await
}
