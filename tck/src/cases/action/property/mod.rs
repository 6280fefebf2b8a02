//! Action properties: scenarios of calls in the four call shapes, an oracle of the responses a conforming
//! user function sends, and the case that runs them.

mod oracle;
pub(crate) mod scenario;
mod sdk;

pub(crate) use sdk::CASES as SDK_CASES;
