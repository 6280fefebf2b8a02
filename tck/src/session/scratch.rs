//! What a run borrows from the machine for a while: a free loopback port, and a scratch file for a
//! durable proxy's store.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::error::TckError;

/// The ports [`free_port`] has handed out in this process.
static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// How many ports [`free_port`] asks the system for before it gives up finding one it has not handed
/// out yet.
const PORT_OFFERS: usize = 64;

/// A free loopback port for a process the TCK starts (free when this returns; the process binds it
/// soon after), never one handed out before in this process. A port is free again once its listener
/// is closed, so without that two processes started at nearly the same time could be given the same
/// port: the second then fails to bind it, while its readiness probe is answered by the first, and its
/// cases talk to another process's proxy.
pub(crate) fn free_port() -> std::io::Result<u16> {
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    // Ports seen before stay bound until a new one is found, so that the system offers another.
    let mut seen_before = Vec::new();
    for _ in 0..PORT_OFFERS {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        if handed_out.insert(port) {
            return Ok(port);
        }
        seen_before.push(listener);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AddrInUse,
        format!("the system offered only ports handed out before ({PORT_OFFERS} tries)"),
    ))
}

/// The setup error of a run that found no free port.
pub(crate) fn no_free_port(error: std::io::Error) -> TckError {
    TckError::Setup(format!("cannot find a free port: {error}"))
}

/// A SQLite file for a durable proxy, in the temporary directory; removed (with its WAL files) when
/// dropped.
#[derive(Debug)]
pub(crate) struct ScratchFile {
    path: PathBuf,
}

impl ScratchFile {
    /// A new, unused path.
    pub(crate) fn in_temp_dir() -> ScratchFile {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let name = format!("cloudstate-tck-{}-{nanos}.db", std::process::id());
        ScratchFile {
            path: std::env::temp_dir().join(name),
        }
    }

    /// Where it is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = self.path.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_is_handed_out_once() {
        let mut ports = BTreeSet::new();
        for _ in 0..200 {
            let port = free_port().expect("a free port");
            assert!(ports.insert(port), "port {port} was handed out twice");
        }
    }
}
