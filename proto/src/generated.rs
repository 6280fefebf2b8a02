//! The code generated from `proto/`, nested by protobuf package. Regenerate it with
//! `CLOUDSTATE_REGENERATE=1 cargo test -p cloudstate-protocol --test codegen`.

#![allow(
    missing_docs,
    unreachable_pub,
    non_camel_case_types,
    clippy::all,
    clippy::pedantic,
    rustdoc::all
)]

/// Package `cloudstate`: the messages shared by every entity type, entity discovery and the options.
#[rustfmt::skip]
pub mod cloudstate {
    include!("generated/cloudstate.rs");

    /// Package `cloudstate.action`: the stateless action protocol.
    pub mod action {
        include!("generated/cloudstate.action.rs");
    }

    /// Package `cloudstate.crdt`: the CRDT entity protocol.
    pub mod crdt {
        include!("generated/cloudstate.crdt.rs");
    }

    /// Package `cloudstate.eventsourced`: the event-sourced entity protocol.
    pub mod eventsourced {
        include!("generated/cloudstate.eventsourced.rs");
    }

    /// Package `cloudstate.valueentity`: the value entity protocol.
    pub mod valueentity {
        include!("generated/cloudstate.valueentity.rs");
    }

    /// The TCK model: the services an SDK implements to be certified.
    pub mod tck {
        /// Package `cloudstate.tck.model`: the event-sourced model, and the sub-packages of the others.
        pub mod model {
            include!("generated/cloudstate.tck.model.rs");

            /// Package `cloudstate.tck.model.action`.
            pub mod action {
                include!("generated/cloudstate.tck.model.action.rs");
            }

            /// Package `cloudstate.tck.model.crdt`.
            pub mod crdt {
                include!("generated/cloudstate.tck.model.crdt.rs");
            }

            /// Package `cloudstate.tck.model.eventlogeventing`.
            pub mod eventlogeventing {
                include!("generated/cloudstate.tck.model.eventlogeventing.rs");
            }

            /// Package `cloudstate.tck.model.metadata`.
            pub mod metadata {
                include!("generated/cloudstate.tck.model.metadata.rs");
            }

            /// Package `cloudstate.tck.model.valueentity`.
            pub mod valueentity {
                include!("generated/cloudstate.tck.model.valueentity.rs");
            }
        }
    }
}

/// Package `google.api`: HTTP transcoding rules.
#[rustfmt::skip]
pub mod google {
    /// Package `google.api`.
    pub mod api {
        include!("generated/google.api.rs");
    }
}
