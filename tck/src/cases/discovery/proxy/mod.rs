//! Proxy-mode discovery cases: what the proxy announced when it discovered the user function at start-up
//! (spec chapter `discovery.md`; case 1 of the original Cloudstate TCK), and what a second instance of
//! the proxy must refuse to serve. Those start another instance and run only when the TCK started the
//! proxy; otherwise they are skipped with the reason.

mod proxy_info;
mod refusals;
mod user_function;

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[proxy_case! {
    id: "discovery.proxy.proxy_info_and_entity_discovery",
    summary: "the proxy discovered the user function before serving, announcing ProxyInfo 0.2 with exactly the four entity types",
    requirements: ["DISC-003", "DISC-007", "DISC-008", "DISC-009", "DISC-010", "DISC-011"],
    services: &[],
    run: proxy_info::proxy_info_and_entity_discovery,
}];

/// The refusals of a second proxy instance: run after the protocol cases, in run order.
pub(crate) static REFUSAL_CASES: &[Case] = &[
    proxy_case! {
        id: "discovery.proxy.refuses_a_spec_without_entities",
        summary: "a second proxy instance whose user function announces no entity calls reportError and does not serve",
        requirements: ["DISC-012", "DISC-013", "DISC-032"],
        services: &[],
        run: refusals::refuses_a_spec_without_entities,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_an_undeclared_service",
        summary: "a second proxy instance refuses a service_name its proto does not declare: reportError naming it, not ready",
        requirements: ["DISC-012", "DISC-013", "DISC-032"],
        services: &[],
        run: refusals::refuses_an_undeclared_service,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_an_unsupported_entity_type",
        summary: "a second proxy instance refuses an entity_type it does not support: reportError naming it, not ready",
        requirements: ["DISC-012", "DISC-013", "DISC-032"],
        services: &[],
        run: refusals::refuses_an_unsupported_entity_type,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_an_undecodable_descriptor_set",
        summary: "a second proxy instance refuses a proto that is not a FileDescriptorSet: reportError, not ready",
        requirements: ["DISC-013", "DISC-030", "DISC-032"],
        services: &[],
        run: refusals::refuses_an_undecodable_descriptor_set,
    },
    proxy_case! {
        id: "discovery.proxy.refuses_protocol_major_version_1",
        summary: "a second proxy instance refuses a user function that speaks protocol 1.0: reportError naming the version, not ready",
        requirements: ["DISC-013", "DISC-031", "DISC-032"],
        services: &[],
        run: refusals::refuses_protocol_major_version_1,
    },
];
