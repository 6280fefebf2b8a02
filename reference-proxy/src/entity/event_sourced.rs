//! Event-sourced entities (`cloudstate.eventsourced.EventSourced`): the latest snapshot and the later
//! events go to the user function when its stream opens; each reply's events are appended to the journal
//! before the caller is answered, and its snapshot is saved after them.

use std::sync::Arc;

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedSnapshot,
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::{Command, client_action};
use tokio::sync::mpsc;
use tonic::Status;

use crate::deviation;
use crate::deviation::write_behind::{ReplyWrites, WriteBehind};
use crate::dispatch::{Call, Dispatch, MessageStream};
use crate::entity::EntityContext;
use crate::entity::registry::{Answer, Incoming, Protocol, Registry, Step, outgoing, unavailable};
use crate::store::{Journal, Snapshot};
use crate::user_function::EntityStream;
use crate::user_spec::ServiceSpec;

/// Serves the unary methods of event-sourced services, one stream per active entity.
#[derive(Debug)]
pub(crate) struct EventSourcedHandler {
    registry: Arc<Registry<EventSourcedProtocol>>,
}

impl EventSourcedHandler {
    /// A handler with no running entities.
    pub(crate) fn new(cx: EntityContext) -> EventSourcedHandler {
        let protocol = EventSourcedProtocol {
            cx: cx.clone(),
            write_behind: WriteBehind::default(),
        };
        EventSourcedHandler {
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
impl Dispatch for EventSourcedHandler {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        self.registry.dispatch(call).await
    }
}

/// The event-sourced protocol. The stream's state is the sequence number of the last stored event.
#[derive(Debug)]
pub(crate) struct EventSourcedProtocol {
    cx: EntityContext,
    /// Where a reply's writes wait when the caller is answered before they are stored.
    write_behind: WriteBehind,
}

/// Outgoing messages are boxed: the queue of an entity's stream allocates room for a block of them, and
/// thousands of entities may be active.
fn stream_in(message: event_sourced_stream_in::Message) -> Box<EventSourcedStreamIn> {
    Box::new(EventSourcedStreamIn {
        message: Some(message),
    })
}

#[tonic::async_trait]
impl Protocol for EventSourcedProtocol {
    type In = Box<EventSourcedStreamIn>;
    type Out = EventSourcedStreamOut;
    type Reply = EventSourcedReply;
    type State = i64;

    async fn recover(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
    ) -> Result<(i64, Vec<Box<EventSourcedStreamIn>>), Status> {
        let mut journal = self
            .cx
            .store
            .load_journal(&service.persistence_id, entity_id)
            .await
            .map_err(unavailable)?;
        if deviation::init::forgets_stored_state(&service.name, entity_id) {
            journal = Journal::default();
        }
        let mut sequence = journal
            .snapshot
            .as_ref()
            .map_or(0, |snapshot| snapshot.sequence);
        let init = EventSourcedInit {
            service_name: service.name.clone(),
            entity_id: entity_id.to_owned(),
            snapshot: journal.snapshot.map(|snapshot| EventSourcedSnapshot {
                snapshot_sequence: snapshot.sequence,
                snapshot: Some(snapshot.state),
            }),
        };
        let mut events = Vec::with_capacity(journal.events.len());
        for (event_sequence, payload) in journal.events {
            sequence = sequence.max(event_sequence);
            events.push(EventSourcedEvent {
                sequence: event_sequence,
                payload: Some(payload),
            });
        }
        let (init, events) = deviation::init::event_sourced(init, events);
        let mut messages = vec![stream_in(event_sourced_stream_in::Message::Init(init))];
        let events = events
            .into_iter()
            .map(event_sourced_stream_in::Message::Event);
        messages.extend(events.map(stream_in));
        Ok((sequence, messages))
    }

    async fn open(
        &self,
        requests: mpsc::UnboundedReceiver<Box<EventSourcedStreamIn>>,
    ) -> Result<EntityStream<EventSourcedStreamOut>, Status> {
        let path = "/cloudstate.eventsourced.EventSourced/handle";
        let requests = futures::StreamExt::map(outgoing(requests), |message| *message);
        self.cx.user_function.open_stream(path, requests).await
    }

    fn command(&self, command: Command) -> Box<EventSourcedStreamIn> {
        stream_in(event_sourced_stream_in::Message::Command(command))
    }

    fn classify(&self, message: EventSourcedStreamOut) -> Incoming<EventSourcedReply> {
        match message.message {
            Some(event_sourced_stream_out::Message::Reply(reply)) => {
                Incoming::Reply(reply.command_id, reply)
            }
            Some(event_sourced_stream_out::Message::Failure(failure)) => {
                deviation::entity_stream::event_sourced_failure(failure)
            }
            None => Incoming::Empty,
        }
    }

    async fn apply(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
        sequence: &mut i64,
        reply: EventSourcedReply,
    ) -> Step {
        let EventSourcedReply {
            command_id: _,
            client_action,
            side_effects,
            events,
            snapshot,
        } = reply;
        let restart = match client_action
            .as_ref()
            .and_then(|action| action.action.as_ref())
        {
            Some(client_action::Action::Failure(failure)) => Some(failure.restart),
            _ => None,
        };
        let answer = Answer {
            client_action,
            side_effects,
        };
        match restart {
            // A failed command persists nothing; with `restart` the user function's state is rebuilt
            // from the journal.
            Some(true) => return Step::Restart(answer),
            Some(false) => return Step::Done(answer),
            None => {}
        }
        let forwarding = matches!(
            answer
                .client_action
                .as_ref()
                .and_then(|action| action.action.as_ref()),
            Some(client_action::Action::Forward(_))
        );
        let events = match deviation::write_behind::stores_events(forwarding) {
            true => events,
            false => Vec::new(),
        };
        if events.is_empty() {
            if snapshot.is_some() {
                tracing::warn!(
                    entity_id = ?entity_id,
                    service = %service.name,
                    "ignoring a snapshot sent without events"
                );
            }
            return Step::Done(answer);
        }
        let writes = ReplyWrites {
            persistence_id: service.persistence_id.clone(),
            entity_id: entity_id.to_owned(),
            first: *sequence + 1,
            events,
            snapshot,
        };
        let count = i64::try_from(writes.events.len()).unwrap_or(i64::MAX);
        let Some(writes) = self.write_behind.store_later(&self.cx, writes) else {
            // The caller is answered at once; the events and the snapshot are stored a little later.
            *sequence = sequence.saturating_add(count);
            return Step::Done(answer);
        };
        let ReplyWrites {
            persistence_id,
            first,
            events,
            snapshot,
            ..
        } = writes;
        let persistence_id = &persistence_id;
        if let Err(error) = self
            .cx
            .store
            .append_events(persistence_id, entity_id, first, &events)
            .await
        {
            return Step::Reset(unavailable(error));
        }
        *sequence = sequence.saturating_add(count);
        if let Some(state) = snapshot {
            let snapshot = Snapshot {
                sequence: deviation::write_behind::snapshot_sequence(first, *sequence),
                state,
            };
            // The events are stored: a lost snapshot only makes the next recovery replay more of them.
            if let Err(error) = self
                .cx
                .store
                .save_snapshot(persistence_id, entity_id, &snapshot)
                .await
            {
                tracing::error!(
                    entity_id = ?entity_id,
                    service = %service.name,
                    error = ?error.to_string(),
                    "saving a snapshot failed"
                );
            }
        }
        self.cx
            .events
            .persisted(persistence_id, entity_id, first, &events);
        Step::Done(answer)
    }
}
