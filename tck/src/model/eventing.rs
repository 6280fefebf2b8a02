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
use super::payload::{ModelMessage, pack, unpack};
use super::server::{Reaction, ResponseStream, Session, drive};

/// The type URL of the JSON events of `EventSourcedEntityTwo`.
pub(crate) const JSON_EVENT_TYPE_URL: &str = "json.cloudstate.io/JsonEvent";

macro_rules! eventing_messages {
    ($($ty:ty => $name:literal,)*) => {
        $(impl ModelMessage for $ty {
            const FULL_NAME: &'static str = $name;
        })*
    };
}

eventing_messages! {
    EmitEventRequest => "cloudstate.tck.model.eventlogeventing.EmitEventRequest",
    EventOne => "cloudstate.tck.model.eventlogeventing.EventOne",
    EventTwo => "cloudstate.tck.model.eventlogeventing.EventTwo",
    JsonEvent => "cloudstate.tck.model.eventlogeventing.JsonEvent",
    EventingResponse => "cloudstate.tck.model.eventlogeventing.Response",
    EffectRequest => "cloudstate.tck.model.eventlogeventing.EffectRequest",
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
        type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}google.protobuf.Empty"),
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
    fn events(self, command: &Command) -> Result<Vec<Any>, String> {
        match (self, command.name.as_str()) {
            (Emitter::One, "EmitEvent") => {
                let request = unpack::<EmitEventRequest>(command.payload.as_ref())
                    .map_err(|error| error.to_string())?;
                Ok(match request.event {
                    Some(emit_event_request::Event::EventOne(event)) => vec![pack(&event)],
                    Some(emit_event_request::Event::EventTwo(event)) => vec![pack(&event)],
                    None => Vec::new(),
                })
            }
            (Emitter::Two, "EmitJsonEvent") => {
                let request = unpack::<JsonEvent>(command.payload.as_ref())
                    .map_err(|error| error.to_string())?;
                Ok(vec![json_event(&request.message)])
            }
            (_, name) => Err(format!("unknown command {name:?}")),
        }
    }
}

/// One `EventSourced.handle` stream of an emitting entity.
#[derive(Debug)]
pub(crate) struct EmitterSession {
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
        match emitter.events(command) {
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
mod tests {
    use super::*;
    use cloudstate_protocol::cloudstate::eventsourced::EventSourcedEvent;
    use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
        ProcessStep, Reply as ReplyStep, process_step,
    };

    fn init(service: &str) -> EventSourcedStreamIn {
        EventSourcedStreamIn {
            message: Some(In::Init(EventSourcedInit {
                service_name: service.into(),
                entity_id: "e".into(),
                snapshot: None,
            })),
        }
    }

    fn command(name: &str, payload: Any) -> EventSourcedStreamIn {
        EventSourcedStreamIn {
            message: Some(In::Command(Command {
                entity_id: "e".into(),
                id: 1,
                name: name.into(),
                payload: Some(payload),
                ..Command::default()
            })),
        }
    }

    fn only_reply(reaction: Reaction<EventSourcedStreamOut>) -> EventSourcedReply {
        assert!(!reaction.end);
        let mut out = reaction.out.into_iter();
        match (out.next(), out.next()) {
            (
                Some(Ok(EventSourcedStreamOut {
                    message: Some(Out::Reply(reply)),
                })),
                None,
            ) => reply,
            other => panic!("not a single reply: {other:?}"),
        }
    }

    #[test]
    fn entity_one_emits_the_requested_event_and_replies_empty() {
        let mut session = Routed::Undecided(ModelEventSourced::default());
        assert!(
            session
                .on_message(init(EVENT_SOURCED_ENTITY_ONE))
                .out
                .is_empty()
        );
        let event = EventOne {
            step: Some(ProcessStep {
                step: Some(process_step::Step::Reply(ReplyStep {
                    message: "hi".into(),
                })),
            }),
        };
        let request = EmitEventRequest {
            id: "e".into(),
            event: Some(emit_event_request::Event::EventOne(event.clone())),
        };
        let reply = only_reply(session.on_message(command("EmitEvent", pack(&request))));
        assert_eq!(reply.events, vec![pack(&event)]);
        assert_eq!(
            reply.events[0].type_url,
            "type.googleapis.com/cloudstate.tck.model.eventlogeventing.EventOne"
        );
        let Some(client_action::Action::Reply(answer)) =
            reply.client_action.and_then(|action| action.action)
        else {
            panic!("not a reply");
        };
        assert_eq!(answer.payload, Some(empty()));
    }

    #[test]
    fn entity_two_emits_json() {
        let mut session = Routed::Undecided(ModelEventSourced::default());
        let replayed = EventSourcedStreamIn {
            message: Some(In::Event(EventSourcedEvent {
                sequence: 1,
                payload: Some(json_event("old")),
            })),
        };
        assert!(
            session
                .on_message(init(EVENT_SOURCED_ENTITY_TWO))
                .out
                .is_empty()
        );
        assert!(session.on_message(replayed).out.is_empty());
        let request = JsonEvent {
            id: "e".into(),
            message: "say \"hi\"".into(),
        };
        let reply = only_reply(session.on_message(command("EmitJsonEvent", pack(&request))));
        let expected_json = br#"{"message":"say \"hi\""}"#;
        let mut expected_value = vec![0x0a, u8::try_from(expected_json.len()).unwrap_or(0)];
        expected_value.extend_from_slice(expected_json);
        assert_eq!(
            reply.events,
            vec![Any {
                type_url: "json.cloudstate.io/JsonEvent".into(),
                value: expected_value
            }]
        );
        assert_eq!(
            json_event_message(&reply.events[0]),
            Ok("say \"hi\"".to_owned())
        );
    }

    #[test]
    fn other_streams_go_to_the_event_sourced_model() {
        let mut session = Routed::Undecided(ModelEventSourced::default());
        session.on_message(init(
            cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL,
        ));
        assert!(matches!(session, Routed::Model(_)));
        let mut session = Routed::Undecided(ModelEventSourced::default());
        let wrong = session.on_message(command("EmitEvent", empty()));
        assert!(wrong.end, "a command before init ends the stream");
    }
}
