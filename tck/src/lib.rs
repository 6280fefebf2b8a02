//! Conformance test kit for Cloudstate protocol 0.2.

#![forbid(unsafe_code)]
