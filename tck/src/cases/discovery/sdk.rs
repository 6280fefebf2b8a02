//! SDK-mode discovery cases: what the user function announces in `discover`.

use std::collections::BTreeSet;

use cloudstate_protocol::cloudstate::EntitySpec;
use cloudstate_protocol::names::{ENTITY_TYPES, PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION};

use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::messages::{decode_descriptors, sorted_entities, tck_proxy_info};
use crate::sdk::SdkCx;
use crate::wire::WireMessage as _;

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    sdk_case! {
        id: "discovery.sdk.entity_spec_is_complete",
        summary: "discover answers with entities whose services are all declared in the descriptor set",
        requirements: ["DISC-001", "DISC-002", "DISC-003", "DISC-014"],
        services: &[],
        run: entity_spec_is_complete,
    },
    sdk_case! {
        id: "discovery.sdk.entity_types_are_supported",
        summary: "every announced entity type is one the proxy offered",
        requirements: ["DISC-004"],
        services: &[],
        run: entity_types_are_supported,
    },
    sdk_case! {
        id: "discovery.sdk.announces_protocol_version",
        summary: "the service info announces protocol version 0.2",
        requirements: ["DISC-005"],
        services: &[],
        run: announces_protocol_version,
    },
    sdk_case! {
        id: "discovery.sdk.names_its_support_library",
        summary: "(SHOULD) the service info names the support library and its version",
        requirements: ["DISC-033"],
        services: &[],
        run: names_its_support_library,
    },
    sdk_case! {
        id: "discovery.sdk.discover_is_repeatable",
        summary: "a second discover call announces the same entities and descriptors",
        requirements: ["DISC-006"],
        services: &[],
        run: discover_is_repeatable,
    },
];

async fn entity_spec_is_complete(cx: SdkCx) -> Verdict {
    let spec = cx.discover(tck_proxy_info()).await?;
    if spec.entities.is_empty() {
        return Err(CaseFailure::fail("the EntitySpec announces no entities"));
    }
    let pool = decode_descriptors(&spec)?;
    let missing: Vec<&str> = spec
        .entities
        .iter()
        .map(|entity| entity.service_name.as_str())
        .filter(|service| pool.get_service_by_name(service).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let declared: Vec<String> = pool.services().map(|s| s.full_name().to_owned()).collect();
    Err(CaseFailure::mismatch(
        format!(
            "announced services are not declared in EntitySpec.proto: {}",
            missing.join(", ")
        ),
        format!(
            "services declared in the descriptor set include: {}",
            missing.join(", ")
        ),
        format!(
            "services declared in the descriptor set: {}",
            declared.join(", ")
        ),
    ))
}

async fn entity_types_are_supported(cx: SdkCx) -> Verdict {
    let spec = cx.discover(tck_proxy_info()).await?;
    let unsupported: Vec<String> = spec
        .entities
        .iter()
        .filter(|entity| !ENTITY_TYPES.contains(&entity.entity_type.as_str()))
        .map(|entity| {
            format!(
                "{} has entity type `{}`",
                entity.service_name, entity.entity_type
            )
        })
        .collect();
    if unsupported.is_empty() {
        Ok(())
    } else {
        Err(CaseFailure::mismatch(
            "announced entity types that the proxy did not offer",
            format!("entity types among: {}", ENTITY_TYPES.join(", ")),
            unsupported.join("\n"),
        ))
    }
}

async fn announces_protocol_version(cx: SdkCx) -> Verdict {
    let spec = cx.discover(tck_proxy_info()).await?;
    let expected = format!("{PROTOCOL_MAJOR_VERSION}.{PROTOCOL_MINOR_VERSION}");
    match &spec.service_info {
        None => Err(CaseFailure::mismatch(
            "the EntitySpec carries no service_info, so no protocol version",
            format!("service_info with protocol version {expected}"),
            "no service_info".to_owned(),
        )),
        Some(info) => {
            let actual = format!(
                "{}.{}",
                info.protocol_major_version, info.protocol_minor_version
            );
            if actual == expected {
                Ok(())
            } else {
                Err(CaseFailure::mismatch(
                    format!("the user function announces protocol version {actual}"),
                    format!("protocol version {expected}"),
                    format!("protocol version {actual}"),
                ))
            }
        }
    }
}

async fn names_its_support_library(cx: SdkCx) -> Verdict {
    let spec = cx.discover(tck_proxy_info()).await?;
    let info = spec.service_info.unwrap_or_default();
    let missing: Vec<&str> = [
        ("support_library_name", &info.support_library_name),
        ("support_library_version", &info.support_library_version),
    ]
    .into_iter()
    .filter(|(_, value)| value.trim().is_empty())
    .map(|(field, _)| field)
    .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!("the service info leaves {} empty", missing.join(" and ")),
        "service_info naming the support library and its version".to_owned(),
        format!(
            "support_library_name {:?}, support_library_version {:?}",
            info.support_library_name, info.support_library_version
        ),
    ))
}

async fn discover_is_repeatable(cx: SdkCx) -> Verdict {
    let first = cx.discover(tck_proxy_info()).await?;
    let second = cx.discover(tck_proxy_info()).await?;
    let services = |spec: &EntitySpec| -> Result<BTreeSet<String>, CaseFailure> {
        Ok(decode_descriptors(spec)?
            .services()
            .map(|s| s.full_name().to_owned())
            .collect())
    };
    if sorted_entities(&first) != sorted_entities(&second) {
        return Err(CaseFailure::mismatch(
            "the second discover call announced different entities (order is not compared)",
            first.pretty(),
            second.pretty(),
        ));
    }
    let (before, after) = (services(&first)?, services(&second)?);
    if before != after {
        return Err(CaseFailure::mismatch(
            "the second discover call declared different services in its descriptor set",
            format!("{before:?}"),
            format!("{after:?}"),
        ));
    }
    Ok(())
}
