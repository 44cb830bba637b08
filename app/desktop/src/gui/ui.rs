//! The Rust types Slint generates from `ui/*.slint`.
#![allow(clippy::all)]
slint::include_modules!();
