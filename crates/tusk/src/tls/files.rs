//! Reading certificates, keys and revocation lists the way libpq finds them.
//!
//! | parameter     | default file                       | when the file is missing                      |
//! |---------------|------------------------------------|-----------------------------------------------|
//! | `sslrootcert` | `~/.postgresql/root.crt`           | no verification, except an error for `verify-*` |
//! | `sslcrl`      | `~/.postgresql/root.crl`           | no revocation check                           |
//! | `sslcert`     | `~/.postgresql/postgresql.crt`     | no client certificate is sent                 |
//! | `sslkey`      | `~/.postgresql/postgresql.key`     | an error, if the certificate exists           |
//!
//! `sslrootcert=system` uses the operating system's trusted roots instead of a file. Every
//! file is PEM. A private key may be PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1 (`BEGIN RSA
//! PRIVATE KEY`) or SEC1 (`BEGIN EC PRIVATE KEY`), and must not be readable by group or
//! others (0600; 0640 when owned by root). An encrypted PKCS#8 key (`BEGIN ENCRYPTED
//! PRIVATE KEY`: PBES2 with PBKDF2 or scrypt and AES-CBC, what `openssl pkcs8 -topk8` and
//! OpenSSL 3's `openssl genpkey -aes256` write) is decrypted with `sslpassword`; tusk
//! cannot prompt for a passphrase as libpq does on a terminal. The older OpenSSL
//! encryption (`Proc-Type: 4,ENCRYPTED` headers) is refused with a way to convert it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::{PemObject, SectionKind};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};

use crate::error::{Error, ErrorKind, Result};

/// Where trusted root certificates came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustAnchors {
    /// A PEM file (`sslrootcert`, or `~/.postgresql/root.crt`).
    File(PathBuf),
    /// The operating system's trusted roots (`sslrootcert=system`).
    System,
}

impl std::fmt::Display for TrustAnchors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrustAnchors::File(path) => write!(f, "{}", path.display()),
            TrustAnchors::System => f.write_str("the system's trusted roots"),
        }
    }
}

/// Loaded roots and where they came from.
pub(crate) struct Roots {
    pub(crate) store: Arc<RootCertStore>,
    pub(crate) source: TrustAnchors,
}

/// `$HOME`, which libpq also consults first for `~/.postgresql`.
fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// `~/.postgresql/<name>`, if there is a home directory.
pub(crate) fn default_file(name: &str) -> Option<PathBuf> {
    home_dir().map(|home| home.join(".postgresql").join(name))
}

/// The trusted roots: `Ok(None)` when there is no root file (no verification), an error
/// when one is needed (`need`) and missing, or when a file is unreadable or holds no
/// certificate.
pub(crate) fn load_roots(sslrootcert: Option<&str>, need: bool) -> Result<Option<Roots>> {
    if sslrootcert == Some("system") {
        return system_roots().map(Some);
    }
    let path = match sslrootcert {
        Some(path) => Some(PathBuf::from(path)),
        None => default_file("root.crt"),
    };
    let Some(path) = path.filter(|p| p.exists()) else {
        if need {
            let shown = match sslrootcert {
                Some(p) => p.to_owned(),
                None => default_file("root.crt")
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "~/.postgresql/root.crt".into()),
            };
            return Err(Error::new(
                ErrorKind::Tls,
                format!(
                    "root certificate file \"{shown}\" does not exist; either provide the file, use the system's \
                     trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification"
                ),
            ));
        }
        return Ok(None);
    };
    let certs = read_pem(&path, "root certificate file")?
        .into_iter()
        .filter(|(kind, _)| *kind == SectionKind::Certificate)
        .map(|(_, der)| CertificateDer::from(der));
    let mut store = RootCertStore::empty();
    let (added, ignored) = store.add_parsable_certificates(certs);
    if added == 0 {
        return Err(Error::new(
            ErrorKind::Tls,
            format!(
                "root certificate file \"{}\" holds no usable certificate ({ignored} could not be parsed)",
                path.display()
            ),
        ));
    }
    Ok(Some(Roots {
        store: Arc::new(store),
        source: TrustAnchors::File(path),
    }))
}

/// The operating system's roots, read once per process.
fn system_roots() -> Result<Roots> {
    static SYSTEM: OnceLock<std::result::Result<Arc<RootCertStore>, String>> = OnceLock::new();
    let loaded = SYSTEM.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        let mut store = RootCertStore::empty();
        let (added, _) = store.add_parsable_certificates(found.certs);
        if added == 0 {
            let why: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
            return Err(format!(
                "sslrootcert=system, but no trusted root certificate was found on this system{}",
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", why.join("; "))
                }
            ));
        }
        Ok(Arc::new(store))
    });
    match loaded {
        Ok(store) => Ok(Roots {
            store: store.clone(),
            source: TrustAnchors::System,
        }),
        Err(message) => Err(Error::new(ErrorKind::Tls, message.clone())),
    }
}

/// Certificate revocation lists from `sslcrl` (or `~/.postgresql/root.crl`) and every file
/// in `sslcrldir`. Missing files are skipped, as libpq does.
pub(crate) fn load_crls(
    sslcrl: Option<&str>,
    sslcrldir: Option<&str>,
) -> Result<Vec<CertificateRevocationListDer<'static>>> {
    let mut files = Vec::new();
    match (sslcrl, sslcrldir) {
        (Some(file), _) => files.push(PathBuf::from(file)),
        (None, None) => files.extend(default_file("root.crl")),
        (None, Some(_)) => {}
    }
    if let Some(dir) = sslcrldir {
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut found: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
                found.sort();
                files.extend(found.into_iter().filter(|p| p.is_file()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(target: "tusk::tls", "sslcrldir {dir} does not exist; no revocation lists read from it");
            }
            Err(e) => {
                return Err(Error::with_source(
                    ErrorKind::Tls,
                    format!("cannot read the CRL directory \"{dir}\""),
                    e,
                ));
            }
        }
    }
    let mut crls = Vec::new();
    for path in files {
        if !path.exists() {
            if sslcrl.is_some() {
                tracing::warn!(target: "tusk::tls", "sslcrl file {} does not exist; no revocation check", path.display());
            }
            continue;
        }
        let sections = read_pem(&path, "certificate revocation list file")?;
        let before = crls.len();
        crls.extend(
            sections
                .into_iter()
                .filter(|(kind, _)| *kind == SectionKind::Crl)
                .map(|(_, der)| CertificateRevocationListDer::from(der)),
        );
        if crls.len() == before && sslcrldir.is_none() {
            return Err(Error::new(
                ErrorKind::Tls,
                format!(
                    "certificate revocation list file \"{}\" holds no X509 CRL",
                    path.display()
                ),
            ));
        }
    }
    Ok(crls)
}

/// The client certificate and key, or `None` when there is no certificate file.
pub(crate) fn load_client_identity(
    sslcert: Option<&str>,
    sslkey: Option<&str>,
    sslpassword: Option<&str>,
    provider: &CryptoProvider,
) -> Result<Option<(Arc<CertifiedKey>, PathBuf)>> {
    let cert_path = match sslcert {
        Some(path) => Some(PathBuf::from(path)),
        None => default_file("postgresql.crt"),
    };
    let Some(cert_path) = cert_path.filter(|p| p.exists()) else {
        if let Some(path) = sslcert {
            tracing::debug!(target: "tusk::tls", "sslcert {path} does not exist: no client certificate is sent");
        }
        return Ok(None);
    };
    let chain: Vec<CertificateDer<'static>> = read_pem(&cert_path, "client certificate file")?
        .into_iter()
        .filter(|(kind, _)| *kind == SectionKind::Certificate)
        .map(|(_, der)| CertificateDer::from(der))
        .collect();
    if chain.is_empty() {
        return Err(Error::new(
            ErrorKind::Tls,
            format!(
                "client certificate file \"{}\" holds no certificate",
                cert_path.display()
            ),
        ));
    }

    if let Some(key) = sslkey
        && key.contains(':')
        && !Path::new(key).exists()
        && key.split(':').next().is_some_and(|engine| !engine.contains('/'))
    {
        return Err(Error::new(
            ErrorKind::Tls,
            format!("sslkey \"{key}\" names an OpenSSL engine, which tusk does not support: give a key file"),
        ));
    }
    let key_path = match sslkey {
        Some(path) => Some(PathBuf::from(path)),
        None => default_file("postgresql.key"),
    };
    let Some(key_path) = key_path.filter(|p| p.exists()) else {
        let shown = sslkey
            .map(str::to_owned)
            .unwrap_or_else(|| "~/.postgresql/postgresql.key".into());
        return Err(Error::new(
            ErrorKind::Tls,
            format!(
                "certificate present, but not private key file \"{shown}\" (for sslcert \"{}\")",
                cert_path.display()
            ),
        ));
    };
    check_key_permissions(&key_path)?;
    let key = read_private_key(&key_path, sslpassword)?;
    let certified = CertifiedKey::from_der(chain, key, provider).map_err(|e| {
        Error::with_source(
            ErrorKind::Tls,
            format!(
                "the private key \"{}\" cannot be used with the certificate \"{}\"",
                key_path.display(),
                cert_path.display()
            ),
            e,
        )
    })?;
    Ok(Some((Arc::new(certified), cert_path)))
}

/// libpq's rule: a regular file, no group or world access (0600 or less), or 0640 or less
/// when owned by root (keys managed by the system).
fn check_key_permissions(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::with_source(
            ErrorKind::Tls,
            format!("cannot read private key file \"{}\"", path.display()),
            e,
        )
    })?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::Tls,
            format!("private key file \"{}\" is not a regular file", path.display()),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mode = meta.mode() & 0o777;
        let too_open = if meta.uid() == 0 {
            mode & 0o037 != 0
        } else {
            mode & 0o077 != 0
        };
        if too_open {
            return Err(Error::new(
                ErrorKind::Tls,
                format!(
                    "private key file \"{}\" has group or world access (mode {mode:04o}); it must have \
                     permissions u=rw (0600) or less if owned by the current user, or u=rw,g=r (0640) or less \
                     if owned by root",
                    path.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Reads the first private key of a PEM file (PKCS#8, PKCS#1 or SEC1).
fn read_private_key(path: &Path, sslpassword: Option<&str>) -> Result<PrivateKeyDer<'static>> {
    let text = std::fs::read(path).map_err(|e| {
        Error::with_source(
            ErrorKind::Tls,
            format!("cannot read private key file \"{}\"", path.display()),
            e,
        )
    })?;
    if contains(&text, b"Proc-Type: 4,ENCRYPTED") {
        return Err(Error::new(
            ErrorKind::Tls,
            format!(
                "private key file \"{0}\" uses OpenSSL's traditional encryption (Proc-Type: 4,ENCRYPTED), \
                 which tusk cannot decrypt; convert it to encrypted PKCS#8 with \
                 `openssl pkcs8 -topk8 -v2 aes-256-cbc -in {0} -out {0}.p8`",
                path.display()
            ),
        ));
    }
    if contains(&text, ENCRYPTED_BEGIN.as_bytes()) {
        return decrypt_pkcs8(path, &text, sslpassword);
    }
    PrivateKeyDer::from_pem_slice(&text).map_err(|e| {
        Error::with_source(
            ErrorKind::Tls,
            format!(
                "private key file \"{}\" holds no usable key (expected PEM: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                path.display()
            ),
            e,
        )
    })
}

const ENCRYPTED_BEGIN: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
const ENCRYPTED_END: &str = "-----END ENCRYPTED PRIVATE KEY-----";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Decrypts the `ENCRYPTED PRIVATE KEY` section of a PEM file with `sslpassword`.
fn decrypt_pkcs8(path: &Path, text: &[u8], sslpassword: Option<&str>) -> Result<PrivateKeyDer<'static>> {
    let fail = |what: String| {
        Error::new(
            ErrorKind::Tls,
            format!("private key file \"{}\" {what}", path.display()),
        )
    };
    let Some(password) = sslpassword else {
        return Err(fail(
            "is encrypted: set sslpassword to its passphrase (tusk cannot prompt for it)".to_owned(),
        ));
    };
    let text = std::str::from_utf8(text).map_err(|_| fail("is not valid PEM text".to_owned()))?;
    let section = text
        .find(ENCRYPTED_BEGIN)
        .and_then(|start| {
            let end = text[start..].find(ENCRYPTED_END)? + start + ENCRYPTED_END.len();
            text.get(start..end)
        })
        .ok_or_else(|| fail("has no complete ENCRYPTED PRIVATE KEY section".to_owned()))?;
    let (_, document) = pkcs8::SecretDocument::from_pem(section)
        .map_err(|e| fail(format!("holds an unreadable ENCRYPTED PRIVATE KEY ({e})")))?;
    let info: pkcs8::EncryptedPrivateKeyInfo<'_> = document
        .decode_msg()
        .map_err(|e| fail(format!("holds an unreadable ENCRYPTED PRIVATE KEY ({e})")))?;
    let key = info.decrypt(password.as_bytes()).map_err(|e| {
        fail(format!(
            "could not be decrypted: wrong sslpassword, or an unsupported encryption scheme ({e})"
        ))
    })?;
    Ok(PrivateKeyDer::Pkcs8(key.as_bytes().to_vec().into()))
}

/// Every PEM section of a file, in order.
fn read_pem(path: &Path, what: &str) -> Result<Vec<(SectionKind, Vec<u8>)>> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::with_source(ErrorKind::Tls, format!("cannot read {what} \"{}\"", path.display()), e))?;
    let mut reader = std::io::BufReader::new(bytes.as_slice());
    let mut sections = Vec::new();
    loop {
        match rustls_pki_types::pem::from_buf(&mut reader) {
            Ok(Some(section)) => sections.push(section),
            Ok(None) => return Ok(sections),
            Err(e) => {
                return Err(Error::with_source(
                    ErrorKind::Tls,
                    format!("{what} \"{}\" is not valid PEM", path.display()),
                    e,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_keys_need_a_password_and_a_whole_section() {
        let path = Path::new("/k.pem");
        let pem = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAA==\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let err = decrypt_pkcs8(path, pem, None).err().unwrap();
        assert!(err.to_string().contains("set sslpassword"), "{err}");
        let err = decrypt_pkcs8(path, pem, Some("pw")).err().unwrap();
        assert!(err.to_string().contains("unreadable"), "{err}");
        let err = decrypt_pkcs8(path, &pem[..40], Some("pw")).err().unwrap();
        assert!(err.to_string().contains("no complete"), "{err}");
    }

    #[test]
    fn a_missing_root_file_is_an_error_only_when_verifying() {
        let missing = "/nonexistent/tusk/root.crt";
        assert!(load_roots(Some(missing), false).unwrap().is_none());
        let err = load_roots(Some(missing), true).err().unwrap();
        assert_eq!(err.kind(), ErrorKind::Tls);
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert!(err.to_string().contains(missing), "{err}");
    }
}
