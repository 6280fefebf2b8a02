//! The entities of one handler, whatever their type: which are active, activating one under the limits,
//! and handing a passivated one's held state to its next activation.
//!
//! Every active entity is one task with a bounded queue of commands. A command for an entity that is not
//! active activates it: a new task, given the state the entity held when it passivated (CRDTs hold their
//! value; value and event-sourced entities hold nothing, their state is in the store). An entity's task
//! passivates it with [`EntityTable::next_or_passivate`], under the same lock as commands are queued, so
//! that no command is lost in between.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc;
use tonic::Status;

use crate::limits::EntityLimits;

/// An entity's name: its service's full name and its entity ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct EntityKey {
    /// The full name of the entity's service.
    pub(crate) service: String,
    /// The entity ID.
    pub(crate) entity_id: String,
}

impl EntityKey {
    /// The entity `entity_id` of `service`.
    pub(crate) fn new(service: impl Into<String>, entity_id: impl Into<String>) -> EntityKey {
        EntityKey {
            service: service.into(),
            entity_id: entity_id.into(),
        }
    }
}

impl fmt::Display for EntityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entity {} of {}", self.entity_id, self.service)
    }
}

/// A command waiting in an entity's queue, as the table sees it.
pub(crate) trait QueuedCommand: Send + 'static {
    /// Whether its caller went away before it was sent; such a command is never sent.
    fn abandoned(&self) -> bool;
    /// Ends its caller's call with `status`, unsent.
    fn refuse(self, status: Status);
}

#[derive(Debug)]
enum Slot<C, H> {
    /// A task runs the entity; commands go to its queue.
    Active(mpsc::Sender<C>),
    /// The entity is passivated, holding this state for its next activation.
    Dormant(H),
}

/// The entities of one handler: commands of type `C`, passivated state of type `H`.
#[derive(Debug)]
pub(crate) struct EntityTable<C, H> {
    limits: EntityLimits,
    slots: Mutex<HashMap<EntityKey, Slot<C, H>>>,
}

impl<C: QueuedCommand, H> EntityTable<C, H> {
    /// No entity, bounded by `limits`.
    pub(crate) fn new(limits: EntityLimits) -> EntityTable<C, H> {
        EntityTable {
            limits,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The map of entities. Held only for updates, never across an await.
    fn slots(&self) -> MutexGuard<'_, HashMap<EntityKey, Slot<C, H>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `command` for the entity `key`, activating it if it is not active: `activate` gets the
    /// state the entity held and its queue (with `command` in it) and gives the entity's task, which is
    /// spawned. Fails with `RESOURCE_EXHAUSTED` when the entity's queue is full, or when activating it
    /// would pass the limit of active entities.
    pub(crate) fn submit<T>(
        &self,
        key: EntityKey,
        command: C,
        activate: impl FnOnce(EntityKey, Option<H>, mpsc::Receiver<C>) -> T,
    ) -> Result<(), Status>
    where
        T: Future<Output = ()> + Send + 'static,
    {
        let mut slots = self.slots();
        let command = match slots.get(&key) {
            Some(Slot::Active(queue)) => match queue.try_send(command) {
                Ok(()) => return Ok(()),
                Err(mpsc::error::TrySendError::Full(_)) => {
                    return Err(self.limits.queue_full(&key.service, &key.entity_id));
                }
                // The task has gone without passivating (it panicked): replace it.
                Err(mpsc::error::TrySendError::Closed(command)) => command,
            },
            _ => command,
        };
        let slot = self.limits.admit(&key.service, &key.entity_id)?;
        let held = match slots.remove(&key) {
            Some(Slot::Dormant(held)) => Some(held),
            _ => None,
        };
        let (queue, receiver) = mpsc::channel(self.limits.max_queued);
        // The receiver is alive: it goes to the task below.
        let _ = queue.try_send(command);
        slots.insert(key.clone(), Slot::Active(queue));
        drop(slots);
        let task = activate(key, held, receiver);
        tokio::spawn(async move {
            let _slot = slot;
            task.await;
        });
        Ok(())
    }

    /// Called by an entity's task when it has nothing to do: the next waiting command, or `None` after
    /// the entity was passivated, holding what `held` holds (taken, if any) for its next activation.
    /// Commands whose caller went away are dropped.
    pub(crate) fn next_or_passivate(
        &self,
        key: &EntityKey,
        queue: &mut mpsc::Receiver<C>,
        held: &mut Option<H>,
    ) -> Option<C> {
        let mut slots = self.slots();
        while let Ok(command) = queue.try_recv() {
            if !command.abandoned() {
                return Some(command);
            }
        }
        match held.take() {
            Some(held) => slots.insert(key.clone(), Slot::Dormant(held)),
            None => slots.remove(key),
        };
        None
    }

    /// Removes the crashed entity `key`, forgetting what it held, and refuses every queued command.
    pub(crate) fn remove_and_refuse(&self, key: &EntityKey, queue: &mut mpsc::Receiver<C>) {
        self.slots().remove(key);
        queue.close();
        while let Ok(command) = queue.try_recv() {
            command.refuse(Status::unavailable(format!(
                "{key} terminated before it handled this command"
            )));
        }
    }

    /// How many entities are active.
    #[cfg(test)]
    pub(crate) fn active(&self) -> usize {
        let slots = self.slots();
        let active = slots
            .values()
            .filter(|slot| matches!(slot, Slot::Active(_)));
        active.count()
    }
}
