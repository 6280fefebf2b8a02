//! The bounds on what clients can make the proxy hold: how many entities are active at once, and how
//! many commands may wait for one entity. A call over a bound fails at once with `RESOURCE_EXHAUSTED`
//! and everyone else is served as before.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tonic::Status;

/// The most entities active at once when none is configured.
pub const DEFAULT_MAX_ACTIVE_ENTITIES: usize = 20_000;
/// The most commands that may wait for one entity when none is configured.
pub const DEFAULT_MAX_QUEUED_COMMANDS: usize = 256;

/// The entity bounds, and the count of active entities across every entity type.
#[derive(Debug, Clone)]
pub struct EntityLimits {
    /// The most entities (of every type together) with a running task.
    pub max_active: usize,
    /// The most commands waiting for one entity, besides the one in flight.
    pub max_queued: usize,
    active: Arc<AtomicUsize>,
}

impl Default for EntityLimits {
    fn default() -> Self {
        EntityLimits::new(DEFAULT_MAX_ACTIVE_ENTITIES, DEFAULT_MAX_QUEUED_COMMANDS)
    }
}

impl EntityLimits {
    /// Limits with these bounds (each at least 1) and no active entity.
    pub fn new(max_active: usize, max_queued: usize) -> Self {
        EntityLimits {
            max_active: max_active.max(1),
            max_queued: max_queued.max(1),
            active: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// How many entities are active now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }

    /// A slot for one more active entity, held for as long as its task runs; `RESOURCE_EXHAUSTED` when
    /// every slot is taken.
    pub(crate) fn admit(&self, service: &str, entity_id: &str) -> Result<ActiveSlot, Status> {
        let admitted = self
            .active
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |active| {
                (active < self.max_active).then_some(active + 1)
            });
        match admitted {
            Ok(_) => Ok(ActiveSlot(self.active.clone())),
            Err(_) => Err(Status::resource_exhausted(format!(
                "the proxy has {} active entities, its limit (MAX_ACTIVE_ENTITIES), so entity \
                 {entity_id:?} of {service} cannot start now; retry once others have passivated",
                self.max_active
            ))),
        }
    }

    /// The status of a command refused because `max_queued` commands already wait for its entity.
    pub(crate) fn queue_full(&self, service: &str, entity_id: &str) -> Status {
        Status::resource_exhausted(format!(
            "{} commands already wait for entity {entity_id:?} of {service}, the limit \
             (MAX_QUEUED_COMMANDS)",
            self.max_queued
        ))
    }
}

/// One active entity's place in the count; given back when dropped.
#[derive(Debug)]
pub(crate) struct ActiveSlot(Arc<AtomicUsize>);

impl Drop for ActiveSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_and_given_back() {
        let limits = EntityLimits::new(2, 1);
        let one = limits.admit("s", "a").unwrap();
        let two = limits.admit("s", "b").unwrap();
        let refused = limits.admit("s", "c").unwrap_err();
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
        assert!(refused.message().contains("\"c\""), "{}", refused.message());
        assert_eq!(limits.active(), 2);
        drop(one);
        assert_eq!(limits.active(), 1);
        let _three = limits.admit("s", "c").unwrap();
        drop(two);
        assert_eq!(limits.active(), 1);
    }
}
