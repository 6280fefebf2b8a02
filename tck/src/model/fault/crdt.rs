//! The CRDT faults: what a faulty CRDT stream receives, reports and answers.

use cloudstate_protocol::cloudstate::Failure;
use cloudstate_protocol::cloudstate::crdt::crdt_stream_in::Message as In;
use cloudstate_protocol::cloudstate::crdt::crdt_stream_out::Message as Out;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelta, CrdtReply, CrdtStateAction, CrdtStreamCancelledResponse, CrdtStreamIn,
    CrdtStreamOut, GCounterDelta, GSetDelta, OrMapDelta, OrSetDelta, PnCounterDelta, crdt_delta,
    crdt_state_action,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{Response as ModelResponse, state};

use super::entity::crash;
use super::{Fault, StreamFaults, entity_reply, is_failure, variant};
use crate::model::crdt::flag::Flag;
use crate::model::crdt::value::CrdtValue;
use crate::model::payload::unpack;
use crate::model::server::Reaction;

/// Sees an incoming CRDT message first; `Some` answers it in place of the model.
pub(crate) fn crdt_in(
    faults: &mut StreamFaults,
    message: &mut CrdtStreamIn,
) -> Option<Reaction<CrdtStreamOut>> {
    match message.message.as_mut() {
        Some(In::Init(init)) if faults.is(Fault::InitStateIgnored) => init.delta = None,
        Some(In::Command(_)) if faults.crash_at_command() => return Some(Reaction::fail(crash())),
        Some(In::StreamCancelled(cancelled)) if faults.is(Fault::CancellationIgnored) => {
            let response = CrdtStreamCancelledResponse {
                command_id: cancelled.id,
                side_effects: Vec::new(),
                state_action: None,
            };
            return Some(Reaction::send(vec![CrdtStreamOut {
                message: Some(Out::StreamCancelledResponse(response)),
            }]));
        }
        Some(In::Delete(_)) if faults.is(Fault::ProxyDeleteUnsupported) => {
            return Some(Reaction::send_and_end(CrdtStreamOut {
                message: Some(Out::Failure(Failure {
                    command_id: 0,
                    description: "crdt: unexpected message: delete".to_owned(),
                    restart: false,
                })),
            }));
        }
        None if faults.is(Fault::EmptyMessageIgnored) => return Some(Reaction::send(Vec::new())),
        None if faults.is(Fault::EmptyMessageEndsStream) => return Some(Reaction::end()),
        _ => {}
    }
    None
}

/// Rewrites the model's answer on a CRDT stream.
pub(crate) fn crdt_out(faults: &StreamFaults, reaction: &mut Reaction<CrdtStreamOut>) {
    let Some(fault) = faults.fault() else {
        return;
    };
    variant::apply(fault, reaction);
    let mut out = Vec::with_capacity(reaction.out.len());
    for item in reaction.out.drain(..) {
        let mut message = match item {
            Ok(CrdtStreamOut {
                message: Some(message),
            }) => message,
            other => {
                out.push(other);
                continue;
            }
        };
        match &mut message {
            Out::Reply(reply) => {
                if fault == Fault::NoReplyOnFailure && is_failure(reply.client_action.as_ref()) {
                    continue;
                }
                let tally = vote_tally(reply);
                entity_reply(
                    fault,
                    &mut reply.command_id,
                    reply.client_action.as_mut(),
                    &mut reply.side_effects,
                );
                state_action(fault, reply.state_action.as_mut(), tally);
                if fault == Fault::StreamedFlagMissing {
                    reply.streamed = false;
                }
            }
            Out::StreamedMessage(streamed) => {
                super::client_action(fault, streamed.client_action.as_mut());
                super::side_effects(fault, &mut streamed.side_effects);
                match fault {
                    Fault::StreamNeverEnds => streamed.end_stream = false,
                    Fault::StreamedEffectsDropped => streamed.side_effects.clear(),
                    _ => {}
                }
            }
            Out::StreamCancelledResponse(response) => {
                super::side_effects(fault, &mut response.side_effects);
                state_action(fault, response.state_action.as_mut(), None);
            }
            Out::Failure(_) => {}
        }
        out.push(Ok(CrdtStreamOut {
            message: Some(message),
        }));
    }
    reaction.out = out;
}

/// `(votes_for, total_voters)` of the Vote a reply answers with, if it answers with one.
fn vote_tally(reply: &CrdtReply) -> Option<(i32, i32)> {
    let action = reply.client_action.as_ref()?.action.as_ref()?;
    let cloudstate_protocol::cloudstate::client_action::Action::Reply(answer) = action else {
        return None;
    };
    let response = unpack::<ModelResponse>(answer.payload.as_ref()).ok()?;
    match response.state?.value? {
        state::Value::Vote(vote) => Some((vote.votes_for, vote.total_voters)),
        _ => None,
    }
}

/// The faults of a reported state action and its delta.
fn state_action(fault: Fault, action: Option<&mut CrdtStateAction>, tally: Option<(i32, i32)>) {
    let Some(action) = action else {
        return;
    };
    if fault == Fault::WriteConsistencyLocal {
        action.write_consistency = 0;
    }
    if let Some(crdt_state_action::Action::Update(delta)) = action.action.as_mut() {
        reported_delta(fault, delta, tally);
    }
}

fn reported_delta(fault: Fault, delta: &mut CrdtDelta, tally: Option<(i32, i32)>) {
    match (fault, delta.delta.as_mut()) {
        (Fault::RegisterIgnoresClock, Some(crdt_delta::Delta::Lwwregister(register))) => {
            register.clock = 0;
            register.custom_clock_value = 0;
        }
        (Fault::VoteSendsTally, Some(crdt_delta::Delta::Vote(vote))) => {
            if let Some((votes_for, total_voters)) = tally {
                vote.votes_for = votes_for;
                vote.total_voters = total_voters;
            }
        }
        (Fault::ClearLosesAdds, Some(crdt_delta::Delta::Orset(set))) if set.cleared => {
            set.added.clear();
        }
        (Fault::ClearLosesAdds, Some(crdt_delta::Delta::Ormap(map))) if map.cleared => {
            map.added.clear();
        }
        (Fault::OrMapUpdatesAsAdded, Some(crdt_delta::Delta::Ormap(map))) => {
            let updated = std::mem::take(&mut map.updated);
            map.added.extend(updated);
        }
        (_, Some(crdt_delta::Delta::Ormap(map))) => {
            let nested = map.updated.iter_mut().chain(map.added.iter_mut());
            for entry in nested.filter_map(|entry| entry.delta.as_mut()) {
                reported_delta(fault, entry, None);
            }
        }
        _ => {}
    }
}

/// [`Fault::FlagClearedByFalse`]: a received `false` disables the flag it was applied to.
pub(crate) fn received(fault: Option<Fault>, value: &mut CrdtValue, delta: &CrdtDelta) {
    let disables = matches!(&delta.delta, Some(crdt_delta::Delta::Flag(flag)) if !flag.value);
    if fault == Some(Fault::FlagClearedByFalse) && disables && matches!(value, CrdtValue::Flag(_)) {
        *value = CrdtValue::Flag(Flag::default());
    }
}

/// Deltas concatenated without netting ([`Fault::GrossDeltas`], [`Fault::ReplicatedDeltasEchoed`]):
/// counters add up, set and map changes are listed one after the other, and otherwise the last wins.
pub(crate) fn merge(deltas: impl IntoIterator<Item = CrdtDelta>) -> Option<CrdtDelta> {
    deltas.into_iter().reduce(|merged, next| {
        use crdt_delta::Delta;
        let delta = match (merged.delta, next.delta) {
            (Some(Delta::Gcounter(a)), Some(Delta::Gcounter(b))) => {
                Delta::Gcounter(GCounterDelta {
                    increment: a.increment.wrapping_add(b.increment),
                })
            }
            (Some(Delta::Pncounter(a)), Some(Delta::Pncounter(b))) => {
                Delta::Pncounter(PnCounterDelta {
                    change: a.change.wrapping_add(b.change),
                })
            }
            (Some(Delta::Gset(a)), Some(Delta::Gset(b))) => Delta::Gset(GSetDelta {
                added: [a.added, b.added].concat(),
            }),
            (Some(Delta::Orset(a)), Some(Delta::Orset(b))) => Delta::Orset(OrSetDelta {
                cleared: a.cleared || b.cleared,
                removed: [a.removed, b.removed].concat(),
                added: [a.added, b.added].concat(),
            }),
            (Some(Delta::Ormap(a)), Some(Delta::Ormap(b))) => Delta::Ormap(OrMapDelta {
                cleared: a.cleared || b.cleared,
                removed: [a.removed, b.removed].concat(),
                updated: [a.updated, b.updated].concat(),
                added: [a.added, b.added].concat(),
            }),
            (merged, None) => return CrdtDelta { delta: merged },
            (_, Some(last)) => last,
        };
        CrdtDelta { delta: Some(delta) }
    })
}

/// Sees a batch of CRDT messages that arrived together (see [`Fault::reads_batches`]) before the model
/// does: [`Fault::DeltaDuringCommandLost`] drops every delta that follows a command of the batch. Returns
/// the id of the batch's last command or cancellation when the batch holds more than one, for
/// [`batch_out`].
pub(crate) fn batch_in(faults: &StreamFaults, batch: &mut Vec<CrdtStreamIn>) -> Option<i64> {
    if faults.is(Fault::DeltaDuringCommandLost) {
        let mut command_seen = false;
        batch.retain(|message| match message.message {
            Some(In::Command(_)) => {
                command_seen = true;
                true
            }
            Some(In::Delta(_)) => !command_seen,
            _ => true,
        });
    }
    let commands: Vec<i64> = batch
        .iter()
        .filter_map(|message| match &message.message {
            Some(In::Command(command)) => Some(command.id),
            Some(In::StreamCancelled(cancelled)) => Some(cancelled.id),
            _ => None,
        })
        .collect();
    (commands.len() > 1)
        .then(|| commands.last().copied())
        .flatten()
}

/// [`Fault::CommandIdOverwritten`]: every reply and cancellation response to a batch of several commands
/// and cancellations names the last of them.
pub(crate) fn batch_out(
    faults: &StreamFaults,
    last_command: Option<i64>,
    reaction: &mut Reaction<CrdtStreamOut>,
) {
    let Some(last) = last_command.filter(|_| faults.is(Fault::CommandIdOverwritten)) else {
        return;
    };
    for out in reaction.out.iter_mut().flatten() {
        match out.message.as_mut() {
            Some(Out::Reply(reply)) => reply.command_id = last,
            Some(Out::StreamCancelledResponse(response)) => response.command_id = last,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::crdt::value::encode_string;

    fn orset(added: &[&str], removed: &[&str]) -> CrdtDelta {
        CrdtDelta {
            delta: Some(crdt_delta::Delta::Orset(OrSetDelta {
                cleared: false,
                removed: removed.iter().map(|e| encode_string(e)).collect(),
                added: added.iter().map(|e| encode_string(e)).collect(),
            })),
        }
    }

    #[test]
    fn gross_deltas_keep_what_cancels_out() {
        let merged = merge([orset(&["a"], &[]), orset(&[], &["a"])]);
        assert_eq!(merged, Some(orset(&["a"], &["a"])));
        assert_eq!(merge(Vec::new()), None);
    }

    #[test]
    fn a_received_false_disables_a_faulty_flag() {
        let mut flag = CrdtValue::for_name("Flag-1").expect("a flag");
        let enable = CrdtDelta {
            delta: Some(crdt_delta::Delta::Flag(
                cloudstate_protocol::cloudstate::crdt::FlagDelta { value: true },
            )),
        };
        assert!(flag.apply_delta(&enable).is_ok());
        let disable = CrdtDelta {
            delta: Some(crdt_delta::Delta::Flag(
                cloudstate_protocol::cloudstate::crdt::FlagDelta { value: false },
            )),
        };
        received(Some(Fault::FlagClearedByFalse), &mut flag, &disable);
        assert!(matches!(&flag, CrdtValue::Flag(f) if !f.value()));
    }
}
