//! What a run borrows from the machine for a while: a free loopback port, and a scratch file for a
//! durable proxy's store.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::error::TckError;

/// A free loopback port (free when this returns; the target binds it right after).
pub(crate) fn free_port() -> std::io::Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
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
