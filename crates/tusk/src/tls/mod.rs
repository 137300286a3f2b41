//! TLS: encrypting the connection, checking who the server is, and proving who we are.
//!
//! tusk speaks TLS with [rustls] and its *ring* crypto provider (pure Rust and a little C
//! and assembly built by `cc`: no cmake, no OpenSSL). The parameters are libpq's, with
//! libpq's meanings, so a connection string that works with psql works here.
//!
//! # How a PostgreSQL connection becomes TLS
//!
//! PostgreSQL listens for plain TCP and TLS on the same port, so the client has to say
//! which it wants. There are two ways (`sslnegotiation`):
//!
//! ```text
//! postgres (default)                           direct (PostgreSQL 17+)
//! client                  server               client                  server
//!   SSLRequest (8 bytes) ──▶                     TLS ClientHello ───────▶
//!                       ◀── 'S' or 'N'           (ALPN "postgresql")
//!   'S': TLS ClientHello ──▶                                            ◀── ServerHello …
//!   'N': go on in plain text (or give up)
//! ```
//!
//! The server's answer to SSLRequest is one unencrypted byte, and it must be the *only*
//! unencrypted byte: anything the server (or a man in the middle) sends after the `'S'`
//! before the handshake would otherwise be read as if it had come through TLS
//! (CVE-2021-23222). tusk reads exactly one byte and fails if more are already waiting.
//!
//! Direct negotiation saves a round trip, but an older server cannot understand it, and
//! a client that falls back to plain text after a failed direct handshake would be open to
//! downgrade attacks; so libpq (and tusk) allow it only with `sslmode=require` or
//! stronger, and fail cleanly when the server does not answer with the `postgresql` ALPN
//! protocol. Both ways offer ALPN `postgresql`, as libpq 17 does.
//!
//! # sslmode
//!
//! | `sslmode`          | TLS?                                    | server certificate checked             |
//! |--------------------|-----------------------------------------|----------------------------------------|
//! | `disable`          | never                                   | —                                      |
//! | `allow`            | plain first; TLS if the server rejects that | only if a root file exists (chain) |
//! | `prefer` (default) | TLS if the server has it, else plain    | only if a root file exists (chain)     |
//! | `require`          | always                                  | only if a root file exists (chain)     |
//! | `verify-ca`        | always                                  | chain to a trusted root                |
//! | `verify-full`      | always                                  | chain, and the host name or IP address |
//!
//! "A root file exists": `sslrootcert`, or `~/.postgresql/root.crt` when it is not set
//! (libpq's rule, which makes `require` behave as `verify-ca` once you have a CA file).
//! `verify-ca` and `verify-full` fail when there is none. `sslrootcert=system` trusts
//! the operating system's roots and implies `verify-full`. `prefer` also falls back to a
//! new plain connection when the TLS handshake fails or the server refuses the session
//! over TLS (`hostnossl`), and `allow` to a TLS one when the server refuses it in plain
//! text (`hostssl`), as libpq does. Unix-domain sockets never use TLS.
//!
//! # Client certificates
//!
//! `sslcert` and `sslkey` (default `~/.postgresql/postgresql.crt` and `.key`, used when
//! present) are sent when the server asks for a certificate: for pg_hba's `cert` method
//! (the certificate's common name is the user name) or `clientcert=verify-ca|verify-full`.
//! `sslcertmode=disable` never sends one; `require` fails unless the server asked. Keys
//! may be PKCS#8, PKCS#1 or SEC1 PEM and must not be readable by group or others; an
//! encrypted PKCS#8 key is decrypted with `sslpassword` (tusk never prompts).
//!
//! # Channel binding
//!
//! Over TLS, SCRAM can bind the password exchange to the TLS channel
//! (SCRAM-SHA-256-PLUS, `tls-server-end-point`): the proof includes a hash of the server
//! certificate the client saw, so a man in the middle cannot relay it even when the
//! certificate was not verified. `channel_binding=prefer` (default) binds when the server
//! offers it, `require` fails unless it happened, before any password is used, and
//! `disable` never binds. The hash is the one of the certificate's signature algorithm
//! (SHA-256 for MD5 and SHA-1 signatures), as RFC 5929 says.
//!
//! # What the session reports
//!
//! [`Connection::tls_info`](crate::Connection::tls_info) returns a [`TlsInfo`]: protocol
//! version, cipher suite, ALPN, how the server's certificate was checked and against what,
//! and whether a client certificate was sent.
//!
//! ```no_run
//! # async fn f() -> tusk::Result<()> {
//! let conn = tusk::Connection::connect(
//!     "host=db.example.com user=app sslmode=verify-full sslrootcert=/etc/ssl/our-ca.pem",
//! )
//! .await?;
//! let tls = conn.tls_info().expect("verify-full always uses TLS");
//! println!("{} {} verified: {}", tls.protocol_version(), tls.cipher_suite(), tls.verification());
//! # Ok(()) }
//! ```

pub(crate) mod end_point;
pub(crate) mod files;
mod keylog;
mod verify;

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use bytes::BytesMut;
use rustls::client::danger::ServerCertVerifier;
use rustls::client::{ResolvesClientCert, Resumption, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls::{AlertDescription, CertificateError, ClientConfig, SignatureScheme, SupportedProtocolVersion};
use rustls_pki_types::{CertificateRevocationListDer, DnsName, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tusk_proto::auth::scram::{self, ChannelBinding};
use tusk_proto::backend::Authentication;
use tusk_proto::frontend;

use crate::config::{Config, Host, SslMode, Target};
use crate::connection::AuthMethod;
use crate::error::{Error, ErrorKind, Result};
use crate::stream::Stream;

pub use files::TrustAnchors;

use end_point::HashAlgorithm;
use files::Roots;

/// The ALPN protocol name of PostgreSQL.
const ALPN_POSTGRESQL: &[u8] = b"postgresql";

// ---- What a session reports -----------------------------------------------------------

/// What TLS a session negotiated: [`Connection::tls_info`](crate::Connection::tls_info).
///
/// ```no_run
/// # async fn f() -> tusk::Result<()> {
/// let conn = tusk::Connection::connect("host=localhost sslmode=require").await?;
/// if let Some(tls) = conn.tls_info() {
///     assert!(tls.protocol_version().starts_with("TLSv1."));
///     println!("cipher {}, ALPN {:?}", tls.cipher_suite(), tls.alpn());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct TlsInfo {
    version: &'static str,
    cipher_suite: String,
    alpn: Option<String>,
    direct: bool,
    verification: ServerVerification,
    client_certificate: Option<PathBuf>,
    server_certificate: Vec<u8>,
    end_point: Option<(HashAlgorithm, Vec<u8>)>,
}

impl TlsInfo {
    /// The TLS version, in OpenSSL's spelling as PostgreSQL shows it: `TLSv1.2` or `TLSv1.3`.
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// assert!(matches!(tls.protocol_version(), "TLSv1.2" | "TLSv1.3"));
    /// # }
    /// ```
    pub fn protocol_version(&self) -> &str {
        self.version
    }

    /// The cipher suite's IANA name, e.g. `TLS_AES_256_GCM_SHA384`.
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// println!("{}", tls.cipher_suite());
    /// # }
    /// ```
    pub fn cipher_suite(&self) -> &str {
        &self.cipher_suite
    }

    /// The ALPN protocol the server selected (`postgresql` from PostgreSQL 17 on; `None`
    /// from older servers, which do not do ALPN).
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// if tls.negotiation() == "direct" {
    ///     assert_eq!(tls.alpn(), Some("postgresql"));
    /// }
    /// # }
    /// ```
    pub fn alpn(&self) -> Option<&str> {
        self.alpn.as_deref()
    }

    /// How TLS was started: `postgres` (SSLRequest first) or `direct`.
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// assert!(matches!(tls.negotiation(), "postgres" | "direct"));
    /// # }
    /// ```
    pub fn negotiation(&self) -> &'static str {
        if self.direct { "direct" } else { "postgres" }
    }

    /// How the server's certificate was checked.
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// use tusk::ServerVerification;
    /// match tls.verification() {
    ///     ServerVerification::ChainAndHostName(roots) => println!("verified against {roots}"),
    ///     ServerVerification::Chain(roots) => println!("chain verified against {roots}, host name not"),
    ///     ServerVerification::None => println!("not verified"),
    ///     _ => {}
    /// }
    /// # }
    /// ```
    pub fn verification(&self) -> &ServerVerification {
        &self.verification
    }

    /// The client certificate file that was sent, if the server asked for a certificate
    /// and there was one.
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// if let Some(path) = tls.client_certificate() {
    ///     println!("authenticated with {}", path.display());
    /// }
    /// # }
    /// ```
    pub fn client_certificate(&self) -> Option<&Path> {
        self.client_certificate.as_deref()
    }

    /// The server's certificate (the end-entity one), DER.
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// assert_eq!(tls.server_certificate_der().first(), Some(&0x30));
    /// # }
    /// ```
    pub fn server_certificate_der(&self) -> &[u8] {
        &self.server_certificate
    }

    /// The hash of SCRAM's `tls-server-end-point` binding for this server certificate
    /// (`SHA-256`, `SHA-384`, …), or `None` when its signature algorithm has no single
    /// hash (Ed25519), so channel binding is impossible.
    ///
    /// ```no_run
    /// # fn f(tls: &tusk::TlsInfo) {
    /// println!("channel binding hash: {:?}", tls.channel_binding_hash());
    /// # }
    /// ```
    pub fn channel_binding_hash(&self) -> Option<&'static str> {
        self.end_point.as_ref().map(|(alg, _)| alg.name())
    }
}

/// How the server's certificate was checked ([`TlsInfo::verification`]).
///
/// `Display` says it in words:
///
/// ```
/// use tusk::{ServerVerification, TrustAnchors};
/// let v = ServerVerification::ChainAndHostName(TrustAnchors::File("/etc/ca.pem".into()));
/// assert_eq!(v.to_string(), "certificate chain and host name, against /etc/ca.pem");
/// assert_eq!(ServerVerification::None.to_string(), "not verified");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerVerification {
    /// Not checked at all (`prefer`/`require` without a root file).
    None,
    /// The chain leads to a trusted root; the host name was not compared (`verify-ca`, or a
    /// weaker mode with a root file).
    Chain(TrustAnchors),
    /// The chain leads to a trusted root and the certificate names the host (`verify-full`).
    ChainAndHostName(TrustAnchors),
}

impl ServerVerification {
    /// Whether the certificate chain was verified (with or without the host name).
    ///
    /// ```
    /// assert!(!tusk::ServerVerification::None.chain_verified());
    /// ```
    pub fn chain_verified(&self) -> bool {
        !matches!(self, ServerVerification::None)
    }

    /// The roots the chain was verified against, if it was.
    ///
    /// ```
    /// use tusk::{ServerVerification, TrustAnchors};
    /// assert_eq!(ServerVerification::Chain(TrustAnchors::System).trust_anchors(), Some(&TrustAnchors::System));
    /// ```
    pub fn trust_anchors(&self) -> Option<&TrustAnchors> {
        match self {
            ServerVerification::None => None,
            ServerVerification::Chain(t) | ServerVerification::ChainAndHostName(t) => Some(t),
        }
    }
}

impl fmt::Display for ServerVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerVerification::None => f.write_str("not verified"),
            ServerVerification::Chain(t) => write!(f, "certificate chain only (not the host name), against {t}"),
            ServerVerification::ChainAndHostName(t) => write!(f, "certificate chain and host name, against {t}"),
        }
    }
}

// ---- Which attempts to make -----------------------------------------------------------

/// Whether one connection attempt asks for TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encryption {
    Plain,
    Tls,
}

/// How an attempt failed, as far as choosing the next attempt is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// TLS could not be set up (handshake, certificate, SSLRequest answer).
    Negotiation,
    /// The server sent an ErrorResponse before authentication completed.
    Rejected { over_tls: bool },
    /// Anything else: no other attempt would do better.
    Other,
}

fn is_unix(target: &Target) -> bool {
    matches!(target.host, Host::Unix(_))
}

/// The first attempt for `target`: plain for `disable`, `allow` and unix sockets, else TLS.
pub(crate) fn first_attempt(config: &Config, target: &Target) -> Encryption {
    if is_unix(target) {
        return Encryption::Plain;
    }
    match config.get_sslmode() {
        SslMode::Disable | SslMode::Allow => Encryption::Plain,
        _ => Encryption::Tls,
    }
}

/// libpq's second chance: `allow` retries with TLS when the server refused a plain
/// session; `prefer` retries in plain text when TLS failed or the server refused the
/// session over TLS. Nothing else is retried.
pub(crate) fn next_attempt(
    config: &Config,
    target: &Target,
    tried: Encryption,
    failure: Failure,
) -> Option<Encryption> {
    if is_unix(target) {
        return None;
    }
    match (config.get_sslmode(), tried, failure) {
        (SslMode::Allow, Encryption::Plain, Failure::Rejected { .. }) => Some(Encryption::Tls),
        (SslMode::Prefer, Encryption::Tls, Failure::Negotiation | Failure::Rejected { over_tls: true }) => {
            Some(Encryption::Plain)
        }
        _ => None,
    }
}

/// The final error of a target after a retry: the last failure, saying how the first one
/// failed too.
pub(crate) fn after_retry(last: Error, first: Error, first_was: Encryption) -> Error {
    let how = match first_was {
        Encryption::Tls => "with TLS",
        Encryption::Plain => "without TLS",
    };
    last.with_context(format!(
        "connecting {how} failed ({first}), then connecting {} failed",
        match first_was {
            Encryption::Tls => "without TLS",
            Encryption::Plain => "with TLS",
        }
    ))
}

// ---- Negotiating ----------------------------------------------------------------------

/// Turns a freshly opened socket into what `encryption` asks for: the same socket for
/// plain attempts and unix sockets; for TLS, SSLRequest (or nothing, with
/// `sslnegotiation=direct`) and the handshake. With `prefer` and `allow`, a server that
/// answers `'N'` leaves the socket plain (and the second value `None`).
///
/// A failure comes with what it means for another attempt: [`Failure::Negotiation`] when
/// TLS could not be set up (`prefer` then tries plain text), [`Failure::Other`] when the
/// server's answer to SSLRequest was wrong (`'E'`, garbage, extra bytes: libpq gives up).
pub(crate) async fn negotiate(
    stream: Stream,
    config: &Config,
    target: &Target,
    encryption: Encryption,
) -> std::result::Result<(Stream, Option<TlsInfo>), (Error, Failure)> {
    let mut tcp = match (encryption, stream) {
        (Encryption::Tls, Stream::Tcp(tcp)) => tcp,
        // libpq never uses TLS over unix-domain sockets, whatever sslmode says.
        (_, stream) => return Ok((stream, None)),
    };
    let mode = config.get_sslmode();
    let direct = config.get("sslnegotiation").as_deref() == Some("direct");
    let give_up = |e| (e, Failure::Other);
    if direct {
        if !requires_tls(mode) {
            return Err(give_up(Error::new(
                ErrorKind::Config,
                format!(
                    "weak sslmode \"{mode}\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")"
                ),
            )));
        }
    } else if !ssl_request(&mut tcp).await.map_err(give_up)? {
        if requires_tls(mode) {
            return Err(give_up(Error::new(
                ErrorKind::Tls,
                format!("the server does not support SSL, but SSL was required (sslmode={mode})"),
            )));
        }
        return Ok((Stream::Tcp(tcp), None));
    }
    let setup = async {
        let settings = Settings::load(config, target)?;
        handshake(tcp, &settings, direct).await
    };
    setup.await.map_err(|e| (e, Failure::Negotiation))
}

fn requires_tls(mode: SslMode) -> bool {
    matches!(mode, SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull)
}

/// Sends SSLRequest and reads the one-byte answer: `true` for `'S'`, `false` for `'N'`.
async fn ssl_request(tcp: &mut TcpStream) -> Result<bool> {
    let mut buf = BytesMut::with_capacity(8);
    frontend::ssl_request(&mut buf);
    tcp.write_all(&buf).await.map_err(Error::io)?;
    // Exactly one byte: whatever follows 'S' must be TLS, read by rustls, or nothing.
    let mut answer = [0u8; 1];
    let n = tcp.read(&mut answer).await.map_err(Error::io)?;
    if n == 0 {
        return Err(Error::new(
            ErrorKind::Tls,
            "the server closed the connection in reply to SSLRequest",
        ));
    }
    match answer[0] {
        b'S' => {
            if unencrypted_bytes_waiting(tcp) {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    "received unencrypted data after the SSL response 'S' (a man-in-the-middle attack? CVE-2021-23222); \
                     the connection is dropped",
                ));
            }
            Ok(true)
        }
        b'N' => Ok(false),
        // Said before the server is authenticated: not to be trusted, so not read.
        b'E' => Err(Error::new(
            ErrorKind::Tls,
            "the server sent an error response during the SSL exchange (it may be too old to know SSLRequest, \
             or could not start a backend)",
        )),
        other => Err(Error::new(
            ErrorKind::Protocol,
            format!("received invalid response to SSL negotiation: byte 0x{other:02x}"),
        )),
    }
}

/// Whether the server sent more than the one-byte answer (without waiting for more).
fn unencrypted_bytes_waiting(tcp: &TcpStream) -> bool {
    let mut probe = [0u8; 1];
    matches!(tcp.try_read(&mut probe), Ok(n) if n > 0)
}

async fn handshake(tcp: TcpStream, settings: &Settings, direct: bool) -> Result<(Stream, Option<TlsInfo>)> {
    let choice = Arc::new(ClientCertChoice {
        identity: settings.identity.as_ref().map(|(key, _)| key.clone()),
        requested: AtomicBool::new(false),
    });
    let client_config = settings.client_config(choice.clone())?;
    let connector = tokio_rustls::TlsConnector::from(client_config);
    let tls = connector
        .connect(settings.server_name.clone(), tcp)
        .await
        .map_err(|e| handshake_error(e, settings, direct))?;
    let (_, conn) = tls.get_ref();
    let alpn = conn.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned());
    if direct && conn.alpn_protocol() != Some(ALPN_POSTGRESQL) {
        return Err(Error::new(
            ErrorKind::Tls,
            format!(
                "the server did not select the ALPN protocol \"postgresql\" in the direct TLS handshake (it selected {}): \
                 it is not a PostgreSQL 17+ server; use sslnegotiation=postgres",
                alpn.as_deref()
                    .map(|a| format!("\"{a}\""))
                    .unwrap_or_else(|| "none".into())
            ),
        ));
    }
    let requested = choice.requested.load(Ordering::Acquire);
    if settings.cert_mode == CertMode::Require && !requested {
        return Err(Error::new(
            ErrorKind::Tls,
            "sslcertmode=require, but the server did not request a client certificate",
        ));
    }
    let server_certificate = conn
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|c| c.as_ref().to_vec())
        .unwrap_or_default();
    let end_point = end_point::compute(&server_certificate);
    let info = TlsInfo {
        version: match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2",
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3",
            _ => "unknown",
        },
        cipher_suite: conn
            .negotiated_cipher_suite()
            .map(|s| iana_name(&format!("{:?}", s.suite())))
            .unwrap_or_default(),
        alpn,
        direct,
        verification: settings.verification(),
        client_certificate: if requested {
            settings.identity.as_ref().map(|(_, path)| path.clone())
        } else {
            None
        },
        server_certificate,
        end_point,
    };
    tracing::debug!(
        target: "tusk::tls",
        version = info.version,
        cipher = %info.cipher_suite,
        alpn = ?info.alpn,
        "TLS established ({})",
        info.verification
    );
    Ok((Stream::Tls(Box::new(tls)), Some(info)))
}

/// rustls calls TLS 1.3 suites `TLS13_…`; their IANA names start with `TLS_`.
fn iana_name(rustls_name: &str) -> String {
    match rustls_name.strip_prefix("TLS13_") {
        Some(rest) => format!("TLS_{rest}"),
        None => rustls_name.to_owned(),
    }
}

// ---- Settings from the connection parameters -------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CertMode {
    Disable,
    Allow,
    Require,
}

/// Everything a handshake needs, read from the configuration and the files it names.
struct Settings {
    provider: Arc<CryptoProvider>,
    mode: SslMode,
    roots: Option<Roots>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    identity: Option<(Arc<CertifiedKey>, PathBuf)>,
    cert_mode: CertMode,
    versions: Vec<&'static SupportedProtocolVersion>,
    server_name: ServerName<'static>,
    /// The host as given, for messages.
    host: String,
    sni: bool,
    key_log: Option<Arc<keylog::KeyLogFile>>,
}

/// The *ring* provider, made once.
fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// A parameter's value, `None` when unset or empty.
fn param(config: &Config, key: &str) -> Option<String> {
    config.get(key).filter(|v| !v.is_empty())
}

impl Settings {
    fn load(config: &Config, target: &Target) -> Result<Settings> {
        let provider = provider();
        let mode = config.get_sslmode();
        let verify = matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull);
        let roots = files::load_roots(param(config, "sslrootcert").as_deref(), verify)?;
        let crls = match &roots {
            Some(_) => files::load_crls(
                param(config, "sslcrl").as_deref(),
                param(config, "sslcrldir").as_deref(),
            )?,
            None => Vec::new(),
        };
        let cert_mode = match param(config, "sslcertmode").as_deref() {
            Some("disable") => CertMode::Disable,
            Some("require") => CertMode::Require,
            _ => CertMode::Allow,
        };
        let identity = match cert_mode {
            CertMode::Disable => None,
            CertMode::Allow | CertMode::Require => files::load_client_identity(
                param(config, "sslcert").as_deref(),
                param(config, "sslkey").as_deref(),
                config.get_sslpassword(),
                &provider,
            )?,
        };
        let versions = protocol_versions(
            param(config, "ssl_min_protocol_version").as_deref(),
            param(config, "ssl_max_protocol_version").as_deref(),
        )?;
        let host = match &target.host {
            Host::Tcp(h) => h.clone(),
            Host::Unix(dir) => dir.display().to_string(),
        };
        let sni_wanted = param(config, "sslsni").as_deref() != Some("0");
        let (server_name, is_dns) = server_name(&host, mode)?;
        let key_log = match param(config, "sslkeylogfile") {
            Some(path) => Some(Arc::new(keylog::KeyLogFile::open(Path::new(&path))?)),
            None => None,
        };
        Ok(Settings {
            provider,
            mode,
            roots,
            crls,
            identity,
            cert_mode,
            versions,
            server_name,
            host,
            sni: sni_wanted && is_dns,
            key_log,
        })
    }

    fn verification(&self) -> ServerVerification {
        match (&self.roots, self.mode) {
            (None, _) => ServerVerification::None,
            (Some(r), SslMode::VerifyFull) => ServerVerification::ChainAndHostName(r.source.clone()),
            (Some(r), _) => ServerVerification::Chain(r.source.clone()),
        }
    }

    fn client_config(&self, certs: Arc<ClientCertChoice>) -> Result<Arc<ClientConfig>> {
        let verifier: Arc<dyn ServerCertVerifier> = match &self.roots {
            None => Arc::new(verify::AcceptAnyCertificate::new(&self.provider)),
            Some(roots) => {
                let webpki = WebPkiServerVerifier::builder_with_provider(roots.store.clone(), self.provider.clone())
                    .with_crls(self.crls.iter().cloned())
                    .build()
                    .map_err(|e| Error::with_source(ErrorKind::Tls, "cannot use the root certificates or CRLs", e))?;
                if self.mode == SslMode::VerifyFull {
                    webpki
                } else {
                    Arc::new(verify::ChainOnly::new(webpki))
                }
            }
        };
        let mut config = ClientConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&self.versions)
            .map_err(|e| Error::with_source(ErrorKind::Tls, "no usable TLS protocol version", e))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_client_cert_resolver(certs);
        config.alpn_protocols = vec![ALPN_POSTGRESQL.to_vec()];
        config.enable_sni = self.sni;
        config.resumption = Resumption::disabled();
        if let Some(key_log) = &self.key_log {
            config.key_log = key_log.clone();
        }
        Ok(Arc::new(config))
    }
}

/// The name rustls verifies (and sends as SNI, when it is a DNS name), and whether it is
/// a DNS name. A host that is neither an IP address nor a valid DNS name can only be used
/// when the name is not checked.
fn server_name(host: &str, mode: SslMode) -> Result<(ServerName<'static>, bool)> {
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok((ServerName::IpAddress(ip.into()), false));
    }
    match DnsName::try_from(bare.to_owned()) {
        Ok(name) => Ok((ServerName::DnsName(name), true)),
        Err(_) if mode == SslMode::VerifyFull => Err(Error::new(
            ErrorKind::Tls,
            format!(
                "host \"{host}\" is neither an IP address nor a valid DNS name, so sslmode=verify-full cannot check the server certificate against it"
            ),
        )),
        Err(_) => Ok((ServerName::IpAddress(IpAddr::from([0, 0, 0, 0]).into()), false)),
    }
}

/// rustls speaks TLS 1.2 and 1.3: the versions within `ssl_min_protocol_version` (default
/// TLSv1.2, as libpq) and `ssl_max_protocol_version`.
fn protocol_versions(min: Option<&str>, max: Option<&str>) -> Result<Vec<&'static SupportedProtocolVersion>> {
    fn rank(v: &str) -> u8 {
        match v.to_ascii_lowercase().as_str() {
            "tlsv1" => 0,
            "tlsv1.1" => 1,
            "tlsv1.2" => 2,
            _ => 3,
        }
    }
    let lo = min.map(rank).unwrap_or(2);
    let hi = max.map(rank).unwrap_or(3);
    if hi < 2 {
        return Err(Error::new(
            ErrorKind::Config,
            format!(
                "ssl_max_protocol_version={} is below TLSv1.2, the oldest version tusk supports (it speaks TLS 1.2 and 1.3 only)",
                max.unwrap_or_default()
            ),
        ));
    }
    if lo > hi {
        return Err(Error::new(
            ErrorKind::Config,
            "ssl_min_protocol_version is greater than ssl_max_protocol_version",
        ));
    }
    let mut versions = Vec::new();
    if lo <= 2 {
        versions.push(&rustls::version::TLS12);
    }
    versions.push(&rustls::version::TLS13);
    if hi < 3 {
        versions.retain(|v| v.version != rustls::ProtocolVersion::TLSv1_3);
    }
    Ok(versions)
}

/// Hands rustls the client certificate when (and only when) the server asks for one, and
/// remembers whether it asked.
#[derive(Debug)]
struct ClientCertChoice {
    identity: Option<Arc<CertifiedKey>>,
    requested: AtomicBool,
}

impl ResolvesClientCert for ClientCertChoice {
    fn resolve(&self, _acceptable_issuers: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.requested.store(true, Ordering::Release);
        self.identity.clone()
    }

    fn has_certs(&self) -> bool {
        self.identity.is_some()
    }
}

// ---- Channel binding ------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindingMode {
    Disable,
    Prefer,
    Require,
}

fn binding_mode(config: &Config) -> BindingMode {
    match param(config, "channel_binding").as_deref() {
        Some("disable") => BindingMode::Disable,
        Some("require") => BindingMode::Require,
        _ => BindingMode::Prefer,
    }
}

/// Chooses how SCRAM binds to the channel, from `channel_binding`, the TLS session (if
/// any) and the mechanisms the server offers; fails before any password is used when
/// `channel_binding=require` cannot be met, or when no offered mechanism is usable.
pub(crate) fn scram_channel_binding(
    config: &Config,
    tls: Option<&TlsInfo>,
    mechanisms: &[String],
) -> Result<ChannelBinding> {
    let mode = binding_mode(config);
    let hash = match mode {
        BindingMode::Disable => None,
        BindingMode::Prefer | BindingMode::Require => tls.and_then(|t| t.end_point.as_ref()).map(|(_, h)| h.clone()),
    };
    if mode == BindingMode::Require {
        let plus_offered = mechanisms.iter().any(|m| m == scram::SCRAM_SHA_256_PLUS);
        if tls.is_none() {
            return Err(Error::new(
                ErrorKind::Auth,
                "channel_binding=require, but the connection does not use TLS (channel binding needs TLS; \
                 use sslmode=require or stronger)",
            ));
        }
        if !plus_offered {
            return Err(Error::new(
                ErrorKind::Auth,
                format!(
                    "channel_binding=require, but the server did not offer SCRAM-SHA-256-PLUS (it offered: {})",
                    mechanisms.join(", ")
                ),
            ));
        }
        if hash.is_none() {
            return Err(Error::new(
                ErrorKind::Auth,
                "channel_binding=require, but the server certificate's signature algorithm has no single hash, \
                 so tls-server-end-point binding is not defined for it",
            ));
        }
    }
    ChannelBinding::negotiate(mechanisms, hash).map_err(|_| {
        Error::new(
            ErrorKind::Auth,
            format!(
                "the server offers only SASL mechanisms tusk does not support: {}",
                mechanisms.join(", ")
            ),
        )
    })
}

/// With `channel_binding=require`, refuses every authentication request that cannot bind
/// (cleartext, MD5, GSSAPI), and an AuthenticationOk that did not come after
/// SCRAM-SHA-256-PLUS (trust, cert): before any secret is sent.
pub(crate) fn check_channel_binding(config: &Config, request: &Authentication, so_far: AuthMethod) -> Result<()> {
    if binding_mode(config) != BindingMode::Require {
        return Ok(());
    }
    let method = match request {
        Authentication::Ok if so_far == AuthMethod::ScramSha256Plus => return Ok(()),
        Authentication::Ok => {
            return Err(Error::new(
                ErrorKind::Auth,
                "channel_binding=require, but the server authenticated the client without channel binding",
            ));
        }
        Authentication::Sasl { .. } | Authentication::SaslContinue { .. } | Authentication::SaslFinal { .. } => {
            return Ok(());
        }
        Authentication::CleartextPassword => "password",
        Authentication::Md5Password { .. } => "md5",
        _ => "GSSAPI/SSPI",
    };
    Err(Error::new(
        ErrorKind::Auth,
        format!(
            "channel_binding=require, but the server asked for {method} authentication, which cannot bind to the TLS channel"
        ),
    ))
}

// ---- Errors ---------------------------------------------------------------------------

/// A TLS error that reached us inside an `io::Error`, as an [`Error`] of kind `Tls`; any
/// other I/O error is handed back.
pub(crate) fn error_from_io(e: std::io::Error) -> std::result::Result<Error, std::io::Error> {
    let described = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .map(|tls| describe(tls, None));
    match described {
        Some(message) => Ok(Error::with_source(ErrorKind::Tls, message, e)),
        None => Err(e),
    }
}

fn handshake_error(e: std::io::Error, settings: &Settings, direct: bool) -> Error {
    if let Some(tls) = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        let message = format!(
            "TLS handshake with {} failed: {}",
            settings.host,
            describe(tls, Some(settings))
        );
        return Error::with_source(ErrorKind::Tls, message, e);
    }
    let message = if e.kind() == std::io::ErrorKind::UnexpectedEof {
        if direct {
            format!(
                "the server {} closed the connection during the direct TLS handshake: it does not support \
                 sslnegotiation=direct (PostgreSQL 17 or newer does); use sslnegotiation=postgres",
                settings.host
            )
        } else {
            format!(
                "the server {} closed the connection during the TLS handshake",
                settings.host
            )
        }
    } else {
        format!("TLS handshake with {} failed", settings.host)
    };
    Error::with_source(ErrorKind::Tls, message, e)
}

/// Says what a rustls error means for a PostgreSQL connection.
fn describe(e: &rustls::Error, settings: Option<&Settings>) -> String {
    let trusted = settings
        .and_then(|s| s.roots.as_ref())
        .map(|r| format!(" (trusted roots: {})", r.source))
        .unwrap_or_default();
    match e {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::NotValidForName => {
                let host = settings.map(|s| s.host.as_str()).unwrap_or("the host");
                format!("the server certificate is not valid for host name \"{host}\" (sslmode=verify-full)")
            }
            CertificateError::NotValidForNameContext { expected, presented } => {
                let host = settings
                    .map(|s| s.host.clone())
                    .unwrap_or_else(|| format!("{expected:?}"));
                format!(
                    "the server certificate is not valid for host name \"{host}\": it names {} (sslmode=verify-full)",
                    if presented.is_empty() {
                        "no DNS name or IP address".to_owned()
                    } else {
                        presented.join(", ")
                    }
                )
            }
            CertificateError::Expired => "the server certificate has expired".to_owned(),
            CertificateError::ExpiredContext { not_after, .. } => format!(
                "the server certificate has expired: it was valid until {}",
                utc(not_after.as_secs())
            ),
            CertificateError::NotValidYet => "the server certificate is not valid yet".to_owned(),
            CertificateError::NotValidYetContext { not_before, .. } => format!(
                "the server certificate is not valid yet: it is valid from {}",
                utc(not_before.as_secs())
            ),
            CertificateError::UnknownIssuer => format!(
                "the server certificate was not issued by a trusted certificate authority{trusted} (unknown issuer)"
            ),
            CertificateError::Revoked => "the server certificate has been revoked (sslcrl/sslcrldir)".to_owned(),
            CertificateError::UnknownRevocationStatus => {
                "the revocation status of the server certificate is unknown: the CRLs given (sslcrl/sslcrldir) \
                 include none from its issuer"
                    .to_owned()
            }
            CertificateError::BadSignature => {
                "the server certificate's signature is invalid (not signed by its issuer)".to_owned()
            }
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                "the server certificate is not meant for TLS servers (extended key usage)".to_owned()
            }
            other => format!("invalid server certificate{trusted}: {other:?}"),
        },
        rustls::Error::AlertReceived(alert) => {
            let name = alert_name(*alert);
            match alert {
                AlertDescription::CertificateRequired => format!(
                    "the server requires a client certificate and none was sent (set sslcert and sslkey) (TLS alert {name})"
                ),
                AlertDescription::UnknownCA => format!(
                    "the server rejected the client certificate: it was not issued by a CA the server trusts (ssl_ca_file) (TLS alert {name})"
                ),
                AlertDescription::BadCertificate
                | AlertDescription::UnsupportedCertificate
                | AlertDescription::CertificateExpired
                | AlertDescription::CertificateRevoked
                | AlertDescription::CertificateUnknown
                | AlertDescription::AccessDenied
                | AlertDescription::DecryptError => {
                    format!("the server rejected the client certificate (TLS alert {name})")
                }
                AlertDescription::ProtocolVersion => format!(
                    "the server supports no TLS version in common (ssl_min_protocol_version/ssl_max_protocol_version) (TLS alert {name})"
                ),
                AlertDescription::NoApplicationProtocol => {
                    format!("the server does not accept the ALPN protocol \"postgresql\" (TLS alert {name})")
                }
                AlertDescription::HandshakeFailure => {
                    format!("the server found no cipher suite or parameters in common (TLS alert {name})")
                }
                _ => format!("the server sent TLS alert {name}"),
            }
        }
        rustls::Error::NoApplicationProtocol => {
            "the server selected an ALPN protocol other than \"postgresql\"".to_owned()
        }
        rustls::Error::PeerIncompatible(why) => format!("the server's TLS is incompatible: {why:?}"),
        other => other.to_string(),
    }
}

/// An alert's name as in the RFCs (`unknown_ca`).
fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut out = String::with_capacity(debug.len() + 4);
    let mut previous_upper = true;
    for c in debug.chars() {
        let upper = c.is_ascii_uppercase();
        if upper && !previous_upper {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        previous_upper = upper;
    }
    out
}

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since 1970.
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(s: &str) -> Config {
        Config::parse(s).unwrap()
    }

    fn target(host: &str) -> Target {
        Target {
            host: if host.starts_with('/') {
                Host::Unix(host.into())
            } else {
                Host::Tcp(host.into())
            },
            hostaddr: None,
            port: 5432,
        }
    }

    #[test]
    fn attempts_follow_libpq() {
        let tcp = target("localhost");
        let unix = target("/tmp");
        let first = |s: &str, t: &Target| first_attempt(&config(s), t);
        assert_eq!(first("sslmode=disable", &tcp), Encryption::Plain);
        assert_eq!(first("sslmode=allow", &tcp), Encryption::Plain);
        assert_eq!(first("", &tcp), Encryption::Tls);
        assert_eq!(first("sslmode=verify-full", &tcp), Encryption::Tls);
        assert_eq!(first("sslmode=require", &unix), Encryption::Plain);

        let next = |s: &str, tried, failure| next_attempt(&config(s), &tcp, tried, failure);
        let rejected_plain = Failure::Rejected { over_tls: false };
        let rejected_tls = Failure::Rejected { over_tls: true };
        assert_eq!(
            next("sslmode=allow", Encryption::Plain, rejected_plain),
            Some(Encryption::Tls)
        );
        assert_eq!(next("sslmode=allow", Encryption::Tls, rejected_tls), None);
        assert_eq!(
            next("sslmode=prefer", Encryption::Tls, Failure::Negotiation),
            Some(Encryption::Plain)
        );
        assert_eq!(
            next("sslmode=prefer", Encryption::Tls, rejected_tls),
            Some(Encryption::Plain)
        );
        // The server said 'N': the session was plain already.
        assert_eq!(next("sslmode=prefer", Encryption::Tls, rejected_plain), None);
        assert_eq!(next("sslmode=prefer", Encryption::Tls, Failure::Other), None);
        assert_eq!(next("sslmode=require", Encryption::Tls, Failure::Negotiation), None);
        assert_eq!(
            next_attempt(&config("sslmode=allow"), &unix, Encryption::Plain, rejected_plain),
            None
        );
    }

    #[test]
    fn protocol_versions_are_clamped_to_what_rustls_speaks() {
        let v = |min, max| protocol_versions(min, max).map(|v| v.iter().map(|v| v.version).collect::<Vec<_>>());
        use rustls::ProtocolVersion::{TLSv1_2, TLSv1_3};
        assert_eq!(v(None, None).unwrap(), [TLSv1_2, TLSv1_3]);
        assert_eq!(v(Some("TLSv1"), None).unwrap(), [TLSv1_2, TLSv1_3]);
        assert_eq!(v(Some("TLSv1.3"), None).unwrap(), [TLSv1_3]);
        assert_eq!(v(None, Some("TLSv1.2")).unwrap(), [TLSv1_2]);
        let err = v(None, Some("TLSv1.1")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("below TLSv1.2"), "{err}");
    }

    #[test]
    fn server_names_for_ips_and_dns_names() {
        let (name, dns) = server_name("127.0.0.1", SslMode::VerifyFull).unwrap();
        assert!(matches!(name, ServerName::IpAddress(_)) && !dns);
        let (name, dns) = server_name("::1", SslMode::VerifyFull).unwrap();
        assert!(matches!(name, ServerName::IpAddress(_)) && !dns);
        let (name, dns) = server_name("db.example.com", SslMode::VerifyFull).unwrap();
        assert!(matches!(name, ServerName::DnsName(_)) && dns);
        assert!(server_name("bad name!", SslMode::VerifyFull).is_err());
        assert!(server_name("bad name!", SslMode::Require).is_ok());
    }

    #[test]
    fn channel_binding_choices() {
        let tls = TlsInfo {
            version: "TLSv1.3",
            cipher_suite: String::new(),
            alpn: None,
            direct: false,
            verification: ServerVerification::None,
            client_certificate: None,
            server_certificate: Vec::new(),
            end_point: Some((HashAlgorithm::Sha256, vec![7; 32])),
        };
        let both = vec!["SCRAM-SHA-256-PLUS".to_owned(), "SCRAM-SHA-256".to_owned()];
        let plain = vec!["SCRAM-SHA-256".to_owned()];
        let pick = |s: &str, tls: Option<&TlsInfo>, m: &[String]| scram_channel_binding(&config(s), tls, m);
        assert_eq!(
            pick("", Some(&tls), &both).unwrap(),
            ChannelBinding::TlsServerEndPoint(vec![7; 32])
        );
        assert_eq!(pick("", Some(&tls), &plain).unwrap(), ChannelBinding::NotUsed);
        assert_eq!(pick("", None, &plain).unwrap(), ChannelBinding::Unsupported);
        assert_eq!(
            pick("channel_binding=disable", Some(&tls), &both).unwrap(),
            ChannelBinding::Unsupported
        );
        let err = pick("channel_binding=require", None, &plain).unwrap_err();
        assert!(err.to_string().contains("does not use TLS"), "{err}");
        let err = pick("channel_binding=require", Some(&tls), &plain).unwrap_err();
        assert!(err.to_string().contains("did not offer SCRAM-SHA-256-PLUS"), "{err}");
        assert_eq!(err.kind(), ErrorKind::Auth);
        assert!(pick("", None, &["OAUTHBEARER".to_owned()]).is_err());

        let require = config("channel_binding=require");
        assert!(check_channel_binding(&require, &Authentication::Ok, AuthMethod::None).is_err());
        assert!(check_channel_binding(&require, &Authentication::Ok, AuthMethod::ScramSha256Plus).is_ok());
        assert!(check_channel_binding(&require, &Authentication::CleartextPassword, AuthMethod::None).is_err());
        assert!(check_channel_binding(&config(""), &Authentication::CleartextPassword, AuthMethod::None).is_ok());
    }

    #[test]
    fn names_and_dates_read_well() {
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown_ca");
        assert_eq!(
            alert_name(AlertDescription::CertificateRequired),
            "certificate_required"
        );
        assert_eq!(iana_name("TLS13_AES_256_GCM_SHA384"), "TLS_AES_256_GCM_SHA384");
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(978_307_200), "2001-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400 + 3_661), "2000-02-29 01:01:01 UTC");
    }
}
