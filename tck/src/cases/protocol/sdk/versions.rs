//! Discovery by a proxy of another protocol version, and `reportError`: the user function answers both
//! and leaves the decisions to the proxy (DISC-015 to DISC-017).

use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo};
use std::collections::BTreeSet;

use crate::case::{Case, sdk_case};
use crate::case::{CaseFailure, Verdict};
use crate::messages::{decode_descriptors, sorted_entities, tck_proxy_info};
use crate::sdk::SdkCx;
use crate::wire::WireMessage as _;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "protocol.sdk.discover_by_newer_minor_version",
        summary: "a proxy announcing protocol version 0.3 gets the same EntitySpec as a 0.2 proxy",
        requirements: ["DISC-015", "DISC-016"],
        services: &[],
        run: discover_by_newer_minor_version,
    },
    sdk_case! {
        id: "protocol.sdk.discover_by_other_major_version",
        summary: "a proxy announcing protocol version 1.0 gets the same EntitySpec as a 0.2 proxy",
        requirements: ["DISC-015", "DISC-016"],
        services: &[],
        run: discover_by_other_major_version,
    },
    sdk_case! {
        id: "protocol.sdk.report_error_is_acknowledged",
        summary: "reportError is answered with an empty message and status OK",
        requirements: ["DISC-017"],
        services: &[],
        run: report_error_is_acknowledged,
    },
];

/// DISC-015, DISC-016: a proxy announcing protocol version 0.3.
pub(super) async fn discover_by_newer_minor_version(cx: SdkCx) -> Verdict {
    discover_by_version(cx, 0, 3).await
}

/// DISC-015, DISC-016: a proxy announcing protocol version 1.0.
pub(super) async fn discover_by_other_major_version(cx: SdkCx) -> Verdict {
    discover_by_version(cx, 1, 0).await
}

/// DISC-017: `reportError` is answered with an empty message and status OK.
pub(super) async fn report_error_is_acknowledged(cx: SdkCx) -> Verdict {
    cx.report_error(
        "cloudstate-tck: a report sent to check that reportError is answered; nothing is wrong",
    )
    .await
    .map_err(|mut failure| {
        failure.message = format!(
            "{} (expected an empty answer with status OK)",
            failure.message
        );
        failure
    })
}

/// Discovers once as the TCK's own 0.2 proxy and once as a proxy of version `major.minor`, and expects
/// the same answer.
async fn discover_by_version(cx: SdkCx, major: i32, minor: i32) -> Verdict {
    let reference = cx.discover(tck_proxy_info()).await?;
    let info = ProxyInfo {
        protocol_major_version: major,
        protocol_minor_version: minor,
        ..tck_proxy_info()
    };
    let spec = cx.discover(info).await.map_err(|mut failure| {
        failure.message = format!(
            "{} (a proxy announcing protocol version {major}.{minor} got no EntitySpec; deciding \
             whether the versions are compatible is the proxy's job)",
            failure.message
        );
        failure
    })?;
    let differences = differences(&reference, &spec)?;
    if differences.is_empty() {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!(
            "the EntitySpec announced to a proxy of protocol version {major}.{minor} differs from \
             the one announced to a 0.2 proxy: {}",
            differences.join("; ")
        ),
        reference.pretty(),
        spec.pretty(),
    ))
}

/// How `spec` differs from `reference` in what DISC-016 fixes: entities, declared services and the
/// announced protocol version.
fn differences(reference: &EntitySpec, spec: &EntitySpec) -> Result<Vec<String>, CaseFailure> {
    let mut found = Vec::new();
    if sorted_entities(spec) != sorted_entities(reference) {
        found.push("it lists other entities".to_owned());
    }
    let services = |spec: &EntitySpec| -> Result<BTreeSet<String>, CaseFailure> {
        Ok(decode_descriptors(spec)?
            .services()
            .map(|service| service.full_name().to_owned())
            .collect())
    };
    if services(spec)? != services(reference)? {
        found.push("its descriptors declare other services".to_owned());
    }
    let version = |spec: &EntitySpec| {
        spec.service_info
            .as_ref()
            .map(|info| (info.protocol_major_version, info.protocol_minor_version))
    };
    if version(spec) != version(reference) {
        let shown = |version: Option<(i32, i32)>| {
            version.map_or("none".to_owned(), |(major, minor)| {
                format!("{major}.{minor}")
            })
        };
        found.push(format!(
            "it announces protocol version {} instead of {}",
            shown(version(spec)),
            shown(version(reference))
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::ServiceInfo;

    use super::*;

    #[test]
    fn an_echoed_proxy_version_is_a_difference() {
        let reference = crate::model::entity_spec();
        let mut echoed = reference.clone();
        echoed.service_info = Some(ServiceInfo {
            protocol_major_version: 1,
            protocol_minor_version: 0,
            ..reference.service_info.clone().unwrap_or_default()
        });
        assert_eq!(differences(&reference, &reference), Ok(Vec::new()));
        let found = differences(&reference, &echoed).unwrap_or_default();
        assert_eq!(
            found,
            vec!["it announces protocol version 1.0 instead of 0.2"]
        );
    }
}
