//! The catalog's lists: every case in run order, and the lookup of a case by its ID.

use super::{PROXY_GROUPS, SDK_GROUPS};
use crate::case::Case;

/// Every case, in run order: the SDK-mode groups, then the proxy-mode groups, each in the order its
/// area declares its cases.
pub(crate) fn all_cases() -> Vec<&'static Case> {
    SDK_GROUPS
        .iter()
        .chain(PROXY_GROUPS)
        .flat_map(|group| group.iter())
        .collect()
}

/// The built-in case with this exact ID.
pub(crate) fn find_case(id: &str) -> Option<&'static Case> {
    SDK_GROUPS
        .iter()
        .chain(PROXY_GROUPS)
        .flat_map(|group| group.iter())
        .find(|case| case.info.id == id)
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
