//! Starting an agent: its environment, the child process with signals forwarded and its exit
//! status passed on, and the masking of secret values in its output.

pub mod container;
pub mod env;
pub mod mask;
pub mod process;
