//! Event-sourced messages: the model's requests, the protocol messages that carry them, and the replies the
//! model must answer with, as every mode builds and expects them.
