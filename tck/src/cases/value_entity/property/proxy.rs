//! Value-entity properties in proxy mode: generated client calls through the proxy, each checked twice:
//! what the client gets against the oracle, and, through the interceptor, the proxy's streams to the
//! model: inits with the stored value, commands in order with ids from 1, one in flight per entity,
//! forwards and side effects as commands on their targets' own streams.
//!
//! The scenarios are played by the runner of entity types with one command in flight
//! ([`one_at_a_time`]); this module says how value entities look to it.

use crate::session::TargetChannel;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{Request, Response};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityStreamIn, ValueEntityStreamOut, value_entity_stream_in,
};
use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};
use tonic::Status;

use super::wire::{self, REQUEST};
use crate::case::{Case, Verdict, proxy_case};
use crate::property::oracle::{Effect, VeAnswer, VeEntity};
use crate::property::proxy::entity::{ClientOutcome, OneCommandAtATime, ProxyEntity};
use crate::property::proxy::one_at_a_time;
use crate::property::proxy::scenario;
use crate::property::runner::check_property;
use crate::property::strategy::VeAction;
use crate::proxy::ProxyCx;

const COMMANDS: &str = "value_entity.proxy.property_commands";

/// The value-entity property cases in proxy mode.
pub(crate) static CASES: &[Case] = &[proxy_case! {
    id: "value_entity.proxy.property_commands",
    summary: "generated client calls (one at a time, several at once, across crashed streams) get the oracle's answers, on streams with the stored value, ids from 1 and one command in flight",
    requirements: [
        "VE-004", "VE-005", "VE-017", "VE-018", "VE-019", "VE-020", "VE-021", "VE-022", "VE-023", "VE-024",
        "VE-025", "VE-029", "VE-030", "FWD-007",
    ],
    services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
    run: property_commands,
}];

async fn property_commands(cx: ProxyCx) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        COMMANDS,
        cx.settings(),
        scenario::value_entity,
        cx.trace(),
        deadline,
        |steps| one_at_a_time::play::<ValueEntity>(cx.clone(), steps),
    )
    .await
}

/// `ValueEntityTckModel` entities, with `ValueEntityTwo` entities as their targets.
struct ValueEntity;

impl ProxyEntity for ValueEntity {
    type In = ValueEntityStreamIn;
    type Request = Request;
    type Response = Response;
    type Action = VeAction;
    type Oracle = VeEntity;
    type Answer = VeAnswer;

    const HANDLE: &'static str = "/cloudstate.valueentity.ValueEntity/handle";
    const METHOD: &'static str = "ValueEntityTckModel.Process";
    const REQUEST: &'static str = REQUEST;

    async fn call(
        channel: TargetChannel,
        request: Request,
    ) -> Result<tonic::Response<Response>, Status> {
        ValueEntityTckModelClient::new(channel)
            .process(request)
            .await
    }

    fn entity_of(sent: &ValueEntityStreamIn) -> Option<String> {
        match &sent.message {
            Some(value_entity_stream_in::Message::Init(init)) => Some(init.entity_id.clone()),
            _ => None,
        }
    }

    fn request(id: &str, actions: &[VeAction], fail: bool, two: &str) -> Request {
        wire::request(id, actions, fail, two)
    }

    /// The model replies with the stored value, so the marker is a value it stores; the crash keeps it
    /// from being stored.
    fn marked(id: &str, marker: &str) -> Request {
        wire::updating(id, marker)
    }

    fn command_in(command_id: i64, name: &str, request: &Request) -> ValueEntityStreamIn {
        wire::command_in(command_id, name, request)
    }

    /// The init carries the stored value, if any.
    fn init(id: &str, oracle: &VeEntity) -> ValueEntityStreamIn {
        wire::init(VALUE_ENTITY_TCK_MODEL, id, oracle.stored.as_deref())
    }

    fn answer(oracle: &mut VeEntity, actions: &[VeAction], fail: bool) -> VeAnswer {
        oracle.process(actions, fail)
    }

    fn effects(answer: &VeAnswer) -> &[Effect] {
        &answer.effects
    }

    fn outcome(answer: &VeAnswer) -> ClientOutcome<Response> {
        ClientOutcome::of(&answer.outcome, |message| Response { message })
    }
}

impl OneCommandAtATime for ValueEntity {
    type Out = ValueEntityStreamOut;

    const PREFIX: &'static str = "ve-property";

    fn expected(command_id: i64, answer: &VeAnswer, two: &str) -> ValueEntityStreamOut {
        wire::expected(command_id, answer, two)
    }

    fn target_init(id: &str) -> ValueEntityStreamIn {
        wire::init(VALUE_ENTITY_TWO, id, None)
    }

    fn target_request(id: &str) -> Request {
        wire::target_request(id)
    }

    fn empty_reply(command_id: i64) -> ValueEntityStreamOut {
        wire::empty_reply(command_id)
    }
}
