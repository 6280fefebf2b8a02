//! CRDT properties: scenarios over one entity of each CRDT type, an oracle of what a conforming user
//! function answers, and the cases that run them.

mod delta;
mod oracle;
mod proxy;
pub(crate) mod scenario;
mod sdk;
pub(crate) mod strategy;
mod value;
mod wire;

pub(crate) use proxy::CASES as PROXY_CASES;
pub(crate) use sdk::CASES as SDK_CASES;
