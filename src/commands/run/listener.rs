//! Where a keyless run's proxy listens, and the proxy serving there for the run's life.
//! Never a wildcard address, and never one another machine has: this machine's loopback, a
//! unix socket only a sandbox is given, a container bridge's gateway, or the loopback of a
//! container's own network namespace.

use std::net::{IpAddr, SocketAddr, TcpListener};

use std::path::PathBuf;

use anyhow::Result;

use crate::sandbox;

/// Where the agent is to reach the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyAt {
    /// 127.0.0.1, a free port: a process on this machine, or a container sharing its network.
    Loopback,
    /// A unix socket in a private directory (mode 0700), bound into the sandbox alone
    /// (`--network proxy`); the agent reaches it on a fixed port inside.
    SandboxSocket,
    /// A container bridge's gateway (docker's `172.17.0.1`), a free port: every container
    /// on the bridge reaches it, no other machine does.
    Gateway(IpAddr),
    /// The loopback of the container's own network namespace, on a fixed port: bound once
    /// the container exists and before its command starts.
    InContainer,
}

/// The proxy's listening socket, or for a container not made yet, its place.
pub enum ProxyListener {
    Bound(crate::proxy::Listener),
    /// The sandbox's socket, in the private directory it lives in.
    Socket {
        listener: std::os::unix::net::UnixListener,
        dir: tempfile::TempDir,
    },
    /// Bound inside the container, once it is created ([`ProxyListener::bound`]).
    InContainer,
}

/// A proxy serving until dropped (with the socket's directory, while it serves).
pub struct Serving {
    _proxy: crate::proxy::Background,
    _dir: Option<tempfile::TempDir>,
}

impl ProxyListener {
    /// The listener, and the address agents are given.
    pub fn bind(at: ProxyAt) -> Result<(Self, SocketAddr)> {
        let inside = SocketAddr::from(([127, 0, 0, 1], sandbox::PROXY_PORT_INSIDE));
        let bound = |listener: crate::proxy::Listener| -> Result<(Self, SocketAddr)> {
            let addr = listener.local_addr()?;
            Ok((Self::Bound(listener), addr))
        };
        match at {
            ProxyAt::SandboxSocket => {
                let dir = tempfile::Builder::new().prefix("vault-proxy-").tempdir()?;
                let listener =
                    std::os::unix::net::UnixListener::bind(dir.path().join("proxy.sock"))?;
                Ok((Self::Socket { listener, dir }, inside))
            }
            ProxyAt::Loopback => bound(crate::proxy::bind_loopback("127.0.0.1:0")?.into()),
            ProxyAt::Gateway(ip) => bound(crate::proxy::bind_gateway(ip, 0)?),
            ProxyAt::InContainer => Ok((Self::InContainer, inside)),
        }
    }

    /// The socket the sandbox is given, for `--network proxy`.
    pub fn socket(&self) -> Option<PathBuf> {
        match self {
            Self::Socket { dir, .. } => Some(dir.path().join("proxy.sock")),
            _ => None,
        }
    }

    /// The socket made inside the container, for a place held until it was.
    pub fn bound(&mut self, listener: TcpListener) {
        *self = Self::Bound(listener.into());
    }

    pub fn serve(self, config: crate::proxy::Config) -> Result<Serving> {
        Ok(match self {
            Self::Bound(listener) => Serving {
                _proxy: crate::proxy::spawn(config, listener)?,
                _dir: None,
            },
            Self::Socket { listener, dir } => Serving {
                _proxy: crate::proxy::spawn(config, crate::proxy::Listener::Unix(listener))?,
                _dir: Some(dir),
            },
            Self::InContainer => anyhow::bail!(
                "the proxy's place in the container was never bound (the container was not \
                 created)"
            ),
        })
    }
}
