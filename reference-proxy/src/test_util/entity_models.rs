//! The value-entity and event-sourced TCK models, reduced to what the tests need, recording every
//! message of every stream.
//!
//! Request actions: `emit`/`update`/`delete` change the state; `fail` with a message answers a failure,
//! except for these messages: `restart…` (event sourced: a failure with `restart = true`), `wrong-id` (a
//! reply with the wrong command ID), `hangup` (the stream ends without a reply). An `emit`/`update` of
//! `slow` delays the reply. The reply is the state as a `Response`. Event-sourced entities snapshot when
//! their sequence number passes a multiple of [`FakeUserFunction::snapshot_every`].

use std::sync::atomic::Ordering;
use std::time::Duration;

use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::EventSourced;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedReply, EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in,
    event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    self as ve_model, request_action as ve_action,
};
use cloudstate_protocol::cloudstate::tck::model::{self as es_model, request_action as es_action};
use cloudstate_protocol::cloudstate::valueentity::value_entity_server::ValueEntity;
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityAction, ValueEntityDelete, ValueEntityReply, ValueEntityStreamIn,
    ValueEntityStreamOut, ValueEntityUpdate, value_entity_action, value_entity_stream_in,
    value_entity_stream_out,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Command, Failure, Forward, Reply, client_action,
};
use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt as _};
use prost::Message as _;
use prost_types::Any;
use tokio::sync::{mpsc, watch};
use tonic::{Request, Response, Status, Streaming};

use super::user_function::{FakeUserFunction, any};

/// One thing that happened on a stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen<I, O> {
    /// The proxy sent a message.
    In(I),
    /// The user function answered.
    Out(O),
    /// The proxy half-closed the stream.
    Closed,
}

/// Everything seen, as (stream number, what), in order; stream numbers count from 0.
pub type Log<I, O> = watch::Sender<Vec<(usize, Seen<I, O>)>>;

fn reply(message: &str) -> ClientAction {
    let response = es_model::Response {
        message: message.to_owned(),
    };
    let payload = any("cloudstate.tck.model.Response", &response);
    ClientAction {
        action: Some(client_action::Action::Reply(Reply {
            payload: Some(payload),
            metadata: None,
        })),
    }
}

fn failure(description: &str, restart: bool) -> ClientAction {
    let failure = Failure {
        command_id: 0,
        description: description.to_owned(),
        restart,
    };
    ClientAction {
        action: Some(client_action::Action::Failure(failure)),
    }
}

fn persisted(any: Option<&Any>) -> String {
    any.and_then(|any| es_model::Persisted::decode(any.value.as_slice()).ok())
        .map(|p| p.value)
        .unwrap_or_default()
}

/// Runs one stream: logs what comes in as it arrives, and answers commands one by one in another task,
/// so that a command sent before the previous reply would show up in the log before that reply.
fn serve<I, O, S>(
    log: Log<I, O>,
    gate: watch::Receiver<bool>,
    number: usize,
    mut input: Streaming<I>,
    mut model: S,
) -> BoxStream<'static, Result<O, Status>>
where
    I: Clone + Send + Sync + 'static + prost::Message + Default,
    O: Clone + Send + Sync + 'static,
    S: FnMut(I) -> Option<(Option<O>, bool)> + Send + 'static,
{
    let (to_model, mut for_model) = mpsc::unbounded_channel::<I>();
    let (out, replies) = mpsc::unbounded_channel();
    let reader_log = log.clone();
    tokio::spawn(async move {
        while let Ok(Some(message)) = input.message().await {
            reader_log.send_modify(|log| log.push((number, Seen::In(message.clone()))));
            let _ = to_model.send(message);
        }
        reader_log.send_modify(|log| log.push((number, Seen::Closed)));
    });
    tokio::spawn(async move {
        while let Some(message) = for_model.recv().await {
            // `None`: hang up. `Some((reply, slow))`.
            let Some((answer, slow)) = model(message) else {
                return;
            };
            if slow {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // A closed gate holds every answer, like a user function that was stopped.
            let mut gate = gate.clone();
            if gate.wait_for(|open| *open).await.is_err() {
                return;
            }
            if let Some(answer) = answer {
                log.send_modify(|log| log.push((number, Seen::Out(answer.clone()))));
                let _ = out.send(Ok(answer));
            }
        }
    });
    futures::stream::unfold(replies, |mut replies| async move {
        replies.recv().await.map(|reply| (reply, replies))
    })
    .boxed()
}

type Boxed<T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl EventSourced for FakeUserFunction {
    type handleStream = Boxed<EventSourcedStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<EventSourcedStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let number = self.stream_numbers.0.fetch_add(1, Ordering::SeqCst);
        let (mut state, mut sequence) = (String::new(), 0_i64);
        let every = self.snapshot_every.max(1);
        let model = move |message: EventSourcedStreamIn| {
            let command = match message.message? {
                event_sourced_stream_in::Message::Init(init) => {
                    if let Some(snapshot) = init.snapshot {
                        state = persisted(snapshot.snapshot.as_ref());
                        sequence = snapshot.snapshot_sequence;
                    }
                    return Some((None, false));
                }
                event_sourced_stream_in::Message::Event(event) => {
                    state.push_str(&persisted(event.payload.as_ref()));
                    sequence = event.sequence;
                    return Some((None, false));
                }
                event_sourced_stream_in::Message::Command(command) => command,
            };
            let request =
                es_model::Request::decode(command.payload.unwrap_or_default().value.as_slice())
                    .ok()?;
            let (mut emitted, mut failed, mut slow) = (Vec::new(), None, false);
            for action in request.actions.into_iter().filter_map(|a| a.action) {
                match action {
                    es_action::Action::Emit(emit) => {
                        slow |= emit.value == "slow";
                        emitted.push(emit.value);
                    }
                    es_action::Action::Fail(fail) => failed = Some(fail.message),
                    _ => {}
                }
            }
            let events: Vec<Any> = emitted
                .iter()
                .map(|value| {
                    any(
                        "cloudstate.tck.model.Persisted",
                        &es_model::Persisted {
                            value: value.clone(),
                        },
                    )
                })
                .collect();
            let mut reply = EventSourcedReply {
                command_id: command.id,
                events,
                ..Default::default()
            };
            match failed.as_deref() {
                Some("hangup") => return None,
                Some("wrong-id") => reply.command_id += 100,
                Some(message) => {
                    reply.client_action = Some(failure(message, message.starts_with("restart")))
                }
                None => {
                    let before = sequence;
                    state.push_str(&emitted.concat());
                    sequence += i64::try_from(emitted.len()).unwrap_or_default();
                    if before / every != sequence / every {
                        let snapshot = es_model::Persisted {
                            value: state.clone(),
                        };
                        reply.snapshot = Some(any("cloudstate.tck.model.Persisted", &snapshot));
                    }
                    reply.client_action = Some(self::reply(&state));
                }
            }
            let out = EventSourcedStreamOut {
                message: Some(event_sourced_stream_out::Message::Reply(reply)),
            };
            Some((Some(out), slow))
        };
        Ok(Response::new(serve(
            self.event_sourced.clone(),
            self.gate.subscribe(),
            number,
            request.into_inner(),
            model,
        )))
    }
}

fn ve_reply(
    command: &Command,
    state: &str,
    action: Option<value_entity_action::Action>,
) -> ValueEntityReply {
    ValueEntityReply {
        command_id: command.id,
        client_action: Some(reply(state)),
        side_effects: Vec::new(),
        state_action: action.map(|action| ValueEntityAction {
            action: Some(action),
        }),
    }
}

#[tonic::async_trait]
impl ValueEntity for FakeUserFunction {
    type handleStream = Boxed<ValueEntityStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<ValueEntityStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let number = self.stream_numbers.1.fetch_add(1, Ordering::SeqCst);
        let mut state = String::new();
        let model = move |message: ValueEntityStreamIn| {
            let command = match message.message? {
                value_entity_stream_in::Message::Init(init) => {
                    state = persisted(init.state.and_then(|s| s.value).as_ref());
                    return Some((None, false));
                }
                value_entity_stream_in::Message::Command(command) => command,
            };
            let payload = command.payload.clone().unwrap_or_default();
            let request = ve_model::Request::decode(payload.value.as_slice()).ok()?;
            let (mut reply, mut action, mut slow) = (None, None, false);
            for step in request.actions.into_iter().filter_map(|a| a.action) {
                match step {
                    ve_action::Action::Update(update) => {
                        slow |= update.value == "slow";
                        let value = any(
                            "cloudstate.tck.model.valueentity.Persisted",
                            &ve_model::Persisted {
                                value: update.value.clone(),
                            },
                        );
                        state = update.value;
                        action = Some(value_entity_action::Action::Update(ValueEntityUpdate {
                            value: Some(value),
                        }));
                    }
                    ve_action::Action::Delete(_) => {
                        state.clear();
                        action = Some(value_entity_action::Action::Delete(ValueEntityDelete {}));
                    }
                    ve_action::Action::Fail(fail) => reply = Some(failure(&fail.message, false)),
                    ve_action::Action::Forward(forward) => {
                        let target = ve_model::Request {
                            id: forward.id,
                            actions: Vec::new(),
                        };
                        let forward = Forward {
                            service_name: VALUE_ENTITY_TCK_MODEL.to_owned(),
                            command_name: "Process".to_owned(),
                            payload: Some(any("cloudstate.tck.model.valueentity.Request", &target)),
                            metadata: None,
                        };
                        reply = Some(ClientAction {
                            action: Some(client_action::Action::Forward(forward)),
                        });
                    }
                    ve_action::Action::Effect(_) => {}
                }
            }
            let mut answer = ve_reply(&command, &state, action);
            if reply.is_some() {
                answer.client_action = reply;
            }
            let out = ValueEntityStreamOut {
                message: Some(value_entity_stream_out::Message::Reply(answer)),
            };
            Some((Some(out), slow))
        };
        Ok(Response::new(serve(
            self.value_entity.clone(),
            self.gate.subscribe(),
            number,
            request.into_inner(),
            model,
        )))
    }
}
