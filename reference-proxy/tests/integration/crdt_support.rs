//! Test support for CRDT entities: a router with the CRDT handler over the TCK model's CRDT services, in
//! front of the fake user function, whose `Crdt.handle` streams the test drives message by message.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelete, CrdtDelta, CrdtReply, CrdtStateAction, crdt_delta, crdt_state_action,
    crdt_stream_out,
};
use cloudstate_protocol::cloudstate::entity_passivation_strategy::Strategy;
use cloudstate_protocol::cloudstate::tck::model::crdt::{Request, StreamedRequest};
use cloudstate_protocol::cloudstate::{
    ClientAction, Entity, EntityPassivationStrategy, EntitySpec, Reply, TimeoutPassivationStrategy,
    client_action,
};
use cloudstate_protocol::names::{self, model};
use futures::StreamExt as _;
use prost::Message as _;
use prost_types::Any;
use reference_proxy::dispatch::{Dispatch, MessageStream, Router};
use reference_proxy::effects::Effects;
use reference_proxy::entity::CrdtHandler;
use reference_proxy::entity::{EntityContext, NoEvents};
use reference_proxy::store::memory::MemoryStore;
use reference_proxy::test_util::crdt_streams::ScriptedCrdtStream;
use reference_proxy::test_util::{FakeUserFunction, connect};
use reference_proxy::user_spec::{EntityType, UserSpec};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tonic::Status;

/// Waits at most 5 s for `future`.
pub async fn within<F: std::future::Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(5), future)
        .await
        .expect("timed out")
}

/// A proxy's router with only the CRDT handler, in front of the fake user function.
pub struct Harness {
    router: Arc<Router>,
    fake: FakeUserFunction,
    streams: mpsc::UnboundedReceiver<ScriptedCrdtStream>,
    /// How many of the reported errors the test has seen.
    errors_seen: usize,
}

fn entity(service: &str, passivation_ms: Option<i64>) -> Entity {
    Entity {
        entity_type: names::CRDT.to_owned(),
        service_name: service.to_owned(),
        persistence_id: service.to_owned(),
        passivation_strategy: passivation_ms.map(|timeout| EntityPassivationStrategy {
            strategy: Some(Strategy::Timeout(TimeoutPassivationStrategy { timeout })),
        }),
    }
}

impl Harness {
    /// Starts the fake user function; `CrdtTckModel` passivates after `passivation_ms` (default 30 s),
    /// `CrdtConfigured` after 100 ms.
    pub async fn start(passivation_ms: Option<i64>) -> Harness {
        let (fake, observed) = FakeUserFunction::new();
        let address = fake.serve().await.expect("serve the user function");

        let entities = vec![
            entity(model::CRDT_TCK_MODEL, passivation_ms),
            entity(model::CRDT_TWO, None),
            entity(model::CRDT_CONFIGURED, Some(100)),
        ];
        let proto = cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec();
        let entity_spec = EntitySpec {
            proto,
            entities,
            service_info: None,
        };
        let spec = Arc::new(UserSpec::new(entity_spec).expect("spec"));
        let user_function = connect(address).expect("the user function's address");
        let effects = Arc::new(Effects::new(spec.clone(), user_function.clone()));
        let cx = EntityContext {
            user_function,
            spec: spec.clone(),
            store: Arc::new(MemoryStore::default()),
            effects: effects.clone(),
            events: Arc::new(NoEvents),
            relay_timeout: reference_proxy::entity::DEFAULT_RELAY_TIMEOUT,
            limits: reference_proxy::limits::EntityLimits::default(),
            health: reference_proxy::health::Health::default(),
        };
        let mut handlers: HashMap<EntityType, Arc<dyn Dispatch>> = HashMap::new();
        handlers.insert(EntityType::Crdt, Arc::new(CrdtHandler::new(cx)));
        let router = Arc::new(Router::new(spec, handlers));
        let weak: std::sync::Weak<dyn Dispatch> =
            Arc::downgrade(&(router.clone() as Arc<dyn Dispatch>));
        effects.set_router(weak);
        Harness {
            router,
            fake,
            streams: observed.crdt_streams,
            errors_seen: 0,
        }
    }

    /// The next entity stream the proxy opens.
    pub async fn stream(&mut self) -> ScriptedCrdtStream {
        within(self.streams.recv()).await.expect("no stream")
    }

    /// The next error the proxy reports.
    pub async fn error(&mut self) -> String {
        let seen = self.errors_seen;
        let mut errors = self.fake.errors.subscribe();
        let errors = within(errors.wait_for(|errors| errors.len() > seen))
            .await
            .expect("the fake user function is gone");
        self.errors_seen += 1;
        errors[seen].clone()
    }

    /// Calls a unary method with `Request{id}` in the background; the task yields the one output.
    pub fn call(&self, service: &str, method: &str, id: &str) -> JoinHandle<Result<Bytes, Status>> {
        let router = self.router.clone();
        let (service, method) = (service.to_owned(), method.to_owned());
        let request = Bytes::from(
            Request {
                id: id.to_owned(),
                actions: Vec::new(),
            }
            .encode_to_vec(),
        );
        tokio::spawn(async move {
            let requests = futures::stream::once(async move { Ok(request) }).boxed();
            let mut responses = router.call(&service, &method, requests).await?;
            let response = responses.next().await.expect("no output message");
            assert!(responses.next().await.is_none(), "more than one output");
            response
        })
    }

    /// Calls `CrdtTckModel.ProcessStreamed` with `StreamedRequest{id}`.
    pub async fn streamed(&self, id: &str) -> MessageStream {
        let request = StreamedRequest {
            id: id.to_owned(),
            ..StreamedRequest::default()
        };
        let request = Bytes::from(request.encode_to_vec());
        let requests = futures::stream::once(async move { Ok(request) }).boxed();
        within(
            self.router
                .call(model::CRDT_TCK_MODEL, "ProcessStreamed", requests),
        )
        .await
        .expect("the streamed call failed")
    }
}

/// Awaits a background call.
pub async fn outcome(call: JoinHandle<Result<Bytes, Status>>) -> Result<Bytes, Status> {
    within(call).await.expect("the call panicked")
}

/// A reply whose payload bytes are `text` (the proxy passes them through as they are).
pub fn reply_with(text: &str) -> Option<ClientAction> {
    let payload = Any {
        type_url: "type.googleapis.com/cloudstate.tck.model.crdt.Response".to_owned(),
        value: text.as_bytes().to_vec(),
    };
    let reply = Reply {
        payload: Some(payload),
        metadata: None,
    };
    Some(ClientAction {
        action: Some(client_action::Action::Reply(reply)),
    })
}

/// A delta of one kind.
pub fn delta(delta: crdt_delta::Delta) -> CrdtDelta {
    CrdtDelta { delta: Some(delta) }
}

/// A state action that merges `delta`.
pub fn update(delta: crdt_delta::Delta) -> Option<CrdtStateAction> {
    Some(CrdtStateAction {
        action: Some(crdt_state_action::Action::Update(self::delta(delta))),
        write_consistency: 0,
    })
}

/// A state action that deletes the entity.
pub fn delete() -> Option<CrdtStateAction> {
    Some(CrdtStateAction {
        action: Some(crdt_state_action::Action::Delete(CrdtDelete {})),
        write_consistency: 0,
    })
}

/// A `CrdtReply` message.
pub fn reply(
    command_id: i64,
    client_action: Option<ClientAction>,
    state_action: Option<CrdtStateAction>,
    streamed: bool,
) -> crdt_stream_out::Message {
    crdt_stream_out::Message::Reply(CrdtReply {
        command_id,
        client_action,
        side_effects: Vec::new(),
        state_action,
        streamed,
    })
}
