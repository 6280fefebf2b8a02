//! What a message from the user function means for the command in flight on a value-entity or
//! event-sourced stream: its answer, a top-level `Failure` that ends the entity (spec FAIL-001 to
//! FAIL-003), or a protocol violation that fails the command with `INTERNAL`, ends the stream and is
//! reported to the user function (MAL-030 to MAL-033).

use tonic::Status;

use crate::deviation;
use crate::entity::registry::Incoming;

/// What becomes of the command in flight.
#[derive(Debug)]
pub(crate) enum Judged<R> {
    /// The message answers the command.
    Answer(R),
    /// The message is ignored and the command waits on (only with the fault `empty-stream-out-skipped`).
    Skip,
    /// The command fails with `status` and the stream is given up; `report`, if any, goes to the user
    /// function with `reportError`.
    GiveUp {
        /// What the command's caller gets.
        status: Status,
        /// What the user function did wrong.
        report: Option<String>,
    },
    /// The command fails with `status` and the stream goes on (only with the fault
    /// `stream-failure-keeps-stream`).
    FailOnly(Status),
}

/// Judges `incoming`, which arrived while command `id` of `entity` (its ID and service, for messages)
/// was in flight.
pub(super) fn judge<R>(incoming: Incoming<R>, id: i64, entity: &str) -> Judged<R> {
    deviation::entity_stream::judge(incoming, id, |incoming| {
        protocol_judgement(incoming, id, entity)
    })
}

/// What the protocol makes of `incoming` while command `id` of `entity` is in flight.
fn protocol_judgement<R>(incoming: Incoming<R>, id: i64, entity: &str) -> Judged<R> {
    match incoming {
        Incoming::Reply(reply_id, reply) if reply_id == id => Judged::Answer(reply),
        Incoming::Reply(reply_id, _) => given_up(violation(
            entity,
            &format!("a reply for command {reply_id} while command {id} was in flight"),
        )),
        // The user function reported this itself: nothing to report back.
        Incoming::Failure(failure) => Judged::GiveUp {
            status: Status::unknown(failure.description),
            report: None,
        },
        Incoming::Empty => given_up(violation(
            entity,
            &format!("a message with nothing set while command {id} was in flight"),
        )),
    }
}

/// A protocol violation by the user function: the status its command's caller gets (`INTERNAL`), and the
/// message for `reportError`.
pub(super) fn violation(entity: &str, what: &str) -> (Status, String) {
    (
        Status::internal(format!("protocol violation by the user function: {what}")),
        format!("{entity}: {what}"),
    )
}

fn given_up<R>((status, report): (Status, String)) -> Judged<R> {
    Judged::GiveUp {
        status,
        report: Some(report),
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::Failure;
    use tonic::Code;

    use super::*;

    fn given_up(judged: Judged<&str>) -> (Code, String, Option<String>) {
        match judged {
            Judged::GiveUp { status, report } => {
                (status.code(), status.message().to_owned(), report)
            }
            other => panic!("not given up: {other:?}"),
        }
    }

    #[test]
    fn only_a_reply_to_the_command_in_flight_answers_it() {
        assert!(matches!(
            judge(Incoming::Reply(2, "r"), 2, "e"),
            Judged::Answer("r")
        ));
        for wrong in [1, 3, 99] {
            let (code, message, report) = given_up(judge(Incoming::Reply(wrong, "r"), 2, "e"));
            assert_eq!(code, Code::Internal);
            assert!(message.contains(&format!("command {wrong}")), "{message}");
            assert!(report.is_some_and(|report| report.starts_with("e: ")));
        }
        let (code, _, report) = given_up(judge::<&str>(Incoming::Empty, 2, "e"));
        assert_eq!(code, Code::Internal);
        assert!(report.is_some());
    }

    #[test]
    fn a_top_level_failure_fails_with_its_description_and_is_not_reported() {
        let failure = Failure {
            command_id: 0,
            description: "fatal".to_owned(),
            restart: false,
        };
        let (code, message, report) = given_up(judge::<&str>(Incoming::Failure(failure), 2, "e"));
        assert_eq!(
            (code, message.as_str(), report),
            (Code::Unknown, "fatal", None)
        );
    }
}
