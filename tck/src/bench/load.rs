//! The load generator: concurrent clients, each sending one request at a time and timing it.
//!
//! The same client code drives the proxy and the echo baseline, through the generated stubs of the TCK
//! model services, so both see identical requests on identical transports.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::{
    ProcessGroup, ProcessStep, Reply, Request as ActionRequest, process_step,
};
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Request as ValueRequest, RequestAction as ValueAction, Update, request_action as value_action,
};
use cloudstate_protocol::cloudstate::tck::model::{
    Emit, Request as EventSourcedRequest, RequestAction, request_action,
};
use serde::Serialize;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tonic::transport::Channel;

use super::stats::Samples;
use crate::session::{ConnectError, connect};

/// How long one request may take before it counts as failed.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How many clients share one connection.
const CLIENTS_PER_CONNECTION: usize = 8;

/// What one request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Workload {
    /// `EventSourcedTckModel.Process` with one `Emit`: one event persisted.
    EventSourced,
    /// `ValueEntityTckModel.Process` with one `Update`: the state replaced.
    ValueEntity,
    /// `ActionTckModel.ProcessUnary` with one `Reply`.
    Action,
}

impl Workload {
    /// How the report names it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Workload::EventSourced => "event-sourced command (1 emit)",
            Workload::ValueEntity => "value-entity update",
            Workload::Action => "unary action",
        }
    }
}

/// Connections to one target (the proxy or the echo server), shared by the clients.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    channels: Arc<[Channel]>,
}

impl Clients {
    /// Opens enough connections to `address` for `concurrency` clients.
    pub(crate) async fn connect(
        address: &str,
        concurrency: usize,
    ) -> Result<Clients, ConnectError> {
        let mut channels = Vec::new();
        for _ in 0..concurrency.div_ceil(CLIENTS_PER_CONNECTION).max(1) {
            channels.push(connect(address, Duration::from_secs(10)).await?);
        }
        Ok(Clients {
            channels: channels.into(),
        })
    }

    /// Sends one request of `workload` for entity `entity` on the connection of client `client`.
    pub(crate) async fn call(
        &self,
        client: usize,
        workload: Workload,
        entity: &str,
    ) -> Result<(), tonic::Status> {
        let channel = self.channels[client % self.channels.len()].clone();
        let value = "x".to_owned();
        let call = async move {
            match workload {
                Workload::EventSourced => {
                    let action = request_action::Action::Emit(Emit { value });
                    let request = EventSourcedRequest {
                        id: entity.to_owned(),
                        actions: vec![RequestAction {
                            action: Some(action),
                        }],
                    };
                    let mut client = EventSourcedTckModelClient::new(channel);
                    client.process(request).await.map(drop)
                }
                Workload::ValueEntity => {
                    let action = value_action::Action::Update(Update { value });
                    let request = ValueRequest {
                        id: entity.to_owned(),
                        actions: vec![ValueAction {
                            action: Some(action),
                        }],
                    };
                    let mut client = ValueEntityTckModelClient::new(channel);
                    client.process(request).await.map(drop)
                }
                Workload::Action => {
                    let step = process_step::Step::Reply(Reply { message: value });
                    let request = ActionRequest {
                        groups: vec![ProcessGroup {
                            steps: vec![ProcessStep { step: Some(step) }],
                        }],
                    };
                    let mut client = ActionTckModelClient::new(channel);
                    client.process_unary(request).await.map(drop)
                }
            }
        };
        tokio::time::timeout(CALL_TIMEOUT, call)
            .await
            .map_err(|_| tonic::Status::deadline_exceeded("no answer within 10 s"))?
    }
}

/// Which requests a run sends.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// Until `duration` has passed, client `c` cycles through its own `entities` entities
    /// (`PREFIX-c-0`, `PREFIX-c-1`, …), so no two clients wait on the same entity.
    Timed {
        /// How long to send requests for.
        duration: Duration,
        /// The entities of each client.
        entities: usize,
    },
    /// One request for each of the client's `entities` entities, the same as [`Plan::Timed`]'s.
    Warm {
        /// The entities of each client.
        entities: usize,
    },
    /// One request for each of `PREFIX-0` … `PREFIX-(count-1)`, shared out among the clients.
    EachOnce {
        /// How many entities.
        count: usize,
    },
}

/// Runs `concurrency` clients sending `workload` requests to `clients` as `plan` says, for entity IDs
/// starting with `prefix`. Returns the latencies and failures, and how long the run took.
pub(crate) async fn run_load(
    clients: &Clients,
    workload: Workload,
    concurrency: usize,
    plan: &Plan,
    prefix: &str,
) -> (Samples, Duration) {
    let start = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for client in 0..concurrency.max(1) {
        let (clients, plan, next) = (clients.clone(), plan.clone(), next.clone());
        let prefix = prefix.to_owned();
        workers.spawn(async move {
            let mut samples = Samples::with_capacity(4096);
            let mut round = 0usize;
            loop {
                let entity = match plan {
                    Plan::Timed { duration, entities } => {
                        if start.elapsed() >= duration {
                            break;
                        }
                        round += 1;
                        format!("{prefix}-{client}-{}", (round - 1) % entities.max(1))
                    }
                    Plan::Warm { entities } => {
                        if round >= entities {
                            break;
                        }
                        round += 1;
                        format!("{prefix}-{client}-{}", round - 1)
                    }
                    Plan::EachOnce { count } => {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= count {
                            break;
                        }
                        format!("{prefix}-{index}")
                    }
                };
                let sent = Instant::now();
                match clients.call(client, workload, &entity).await {
                    Ok(()) => samples.record(sent.elapsed()),
                    Err(status) => samples
                        .record_error(|| format!("{}: {}", workload.label(), status.message())),
                }
            }
            samples
        });
    }
    let mut all = Samples::default();
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(samples) => all.merge(samples),
            Err(error) => all.record_error(|| format!("a client task failed: {error}")),
        }
    }
    (all, start.elapsed())
}
