//! CRDT properties in SDK mode: generated commands over one `CrdtTckModel` entity of each CRDT type, with
//! deltas from other replicas at init and between commands, passivations and deletes by the proxy; every
//! reply is checked against the oracle (set elements and map entries in any order, CRDT-016).

use std::collections::BTreeMap;

use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, CRDT_TWO};

use super::oracle::CrdtEntity;
use super::scenario::{CrdtScenario, CrdtStep, Kind};
use super::strategy::{Variant, scenario};
use super::wire::{expected_replies, request_of};
use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::messages::crdt::{deleted, init, normalise_crdt_out, process, replicated};
use crate::property::runner::check_property;
use crate::sdk::{CrdtStream, SdkCx};
use crate::wire::WireMessage as _;

const REPLIES: &str = "crdt.sdk.property_replies";
const REPLICATED: &str = "crdt.sdk.property_replicated";

/// What SDK scenarios name their forward and side-effect targets: `two-<n>`.
const TWO: &str = "two";

/// The CRDT property cases in SDK mode.
pub(crate) static CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.property_replies",
        summary: "generated updates of all eight CRDT types, with deletes, forwards, effects and failures, get exactly the oracle's states, net deltas and write consistencies",
        requirements: [
            "CRDT-004", "CRDT-007", "CRDT-008", "CRDT-049", "CRDT-010", "CRDT-011", "CRDT-012", "CRDT-014",
            "CRDT-016", "CRDT-017", "CRDT-018", "CRDT-021", "CRDT-030", "CRDT-031", "CRDT-032", "CRDT-033",
            "CRDT-034", "CRDT-035", "CRDT-050", "CRDT-051", "CRDT-052",
        ],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: property_replies,
    },
    sdk_case! {
        id: "crdt.sdk.property_replicated",
        summary: "generated commands mixed with deltas from other replicas (in the init and between commands), passivations and deletes by the proxy: replies report local changes only",
        requirements: [
            "CRDT-003", "CRDT-004", "CRDT-005", "CRDT-006", "CRDT-007", "CRDT-010", "CRDT-013", "CRDT-015",
            "CRDT-022", "CRDT-035",
        ],
        services: &[CRDT_TCK_MODEL, CRDT_TWO],
        run: property_replicated,
    },
];

async fn property_replies(cx: SdkCx) -> Verdict {
    check(cx, REPLIES, Variant::Local).await
}

async fn property_replicated(cx: SdkCx) -> Verdict {
    check(cx, REPLICATED, Variant::Replicated).await
}

/// Runs property `case_id` on scenarios of `variant`.
async fn check(cx: SdkCx, case_id: &str, variant: Variant) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        case_id,
        cx.settings(),
        move || scenario(variant),
        cx.trace(),
        deadline,
        |steps| run(cx.clone(), steps),
    )
    .await
}

/// The scenario's entity of one CRDT type: its id, the oracle's view of it, and its stream (with the id
/// of its next command) while it is open.
struct Slot {
    id: String,
    entity: CrdtEntity,
    stream: Option<(CrdtStream, i64)>,
}

impl Slot {
    fn new(cx: &SdkCx, kind: Kind) -> Slot {
        Slot {
            id: cx.fresh_id(kind.name()),
            entity: CrdtEntity::new(kind),
            stream: None,
        }
    }

    /// The open stream, opened with the init of what the proxy holds when it is not.
    fn open(&mut self, cx: &SdkCx) -> &mut (CrdtStream, i64) {
        let Slot { id, entity, stream } = self;
        stream.get_or_insert_with(|| open(cx, id, entity))
    }

    /// Half-closes the stream, if open, and lets it go (the fixed cases check how streams end).
    fn close(&mut self) {
        if let Some((stream, _)) = self.stream.take() {
            stream.abandon();
        }
    }
}

/// A new stream for the entity, started with the init of what the proxy holds.
fn open(cx: &SdkCx, id: &str, entity: &CrdtEntity) -> (CrdtStream, i64) {
    let mut stream = cx.crdt();
    stream.send(init(id, entity.init_delta()));
    (stream, 1)
}

/// Plays one scenario, as the proxy, on fresh entities.
async fn run(cx: SdkCx, scenario: CrdtScenario) -> Verdict {
    let mut slots: BTreeMap<Kind, Slot> = BTreeMap::new();
    for step in scenario.0 {
        match step {
            CrdtStep::Command {
                kind,
                actions,
                fail,
            } => {
                let slot = slots.entry(kind).or_insert_with(|| Slot::new(&cx, kind));
                let request = request_of(&slot.id, &actions, fail, TWO);
                let Slot { id, entity, stream } = slot;
                let (stream, next) = stream.get_or_insert_with(|| open(&cx, id, entity));
                let command_id = *next;
                *next += 1;
                stream.send(process(command_id, &request));
                let answer = entity.process(&actions, fail);
                expect_reply(stream, expected_replies(command_id, &answer, TWO)).await?;
                if answer.deletes() {
                    // CRDT-023: the proxy ends a deleted entity's stream; later steps use a new entity.
                    slot.close();
                    *slot = Slot::new(&cx, kind);
                }
            }
            CrdtStep::Replicated(kind, change) => {
                let slot = slots.entry(kind).or_insert_with(|| Slot::new(&cx, kind));
                let delta = slot.entity.replicate(&change);
                if let Some((stream, _)) = slot.stream.as_mut() {
                    stream.send(replicated(delta));
                }
            }
            // Proxy scenarios only: in SDK mode, a passivation is what comes closest.
            CrdtStep::Passivate(kind) | CrdtStep::Restart(kind) => {
                if let Some(slot) = slots.get_mut(&kind) {
                    slot.close();
                }
            }
            CrdtStep::ProxyDelete(kind) => {
                let slot = slots.entry(kind).or_insert_with(|| Slot::new(&cx, kind));
                slot.open(&cx).0.send(deleted());
                slot.close();
                *slot = Slot::new(&cx, kind);
            }
        }
    }
    for slot in slots.values_mut() {
        slot.close();
    }
    Ok(())
}

/// Receives the next message and compares it with each reply of `accepted` (the oracle's own reading
/// first), set elements and map entries sorted.
async fn expect_reply(
    stream: &mut CrdtStream,
    accepted: Vec<cloudstate_protocol::cloudstate::crdt::CrdtStreamOut>,
) -> Verdict {
    let accepted: Vec<_> = accepted.into_iter().map(normalise_crdt_out).collect();
    let shown = accepted
        .first()
        .map(|reply| reply.pretty())
        .unwrap_or_default();
    let actual = stream.recv().await.map_err(|mut failure| {
        failure.expected.get_or_insert_with(|| shown.clone());
        failure
    })?;
    let actual = normalise_crdt_out(actual);
    if accepted.contains(&actual) {
        return Ok(());
    }
    let others = match accepted.len() {
        1 => String::new(),
        n => format!(
            " (nor any of the {} other forms the spec accepts for this change)",
            n - 1
        ),
    };
    Err(CaseFailure::mismatch(
        format!(
            "{}: the reply differs from the oracle's (set elements and map entries sorted){others}",
            stream.label()
        ),
        shown,
        actual.pretty(),
    ))
}
