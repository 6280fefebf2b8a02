//! The registry: every case the TCK knows, as data.

use futures::future::BoxFuture;

use super::{CaseInfo, Verdict};
use crate::proxy::ProxyCx;
use crate::sdk::SdkCx;

/// A case body in SDK mode: the TCK plays the proxy against a user function.
pub type SdkCaseFn = fn(SdkCx) -> BoxFuture<'static, Verdict>;

/// A case body in proxy mode: the TCK plays the client of a proxy and the user function behind it.
pub type ProxyCaseFn = fn(ProxyCx) -> BoxFuture<'static, Verdict>;

/// How a case runs.
#[derive(Clone, Copy)]
pub enum CaseBody {
    /// Against a user function, with the TCK as its proxy.
    Sdk(SdkCaseFn),
    /// Against a proxy, with the TCK as its client and user function.
    Proxy(ProxyCaseFn),
}

impl std::fmt::Debug for CaseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaseBody::Sdk(_) => f.write_str("CaseBody::Sdk"),
            CaseBody::Proxy(_) => f.write_str("CaseBody::Proxy"),
        }
    }
}

/// A case: its description and its body.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// What the case is and what it checks.
    pub info: CaseInfo,
    /// What it does.
    pub body: CaseBody,
}

/// Declares an SDK-mode case from an `async fn(SdkCx) -> Verdict`.
macro_rules! sdk_case {
    (
        id: $id:literal,
        summary: $summary:literal,
        requirements: [$($requirement:literal),* $(,)?],
        services: $services:expr,
        run: $body:path $(,)?
    ) => {
        $crate::case::Case {
            info: $crate::case::CaseInfo {
                id: $id,
                summary: $summary,
                requirements: &[$($requirement),*],
                services: $services,
            },
            body: $crate::case::CaseBody::Sdk(|cx| Box::pin($body(cx))),
        }
    };
}
pub(crate) use sdk_case;

/// Declares a proxy-mode case from an `async fn(ProxyCx) -> Verdict`.
#[allow(unused_macros)]
macro_rules! proxy_case {
    (
        id: $id:literal,
        summary: $summary:literal,
        requirements: [$($requirement:literal),* $(,)?],
        services: $services:expr,
        run: $body:path $(,)?
    ) => {
        $crate::case::Case {
            info: $crate::case::CaseInfo {
                id: $id,
                summary: $summary,
                requirements: &[$($requirement),*],
                services: $services,
            },
            body: $crate::case::CaseBody::Proxy(|cx| Box::pin($body(cx))),
        }
    };
}
#[allow(unused_imports)]
pub(crate) use proxy_case;

/// How many cases `groups` hold together.
pub(crate) const fn count_cases(groups: &[&[Case]]) -> usize {
    let (mut count, mut group) = (0, 0);
    while group < groups.len() {
        count += groups[group].len();
        group += 1;
    }
    count
}

/// The cases of `groups`, one group after another, as one list: for an area that keeps its cases in
/// several files. `N` is [`count_cases`] of `groups`, and the first group is not empty; the list is
/// built at compile time, so either mistake is a compile error.
pub(crate) const fn join_cases<const N: usize>(groups: &[&[Case]]) -> [Case; N] {
    assert!(
        N == count_cases(groups),
        "N is not the number of cases in the groups"
    );
    let mut all = [groups[0][0]; N];
    let (mut next, mut group) = (0, 0);
    while group < groups.len() {
        let mut index = 0;
        while index < groups[group].len() {
            all[next] = groups[group][index];
            next += 1;
            index += 1;
        }
        group += 1;
    }
    all
}

/// Every case, in run order: by area, then in the order each area declares them.
pub fn all_cases() -> Vec<&'static Case> {
    crate::cases::SDK_GROUPS
        .iter()
        .chain(crate::cases::PROXY_GROUPS)
        .flat_map(|group| group.iter())
        .collect()
}

/// The case with this exact ID, among the built-in cases and those registered at run time.
pub fn find_case(id: &str) -> Option<&'static Case> {
    all_cases()
        .into_iter()
        .find(|case| case.info.id == id)
        .or_else(|| Case::registered_dynamic().find(|case| case.info.id == id))
}

/// Cases made at run time (the streams of replayed transcripts), leaked so that they live as long as
/// the built-in ones.
static DYNAMIC_CASES: std::sync::Mutex<Vec<&'static Case>> = std::sync::Mutex::new(Vec::new());

impl Case {
    /// Registers cases made at run time, such as the streams of replayed transcripts (see
    /// `crate::record`), and returns them in order.
    ///
    /// They are leaked (a run registers them once) and [`find_case`] finds them, so that an
    /// expected-failures file may name them; [`all_cases`] stays the built-in list. Their body is
    /// whatever the caller's executor makes of them.
    pub fn register_dynamic(cases: Vec<Case>) -> Vec<&'static Case> {
        let leaked: Vec<&'static Case> = cases
            .into_iter()
            .map(|case| &*Box::leak(Box::new(case)))
            .collect();
        DYNAMIC_CASES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(leaked.iter().copied());
        leaked
    }

    fn registered_dynamic() -> impl Iterator<Item = &'static Case> {
        DYNAMIC_CASES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .into_iter()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::case::parse_id;

    #[test]
    fn every_id_is_well_formed_and_unique() {
        let mut seen = BTreeSet::new();
        for case in all_cases() {
            assert!(
                parse_id(case.info.id).is_some(),
                "malformed case ID {}",
                case.info.id
            );
            assert!(
                seen.insert(case.info.id),
                "duplicate case ID {}",
                case.info.id
            );
            assert!(
                !case.info.summary.is_empty(),
                "{} has no summary",
                case.info.id
            );
            assert!(
                !case.info.requirements.is_empty(),
                "{} names no requirement",
                case.info.id
            );
        }
    }

    #[test]
    fn joined_groups_keep_every_case_in_order() {
        let (first, second) = (crate::cases::SDK_GROUPS[0], crate::cases::SDK_GROUPS[1]);
        let groups: &[&[Case]] = &[&first[..1], &[], &second[..2]];
        assert_eq!(count_cases(groups), 3);
        let joined: Vec<&str> = join_cases::<3>(groups)
            .iter()
            .map(|case| case.info.id)
            .collect();
        assert_eq!(
            joined,
            [first[0].info.id, second[0].info.id, second[1].info.id]
        );
    }

    #[test]
    fn every_requirement_exists_in_the_spec() {
        for case in all_cases() {
            for id in case.info.requirements {
                assert!(
                    crate::spec::requirement(id).is_some(),
                    "{} names unknown requirement {id}",
                    case.info.id
                );
            }
        }
    }

    #[test]
    fn every_service_is_a_model_service() {
        for case in all_cases() {
            for service in case.info.services {
                assert!(
                    cloudstate_protocol::names::model::ALL.contains(service),
                    "{} needs unknown service {service}",
                    case.info.id
                );
            }
        }
    }
}
