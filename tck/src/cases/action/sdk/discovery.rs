//! Case 2 of the original TCK: both action model services are announced as actions.

use cloudstate_protocol::names::ACTION_PROTOCOL;
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{CaseFailure, Verdict};
use crate::sdk::SdkCx;

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
