//! Proxy-mode discovery cases: what the proxy announced when it discovered the user function at start-up
//! (spec chapter `discovery.md`). This is case 1 of the original Cloudstate TCK.

mod proxy_info;

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[proxy_case! {
    id: "discovery.proxy.proxy_info_and_entity_discovery",
    summary: "the proxy discovered the user function before serving, announcing ProxyInfo 0.2 with exactly the four entity types",
    requirements: ["DISC-003", "DISC-007", "DISC-008", "DISC-009", "DISC-010", "DISC-011"],
    services: &[],
    run: proxy_info::proxy_info_and_entity_discovery,
}];
