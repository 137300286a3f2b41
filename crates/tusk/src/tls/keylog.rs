//! `sslkeylogfile`: the session secrets in NSS key log format, for Wireshark.
//!
//! Each secret is one line, `<LABEL> <client random, hex> <secret, hex>`, appended to the
//! file (created with mode 0600). Anyone holding the file can decrypt the captured
//! traffic, passwords included: use it only to debug.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, ErrorKind, Result};

/// Appends key log lines to a file.
pub(crate) struct KeyLogFile {
    path: PathBuf,
    file: Mutex<File>,
}

impl KeyLogFile {
    /// Opens (or creates, mode 0600) `path` for appending.
    pub(crate) fn open(path: &Path) -> Result<KeyLogFile> {
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(|e| {
            Error::with_source(
                ErrorKind::Tls,
                format!("could not open SSL key logging file \"{}\"", path.display()),
                e,
            )
        })?;
        Ok(KeyLogFile {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }
}

impl std::fmt::Debug for KeyLogFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyLogFile").field("path", &self.path).finish()
    }
}

/// One NSS key log line.
fn line(label: &str, client_random: &[u8], secret: &[u8]) -> String {
    let mut out = String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 3);
    out.push_str(label);
    out.push(' ');
    for b in client_random {
        let _ = write!(out, "{b:02x}");
    }
    out.push(' ');
    for b in secret {
        let _ = write!(out, "{b:02x}");
    }
    out.push('\n');
    out
}

impl rustls::KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let text = line(label, client_random, secret);
        let mut file = match self.file.lock() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Err(e) = file.write_all(text.as_bytes()) {
            tracing::warn!(target: "tusk::tls", "could not write to SSL key logging file {}: {e}", self.path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_in_nss_format() {
        assert_eq!(
            line("CLIENT_TRAFFIC_SECRET_0", &[0x01, 0xab], &[0xff, 0x00]),
            "CLIENT_TRAFFIC_SECRET_0 01ab ff00\n"
        );
    }
}
