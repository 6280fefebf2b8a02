//! What a CRDT property sends, as plain data: the CRDT types, the model's update operations, the deltas
//! that other replicas contribute, and the steps of a scenario.
//!
//! A scenario works on one entity per CRDT type (so every operation fits its entity). Set elements,
//! register values and map keys come from small fixed lists, so that operations collide often: an element
//! added twice, a key removed and added again in one command.

use std::fmt;

use cloudstate_protocol::cloudstate::crdt::{CrdtClock, CrdtWriteConsistency};

/// The set elements operations draw from; `""` checks the empty primitive string (CRDT-017).
pub(crate) const ELEMENTS: &[&str] = &["a", "b", "", "c"];
/// The register values operations draw from.
pub(crate) const REGISTER_VALUES: &[&str] = &["x", "", "y"];
/// The keys of an entity's ORMap; the prefix of a key names the type of its value.
pub(crate) const MAP_KEYS: &[&str] = &[
    "PNCounter-k",
    "ORSet-k",
    "LWWRegister-k",
    "GCounter-k",
    "GSet-k",
    "Flag-k",
    "Vote-k",
    "ORSet-j",
    "ORMap-k",
];
/// The keys of an ORMap nested in the entity's ORMap: no further nesting.
pub(crate) const NESTED_MAP_KEYS: &[&str] = &["PNCounter-n", "ORSet-n", "LWWRegister-n", "Vote-n"];

/// The eight CRDT types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    /// A grow-only counter.
    GCounter,
    /// A counter that grows and shrinks.
    PnCounter,
    /// A grow-only set.
    GSet,
    /// An observed-remove set.
    OrSet,
    /// A last-write-wins register.
    LwwRegister,
    /// A flag that can only be enabled.
    Flag,
    /// An observed-remove map.
    OrMap,
    /// A vote.
    Vote,
}

impl Kind {
    /// Every type, in the order the protocol lists them.
    pub(crate) const ALL: [Kind; 8] = [
        Kind::GCounter,
        Kind::PnCounter,
        Kind::GSet,
        Kind::OrSet,
        Kind::LwwRegister,
        Kind::Flag,
        Kind::OrMap,
        Kind::Vote,
    ];

    /// The type's name: the prefix of entity ids and map keys of this type.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::GCounter => "GCounter",
            Kind::PnCounter => "PNCounter",
            Kind::GSet => "GSet",
            Kind::OrSet => "ORSet",
            Kind::LwwRegister => "LWWRegister",
            Kind::Flag => "Flag",
            Kind::OrMap => "ORMap",
            Kind::Vote => "Vote",
        }
    }

    /// The type named by the prefix of `key` before its first `-`; an unknown prefix is a GCounter (the
    /// fixed key lists above name known types only).
    pub(crate) fn of_key(key: &str) -> Kind {
        let prefix = key.split('-').next().unwrap_or(key);
        Kind::ALL
            .into_iter()
            .find(|kind| kind.name() == prefix)
            .unwrap_or(Kind::GCounter)
    }
}

/// The clock of a register write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clock {
    /// The proxy's clock.
    Default,
    /// The proxy's clock, reversed.
    Reverse,
    /// A clock value given by the entity.
    Custom(i64),
    /// A clock value given by the entity, raised by the proxy when it is not ahead.
    CustomAutoIncrement(i64),
}

impl Clock {
    /// The protocol's `CrdtClock` (the model's `LWWRegisterClockType` has the same numbers).
    pub(crate) fn protocol(self) -> CrdtClock {
        match self {
            Clock::Default => CrdtClock::Default,
            Clock::Reverse => CrdtClock::Reverse,
            Clock::Custom(_) => CrdtClock::Custom,
            Clock::CustomAutoIncrement(_) => CrdtClock::CustomAutoIncrement,
        }
    }

    /// The custom clock value (0 for the proxy's clocks).
    pub(crate) fn custom_value(self) -> i64 {
        match self {
            Clock::Default | Clock::Reverse => 0,
            Clock::Custom(value) | Clock::CustomAutoIncrement(value) => value,
        }
    }
}

/// One update operation of the model, for an entity or map value of the matching type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// `gcounter{increment}`.
    Increment(u64),
    /// `pncounter{change}`.
    Change(i64),
    /// `gset{add}`.
    GSetAdd(String),
    /// `orset{add}`.
    OrSetAdd(String),
    /// `orset{remove}`.
    OrSetRemove(String),
    /// `orset{clear}`.
    OrSetClear,
    /// `lwwregister{value, clock}`.
    LwwSet(String, Clock),
    /// `flag{}`.
    FlagEnable,
    /// `vote{self_vote}`.
    Vote(bool),
    /// `ormap{add: key}`.
    MapAdd(String),
    /// `ormap{update{key, update}}`.
    MapUpdate(String, Box<Op>),
    /// `ormap{remove: key}`.
    MapRemove(String),
    /// `ormap{clear}`.
    MapClear,
}

/// The write consistency an update asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Consistency {
    /// `LOCAL`.
    Local,
    /// `MAJORITY`.
    Majority,
    /// `ALL`.
    All,
}

impl Consistency {
    /// The protocol's `CrdtWriteConsistency` (the model's `UpdateWriteConsistency` has the same
    /// numbers).
    pub(crate) fn protocol(self) -> CrdtWriteConsistency {
        match self {
            Consistency::Local => CrdtWriteConsistency::Local,
            Consistency::Majority => CrdtWriteConsistency::Majority,
            Consistency::All => CrdtWriteConsistency::All,
        }
    }
}

/// One action of a `CrdtTckModel.Process` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CrdtAction {
    /// `Update`: the operation and its write consistency.
    Update(Op, Consistency),
    /// `Delete{}`.
    Delete,
    /// `Forward{id}` to `CrdtTwo`, with id `two-<n>`.
    Forward(u8),
    /// `Effect{id, synchronous}` to `CrdtTwo`, with id `two-<n>`.
    Effect(u8, bool),
}

/// A change another replica made, as the proxy would pass it on: applied to the entity's current value
/// it becomes the `CrdtDelta` sent (see `value::concretize`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Remote {
    /// `GCounterDelta{increment}`.
    Increment(u64),
    /// `PNCounterDelta{change}`.
    Change(i64),
    /// `GSetDelta{added}`.
    GSetAdded(Vec<String>),
    /// `ORSetDelta`: `cleared`, then the elements removed (those present) and added.
    OrSet {
        /// Whether the other replica cleared the set.
        cleared: bool,
        /// Elements removed.
        removed: Vec<String>,
        /// Elements added.
        added: Vec<String>,
    },
    /// `LWWRegisterDelta{value, clock}`.
    Lww(String, Clock),
    /// `FlagDelta{value}`.
    Flag(bool),
    /// Votes of the other nodes: how many there are and how many vote for; this node's own vote stays.
    Vote {
        /// Other nodes voting for.
        others_for: i32,
        /// Other nodes.
        others: i32,
    },
    /// `ORMapDelta`: `cleared`, keys removed (those present), and entries changed or added.
    OrMap {
        /// Whether the other replica cleared the map.
        cleared: bool,
        /// Keys removed.
        removed: Vec<String>,
        /// Entries: present keys are updated by the change, absent ones added with it.
        entries: Vec<(String, Remote)>,
    },
}

/// One step of a CRDT scenario, on the scenario's entity of `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CrdtStep {
    /// A `Process` command: its actions, then a `Fail` when `fail` is set.
    Command {
        /// The entity's type.
        kind: Kind,
        /// The actions before any failure.
        actions: Vec<CrdtAction>,
        /// Whether the command ends with `Fail`.
        fail: bool,
    },
    /// A delta from another replica: sent on the open stream, or held for the next init.
    Replicated(Kind, Remote),
    /// Half-close the entity's stream, if it is open.
    Passivate(Kind),
    /// The proxy deletes the entity (`CrdtDelete`), then ends its stream; later steps use a new entity.
    ProxyDelete(Kind),
    /// Proxy mode: the TCK crashes the entity's stream while a call of its is in flight (that call
    /// fails); the next call must find the entity restarted from the value the proxy holds.
    Restart(Kind),
}

/// A generated CRDT scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrdtScenario(pub(crate) Vec<CrdtStep>);

/// The id of a forward or side effect target.
pub(crate) fn two_id(n: u8) -> String {
    format!("two-{n}")
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clock::Default => Ok(()),
            Clock::Reverse => f.write_str(" clock=reverse"),
            Clock::Custom(value) => write!(f, " clock=custom({value})"),
            Clock::CustomAutoIncrement(value) => write!(f, " clock=custom-auto({value})"),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Increment(n) => write!(f, "increment {n}"),
            Op::Change(n) => write!(f, "change {n:+}"),
            Op::GSetAdd(e) | Op::OrSetAdd(e) => write!(f, "add {e:?}"),
            Op::OrSetRemove(e) => write!(f, "remove {e:?}"),
            Op::OrSetClear | Op::MapClear => f.write_str("clear"),
            Op::LwwSet(value, clock) => write!(f, "set {value:?}{clock}"),
            Op::FlagEnable => f.write_str("enable"),
            Op::Vote(vote) => write!(f, "vote {vote}"),
            Op::MapAdd(key) => write!(f, "add key {key}"),
            Op::MapUpdate(key, op) => write!(f, "{key}: {op}"),
            Op::MapRemove(key) => write!(f, "remove key {key}"),
        }
    }
}

impl fmt::Display for CrdtAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrdtAction::Update(op, Consistency::Local) => write!(f, "{op}"),
            CrdtAction::Update(op, Consistency::Majority) => write!(f, "{op} @majority"),
            CrdtAction::Update(op, Consistency::All) => write!(f, "{op} @all"),
            CrdtAction::Delete => f.write_str("delete"),
            CrdtAction::Forward(n) => write!(f, "forward {}", two_id(*n)),
            CrdtAction::Effect(n, sync) => write!(f, "effect {} sync={sync}", two_id(*n)),
        }
    }
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

impl fmt::Display for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Remote::Increment(n) => write!(f, "increment {n}"),
            Remote::Change(n) => write!(f, "change {n:+}"),
            Remote::GSetAdded(added) => write!(f, "added {}", list(added)),
            Remote::OrSet {
                cleared,
                removed,
                added,
            } => {
                let cleared = if *cleared { "cleared, " } else { "" };
                write!(
                    f,
                    "{cleared}removed {}, added {}",
                    list(removed),
                    list(added)
                )
            }
            Remote::Lww(value, clock) => write!(f, "value {value:?}{clock}"),
            Remote::Flag(value) => write!(f, "value {value}"),
            Remote::Vote { others_for, others } => {
                write!(f, "{others_for} of {others} other voters for")
            }
            Remote::OrMap {
                cleared,
                removed,
                entries,
            } => {
                let cleared = if *cleared { "cleared, " } else { "" };
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(key, change)| format!("{key}: {change}"))
                    .collect();
                write!(
                    f,
                    "{cleared}removed {}, entries {{{}}}",
                    list(removed),
                    entries.join("; ")
                )
            }
        }
    }
}

impl fmt::Display for CrdtStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrdtStep::Command {
                kind,
                actions,
                fail,
            } => {
                let mut parts: Vec<String> = actions.iter().map(ToString::to_string).collect();
                if *fail {
                    parts.push("fail".to_owned());
                }
                write!(f, "{}: Process [{}]", kind.name(), parts.join(", "))
            }
            CrdtStep::Replicated(kind, remote) => {
                write!(f, "{}: delta from another replica: {remote}", kind.name())
            }
            CrdtStep::Passivate(kind) => {
                write!(f, "{}: passivate (half-close the stream)", kind.name())
            }
            CrdtStep::ProxyDelete(kind) => write!(
                f,
                "{}: deleted by the proxy (later steps use a new entity)",
                kind.name()
            ),
            CrdtStep::Restart(kind) => write!(
                f,
                "{}: restart (the TCK crashes the stream while a call is in flight)",
                kind.name()
            ),
        }
    }
}

impl fmt::Display for CrdtScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, step) in self.0.iter().enumerate() {
            writeln!(f, "  {}. {step}", index + 1)?;
        }
        Ok(())
    }
}
