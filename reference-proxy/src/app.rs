//! The proxy's life: open the store, discover the user function, wire the entity handlers into one
//! router, bind the public port, and serve until told to stop.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::{Config, StoreConfig};
use crate::discovery::{StartupError, discover};
use crate::dispatch::{Dispatch, Router};
use crate::effects::Effects;
use crate::entity::{ActionHandler, CrdtHandler, EventSourcedHandler, ValueEntityHandler};
use crate::entity::{EntityContext, EventSink};
use crate::eventing::EventLogSubscriptions;
use crate::frontend::{ConnectionLimits, default_max_connections};
use crate::health::Health;
use crate::limits::EntityLimits;
use crate::store::Store;
use crate::store::memory::MemoryStore;
use crate::store::sqlite::SqliteStore;
use crate::user_spec::EntityType;

/// Why the proxy stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store could not be opened.
    #[error("cannot open the store: {0}")]
    Store(String),
    /// Discovery failed.
    #[error(transparent)]
    Startup(#[from] StartupError),
    /// The public port could not be bound or served.
    #[error("cannot serve on {address}: {source}")]
    Serve {
        /// The address.
        address: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The limits of the public port, from the configuration.
fn connection_limits(config: &Config) -> ConnectionLimits {
    let millis = Duration::from_millis;
    ConnectionLimits {
        max_connections: config
            .max_connections
            .map_or_else(default_max_connections, |max| {
                usize::try_from(max).unwrap_or(usize::MAX)
            }),
        header_read_timeout: millis(config.header_read_timeout_ms),
        body_read_timeout: millis(config.body_read_timeout_ms),
        idle_timeout: millis(config.idle_timeout_ms),
        request_timeout: millis(config.request_timeout_ms),
    }
}

/// Runs the proxy until `shutdown` resolves.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), AppError> {
    tracing::info!(store = ?config.store, "opening the store");
    let store: Arc<dyn Store> = match &config.store {
        StoreConfig::Memory => Arc::new(MemoryStore::default()),
        StoreConfig::Sqlite(path) => Arc::new(
            SqliteStore::open(path)
                .map_err(|error| AppError::Store(format!("{}: {error}", path.display())))?,
        ),
    };
    let (user_function, spec) = discover(
        &config.user_function_host,
        config.user_function_port,
        !config.no_version_check,
        Duration::from_secs(config.discovery_timeout_secs),
    )
    .await?;
    let spec = Arc::new(
        spec.with_default_passivation(Duration::from_millis(config.passivation_timeout_ms)),
    );
    let effects = Arc::new(Effects::new(spec.clone(), user_function.clone()));
    let subscriptions = Arc::new(EventLogSubscriptions::new(&spec));
    let events: Arc<dyn EventSink> = subscriptions.clone();
    let health = Health::new(Duration::from_millis(config.unresponsive_after_ms));
    let cx = EntityContext {
        user_function,
        spec: spec.clone(),
        store,
        effects: effects.clone(),
        events,
        relay_timeout: Duration::from_millis(config.relay_timeout_ms),
        limits: EntityLimits::new(
            usize::try_from(config.max_active_entities).unwrap_or(usize::MAX),
            usize::try_from(config.max_queued_commands).unwrap_or(usize::MAX),
        ),
        health: health.clone(),
    };
    crate::memory::trim_after_passivations(cx.limits.clone());
    let mut handlers: HashMap<EntityType, Arc<dyn Dispatch>> = HashMap::new();
    handlers.insert(EntityType::Action, Arc::new(ActionHandler::new(cx.clone())));
    handlers.insert(
        EntityType::ValueEntity,
        Arc::new(ValueEntityHandler::new(cx.clone())),
    );
    handlers.insert(
        EntityType::EventSourced,
        Arc::new(EventSourcedHandler::new(cx.clone())),
    );
    handlers.insert(EntityType::Crdt, Arc::new(CrdtHandler::new(cx)));
    let router = Arc::new(Router::new(spec.clone(), handlers).with_health(health));
    let dispatch: Arc<dyn Dispatch> = router.clone();
    let weak: Weak<dyn Dispatch> = Arc::downgrade(&dispatch);
    effects.set_router(weak.clone());
    subscriptions.set_router(weak);

    let address = SocketAddr::new(config.bind_address, config.http_port);
    let listener = TcpListener::bind(address)
        .await
        .map_err(|source| AppError::Serve { address, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| AppError::Serve { address, source })?;
    let connections = connection_limits(&config);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        max_connections = connections.max_connections,
        services = spec.services.len(),
        user_function = %format!("{}:{}", config.user_function_host, config.user_function_port),
        address = %bound,
        "serving"
    );
    crate::frontend::serve(listener, router, connections, shutdown)
        .await
        .map_err(|source| AppError::Serve {
            address: bound,
            source,
        })
}
