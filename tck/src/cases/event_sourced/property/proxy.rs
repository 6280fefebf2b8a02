//! Event-sourced properties in proxy mode: generated client calls through the proxy, each checked twice:
//! what the client gets against the oracle, and, through the interceptor, the proxy's streams to the
//! model: inits with the latest snapshot followed by the later events, commands in order with ids from 1,
//! one in flight per entity, forwards and side effects as commands on their targets' own streams.
//!
//! The scenarios are played by the runner of entity types with one command in flight
//! ([`one_at_a_time`]); this module says how event-sourced entities look to it.

use crate::session::TargetChannel;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in,
};
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::{Request, Response};
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};
use tonic::Status;

use super::wire;
use crate::case::{Case, Verdict, proxy_case};
use crate::messages::event_sourced::{
    Expected, HANDLE, PROCESS_METHOD, REQUEST, call_request, command_in, emit, init, request,
};
use crate::property::oracle::{Effect, EsAnswer, EsEntity};
use crate::property::proxy::entity::{ClientOutcome, OneCommandAtATime, ProxyEntity};
use crate::property::proxy::one_at_a_time;
use crate::property::proxy::scenario;
use crate::property::runner::check_property;
use crate::property::strategy::EsAction;
use crate::proxy::ProxyCx;

const COMMANDS: &str = "event_sourced.proxy.property_commands";

/// The event-sourced property cases in proxy mode.
pub(crate) static CASES: &[Case] = &[proxy_case! {
    id: "event_sourced.proxy.property_commands",
    summary: "generated client calls (one at a time, several at once, across crashed streams) get the oracle's answers, on streams replaying the stored snapshot and events, ids from 1 and one command in flight",
    requirements: [
        "ES-004", "ES-005", "ES-021", "ES-023", "ES-024", "ES-025", "ES-026", "ES-027", "ES-028", "ES-029",
        "ES-030", "ES-031", "ES-035", "FWD-007",
    ],
    services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
    run: property_commands,
}];

async fn property_commands(cx: ProxyCx) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        COMMANDS,
        cx.settings(),
        scenario::event_sourced,
        cx.trace(),
        deadline,
        |steps| one_at_a_time::play::<EventSourced>(cx.clone(), steps),
    )
    .await
}

/// `EventSourcedTckModel` entities, with `EventSourcedTwo` entities as their targets.
struct EventSourced;

impl ProxyEntity for EventSourced {
    type In = EventSourcedStreamIn;
    type Request = Request;
    type Response = Response;
    type Action = EsAction;
    type Oracle = EsEntity;
    type Answer = EsAnswer;

    const HANDLE: &'static str = HANDLE;
    const METHOD: &'static str = PROCESS_METHOD;
    const REQUEST: &'static str = REQUEST;

    async fn call(
        channel: TargetChannel,
        request: Request,
    ) -> Result<tonic::Response<Response>, Status> {
        EventSourcedTckModelClient::new(channel)
            .process(request)
            .await
    }

    fn entity_of(sent: &EventSourcedStreamIn) -> Option<String> {
        match &sent.message {
            Some(event_sourced_stream_in::Message::Init(init)) => Some(init.entity_id.clone()),
            _ => None,
        }
    }

    fn request(id: &str, actions: &[EsAction], fail: bool, two: &str) -> Request {
        wire::scenario_request(id, actions, fail, two)
    }

    /// The model replies with the state, so the marker is an event it emits; the crash keeps it from
    /// being stored.
    fn marked(id: &str, marker: &str) -> Request {
        request(id, vec![emit(marker)])
    }

    fn command_in(command_id: i64, name: &str, request: &Request) -> EventSourcedStreamIn {
        command_in(command_id, name, request)
    }

    /// The init carries the stored snapshot, if any.
    fn init(id: &str, stored: &EsEntity) -> EventSourcedStreamIn {
        wire::stored_init(EVENT_SOURCED_TCK_MODEL, id, stored)
    }

    /// The stored events after the snapshot follow the init.
    fn replay(stored: &EsEntity) -> Vec<EventSourcedStreamIn> {
        wire::replay(stored)
    }

    fn answer(oracle: &mut EsEntity, actions: &[EsAction], fail: bool) -> EsAnswer {
        oracle.process(actions, fail)
    }

    fn effects(answer: &EsAnswer) -> &[Effect] {
        &answer.effects
    }

    fn outcome(answer: &EsAnswer) -> ClientOutcome<Response> {
        ClientOutcome::of(&answer.outcome, |message| Response { message })
    }
}

impl OneCommandAtATime for EventSourced {
    type Out = EventSourcedStreamOut;

    const PREFIX: &'static str = "es-property";

    fn expected(command_id: i64, answer: &EsAnswer, two: &str) -> EventSourcedStreamOut {
        wire::expected(command_id, answer, false, two)
    }

    /// A failure after emitting events may ask for a restart (ES-021).
    fn restarting(command_id: i64, answer: &EsAnswer, two: &str) -> Option<EventSourcedStreamOut> {
        answer
            .restart_allowed
            .then(|| wire::expected(command_id, answer, true, two))
    }

    fn target_init(id: &str) -> EventSourcedStreamIn {
        init(EVENT_SOURCED_TWO, id)
    }

    fn target_request(id: &str) -> Request {
        call_request(id)
    }

    fn empty_reply(command_id: i64) -> EventSourcedStreamOut {
        Expected::reply(command_id, "").out()
    }
}
