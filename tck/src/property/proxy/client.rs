//! What the client of the proxy gets, checked against the oracle: a response message, the failure of the
//! command, or (when the TCK crashed the entity's stream) any error.

use tonic::{Code, Status};

use crate::case::{CaseFailure, Verdict};
use crate::property::oracle::FAILURE;

/// How the client saw a call's outcome, for failure reports.
fn describe<T: std::fmt::Debug>(outcome: &Result<T, Status>) -> String {
    match outcome {
        Ok(response) => format!("{response:?}"),
        Err(status) => format!("gRPC status {:?}: {:?}", status.code(), status.message()),
    }
}

/// Checks that a client call succeeded with exactly `expected`.
pub(crate) fn expect_response<T: std::fmt::Debug + PartialEq>(
    what: &str,
    outcome: &Result<T, Status>,
    expected: &T,
) -> Verdict {
    match outcome {
        Ok(response) if response == expected => Ok(()),
        _ => Err(CaseFailure::mismatch(
            format!("the client's call {what} did not get the oracle's response"),
            format!("{expected:?}"),
            describe(outcome),
        )),
    }
}

/// Checks that a client call failed with status `UNKNOWN` and exactly `description` as its message.
pub(crate) fn expect_failure<T: std::fmt::Debug>(
    what: &str,
    outcome: &Result<T, Status>,
    description: &str,
) -> Verdict {
    match outcome {
        Err(status) if status.code() == Code::Unknown && status.message() == description => Ok(()),
        _ => Err(CaseFailure::mismatch(
            format!("the client's call {what} did not fail with the command's failure"),
            format!("gRPC status Unknown: {description:?}"),
            describe(outcome),
        )),
    }
}

/// Checks that a client call whose entity stream crashed failed, with any status.
pub(crate) fn expect_error<T: std::fmt::Debug>(what: &str, outcome: &Result<T, Status>) -> Verdict {
    match outcome {
        Err(_) => Ok(()),
        Ok(_) => Err(CaseFailure::mismatch(
            format!(
                "the client's call {what} succeeded, though the entity's stream failed while it was in flight"
            ),
            "an error status".to_owned(),
            describe(outcome),
        )),
    }
}

/// What a client must get for one call, by the oracle.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ClientExpectation<T> {
    /// This response message.
    Response(T),
    /// The command's failure: status `UNKNOWN` with the property's failure message.
    Failure,
}

impl<T: std::fmt::Debug + PartialEq> ClientExpectation<T> {
    /// Checks one call's outcome.
    pub(crate) fn check(&self, what: &str, outcome: &Result<T, Status>) -> Verdict {
        match self {
            ClientExpectation::Response(response) => expect_response(what, outcome, response),
            ClientExpectation::Failure => expect_failure(what, outcome, FAILURE),
        }
    }
}

/// Checks the outcomes of calls made at once: the proxy may serve them in any order, so a client's
/// outcome is checked against the expectations of every call with an equal request, each used once.
pub(crate) fn expect_outcomes<R: PartialEq, T: std::fmt::Debug + PartialEq>(
    requests: &[R],
    outcomes: &[Result<T, Status>],
    expected: &[ClientExpectation<T>],
    describe: impl Fn(&R) -> String,
) -> Verdict {
    let mut used = vec![false; expected.len()];
    for (index, outcome) in outcomes.iter().enumerate() {
        let candidates: Vec<usize> = (0..expected.len())
            .filter(|other| !used[*other] && requests[*other] == requests[index])
            .collect();
        let matching = candidates
            .iter()
            .find(|other| expected[**other].check("", outcome).is_ok());
        match matching {
            Some(other) => used[*other] = true,
            None => {
                let first = candidates.first().copied().unwrap_or(index);
                return expected[first].check(&describe(&requests[index]), outcome);
            }
        }
    }
    Ok(())
}

/// Fails at once when the proxy failed a client's call with another status than a command failure's
/// `UNKNOWN`: the call then never reached the entity, and no traffic for it will come.
pub(crate) fn expect_delivered<T>(what: &str, outcome: &Result<T, Status>) -> Verdict {
    match outcome {
        Err(status) if status.code() != Code::Unknown => Err(CaseFailure::fail(format!(
            "the proxy failed the client's call {what} with gRPC status {:?}: {:?}, where the call \
             must reach the entity and get its answer",
            status.code(),
            status.message()
        ))),
        _ => Ok(()),
    }
}
