//! vault: a secrets manager and launcher for AI agents.
//!
//! The library holds everything; the `vault` binary only parses, dispatches and reports.
//! [`vault`] (format, crypto, storage) and [`identity`] work without the command line:
//! a test or another program can open a vault with nothing but an identity.

pub mod audit;
pub mod cli;
pub mod commands;
pub mod dotenv;
pub mod identity;
pub mod launch;
pub mod names;
pub mod net;
pub mod paths;
pub mod providers;
pub mod proxy;
pub mod remote;
pub mod sandbox;
pub mod scope;
pub mod secret;
pub mod sensitive;
pub mod state;
pub mod ui;
pub mod vault;
