//! Tests of the catalog of faults and variants.

use super::*;

#[test]
fn names_are_unique_kebab_case_and_parse_back() {
    let mut names = std::collections::BTreeSet::new();
    for fault in Fault::ALL.iter().chain(Fault::VARIANTS) {
        let name = fault.name();
        assert!(names.insert(name), "{name} twice");
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        assert!(!fault.description().is_empty() && !fault.description().contains('\n'));
    }
    for fault in Fault::ALL {
        assert_eq!(fault.name().parse::<Fault>(), Ok(*fault));
        assert!(!fault.is_variant());
    }
    for variant in Fault::VARIANTS {
        assert_eq!(Fault::variant(variant.name()), Ok(*variant));
        assert!(
            variant.name().parse::<Fault>().is_err(),
            "a variant is not a fault"
        );
    }
    assert!(Fault::ALL.len() >= 30);
    assert!("no-such-fault".parse::<Fault>().is_err());
}
