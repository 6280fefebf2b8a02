//! Entity discovery of the built-in model service: what it serves, and the descriptors of those services.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cloudstate_protocol::cloudstate::entity_discovery_server::EntityDiscovery;
use cloudstate_protocol::cloudstate::entity_passivation_strategy::Strategy;
use cloudstate_protocol::cloudstate::{
    Entity, EntityPassivationStrategy, EntitySpec, ProxyInfo, ServiceInfo,
    TimeoutPassivationStrategy, UserFunctionError,
};
use cloudstate_protocol::descriptor_pool;
use cloudstate_protocol::names::{self, model};
use prost_reflect::FileDescriptor;
use tonic::{Request, Response, Status};

use super::fault::{self, Fault};

/// The model files whose services the model serves; their imports are added to the descriptor set.
const MODEL_FILES: [&str; 6] = [
    "cloudstate/tck/model/action.proto",
    "cloudstate/tck/model/valueentity.proto",
    "cloudstate/tck/model/eventsourced.proto",
    "cloudstate/tck/model/crdt.proto",
    "cloudstate/tck/model/eventlogeventing.proto",
    "cloudstate/tck/model/metadata.proto",
];

/// The passivation timeout of the `…Configured` entities, in milliseconds.
const CONFIGURED_TIMEOUT_MS: i64 = 100;

/// The `EntitySpec` the built-in model service answers `discover` with.
///
/// It lists the action, value-entity, event-sourced, CRDT, event-log eventing and metadata model services,
/// and carries in `proto` a `FileDescriptorSet` with the six model files and every file they import, in
/// dependency order, each encoded with its options intact (custom options such as `cloudstate.entity_key`
/// and `google.api.http` included). The answer is the same on every call.
pub fn entity_spec() -> EntitySpec {
    let version = env!("CARGO_PKG_VERSION");
    EntitySpec {
        proto: model_descriptor_set(),
        entities: vec![
            entity(names::ACTION_PROTOCOL, model::ACTION_TCK_MODEL, "", None),
            entity(names::ACTION_PROTOCOL, model::ACTION_TWO, "", None),
            entity(
                names::VALUE_ENTITY,
                model::VALUE_ENTITY_TCK_MODEL,
                "value-entity-tck-model",
                None,
            ),
            entity(
                names::VALUE_ENTITY,
                model::VALUE_ENTITY_TWO,
                "value-entity-tck-model-two",
                None,
            ),
            entity(
                names::VALUE_ENTITY,
                model::VALUE_ENTITY_CONFIGURED,
                "value-entity-configured",
                Some(CONFIGURED_TIMEOUT_MS),
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_TCK_MODEL,
                "event-sourced-tck-model",
                None,
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_TWO,
                "event-sourced-tck-model-two",
                None,
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_CONFIGURED,
                "event-sourced-configured",
                Some(CONFIGURED_TIMEOUT_MS),
            ),
            entity(names::CRDT, model::CRDT_TCK_MODEL, "crdt-tck-model", None),
            entity(names::CRDT, model::CRDT_TWO, "crdt-tck-model-two", None),
            entity(
                names::CRDT,
                model::CRDT_CONFIGURED,
                "crdt-configured",
                Some(CONFIGURED_TIMEOUT_MS),
            ),
            entity(
                names::ACTION_PROTOCOL,
                model::EVENT_LOG_SUBSCRIBER_MODEL,
                "",
                None,
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_ENTITY_ONE,
                "eventlogeventing-one",
                None,
            ),
            entity(
                names::EVENT_SOURCED,
                model::EVENT_SOURCED_ENTITY_TWO,
                "eventlogeventing-two",
                None,
            ),
            entity(
                names::ACTION_PROTOCOL,
                model::METADATA_TCK_MODEL_ACTION,
                "",
                None,
            ),
            entity(
                names::VALUE_ENTITY,
                model::METADATA_TCK_MODEL_ENTITY,
                "metadata-tck-model-entity",
                None,
            ),
        ],
        service_info: Some(ServiceInfo {
            service_name: "cloudstate-tck-model".to_owned(),
            service_version: version.to_owned(),
            service_runtime: "rust".to_owned(),
            support_library_name: "cloudstate-tck".to_owned(),
            support_library_version: version.to_owned(),
            protocol_major_version: names::PROTOCOL_MAJOR_VERSION,
            protocol_minor_version: names::PROTOCOL_MINOR_VERSION,
        }),
    }
}

fn entity(
    entity_type: &str,
    service_name: &str,
    persistence_id: &str,
    timeout_ms: Option<i64>,
) -> Entity {
    Entity {
        entity_type: entity_type.to_owned(),
        service_name: service_name.to_owned(),
        persistence_id: persistence_id.to_owned(),
        passivation_strategy: timeout_ms.map(|timeout| EntityPassivationStrategy {
            strategy: Some(Strategy::Timeout(TimeoutPassivationStrategy { timeout })),
        }),
    }
}

/// Encodes a `FileDescriptorSet` of the model files and their transitive imports, dependencies first.
///
/// Each file is written with prost-reflect's raw encoding, which keeps unknown fields and extension options
/// that `prost_types` would drop.
pub(crate) fn model_descriptor_set() -> Vec<u8> {
    let pool = descriptor_pool();
    let mut seen = HashSet::new();
    let mut ordered = Vec::new();
    for name in MODEL_FILES {
        if let Some(file) = pool.get_file_by_name(name) {
            push_with_dependencies(file, &mut seen, &mut ordered);
        }
    }
    let mut set = Vec::new();
    for file in ordered {
        // Field 1 (`file`) of FileDescriptorSet, length-delimited.
        prost::encoding::bytes::encode(1, &file.encode_to_vec(), &mut set);
    }
    set
}

fn push_with_dependencies(
    file: FileDescriptor,
    seen: &mut HashSet<String>,
    ordered: &mut Vec<FileDescriptor>,
) {
    if !seen.insert(file.name().to_owned()) {
        return;
    }
    for dependency in file.dependencies() {
        push_with_dependencies(dependency, seen, ordered);
    }
    ordered.push(file);
}

/// The `cloudstate.EntityDiscovery` service of the model.
///
/// `discover` ignores the proxy's `ProxyInfo` (no filtering by supported entity types, no version check:
/// the proxy is the one that decides compatibility) and always answers [`entity_spec`]. `reportError`
/// keeps the message, so tests and the self-test can inspect it, and prints it to standard error when
/// the model runs on its own (`serve-model`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ModelDiscovery {
    reported: Arc<Mutex<Vec<String>>>,
    fault: Option<Fault>,
    calls: Arc<AtomicU64>,
    log_reported: bool,
}

impl ModelDiscovery {
    /// The discovery service of a model served with `fault`; `log_reported` prints what the proxy
    /// reports through `reportError`.
    pub(crate) fn new(fault: Option<Fault>, log_reported: bool) -> Self {
        Self {
            fault,
            log_reported,
            ..Self::default()
        }
    }

    /// The messages received through `reportError` so far, oldest first.
    #[cfg(test)]
    pub(crate) fn reported_errors(&self) -> Vec<String> {
        match self.reported.lock() {
            Ok(reported) => reported.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

#[tonic::async_trait]
impl EntityDiscovery for ModelDiscovery {
    async fn discover(&self, request: Request<ProxyInfo>) -> Result<Response<EntitySpec>, Status> {
        fault::spec::check_proxy(self.fault, request.get_ref())?;
        let mut spec = entity_spec();
        if let Some(fault) = self.fault {
            fault::spec::apply(fault, &mut spec, self.calls.fetch_add(1, Ordering::Relaxed));
        }
        Ok(Response::new(spec))
    }

    async fn report_error(
        &self,
        request: Request<UserFunctionError>,
    ) -> Result<Response<()>, Status> {
        if self.fault == Some(Fault::ReportErrorUnimplemented) {
            return Err(Status::unimplemented("reportError is not implemented"));
        }
        let message = request.into_inner().message;
        if self.log_reported {
            eprintln!("cloudstate-tck model: the proxy reported an error: {message}");
        }
        match self.reported.lock() {
            Ok(mut reported) => reported.push(message),
            Err(poisoned) => poisoned.into_inner().push(message),
        }
        Ok(Response::new(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost_reflect::DescriptorPool;

    #[test]
    fn spec_lists_the_served_entities() {
        let spec = entity_spec();
        let listed: Vec<(&str, &str, &str)> = spec
            .entities
            .iter()
            .map(|e| {
                (
                    e.entity_type.as_str(),
                    e.service_name.as_str(),
                    e.persistence_id.as_str(),
                )
            })
            .collect();
        assert_eq!(listed.len(), 16);
        assert!(listed.contains(&(
            names::VALUE_ENTITY,
            model::METADATA_TCK_MODEL_ENTITY,
            "metadata-tck-model-entity"
        )));
        assert!(listed.contains(&(
            names::EVENT_SOURCED,
            model::EVENT_SOURCED_ENTITY_ONE,
            "eventlogeventing-one"
        )));
        assert!(listed.contains(&(
            names::EVENT_SOURCED,
            model::EVENT_SOURCED_ENTITY_TWO,
            "eventlogeventing-two"
        )));
        assert!(listed.contains(&(
            names::ACTION_PROTOCOL,
            model::EVENT_LOG_SUBSCRIBER_MODEL,
            ""
        )));
        assert!(listed.contains(&(names::ACTION_PROTOCOL, model::ACTION_TWO, "")));
        assert!(listed.contains(&(names::CRDT, model::CRDT_TWO, "crdt-tck-model-two")));
        assert!(listed.contains(&(
            names::VALUE_ENTITY,
            model::VALUE_ENTITY_TWO,
            "value-entity-tck-model-two"
        )));
        let configured: Vec<&Entity> = spec
            .entities
            .iter()
            .filter(|e| e.passivation_strategy.is_some())
            .collect();
        assert_eq!(configured.len(), 3);
        for e in configured {
            assert!(e.service_name.ends_with("Configured"));
            assert_eq!(
                e.passivation_strategy,
                Some(EntityPassivationStrategy {
                    strategy: Some(Strategy::Timeout(TimeoutPassivationStrategy {
                        timeout: 100
                    }))
                })
            );
        }
        let info = spec.service_info.clone().unwrap_or_default();
        assert_eq!(
            (info.protocol_major_version, info.protocol_minor_version),
            (0, 2)
        );
        assert_eq!(entity_spec(), spec, "discovery must be repeatable");
    }

    #[test]
    fn descriptor_set_holds_the_services_with_their_options() {
        let spec = entity_spec();
        let pool = DescriptorPool::decode(spec.proto.as_slice()).expect("the set decodes");
        for e in &spec.entities {
            assert!(
                pool.get_service_by_name(&e.service_name).is_some(),
                "{} is missing",
                e.service_name
            );
        }
        let files: Vec<String> = pool.files().map(|f| f.name().to_owned()).collect();
        assert!(files.contains(&"cloudstate/tck/model/crdt.proto".to_owned()));
        assert!(files.contains(&"cloudstate/tck/model/eventlogeventing.proto".to_owned()));
        assert!(files.contains(&"cloudstate/eventing.proto".to_owned()));
        let eventing = pool
            .get_extension_by_name("cloudstate.eventing")
            .expect("eventing extension");
        let subscriber = pool
            .get_service_by_name(model::EVENT_LOG_SUBSCRIBER_MODEL)
            .and_then(|s| s.methods().find(|m| m.name() == "ProcessAnyEvent"))
            .expect("ProcessAnyEvent");
        assert!(subscriber.options().has_extension(&eventing));
        assert!(files.contains(&"google/protobuf/descriptor.proto".to_owned()));
        let entity_key = pool
            .get_extension_by_name("cloudstate.entity_key")
            .expect("entity_key extension");
        let id = pool
            .get_message_by_name("cloudstate.tck.model.valueentity.Request")
            .and_then(|m| m.get_field_by_name("id"))
            .expect("Request.id");
        assert!(id.options().has_extension(&entity_key));
    }

    #[tokio::test]
    async fn report_error_is_recorded() {
        let discovery = ModelDiscovery::default();
        let error = UserFunctionError {
            message: "bad spec".to_owned(),
        };
        let answer = discovery.report_error(Request::new(error)).await;
        assert!(answer.is_ok());
        assert_eq!(discovery.reported_errors(), vec!["bad spec".to_owned()]);
    }
}
