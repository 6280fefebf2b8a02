//! Runs `failure_actions_do_not_retain_emitted_events` against small event-sourced user functions that
//! differ only in how they fail after emitting events, to show both of its branches pass and that a user
//! function keeping the events of a failed command is caught.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::{
    EventSourced, EventSourcedServer,
};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in,
};
use cloudstate_protocol::cloudstate::tck::model::{Persisted, Request, request_action};
use futures::StreamExt as _;
use prost::Message as _;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tonic::transport::{Channel, Server};
use tonic::{Response, Status, Streaming};

use super::failures::failure_actions_do_not_retain_emitted_events;
use crate::case::Verdict;
use crate::messages::event_sourced::Expected;
use crate::sdk::SdkCx;
use crate::wire::Trace;

/// How the user function answers a command that emitted events and then failed.
#[derive(Debug, Clone, Copy)]
enum OnFailure {
    /// A failure with `restart` false; the events are discarded.
    Discard,
    /// A failure with `restart` true; the events are discarded.
    Restart,
    /// Broken: a failure with `restart` false that still carries the emitted events.
    KeepEvents,
}

#[derive(Debug, Clone, Copy)]
struct Entity(OnFailure);

impl Entity {
    /// Answers one message of a stream; `state` and `sequence` are the entity's.
    fn answer(
        self,
        message: EventSourcedStreamIn,
        state: &mut String,
        sequence: &mut i64,
    ) -> Option<EventSourcedStreamOut> {
        match message.message? {
            event_sourced_stream_in::Message::Init(init) => {
                if let Some(snapshot) = init.snapshot {
                    *sequence = snapshot.snapshot_sequence;
                    *state = decode_persisted(snapshot.snapshot.map(|any| any.value));
                }
                None
            }
            event_sourced_stream_in::Message::Event(event) => {
                *sequence = event.sequence;
                state.push_str(&decode_persisted(event.payload.map(|any| any.value)));
                None
            }
            event_sourced_stream_in::Message::Command(command) => {
                let payload = command.payload.map(|any| any.value).unwrap_or_default();
                let request = Request::decode(payload.as_slice()).unwrap_or_default();
                let mut emitted: Vec<String> = Vec::new();
                for action in request
                    .actions
                    .into_iter()
                    .filter_map(|action| action.action)
                {
                    match action {
                        request_action::Action::Emit(emit) => emitted.push(emit.value),
                        request_action::Action::Fail(fail) => {
                            let restart =
                                matches!(self.0, OnFailure::Restart) && !emitted.is_empty();
                            let mut reply = Expected::failure(command.id, &fail.message, restart);
                            if matches!(self.0, OnFailure::KeepEvents) {
                                let values: Vec<&str> =
                                    emitted.iter().map(String::as_str).collect();
                                reply = reply.events(&values);
                            }
                            return Some(reply.out());
                        }
                        _ => {}
                    }
                }
                let before = *sequence;
                *sequence += i64::try_from(emitted.len()).unwrap_or(0);
                state.push_str(&emitted.concat());
                let values: Vec<&str> = emitted.iter().map(String::as_str).collect();
                let mut reply = Expected::reply(command.id, state).events(&values);
                if *sequence / 5 > before / 5 {
                    reply = reply.snapshot(state);
                }
                Some(reply.out())
            }
        }
    }
}

fn decode_persisted(bytes: Option<Vec<u8>>) -> String {
    Persisted::decode(bytes.unwrap_or_default().as_slice())
        .map(|p| p.value)
        .unwrap_or_default()
}

#[tonic::async_trait]
impl EventSourced for Entity {
    type handleStream = ReceiverStream<Result<EventSourcedStreamOut, Status>>;

    async fn handle(
        &self,
        request: tonic::Request<Streaming<EventSourcedStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let mut inbound = request.into_inner();
        let (sender, receiver) = mpsc::channel(16);
        let entity = *self;
        tokio::spawn(async move {
            let (mut state, mut sequence) = (String::new(), 0);
            while let Some(Ok(message)) = inbound.next().await {
                if let Some(out) = entity.answer(message, &mut state, &mut sequence) {
                    let _ = sender.send(Ok(out)).await;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(receiver)))
    }
}

async fn run_case_against(on_failure: OnFailure) -> Verdict {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("address");
    let server = tokio::spawn(
        Server::builder()
            .add_service(EventSourcedServer::new(Entity(on_failure)))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let channel = Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let cx = SdkCx::new(
        channel,
        None,
        Trace::new(),
        deadline,
        Arc::new(AtomicU64::new(0)),
    );
    let verdict = failure_actions_do_not_retain_emitted_events(cx).await;
    server.abort();
    verdict
}

#[tokio::test]
async fn passes_when_the_failure_does_not_ask_for_a_restart() {
    assert_eq!(run_case_against(OnFailure::Discard).await, Ok(()));
}

#[tokio::test]
async fn passes_when_the_failure_asks_for_a_restart() {
    assert_eq!(run_case_against(OnFailure::Restart).await, Ok(()));
}

#[tokio::test]
async fn fails_when_the_failure_keeps_the_emitted_events() {
    let failure = run_case_against(OnFailure::KeepEvents)
        .await
        .expect_err("must fail");
    assert!(
        failure.message.contains("2 event(s)"),
        "{}",
        failure.message
    );
    assert!(failure.expected.is_some() && failure.actual.is_some());
}
