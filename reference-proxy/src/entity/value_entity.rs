//! Value entities (`cloudstate.valueentity.ValueEntity`): the stored value goes to the user function in
//! `ValueEntityInit`, and each reply's update or delete is written to the store before the caller is
//! answered.

use std::sync::Arc;

use cloudstate_protocol::cloudstate::Command;
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityInit, ValueEntityInitState, ValueEntityReply, ValueEntityStreamIn,
    ValueEntityStreamOut, value_entity_action, value_entity_stream_in, value_entity_stream_out,
};
use tokio::sync::mpsc;
use tonic::Status;

use crate::deviation;
use crate::dispatch::{Call, Dispatch, MessageStream};
use crate::entity::EntityContext;
use crate::entity::registry::{Answer, Incoming, Protocol, Registry, Step, outgoing, unavailable};
use crate::user_function::EntityStream;
use crate::user_spec::ServiceSpec;

/// Serves the unary methods of value-entity services, one stream per active entity.
#[derive(Debug)]
pub(crate) struct ValueEntityHandler {
    registry: Arc<Registry<ValueEntityProtocol>>,
}

impl ValueEntityHandler {
    /// A handler with no running entities.
    pub(crate) fn new(cx: EntityContext) -> ValueEntityHandler {
        let protocol = ValueEntityProtocol { cx: cx.clone() };
        ValueEntityHandler {
            registry: Registry::new(protocol, cx),
        }
    }

    /// How many entities are running.
    #[cfg(test)]
    pub(crate) fn active(&self) -> usize {
        self.registry.active()
    }
}

#[tonic::async_trait]
impl Dispatch for ValueEntityHandler {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        self.registry.dispatch(call).await
    }
}

/// The value-entity protocol.
#[derive(Debug)]
pub(crate) struct ValueEntityProtocol {
    cx: EntityContext,
}

#[tonic::async_trait]
impl Protocol for ValueEntityProtocol {
    type In = ValueEntityStreamIn;
    type Out = ValueEntityStreamOut;
    type Reply = ValueEntityReply;
    type State = ();

    async fn recover(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
    ) -> Result<((), Vec<ValueEntityStreamIn>), Status> {
        let value = self
            .cx
            .store
            .load_value(&service.persistence_id, entity_id)
            .await
            .map_err(unavailable)?
            .filter(|_| !deviation::init::forgets_stored_state(&service.name, entity_id));
        // The state is always present, and empty for an entity that has no stored value.
        let init = deviation::init::value_entity(ValueEntityInit {
            service_name: service.name.clone(),
            entity_id: entity_id.to_owned(),
            state: Some(ValueEntityInitState { value }),
        });
        Ok((
            (),
            vec![ValueEntityStreamIn {
                message: Some(value_entity_stream_in::Message::Init(init)),
            }],
        ))
    }

    async fn open(
        &self,
        requests: mpsc::UnboundedReceiver<ValueEntityStreamIn>,
    ) -> Result<EntityStream<ValueEntityStreamOut>, Status> {
        let path = "/cloudstate.valueentity.ValueEntity/handle";
        self.cx
            .user_function
            .open_stream(path, outgoing(requests))
            .await
    }

    fn command(&self, command: Command) -> ValueEntityStreamIn {
        ValueEntityStreamIn {
            message: Some(value_entity_stream_in::Message::Command(command)),
        }
    }

    fn classify(&self, message: ValueEntityStreamOut) -> Incoming<ValueEntityReply> {
        match message.message {
            Some(value_entity_stream_out::Message::Reply(reply)) => {
                Incoming::Reply(reply.command_id, reply)
            }
            Some(value_entity_stream_out::Message::Failure(failure)) => Incoming::Failure(failure),
            None => Incoming::Empty,
        }
    }

    async fn apply(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
        _: &mut (),
        reply: ValueEntityReply,
    ) -> Step {
        let answer = Answer {
            client_action: reply.client_action,
            side_effects: reply.side_effects,
        };
        // As the Akka proxy does, the state action is applied whatever the client action is.
        let value = match reply.state_action.and_then(|action| action.action) {
            None => return Step::Done(answer),
            Some(value_entity_action::Action::Update(update)) => match update.value {
                Some(value) => Some(value),
                None => return Step::Violation("an update without a value".to_owned()),
            },
            Some(value_entity_action::Action::Delete(_)) => None,
        };
        let saved = self
            .cx
            .store
            .save_value(&service.persistence_id, entity_id, value.as_ref())
            .await;
        match saved {
            Ok(()) => Step::Done(answer),
            Err(error) => Step::Reset(unavailable(error)),
        }
    }
}
