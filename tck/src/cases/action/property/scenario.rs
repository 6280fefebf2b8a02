//! Action scenarios: calls of `ActionTckModel` in the four call shapes, each made of requests whose groups
//! of steps the model folds into results, and the proptest strategy over them.

use std::fmt;

use proptest::prelude::*;

/// The longest action scenario generated, in calls.
pub(crate) const MAX_CALLS: usize = 6;

/// One step of a group (spec ACT-020).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionStep {
    /// Reply with `Response{message: m<n>}`.
    Reply(u8),
    /// Forward to `ActionTwo.Call` with `OtherRequest{id: two-<n>}`.
    Forward(u8),
    /// Fail with the message `failure <n>`.
    Fail(u8),
    /// A side effect to `ActionTwo.Call` with `OtherRequest{id: two-<n>}` and the synchronous flag.
    Effect(u8, bool),
}

/// The groups of one request, each a list of steps.
pub(crate) type Groups = Vec<Vec<ActionStep>>;

/// One call of `ActionTckModel`, by call shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ActionCall {
    /// `ProcessUnary` with one request.
    Unary(Groups),
    /// `ProcessStreamedIn` with these requests, then half-close.
    StreamedIn(Vec<Groups>),
    /// `ProcessStreamedOut` with one request.
    StreamedOut(Groups),
    /// `ProcessStreamed` with these requests, each answered before the next is sent, then half-close.
    Streamed(Vec<Groups>),
}

/// A generated action scenario: the calls, made one after the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionScenario(pub(crate) Vec<ActionCall>);

/// The reply message of `Reply(n)`.
pub(crate) fn message(n: u8) -> String {
    format!("m{n}")
}

/// The failure message of `Fail(n)`.
pub(crate) fn failure_message(n: u8) -> String {
    format!("failure {n}")
}

/// The id of a forward or side-effect target.
pub(crate) fn two_id(n: u8) -> String {
    format!("two-{n}")
}

fn step() -> impl Strategy<Value = ActionStep> {
    prop_oneof![
        4 => (0u8..4).prop_map(ActionStep::Reply),
        2 => (0u8..3).prop_map(ActionStep::Forward),
        2 => (0u8..3).prop_map(ActionStep::Fail),
        3 => (0u8..3, any::<bool>()).prop_map(|(n, sync)| ActionStep::Effect(n, sync)),
    ]
}

fn groups() -> impl Strategy<Value = Groups> {
    proptest::collection::vec(proptest::collection::vec(step(), 0..4), 0..4)
}

fn requests() -> impl Strategy<Value = Vec<Groups>> {
    proptest::collection::vec(groups(), 0..4)
}

/// Action scenarios: calls of every shape.
pub(crate) fn scenario() -> impl Strategy<Value = ActionScenario> {
    let call = prop_oneof![
        groups().prop_map(ActionCall::Unary),
        requests().prop_map(ActionCall::StreamedIn),
        groups().prop_map(ActionCall::StreamedOut),
        requests().prop_map(ActionCall::Streamed),
    ];
    proptest::collection::vec(call, 1..=MAX_CALLS).prop_map(ActionScenario)
}

impl fmt::Display for ActionStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionStep::Reply(n) => write!(f, "reply {}", message(*n)),
            ActionStep::Forward(n) => write!(f, "forward {}", two_id(*n)),
            ActionStep::Fail(n) => write!(f, "fail {:?}", failure_message(*n)),
            ActionStep::Effect(n, sync) => write!(f, "effect {} sync={sync}", two_id(*n)),
        }
    }
}

/// `[[steps], [steps]]`: the groups of one request.
fn render(groups: &Groups) -> String {
    let groups: Vec<String> = groups
        .iter()
        .map(|steps| {
            let steps: Vec<String> = steps.iter().map(ToString::to_string).collect();
            format!("[{}]", steps.join(", "))
        })
        .collect();
    format!("[{}]", groups.join(", "))
}

fn render_all(requests: &[Groups]) -> String {
    let requests: Vec<String> = requests.iter().map(render).collect();
    format!("{{{}}}", requests.join(" "))
}

impl fmt::Display for ActionCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionCall::Unary(groups) => write!(f, "ProcessUnary {}", render(groups)),
            ActionCall::StreamedIn(requests) => {
                write!(f, "ProcessStreamedIn {}", render_all(requests))
            }
            ActionCall::StreamedOut(groups) => write!(f, "ProcessStreamedOut {}", render(groups)),
            ActionCall::Streamed(requests) => write!(f, "ProcessStreamed {}", render_all(requests)),
        }
    }
}

impl fmt::Display for ActionScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, call) in self.0.iter().enumerate() {
            writeln!(f, "  {}. {call}", index + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_lists_its_requests_and_groups() {
        let call = ActionCall::Streamed(vec![
            vec![vec![ActionStep::Reply(1), ActionStep::Effect(0, true)]],
            vec![vec![], vec![ActionStep::Fail(2)]],
        ]);
        assert_eq!(
            call.to_string(),
            "ProcessStreamed {[[reply m1, effect two-0 sync=true]] [[], [fail \"failure 2\"]]}"
        );
    }
}
