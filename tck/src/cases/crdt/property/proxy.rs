//! CRDT properties in proxy mode: generated client calls of one entity of each CRDT type through the
//! proxy, each checked twice: what the client gets against the oracle, and, through the interceptor, the
//! proxy's streams to the model: inits with the value the proxy holds (also after the TCK crashed a
//! stream), commands numbered from 1, and forwards and side effects as commands on their targets' streams.

use std::collections::BTreeMap;

use crate::session::TargetChannel;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtStreamIn, CrdtStreamOut, crdt_stream_in, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::{Request, Response};
use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, CRDT_TWO};
use prost::Message as _;
use tonic::Status;

use super::oracle::{CrdtAnswer, CrdtEntity, CrdtOutcome};
use super::scenario::{CrdtAction, CrdtScenario, CrdtStep, Kind};
use super::strategy::{Variant, scenario};
use super::wire::{comparable_init, expected_replies, marked, request_of, response_of};
use crate::case::{Case, CaseFailure, Verdict, proxy_case};
use crate::messages::crdt::{
    CALL, Expected, HANDLE, REQUEST, command_in, init, init_of, normalise_crdt_out, process,
    request,
};
use crate::property::oracle::Effect;
use crate::property::proxy::client::expect_delivered;
use crate::property::proxy::entity::{ClientOutcome, ProxyEntity};
use crate::property::proxy::run::{Entity, ProxyRun};
use crate::property::proxy::streams::answer_to;
use crate::property::proxy::targets::{expect_exactly, target};
use crate::property::runner::check_property;
use crate::proxy::{CallEvent, ProxyCx};
use crate::wire::WireMessage;

const COMMANDS: &str = "crdt.proxy.property_commands";

/// The CRDT property cases in proxy mode.
pub(crate) static CASES: &[Case] = &[proxy_case! {
    id: "crdt.proxy.property_commands",
    summary: "generated client calls of all eight CRDT types, across crashed streams, get the oracle's states, and every new stream's init carries the value the proxy holds",
    requirements: [
        "CRDT-003", "CRDT-036", "CRDT-037", "CRDT-038", "CRDT-039", "CRDT-040", "CRDT-041", "CRDT-042",
        "CRDT-048", "FWD-007",
    ],
    services: &[CRDT_TCK_MODEL, CRDT_TWO],
    run: property_commands,
}];

async fn property_commands(cx: ProxyCx) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        COMMANDS,
        cx.settings(),
        || scenario(Variant::Proxy),
        cx.trace(),
        deadline,
        |steps| run(cx.clone(), steps),
    )
    .await
}

/// `CrdtTckModel` entities of every CRDT type, with `CrdtTwo` entities as their targets.
struct Crdt;

impl ProxyEntity for Crdt {
    type In = CrdtStreamIn;
    type Request = Request;
    type Response = Response;
    type Action = CrdtAction;
    type Oracle = CrdtEntity;
    type Answer = CrdtAnswer;

    const HANDLE: &'static str = HANDLE;
    const METHOD: &'static str = "CrdtTckModel.Process";
    const REQUEST: &'static str = REQUEST;

    async fn call(
        channel: TargetChannel,
        request: Request,
    ) -> Result<tonic::Response<Response>, Status> {
        CrdtTckModelClient::new(channel).process(request).await
    }

    fn entity_of(sent: &CrdtStreamIn) -> Option<String> {
        match &sent.message {
            Some(crdt_stream_in::Message::Init(init)) => Some(init.entity_id.clone()),
            _ => None,
        }
    }

    /// Inits are compared with set elements and map entries sorted, and register clocks left out.
    fn same_init(sent: &CrdtStreamIn, expected: &CrdtStreamIn) -> bool {
        comparable_init(sent) == comparable_init(expected)
    }

    fn request(id: &str, actions: &[CrdtAction], fail: bool, two: &str) -> Request {
        request_of(id, actions, fail, two)
    }

    /// The marker is the target of a side effect: the command changes nothing.
    fn marked(id: &str, marker: &str) -> Request {
        marked(id, marker)
    }

    fn command_in(command_id: i64, name: &str, request: &Request) -> CrdtStreamIn {
        command_in(command_id, name, request)
    }

    /// The init carries the value the proxy holds, as a delta.
    fn init(id: &str, oracle: &CrdtEntity) -> CrdtStreamIn {
        init(id, oracle.init_delta())
    }

    fn answer(oracle: &mut CrdtEntity, actions: &[CrdtAction], fail: bool) -> CrdtAnswer {
        oracle.process(actions, fail)
    }

    fn effects(answer: &CrdtAnswer) -> &[Effect] {
        &answer.effects
    }

    fn outcome(answer: &CrdtAnswer) -> ClientOutcome<Response> {
        match &answer.outcome {
            CrdtOutcome::Reply(value) => ClientOutcome::Reply(response_of(value)),
            // The forward's target, `CrdtTwo.Call`, answers with an empty response.
            CrdtOutcome::Forward(n) => ClientOutcome::Forward(*n),
            CrdtOutcome::Failure => ClientOutcome::Failure,
        }
    }
}

/// Plays one scenario through the proxy, on fresh entities and targets.
async fn run(cx: ProxyCx, scenario: CrdtScenario) -> Verdict {
    let mut run = ProxyRun::<Crdt>::new(cx, "crdt-property");
    let mut slots: BTreeMap<Kind, Entity<Crdt>> = BTreeMap::new();
    for (index, step) in scenario.0.iter().enumerate() {
        match step {
            CrdtStep::Command {
                kind,
                actions,
                fail,
            } => {
                let slot = slot(&run, &mut slots, *kind);
                call(&mut run, slot, actions, *fail).await?;
            }
            CrdtStep::Restart(kind) => {
                let slot = slot(&run, &mut slots, *kind);
                run.restart(slot, index).await?;
            }
            // SDK scenarios only: a proxy replicates, passivates and deletes on its own.
            CrdtStep::Replicated(..) | CrdtStep::Passivate(_) | CrdtStep::ProxyDelete(_) => {}
        }
    }
    targets_called(&mut run).await?;
    let ids: Vec<String> = slots.values().map(|slot| slot.id.clone()).collect();
    run.expect_none_left(&ids)
}

/// The scenario's entity of one CRDT type.
fn slot<'a>(
    run: &ProxyRun<Crdt>,
    slots: &'a mut BTreeMap<Kind, Entity<Crdt>>,
    kind: Kind,
) -> &'a mut Entity<Crdt> {
    slots.entry(kind).or_insert_with(|| {
        Entity::new(
            format!("{}-{}", kind.name(), run.prefix()),
            CrdtEntity::new(kind),
        )
    })
}

/// One client call: the command on the entity's stream, the model's reply as the oracle says, and the
/// client's outcome.
async fn call(
    run: &mut ProxyRun<Crdt>,
    slot: &mut Entity<Crdt>,
    actions: &[CrdtAction],
    fail: bool,
) -> Verdict {
    let request = request_of(&slot.id, actions, fail, run.two());
    let what = ProxyRun::<Crdt>::describe(&request);
    let outcome = run.client(&request).await?;
    expect_delivered(&what, &outcome)?;
    let Entity { id, oracle, stream } = slot;
    let (probe, next) = run.stream(id, oracle, stream).await?;
    probe.expect_from_proxy(process(*next, &request)).await?;
    let answer = oracle.process(actions, fail);
    let reply: CrdtStreamOut = answer_to(probe, *next).await?;
    let accepted: Vec<CrdtStreamOut> = expected_replies(*next, &answer, run.two())
        .into_iter()
        .map(normalise_crdt_out)
        .collect();
    let reply = normalise_crdt_out(reply);
    if !accepted.contains(&reply) {
        let wanted = accepted.first().cloned().unwrap_or_default();
        return Err(CaseFailure::mismatch(
            format!(
                "the user function's reply to command {next} on entity {id}'s stream differs from the oracle's (set and map elements sorted)"
            ),
            wanted.pretty(),
            reply.pretty(),
        ));
    }
    *next += 1;
    run.expectation(&answer).check(&what, &outcome)
}

/// Every target the scenario forwarded to or asked a side effect of got exactly its calls, on a stream
/// of its own numbered from 1; unlike other entities, a CRDT may have several commands in flight, and replies
/// are matched to them by id (CRDT-018).
async fn targets_called(run: &mut ProxyRun<Crdt>) -> Verdict {
    let mut streams = Vec::new();
    for (n, count) in run.target_counts() {
        let id = target(run.two(), n);
        let init = init_of(CRDT_TWO, &id, None);
        let mut probe = run.claim(&id, init).await?;
        let (mut sent, mut answered) = (0, Vec::new());
        while sent < count || (answered.len() as i64) < count {
            match probe.next_event().await? {
                CallEvent::FromProxy(bytes) => {
                    sent += 1;
                    let expected = command_in(sent, CALL, &request(&id, Vec::new()));
                    expect_message(
                        &bytes,
                        &expected,
                        &format!("command {sent} on target {id}'s stream"),
                    )?;
                }
                CallEvent::FromUserFunction(bytes) => {
                    let reply = CrdtStreamOut::decode(bytes.clone()).unwrap_or_default();
                    let command_id = match &reply.message {
                        Some(crdt_stream_out::Message::Reply(reply)) => reply.command_id,
                        _ => 0,
                    };
                    if command_id < 1 || command_id > sent || answered.contains(&command_id) {
                        return Err(CaseFailure::fail(format!(
                            "target {id}'s stream carried an answer to no command in flight: {}",
                            reply.compact()
                        )));
                    }
                    answered.push(command_id);
                    expect_message(
                        &bytes,
                        &Expected::empty_reply(command_id).out(),
                        &format!("the reply to command {command_id} on target {id}'s stream"),
                    )?;
                }
                other => {
                    return Err(CaseFailure::fail(format!(
                        "target {id}'s stream: expected {count} commands and their replies, saw {other:?}"
                    )));
                }
            }
        }
        streams.push((id, count, probe));
    }
    expect_exactly(&mut streams).await
}

/// Checks that `bytes` are `expected`, byte for byte after decoding.
fn expect_message<M: WireMessage>(bytes: &[u8], expected: &M, what: &str) -> Verdict {
    match M::decode(bytes) {
        Ok(actual) if actual == *expected => Ok(()),
        Ok(actual) => Err(CaseFailure::mismatch(
            format!("{what} differs from the expected one"),
            expected.pretty(),
            actual.pretty(),
        )),
        Err(error) => Err(CaseFailure::fail(format!(
            "{what} is not a {}: {error}",
            M::FULL_NAME
        ))),
    }
}
