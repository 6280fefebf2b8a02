//! Proxy mode: the TCK plays the client of a proxy and, through its interceptor, the user function
//! behind it, so that it sees both what clients get and every protocol message. This is the engine (the
//! case context, interceptor, traffic and executor); the proxy-mode cases are in `crate::cases`.

mod control;
mod cx;
mod executor;
mod intercept;
mod journal;
mod raw;
mod traffic;

pub use control::{Held, InterceptControl, Intervention};
pub use cx::{ProxyCx, StartupDiscovery};
pub use executor::{ProxyExecutor, QUIET_AFTER_CASE};
pub use intercept::Interceptor;
pub use journal::Journal;
pub use raw::RawCodec;
pub use traffic::{CallEvent, CallProbe, RecordedCall, Traffic};
