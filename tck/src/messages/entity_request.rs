//! The request builders every entity model shares.
//!
//! The value-entity, event-sourced and CRDT models each have their own `Request`, `RequestAction` and
//! action messages (`Forward`, `Effect`, `Fail`), in their own proto package but of the same shape.
//! [`entity_request_builders!`] writes the builders of that common part once; each entity type's module
//! invokes it after importing its own package's messages, and adds the actions only it has.

/// Writes, in the invoking module, the builders of the request parts every entity model shares:
/// `request(id, actions)`, `forward_to(id)`, `effect(id, synchronous)`, `fail(message)` and the private
/// `action(..)` they wrap their action in.
///
/// The names `Request`, `RequestAction`, `request_action`, `Forward`, `Effect` and `Fail` must be in
/// scope where it is invoked: those of the entity type's own model package.
macro_rules! entity_request_builders {
    () => {
        /// `Request{id, actions}`.
        pub(crate) fn request(id: &str, actions: Vec<RequestAction>) -> Request {
            Request {
                id: id.to_owned(),
                actions,
            }
        }

        /// A request action holding `action`.
        fn action(action: request_action::Action) -> RequestAction {
            RequestAction {
                action: Some(action),
            }
        }

        /// The action `Forward{id}`: forward the command to the second service's `Call` for entity `id`.
        pub(crate) fn forward_to(id: &str) -> RequestAction {
            action(request_action::Action::Forward(Forward {
                id: id.to_owned(),
            }))
        }

        /// The action `Effect{id, synchronous}`: a side effect to the second service's `Call` for entity
        /// `id`.
        pub(crate) fn effect(id: &str, synchronous: bool) -> RequestAction {
            action(request_action::Action::Effect(Effect {
                id: id.to_owned(),
                synchronous,
            }))
        }

        /// The action `Fail{message}`.
        pub(crate) fn fail(message: &str) -> RequestAction {
            action(request_action::Action::Fail(Fail {
                message: message.to_owned(),
            }))
        }
    };
}
pub(crate) use entity_request_builders;
