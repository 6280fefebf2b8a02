//! The entity streams the proxy opens to the user function during a scenario, told apart by the entity
//! their init names: streams open in an order the TCK does not control (a side effect's target stream
//! may open after the client's call returned), so each is claimed by entity id when it is needed.

use std::time::Duration;

use tokio::time::Instant;

use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::WireMessage;

/// New entity streams of one protocol path, read up to their init and kept until claimed.
pub(crate) struct EntityStreams<I> {
    path: &'static str,
    entity_of: fn(&I) -> Option<String>,
    same: fn(&I, &I) -> bool,
    unclaimed: Vec<(String, I, CallProbe)>,
    /// Entities the proxy may reopen at once, without a command for them: after a restarting failure
    /// (ES-021). One such stream is not a surplus one.
    reopenable: Vec<String>,
}

fn equal<I: PartialEq>(one: &I, other: &I) -> bool {
    one == other
}

impl<I: WireMessage> EntityStreams<I> {
    /// The streams of `path`, whose inits name their entity as `entity_of` reads it.
    pub(crate) fn new(path: &'static str, entity_of: fn(&I) -> Option<String>) -> Self {
        EntityStreams {
            path,
            entity_of,
            same: equal::<I>,
            unclaimed: Vec::new(),
            reopenable: Vec::new(),
        }
    }

    /// The same streams, with inits compared by `same` instead of byte for byte.
    pub(crate) fn comparing_inits(self, same: fn(&I, &I) -> bool) -> Self {
        EntityStreams { same, ..self }
    }

    /// The next new stream the proxy opened for `entity_id`, after its init, which must equal `init`.
    /// Streams opened for other entities meanwhile are kept for later claims.
    pub(crate) async fn claim(
        &mut self,
        cx: &ProxyCx,
        entity_id: &str,
        init: I,
    ) -> Result<CallProbe, CaseFailure> {
        match self.find(cx, entity_id, &init, None).await? {
            Some(probe) => Ok(probe),
            None => Err(CaseFailure::fail(format!(
                "the proxy opened no stream for entity {entity_id} before the case deadline"
            ))),
        }
    }

    /// A stream the proxy may have reopened at once for `entity_id` after a restarting failure, looked
    /// for until `wait` has passed: when it is there, its init must equal `init`.
    pub(crate) async fn reopened(
        &mut self,
        cx: &ProxyCx,
        entity_id: &str,
        init: I,
        wait: Duration,
    ) -> Result<Option<CallProbe>, CaseFailure> {
        if !self.reopenable.iter().any(|id| id == entity_id) {
            return Ok(None);
        }
        let until = (Instant::now() + wait).min(cx.deadline());
        self.find(cx, entity_id, &init, Some(until)).await
    }

    /// The stream for `entity_id`, kept or new, read up to `until` (the case deadline when `None`).
    async fn find(
        &mut self,
        cx: &ProxyCx,
        entity_id: &str,
        init: &I,
        until: Option<Instant>,
    ) -> Result<Option<CallProbe>, CaseFailure> {
        let found = self.unclaimed.iter().position(|(id, ..)| id == entity_id);
        let (sent, probe) = match found {
            Some(index) => {
                let (_, sent, probe) = self.unclaimed.remove(index);
                (sent, probe)
            }
            None => loop {
                let mut probe = match until {
                    None => cx.expect_call(self.path).await?,
                    Some(until) => match cx.call_until(self.path, until).await? {
                        Some(probe) => probe,
                        None => return Ok(None),
                    },
                };
                let sent: I = probe.recv_from_proxy().await?;
                let Some(id) = (self.entity_of)(&sent) else {
                    return Err(CaseFailure::mismatch(
                        format!(
                            "the first message of a new {} stream is not an init",
                            self.path
                        ),
                        init.pretty(),
                        sent.pretty(),
                    ));
                };
                if id == entity_id {
                    break (sent, probe);
                }
                self.unclaimed.push((id, sent, probe));
            },
        };
        self.reopenable.retain(|reopenable| reopenable != entity_id);
        if !(self.same)(&sent, init) {
            return Err(CaseFailure::mismatch(
                format!(
                    "the init of the new stream for entity {entity_id} is not the one expected"
                ),
                init.pretty(),
                sent.pretty(),
            ));
        }
        Ok(Some(probe))
    }

    /// The proxy may open entity `entity_id`'s next stream at once rather than when a command asks for
    /// it: its stream just ended with a restarting failure. When no later step claims that stream, it is
    /// not a surplus one.
    pub(crate) fn allow_reopen(&mut self, entity_id: &str) {
        self.reopenable.push(entity_id.to_owned());
    }

    /// Fails when the proxy opened a stream for one of `entities` that no step claimed: a second stream
    /// for an entity that already had one (one stream reopened after a restart is allowed).
    pub(crate) fn expect_none_left(&self, entities: &[String]) -> Verdict {
        let mut allowed = self.reopenable.clone();
        let surplus = self.unclaimed.iter().find(|(id, ..)| {
            if !entities.contains(id) {
                return false;
            }
            match allowed.iter().position(|reopenable| reopenable == id) {
                Some(index) => {
                    allowed.remove(index);
                    false
                }
                None => true,
            }
        });
        match surplus {
            Some((id, sent, _)) => Err(CaseFailure::fail(format!(
                "the proxy opened a stream for entity {id} that the TCK did not expect (a second stream \
                 for one entity, or one opened without a command for it): {}",
                sent.compact()
            ))),
            None => Ok(()),
        }
    }
}

/// Expects the next event on `probe` to be the end of the call with an error status: the TCK's crash of
/// the stream.
pub(crate) async fn expect_crash(probe: &mut CallProbe) -> Verdict {
    match probe.next_event().await? {
        CallEvent::Ended(Some(_)) => Ok(()),
        other => Err(CaseFailure::fail(format!(
            "expected the TCK's simulated crash to end the entity's stream, but saw {other:?}"
        ))),
    }
}

/// Expects the next event on `probe` to be the user function's answer to the command just sent: the
/// proxy must not send another command first (one command in flight).
pub(crate) async fn answer_to<O: WireMessage>(
    probe: &mut CallProbe,
    command_id: i64,
) -> Result<O, CaseFailure> {
    match probe.next_event().await? {
        CallEvent::FromUserFunction(bytes) => O::decode(bytes).map_err(|error| {
            CaseFailure::fail(format!(
                "the user function's answer to command {command_id} is not a {}: {error}",
                O::FULL_NAME
            ))
        }),
        CallEvent::FromProxy(_) => Err(CaseFailure::fail(format!(
            "the proxy sent another message on the entity's stream before the user function answered \
             command {command_id}: it must send one command at a time"
        ))),
        other => Err(CaseFailure::fail(format!(
            "expected the user function's answer to command {command_id}, but saw {other:?}"
        ))),
    }
}
