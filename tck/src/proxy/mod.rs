//! Proxy mode: the TCK plays the client of a proxy and, through its interceptor, the user function
//! behind it, so that it sees both what clients get and every protocol message. This is the engine (the
//! case context, interceptor, traffic and executor); the proxy-mode cases are in `crate::cases`.

mod control;
mod cx;
mod executor;
mod intercept;
mod journal;
mod surplus;
mod traffic;

pub(crate) use control::Intervention;
pub(crate) use cx::{ProxyCx, StartupDiscovery};
pub(crate) use executor::ProxyExecutor;
pub(crate) use intercept::Interceptor;
pub(crate) use traffic::{CallEvent, CallProbe, RecordedCall};
