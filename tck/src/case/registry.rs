//! A case as data: its description and its body, the macros that declare cases, and the joining of
//! case groups at compile time. The cases themselves are in `crate::cases`.

use futures::future::BoxFuture;

use super::{CaseInfo, Verdict};
use crate::proxy::ProxyCx;
use crate::sdk::SdkCx;

/// A case body in SDK mode: the TCK plays the proxy against a user function.
pub(crate) type SdkCaseFn = fn(SdkCx) -> BoxFuture<'static, Verdict>;

/// A case body in proxy mode: the TCK plays the client of a proxy and the user function behind it.
pub(crate) type ProxyCaseFn = fn(ProxyCx) -> BoxFuture<'static, Verdict>;

/// How a case runs.
#[derive(Clone, Copy)]
pub(crate) enum CaseBody {
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
pub(crate) struct Case {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdk::SdkCx;

    async fn passes(_cx: SdkCx) -> Verdict {
        Ok(())
    }

    static FIRST: &[Case] = &[sdk_case! {
        id: "protocol.sdk.first",
        summary: "first",
        requirements: ["DISC-001"],
        services: &[],
        run: passes,
    }];

    static SECOND: &[Case] = &[
        sdk_case! {
            id: "protocol.sdk.second",
            summary: "second",
            requirements: ["DISC-001"],
            services: &[],
            run: passes,
        },
        sdk_case! {
            id: "protocol.sdk.third",
            summary: "third",
            requirements: ["DISC-001"],
            services: &[],
            run: passes,
        },
    ];

    #[test]
    fn joined_groups_keep_every_case_in_order() {
        let groups: &[&[Case]] = &[FIRST, &[], SECOND];
        assert_eq!(count_cases(groups), 3);
        let joined: Vec<&str> = join_cases::<3>(groups)
            .iter()
            .map(|case| case.info.id)
            .collect();
        assert_eq!(
            joined,
            [
                "protocol.sdk.first",
                "protocol.sdk.second",
                "protocol.sdk.third"
            ]
        );
    }
}
