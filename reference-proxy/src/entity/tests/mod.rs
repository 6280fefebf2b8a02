//! Value and event-sourced entities against a fake user function, through the router.

mod event_sourced;
mod limits;
mod value_entity;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::entity_passivation_strategy::Strategy;
use cloudstate_protocol::cloudstate::{
    Entity, EntityPassivationStrategy, EntitySpec, TimeoutPassivationStrategy,
};
use cloudstate_protocol::names::{self, model};
use futures::StreamExt as _;
use prost_types::Any;
use tokio::sync::watch;
use tonic::Status;

use crate::dispatch::{Dispatch, Router};
use crate::effects::Effects;
use crate::entity::event_sourced::EventSourcedHandler;
use crate::entity::value_entity::ValueEntityHandler;
use crate::entity::{EntityContext, EventSink};
use crate::health::Health;
use crate::limits::EntityLimits;
use crate::store::memory::MemoryStore;
use crate::store::{Journal, Snapshot, Store, StoreError};
use crate::test_util::{FakeUserFunction, connect};
use crate::user_spec::{EntityType, UserSpec};

/// Bounds every wait in these tests.
async fn within<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("timed out")
}

/// Waits until the watched value satisfies `condition`.
async fn wait_for<T>(log: &watch::Sender<T>, condition: impl FnMut(&T) -> bool) {
    let mut receiver = log.subscribe();
    within(receiver.wait_for(condition))
        .await
        .expect("the fake user function stopped");
}

/// Records what was persisted.
#[derive(Debug, Default)]
struct Sink(Mutex<Vec<(String, String, i64, usize)>>);

impl EventSink for Sink {
    fn persisted(
        &self,
        persistence_id: &str,
        entity_id: &str,
        first_sequence: i64,
        events: &[Any],
    ) {
        let record = (
            persistence_id.to_owned(),
            entity_id.to_owned(),
            first_sequence,
            events.len(),
        );
        self.0.lock().unwrap().push(record);
    }
}

/// The in-memory store, with writes that fail on demand.
#[derive(Debug, Default)]
struct FlakyStore {
    inner: MemoryStore,
    fail_writes: AtomicBool,
}

impl FlakyStore {
    fn check(&self) -> Result<(), StoreError> {
        match self.fail_writes.load(Ordering::SeqCst) {
            true => Err(StoreError("disk on fire".to_owned())),
            false => Ok(()),
        }
    }
}

#[tonic::async_trait]
impl Store for FlakyStore {
    async fn load_journal(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Journal, StoreError> {
        self.inner.load_journal(persistence_id, entity_id).await
    }
    async fn append_events(
        &self,
        pid: &str,
        id: &str,
        first: i64,
        events: &[Any],
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner.append_events(pid, id, first, events).await
    }
    async fn save_snapshot(
        &self,
        pid: &str,
        id: &str,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner.save_snapshot(pid, id, snapshot).await
    }
    async fn load_value(&self, pid: &str, id: &str) -> Result<Option<Any>, StoreError> {
        self.inner.load_value(pid, id).await
    }
    async fn save_value(&self, pid: &str, id: &str, value: Option<&Any>) -> Result<(), StoreError> {
        self.check()?;
        self.inner.save_value(pid, id, value).await
    }
}

/// The proxy's entity handlers behind a router, talking to a fake user function.
struct Harness {
    fake: FakeUserFunction,
    router: Arc<Router>,
    store: Arc<FlakyStore>,
    sink: Arc<Sink>,
    es: Arc<EventSourcedHandler>,
    ve: Arc<ValueEntityHandler>,
}

fn entity(
    entity_type: &str,
    service: &str,
    persistence_id: &str,
    passivation_ms: Option<i64>,
) -> Entity {
    Entity {
        entity_type: entity_type.to_owned(),
        service_name: service.to_owned(),
        persistence_id: persistence_id.to_owned(),
        passivation_strategy: passivation_ms.map(|timeout| EntityPassivationStrategy {
            strategy: Some(Strategy::Timeout(TimeoutPassivationStrategy { timeout })),
        }),
    }
}

impl Harness {
    async fn start() -> Harness {
        Harness::start_with(EntityLimits::default(), Health::default()).await
    }

    /// [`Harness::start`] with these entity limits and health record.
    async fn start_with(limits: EntityLimits, health: Health) -> Harness {
        let (fake, _) = FakeUserFunction::new();
        let address = fake.serve().await.unwrap();
        let user_function = connect(address).unwrap();

        let entities = vec![
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_TCK_MODEL,
                "es",
                None,
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_CONFIGURED,
                "es-configured",
                Some(100),
            ),
            entity(
                names::VALUE_ENTITY,
                model::VALUE_ENTITY_TCK_MODEL,
                "ve",
                None,
            ),
            entity(
                names::VALUE_ENTITY,
                model::VALUE_ENTITY_CONFIGURED,
                "ve-configured",
                Some(100),
            ),
        ];
        let proto = cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec();
        let spec = Arc::new(
            UserSpec::new(EntitySpec {
                proto,
                entities,
                service_info: None,
            })
            .unwrap(),
        );
        let effects = Arc::new(Effects::new(spec.clone(), user_function.clone()));
        let store = Arc::new(FlakyStore::default());
        let sink = Arc::new(Sink::default());
        let cx = EntityContext {
            user_function,
            spec: spec.clone(),
            store: store.clone(),
            effects: effects.clone(),
            events: sink.clone(),
            relay_timeout: crate::entity::DEFAULT_RELAY_TIMEOUT,
            limits,
            health: health.clone(),
        };
        let es = Arc::new(EventSourcedHandler::new(cx.clone()));
        let ve = Arc::new(ValueEntityHandler::new(cx));
        let mut handlers: HashMap<EntityType, Arc<dyn Dispatch>> = HashMap::new();
        handlers.insert(EntityType::EventSourced, es.clone());
        handlers.insert(EntityType::ValueEntity, ve.clone());
        let router = Arc::new(Router::new(spec, handlers).with_health(health));
        let weak: std::sync::Weak<dyn Dispatch> =
            Arc::downgrade(&(router.clone() as Arc<dyn Dispatch>));
        effects.set_router(weak);
        Harness {
            fake,
            router,
            store,
            sink,
            es,
            ve,
        }
    }

    /// Calls a unary method; returns its one output message.
    async fn call(
        &self,
        service: &str,
        method: &str,
        request: impl prost::Message,
    ) -> Result<Bytes, Status> {
        let request = Bytes::from(request.encode_to_vec());
        let requests = futures::stream::once(async move { Ok(request) }).boxed();
        let mut responses = within(self.router.call(service, method, requests)).await?;
        let response = within(responses.next()).await.expect("no response message");
        assert!(
            within(responses.next()).await.is_none(),
            "more than one response message"
        );
        response
    }
}
