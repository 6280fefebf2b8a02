//! What the cases of several areas share: one check of an announced entity (SDK-mode discovery), the
//! checks of what a proxy's client got and of passivation, a short passivation timeout for the main
//! model entities, and the case bodies that run the same way for
//! every entity type (the metadata of forwards and side effects, a command unanswered past the relay
//! timeout), and the large messages of the size cases. Each area declares its own cases with these bodies.

pub(crate) mod announced;
pub(crate) mod checks;
pub(crate) mod command_metadata;
pub(crate) mod effect_metadata;
pub(crate) mod large;
pub(crate) mod relay_timeout;
pub(crate) mod short_passivation;
