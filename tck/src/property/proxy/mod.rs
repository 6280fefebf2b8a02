//! What the proxy-mode properties share: their scenarios, the entity types they drive (and the runner of
//! those whose streams carry one command at a time), the entity streams they read from the interceptor,
//! the calls of forward and side-effect targets, and the checks of what the client gets.

pub(crate) mod client;
pub(crate) mod entity;
pub(crate) mod one_at_a_time;
pub(crate) mod run;
pub(crate) mod scenario;
pub(crate) mod streams;
pub(crate) mod targets;
