//! The hot kernels of livekit-tavus-edge, in a crate of their own so that they
//! are optimised for speed while the rest of the core is optimised for size:
//! the schema-driven JSON reader and writer ([`json`]) and base64
//! ([`base64`]). The main crate re-exports `json` as its own; its `hash` module
//! re-exports `base64`.

#![deny(missing_docs)]

pub mod base64;
pub mod json;
