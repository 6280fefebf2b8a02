//! The CRDT model: the state and delta logic of the eight CRDT types, and the model's CRDT entities.
//!
//! Each type keeps its current value and the net local change since the last `take_delta`, applies
//! deltas received from the proxy (`apply_delta`), and offers its local operations. [`CrdtValue`](value::CrdtValue) holds
//! any of them, typed by a name prefix (`GCounter-1`). Set elements, register values and map keys are
//! primitive-string `Any`s, kept decoded and sorted for deterministic deltas.

pub(crate) mod counter;
mod entity;
pub(crate) mod flag;
pub(crate) mod map;
pub(crate) mod register;
mod session;
pub(crate) mod set;
#[cfg(test)]
mod tests;
mod update;
pub(crate) mod value;
pub(crate) mod vote;

pub(crate) use session::ModelCrdt;
