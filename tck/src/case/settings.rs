//! What a run gives each of its cases besides the target: the seed of everything random and how many
//! scenarios a property case runs. The runner hands them to every case through its context, so no case
//! reads a process-wide setting.

/// Scenarios per property unless `--scenarios` says otherwise: small enough that the whole property set
/// runs in a few seconds against a local SDK.
pub(crate) const DEFAULT_SCENARIOS: u64 = 100;

/// The run's settings, as each case sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CaseSettings {
    /// The seed of everything random in the run.
    pub seed: u64,
    /// How many scenarios each property case runs (at least one).
    pub scenarios: u64,
    /// The case's entity IDs number from here: each case of a run has its own range
    /// ([`ENTITIES_PER_CASE`] wide, by its place in the selection), so IDs are unique in the run and
    /// the same whatever order cases run in.
    pub first_entity: u64,
}

/// How many entity IDs each case of a run has to itself.
pub(crate) const ENTITIES_PER_CASE: u64 = 100_000;

impl Default for CaseSettings {
    fn default() -> Self {
        CaseSettings {
            seed: 0,
            scenarios: DEFAULT_SCENARIOS,
            first_entity: 0,
        }
    }
}
