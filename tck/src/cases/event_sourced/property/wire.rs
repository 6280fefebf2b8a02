//! Event-sourced scenarios on the wire: the oracle's scenarios and answers translated into the shared
//! event-sourced messages, the requests of `EventSourcedTckModel` commands, the inits and replays of what
//! the oracle stored, and the replies its answers become. Forward and side-effect targets are named
//! `<two>-<n>`, so that proxy scenarios can use targets of their own.

use cloudstate_protocol::cloudstate::eventsourced::{EventSourcedStreamIn, EventSourcedStreamOut};
use cloudstate_protocol::cloudstate::tck::model::Request;

use crate::messages::event_sourced::{
    Expected, effect, emit, event_in, fail, forward_to, init, init_snapshot, request,
};
use crate::property::oracle::{EsAnswer, EsEntity, FAILURE, Outcome};
use crate::property::proxy::targets::{target, then_failure};
use crate::property::strategy::{EsAction, letter};

/// `Request{id, actions}` for `EventSourcedTckModel.Process`, then `Fail` if `fail`.
pub(crate) fn scenario_request(id: &str, actions: &[EsAction], fail: bool, two: &str) -> Request {
    let each = |one: &EsAction| match one {
        EsAction::Emit(n) => emit(&letter(*n)),
        EsAction::Forward(n) => forward_to(&target(two, *n)),
        EsAction::Effect(n, synchronous) => effect(&target(two, *n), *synchronous),
    };
    request(
        id,
        then_failure(actions, fail, each, |message| self::fail(&message)),
    )
}

/// The init of a `service` entity: the stored snapshot, if any.
pub(crate) fn stored_init(service: &str, id: &str, entity: &EsEntity) -> EventSourcedStreamIn {
    match &entity.snapshot {
        Some((sequence, state)) => init_snapshot(service, id, *sequence, state),
        None => init(service, id),
    }
}

/// The stored events after the snapshot, as the proxy replays them after the init.
pub(crate) fn replay(entity: &EsEntity) -> Vec<EventSourcedStreamIn> {
    entity
        .events
        .iter()
        .map(|(sequence, value)| event_in(*sequence, value))
        .collect()
}

/// The oracle's answer to command `command_id` as the reply on the stream, with this `restart` flag for
/// a failure.
pub(crate) fn expected(
    command_id: i64,
    answer: &EsAnswer,
    restart: bool,
    two: &str,
) -> EventSourcedStreamOut {
    let expected = match &answer.outcome {
        Outcome::Reply(message) => Expected::reply(command_id, message),
        Outcome::Forward(n) => Expected::forward(command_id, &target(two, *n)),
        Outcome::Failure => Expected::failure(command_id, FAILURE, restart),
    };
    let expected = answer
        .effects
        .iter()
        .fold(expected, |expected, (n, synchronous)| {
            expected.side_effect(&target(two, *n), *synchronous)
        })
        .events(answer.events.as_slice());
    match &answer.snapshot {
        Some(state) => expected.snapshot(state),
        None => expected,
    }
    .out()
}
