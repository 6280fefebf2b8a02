//! Proxy-mode gRPC server reflection cases (spec chapter `frontend.md`). This is case 183 of the original
//! Cloudstate TCK, following standard gRPC reflection where the original followed the Akka proxy.

mod server_reflection;

use crate::case::{Case, proxy_case};

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[proxy_case! {
    id: "reflection.proxy.server_reflection",
    summary: "server reflection lists the announced services and itself, finds a service's file, and answers an unknown symbol with NOT_FOUND or no file",
    requirements: ["FRONT-011", "FRONT-012", "FRONT-013", "FRONT-015", "FRONT-024"],
    services: &[],
    run: server_reflection::server_reflection,
}];
