//! Test certificates, made fresh at run time, and TLS-enabled clusters.
//!
//! Nothing secret is committed: [`TestCerts::generate`] makes a new certificate authority
//! with [`rcgen`] and issues everything a TLS test needs from it, writing PEM files into a
//! temporary directory (removed when the [`TestCerts`] is dropped):
//!
//! | file                     | what it is                                                   |
//! |--------------------------|--------------------------------------------------------------|
//! | `ca.crt`                 | the test CA, to pass as `sslrootcert`                        |
//! | `server.crt` / `.key`    | the server: `localhost`, `127.0.0.1`, `::1`                  |
//! | `client.crt` / `.key`    | a client certificate with CN [`CERT_ROLE`] (`tusk_cert`)     |
//! | `wrong-host.crt` / `.key`| a server certificate for `wrong.example` only                |
//! | `expired.crt` / `.key`   | a server certificate for `localhost` that expired in 2001    |
//! | `untrusted-ca.crt`       | another CA, which no cluster trusts                          |
//! | `untrusted-server.*`     | a `localhost` server certificate issued by the untrusted CA  |
//! | `untrusted-client.*`     | a client certificate for [`CERT_ROLE`] from the untrusted CA |
//! | `revoked-server.crl`     | a CRL of the test CA that revokes `server.crt`               |
//! | `empty.crl`              | a CRL of the test CA that revokes nothing                    |
//!
//! Keys are PKCS#8 PEM files with mode 0600, as libpq (and tusk) require of a client key.
//!
//! [`ClusterOptions::with_tls`] turns a cluster into a TLS server that presents
//! `server.crt`, trusts the test CA for client certificates, and has four more roles, so
//! that every `sslmode` and the certificate methods can be tested:
//!
//! | role                 | password           | pg_hba.conf                                            |
//! |----------------------|--------------------|--------------------------------------------------------|
//! | [`CERT_ROLE`]        | —                  | `hostssl … cert` (the client certificate's CN is the role) |
//! | [`CERT_PASSWORD_ROLE`] | `pw_cert_password` | `hostssl … scram-sha-256 clientcert=verify-full`     |
//! | [`SSL_ONLY_ROLE`]    | `pw_ssl_only`      | `hostssl … scram-sha-256` only                         |
//! | [`NOSSL_ONLY_ROLE`]  | `pw_nossl_only`    | `hostnossl … scram-sha-256` only                       |
//!
//! The built-in [`Role`](crate::Role)s keep their `host` lines, which match with and
//! without TLS. [`shared_tls_clusters`] starts one such cluster per installed major version,
//! once per test process, beside (not instead of) the plain [`shared_clusters`](crate::shared_clusters).
//!
//! ```no_run
//! for tls in tusk_testkit::shared_tls_clusters() {
//!     let conninfo = format!(
//!         "host=localhost port={} user=tusk_cert dbname=postgres sslmode=verify-full \
//!          sslrootcert={} sslcert={} sslkey={}",
//!         tls.port(),
//!         tls.certs.ca_path().display(),
//!         tls.certs.client().cert_path().display(),
//!         tls.certs.client().key_path().display(),
//!     );
//!     // connect with conninfo ...
//! }
//! ```

use std::fs;
use std::io::Write as _;
use std::ops::Deref;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams, SerialNumber,
    SignatureAlgorithm, date_time_ymd,
};

use crate::cluster::{Cluster, temp_root};
use crate::error::{Result, TestkitError};
use crate::install::{Installation, installations};
use crate::options::{ClusterOptions, HbaRule, HbaType};
use crate::os;

/// The role that logs in with its client certificate alone (`hostssl … cert`); the
/// certificate's common name must be this name.
///
/// ```
/// assert_eq!(tusk_testkit::CERT_ROLE, "tusk_cert");
/// ```
pub const CERT_ROLE: &str = "tusk_cert";

/// The role that needs both a password (`pw_cert_password`, SCRAM) and a client
/// certificate naming it (`clientcert=verify-full`).
///
/// ```
/// assert_eq!(tusk_testkit::CERT_PASSWORD_ROLE, "tusk_cert_password");
/// ```
pub const CERT_PASSWORD_ROLE: &str = "tusk_cert_password";

/// The role with only `hostssl` lines: it can log in over TLS only (password `pw_ssl_only`).
///
/// ```
/// assert_eq!(tusk_testkit::SSL_ONLY_ROLE, "tusk_ssl_only");
/// ```
pub const SSL_ONLY_ROLE: &str = "tusk_ssl_only";

/// The role with only `hostnossl` lines: it can log in without TLS only (password
/// `pw_nossl_only`).
///
/// ```
/// assert_eq!(tusk_testkit::NOSSL_ONLY_ROLE, "tusk_nossl_only");
/// ```
pub const NOSSL_ONLY_ROLE: &str = "tusk_nossl_only";

/// The key type of a [`TestCerts`] authority, which decides the signature algorithm of
/// every certificate it issues, and so the hash of SCRAM's `tls-server-end-point` binding.
///
/// ```
/// use tusk_testkit::CertAlgorithm;
/// assert_eq!(CertAlgorithm::EcdsaP384.signature_hash(), "SHA-384");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertAlgorithm {
    /// ECDSA on P-256, signatures `ecdsa-with-SHA256`.
    EcdsaP256,
    /// ECDSA on P-384, signatures `ecdsa-with-SHA384`.
    EcdsaP384,
}

impl CertAlgorithm {
    fn rcgen(self) -> &'static SignatureAlgorithm {
        match self {
            CertAlgorithm::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            CertAlgorithm::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        }
    }

    /// The hash in the signatures this authority makes (`"SHA-256"` or `"SHA-384"`).
    ///
    /// ```
    /// assert_eq!(tusk_testkit::CertAlgorithm::EcdsaP256.signature_hash(), "SHA-256");
    /// ```
    pub fn signature_hash(self) -> &'static str {
        match self {
            CertAlgorithm::EcdsaP256 => "SHA-256",
            CertAlgorithm::EcdsaP384 => "SHA-384",
        }
    }
}

/// A certificate and its private key, as PEM text and as files.
///
/// ```no_run
/// let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
/// let client = certs.client();
/// assert!(client.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
/// assert!(client.key_path().exists());
/// # Ok::<(), tusk_testkit::TestkitError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CertAndKey {
    cert_pem: String,
    key_pem: String,
    cert_der: Vec<u8>,
    cert_path: PathBuf,
    key_path: PathBuf,
}

impl CertAndKey {
    /// The certificate, PEM.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let pem = certs.server().cert_pem();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key, PKCS#8 PEM.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// assert!(certs.server().key_pem().contains("PRIVATE KEY"));
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The certificate, DER.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// assert_eq!(certs.server().cert_der()[0], 0x30); // a DER SEQUENCE
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The certificate file (`sslcert=`).
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslcert = certs.client().cert_path().display().to_string();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// The key file (`sslkey=`), mode 0600.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslkey = certs.client().key_path().display().to_string();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn key_path(&self) -> &Path {
        &self.key_path
    }
}

/// A certificate authority of its own, the certificates a TLS test needs, and the
/// directory they are written to. See the [module docs](self) for the list.
///
/// ```no_run
/// use tusk_testkit::{CertAlgorithm, TestCerts};
///
/// let certs = TestCerts::generate(CertAlgorithm::EcdsaP256)?;
/// println!("sslrootcert={}", certs.ca_path().display());
/// let alice = certs.issue_client("alice")?; // CN=alice, signed by the test CA
/// # Ok::<(), tusk_testkit::TestkitError>(())
/// ```
pub struct TestCerts {
    dir: PathBuf,
    algorithm: CertAlgorithm,
    ca_params: CertificateParams,
    ca_key: KeyPair,
    ca_pem: String,
    ca_path: PathBuf,
    server: CertAndKey,
    client: CertAndKey,
    cert_password_client: CertAndKey,
    wrong_host: CertAndKey,
    expired: CertAndKey,
    untrusted_ca_path: PathBuf,
    untrusted_server: CertAndKey,
    untrusted_client: CertAndKey,
    revoked_server_crl: PathBuf,
    empty_crl: PathBuf,
    next_serial: AtomicU64,
}

impl std::fmt::Debug for TestCerts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCerts")
            .field("dir", &self.dir)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// The names the server certificates are valid for.
const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Serial numbers of the fixed certificates (the CRL revokes `SERVER_SERIAL`).
const CA_SERIAL: u64 = 1;
const SERVER_SERIAL: u64 = 2;
/// Serials from here on are handed out in order.
const FIRST_FREE_SERIAL: u64 = 100;

impl TestCerts {
    /// Makes a new CA and issues every certificate of the [module docs](self), written to a
    /// fresh directory under `<temp>/tusk-testkit/`.
    ///
    /// ```no_run
    /// let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP384)?;
    /// assert!(certs.ca_path().exists());
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn generate(algorithm: CertAlgorithm) -> Result<TestCerts> {
        let dir = create_certs_dir()?;
        // From here on, an error removes the directory again.
        let guard = DirGuard(Some(dir.clone()));
        let alg = algorithm.rcgen();

        let ca_key = new_key(alg)?;
        let ca_params = authority("tusk test CA", CA_SERIAL);
        let ca_cert = ca_params.self_signed(&ca_key).map_err(rcgen_error)?;
        let ca_pem = ca_cert.pem();
        let ca_path = dir.join("ca.crt");
        write_file(&ca_path, ca_pem.as_bytes(), 0o644)?;

        let untrusted_key = new_key(alg)?;
        let untrusted_params = authority("tusk untrusted CA", CA_SERIAL);
        let untrusted_cert = untrusted_params.self_signed(&untrusted_key).map_err(rcgen_error)?;
        let untrusted_ca_path = dir.join("untrusted-ca.crt");
        write_file(&untrusted_ca_path, untrusted_cert.pem().as_bytes(), 0o644)?;

        let ca = Issuer::from_params(&ca_params, &ca_key);
        let untrusted = Issuer::from_params(&untrusted_params, &untrusted_key);
        let issue_valid = |name: &str, leaf: Leaf, issuer: &Issuer<'_, &KeyPair>, serial: u64| {
            issue(&dir, name, leaf, issuer, alg, serial, VALID)
        };
        let server = issue_valid("server", Leaf::server(&SERVER_NAMES), &ca, SERVER_SERIAL)?;
        let client = issue_valid("client", Leaf::client(CERT_ROLE), &ca, 3)?;
        let cert_password_client = issue_valid("cert-password-client", Leaf::client(CERT_PASSWORD_ROLE), &ca, 4)?;
        let wrong_host = issue_valid("wrong-host", Leaf::server(&["wrong.example"]), &ca, 5)?;
        let expired = issue(&dir, "expired", Leaf::server(&SERVER_NAMES), &ca, alg, 6, EXPIRED)?;
        let untrusted_server = issue_valid("untrusted-server", Leaf::server(&SERVER_NAMES), &untrusted, 7)?;
        let untrusted_client = issue_valid("untrusted-client", Leaf::client(CERT_ROLE), &untrusted, 8)?;

        let revoked_server_crl = dir.join("revoked-server.crl");
        write_file(&revoked_server_crl, crl_pem(&ca, &[SERVER_SERIAL])?.as_bytes(), 0o644)?;
        let empty_crl = dir.join("empty.crl");
        write_file(&empty_crl, crl_pem(&ca, &[])?.as_bytes(), 0o644)?;

        drop((ca, untrusted));
        let dir = guard.keep();
        Ok(TestCerts {
            dir,
            algorithm,
            ca_params,
            ca_key,
            ca_pem,
            ca_path,
            server,
            client,
            cert_password_client,
            wrong_host,
            expired,
            untrusted_ca_path,
            untrusted_server,
            untrusted_client,
            revoked_server_crl,
            empty_crl,
            next_serial: AtomicU64::new(FIRST_FREE_SERIAL),
        })
    }

    /// The directory holding every file.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// assert!(certs.dir().join("ca.crt").exists());
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key type of the test CA.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// assert_eq!(certs.algorithm(), tusk_testkit::CertAlgorithm::EcdsaP256);
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn algorithm(&self) -> CertAlgorithm {
        self.algorithm
    }

    /// The test CA's certificate file (`sslrootcert=`).
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslrootcert = certs.ca_path().display().to_string();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    /// The test CA's certificate, PEM.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// assert!(certs.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The server certificate: `localhost`, `127.0.0.1` and `::1`, issued by the test CA.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let server = certs.server();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn server(&self) -> &CertAndKey {
        &self.server
    }

    /// The client certificate of [`CERT_ROLE`], issued by the test CA.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslcert = certs.client().cert_path();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn client(&self) -> &CertAndKey {
        &self.client
    }

    /// The client certificate of [`CERT_PASSWORD_ROLE`], issued by the test CA.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslcert = certs.cert_password_client().cert_path();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn cert_password_client(&self) -> &CertAndKey {
        &self.cert_password_client
    }

    /// A server certificate for `wrong.example` only, issued by the test CA.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let wrong = certs.wrong_host();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn wrong_host(&self) -> &CertAndKey {
        &self.wrong_host
    }

    /// A `localhost` server certificate, issued by the test CA, valid only in the year 2000.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let expired = certs.expired();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn expired(&self) -> &CertAndKey {
        &self.expired
    }

    /// The certificate file of a second CA that nothing trusts.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslrootcert = certs.untrusted_ca_path();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn untrusted_ca_path(&self) -> &Path {
        &self.untrusted_ca_path
    }

    /// A `localhost` server certificate issued by the untrusted CA.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let impostor = certs.untrusted_server();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn untrusted_server(&self) -> &CertAndKey {
        &self.untrusted_server
    }

    /// A client certificate for [`CERT_ROLE`] issued by the untrusted CA.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let forged = certs.untrusted_client();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn untrusted_client(&self) -> &CertAndKey {
        &self.untrusted_client
    }

    /// A CRL (PEM) of the test CA revoking [`server`](Self::server) (`sslcrl=`).
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslcrl = certs.revoked_server_crl_path();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn revoked_server_crl_path(&self) -> &Path {
        &self.revoked_server_crl
    }

    /// A CRL (PEM) of the test CA that revokes nothing.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let sslcrl = certs.empty_crl_path();
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn empty_crl_path(&self) -> &Path {
        &self.empty_crl
    }

    /// Issues one more client certificate from the test CA, with common name `cn`, written
    /// as `client-<n>.crt` and `client-<n>.key`.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let someone_else = certs.issue_client("tusk_scram")?;
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn issue_client(&self, cn: &str) -> Result<CertAndKey> {
        let serial = self.next_serial.fetch_add(1, Ordering::Relaxed);
        let ca = Issuer::from_params(&self.ca_params, &self.ca_key);
        issue(
            &self.dir,
            &format!("client-{serial}"),
            Leaf::client(cn),
            &ca,
            self.algorithm.rcgen(),
            serial,
            VALID,
        )
    }

    /// Writes `contents` into the certificate directory as `name` with `mode`, and returns
    /// its path: for keys in other formats, or files with the wrong permissions.
    ///
    /// ```no_run
    /// # let certs = tusk_testkit::TestCerts::generate(tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// let loose = certs.write_file("loose.key", certs.client().key_pem().as_bytes(), 0o644)?;
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn write_file(&self, name: &str, contents: &[u8], mode: u32) -> Result<PathBuf> {
        let path = self.dir.join(name);
        let _ = fs::remove_file(&path);
        write_file(&path, contents, mode)?;
        Ok(path)
    }
}

impl Drop for TestCerts {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Removes a directory on drop unless [`keep`](Self::keep) was called.
struct DirGuard(Option<PathBuf>);

impl DirGuard {
    fn keep(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for DirGuard {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// What kind of end-entity certificate to issue.
struct Leaf {
    common_name: String,
    names: Vec<String>,
    usage: ExtendedKeyUsagePurpose,
}

impl Leaf {
    fn server(names: &[&str]) -> Leaf {
        Leaf {
            common_name: names.first().copied().unwrap_or("server").to_owned(),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            usage: ExtendedKeyUsagePurpose::ServerAuth,
        }
    }

    fn client(cn: &str) -> Leaf {
        Leaf {
            common_name: cn.to_owned(),
            names: Vec::new(),
            usage: ExtendedKeyUsagePurpose::ClientAuth,
        }
    }
}

/// The years a certificate is valid in: from January 1st of the first to that of the second.
type Validity = (i32, i32);
const VALID: Validity = (2020, 4000);
const EXPIRED: Validity = (2000, 2001);

fn authority(name: &str, serial: u64) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.serial_number = Some(SerialNumber::from(serial));
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(4000, 1, 1);
    params
}

fn issue(
    dir: &Path,
    name: &str,
    leaf: Leaf,
    issuer: &Issuer<'_, &KeyPair>,
    alg: &'static SignatureAlgorithm,
    serial: u64,
    (first, last): Validity,
) -> Result<CertAndKey> {
    let key = new_key(alg)?;
    let mut params = CertificateParams::new(leaf.names).map_err(rcgen_error)?;
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, leaf.common_name);
    params.extended_key_usages = vec![leaf.usage];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.serial_number = Some(SerialNumber::from(serial));
    params.use_authority_key_identifier_extension = true;
    params.not_before = date_time_ymd(first, 1, 1);
    params.not_after = date_time_ymd(last, 1, 1);
    let cert = params.signed_by(&key, issuer).map_err(rcgen_error)?;
    let cert_path = dir.join(format!("{name}.crt"));
    let key_path = dir.join(format!("{name}.key"));
    let cert_pem = cert.pem();
    let key_pem = key.serialize_pem();
    write_file(&cert_path, cert_pem.as_bytes(), 0o644)?;
    write_file(&key_path, key_pem.as_bytes(), 0o600)?;
    Ok(CertAndKey {
        cert_pem,
        key_pem,
        cert_der: cert.der().to_vec(),
        cert_path,
        key_path,
    })
}

fn crl_pem(issuer: &Issuer<'_, &KeyPair>, revoked: &[u64]) -> Result<String> {
    let params = CertificateRevocationListParams {
        this_update: date_time_ymd(2020, 1, 1),
        next_update: date_time_ymd(4000, 1, 1),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|&serial| RevokedCertParams {
                serial_number: SerialNumber::from(serial),
                revocation_time: date_time_ymd(2020, 6, 1),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    params.signed_by(issuer).and_then(|crl| crl.pem()).map_err(rcgen_error)
}

fn new_key(alg: &'static SignatureAlgorithm) -> Result<KeyPair> {
    KeyPair::generate_for(alg).map_err(rcgen_error)
}

fn rcgen_error(e: rcgen::Error) -> TestkitError {
    TestkitError::Other(format!("generating test certificates: {e}"))
}

/// Creates `<temp>/tusk-testkit/<pid>-certs<n>` with an `owner.pid` file, so that the stale
/// cleanup of a later run removes it if this process dies without cleaning up.
fn create_certs_dir() -> Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let root = temp_root()?;
    let pid = os::own_pid();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = root.join(format!("{pid}-certs{n}"));
        match fs::create_dir(&dir) {
            Ok(()) => {
                fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
                    .map_err(|e| TestkitError::io(format!("setting the mode of {}", dir.display()), e))?;
                let owner = dir.join("owner.pid");
                fs::write(&owner, format!("{pid}\n"))
                    .map_err(|e| TestkitError::io(format!("writing {}", owner.display()), e))?;
                return Ok(dir);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(TestkitError::io(format!("creating {}", dir.display()), e)),
        }
    }
}

/// Writes a new file with exactly `mode` (whatever the umask).
fn write_file(path: &Path, contents: &[u8], mode: u32) -> Result<()> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .and_then(|mut file| {
            file.write_all(contents)?;
            file.set_permissions(fs::Permissions::from_mode(mode))
        })
        .map_err(|e| TestkitError::io(format!("writing {}", path.display()), e))
}

impl ClusterOptions {
    /// Makes the cluster a TLS server with `certs`: `ssl = on` with `server.crt`/`server.key`,
    /// the test CA as `ssl_ca_file` (so clients may present certificates it issued), and
    /// the roles and pg_hba.conf lines of the [module docs](crate::certs) ([`CERT_ROLE`],
    /// [`CERT_PASSWORD_ROLE`], [`SSL_ONLY_ROLE`], [`NOSSL_ONLY_ROLE`]), for 127.0.0.1.
    ///
    /// ```no_run
    /// use tusk_testkit::{CertAlgorithm, Cluster, ClusterOptions, TestCerts};
    ///
    /// let certs = TestCerts::generate(CertAlgorithm::EcdsaP256)?;
    /// let inst = &tusk_testkit::installations()[0];
    /// let cluster = Cluster::start(inst, ClusterOptions::default().with_tls(&certs))?;
    /// assert_eq!(cluster.psql("SHOW ssl")?, "on");
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn with_tls(self, certs: &TestCerts) -> ClusterOptions {
        const ADDR: &str = "127.0.0.1/32";
        let mut options = self
            .conf("ssl = on")
            .conf("ssl_cert_file = 'server.crt'")
            .conf("ssl_key_file = 'server.key'")
            .conf("ssl_ca_file = 'root.crt'")
            .file("server.crt", certs.server().cert_pem().as_bytes().to_vec())
            .file("server.key", certs.server().key_pem().as_bytes().to_vec())
            .file("root.crt", certs.ca_pem().as_bytes().to_vec());
        for database in ["all", "replication"] {
            options = options
                .hba(HbaRule::host(HbaType::HostSsl, database, CERT_ROLE, ADDR, "cert"))
                .hba(
                    HbaRule::host(HbaType::HostSsl, database, CERT_PASSWORD_ROLE, ADDR, "scram-sha-256")
                        .option("clientcert=verify-full"),
                )
                .hba(HbaRule::host(
                    HbaType::HostSsl,
                    database,
                    SSL_ONLY_ROLE,
                    ADDR,
                    "scram-sha-256",
                ))
                .hba(HbaRule::host(
                    HbaType::HostNoSsl,
                    database,
                    NOSSL_ONLY_ROLE,
                    ADDR,
                    "scram-sha-256",
                ));
        }
        options
            .setup_sql(format!("CREATE ROLE {CERT_ROLE} LOGIN"))
            .setup_sql(format!(
                "CREATE ROLE {CERT_PASSWORD_ROLE} LOGIN PASSWORD 'pw_cert_password'"
            ))
            .setup_sql(format!("CREATE ROLE {SSL_ONLY_ROLE} LOGIN PASSWORD 'pw_ssl_only'"))
            .setup_sql(format!("CREATE ROLE {NOSSL_ONLY_ROLE} LOGIN PASSWORD 'pw_nossl_only'"))
    }
}

/// A running TLS cluster ([`ClusterOptions::with_tls`]) together with its certificates.
/// Dereferences to the [`Cluster`].
///
/// ```no_run
/// for tls in tusk_testkit::shared_tls_clusters() {
///     println!("PostgreSQL {} with TLS on port {}, CA {}", tls.major(), tls.port(), tls.certs.ca_path().display());
/// }
/// ```
#[derive(Debug)]
pub struct TlsCluster {
    /// The server.
    pub cluster: Cluster,
    /// The certificates it was started with (and the client side's).
    pub certs: TestCerts,
}

impl TlsCluster {
    /// Generates certificates with `algorithm` and starts a TLS cluster of `installation`.
    ///
    /// ```no_run
    /// let inst = &tusk_testkit::installations()[0];
    /// let tls = tusk_testkit::TlsCluster::start(inst, tusk_testkit::CertAlgorithm::EcdsaP256)?;
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn start(installation: &Installation, algorithm: CertAlgorithm) -> Result<TlsCluster> {
        let certs = TestCerts::generate(algorithm)?;
        let cluster = Cluster::start(installation, ClusterOptions::default().with_tls(&certs))?;
        Ok(TlsCluster { cluster, certs })
    }
}

impl Deref for TlsCluster {
    type Target = Cluster;

    fn deref(&self) -> &Cluster {
        &self.cluster
    }
}

static SHARED_TLS: OnceLock<Vec<TlsCluster>> = OnceLock::new();

/// The process-wide TLS clusters: one per installed major version, sorted by version,
/// started on first use and removed (servers and certificate directories) at exit. They
/// are separate from [`shared_clusters`](crate::shared_clusters), which stay plain TCP.
///
/// Certificates are ECDSA P-256 (signatures with SHA-256) for PostgreSQL 15 and older,
/// and P-384 (SHA-384) from 16 on, so SCRAM channel binding is tested with both hashes.
///
/// # Panics
///
/// Like [`shared_clusters`](crate::shared_clusters): when nothing is installed, or when
/// `$TUSK_REQUIRE_PG` names a version whose TLS cluster did not start.
///
/// ```no_run
/// let tls = &tusk_testkit::shared_tls_clusters()[0];
/// assert_eq!(tls.psql("SHOW ssl")?, "on");
/// # Ok::<(), tusk_testkit::TestkitError>(())
/// ```
pub fn shared_tls_clusters() -> &'static [TlsCluster] {
    let clusters = SHARED_TLS.get_or_init(start_shared_tls);
    let required = std::env::var("TUSK_REQUIRE_PG").unwrap_or_default();
    for item in required.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if let Ok(major) = item.parse::<u32>()
            && !clusters.iter().any(|c| c.major() == major)
        {
            panic!("tusk-testkit: TUSK_REQUIRE_PG={required}, but no TLS cluster of PostgreSQL {major} is running");
        }
    }
    if clusters.is_empty() {
        panic!("tusk-testkit: no TLS cluster could be started (run scripts/install-postgres)");
    }
    clusters
}

fn start_shared_tls() -> Vec<TlsCluster> {
    let found = installations();
    let results: Vec<std::result::Result<TlsCluster, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = found
            .iter()
            .map(|inst| {
                scope.spawn(move || {
                    let algorithm = if inst.major >= 16 {
                        CertAlgorithm::EcdsaP384
                    } else {
                        CertAlgorithm::EcdsaP256
                    };
                    TlsCluster::start(inst, algorithm).map_err(|e| e.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("the start-up thread panicked".to_owned()))
            })
            .collect()
    });
    let mut clusters = Vec::new();
    for (inst, result) in found.iter().zip(results) {
        match result {
            Ok(c) => clusters.push(c),
            Err(message) => eprintln!(
                "tusk-testkit: TLS cluster of PostgreSQL {} did not start: {message}",
                inst.version
            ),
        }
    }
    clusters.sort_by_key(|c| c.major());
    if !clusters.is_empty() {
        // SAFETY: registering a plain `extern "C" fn()` that does not unwind.
        unsafe {
            libc::atexit(stop_shared_tls_clusters);
        }
    }
    clusters
}

/// Runs at process exit: stops every shared TLS cluster and removes its directories.
extern "C" fn stop_shared_tls_clusters() {
    let _ = std::panic::catch_unwind(|| {
        if let Some(clusters) = SHARED_TLS.get() {
            let servers: Vec<&Cluster> = clusters.iter().map(|c| &c.cluster).collect();
            Cluster::teardown_all(&servers);
            for c in clusters {
                let _ = fs::remove_dir_all(c.certs.dir());
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_every_file_with_private_keys_kept_private() {
        let certs = TestCerts::generate(CertAlgorithm::EcdsaP256).unwrap();
        for pair in [
            certs.server(),
            certs.client(),
            certs.cert_password_client(),
            certs.wrong_host(),
            certs.expired(),
            certs.untrusted_server(),
            certs.untrusted_client(),
        ] {
            assert!(pair.cert_path().exists());
            let mode = fs::metadata(pair.key_path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", pair.key_path().display());
        }
        assert!(certs.ca_path().exists() && certs.untrusted_ca_path().exists());
        assert!(
            fs::read_to_string(certs.revoked_server_crl_path())
                .unwrap()
                .contains("X509 CRL")
        );
        let extra = certs.issue_client("alice").unwrap();
        assert!(extra.cert_path().exists());
        let dir = certs.dir().to_owned();
        drop(certs);
        assert!(!dir.exists());
    }

    #[test]
    fn tls_options_add_roles_rules_and_files() {
        let certs = TestCerts::generate(CertAlgorithm::EcdsaP384).unwrap();
        let options = ClusterOptions::default().with_tls(&certs);
        assert!(options.conf.iter().any(|l| l == "ssl = on"));
        assert_eq!(options.files.len(), 3);
        assert!(
            options
                .hba
                .iter()
                .any(|r| r.to_string() == "hostssl all tusk_cert 127.0.0.1/32 cert")
        );
        assert!(options.setup_sql.iter().any(|s| s.contains(NOSSL_ONLY_ROLE)));
    }
}
