//! Targets: reaching a running one, or starting, watching and stopping a process, and the channel
//! that records which status a target really sent.

mod channel;
mod connect;
mod http_client;
mod output;
mod reference_proxy;
mod scratch;
mod spawn;
mod spawned_proxy;

pub(crate) use channel::TargetChannel;
pub(crate) use channel::{SentStatus, not_sent_by_target};
pub(crate) use connect::{ConnectError, Discovery, check_address, connect, discover};
pub(crate) use http_client::request as http_request;
pub use http_client::{HttpResponse, http_get};
pub(crate) use reference_proxy::reference_proxy_command;
pub(crate) use scratch::{ScratchFile, free_port, no_free_port};
pub(crate) use spawn::SpawnedProcess;
pub(crate) use spawned_proxy::{ProxyInstance, SpawnedProxy, wait_until_ready};
