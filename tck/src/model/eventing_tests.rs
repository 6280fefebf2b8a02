//! Tests of the eventing model's emitting entities: the events they emit, their replies, and the routing
//! of event-sourced streams between them and the event-sourced model.

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
