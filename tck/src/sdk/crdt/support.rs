//! The CRDT exchanges: what the TCK sends as the proxy, and the messages it expects back (compared with
//! [`expect`]).

use std::time::Duration;

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelete, CrdtDelta, CrdtInit, CrdtReply, CrdtStateAction, CrdtStreamCancelledResponse,
    CrdtStreamIn, CrdtStreamOut, CrdtStreamedMessage, CrdtWriteConsistency, crdt_state_action,
    crdt_stream_in, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    Delete, Effect, Fail, Forward, Request, RequestAction, Response, State, StreamedRequest,
    Update, request_action,
};
use cloudstate_protocol::cloudstate::{ClientAction, StreamCancelled};
use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TCK_MODEL, CRDT_TWO};
use prost_types::Any;

pub(super) use super::compare::expect;
use crate::case::Verdict;
use crate::messages::{command, failure, forward, pack, reply, side_effect};
use crate::sdk::SdkCx;

/// The services the CRDT model cases need.
pub(super) const MODEL: &[&str] = &[CRDT_TCK_MODEL, CRDT_TWO];
/// The service the configured-entity case needs.
pub(super) const CONFIGURED: &[&str] = &[CRDT_CONFIGURED];

/// How long a case waits to be sure the target sends nothing more.
pub(super) const SILENCE: Duration = Duration::from_millis(100);

/// The failure message the cases ask the model to fail with.
pub(super) const EXPECTED_FAILURE: &str = "expected failure";

const REQUEST: &str = "cloudstate.tck.model.crdt.Request";
const STREAMED_REQUEST: &str = "cloudstate.tck.model.crdt.StreamedRequest";
const RESPONSE: &str = "cloudstate.tck.model.crdt.Response";

fn stream_in(message: crdt_stream_in::Message) -> CrdtStreamIn {
    CrdtStreamIn {
        message: Some(message),
    }
}

/// The init of a new `CrdtTckModel` entity: no delta.
pub(super) fn init(entity_id: &str) -> CrdtStreamIn {
    init_with(entity_id, None)
}

/// The init of a `CrdtTckModel` entity whose current value is `delta`.
pub(super) fn init_delta(entity_id: &str, delta: CrdtDelta) -> CrdtStreamIn {
    init_with(entity_id, Some(delta))
}

fn init_with(entity_id: &str, delta: Option<CrdtDelta>) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Init(CrdtInit {
        service_name: CRDT_TCK_MODEL.to_owned(),
        entity_id: entity_id.to_owned(),
        delta,
    }))
}

/// A change replicated from elsewhere.
pub(super) fn delta(delta: CrdtDelta) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Delta(delta))
}

/// The proxy deleting the entity.
pub(super) fn crdt_delete() -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Delete(CrdtDelete {}))
}

/// Command `id` to `CrdtTckModel.Process` with `Request{entity_id, actions}`.
pub(super) fn process(entity_id: &str, id: i64, actions: Vec<RequestAction>) -> CrdtStreamIn {
    let request = Request {
        id: entity_id.to_owned(),
        actions,
    };
    let command = command(entity_id, id, "Process", pack(REQUEST, &request));
    stream_in(crdt_stream_in::Message::Command(command))
}

/// Streamed command `id` to `CrdtTckModel.ProcessStreamed` with this request (its `id` is set here).
pub(super) fn process_streamed(
    entity_id: &str,
    id: i64,
    mut request: StreamedRequest,
) -> CrdtStreamIn {
    entity_id.clone_into(&mut request.id);
    let mut command = command(
        entity_id,
        id,
        "ProcessStreamed",
        pack(STREAMED_REQUEST, &request),
    );
    command.streamed = true;
    stream_in(crdt_stream_in::Message::Command(command))
}

/// The proxy's notice that the client of streamed command `id` went away.
pub(super) fn cancelled(entity_id: &str, id: i64) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::StreamCancelled(StreamCancelled {
        entity_id: entity_id.to_owned(),
        id,
    }))
}

fn action(action: request_action::Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}

/// One `Update` action per update, in order.
pub(super) fn updates(updates: impl IntoIterator<Item = Update>) -> Vec<RequestAction> {
    updates
        .into_iter()
        .map(|update| action(request_action::Action::Update(update)))
        .collect()
}

/// The action `Delete{}`.
pub(super) fn delete() -> RequestAction {
    action(request_action::Action::Delete(Delete {}))
}

/// The action `Forward{id}`.
pub(super) fn forward_to(id: &str) -> RequestAction {
    action(request_action::Action::Forward(Forward {
        id: id.to_owned(),
    }))
}

/// The action `Effect{id, synchronous}`.
pub(super) fn effect(id: &str, synchronous: bool) -> RequestAction {
    action(request_action::Action::Effect(Effect {
        id: id.to_owned(),
        synchronous,
    }))
}

/// The action `Fail{message}`.
pub(super) fn fail(message: &str) -> RequestAction {
    action(request_action::Action::Fail(Fail {
        message: message.to_owned(),
    }))
}

/// `Response{state}`, packed.
fn response(state: State) -> Any {
    pack(RESPONSE, &Response { state: Some(state) })
}

/// `Request{id}`, packed: the payload of forwards and side effects to `CrdtTwo.Call`.
fn request_to_two(id: &str) -> Any {
    pack(
        REQUEST,
        &Request {
            id: id.to_owned(),
            actions: Vec::new(),
        },
    )
}

fn side_effect_to_two(id: &str, synchronous: bool) -> cloudstate_protocol::cloudstate::SideEffect {
    side_effect(CRDT_TWO, "Call", request_to_two(id), synchronous)
}

fn update_action(delta: CrdtDelta, consistency: CrdtWriteConsistency) -> CrdtStateAction {
    CrdtStateAction {
        write_consistency: consistency.into(),
        action: Some(crdt_state_action::Action::Update(delta)),
    }
}

/// A `CrdtReply` the TCK expects, built up field by field.
#[derive(Debug, Clone)]
pub(super) struct Expected(CrdtReply);

impl Expected {
    fn with_action(command_id: i64, client_action: Option<ClientAction>) -> Self {
        Expected(CrdtReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            state_action: None,
            streamed: false,
        })
    }

    /// Reply to command `command_id` with `Response{state}`, and nothing else.
    pub(super) fn reply(command_id: i64, state: State) -> Self {
        Self::with_action(command_id, reply(response(state)))
    }

    /// Reply to command `command_id` with no client action.
    pub(super) fn no_action(command_id: i64) -> Self {
        Self::with_action(command_id, None)
    }

    /// Forward of command `command_id` to `CrdtTwo.Call` with `Request{id}`.
    pub(super) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(command_id, forward(CRDT_TWO, "Call", request_to_two(id)))
    }

    /// Failure of command `command_id` with this description (restart false).
    pub(super) fn failure(command_id: i64, description: &str) -> Self {
        Self::with_action(command_id, failure(command_id, description))
    }

    /// With the state action `update(delta)`, write consistency `LOCAL`.
    pub(super) fn update(self, delta: CrdtDelta) -> Self {
        self.update_with(delta, CrdtWriteConsistency::Local)
    }

    /// With the state action `update(delta)` and this write consistency.
    pub(super) fn update_with(
        mut self,
        delta: CrdtDelta,
        consistency: CrdtWriteConsistency,
    ) -> Self {
        self.0.state_action = Some(update_action(delta, consistency));
        self
    }

    /// With the state action `delete`.
    pub(super) fn delete(mut self) -> Self {
        self.0.state_action = Some(CrdtStateAction {
            write_consistency: CrdtWriteConsistency::Local.into(),
            action: Some(crdt_state_action::Action::Delete(CrdtDelete {})),
        });
        self
    }

    /// With one more side effect to `CrdtTwo.Call` carrying `Request{id}`.
    pub(super) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0
            .side_effects
            .push(side_effect_to_two(id, synchronous));
        self
    }

    /// With one more asynchronous side effect per id, in order.
    pub(super) fn side_effects(self, ids: &[&str]) -> Self {
        ids.iter()
            .fold(self, |expected, id| expected.side_effect(id, false))
    }

    /// With `streamed` set.
    pub(super) fn streamed(mut self) -> Self {
        self.0.streamed = true;
        self
    }

    /// The stream message.
    pub(super) fn out(self) -> CrdtStreamOut {
        CrdtStreamOut {
            message: Some(crdt_stream_out::Message::Reply(self.0)),
        }
    }
}

/// A `CrdtStreamedMessage` the TCK expects.
#[derive(Debug, Clone)]
pub(super) struct Streamed(CrdtStreamedMessage);

impl Streamed {
    /// A streamed message for command `command_id` with `Response{state}`.
    pub(super) fn state(command_id: i64, state: State) -> Self {
        Streamed(CrdtStreamedMessage {
            command_id,
            client_action: reply(response(state)),
            side_effects: Vec::new(),
            end_stream: false,
        })
    }

    /// With one more side effect to `CrdtTwo.Call` carrying `Request{id}`.
    pub(super) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0
            .side_effects
            .push(side_effect_to_two(id, synchronous));
        self
    }

    /// With `end_stream` set.
    pub(super) fn end_stream(mut self) -> Self {
        self.0.end_stream = true;
        self
    }

    /// The stream message.
    pub(super) fn out(self) -> CrdtStreamOut {
        CrdtStreamOut {
            message: Some(crdt_stream_out::Message::StreamedMessage(self.0)),
        }
    }
}

/// The answer to the cancellation of streamed command `command_id`, with the state action
/// `update(delta)` when given.
pub(super) fn cancelled_response(command_id: i64, delta: Option<CrdtDelta>) -> CrdtStreamOut {
    CrdtStreamOut {
        message: Some(crdt_stream_out::Message::StreamCancelledResponse(
            CrdtStreamCancelledResponse {
                command_id,
                side_effects: Vec::new(),
                state_action: delta.map(|delta| update_action(delta, CrdtWriteConsistency::Local)),
            },
        )),
    }
}

/// Case "delete action sent to entity", for an entity of `crdt_type`: after the proxy's delete, the user
/// function sends nothing and ends the stream when the proxy half-closes it.
pub(super) async fn delete_sent_to_entity(cx: SdkCx, crdt_type: &str) -> Verdict {
    let id = cx.fresh_id(crdt_type);
    let mut stream = cx.crdt();
    stream.send(init(&id));
    stream.send(crdt_delete());
    stream.expect_silence(SILENCE).await?;
    stream.close().await
}
