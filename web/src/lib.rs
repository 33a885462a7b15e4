//! ReplicaScope's web front end. It only renders and drives what
//! `replicascope-core` computes: no protocol logic lives here.

mod app;
pub mod bench;
pub mod canvas;
pub mod components;
pub mod element;
pub mod embed;
pub mod layout;
pub mod playback;
pub mod protocols;
pub mod state;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod sweep;

pub use app::{App, AppProps, ElementConfig};
