//! Targets: reaching a running one, or starting, watching and stopping a process.

mod connect;
mod output;
mod spawn;

pub use connect::{ConnectError, Discovery, check_address, connect, discover};
pub use output::OutputBuffer;
pub use spawn::SpawnedProcess;
