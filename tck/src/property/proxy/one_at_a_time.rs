//! Proxy scenarios of entity types whose streams carry one command at a time (event-sourced and value
//! entities): generated client calls, one at a time or several at once, and crashes of entity streams;
//! each call is checked twice, against the oracle: what the client gets, and, through the interceptor,
//! the commands on the entity's stream (in order, ids from 1, one in flight) and the model's replies.
//! Forwards and side effects must arrive as commands on their targets' own streams.

use super::client::{expect_delivered, expect_outcomes};
use super::entity::OneCommandAtATime;
use super::run::{Entity, ProxyRun};
use super::scenario::{Call, ProxyScenario, ProxyStep};
use super::streams::answer_to;
use super::targets::{expect_exactly, target};
use crate::case::{CaseFailure, Verdict};
use crate::property::strategy::ENTITIES;
use crate::proxy::ProxyCx;
use crate::wire::WireMessage as _;

/// Plays one scenario through the proxy, on fresh entities and targets.
pub(crate) async fn play<P: OneCommandAtATime>(
    cx: ProxyCx,
    scenario: ProxyScenario<P::Action>,
) -> Verdict {
    let mut run = ProxyRun::<P>::new(cx, P::PREFIX);
    let mut entities: Vec<Entity<P>> = (0..ENTITIES)
        .map(|n| Entity::new(format!("{}-e{n}", run.prefix()), P::Oracle::default()))
        .collect();
    for (index, step) in scenario.0.iter().enumerate() {
        match step {
            ProxyStep::Call(entity, call) => {
                run.concurrent(
                    &mut entities[usize::from(*entity)],
                    std::slice::from_ref(call),
                )
                .await?;
            }
            ProxyStep::Concurrent(entity, calls) => {
                run.concurrent(&mut entities[usize::from(*entity)], calls)
                    .await?;
            }
            ProxyStep::Restart(entity) => {
                run.restart(&mut entities[usize::from(*entity)], index)
                    .await?;
            }
        }
    }
    run.targets_called().await?;
    for entity in &mut entities {
        run.settle_reopened(entity).await?;
    }
    let ids: Vec<String> = entities.iter().map(|entity| entity.id.clone()).collect();
    run.expect_none_left(&ids)
}

impl<P: OneCommandAtATime> ProxyRun<P> {
    /// Client calls made to one entity at the same time: each must reach the entity's stream once, one
    /// at a time, numbered on from the stream's last command, and each client gets its own answer.
    async fn concurrent(&mut self, entity: &mut Entity<P>, calls: &[Call<P::Action>]) -> Verdict {
        let requests: Vec<P::Request> = calls
            .iter()
            .map(|call| P::request(&entity.id, &call.actions, call.fail, self.two()))
            .collect();
        let outcomes = futures::future::join_all(requests.iter().map(|r| self.client(r))).await;
        let outcomes = outcomes.into_iter().collect::<Result<Vec<_>, _>>()?;
        for (outcome, request) in outcomes.iter().zip(&requests) {
            expect_delivered(&Self::describe(request), outcome)?;
        }
        let Entity { id, oracle, stream } = entity;
        let mut waiting: Vec<usize> = (0..calls.len()).collect();
        let mut answers: Vec<Option<P::Answer>> = calls.iter().map(|_| None).collect();
        while !waiting.is_empty() {
            let (probe, next) = self.stream(id, oracle, stream).await?;
            let sent: P::In = probe.recv_from_proxy().await?;
            let position = waiting
                .iter()
                .position(|index| P::command_in(*next, "Process", &requests[*index]) == sent)
                .ok_or_else(|| {
                    let one_of: Vec<String> = waiting
                        .iter()
                        .map(|index| P::command_in(*next, "Process", &requests[*index]).pretty())
                        .collect();
                    CaseFailure::mismatch(
                        format!(
                            "command {next} on entity {id}'s stream is not one of the client calls still waiting, numbered {next}"
                        ),
                        format!("one of:\n{}", one_of.join("\n")),
                        sent.pretty(),
                    )
                })?;
            let index = waiting.remove(position);
            let answer = P::answer(oracle, &calls[index].actions, calls[index].fail);
            let reply: P::Out = answer_to(probe, *next).await?;
            let wanted = P::expected(*next, &answer, self.two());
            let restarted = P::restarting(*next, &answer, self.two())
                .is_some_and(|restarting| reply == restarting);
            if reply != wanted && !restarted {
                return Err(CaseFailure::mismatch(
                    format!(
                        "the user function's reply to command {next} on entity {id}'s stream differs from the oracle's"
                    ),
                    wanted.pretty(),
                    reply.pretty(),
                ));
            }
            *next += 1;
            answers[index] = Some(answer);
            if restarted {
                // ES-021: the proxy ends the stream and starts the entity again from what it stored,
                // at once or when the next command comes.
                probe.expect_closed().await?;
                *stream = None;
                self.allow_reopen(id);
            }
        }
        let mut expected = Vec::with_capacity(answers.len());
        for answer in answers.iter().flatten() {
            expected.push(self.expectation(answer));
        }
        expect_outcomes(&requests, &outcomes, &expected, Self::describe)
    }

    /// Every target the scenario forwarded to or asked a side effect of got exactly its calls, on a
    /// stream of its own numbered from 1.
    async fn targets_called(&mut self) -> Verdict {
        let mut streams = Vec::new();
        for (n, count) in self.target_counts() {
            let id = target(self.two(), n);
            let mut probe = self.claim(&id, P::target_init(&id)).await?;
            for command_id in 1..=count {
                probe
                    .expect_from_proxy(P::command_in(command_id, "Call", &P::target_request(&id)))
                    .await?;
                let reply: P::Out = answer_to(&mut probe, command_id).await?;
                let wanted = P::empty_reply(command_id);
                if reply != wanted {
                    return Err(CaseFailure::mismatch(
                        format!(
                            "the reply to command {command_id} on target {id}'s stream differs from the expected one"
                        ),
                        wanted.pretty(),
                        reply.pretty(),
                    ));
                }
            }
            streams.push((id, count, probe));
        }
        expect_exactly(&mut streams).await
    }
}
