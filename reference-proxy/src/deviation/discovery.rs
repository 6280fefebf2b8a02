//! Discovery: the protocol version the proxy announces, which user functions it accepts, and whether it
//! tells a refused one why.
//!
//! Faults applied here: `wrong-protocol-version`, `accepts-any-version`, `lenient-entity-spec` and
//! `no-report-error-on-refusal`.

use crate::fault::{self, Fault};

/// The protocol minor version `ProxyInfo` announces, given the one this proxy speaks.
pub(crate) fn announced_minor_version(speaks: i32) -> i32 {
    if fault::active(Fault::WrongProtocolVersion) {
        1
    } else {
        speaks
    }
}

/// Whether a user function is served, given whether its protocol version is compatible.
pub(crate) fn accepts_version(compatible: bool) -> bool {
    compatible || fault::active(Fault::AcceptsAnyVersion)
}

/// Whether an `EntitySpec` that cannot be served is served anyway, without what cannot be served.
pub(crate) fn serves_what_it_can() -> bool {
    fault::active(Fault::LenientEntitySpec)
}

/// Whether a refused user function is told why with `reportError`.
pub(crate) fn reports_refusal() -> bool {
    !fault::active(Fault::NoReportErrorOnRefusal)
}
