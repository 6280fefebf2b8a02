//! The entity streams the proxy opens to the user function during a scenario, told apart by the entity
//! their init names: streams open in an order the TCK does not control (a side effect's target stream
//! may open after the client's call returned), so each is claimed by entity id when it is needed.

use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::WireMessage;

/// New entity streams of one protocol path, read up to their init and kept until claimed.
pub(crate) struct EntityStreams<I> {
    path: &'static str,
    entity_of: fn(&I) -> Option<String>,
    same: fn(&I, &I) -> bool,
    unclaimed: Vec<(String, I, CallProbe)>,
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
        let found = self.unclaimed.iter().position(|(id, ..)| id == entity_id);
        let (sent, probe) = match found {
            Some(index) => {
                let (_, sent, probe) = self.unclaimed.remove(index);
                (sent, probe)
            }
            None => loop {
                let mut probe = cx.expect_call(self.path).await?;
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
        if !(self.same)(&sent, &init) {
            return Err(CaseFailure::mismatch(
                format!(
                    "the init of the new stream for entity {entity_id} is not the one expected"
                ),
                init.pretty(),
                sent.pretty(),
            ));
        }
        Ok(probe)
    }

    /// Fails when the proxy opened a stream for one of `entities` that no step claimed: a second stream
    /// for an entity that already had one.
    pub(crate) fn expect_none_left(&self, entities: &[String]) -> Verdict {
        match self.unclaimed.iter().find(|(id, ..)| entities.contains(id)) {
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
