//! The public port: gRPC for every discovered user service, HTTP/JSON transcoding, gRPC server
//! reflection, and `/ready` + `/alive`, all on one listener (HTTP/1.1 and h2c), within the limits of
//! [`ConnectionLimits`].

mod connections;
mod deadline;
mod grpc;
mod health;
mod http;
mod json;
mod metadata;
mod reflection;
mod routes;
mod server;
mod template;

pub use connections::{ConnectionLimits, default_max_connections};
pub use server::serve;
