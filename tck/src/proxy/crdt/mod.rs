//! Proxy-mode cases of this area.

use crate::case::Case;

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[];
