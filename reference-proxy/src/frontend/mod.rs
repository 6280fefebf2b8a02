//! The public port: gRPC for every discovered user service, HTTP/JSON transcoding, gRPC server
//! reflection, and `/ready` + `/alive`, all on one listener (HTTP/1.1 and h2c).

mod grpc;
mod health;
mod http;
mod json;
mod metadata;
mod reflection;
mod routes;
mod server;
mod template;

pub use server::serve;
