//! The faults every kind of reply shares: its command id, its outcome (reply, forward or failure) and its
//! side effects, applied by the entity, CRDT and action hooks alike.

use cloudstate_protocol::cloudstate::{
    ClientAction, Failure, Forward, Metadata, Reply, SideEffect, client_action,
};

use super::Fault;

/// The faults of any entity reply: its command id, its client action and its side effects.
pub(crate) fn entity_reply(
    fault: Fault,
    command_id: &mut i64,
    action: Option<&mut ClientAction>,
    effects: &mut [SideEffect],
) {
    if fault == Fault::WrongCommandId {
        *command_id -= 1;
    }
    client_action(fault, action);
    side_effects(fault, effects);
}

/// The reply, forward and failure faults, on the client action of an entity reply.
pub(crate) fn client_action(fault: Fault, action: Option<&mut ClientAction>) {
    match action.and_then(|action| action.action.as_mut()) {
        Some(client_action::Action::Reply(r)) => reply(fault, r),
        Some(client_action::Action::Forward(f)) => forward(fault, f),
        Some(client_action::Action::Failure(f)) => failure(fault, f),
        None => {}
    }
}

/// Whether a client action is a failure.
pub(crate) fn is_failure(action: Option<&ClientAction>) -> bool {
    matches!(
        action.and_then(|action| action.action.as_ref()),
        Some(client_action::Action::Failure(_))
    )
}

/// [`Fault::ReplyMetadata`] and [`Fault::GarbageInAny`].
pub(crate) fn reply(fault: Fault, reply: &mut Reply) {
    match fault {
        Fault::ReplyMetadata => reply.metadata = Some(Metadata::default()),
        Fault::GarbageInAny => {
            if let Some(payload) = reply.payload.as_mut() {
                let mut prefixed = Vec::with_capacity(payload.value.len() + 2);
                prost::encoding::encode_varint(payload.value.len() as u64, &mut prefixed);
                prefixed.extend_from_slice(&payload.value);
                payload.value = prefixed;
            }
        }
        _ => {}
    }
}

/// [`Fault::ForwardUnqualified`].
pub(crate) fn forward(fault: Fault, forward: &mut Forward) {
    if fault == Fault::ForwardUnqualified
        && let Some((_, simple)) = forward.service_name.rsplit_once('.')
    {
        forward.service_name = simple.to_owned();
    }
}

/// [`Fault::FailureDescriptionPrefixed`] and [`Fault::RestartOnFailure`].
pub(crate) fn failure(fault: Fault, failure: &mut Failure) {
    match fault {
        Fault::FailureDescriptionPrefixed => {
            failure.description = format!("Error: {}", failure.description);
        }
        Fault::RestartOnFailure => failure.restart = true,
        _ => {}
    }
}

/// [`Fault::SideEffectsReversed`] and [`Fault::SideEffectsAsynchronous`].
pub(crate) fn side_effects(fault: Fault, effects: &mut [SideEffect]) {
    match fault {
        Fault::SideEffectsReversed => effects.reverse(),
        Fault::SideEffectsAsynchronous => {
            for effect in effects {
                effect.synchronous = false;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_in_any_prefixes_the_length() {
        let mut answer = Reply {
            payload: Some(prost_types::Any {
                type_url: "t".into(),
                value: vec![1, 2],
            }),
            metadata: None,
        };
        reply(Fault::GarbageInAny, &mut answer);
        assert_eq!(answer.payload.map(|p| p.value), Some(vec![2, 1, 2]));
    }

    #[test]
    fn forward_unqualified_keeps_the_simple_name() {
        let mut target = Forward {
            service_name: "a.b.Two".into(),
            ..Forward::default()
        };
        forward(Fault::ForwardUnqualified, &mut target);
        assert_eq!(target.service_name, "Two");
    }
}
