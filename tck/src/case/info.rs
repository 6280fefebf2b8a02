//! What a case is: its identity, what it checks, and what it needs from the target.

use std::fmt;

use serde::Serialize;

use crate::spec::Severity;

/// The protocol area a case belongs to: the first segment of its ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Area {
    /// Entity discovery and protocol versions.
    Discovery,
    /// Stateless actions.
    Action,
    /// Value entities.
    ValueEntity,
    /// Event-sourced entities.
    EventSourced,
    /// CRDT entities.
    Crdt,
    /// Eventing.
    Eventing,
    /// gRPC server reflection.
    Reflection,
    /// HTTP/JSON transcoding.
    Http,
    /// Malformed input, versions and ordering.
    Protocol,
}

impl Area {
    /// Every area, in report order.
    pub(crate) const ALL: [Area; 9] = [
        Area::Discovery,
        Area::Action,
        Area::ValueEntity,
        Area::EventSourced,
        Area::Crdt,
        Area::Eventing,
        Area::Reflection,
        Area::Http,
        Area::Protocol,
    ];

    /// The area's name as it appears in case IDs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Area::Discovery => "discovery",
            Area::Action => "action",
            Area::ValueEntity => "value_entity",
            Area::EventSourced => "event_sourced",
            Area::Crdt => "crdt",
            Area::Eventing => "eventing",
            Area::Reflection => "reflection",
            Area::Http => "http",
            Area::Protocol => "protocol",
        }
    }

    fn parse(name: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|area| area.as_str() == name)
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side the TCK certifies: an SDK (the TCK plays the proxy) or a proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Mode {
    /// The TCK plays the proxy and talks to a user function.
    Sdk,
    /// The TCK plays the client and the user function of a proxy.
    Proxy,
}

impl Mode {
    /// The mode's name as it appears in case IDs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Sdk => "sdk",
            Mode::Proxy => "proxy",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The static description of a case: everything `list` and `explain` show.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaseInfo {
    /// `<area>.<mode>.<snake_name>`; never changes once released.
    pub id: &'static str,
    /// One line saying what the case checks.
    pub summary: &'static str,
    /// The spec requirement IDs the case checks.
    pub requirements: &'static [&'static str],
    /// Full names of the TCK model services the target must serve for the case to run.
    pub services: &'static [&'static str],
}

impl CaseInfo {
    /// The area, from the first segment of the ID.
    pub(crate) fn area(&self) -> Area {
        self.segments().0
    }

    /// The mode, from the second segment of the ID.
    pub(crate) fn mode(&self) -> Mode {
        self.segments().1
    }

    /// How much a failure of the case weighs: the most severe of its requirements' severities (a case
    /// that checks only SHOULDs fails as a warning). Requirements the spec does not have count as
    /// protocol MUSTs.
    pub(crate) fn severity(&self) -> Severity {
        self.requirements
            .iter()
            .map(|id| crate::spec::requirement(id).map_or(Severity::Protocol, |r| r.severity()))
            .min()
            .unwrap_or(Severity::Protocol)
    }

    fn segments(&self) -> (Area, Mode) {
        parse_id(self.id).unwrap_or((Area::Protocol, Mode::Sdk))
    }
}

/// Splits a case ID into area and mode; `None` when it is not of the form `<area>.<mode>.<snake_name>`.
pub(crate) fn parse_id(id: &str) -> Option<(Area, Mode)> {
    let mut parts = id.splitn(3, '.');
    let area = Area::parse(parts.next()?)?;
    let mode = match parts.next()? {
        "sdk" => Mode::Sdk,
        "proxy" => Mode::Proxy,
        _ => return None,
    };
    let name = parts.next()?;
    let snake = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with('_');
    snake.then_some((area, mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_into_area_mode_and_name() {
        assert_eq!(
            parse_id("event_sourced.sdk.snapshot_every_five_events"),
            Some((Area::EventSourced, Mode::Sdk))
        );
        assert_eq!(
            parse_id("crdt.proxy.state_changes"),
            Some((Area::Crdt, Mode::Proxy))
        );
        assert_eq!(parse_id("crdt.client.state_changes"), None);
        assert_eq!(parse_id("nothing.sdk.x"), None);
        assert_eq!(parse_id("action.sdk.Upper"), None);
        assert_eq!(parse_id("action.sdk"), None);
    }
}
