//! Tests of the value-entity model: net state actions, failures, protocol errors, and its faults.

use super::*;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Delete, Effect, Fail, RequestAction, Update,
};

fn update(value: &str) -> RequestAction {
    RequestAction {
        action: Some(Action::Update(Update {
            value: value.into(),
        })),
    }
}
fn delete() -> RequestAction {
    RequestAction {
        action: Some(Action::Delete(Delete {})),
    }
}
fn request(actions: Vec<RequestAction>) -> ModelRequest {
    ModelRequest {
        id: "entity-1".into(),
        actions,
    }
}
fn reply_message(reply: &ValueEntityReply) -> Option<String> {
    match reply.client_action.as_ref()?.action.as_ref()? {
        client_action::Action::Reply(reply) => unpack::<ModelResponse>(reply.payload.as_ref())
            .ok()
            .map(|r| r.message),
        _ => None,
    }
}
fn updated(value: &str) -> Option<ValueEntityAction> {
    Some(ValueEntityAction {
        action: Some(StateAction::Update(ValueEntityUpdate {
            value: Some(pack(&Persisted {
                value: value.into(),
            })),
        })),
    })
}
fn deleted() -> Option<ValueEntityAction> {
    Some(ValueEntityAction {
        action: Some(StateAction::Delete(ValueEntityDelete {})),
    })
}

#[test]
fn only_the_net_state_action_is_reported() {
    let (reply, state) = process(
        None,
        1,
        "",
        &request(vec![update("A"), update("B"), update("C")]),
    );
    assert_eq!((reply.state_action, state.as_str()), (updated("C"), "C"));
    let (reply, state) = process(
        None,
        2,
        "",
        &request(vec![update("A"), update("B"), delete()]),
    );
    assert_eq!(
        (reply.state_action.clone(), state.as_str()),
        (deleted(), "")
    );
    assert_eq!(reply_message(&reply).as_deref(), Some(""));
    let (reply, state) = process(
        None,
        3,
        "",
        &request(vec![update("A"), delete(), update("B")]),
    );
    assert_eq!((reply.state_action, state.as_str()), (updated("B"), "B"));
    let (reply, state) = process(None, 4, "X", &request(vec![]));
    assert_eq!((reply.state_action.clone(), state.as_str()), (None, "X"));
    assert_eq!(reply_message(&reply).as_deref(), Some("X"));
}

#[test]
fn failure_keeps_state_and_drops_side_effects() {
    let effect = RequestAction {
        action: Some(Action::Effect(Effect {
            id: "other".into(),
            synchronous: false,
        })),
    };
    let fail = RequestAction {
        action: Some(Action::Fail(Fail {
            message: "boom".into(),
        })),
    };
    let (reply, state) = process(None, 7, "A", &request(vec![update("B"), effect, fail]));
    assert_eq!(state, "A");
    assert_eq!(reply, failure_reply(7, "boom"));
    assert!(reply.side_effects.is_empty() && reply.state_action.is_none());
}

#[test]
fn protocol_errors_end_the_stream_with_a_failure() {
    let mut session = ValueEntitySession::default();
    let command = Command {
        id: 3,
        name: "Process".into(),
        ..Command::default()
    };
    let early = session.on_message(ValueEntityStreamIn {
        message: Some(In::Command(command)),
    });
    assert!(early.end);
    assert!(matches!(
        early.out.first(),
        Some(Ok(ValueEntityStreamOut {
            message: Some(Out::Failure(Failure { command_id: 0, .. }))
        }))
    ));
    let empty = ValueEntitySession::default().on_message(ValueEntityStreamIn { message: None });
    assert!(empty.end);
}

#[test]
fn faulty_state_actions() {
    let actions = vec![update("A"), delete(), update("B")];
    let (reply, state) = process(Some(Fault::FirstStateActionWins), 1, "", &request(actions));
    assert_eq!((reply.state_action, state.as_str()), (updated("A"), "B"));
    let (reply, state) = process(
        Some(Fault::DeleteKeepsValue),
        2,
        "X",
        &request(vec![delete()]),
    );
    assert_eq!((reply.state_action, state.as_str()), (deleted(), "X"));
}

#[test]
fn a_faulty_session_answers_twice() {
    let mut session = ValueEntitySession {
        entity: None,
        faults: StreamFaults::new(Some(Fault::ReplyTwice)),
    };
    let init = ValueEntityStreamIn {
        message: Some(In::Init(ValueEntityInit {
            service_name: VALUE_ENTITY_TCK_MODEL.into(),
            entity_id: "e".into(),
            state: None,
        })),
    };
    assert!(session.on_message(init).out.is_empty());
    let command = Command {
        id: 1,
        name: "Process".into(),
        payload: Some(pack(&request(vec![update("A")]))),
        ..Command::default()
    };
    let answer = session.on_message(ValueEntityStreamIn {
        message: Some(In::Command(command)),
    });
    assert_eq!(answer.out.len(), 2);
    assert!(!answer.end);
}

#[test]
fn faults_let_a_second_init_and_an_empty_message_through() {
    let init = || ValueEntityStreamIn {
        message: Some(In::Init(ValueEntityInit {
            service_name: VALUE_ENTITY_TCK_MODEL.into(),
            entity_id: "e".into(),
            state: None,
        })),
    };
    let session = |fault| ValueEntitySession {
        entity: None,
        faults: StreamFaults::new(fault),
    };
    let mut conforming = session(None);
    assert!(conforming.on_message(init()).out.is_empty());
    assert!(conforming.on_message(init()).end);
    let mut restarting = session(Some(Fault::SecondInitRestarts));
    restarting.on_message(init());
    let again = restarting.on_message(init());
    assert!(again.out.is_empty() && !again.end);
    let mut ignoring = session(Some(Fault::EmptyMessageIgnored));
    ignoring.on_message(init());
    let empty = ignoring.on_message(ValueEntityStreamIn { message: None });
    assert!(empty.out.is_empty() && !empty.end);
}
