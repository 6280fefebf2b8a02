//! The metadata of the reply that answers a client's call, carried back to the frontend, which sends it
//! as response headers (spec FRONT-018).
//!
//! A reply is resolved far from the frontend: in an action's handler, in the task that finishes an
//! entity's command, or in the target of a forward. The frontend runs each call inside
//! [`ReplyMetadata::collect`], which gives the call's tasks a slot; the first reply resolved for the
//! call puts its metadata there with [`ReplyMetadata::offer`]. A task spawned to work for the call takes
//! the slot along ([`ReplyMetadata::current`], then [`ReplyMetadata::within`]). Side effects run
//! [`ReplyMetadata::apart`], so that their replies keep their metadata to themselves. Work for no client
//! call (eventing, asynchronous side effects) has no slot, and an offer there is dropped.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use cloudstate_protocol::cloudstate::Metadata;

tokio::task_local! {
    static SLOT: Option<ReplyMetadata>;
}

/// Where the metadata of one client call's reply is kept until the frontend takes it.
#[derive(Debug, Clone, Default)]
pub struct ReplyMetadata(Arc<Mutex<Option<Metadata>>>);

impl ReplyMetadata {
    /// Runs `call` with a new slot, and returns its output with the metadata of the reply that answered
    /// it, if that reply had any.
    pub async fn collect<F: Future>(call: F) -> (F::Output, Option<Metadata>) {
        let slot = ReplyMetadata::default();
        let output = SLOT.scope(Some(slot.clone()), call).await;
        let metadata = slot.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        (output, metadata)
    }

    /// The slot of the call the current task works for, to hand to a task spawned for that call.
    pub fn current() -> Option<ReplyMetadata> {
        SLOT.try_with(Clone::clone).ok().flatten()
    }

    /// Runs `work` for the call whose slot this is (taken with [`ReplyMetadata::current`]).
    pub async fn within<F: Future>(slot: Option<ReplyMetadata>, work: F) -> F::Output {
        SLOT.scope(slot, work).await
    }

    /// Runs `work` for no client call: the replies it resolves do not answer the current call.
    pub async fn apart<F: Future>(work: F) -> F::Output {
        SLOT.scope(None, work).await
    }

    /// Offers the metadata of a reply resolved for the current call. The first reply with entries wins;
    /// without a slot the metadata is dropped.
    pub fn offer(metadata: Metadata) {
        if metadata.entries.is_empty() {
            return;
        }
        if let Some(slot) = ReplyMetadata::current() {
            let mut held = slot.0.lock().unwrap_or_else(PoisonError::into_inner);
            if held.is_none() {
                *held = Some(metadata);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::{MetadataEntry, metadata_entry};

    use super::*;

    fn metadata(value: &str) -> Metadata {
        Metadata {
            entries: vec![MetadataEntry {
                key: "x-test".to_owned(),
                value: Some(metadata_entry::Value::StringValue(value.to_owned())),
            }],
        }
    }

    #[tokio::test]
    async fn the_first_offer_of_the_call_wins_and_side_work_is_apart() {
        let ((), collected) = ReplyMetadata::collect(async {
            ReplyMetadata::apart(async { ReplyMetadata::offer(metadata("side effect")) }).await;
            ReplyMetadata::offer(Metadata::default());
            let slot = ReplyMetadata::current();
            tokio::spawn(ReplyMetadata::within(slot, async {
                ReplyMetadata::offer(metadata("reply"));
            }))
            .await
            .unwrap();
            ReplyMetadata::offer(metadata("later"));
        })
        .await;
        assert_eq!(collected, Some(metadata("reply")));
    }

    #[tokio::test]
    async fn an_offer_outside_any_call_is_dropped() {
        ReplyMetadata::offer(metadata("nobody"));
        assert!(ReplyMetadata::current().is_none());
    }
}
