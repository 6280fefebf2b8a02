//! When an event-sourced reply's events are stored: before its caller is answered, or, under the fault
//! `reply-before-stored`, a little later by a write-behind queue, so that a crash in between loses
//! events the caller was told about; which replies' events are stored, and the sequence number a
//! snapshot is stored with.
//!
//! Faults applied here: `reply-before-stored`, `forward-events-dropped` and
//! `snapshot-sequence-of-first-event`.

use std::sync::OnceLock;
use std::time::Duration;

use prost_types::Any;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::entity::EntityContext;
use crate::fault::{self, Fault};
use crate::store::Snapshot;

/// How long the write-behind queue keeps a reply's events before it stores them.
const WRITE_BEHIND_DELAY: Duration = Duration::from_millis(200);

/// What one event-sourced reply stores: its events, numbered from `first`, and its snapshot.
#[derive(Debug)]
pub(crate) struct ReplyWrites {
    pub(crate) persistence_id: String,
    pub(crate) entity_id: String,
    pub(crate) first: i64,
    pub(crate) events: Vec<Any>,
    /// The snapshot's state, taken after the last of `events`.
    pub(crate) snapshot: Option<Any>,
}

/// Writes waiting in the queue, with the time they are due.
#[derive(Debug)]
struct Deferred {
    due: Instant,
    writes: ReplyWrites,
}

/// The write-behind queue, started on first use.
#[derive(Debug, Default)]
pub(crate) struct WriteBehind {
    queue: OnceLock<mpsc::UnboundedSender<Deferred>>,
}

impl WriteBehind {
    /// Takes `writes` to store them later, when the caller must not wait for them: `None` then. A proxy
    /// that keeps the protocol gets them back, to store before it answers.
    pub(crate) fn store_later(
        &self,
        cx: &EntityContext,
        writes: ReplyWrites,
    ) -> Option<ReplyWrites> {
        if !fault::active(Fault::ReplyBeforeStored) {
            return Some(writes);
        }
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(store_when_due(cx.clone(), receiver));
            sender
        });
        let _ = queue.send(Deferred {
            due: Instant::now() + WRITE_BEHIND_DELAY,
            writes,
        });
        None
    }
}

/// Stores queued writes in order, each once it is due.
async fn store_when_due(cx: EntityContext, mut receiver: mpsc::UnboundedReceiver<Deferred>) {
    while let Some(Deferred { due, writes }) = receiver.recv().await {
        tokio::time::sleep_until(due).await;
        let ReplyWrites {
            persistence_id: pid,
            entity_id: id,
            first,
            events,
            snapshot,
        } = writes;
        if cx
            .store
            .append_events(&pid, &id, first, &events)
            .await
            .is_err()
        {
            continue;
        }
        if let Some(state) = snapshot {
            let sequence =
                (first - 1).saturating_add(i64::try_from(events.len()).unwrap_or(i64::MAX));
            let _ = cx
                .store
                .save_snapshot(&pid, &id, &Snapshot { sequence, state })
                .await;
        }
        cx.events.persisted(&pid, &id, first, &events);
    }
}

/// Whether the events of a successful reply are stored; `forwarding` when its client action is a
/// forward. Always: the outcome the client gets does not change what the command did.
pub(crate) fn stores_events(forwarding: bool) -> bool {
    !(forwarding && fault::active(Fault::ForwardEventsDropped))
}

/// The sequence number a reply's snapshot is stored with: that of the reply's last event (`last`), the
/// state the snapshot holds; `first` is the sequence number of its first event.
pub(crate) fn snapshot_sequence(first: i64, last: i64) -> i64 {
    if fault::active(Fault::SnapshotSequenceOfFirstEvent) {
        first
    } else {
        last
    }
}
