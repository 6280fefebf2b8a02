//! What a user function asks for besides its reply: forwards and side effects, and turning a
//! `ClientAction` into what the caller gets.

use std::sync::{Arc, OnceLock, Weak};

use bytes::Bytes;
use cloudstate_protocol::cloudstate::{ClientAction, Forward, Metadata, SideEffect, client_action};
use futures::StreamExt as _;
use prost_types::Any;
use tonic::Status;

use crate::deviation;
use crate::deviation::effects::{Delivery, Schedule};
use crate::dispatch::{Call, Dispatch, MessageStream, ReplyMetadata};
use crate::user_function::UserFunction;
use crate::user_spec::UserSpec;

/// What the caller gets for one command.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An encoded output message.
    Reply(Bytes),
    /// No message (an action that answered nothing).
    NoReply,
}

/// Runs forwards and side effects through the router. Shared by every entity handler.
#[derive(Debug)]
pub struct Effects {
    router: OnceLock<Weak<dyn Dispatch>>,
    spec: Arc<UserSpec>,
    user_function: UserFunction,
}

impl Effects {
    /// Effects for this user function; [`set_router`](Self::set_router) must be called before use.
    pub fn new(spec: Arc<UserSpec>, user_function: UserFunction) -> Effects {
        Effects {
            router: OnceLock::new(),
            spec,
            user_function,
        }
    }

    /// Connects the router that forwards and side effects go through.
    pub fn set_router(&self, router: Weak<dyn Dispatch>) {
        let _ = self.router.set(router);
    }

    /// The user function, for reporting errors.
    pub fn user_function(&self) -> &UserFunction {
        &self.user_function
    }

    /// Turns a `ClientAction` into the caller's outcome: a reply's payload bytes, the result of a forward,
    /// or `UNKNOWN` with a failure's description. A reply's metadata is offered to the caller's call as
    /// its response headers (see [`ReplyMetadata`]).
    pub async fn resolve(&self, action: Option<ClientAction>) -> Result<Outcome, Status> {
        match action.and_then(|action| action.action) {
            None => Ok(Outcome::NoReply),
            Some(client_action::Action::Reply(reply)) => {
                if let Some(metadata) = reply.metadata {
                    ReplyMetadata::offer(metadata);
                }
                Ok(Outcome::Reply(
                    reply
                        .payload
                        .map(|any| Bytes::from(any.value))
                        .unwrap_or_default(),
                ))
            }
            Some(client_action::Action::Failure(failure)) => {
                Err(deviation::effects::failure_status(failure.description))
            }
            Some(client_action::Action::Forward(forward)) => {
                match deviation::effects::forward_answered_without_target(&forward) {
                    Some(reply) => Ok(Outcome::Reply(reply)),
                    None => self.forward(forward).await.map(Outcome::Reply),
                }
            }
        }
    }

    /// Calls the forward's target with its payload and returns the target's one reply.
    pub async fn forward(&self, forward: Forward) -> Result<Bytes, Status> {
        let what = format!(
            "forward to {}/{}",
            forward.service_name, forward.command_name
        );
        let metadata = deviation::effects::forward_metadata(forward.metadata);
        let mut responses = self
            .call(
                Delivery::Forward,
                &what,
                &forward.service_name,
                &forward.command_name,
                forward.payload,
                metadata,
            )
            .await?;
        match responses.next().await {
            Some(result) => result,
            None => Ok(Bytes::new()),
        }
    }

    /// Runs side effects: synchronous ones in order, each finished before the next and before this
    /// returns; asynchronous ones in the background. Their results are ignored, and so is the metadata
    /// of their replies.
    pub async fn side_effects(self: &Arc<Self>, effects: Vec<SideEffect>) {
        ReplyMetadata::apart(self.run_side_effects(effects)).await;
    }

    async fn run_side_effects(self: &Arc<Self>, effects: Vec<SideEffect>) {
        for effect in effects {
            let schedule = deviation::effects::schedule(effect.synchronous);
            if schedule == Schedule::Dropped {
                continue;
            }
            let what = format!(
                "side effect to {}/{}",
                effect.service_name, effect.command_name
            );
            let metadata = deviation::effects::side_effect_metadata(effect.metadata);
            if schedule == Schedule::BeforeReply {
                drain(
                    self.call(
                        Delivery::SideEffect,
                        &what,
                        &effect.service_name,
                        &effect.command_name,
                        effect.payload,
                        metadata,
                    )
                    .await,
                )
                .await;
            } else {
                let this = self.clone();
                tokio::spawn(async move {
                    let run = this.call(
                        Delivery::SideEffect,
                        &what,
                        &effect.service_name,
                        &effect.command_name,
                        effect.payload,
                        metadata,
                    );
                    drain(run.await).await;
                });
            }
        }
    }

    /// Calls `method` of `service` with `payload`; `metadata` becomes the metadata of the target's command.
    async fn call(
        &self,
        delivery: Delivery,
        what: &str,
        service: &str,
        method: &str,
        payload: Option<Any>,
        metadata: Option<Metadata>,
    ) -> Result<MessageStream, Status> {
        let route = self.spec.route(service, method);
        let (service, method) = match route {
            Ok(route) => route,
            Err(_) => {
                let message =
                    format!("{what}: no such service or method was announced in discovery");
                if deviation::effects::reports_unknown_target() {
                    self.user_function.report_error(&message).await;
                }
                return Err(Status::internal(message));
            }
        };
        let router = self
            .router
            .get()
            .and_then(Weak::upgrade)
            .ok_or_else(|| Status::unavailable("the proxy is stopping"))?;
        let payload = Bytes::from(payload.map(|any| any.value).unwrap_or_default());
        if deviation::effects::delivered_twice(delivery, service.entity_type) {
            let mut first = Call::single(service.clone(), method.clone(), payload.clone());
            first.metadata = metadata.clone();
            drain(router.dispatch(first).await).await;
        }
        let mut call = Call::single(service, method, payload);
        call.metadata = metadata;
        router.dispatch(call).await
    }
}

async fn drain(result: Result<MessageStream, Status>) {
    match result {
        Ok(mut stream) => while stream.next().await.is_some() {},
        Err(status) => tracing::warn!(
            code = ?status.code(),
            message = ?status.message(),
            "a side effect failed"
        ),
    }
}
