//! Command failures: their shape, what they discard, the restart flag, and that the entity stays usable.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamOut, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::{ClientAction, client_action};
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use crate::case::{Case, sdk_case};
use crate::case::{CaseFailure, Verdict};
use crate::messages::event_sourced::{
    EXPECTED_FAILURE, Expected, effect, emit, emits, event_in, fail, init, process,
};
use crate::sdk::{EventSourcedStream, SdkCx};
use crate::wire::WireMessage as _;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.failure_action",
        summary: "a failing command gets a failure with its id, its message and restart false",
        requirements: ["ES-016", "ES-017", "ES-018"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failure_action,
    },
    sdk_case! {
        id: "event_sourced.sdk.connection_after_failure_action",
        summary: "after a failure the stream stays usable and keeps the state from before the failed command",
        requirements: ["ES-016", "ES-020"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: connection_after_failure_action,
    },
    sdk_case! {
        id: "event_sourced.sdk.failure_actions_do_not_retain_emitted_events",
        summary: "events emitted before a failure are discarded and do not count towards the snapshot interval, with or without a restart",
        requirements: ["ES-011", "ES-016", "ES-017", "ES-019", "ES-020"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failure_actions_do_not_retain_emitted_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.failure_actions_do_not_allow_side_effects",
        summary: "a failure drops the side effects the command requested before failing",
        requirements: ["ES-016", "ES-017"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: failure_actions_do_not_allow_side_effects,
    },
];

/// Case 72: a failing command is answered with a failure for its id, `restart` false and nothing else.
pub(super) async fn failure_action(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, vec![fail(EXPECTED_FAILURE)]));
    stream
        .expect(Expected::failure(1, EXPECTED_FAILURE, false).out())
        .await?;
    stream.close().await
}

/// Case 73: after a failure, the same stream answers the next command with the state from before it.
pub(super) async fn connection_after_failure_action(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, emits(&["A"])));
    stream
        .expect(Expected::reply(1, "A").events(&["A"]).out())
        .await?;
    stream.send(process(&id, 2, vec![fail(EXPECTED_FAILURE)]));
    stream
        .expect(Expected::failure(2, EXPECTED_FAILURE, false).out())
        .await?;
    stream.send(process(&id, 3, vec![]));
    stream.expect(Expected::reply(3, "A").out()).await?;
    stream.close().await
}

/// Case 74: events emitted before a failure are discarded and do not count towards the snapshot interval.
///
/// The SDK chooses the `restart` flag of the first failure. With `restart` true, the TCK plays a proxy
/// that restarts the entity from the three stored events, and expects the SDK to ask for a restart again
/// after the second failure; with `restart` false, everything happens on the first stream.
pub(super) async fn failure_actions_do_not_retain_emitted_events(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut first = cx.event_sourced();
    first.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    first.send(process(&id, 1, emits(&["A", "B", "C"])));
    first
        .expect(Expected::reply(1, "ABC").events(&["A", "B", "C"]).out())
        .await?;
    first.send(process(
        &id,
        2,
        vec![emit("4"), emit("5"), fail("failure 1")],
    ));
    let restart = expect_failure_either_way(&mut first, 2, "failure 1").await?;

    if !restart {
        first.send(process(&id, 3, emits(&["D"])));
        first
            .expect(Expected::reply(3, "ABCD").events(&["D"]).out())
            .await?;
        first.send(process(
            &id,
            4,
            vec![emit("6"), fail("failure 2"), emit("7")],
        ));
        first
            .expect(Expected::failure(4, "failure 2", false).out())
            .await?;
        first.send(process(&id, 5, emits(&["E"])));
        first
            .expect(
                Expected::reply(5, "ABCDE")
                    .events(&["E"])
                    .snapshot("ABCDE")
                    .out(),
            )
            .await?;
        return first.close().await;
    }

    first.close().await?;
    let mut second = cx.event_sourced();
    second.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    for (sequence, value) in (1..).zip(["A", "B", "C"]) {
        second.send(event_in(sequence, value));
    }
    second.send(process(&id, 1, emits(&["D"])));
    second
        .expect(Expected::reply(1, "ABCD").events(&["D"]).out())
        .await?;
    second.send(process(
        &id,
        2,
        vec![emit("6"), fail("failure 2"), emit("7")],
    ));
    second
        .expect(Expected::failure(2, "failure 2", true).out())
        .await?;
    second.close().await?;

    let mut third = cx.event_sourced();
    third.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    for (sequence, value) in (1..).zip(["A", "B", "C", "D"]) {
        third.send(event_in(sequence, value));
    }
    third.send(process(&id, 1, emits(&["E"])));
    third
        .expect(
            Expected::reply(1, "ABCDE")
                .events(&["E"])
                .snapshot("ABCDE")
                .out(),
        )
        .await?;
    third.close().await
}

/// Case 75: a side effect requested before the failure is dropped with it.
pub(super) async fn failure_actions_do_not_allow_side_effects(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(
        &id,
        1,
        vec![effect(&id, false), fail(EXPECTED_FAILURE)],
    ));
    stream
        .expect(Expected::failure(1, EXPECTED_FAILURE, false).out())
        .await?;
    stream.close().await
}

/// Receives the answer to a command that emitted events and then failed, and returns its `restart` flag.
///
/// Either flag is accepted; everything else must be exact: a reply for `command_id` whose client action is
/// a failure for `command_id` with `description`, and no events, snapshot or side effects.
async fn expect_failure_either_way(
    stream: &mut EventSourcedStream,
    command_id: i64,
    description: &str,
) -> Result<bool, CaseFailure> {
    let actual = match stream.recv().await {
        Ok(actual) => actual,
        Err(mut failure) => {
            failure.expected.get_or_insert_with(|| {
                Expected::failure(command_id, description, false)
                    .out()
                    .pretty()
            });
            return Err(failure);
        }
    };
    let problems = failure_problems(&actual, command_id, description);
    let restart = failure_restart(&actual).unwrap_or(false);
    let expected = Expected::failure(command_id, description, restart).out();
    if problems.is_empty() && actual == expected {
        return Ok(restart);
    }
    let problems = if problems.is_empty() {
        "it differs from the failure expected".to_owned()
    } else {
        problems.join("; ")
    };
    Err(CaseFailure::mismatch(
        format!(
            "{}: expected a failure of command {command_id} with description `{description}` and no events, \
             snapshot or side effects (`restart` may be true or false), but {problems}",
            stream.label()
        ),
        expected.pretty(),
        actual.pretty(),
    ))
}

/// The `restart` flag, when the message is a reply whose client action is a failure.
fn failure_restart(message: &EventSourcedStreamOut) -> Option<bool> {
    match &message.message {
        Some(event_sourced_stream_out::Message::Reply(reply)) => match &reply.client_action {
            Some(ClientAction {
                action: Some(client_action::Action::Failure(failure)),
            }) => Some(failure.restart),
            _ => None,
        },
        _ => None,
    }
}

/// Every way in which `message` is not a failure reply for `command_id` with `description` and nothing else.
fn failure_problems(
    message: &EventSourcedStreamOut,
    command_id: i64,
    description: &str,
) -> Vec<String> {
    let reply = match &message.message {
        Some(event_sourced_stream_out::Message::Reply(reply)) => reply,
        Some(event_sourced_stream_out::Message::Failure(failure)) => {
            return vec![format!(
                "the user function sent a top-level stream failure (`{}`) instead of a reply",
                failure.description
            )];
        }
        None => return vec!["the user function sent an empty message".to_owned()],
    };
    let mut problems = Vec::new();
    if reply.command_id != command_id {
        problems.push(format!("the reply is for command {}", reply.command_id));
    }
    match reply
        .client_action
        .as_ref()
        .and_then(|action| action.action.as_ref())
    {
        Some(client_action::Action::Failure(failure)) => {
            if failure.command_id != command_id {
                problems.push(format!("the failure names command {}", failure.command_id));
            }
            if failure.description != description {
                problems.push(format!(
                    "the failure's description is `{}`",
                    failure.description
                ));
            }
        }
        Some(client_action::Action::Reply(_)) => {
            problems.push("the client action is a reply".to_owned())
        }
        Some(client_action::Action::Forward(_)) => {
            problems.push("the client action is a forward".to_owned())
        }
        None => problems.push("the reply has no client action".to_owned()),
    }
    if !reply.events.is_empty() {
        problems.push(format!(
            "the reply carries {} event(s) of the failed command",
            reply.events.len()
        ));
    }
    if reply.snapshot.is_some() {
        problems.push("the reply carries a snapshot".to_owned());
    }
    if !reply.side_effects.is_empty() {
        problems.push(format!(
            "the reply carries {} side effect(s)",
            reply.side_effects.len()
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_failure_has_no_problems_whatever_its_restart_flag() {
        for restart in [false, true] {
            let message = Expected::failure(2, "failure 1", restart).out();
            assert!(failure_problems(&message, 2, "failure 1").is_empty());
            assert_eq!(failure_restart(&message), Some(restart));
        }
    }

    #[test]
    fn retained_events_and_a_wrong_description_are_both_reported() {
        let message = Expected::failure(2, "other", true)
            .events(&["4", "5"])
            .out();
        let problems = failure_problems(&message, 2, "failure 1");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|problem| problem.contains("2 event(s)"))
        );
    }

    #[test]
    fn a_plain_reply_is_not_a_failure() {
        let message = Expected::reply(2, "ABC45")
            .events(&["4", "5"])
            .snapshot("ABC45")
            .out();
        let problems = failure_problems(&message, 2, "failure 1");
        assert!(
            problems
                .iter()
                .any(|problem| problem.contains("client action is a reply"))
        );
        assert!(problems.iter().any(|problem| problem.contains("snapshot")));
        assert_eq!(failure_restart(&message), None);
    }
}
