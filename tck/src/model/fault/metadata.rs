//! The metadata faults: the command's metadata kept from the user code, the metadata the user code
//! attaches dropped on the way out, and the command's metadata copied into answers that carry none.

use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::cloudstate::{ClientAction, Metadata, SideEffect, client_action};

use super::Fault;

/// The command metadata the user code gets: none under [`Fault::CommandMetadataHidden`].
pub(crate) fn seen(fault: Option<Fault>, metadata: Option<&Metadata>) -> Option<&Metadata> {
    if fault == Some(Fault::CommandMetadataHidden) {
        None
    } else {
        metadata
    }
}

/// The metadata the user code attached, as it leaves: none under [`Fault::AttachedMetadataDropped`].
pub(crate) fn attached(fault: Option<Fault>, metadata: Option<Metadata>) -> Option<Metadata> {
    if fault == Some(Fault::AttachedMetadataDropped) {
        None
    } else {
        metadata
    }
}

/// Under [`Fault::CommandMetadataCopied`], `command`'s metadata on every reply, forward and side effect of
/// an action's answer that has none.
pub(crate) fn copy_into_action(
    fault: Option<Fault>,
    command: Option<&Metadata>,
    response: &mut ActionResponse,
) {
    let Some(metadata) = copied(fault, command) else {
        return;
    };
    match response.response.as_mut() {
        Some(Outcome::Reply(reply)) => fill(&mut reply.metadata, metadata),
        Some(Outcome::Forward(forward)) => fill(&mut forward.metadata, metadata),
        Some(Outcome::Failure(_)) | None => {}
    }
    for effect in &mut response.side_effects {
        fill(&mut effect.metadata, metadata);
    }
}

/// Under [`Fault::CommandMetadataCopied`], `command`'s metadata on the reply or forward and on every side
/// effect of an entity's answer that has none.
pub(crate) fn copy_into_entity(
    fault: Option<Fault>,
    command: Option<&Metadata>,
    action: Option<&mut ClientAction>,
    effects: &mut [SideEffect],
) {
    let Some(metadata) = copied(fault, command) else {
        return;
    };
    match action.and_then(|action| action.action.as_mut()) {
        Some(client_action::Action::Reply(reply)) => fill(&mut reply.metadata, metadata),
        Some(client_action::Action::Forward(forward)) => fill(&mut forward.metadata, metadata),
        Some(client_action::Action::Failure(_)) | None => {}
    }
    for effect in effects {
        fill(&mut effect.metadata, metadata);
    }
}

fn copied(fault: Option<Fault>, command: Option<&Metadata>) -> Option<&Metadata> {
    command.filter(|_| fault == Some(Fault::CommandMetadataCopied))
}

fn fill(slot: &mut Option<Metadata>, metadata: &Metadata) {
    if slot.is_none() {
        *slot = Some(metadata.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudstate_protocol::cloudstate::{MetadataEntry, Reply};

    fn metadata() -> Metadata {
        Metadata {
            entries: vec![MetadataEntry {
                key: "k".into(),
                value: None,
            }],
        }
    }

    #[test]
    fn the_copy_fills_only_what_is_empty_and_only_under_its_fault() {
        let mut response = ActionResponse {
            response: Some(Outcome::Reply(Reply::default())),
            side_effects: vec![SideEffect::default()],
        };
        copy_into_action(None, Some(&metadata()), &mut response);
        assert_eq!(response.side_effects[0].metadata, None);
        copy_into_action(
            Some(Fault::CommandMetadataCopied),
            Some(&metadata()),
            &mut response,
        );
        assert_eq!(response.side_effects[0].metadata, Some(metadata()));
        assert!(matches!(
            response.response,
            Some(Outcome::Reply(Reply {
                metadata: Some(_),
                ..
            }))
        ));
        assert_eq!(
            seen(Some(Fault::CommandMetadataHidden), Some(&metadata())),
            None
        );
        assert_eq!(
            attached(Some(Fault::AttachedMetadataDropped), Some(metadata())),
            None
        );
        assert_eq!(attached(None, Some(metadata())), Some(metadata()));
    }
}
