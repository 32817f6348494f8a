//! LiveKit access tokens and Tavus avatar configuration checks for the edge.
//!
//! A pure core: no I/O and no clock (the time is always an argument). The only
//! code that talks to JavaScript is the `wasm` module, compiled for `wasm32`.

#![deny(missing_docs)]

pub mod auth;
pub mod claims;
pub mod config;
pub mod duration;
pub mod error;
pub mod hash;
pub mod jws;
pub mod policy;
pub mod reconcile;
pub mod scenario;
pub mod server_api;
pub mod sizeclass;
pub mod tavus;
pub mod text;
pub mod token;
pub mod verify;
pub mod webhook;

/// The schema-driven JSON reader and writer (the `lte-engine` crate, built for speed).
pub use lte_engine::json;

#[cfg(test)]
mod typescript;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, Result};
