//! Tests of the action model: folding steps into responses, the streamed shapes, and its faults.

use super::*;
use cloudstate_protocol::cloudstate::tck::model::action::{Fail, Forward as ForwardStep};
use cloudstate_protocol::cloudstate::tck::model::action::{
    Reply as ReplyStep, SideEffect as EffectStep,
};

fn reply(message: &str) -> ProcessStep {
    ProcessStep {
        step: Some(Step::Reply(ReplyStep {
            message: message.into(),
        })),
    }
}
fn forward(id: &str) -> ProcessStep {
    ProcessStep {
        step: Some(Step::Forward(ForwardStep { id: id.into() })),
    }
}
fn fail(message: &str) -> ProcessStep {
    ProcessStep {
        step: Some(Step::Fail(Fail {
            message: message.into(),
        })),
    }
}
fn effect(id: &str, synchronous: bool) -> ProcessStep {
    ProcessStep {
        step: Some(Step::Effect(EffectStep {
            id: id.into(),
            synchronous,
        })),
    }
}
fn group(steps: Vec<ProcessStep>) -> ProcessGroup {
    ProcessGroup { steps }
}
fn side_effect(id: &str, synchronous: bool) -> SideEffect {
    SideEffect {
        service_name: ACTION_TWO.into(),
        command_name: "Call".into(),
        payload: Some(pack(&OtherRequest { id: id.into() })),
        synchronous,
        metadata: None,
    }
}

#[test]
fn later_outcomes_replace_earlier_ones_and_effects_accumulate() {
    let request = ModelRequest {
        groups: vec![
            group(vec![reply("one"), effect("a", false)]),
            group(vec![forward("x"), effect("b", true)]),
            group(vec![fail("boom"), effect("c", false)]),
        ],
    };
    let mut response = ActionResponse::default();
    fold_request(&mut response, &request);
    assert_eq!(
        response.response,
        Some(Outcome::Failure(Failure {
            command_id: 0,
            description: "boom".into(),
            restart: false
        }))
    );
    assert_eq!(
        response.side_effects,
        vec![
            side_effect("a", false),
            side_effect("b", true),
            side_effect("c", false)
        ]
    );
}

#[test]
fn reply_and_forward_have_the_exact_shape() {
    let mut response = ActionResponse::default();
    fold_steps(&mut response, &[reply("one")]);
    let expected_payload = prost_types::Any {
        type_url: "type.googleapis.com/cloudstate.tck.model.action.Response".into(),
        value: vec![0x0a, 0x03, b'o', b'n', b'e'],
    };
    assert_eq!(
        response.response,
        Some(Outcome::Reply(Reply {
            payload: Some(expected_payload),
            metadata: None
        }))
    );
    fold_steps(&mut response, &[forward("one")]);
    assert_eq!(
        response.response,
        Some(Outcome::Forward(Forward {
            service_name: "cloudstate.tck.model.action.ActionTwo".into(),
            command_name: "Call".into(),
            payload: Some(pack(&OtherRequest { id: "one".into() })),
            metadata: None
        }))
    );
}

#[test]
fn no_steps_means_no_outcome() {
    let mut response = ActionResponse::default();
    fold_request(
        &mut response,
        &ModelRequest {
            groups: vec![group(vec![])],
        },
    );
    assert_eq!(response, ActionResponse::default());
}

#[test]
fn streamed_shapes_answer_once_per_group() {
    let request = ModelRequest {
        groups: vec![
            group(vec![reply("one")]),
            group(vec![fail("two"), effect("a", false)]),
            group(vec![]),
        ],
    };
    let responses = per_group(&request);
    assert_eq!(responses.len(), 3);
    assert!(matches!(responses[1].response, Some(Outcome::Failure(_))));
    assert_eq!(responses[1].side_effects, vec![side_effect("a", false)]);
    assert_eq!(responses[2], ActionResponse::default());
}

#[test]
fn duplex_session_checks_the_header() {
    let mut session = DuplexSession::default();
    let bad = session.on_message(ActionCommand {
        service_name: ACTION_TCK_MODEL.into(),
        name: "Nope".into(),
        ..ActionCommand::default()
    });
    assert!(bad.end);
    let mut session = DuplexSession::default();
    let header = session.on_message(ActionCommand {
        service_name: ACTION_TCK_MODEL.into(),
        name: "ProcessStreamed".into(),
        ..ActionCommand::default()
    });
    assert!(!header.end && header.out.is_empty());
    let request = ModelRequest {
        groups: vec![group(vec![reply("x")]), group(vec![reply("y")])],
    };
    let answer = session.on_message(ActionCommand {
        payload: Some(pack(&request)),
        ..ActionCommand::default()
    });
    assert!(!answer.end);
    assert_eq!(answer.out.len(), 2);
}

#[test]
fn a_faulty_duplex_session_batches_groups_and_ends_after_a_failure() {
    let header = ActionCommand {
        service_name: ACTION_TCK_MODEL.into(),
        name: "ProcessStreamed".into(),
        ..ActionCommand::default()
    };
    let request = ModelRequest {
        groups: vec![group(vec![reply("x")]), group(vec![fail("y")])],
    };
    let mut session = DuplexSession {
        header_seen: false,
        fault: Some(Fault::DuplexBatchesGroups),
    };
    session.on_message(header.clone());
    let answer = session.on_message(ActionCommand {
        payload: Some(pack(&request)),
        ..ActionCommand::default()
    });
    assert_eq!(answer.out.len(), 1);
    let mut session = DuplexSession {
        header_seen: false,
        fault: Some(Fault::StreamEndsAfterFailure),
    };
    session.on_message(header);
    let answer = session.on_message(ActionCommand {
        payload: Some(pack(&request)),
        ..ActionCommand::default()
    });
    assert!(answer.end);
    assert_eq!(answer.out.len(), 2);
}
