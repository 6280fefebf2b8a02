//! Case 2 of the original TCK: both action model services are announced as actions.

use cloudstate_protocol::names::ACTION_PROTOCOL;
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, sdk_case};
use crate::case::{CaseFailure, Verdict};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[sdk_case! {
    id: "action.sdk.entity_discovery",
    summary: "ActionTckModel and ActionTwo are discovered as entities of type cloudstate.action.ActionProtocol",
    requirements: ["ACT-001"],
    services: &[ACTION_TCK_MODEL, ACTION_TWO],
    run: entity_discovery,
}];

/// `ActionTckModel` and `ActionTwo` are both discovered, with entity type `cloudstate.action.ActionProtocol`.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    for service in [ACTION_TCK_MODEL, ACTION_TWO] {
        let entity = cx.entity(service)?;
        if entity.entity_type != ACTION_PROTOCOL {
            return Err(CaseFailure::mismatch(
                format!("the target announced `{service}` with the wrong entity type"),
                ACTION_PROTOCOL.to_owned(),
                entity.entity_type.clone(),
            ));
        }
    }
    Ok(())
}
