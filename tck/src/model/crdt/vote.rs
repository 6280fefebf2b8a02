//! [`Vote`]: this node's vote plus the proxy's tally.

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, VoteDelta, crdt_delta};

use super::value::wrong_delta;

/// A vote: this node's own vote, and how many of how many voters vote for.
///
/// The proxy owns the tally: a received delta replaces all three fields. A local vote change adjusts
/// `votes_for` by one and reports only `self_vote`.
#[derive(Debug, Clone)]
pub(crate) struct Vote {
    self_vote: bool,
    votes_for: i32,
    total_voters: i32,
    /// `self_vote` as last reported to or received from the proxy.
    reported: bool,
}

impl Default for Vote {
    /// The initial state: (false, 0, 1).
    fn default() -> Self {
        Self {
            self_vote: false,
            votes_for: 0,
            total_voters: 1,
            reported: false,
        }
    }
}

impl Vote {
    /// This node's vote.
    pub(crate) fn self_vote(&self) -> bool {
        self.self_vote
    }

    /// How many voters vote for.
    pub(crate) fn votes_for(&self) -> i32 {
        self.votes_for
    }

    /// How many voters there are.
    pub(crate) fn total_voters(&self) -> i32 {
        self.total_voters
    }

    /// Sets this node's vote; voting as before changes nothing.
    pub(crate) fn vote(&mut self, vote: bool) {
        if vote != self.self_vote {
            self.self_vote = vote;
            self.votes_for = if vote {
                self.votes_for.saturating_add(1)
            } else {
                self.votes_for.saturating_sub(1)
            };
        }
    }

    /// Applies a received `VoteDelta`, which replaces all three fields.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match &delta.delta {
            Some(crdt_delta::Delta::Vote(d)) => {
                self.self_vote = d.self_vote;
                self.votes_for = d.votes_for;
                self.total_voters = d.total_voters;
                self.reported = d.self_vote;
                Ok(())
            }
            _ => Err(wrong_delta("Vote", delta)),
        }
    }

    /// `self_vote` alone, if it differs from the one last reported.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        if self.self_vote == self.reported {
            return None;
        }
        self.reported = self.self_vote;
        Some(self.full_delta())
    }

    /// This node's vote as a delta (the only field the user function sets).
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        CrdtDelta {
            delta: Some(crdt_delta::Delta::Vote(VoteDelta {
                self_vote: self.self_vote,
                votes_for: 0,
                total_voters: 0,
            })),
        }
    }
}
