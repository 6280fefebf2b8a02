//! What the user function announced, checked and indexed for routing: services, methods, entity keys,
//! HTTP rules and eventing subscriptions.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cloudstate_protocol::cloudstate::EntitySpec;
use cloudstate_protocol::names;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, MessageDescriptor, MethodDescriptor, Value,
};
use tonic::Status;

use crate::deviation;

/// The longest entity ID accepted, in bytes; a longer one is `INVALID_ARGUMENT`.
pub const MAX_ENTITY_ID: usize = 1024;

/// How long an entity may stay idle before the proxy passivates it, when discovery does not say.
pub const DEFAULT_PASSIVATION: Duration = Duration::from_secs(30);

/// The four entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityType {
    /// `cloudstate.action.ActionProtocol`.
    Action,
    /// `cloudstate.valueentity.ValueEntity`.
    ValueEntity,
    /// `cloudstate.eventsourced.EventSourced`.
    EventSourced,
    /// `cloudstate.crdt.Crdt`.
    Crdt,
}

impl EntityType {
    /// The entity type for a protocol service name.
    pub fn from_name(name: &str) -> Option<EntityType> {
        match name {
            names::ACTION_PROTOCOL => Some(EntityType::Action),
            names::VALUE_ENTITY => Some(EntityType::ValueEntity),
            names::EVENT_SOURCED => Some(EntityType::EventSourced),
            names::CRDT => Some(EntityType::Crdt),
            _ => None,
        }
    }
}

/// One announced service.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    /// Full service name.
    pub name: String,
    /// Its entity type.
    pub entity_type: EntityType,
    /// The namespace of its state.
    pub persistence_id: String,
    /// Idle time before passivation.
    pub passivation: Duration,
    /// Its methods, by simple name.
    pub methods: BTreeMap<String, Arc<MethodSpec>>,
}

/// One method of an announced service.
#[derive(Debug, Clone)]
pub struct MethodSpec {
    /// The method's descriptor (input, output, streaming, options).
    pub descriptor: MethodDescriptor,
    /// The fields of the input that make up the entity ID, in field order.
    pub key_fields: Vec<FieldDescriptor>,
}

impl MethodSpec {
    /// The simple method name.
    pub fn name(&self) -> &str {
        self.descriptor.name()
    }

    /// The input message type.
    pub fn input(&self) -> MessageDescriptor {
        self.descriptor.input()
    }

    /// The output message type.
    pub fn output(&self) -> MessageDescriptor {
        self.descriptor.output()
    }

    /// The entity ID carried by an encoded input message: the key fields' values, joined with `-`; at
    /// most [`MAX_ENTITY_ID`] bytes.
    pub fn entity_id(&self, input: &[u8]) -> Result<String, Status> {
        if self.key_fields.is_empty() {
            return Ok(String::new());
        }
        let message = DynamicMessage::decode(self.input(), input).map_err(|error| {
            Status::invalid_argument(format!(
                "the request is not a valid {}: {error}",
                self.input().full_name()
            ))
        })?;
        let parts: Vec<String> = self
            .key_fields
            .iter()
            .map(|field| key_text(&message.get_field(field)))
            .collect();
        let id = parts.join("-");
        if id.is_empty() {
            return Err(Status::invalid_argument(format!(
                "the request has no entity key: set {}",
                self.key_fields
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if id.len() > MAX_ENTITY_ID {
            return Err(Status::invalid_argument(format!(
                "the entity key is {} bytes long: at most {MAX_ENTITY_ID} are accepted",
                id.len()
            )));
        }
        Ok(id)
    }
}

fn key_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(b) => b.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::F32(n) => n.to_string(),
        Value::F64(n) => n.to_string(),
        Value::EnumNumber(n) => n.to_string(),
        Value::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Value::Message(_) | Value::List(_) | Value::Map(_) => String::new(),
    }
}

/// Everything the user function announced, checked.
#[derive(Debug, Clone)]
pub struct UserSpec {
    /// The descriptors of every announced file.
    pub pool: DescriptorPool,
    /// The announced services, by full name.
    pub services: BTreeMap<String, Arc<ServiceSpec>>,
    /// What discovery returned, as is.
    pub entity_spec: EntitySpec,
}

/// The field numbers of the entity-key option on `google.protobuf.FieldOptions`: `cloudstate.entity_key`
/// of protocol 0.2, and the number that protocols before 0.2 used (named `entity_key` there too, and
/// `legacy_entity_key` here).
const ENTITY_KEY_OPTIONS: [u32; 2] = [1080, 50002];

/// Whether `field` is marked as the entity key. The option is found by its field number in the field's
/// encoded options, not by its name: a descriptor set built from older protos declares the option
/// under another number or not at all, and then the option is an unknown field of the options.
fn is_entity_key(field: &FieldDescriptor) -> bool {
    use prost::Message as _;
    use prost::encoding::{DecodeContext, WireType, decode_key, decode_varint, skip_field};
    let encoded = field.options().encode_to_vec();
    let mut buf = encoded.as_slice();
    while !buf.is_empty() {
        let Ok((number, wire_type)) = decode_key(&mut buf) else {
            return false;
        };
        if ENTITY_KEY_OPTIONS.contains(&number) && wire_type == WireType::Varint {
            match decode_varint(&mut buf) {
                Ok(0) => {}
                Ok(_) => return true,
                Err(_) => return false,
            }
        } else if skip_field(wire_type, number, &mut buf, DecodeContext::default()).is_err() {
            return false;
        }
    }
    false
}

/// Why an `EntitySpec` cannot be served. The message is what the proxy reports to the user function.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

impl UserSpec {
    /// Checks an `EntitySpec` and indexes it.
    pub fn new(entity_spec: EntitySpec) -> Result<UserSpec, SpecError> {
        let lenient = deviation::discovery::serves_what_it_can();
        if entity_spec.entities.is_empty() && !lenient {
            return Err(SpecError("the EntitySpec announces no entities".to_owned()));
        }
        let pool = match cloudstate_protocol::decode_descriptor_set(&entity_spec.proto) {
            Ok(pool) => pool,
            Err(_) if lenient => DescriptorPool::new(),
            Err(error) => {
                return Err(SpecError(format!(
                    "EntitySpec.proto is not a valid FileDescriptorSet: {error}"
                )));
            }
        };
        let mut services = BTreeMap::new();
        for entity in &entity_spec.entities {
            let servable = EntityType::from_name(&entity.entity_type).is_some()
                && pool.get_service_by_name(&entity.service_name).is_some();
            if lenient && !servable {
                continue;
            }
            let entity_type = EntityType::from_name(&entity.entity_type).ok_or_else(|| {
                SpecError(format!(
                    "service {} has entity type `{}`, which this proxy does not support",
                    entity.service_name, entity.entity_type
                ))
            })?;
            let descriptor = pool
                .get_service_by_name(&entity.service_name)
                .ok_or_else(|| {
                    SpecError(format!(
                        "service {} is not declared in EntitySpec.proto",
                        entity.service_name
                    ))
                })?;
            let mut methods = BTreeMap::new();
            for method in descriptor.methods() {
                let key_fields: Vec<FieldDescriptor> =
                    method.input().fields().filter(is_entity_key).collect();
                if entity_type != EntityType::Action && key_fields.is_empty() {
                    return Err(SpecError(format!(
                        "method {}.{} has no entity key: mark a field of {} with (cloudstate.entity_key) = true",
                        entity.service_name,
                        method.name(),
                        method.input().full_name()
                    )));
                }
                methods.insert(
                    method.name().to_owned(),
                    Arc::new(MethodSpec {
                        descriptor: method,
                        key_fields,
                    }),
                );
            }
            let passivation = entity
                .passivation_strategy
                .as_ref()
                .and_then(|strategy| strategy.strategy.as_ref())
                .map(|cloudstate_protocol::cloudstate::entity_passivation_strategy::Strategy::Timeout(timeout)| {
                    Duration::from_millis(u64::try_from(timeout.timeout).unwrap_or(0))
                })
                .filter(|timeout| !timeout.is_zero())
                .unwrap_or(DEFAULT_PASSIVATION);
            let service = ServiceSpec {
                name: entity.service_name.clone(),
                entity_type,
                persistence_id: entity.persistence_id.clone(),
                passivation,
                methods,
            };
            services.insert(entity.service_name.clone(), Arc::new(service));
        }
        Ok(UserSpec {
            pool,
            services,
            entity_spec,
        })
    }

    /// This spec, with entities whose service announced no passivation timeout passivated after
    /// `passivation` instead of [`DEFAULT_PASSIVATION`].
    pub fn with_default_passivation(mut self, passivation: Duration) -> UserSpec {
        for entity in &self.entity_spec.entities {
            let announced = entity
                .passivation_strategy
                .as_ref()
                .is_some_and(|strategy| strategy.strategy.is_some());
            if announced {
                continue;
            }
            if let Some(service) = self.services.get_mut(&entity.service_name) {
                *service = Arc::new(ServiceSpec {
                    passivation,
                    ..ServiceSpec::clone(service)
                });
            }
        }
        self
    }

    /// The service and method for a call, or `UNIMPLEMENTED`.
    pub fn route(
        &self,
        service: &str,
        method: &str,
    ) -> Result<(Arc<ServiceSpec>, Arc<MethodSpec>), Status> {
        let found = self
            .services
            .get(service)
            .and_then(|s| s.methods.get(method).map(|m| (s.clone(), m.clone())));
        found.ok_or_else(|| Status::unimplemented(format!("unknown method {service}/{method}")))
    }
}
