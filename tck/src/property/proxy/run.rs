//! A proxy-mode property scenario in progress, for any entity type: the client's calls through the proxy,
//! the entity streams the proxy opens (claimed by entity id, with the init the oracle says), the TCK's
//! crashes of those streams, and the calls the scenario's answers make of its targets.

use prost::Message as _;
use tonic::Status;

use super::client::ClientExpectation;
use super::client::expect_error;
use super::entity::{ClientOutcome, ProxyEntity};
use super::streams::{EntityStreams, expect_crash};
use super::targets::TargetCalls;
use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallProbe, Intervention, ProxyCx};
use crate::wire::render_compact;

/// How long the end of a scenario waits for a stream the proxy may reopen at once after a restart.
const REOPEN_WAIT_MS: u64 = 200;

/// One entity of a scenario: its id, the oracle's view of it, and its stream (with the id of the next
/// command) while the proxy has one open.
pub(crate) struct Entity<P: ProxyEntity> {
    /// The entity's id.
    pub(crate) id: String,
    /// What the oracle says of it.
    pub(crate) oracle: P::Oracle,
    /// Its open stream and the id of the stream's next command.
    pub(crate) stream: Option<(CallProbe, i64)>,
}

impl<P: ProxyEntity> Entity<P> {
    /// Entity `id`, with no stream open yet.
    pub(crate) fn new(id: String, oracle: P::Oracle) -> Self {
        Entity {
            id,
            oracle,
            stream: None,
        }
    }
}

/// A scenario of entity type `P` in progress.
pub(crate) struct ProxyRun<P: ProxyEntity> {
    cx: ProxyCx,
    /// How the scenario's entities are named.
    prefix: String,
    /// How the scenario's forward and side-effect targets are named.
    two: String,
    streams: EntityStreams<P::In>,
    targets: TargetCalls,
}

impl<P: ProxyEntity> ProxyRun<P> {
    /// A scenario on fresh entities and targets, named after a fresh id from `label`.
    pub(crate) fn new(cx: ProxyCx, label: &str) -> Self {
        let prefix = cx.fresh_id(label);
        ProxyRun {
            cx,
            two: format!("{prefix}-two"),
            prefix,
            streams: EntityStreams::new(P::HANDLE, P::entity_of).comparing_inits(P::same_init),
            targets: TargetCalls::default(),
        }
    }

    /// What the scenario's entity ids are made of.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// What the scenario's target ids are made of.
    pub(crate) fn two(&self) -> &str {
        &self.two
    }

    /// How a client call shows in the trace and in failure reports.
    pub(crate) fn describe(request: &P::Request) -> String {
        format!(
            "{} {}",
            P::METHOD,
            render_compact(P::REQUEST, &request.encode_to_vec())
        )
    }

    /// The client's call of the model's `Process` through the proxy.
    pub(crate) async fn client(
        &self,
        request: &P::Request,
    ) -> Result<Result<P::Response, Status>, CaseFailure> {
        let call = P::call(self.cx.channel(), request.clone());
        self.cx.client(&Self::describe(request), call).await
    }

    /// The next new stream the proxy opens for entity `id`, after its init, which must equal `init`.
    pub(crate) async fn claim(&mut self, id: &str, init: P::In) -> Result<CallProbe, CaseFailure> {
        self.streams.claim(&self.cx, id, init).await
    }

    /// The entity's stream: the one open, or the next the proxy opens for it, with the init of what the
    /// oracle says the proxy holds and what the proxy must replay after it.
    pub(crate) async fn stream<'a>(
        &mut self,
        id: &str,
        oracle: &P::Oracle,
        stream: &'a mut Option<(CallProbe, i64)>,
    ) -> Result<&'a mut (CallProbe, i64), CaseFailure> {
        if stream.is_none() {
            let mut probe = self.claim(id, P::init(id, oracle)).await?;
            for sent in P::replay(oracle) {
                probe.expect_from_proxy(sent).await?;
            }
            return Ok(stream.insert((probe, 1)));
        }
        stream
            .as_mut()
            .ok_or_else(|| CaseFailure::error("the entity's stream vanished"))
    }

    /// What the client must get for an answer; counts the calls the answer makes of its targets.
    pub(crate) fn expectation(&mut self, answer: &P::Answer) -> ClientExpectation<P::Response> {
        for (n, _) in P::effects(answer) {
            self.targets.add(*n);
        }
        match P::outcome(answer) {
            ClientOutcome::Reply(response) => ClientExpectation::Response(response),
            // The forward's target answers with an empty response.
            ClientOutcome::Forward(n) => {
                self.targets.add(n);
                ClientExpectation::Response(P::Response::default())
            }
            ClientOutcome::Failure => ClientExpectation::Failure,
        }
    }

    /// The targets the scenario's answers called, and how many commands each must get.
    pub(crate) fn target_counts(&self) -> Vec<(u8, i64)> {
        self.targets.counts().collect()
    }

    /// The TCK crashes the entity's stream when the model answers a call that carries a marker: the call
    /// fails, nothing of it is kept, and the entity's next call opens a new stream.
    pub(crate) async fn restart(&mut self, entity: &mut Entity<P>, step: usize) -> Verdict {
        let marker = format!("{}-restart-{step}", entity.id);
        let request = P::marked(&entity.id, &marker);
        let needle = marker.into_bytes();
        self.cx
            .intercept()
            .on_next_from_user_function(P::HANDLE, move |message| {
                if message.windows(needle.len()).any(|window| window == needle) {
                    Intervention::EndWith(Status::unavailable(
                        "the TCK ended this stream as if the user function had crashed",
                    ))
                } else {
                    Intervention::Pass
                }
            });
        let outcome = self.client(&request).await?;
        expect_error(&Self::describe(&request), &outcome)?;
        let Entity { id, oracle, stream } = entity;
        let (probe, next) = self.stream(id, oracle, stream).await?;
        probe
            .expect_from_proxy(P::command_in(*next, "Process", &request))
            .await?;
        expect_crash(probe).await?;
        *stream = None;
        Ok(())
    }

    /// The proxy may reopen entity `id`'s stream at once, without waiting for a command (ES-021).
    pub(crate) fn allow_reopen(&mut self, id: &str) {
        self.streams.allow_reopen(id);
    }

    /// At the end of a scenario: the stream the proxy may have reopened at once for an entity whose
    /// stream a restarting failure ended, checked like any other new stream of it (init and replay).
    pub(crate) async fn settle_reopened(&mut self, entity: &mut Entity<P>) -> Verdict {
        if entity.stream.is_some() {
            return Ok(());
        }
        let init = P::init(&entity.id, &entity.oracle);
        let wait = std::time::Duration::from_millis(REOPEN_WAIT_MS);
        let reopened = self
            .streams
            .reopened(&self.cx, &entity.id, init, wait)
            .await?;
        if let Some(mut probe) = reopened {
            for sent in P::replay(&entity.oracle) {
                probe.expect_from_proxy(sent).await?;
            }
            entity.stream = Some((probe, 1));
        }
        Ok(())
    }

    /// Fails when the proxy opened a stream for one of `entities` that no step claimed: a second stream
    /// for an entity that already had one.
    pub(crate) fn expect_none_left(&self, entities: &[String]) -> Verdict {
        self.streams.expect_none_left(entities)
    }
}
