//! The event-log eventing model: the two event-sourced entities that emit events
//! (`EventSourcedEntityOne`, `EventSourcedEntityTwo`, package `cloudstate.tck.model.eventlogeventing`),
//! and the `cloudstate.eventsourced.EventSourced` service that serves them beside the event-sourced model.
//! The subscriber action is in `eventing_subscriber`.
//!
//! `EventSourcedEntityOne.EmitEvent(EmitEventRequest)` emits the request's `EventOne` or `EventTwo` as a
//! protobuf event and replies `google.protobuf.Empty`; a request with neither emits nothing.
//! `EventSourcedEntityTwo.EmitJsonEvent(JsonEvent)` emits a JSON event: type URL
//! `json.cloudstate.io/JsonEvent`, and as bytes a message whose field 1 holds the UTF-8 JSON
//! `{"message":"<message>"}` (the encoding of the original Java model, whose event class had the one field
//! `message`). Neither entity has a state or snapshots: replayed events and snapshots are accepted and
//! ignored. Protocol errors end the stream after a top-level `Failure`, as in the event-sourced model.

use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::EventSourced;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_in::Message as In;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_out::Message as Out;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedInit, EventSourcedReply, EventSourcedStreamIn, EventSourcedStreamOut,
};
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
    EffectRequest, EmitEventRequest, EventOne, EventTwo, JsonEvent, Response as EventingResponse,
    emit_event_request,
};
use cloudstate_protocol::cloudstate::{ClientAction, Command, Failure, Reply, client_action};
use cloudstate_protocol::names::model::{EVENT_SOURCED_ENTITY_ONE, EVENT_SOURCED_ENTITY_TWO};
use cloudstate_protocol::names::{JSON_TYPE_URL_PREFIX, PROTOBUF_TYPE_URL_PREFIX};
use prost::Message as _;
use prost_types::Any;
use tonic::{Request, Response, Status, Streaming};

use super::event_sourced::{EventSourcedSession, ModelEventSourced};
use super::fault::{self, Fault};
use super::payload::{ModelMessage, pack, unpack};
use super::server::{Reaction, ResponseStream, Session, drive};
use crate::messages::eventing::{
    EFFECT_REQUEST, EMIT_EVENT, EMIT_EVENT_REQUEST, EMIT_JSON_EVENT, EMPTY, EVENT_ONE, EVENT_TWO,
    JSON_EVENT, RESPONSE,
};

/// The type URL of the JSON events of `EventSourcedEntityTwo`.
pub(crate) const JSON_EVENT_TYPE_URL: &str = "json.cloudstate.io/JsonEvent";

macro_rules! eventing_messages {
    ($($ty:ty => $name:expr,)*) => {
        $(impl ModelMessage for $ty {
            const FULL_NAME: &'static str = $name;
        })*
    };
}

eventing_messages! {
    EmitEventRequest => EMIT_EVENT_REQUEST,
    EventOne => EVENT_ONE,
    EventTwo => EVENT_TWO,
    JsonEvent => JSON_EVENT,
    EventingResponse => RESPONSE,
    EffectRequest => EFFECT_REQUEST,
}

/// The JSON event `EventSourcedEntityTwo` emits for `message`, by the Cloudstate JSON convention.
pub(crate) fn json_event(message: &str) -> Any {
    let json = serde_json::json!({ "message": message }).to_string();
    Any {
        type_url: JSON_EVENT_TYPE_URL.to_owned(),
        // `bytes` field 1, as `google.protobuf.BytesValue`.
        value: json.into_bytes().encode_to_vec(),
    }
}

/// The `message` of a JSON event made by [`json_event`] (or any JSON object with a string `message`).
pub(crate) fn json_event_message(event: &Any) -> Result<String, String> {
    if !event.type_url.starts_with(JSON_TYPE_URL_PREFIX) {
        return Err(format!(
            "expected a JSON event (type URL {JSON_TYPE_URL_PREFIX}...), got type URL {:?}",
            event.type_url
        ));
    }
    let bytes = Vec::<u8>::decode(event.value.as_slice())
        .map_err(|error| format!("the JSON event does not decode: {error}"))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|error| format!("the JSON event is not JSON: {error}"))?;
    match json.get("message") {
        Some(serde_json::Value::String(message)) => Ok(message.clone()),
        _ => Err(format!("the JSON event {json} has no string \"message\"")),
    }
}

/// `google.protobuf.Empty`, packed: the reply of both emitting commands.
fn empty() -> Any {
    Any {
        type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{EMPTY}"),
        value: Vec::new(),
    }
}

fn fatal(command_id: i64, description: String) -> Reaction<EventSourcedStreamOut> {
    Reaction::send_and_end(EventSourcedStreamOut {
        message: Some(Out::Failure(Failure {
            command_id,
            description,
            restart: false,
        })),
    })
}

/// Which emitting entity a stream serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Emitter {
    One,
    Two,
}

impl Emitter {
    fn of(service_name: &str) -> Option<Emitter> {
        match service_name {
            EVENT_SOURCED_ENTITY_ONE => Some(Emitter::One),
            EVENT_SOURCED_ENTITY_TWO => Some(Emitter::Two),
            _ => None,
        }
    }

    /// The events command `command` emits, or why the command cannot be handled.
    fn events(self, fault: Option<Fault>, command: &Command) -> Result<Vec<Any>, String> {
        match (self, command.name.as_str()) {
            (Emitter::One, EMIT_EVENT) => {
                let request = unpack::<EmitEventRequest>(command.payload.as_ref())
                    .map_err(|error| error.to_string())?;
                let event = match request.event {
                    Some(emit_event_request::Event::EventOne(event)) => pack(&event),
                    Some(emit_event_request::Event::EventTwo(event)) => pack(&event),
                    None => return Ok(Vec::new()),
                };
                Ok(vec![fault::eventing::protobuf_event(fault, event)])
            }
            (Emitter::Two, EMIT_JSON_EVENT) => {
                let request = unpack::<JsonEvent>(command.payload.as_ref())
                    .map_err(|error| error.to_string())?;
                let event = json_event(&request.message);
                Ok(vec![fault::eventing::json_event(
                    fault,
                    event,
                    &request.message,
                )])
            }
            (_, name) => Err(format!("unknown command {name:?}")),
        }
    }
}

/// One `EventSourced.handle` stream of an emitting entity.
#[derive(Debug)]
pub(crate) struct EmitterSession {
    fault: Option<Fault>,
    emitter: Option<Emitter>,
    commands_seen: bool,
}

impl EmitterSession {
    fn init(&mut self, init: &EventSourcedInit) -> Reaction<EventSourcedStreamOut> {
        if self.emitter.is_some() {
            return fatal(0, "eventing: a second init on the same stream".to_owned());
        }
        match Emitter::of(&init.service_name) {
            Some(emitter) => {
                self.emitter = Some(emitter);
                Reaction::send(Vec::new())
            }
            None => fatal(
                0,
                format!("eventing: unknown service {:?} in init", init.service_name),
            ),
        }
    }

    fn command(&mut self, command: &Command) -> Reaction<EventSourcedStreamOut> {
        let Some(emitter) = self.emitter else {
            return fatal(0, "eventing: a command before init".to_owned());
        };
        self.commands_seen = true;
        match emitter.events(self.fault, command) {
            Ok(events) => Reaction::send(vec![EventSourcedStreamOut {
                message: Some(Out::Reply(EventSourcedReply {
                    command_id: command.id,
                    client_action: Some(ClientAction {
                        action: Some(client_action::Action::Reply(Reply {
                            payload: Some(empty()),
                            metadata: None,
                        })),
                    }),
                    side_effects: Vec::new(),
                    events,
                    snapshot: None,
                })),
            }]),
            Err(error) => fatal(command.id, format!("eventing: {error}")),
        }
    }
}

impl Session for EmitterSession {
    type In = EventSourcedStreamIn;
    type Out = EventSourcedStreamOut;

    fn on_message(&mut self, message: EventSourcedStreamIn) -> Reaction<EventSourcedStreamOut> {
        match message.message {
            Some(In::Init(init)) => self.init(&init),
            Some(In::Event(_)) if self.emitter.is_none() => {
                fatal(0, "eventing: an event before init".to_owned())
            }
            Some(In::Event(_)) if self.commands_seen => {
                fatal(0, "eventing: an event after a command".to_owned())
            }
            // The entities keep no state: replayed events change nothing.
            Some(In::Event(_)) => Reaction::send(Vec::new()),
            Some(In::Command(command)) => self.command(&command),
            None => fatal(0, "eventing: an empty message".to_owned()),
        }
    }
}

impl ModelEventSourced {
    /// The session of a stream of the event-sourced model itself.
    fn session(self) -> EventSourcedSession {
        EventSourcedSession::new(self.fault)
    }
}

/// An `EventSourced.handle` stream: which entity it serves is known from its first message, an init.
#[derive(Debug)]
enum Routed {
    /// Nothing received yet.
    Undecided(ModelEventSourced),
    /// A stream of `EventSourcedTckModel`, `EventSourcedTwo` or `EventSourcedConfigured` (and of any
    /// stream that does not start with an init of an emitting entity, which that session rejects).
    Model(EventSourcedSession),
    /// A stream of `EventSourcedEntityOne` or `EventSourcedEntityTwo`.
    Emitter(EmitterSession),
}

impl Session for Routed {
    type In = EventSourcedStreamIn;
    type Out = EventSourcedStreamOut;

    fn on_message(&mut self, message: EventSourcedStreamIn) -> Reaction<EventSourcedStreamOut> {
        if let Routed::Undecided(model) = self {
            *self = match &message.message {
                Some(In::Init(init)) if Emitter::of(&init.service_name).is_some() => {
                    Routed::Emitter(EmitterSession {
                        fault: model.fault,
                        emitter: None,
                        commands_seen: false,
                    })
                }
                _ => Routed::Model(model.session()),
            };
        }
        match self {
            Routed::Model(session) => session.on_message(message),
            Routed::Emitter(session) => session.on_message(message),
            Routed::Undecided(_) => fatal(0, "event sourced: no session for the stream".to_owned()),
        }
    }
}

/// The `cloudstate.eventsourced.EventSourced` service of the whole model: the event-sourced model's
/// entities and the two emitting entities of the eventing model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModelEventSourcing {
    model: ModelEventSourced,
}

impl ModelEventSourcing {
    /// The service, serving the event-sourced model through `model`.
    pub(crate) fn new(model: ModelEventSourced) -> Self {
        Self { model }
    }
}

#[tonic::async_trait]
impl EventSourced for ModelEventSourcing {
    type handleStream = ResponseStream<EventSourcedStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<EventSourcedStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        Ok(Response::new(drive(
            request.into_inner(),
            Routed::Undecided(self.model),
            self.model.fault,
        )))
    }
}

#[cfg(test)]
#[path = "eventing_tests.rs"]
mod tests;
