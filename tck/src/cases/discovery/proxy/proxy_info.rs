//! Case 1 of the original TCK: the discovery exchange the proxy made at start-up, as the interceptor
//! recorded it.
//!
//! The proxy must have called `discover` (and got the answer) by the time it said it was ready, with
//! `ProxyInfo` 0.2 listing exactly the four entity protocol services; the services the user function
//! announced must be declared in its descriptor set. The executor's check that the proxy makes no further
//! call after the case catches a second `discover` made while the proxy runs.

use std::collections::BTreeSet;

use cloudstate_protocol::cloudstate::ProxyInfo;
use cloudstate_protocol::names::{ENTITY_TYPES, PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION};

use crate::case::{CaseFailure, Verdict};
use crate::messages::decode_descriptors;
use crate::proxy::ProxyCx;
use crate::wire::WireMessage as _;

pub(super) async fn proxy_info_and_entity_discovery(cx: ProxyCx) -> Verdict {
    let startup = cx.startup();
    let Some(proxy_info) = &startup.proxy_info else {
        return Err(CaseFailure::fail(
            "the proxy made no `cloudstate.EntityDiscovery/discover` call to the user function before it was ready",
        ));
    };
    let Some(spec) = &startup.entity_spec else {
        return Err(CaseFailure::fail(format!(
            "the proxy called `discover` with {} but the call had no answer from the user function when the proxy \
             said it was ready",
            proxy_info.compact()
        )));
    };
    check_version(proxy_info)?;
    check_entity_types(proxy_info)?;

    let pool = decode_descriptors(spec)?;
    let missing: Vec<&str> = spec
        .entities
        .iter()
        .map(|entity| entity.service_name.as_str())
        .filter(|service| pool.get_service_by_name(service).is_none())
        .collect();
    if !missing.is_empty() {
        let declared: Vec<String> = pool
            .services()
            .map(|service| service.full_name().to_owned())
            .collect();
        return Err(CaseFailure::mismatch(
            "the discovered entities name services that the descriptor set does not declare",
            format!("declared services including {}", missing.join(", ")),
            format!("declared services: {}", declared.join(", ")),
        ));
    }
    Ok(())
}

fn check_version(info: &ProxyInfo) -> Verdict {
    let announced = (info.protocol_major_version, info.protocol_minor_version);
    if announced == (PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION) {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        "the proxy announced another protocol version than 0.2",
        format!("{PROTOCOL_MAJOR_VERSION}.{PROTOCOL_MINOR_VERSION}"),
        format!("{}.{}", announced.0, announced.1),
    ))
}

fn check_entity_types(info: &ProxyInfo) -> Verdict {
    let announced: Vec<&str> = info
        .supported_entity_types
        .iter()
        .map(String::as_str)
        .collect();
    let distinct: BTreeSet<&str> = announced.iter().copied().collect();
    let expected: BTreeSet<&str> = ENTITY_TYPES.iter().copied().collect();
    if distinct == expected && distinct.len() == announced.len() {
        return Ok(());
    }
    let mut sorted = announced;
    sorted.sort_unstable();
    Err(CaseFailure::mismatch(
        "ProxyInfo.supported_entity_types must list exactly the four entity protocol services, each once (any order)",
        expected.into_iter().collect::<Vec<_>>().join("\n"),
        sorted.join("\n"),
    ))
}
