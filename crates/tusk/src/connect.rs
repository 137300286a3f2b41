//! Opening a session: socket, startup packet, protocol negotiation, authentication.
//!
//! For each target host in order (libpq's multi-host rule), within `connect_timeout`:
//!
//! 1. open a TCP or unix-domain socket;
//! 2. send a StartupMessage asking for the highest protocol allowed (3.2 by default);
//! 3. answer the server's authentication requests (cleartext, MD5, SCRAM-SHA-256);
//! 4. collect BackendKeyData, ParameterStatus and a possible NegotiateProtocolVersion
//!    until ReadyForQuery.
//!
//! A server too old to know NegotiateProtocolVersion rejects a 3.2 startup with an
//! error; then tusk reconnects once asking for 3.0 (if `min_protocol_version` allows).

use crate::cache::StatementCache;
use crate::config::{Config, Host, Target};
use crate::connection::{AuthMethod, Connection, SessionInfo};
use crate::error::{DbError, Error, ErrorKind, Result};
use crate::stream::Stream;
use crate::tls::{Encryption, Failure};
use bytes::BytesMut;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tusk_proto::Limits;
use tusk_proto::auth::md5::md5_password;
use tusk_proto::auth::scram::{self, ChannelBinding, ScramClient};
use tusk_proto::backend::{Authentication, BackendMessage};
use tusk_proto::frontend::{self, ProtocolVersion};

pub(crate) async fn connect(config: &Config) -> Result<Connection> {
    let targets = config.try_targets()?;
    if targets.is_empty() {
        return Err(Error::new(ErrorKind::Config, "no host to connect to"));
    }
    let mut errors = Vec::new();
    for target in &targets {
        let attempt = connect_target(config, target);
        let result = match config.get_connect_timeout() {
            Some(t) => match tokio::time::timeout(t, attempt).await {
                Ok(r) => r,
                Err(_) => Err(Error::new(
                    ErrorKind::Timeout,
                    format!("connecting to {} took longer than {t:?}", describe(target)),
                )),
            },
            None => attempt.await,
        };
        match result {
            Ok(c) => return Ok(c),
            // A server that rejected our credentials would reject them on every host:
            // libpq still tries the next host, and so do we, but we keep every reason.
            Err(e) => errors.push(e),
        }
    }
    if errors.len() == 1 {
        return Err(errors.remove(0));
    }
    let last = errors.pop().unwrap_or_else(Error::closed);
    let summary: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    tracing::debug!(target: "tusk::connect", "earlier hosts failed: {}", summary.join("; "));
    Err(last)
}

fn describe(t: &Target) -> String {
    match &t.host {
        Host::Tcp(h) => format!("{h}:{}", t.port),
        Host::Unix(dir) => format!("{}/.s.PGSQL.{}", dir.display(), t.port),
    }
}

/// Opens the socket a cancel request goes over: same target, same transport
/// security as the session being cancelled.
pub(crate) async fn open_for_cancel(config: &Config, target: &Target) -> Result<Stream> {
    let stream = open(config, target).await?;
    let encryption = crate::tls::first_attempt(config, target);
    match crate::tls::negotiate(stream, config, target, encryption).await {
        Ok((stream, _)) => Ok(stream),
        // sslmode=prefer: the session itself may have fallen back to plain text.
        Err((e, failure)) if crate::tls::next_attempt(config, target, encryption, failure).is_some() => {
            tracing::debug!(target: "tusk::cancel", "TLS for the cancel request failed ({e}); sending it in plain text");
            open(config, target).await
        }
        Err((e, _)) => Err(e),
    }
}

async fn open(config: &Config, target: &Target) -> Result<Stream> {
    match &target.host {
        Host::Unix(dir) => {
            #[cfg(unix)]
            {
                let path = dir.join(format!(".s.PGSQL.{}", target.port));
                tokio::net::UnixStream::connect(&path)
                    .await
                    .map(Stream::Unix)
                    .map_err(|e| {
                        Error::with_source(
                            ErrorKind::Io,
                            format!("cannot connect to unix socket {}", path.display()),
                            e,
                        )
                    })
            }
            #[cfg(not(unix))]
            {
                let _ = dir;
                Err(Error::new(
                    ErrorKind::Config,
                    "unix-domain sockets are not supported on this platform",
                ))
            }
        }
        Host::Tcp(host) => {
            let stream = match target.hostaddr {
                Some(ip) => TcpStream::connect((ip, target.port)).await,
                None => TcpStream::connect((host.as_str(), target.port)).await,
            }
            .map_err(|e| Error::with_source(ErrorKind::Io, format!("cannot connect to {host}:{}", target.port), e))?;
            let _ = stream.set_nodelay(true);
            apply_keepalives(&stream, config)
                .map_err(|e| Error::with_source(ErrorKind::Io, "cannot set TCP keepalive options", e))?;
            Ok(Stream::Tcp(stream))
        }
    }
}

/// One target: the attempt `sslmode` calls for, and at most one more with the other
/// encryption (`allow` and `prefer`, see [`crate::tls`]).
async fn connect_target(config: &Config, target: &Target) -> Result<Connection> {
    let mut encryption = crate::tls::first_attempt(config, target);
    let mut first: Option<(Error, Encryption)> = None;
    loop {
        let failure = match connect_encrypted(config, target, encryption).await {
            Ok(conn) => return Ok(conn),
            Err(failure) => failure,
        };
        let next = match first {
            None => crate::tls::next_attempt(config, target, encryption, failure.kind()),
            Some(_) => None,
        };
        let error = failure.into_error();
        match next {
            Some(next) => {
                tracing::debug!(target: "tusk::connect", "{encryption:?} attempt failed ({error}); trying {next:?}");
                first = Some((error, encryption));
                encryption = next;
            }
            None => {
                return Err(match first {
                    Some((earlier, was)) => crate::tls::after_retry(error, earlier, was),
                    None => error,
                });
            }
        }
    }
}

/// One attempt with or without TLS, and the protocol-version retry.
async fn connect_encrypted(config: &Config, target: &Target, encryption: Encryption) -> Result<Connection, Startup> {
    let min = config.get_min_protocol_version();
    let max = config.get_max_protocol_version();
    match with_auth_timeout(config, startup(config, target, max, encryption)).await {
        Err(Startup::VersionRejected(e)) if max > ProtocolVersion::V3_0 && min <= ProtocolVersion::V3_0 => {
            tracing::debug!(target: "tusk::connect", "server rejected protocol {max} ({e}); retrying with 3.0");
            startup(config, target, ProtocolVersion::V3_0, encryption).await
        }
        r => r,
    }
}

/// Bounds the startup exchange by `auth_timeout`, if set.
async fn with_auth_timeout(
    config: &Config,
    fut: impl std::future::Future<Output = Result<Connection, Startup>>,
) -> Result<Connection, Startup> {
    match config.get_auth_timeout() {
        None => fut.await,
        Some(t) => match tokio::time::timeout(t, fut).await {
            Ok(r) => r,
            Err(_) => Err(Startup::Failed(Error::new(
                ErrorKind::Timeout,
                format!("authentication did not complete within {t:?} (auth_timeout)"),
            ))),
        },
    }
}

enum Startup {
    Failed(Error),
    /// The server refused the requested protocol version outright (pre-NegotiateProtocolVersion servers).
    VersionRejected(Error),
    /// TLS could not be set up.
    Negotiation(Error),
    /// The server sent an ErrorResponse before authentication completed; `true` if over TLS.
    Rejected(Error, bool),
}

impl Startup {
    fn into_error(self) -> Error {
        match self {
            Startup::Failed(e) | Startup::VersionRejected(e) | Startup::Negotiation(e) | Startup::Rejected(e, _) => e,
        }
    }

    /// What the failure means for a retry with the other encryption.
    fn kind(&self) -> Failure {
        match self {
            Startup::Negotiation(_) => Failure::Negotiation,
            Startup::Rejected(_, over_tls) => Failure::Rejected { over_tls: *over_tls },
            Startup::Failed(_) | Startup::VersionRejected(_) => Failure::Other,
        }
    }
}

impl From<Error> for Startup {
    fn from(e: Error) -> Startup {
        Startup::Failed(e)
    }
}

/// The startup exchange on one socket, from StartupMessage to ReadyForQuery.
struct Handshake {
    stream: Stream,
    read_buf: BytesMut,
    write_buf: BytesMut,
    limits: Limits,
}

impl Handshake {
    async fn send(&mut self) -> Result<()> {
        self.stream.write_all(&self.write_buf).await.map_err(Error::io)?;
        self.write_buf.clear();
        Ok(())
    }

    async fn read(&mut self) -> Result<BackendMessage> {
        loop {
            if let Some(m) = BackendMessage::decode(&mut self.read_buf, &self.limits)? {
                return Ok(m);
            }
            self.read_buf.reserve(4096);
            let n = self.stream.read_buf(&mut self.read_buf).await.map_err(Error::io)?;
            if n == 0 {
                return Err(Error::new(
                    ErrorKind::Io,
                    "the server closed the connection during startup",
                ));
            }
        }
    }
}

async fn startup(
    config: &Config,
    target: &Target,
    version: ProtocolVersion,
    encryption: Encryption,
) -> Result<Connection, Startup> {
    let stream = open(config, target).await?;
    let (stream, tls) = crate::tls::negotiate(stream, config, target, encryption)
        .await
        .map_err(|(e, failure)| match failure {
            Failure::Negotiation => Startup::Negotiation(e),
            _ => Startup::Failed(e),
        })?;
    let over_tls = tls.is_some();
    let mut hs = Handshake {
        stream,
        read_buf: BytesMut::with_capacity(8192),
        write_buf: BytesMut::with_capacity(512),
        limits: Limits::default(),
    };
    let user = config.effective_user();
    let dbname = config.effective_dbname();
    let mut params: Vec<(&str, String)> = vec![
        ("user", user.clone()),
        ("database", dbname),
        ("client_encoding", "UTF8".into()),
    ];
    if let Some(app) = config.get_application_name().or(config.get_fallback_application_name()) {
        params.push(("application_name", app.to_string()));
    }
    if let Some(opts) = config.get_options() {
        params.push(("options", opts.to_string()));
    }
    frontend::startup(&mut hs.write_buf, version, params.iter().map(|(k, v)| (*k, v.as_str())))
        .map_err(|e| Error::with_source(ErrorKind::Config, "cannot encode the startup packet", e))?;
    hs.send().await?;

    let mut info = SessionInfo {
        protocol: version,
        process_id: 0,
        secret_key: bytes::Bytes::new(),
        auth_method: AuthMethod::None,
        params: HashMap::new(),
        host: match &target.host {
            Host::Tcp(h) => h.clone(),
            Host::Unix(d) => d.display().to_string(),
        },
        port: target.port,
        config: Arc::new(config.clone()),
        target: target.clone(),
        cancel_timeout: config.get_cancel_timeout(),
        tls,
    };
    let mut authenticated = false;
    let mut scram: Option<ScramClient> = None;
    let require_auth = config.get_require_auth();
    loop {
        let msg = hs.read().await?;
        match msg {
            BackendMessage::Authentication(a) => {
                if authenticated {
                    return Err(Error::protocol("authentication request after authentication succeeded").into());
                }
                // require_auth: refuse a method before anything secret is sent, and an
                // AuthenticationOk that did not follow an allowed method.
                let private = hs.stream.is_unix() || hs.stream.is_encrypted();
                require_auth.check(&a, info.auth_method, private, &describe(target))?;
                // channel_binding=require: likewise, before anything secret is sent.
                crate::tls::check_channel_binding(config, &a, info.auth_method)?;
                match a {
                    Authentication::Ok => {
                        if let Some(s) = &scram
                            && !s.is_done()
                        {
                            return Err(Error::new(
                                ErrorKind::Auth,
                                "the server ended SCRAM authentication without proving it knows the password",
                            )
                            .into());
                        }
                        authenticated = true;
                    }
                    Authentication::CleartextPassword => {
                        let pw = password(config, target, &user, "password")?;
                        frontend::password(&mut hs.write_buf, &pw).map_err(auth_encode)?;
                        hs.send().await?;
                        info.auth_method = AuthMethod::Password;
                    }
                    Authentication::Md5Password { salt } => {
                        let pw = password(config, target, &user, "md5")?;
                        let hashed = md5_password(&user, &pw, salt);
                        frontend::password(&mut hs.write_buf, hashed.as_bytes()).map_err(auth_encode)?;
                        hs.send().await?;
                        info.auth_method = AuthMethod::Md5;
                        tracing::warn!(
                            target: "tusk::auth",
                            "the server uses MD5 password authentication, which is deprecated; switch the role to scram-sha-256"
                        );
                    }
                    Authentication::Sasl { mechanisms } => {
                        // SCRAM-SHA-256-PLUS when TLS and the server allow (channel_binding).
                        let binding = crate::tls::scram_channel_binding(config, info.tls.as_ref(), &mechanisms)?;
                        let plus = matches!(binding, ChannelBinding::TlsServerEndPoint(_));
                        let pw = password(config, target, &user, "scram-sha-256")?;
                        let nonce = scram::generate_nonce(&rand::random::<[u8; 18]>());
                        let client = ScramClient::new(&pw, binding, &nonce);
                        frontend::sasl_initial_response(&mut hs.write_buf, client.mechanism(), &client.client_first())
                            .map_err(auth_encode)?;
                        hs.send().await?;
                        info.auth_method = if plus {
                            AuthMethod::ScramSha256Plus
                        } else {
                            AuthMethod::ScramSha256
                        };
                        scram = Some(client);
                    }
                    Authentication::SaslContinue { data } => {
                        let Some(client) = scram.as_mut() else {
                            return Err(Error::protocol("SASL challenge without a SASL exchange").into());
                        };
                        let reply = client
                            .handle_server_first(&data)
                            .map_err(|e| Error::with_source(ErrorKind::Auth, "SCRAM authentication failed", e))?;
                        frontend::sasl_response(&mut hs.write_buf, &reply);
                        hs.send().await?;
                    }
                    Authentication::SaslFinal { data } => {
                        let Some(client) = scram.as_mut() else {
                            return Err(Error::protocol("SASL outcome without a SASL exchange").into());
                        };
                        client
                            .handle_server_final(&data)
                            .map_err(|e| Error::with_source(ErrorKind::Auth, "SCRAM authentication failed", e))?;
                    }
                    Authentication::KerberosV5
                    | Authentication::Gss
                    | Authentication::GssContinue { .. }
                    | Authentication::Sspi => {
                        return Err(Error::new(
                            ErrorKind::Auth,
                            "the server asks for Kerberos/GSSAPI/SSPI authentication, which tusk does not support",
                        )
                        .into());
                    }
                }
            }
            BackendMessage::NegotiateProtocolVersion {
                newest_minor,
                unrecognized,
            } => {
                if !unrecognized.is_empty() {
                    tracing::debug!(target: "tusk::connect", "server did not recognise protocol options: {unrecognized:?}");
                }
                // The protocol docs call this field the newest *minor* version, but
                // PostgreSQL sends a whole version code (3 << 16 | minor). Accept both.
                let raw = newest_minor as u32;
                let minor = if raw > 0xffff { raw & 0xffff } else { raw };
                let offered = ProtocolVersion {
                    major: 3,
                    minor: minor as u16,
                };
                if offered >= version {
                    return Err(Error::protocol(format!(
                        "server sent NegotiateProtocolVersion offering {offered}, not below the requested {version}"
                    ))
                    .into());
                }
                if offered < config.get_min_protocol_version() {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!(
                            "the server supports protocol up to {offered}, below min_protocol_version {}",
                            config.get_min_protocol_version()
                        ),
                    )
                    .into());
                }
                info.protocol = offered;
            }
            BackendMessage::BackendKeyData { process_id, secret_key } => {
                if info.protocol == ProtocolVersion::V3_0 && secret_key.len() != 4 {
                    return Err(Error::protocol(format!(
                        "protocol 3.0 cancel key must be 4 bytes, got {}",
                        secret_key.len()
                    ))
                    .into());
                }
                info.process_id = process_id;
                info.secret_key = secret_key;
            }
            BackendMessage::ParameterStatus { name, value } => {
                info.params.insert(name, value);
            }
            BackendMessage::NoticeResponse(f) => {
                let n = DbError::from_fields(f);
                tracing::info!(target: "tusk::notice", severity = n.severity(), code = n.code(), "{}", n.message());
            }
            BackendMessage::ErrorResponse(f) => {
                let db = DbError::from_fields(f);
                let unsupported_version =
                    !authenticated && db.code() == "0A000" && db.message().contains("unsupported frontend protocol");
                let kind = if authenticated {
                    ErrorKind::Server
                } else {
                    ErrorKind::Auth
                };
                let e = Error::db(kind, db);
                return Err(if unsupported_version {
                    Startup::VersionRejected(e)
                } else if !authenticated {
                    Startup::Rejected(e, over_tls)
                } else {
                    Startup::Failed(e)
                });
            }
            BackendMessage::ReadyForQuery(_) => {
                if !authenticated {
                    return Err(Error::protocol("ReadyForQuery before authentication completed").into());
                }
                let limits = hs.limits;
                let mut conn = Connection::from_parts(hs.stream, hs.read_buf, limits, info);
                conn.cache = StatementCache::new(config.get_statement_cache_size(), config.get_statement_cache_mode());
                return Ok(conn);
            }
            other => {
                return Err(
                    Error::protocol(format!("unexpected message '{}' during startup", other.tag() as char)).into(),
                );
            }
        }
    }
}

/// Applies libpq's keepalive parameters (`keepalives*`, `tcp_user_timeout`) to a TCP
/// socket.
fn apply_keepalives(stream: &TcpStream, config: &Config) -> std::io::Result<()> {
    let k = config.get_keepalives();
    let sock = socket2::SockRef::from(stream);
    sock.set_keepalive(k.enabled)?;
    if k.enabled {
        let mut ka = socket2::TcpKeepalive::new();
        if let Some(idle) = k.idle {
            ka = ka.with_time(idle);
        }
        #[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
        {
            if let Some(interval) = k.interval {
                ka = ka.with_interval(interval);
            }
            if let Some(count) = k.count {
                ka = ka.with_retries(count);
            }
        }
        sock.set_tcp_keepalive(&ka)?;
    }
    #[cfg(target_os = "linux")]
    if let Some(t) = k.user_timeout {
        sock.set_tcp_user_timeout(Some(t))?;
    }
    Ok(())
}

/// The password to answer the server's request with, looked for in libpq's order: the
/// `password` parameter (from the connection string, a service file or `PGPASSWORD`),
/// then the password file. Called only when the server asks for a password.
fn password(config: &Config, target: &Target, user: &str, method: &str) -> Result<Vec<u8>> {
    if let Some(pw) = config.get_password() {
        return Ok(pw.to_vec());
    }
    match crate::pgpass::lookup(config, target, user, &config.effective_dbname()) {
        Some(pw) if !pw.is_empty() => Ok(pw),
        _ => {
            let file = crate::pgpass::path_for(config)
                .map(|p| format!(", nor in the password file \"{}\"", p.display()))
                .unwrap_or_default();
            Err(Error::new(
                ErrorKind::Auth,
                format!(
                    "the server requested {method} authentication, but no password was supplied \
                     (none in the connection string or PGPASSWORD{file})"
                ),
            ))
        }
    }
}

fn auth_encode(e: tusk_proto::ProtoError) -> Error {
    Error::with_source(ErrorKind::Auth, "cannot encode the password", e)
}
