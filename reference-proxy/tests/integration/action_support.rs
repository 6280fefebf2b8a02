//! Test support for actions: the fake user function, serving `ActionProtocol` with the TCK action model's
//! rules and reporting what it receives, a stub router for forwards and side effects, and a ready handler.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::tck::model::action::Response;
use cloudstate_protocol::cloudstate::{Entity, EntitySpec};
use cloudstate_protocol::names::{self, model};
use futures::StreamExt as _;
use prost::Message as _;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use reference_proxy::effects::Effects;
use reference_proxy::entity::ActionHandler;
use reference_proxy::entity::{EntityContext, NoEvents};
use reference_proxy::store::sqlite::SqliteStore;
pub(crate) use reference_proxy::test_util::action_model::{ActionSeen as Seen, pack as any};
use reference_proxy::test_util::{FakeUserFunction, connect};
use reference_proxy::user_spec::UserSpec;
use tokio::sync::mpsc;
use tonic::{Code, Status};

/// How long any single wait in these tests may take.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// A router that records each call (service, method, first request) and answers with `reply`.
#[derive(Debug)]
pub(crate) struct StubRouter {
    routed: mpsc::UnboundedSender<(String, String, Bytes)>,
    reply: Bytes,
}

#[tonic::async_trait]
impl Dispatch for StubRouter {
    async fn dispatch(&self, mut call: Call) -> Result<MessageStream, Status> {
        let request = call.requests.next().await.transpose()?.unwrap_or_default();
        let _ = self.routed.send((
            call.service.name.clone(),
            call.method.name().to_owned(),
            request,
        ));
        let reply = self.reply.clone();
        Ok(futures::stream::once(async move { Ok(reply) }).boxed())
    }
}

/// A handler connected to a running fake user function, and what to observe.
pub(crate) struct Setup {
    /// The handler under test.
    pub(crate) handler: ActionHandler,
    /// The checked spec (the action model and the eventing subscriber).
    pub(crate) spec: Arc<UserSpec>,
    /// What the fake user function saw.
    pub(crate) seen: mpsc::UnboundedReceiver<Seen>,
    /// What went through the stub router.
    pub(crate) routed: mpsc::UnboundedReceiver<(String, String, Bytes)>,
    /// What the stub router answers.
    pub(crate) router_reply: Bytes,
    _router: Arc<dyn Dispatch>,
    _dir: tempfile::TempDir,
}

fn action_entity(service: &str) -> Entity {
    Entity {
        entity_type: names::ACTION_PROTOCOL.to_owned(),
        service_name: service.to_owned(),
        persistence_id: String::new(),
        passivation_strategy: None,
    }
}

/// Starts a fake user function on 127.0.0.1:0 and builds a handler for it.
pub(crate) async fn setup() -> Setup {
    let (fake, observed) = FakeUserFunction::new();
    let address = fake.serve().await.expect("serve the user function");
    let user_function = connect(address).expect("the user function's address");

    let entity_spec = EntitySpec {
        proto: cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec(),
        entities: vec![
            action_entity(model::ACTION_TCK_MODEL),
            action_entity(model::ACTION_TWO),
            action_entity(model::EVENT_LOG_SUBSCRIBER_MODEL),
        ],
        service_info: None,
    };
    let spec = Arc::new(UserSpec::new(entity_spec).expect("spec"));
    let effects = Arc::new(Effects::new(spec.clone(), user_function.clone()));
    let (routed_tx, routed) = mpsc::unbounded_channel();
    let router_reply = Bytes::from(
        Response {
            message: "from the router".to_owned(),
        }
        .encode_to_vec(),
    );
    let router: Arc<dyn Dispatch> = Arc::new(StubRouter {
        routed: routed_tx,
        reply: router_reply.clone(),
    });
    effects.set_router(Arc::downgrade(&router));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("store.db")).expect("store"));
    let cx = EntityContext {
        user_function,
        spec: spec.clone(),
        store,
        effects,
        events: Arc::new(NoEvents),
        relay_timeout: reference_proxy::entity::DEFAULT_RELAY_TIMEOUT,
        limits: reference_proxy::limits::EntityLimits::default(),
        health: reference_proxy::health::Health::default(),
    };
    Setup {
        handler: ActionHandler::new(cx),
        spec,
        seen: observed.actions,
        routed,
        router_reply,
        _router: router,
        _dir: dir,
    }
}

impl Setup {
    /// A call of `method` of the action model with the given requests.
    pub(crate) fn call(&self, service: &str, method: &str, requests: MessageStream) -> Call {
        let (service, method) = self.spec.route(service, method).expect("route");
        Call {
            service,
            method,
            requests,
            metadata: None,
        }
    }

    /// Dispatches a call and collects its whole output, or the status the call failed with.
    pub(crate) async fn run(&self, call: Call) -> Result<Vec<Result<Bytes, Status>>, Status> {
        let mut output = tokio::time::timeout(WAIT, self.handler.dispatch(call))
            .await
            .expect("dispatched in time")?;
        let mut items = Vec::new();
        while let Some(item) = next(&mut output).await {
            items.push(item);
        }
        Ok(items)
    }

    /// Dispatches a call that must succeed and gives its output messages.
    pub(crate) async fn replies(&self, call: Call) -> Vec<Bytes> {
        let items = self.run(call).await.expect("the call failed");
        items
            .into_iter()
            .map(|item| item.expect("an output failed"))
            .collect()
    }

    /// Dispatches a call that must fail and gives its status.
    pub(crate) async fn failure(&self, call: Call) -> (Code, String) {
        let status = self.run(call).await.expect_err("the call succeeded");
        (status.code(), status.message().to_owned())
    }

    /// The next thing the fake user function saw.
    pub(crate) async fn next_seen(&mut self) -> Seen {
        tokio::time::timeout(WAIT, self.seen.recv())
            .await
            .expect("the fake saw nothing")
            .expect("fake gone")
    }

    /// The next call through the stub router.
    pub(crate) async fn next_routed(&mut self) -> (String, String, Bytes) {
        tokio::time::timeout(WAIT, self.routed.recv())
            .await
            .expect("nothing was routed")
            .expect("router gone")
    }
}

/// The next output message, waiting at most [`WAIT`].
pub(crate) async fn next(output: &mut MessageStream) -> Option<Result<Bytes, Status>> {
    tokio::time::timeout(WAIT, output.next())
        .await
        .expect("no output in time")
}
