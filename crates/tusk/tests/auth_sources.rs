//! Where passwords come from (the connection string, `PGPASSWORD`, `.pgpass`), connection
//! service files, and `require_auth` — against PostgreSQL 15 and 18, and against a fake
//! server built on tusk-proto that records every byte the client sends, to prove that a
//! refused method never received a secret.

use bytes::BytesMut;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tusk::{AuthMethod, Config, Connection, ErrorKind};
use tusk_proto::Limits;
use tusk_proto::auth::md5::md5_password;
use tusk_proto::backend::{Authentication, BackendMessage, TransactionStatus};
use tusk_proto::frontend::{AuthResponse, FrontendMessage, StartupPacket};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

// ---------------------------------------------------------------------------------------
// Helpers: temporary files, a tracing recorder, a recording fake server
// ---------------------------------------------------------------------------------------

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tusk-auth-sources-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `name` with permissions `mode`.
    fn file(&self, name: &str, contents: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    /// A password file (mode 0600) holding `lines`.
    fn pgpass(&self, lines: &[String]) -> PathBuf {
        self.file("pgpass", &(lines.join("\n") + "\n"), 0o600)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Escapes `:` and `\` for a `.pgpass` field.
fn esc(field: &str) -> String {
    field.replace('\\', r"\\").replace(':', r"\:")
}

/// Quotes a value for a keyword=value string.
fn q(value: impl AsRef<str>) -> String {
    format!("'{}'", value.as_ref().replace('\\', r"\\").replace('\'', r"\'"))
}

/// Records the events logged through `tracing` on this thread while alive.
struct Logs {
    lines: Arc<Mutex<Vec<String>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl Logs {
    fn capture() -> Logs {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let guard = tracing::subscriber::set_default(Recorder(lines.clone()));
        Logs { lines, _guard: guard }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.lines.lock().unwrap())
    }
}

struct Recorder(Arc<Mutex<Vec<String>>>);

struct MessageField(String);

impl tracing::field::Visit for MessageField {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        }
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut message = MessageField(String::new());
        event.record(&mut message);
        let meta = event.metadata();
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}: {}", meta.level(), meta.target(), message.0));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// What the fake server asks the client for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    Trust,
    Cleartext,
    Md5,
    Scram,
    Gss,
    Sspi,
}

const SALT: [u8; 4] = [7, 1, 2, 3];

/// A fake server that accepts one connection, asks for `ask`, accepts any password
/// (cleartext or MD5) and records every message the client sends.
struct Fake {
    /// `host=… port=…` to reach it.
    conninfo: String,
    task: tokio::task::JoinHandle<Vec<FrontendMessage>>,
    _dir: Option<TempDir>,
}

trait Socket: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Socket for T {}

impl Fake {
    /// Listens on 127.0.0.1.
    async fn tcp(ask: Ask) -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (sock, _) = listener.accept().await.unwrap();
            serve(Box::new(sock), ask).await
        });
        Fake {
            conninfo: format!("host=127.0.0.1 port={port}"),
            task,
            _dir: None,
        }
    }

    /// Listens on a unix-domain socket in a fresh directory (not the default one).
    async fn unix(ask: Ask) -> Fake {
        let dir = TempDir::new();
        let port = 6543;
        let listener = tokio::net::UnixListener::bind(dir.path().join(format!(".s.PGSQL.{port}"))).unwrap();
        let task = tokio::spawn(async move {
            let (sock, _) = listener.accept().await.unwrap();
            serve(Box::new(sock), ask).await
        });
        Fake {
            conninfo: format!("host={} port={port}", q(dir.path().display().to_string())),
            task,
            _dir: Some(dir),
        }
    }

    fn socket_dir(&self) -> &Path {
        self._dir.as_ref().map(TempDir::path).unwrap()
    }

    fn port(&self) -> u16 {
        let port = self.conninfo.rsplit("port=").next().unwrap();
        port.parse().unwrap()
    }

    /// Everything the client sent after the startup packet, once it hung up.
    async fn sent(self) -> Vec<FrontendMessage> {
        tokio::time::timeout(Duration::from_secs(20), self.task)
            .await
            .expect("the fake server never saw the client hang up")
            .unwrap()
    }
}

async fn serve(mut sock: Box<dyn Socket>, ask: Ask) -> Vec<FrontendMessage> {
    let limits = Limits::default();
    let mut buf = BytesMut::new();
    loop {
        match StartupPacket::decode(&mut buf, &limits).unwrap() {
            Some(StartupPacket::Startup { .. }) => break,
            // No TLS or GSS encryption here: the client goes on in the clear.
            Some(StartupPacket::SslRequest | StartupPacket::GssEncRequest) => sock.write_all(b"N").await.unwrap(),
            Some(other) => panic!("unexpected {other:?}"),
            None => {
                if sock.read_buf(&mut buf).await.unwrap() == 0 {
                    return Vec::new();
                }
            }
        }
    }
    let request = match ask {
        Ask::Trust => Authentication::Ok,
        Ask::Cleartext => Authentication::CleartextPassword,
        Ask::Md5 => Authentication::Md5Password { salt: SALT },
        Ask::Scram => Authentication::Sasl {
            mechanisms: vec!["SCRAM-SHA-256".into()],
        },
        Ask::Gss => Authentication::Gss,
        Ask::Sspi => Authentication::Sspi,
    };
    let mut out = BytesMut::new();
    BackendMessage::Authentication(request).encode(&mut out).unwrap();
    if ask == Ask::Trust {
        welcome(&mut out);
    }
    sock.write_all(&out).await.unwrap();
    let mut got = Vec::new();
    loop {
        while let Some(m) = FrontendMessage::decode(&mut buf, &limits).unwrap() {
            let is_password = matches!(m, FrontendMessage::AuthResponse(_));
            got.push(m);
            if is_password && matches!(ask, Ask::Cleartext | Ask::Md5) {
                let mut out = BytesMut::new();
                BackendMessage::Authentication(Authentication::Ok)
                    .encode(&mut out)
                    .unwrap();
                welcome(&mut out);
                sock.write_all(&out).await.unwrap();
            } else if is_password {
                // No SCRAM (or GSS) server here: hang up.
                return got;
            }
        }
        match sock.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return got,
            Ok(_) => {}
        }
    }
}

fn welcome(out: &mut BytesMut) {
    for m in [
        BackendMessage::BackendKeyData {
            process_id: 1,
            secret_key: vec![9u8; 4].into(),
        },
        BackendMessage::ReadyForQuery(TransactionStatus::Idle),
    ] {
        m.encode(out).unwrap();
    }
}

/// The passwords (PasswordMessage bodies) among `sent`, and whether any SASL message
/// was sent.
fn secrets(sent: &[FrontendMessage]) -> Vec<String> {
    sent.iter()
        .filter_map(|m| match m {
            FrontendMessage::AuthResponse(body) => {
                Some(AuthResponse::password(body.clone()).unwrap_or_else(|_| format!("<non-password {body:?}>")))
            }
            _ => None,
        })
        .collect()
}

/// A configuration for `conninfo` that cannot pick up the user's own `~/.pgpass`.
fn isolated(conninfo: &str) -> Config {
    let mut config = Config::parse(conninfo).unwrap();
    if config.get_passfile().is_none() {
        config.set("passfile", "/nonexistent/tusk-test/pgpass").unwrap();
    }
    config
}

/// Connects to a fake server with `extra` parameters; returns `Ok(())` or the error,
/// and what the client sent.
async fn try_fake(fake: Fake, extra: &str) -> (Result<(), tusk::Error>, Vec<FrontendMessage>) {
    let config = isolated(&format!("{} user=alice dbname=d {extra}", fake.conninfo));
    try_fake_with(fake, &config).await
}

async fn try_fake_with(fake: Fake, config: &Config) -> (Result<(), tusk::Error>, Vec<FrontendMessage>) {
    let result = tokio::time::timeout(Duration::from_secs(20), Connection::connect_with(config))
        .await
        .expect("connect hung");
    let outcome = match result {
        Ok(conn) => {
            drop(conn.close().await);
            Ok(())
        }
        Err(e) => Err(e),
    };
    (outcome, fake.sent().await)
}

/// Connects to a real cluster and returns `current_user` and the method used.
async fn login(config: &Config) -> tusk::Result<(String, AuthMethod)> {
    let mut conn = Connection::connect_with(config).await?;
    let user: String = conn.query_one("SELECT current_user::text", &[]).await?.get(0)?;
    let method = conn.auth_method();
    conn.close().await?;
    Ok((user, method))
}

/// Plain TCP (`sslmode=disable`): what the cleartext rule is about.
fn tcp_conninfo(cluster: &Cluster, role: Role, with_password: bool) -> String {
    let info = cluster.role(role);
    let mut s = format!(
        "host={} port={} user={} dbname=postgres sslmode=disable",
        cluster.host(),
        cluster.port(),
        info.name
    );
    if with_password && let Some(pw) = info.password {
        s.push_str(&format!(" password={pw}"));
    }
    s
}

fn unix_conninfo(cluster: &Cluster, role: Role, with_password: bool) -> String {
    let info = cluster.role(role);
    let mut s = format!(
        "host={} port={} user={} dbname=postgres",
        q(cluster.socket_dir().display().to_string()),
        cluster.port(),
        info.name
    );
    if with_password && let Some(pw) = info.password {
        s.push_str(&format!(" password={pw}"));
    }
    s
}

// ---------------------------------------------------------------------------------------
// require_auth against real servers
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn require_auth_against_every_role_of_real_servers() {
    use AuthMethod as M;
    // (role, transport, require_auth, expected method or a piece of the error)
    let cases: &[(Role, Transport, &str, Result<AuthMethod, &str>)] = &[
        (Role::Trust, Transport::Tcp, "", Ok(M::None)),
        (Role::Trust, Transport::Tcp, "none", Ok(M::None)),
        (Role::Trust, Transport::Tcp, "password,none", Ok(M::None)),
        (Role::Trust, Transport::Tcp, "!password", Ok(M::None)),
        (
            Role::Trust,
            Transport::Tcp,
            "scram-sha-256",
            Err("server did not complete authentication"),
        ),
        (
            Role::Trust,
            Transport::Unix,
            "md5",
            Err("server did not complete authentication"),
        ),
        (
            Role::Trust,
            Transport::Tcp,
            "!none",
            Err("server did not complete authentication"),
        ),
        (Role::Password, Transport::Tcp, "", Err("require_auth=password")),
        (Role::Password, Transport::Tcp, "!md5", Err("require_auth=password")),
        (Role::Password, Transport::Tcp, "password", Ok(M::Password)),
        (
            Role::Password,
            Transport::Tcp,
            "password,scram-sha-256",
            Ok(M::Password),
        ),
        (Role::Password, Transport::Unix, "", Ok(M::Password)),
        (Role::Password, Transport::Unix, "!md5", Ok(M::Password)),
        (
            Role::Password,
            Transport::Unix,
            "scram-sha-256",
            Err("requested a cleartext password"),
        ),
        (
            Role::Password,
            Transport::Unix,
            "!password",
            Err("requested a cleartext password"),
        ),
        (
            Role::Password,
            Transport::Tcp,
            "none",
            Err("requested a cleartext password"),
        ),
        (Role::Md5, Transport::Tcp, "", Ok(M::Md5)),
        (Role::Md5, Transport::Tcp, "md5", Ok(M::Md5)),
        (Role::Md5, Transport::Tcp, "!password", Ok(M::Md5)),
        (
            Role::Md5,
            Transport::Tcp,
            "scram-sha-256",
            Err("requested an MD5-hashed password"),
        ),
        (
            Role::Md5,
            Transport::Unix,
            "!md5",
            Err("requested an MD5-hashed password"),
        ),
        (
            Role::Md5,
            Transport::Tcp,
            "password,none",
            Err("requested an MD5-hashed password"),
        ),
        (Role::Scram, Transport::Tcp, "", Ok(M::ScramSha256)),
        (Role::Scram, Transport::Tcp, "scram-sha-256", Ok(M::ScramSha256)),
        (Role::Scram, Transport::Tcp, "scram-sha-256,none", Ok(M::ScramSha256)),
        (Role::Scram, Transport::Tcp, "!md5,!password", Ok(M::ScramSha256)),
        (Role::Scram, Transport::Tcp, "!none", Ok(M::ScramSha256)),
        (Role::Scram, Transport::Tcp, "md5", Err("requested SASL authentication")),
        (
            Role::Scram,
            Transport::Unix,
            "!scram-sha-256",
            Err("requested SASL authentication"),
        ),
        (
            Role::Scram,
            Transport::Tcp,
            "password,md5,none",
            Err("requested SASL authentication"),
        ),
    ];
    for cluster in shared_clusters() {
        for (role, transport, require, expected) in cases {
            let base = match transport {
                Transport::Tcp => tcp_conninfo(cluster, *role, true),
                Transport::Unix => unix_conninfo(cluster, *role, true),
            };
            let conninfo = format!("{base} require_auth='{require}'");
            let what = format!(
                "PG{} {role:?} over {transport:?} with require_auth={require:?}",
                cluster.major()
            );
            match (login(&isolated(&conninfo)).await, expected) {
                (Ok((user, method)), Ok(want)) => {
                    assert_eq!(method, *want, "{what}");
                    assert_eq!(user, cluster.role(*role).name, "{what}");
                }
                (Err(e), Err(says)) => {
                    assert_eq!(e.kind(), ErrorKind::Auth, "{what}: {e}");
                    assert_eq!(e.code(), None, "{what}: refused by tusk, not by the server: {e}");
                    assert!(e.to_string().contains(says), "{what}: {e}");
                }
                (got, want) => panic!("{what}: got {:?}, expected {want:?}", got.map(|(_, m)| m)),
            }
        }
    }
}

#[tokio::test]
async fn require_auth_from_the_environment_is_enforced() {
    for cluster in shared_clusters() {
        let env = |v: &str| (v == "PGREQUIREAUTH").then(|| "scram-sha-256".to_string());
        let config = isolated(&tcp_conninfo(cluster, Role::Md5, true))
            .with_env_defaults_from(env)
            .unwrap();
        let e = login(&config).await.unwrap_err();
        assert!(
            e.to_string()
                .contains("authentication method requirement \"scram-sha-256\""),
            "{e}"
        );
        let config = isolated(&tcp_conninfo(cluster, Role::Scram, true))
            .with_env_defaults_from(env)
            .unwrap();
        assert_eq!(login(&config).await.unwrap().1, AuthMethod::ScramSha256);
    }
}

// ---------------------------------------------------------------------------------------
// require_auth against the recording fake server: nothing secret before a refusal
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn refused_methods_never_receive_a_secret() {
    let cases: &[(Ask, &str, &str)] = &[
        (Ask::Cleartext, "", "require_auth=password"),
        (Ask::Cleartext, "!md5", "require_auth=password"),
        (
            Ask::Cleartext,
            "scram-sha-256",
            "requested a cleartext password (password)",
        ),
        (Ask::Cleartext, "none", "allows only: none"),
        (Ask::Cleartext, "!password", "requested a cleartext password"),
        (Ask::Md5, "scram-sha-256", "requested an MD5-hashed password (md5)"),
        (
            Ask::Md5,
            "!md5",
            "allows only: password, gss, sspi, scram-sha-256, oauth, none",
        ),
        (Ask::Md5, "password", "requested an MD5-hashed password"),
        (
            Ask::Scram,
            "md5",
            "requested SASL authentication (offered: SCRAM-SHA-256) (scram-sha-256)",
        ),
        (Ask::Scram, "!scram-sha-256", "requested SASL authentication"),
        (Ask::Scram, "password,md5,none", "allows only: password, md5, none"),
        (Ask::Gss, "scram-sha-256", "requested GSSAPI authentication (gss)"),
        (Ask::Sspi, "md5", "requested SSPI authentication (sspi)"),
        (Ask::Trust, "scram-sha-256", "server did not complete authentication"),
        (Ask::Trust, "!none", "server did not complete authentication"),
    ];
    for (ask, require, says) in cases {
        let (result, sent) = try_fake(
            Fake::tcp(*ask).await,
            &format!("password=hunter2 require_auth='{require}'"),
        )
        .await;
        let what = format!("{ask:?} with require_auth={require:?}");
        let e = result.expect_err(&what);
        assert_eq!(e.kind(), ErrorKind::Auth, "{what}: {e}");
        assert!(e.to_string().contains(says), "{what}: {e}");
        assert!(
            !sent.iter().any(|m| matches!(m, FrontendMessage::AuthResponse(_))),
            "{what}: the client answered the request: {sent:?}"
        );
        assert!(!format!("{sent:?}").contains("hunter2"), "{what}");
    }
}

#[tokio::test]
async fn cleartext_over_tcp_is_sent_only_when_require_auth_names_password() {
    let (result, sent) = try_fake(Fake::tcp(Ask::Cleartext).await, "password=hunter2").await;
    let e = result.unwrap_err();
    assert!(e.to_string().contains("unencrypted TCP"), "{e}");
    assert!(e.to_string().contains("sslmode=require"), "{e}");
    assert!(secrets(&sent).is_empty(), "{sent:?}");

    let (result, sent) = try_fake(
        Fake::tcp(Ask::Cleartext).await,
        "password=hunter2 require_auth=password",
    )
    .await;
    result.unwrap();
    assert_eq!(secrets(&sent), ["hunter2"]);

    // Over a unix-domain socket the default sends it.
    let (result, sent) = try_fake(Fake::unix(Ask::Cleartext).await, "password=hunter2").await;
    result.unwrap();
    assert_eq!(secrets(&sent), ["hunter2"]);
}

#[tokio::test]
async fn md5_still_works_and_warns_once() {
    let logs = Logs::capture();
    let (result, sent) = try_fake(Fake::tcp(Ask::Md5).await, "password=hunter2 require_auth=!password").await;
    result.unwrap();
    assert_eq!(secrets(&sent), [md5_password("alice", b"hunter2", SALT)]);
    let warnings: Vec<String> = logs.take().into_iter().filter(|l| l.contains("MD5")).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("WARN tusk::auth"), "{warnings:?}");
    assert!(warnings[0].contains("deprecated"), "{warnings:?}");
}

#[tokio::test]
async fn the_method_used_is_recorded() {
    for (ask, extra, method) in [
        (Ask::Trust, "", AuthMethod::None),
        (Ask::Md5, "password=x", AuthMethod::Md5),
    ] {
        let fake = Fake::tcp(ask).await;
        let config = isolated(&format!("{} user=alice dbname=d {extra}", fake.conninfo));
        let conn = Connection::connect_with(&config).await.unwrap();
        assert_eq!(conn.auth_method(), method);
        drop(conn.close().await);
        fake.sent().await;
    }
    let fake = Fake::unix(Ask::Cleartext).await;
    let config = isolated(&format!("{} user=alice dbname=d password=x", fake.conninfo));
    let conn = Connection::connect_with(&config).await.unwrap();
    assert_eq!(conn.auth_method(), AuthMethod::Password);
    drop(conn.close().await);
    fake.sent().await;
}

// ---------------------------------------------------------------------------------------
// Password sources
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn pgpass_supplies_passwords_to_real_servers() {
    let dir = TempDir::new();
    for cluster in shared_clusters() {
        let port = cluster.port();
        let socket = esc(&cluster.socket_dir().display().to_string());
        let passfile = dir.pgpass(&[
            format!("127.0.0.1:{port}:postgres:tusk_md5:pw_md5"),
            format!("127.0.0.1:{port}:postgres:tusk_scram:pw_scram"),
            format!("{socket}:{port}:postgres:tusk_password:pw_password"),
        ]);
        let passfile = q(passfile.display().to_string());
        for (conninfo, method) in [
            (tcp_conninfo(cluster, Role::Md5, false), AuthMethod::Md5),
            (tcp_conninfo(cluster, Role::Scram, false), AuthMethod::ScramSha256),
            (unix_conninfo(cluster, Role::Password, false), AuthMethod::Password),
        ] {
            let config = Config::parse(&format!("{conninfo} passfile={passfile}")).unwrap();
            let (_, used) = login(&config)
                .await
                .unwrap_or_else(|e| panic!("PG{} {conninfo}: {e}", cluster.major()));
            assert_eq!(used, method);
        }
        // PGPASSFILE names the file when passfile is not set.
        let env = {
            let dir = dir.path().join("pgpass").display().to_string();
            move |v: &str| (v == "PGPASSFILE").then(|| dir.clone())
        };
        let config = Config::parse(&tcp_conninfo(cluster, Role::Scram, false))
            .unwrap()
            .with_env_defaults_from(env)
            .unwrap();
        assert_eq!(login(&config).await.unwrap().1, AuthMethod::ScramSha256);
    }
}

#[tokio::test]
async fn pgpass_wildcards_and_first_match_against_real_servers() {
    let dir = TempDir::new();
    for cluster in shared_clusters() {
        let port = cluster.port();
        let conninfo = tcp_conninfo(cluster, Role::Scram, false);
        let try_file = |lines: Vec<String>| {
            let passfile = dir.pgpass(&lines);
            Config::parse(&format!("{conninfo} passfile={}", q(passfile.display().to_string()))).unwrap()
        };
        // Wildcards in every position.
        for line in [
            "*:*:*:*:pw_scram".to_string(),
            format!("*:{port}:postgres:tusk_scram:pw_scram"),
            "127.0.0.1:*:postgres:tusk_scram:pw_scram".to_string(),
            format!("127.0.0.1:{port}:*:tusk_scram:pw_scram"),
            format!("127.0.0.1:{port}:postgres:*:pw_scram"),
        ] {
            let config = try_file(vec![line.clone()]);
            login(&config).await.unwrap_or_else(|e| panic!("{line}: {e}"));
        }
        // First match wins: a wrong password first fails even though a right one follows.
        let config = try_file(vec![
            "# comment: *:*:*:*:pw_scram".to_string(),
            format!("127.0.0.1:{port}:postgres:tusk_md5:not-this-one"),
            "*:*:*:tusk_scram:wrong".to_string(),
            "*:*:*:*:pw_scram".to_string(),
        ]);
        let e = login(&config).await.unwrap_err();
        assert_eq!(e.code(), Some("28P01"), "{e}");
        let config = try_file(vec!["*:*:*:tusk_scram:pw_scram".into(), "*:*:*:*:wrong".into()]);
        login(&config).await.unwrap();
        // No line matches: no password at all.
        let config = try_file(vec![format!(
            "127.0.0.1:{}:postgres:tusk_scram:pw_scram",
            port.wrapping_add(1)
        )]);
        let e = login(&config).await.unwrap_err();
        assert!(e.to_string().contains("no password was supplied"), "{e}");
    }
}

#[tokio::test]
async fn pgpass_escapes_reach_the_server_decoded() {
    let dir = TempDir::new();
    let fake = Fake::unix(Ask::Cleartext).await;
    let host = esc(&fake.socket_dir().display().to_string());
    let port = fake.port();
    let passfile = dir.pgpass(&[
        format!("{host}:{port}:d:we\\:ird:wrong-user"),
        format!(r"{host}:{port}:d:we\:ird\\user:a\:b\\c\d:ignored-after-colon"),
    ]);
    let config = Config::parse(&format!(
        r"{} dbname=d user='we:ird\\user' passfile={}",
        fake.conninfo,
        q(passfile.display().to_string())
    ))
    .unwrap();
    let (result, sent) = try_fake_with(fake, &config).await;
    result.unwrap();
    assert_eq!(secrets(&sent), [r"a:b\cd"]);
}

#[tokio::test]
async fn pgpass_localhost_does_not_match_a_socket_outside_the_default_directory() {
    let dir = TempDir::new();
    let fake = Fake::unix(Ask::Cleartext).await;
    let host = esc(&fake.socket_dir().display().to_string());
    let passfile = dir.pgpass(&[
        "localhost:*:*:*:for-localhost".into(),
        format!("{host}:*:*:*:for-the-dir"),
    ]);
    let config = Config::parse(&format!(
        "{} user=alice dbname=d passfile={}",
        fake.conninfo,
        q(passfile.display().to_string())
    ))
    .unwrap();
    let (result, sent) = try_fake_with(fake, &config).await;
    result.unwrap();
    assert_eq!(secrets(&sent), ["for-the-dir"]);
    // (`localhost` matching the default socket directory is a unit test in pgpass.rs:
    // a test cannot listen there.)

    // Over TCP to 127.0.0.1, `localhost` does not match either: the name is compared.
    let fake = Fake::tcp(Ask::Cleartext).await;
    let passfile = dir.pgpass(&[
        "localhost:*:*:*:for-localhost".into(),
        "127.0.0.1:*:*:*:for-the-ip".into(),
    ]);
    let config = Config::parse(&format!(
        "{} user=alice dbname=d require_auth=password passfile={}",
        fake.conninfo,
        q(passfile.display().to_string())
    ))
    .unwrap();
    let (result, sent) = try_fake_with(fake, &config).await;
    result.unwrap();
    assert_eq!(secrets(&sent), ["for-the-ip"]);
}

#[tokio::test]
async fn pgpass_readable_by_others_is_ignored_with_a_warning() {
    let logs = Logs::capture();
    let dir = TempDir::new();
    for mode in [0o644, 0o640, 0o604] {
        let passfile = dir.file("pgpass", "*:*:*:*:from-file\n", mode);
        let fake = Fake::unix(Ask::Cleartext).await;
        let config = Config::parse(&format!(
            "{} user=alice dbname=d passfile={}",
            fake.conninfo,
            q(passfile.display().to_string())
        ))
        .unwrap();
        let (result, sent) = try_fake_with(fake, &config).await;
        let e = result.unwrap_err();
        assert!(e.to_string().contains("no password was supplied"), "{mode:o}: {e}");
        assert!(secrets(&sent).is_empty());
        let warnings = logs.take();
        assert!(
            warnings.iter().any(|w| w.starts_with("WARN tusk::pgpass")
                && w.contains("has group or world access")
                && w.contains("0600")),
            "{mode:o}: {warnings:?}"
        );
    }
    // Made private, the same file is used.
    let passfile = dir.file("pgpass", "*:*:*:*:from-file\n", 0o600);
    let fake = Fake::unix(Ask::Cleartext).await;
    let config = Config::parse(&format!(
        "{} user=alice dbname=d passfile={}",
        fake.conninfo,
        q(passfile.display().to_string())
    ))
    .unwrap();
    let (result, sent) = try_fake_with(fake, &config).await;
    result.unwrap();
    assert_eq!(secrets(&sent), ["from-file"]);
    assert!(!logs.take().iter().any(|w| w.starts_with("WARN")));
}

#[tokio::test]
async fn pgpass_is_read_only_when_the_server_asks_for_a_password() {
    let logs = Logs::capture();
    let dir = TempDir::new();
    // An insecure file warns whenever it is read: a trust server must not make us read it.
    let passfile = dir.file("pgpass", "*:*:*:*:from-file\n", 0o644);
    let fake = Fake::tcp(Ask::Trust).await;
    let config = isolated(&format!(
        "{} user=alice dbname=d passfile={}",
        fake.conninfo,
        q(passfile.display().to_string())
    ));
    let (result, _) = try_fake_with(fake, &config).await;
    result.unwrap();
    assert!(logs.take().iter().all(|w| !w.contains("pgpass")));
    // Nor when the password is given.
    let fake = Fake::unix(Ask::Cleartext).await;
    let config = isolated(&format!(
        "{} user=alice dbname=d password=given passfile={}",
        fake.conninfo,
        q(passfile.display().to_string())
    ));
    let (result, sent) = try_fake_with(fake, &config).await;
    result.unwrap();
    assert_eq!(secrets(&sent), ["given"]);
    assert!(logs.take().iter().all(|w| !w.contains("pgpass")));
}

#[tokio::test]
async fn password_sources_in_libpq_order() {
    let dir = TempDir::new();
    let passfile = dir.pgpass(&["*:*:*:*:from-pgpass".into()]);
    let passfile_text = passfile.display().to_string();
    let env_with = |password: Option<&'static str>| {
        let passfile = passfile_text.clone();
        move |v: &str| match v {
            "PGPASSWORD" => password.map(str::to_string),
            "PGPASSFILE" => Some(passfile.clone()),
            _ => None,
        }
    };
    for (conninfo_password, env_password, expected) in [
        (Some("from-conninfo"), Some("from-env"), "from-conninfo"),
        (None, Some("from-env"), "from-env"),
        (None, None, "from-pgpass"),
        // An empty password counts as none given, as in libpq.
        (Some(""), None, "from-pgpass"),
    ] {
        let fake = Fake::unix(Ask::Cleartext).await;
        let mut conninfo = format!("{} user=alice dbname=d", fake.conninfo);
        if let Some(pw) = conninfo_password {
            conninfo.push_str(&format!(" password={}", q(pw)));
        }
        let config = Config::parse(&conninfo)
            .unwrap()
            .with_env_defaults_from(env_with(env_password))
            .unwrap();
        let (result, sent) = try_fake_with(fake, &config).await;
        result.unwrap();
        assert_eq!(secrets(&sent), [expected], "{conninfo_password:?} {env_password:?}");
    }
}

#[tokio::test]
async fn a_missing_password_names_the_places_looked_at() {
    let fake = Fake::unix(Ask::Md5).await;
    let config = Config::parse(&format!(
        "{} user=alice dbname=d passfile=/nonexistent/tusk/pgpass",
        fake.conninfo
    ))
    .unwrap();
    let (result, sent) = try_fake_with(fake, &config).await;
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(e.to_string().contains("no password was supplied"), "{e}");
    assert!(e.to_string().contains("PGPASSWORD"), "{e}");
    assert!(e.to_string().contains("/nonexistent/tusk/pgpass"), "{e}");
    assert!(secrets(&sent).is_empty());
}

// ---------------------------------------------------------------------------------------
// Service files
// ---------------------------------------------------------------------------------------

/// An environment made of `pairs` only.
fn env_of(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    move |v| pairs.iter().find(|(k, _)| *k == v).map(|(_, x)| x.clone())
}

#[tokio::test]
async fn a_service_file_connects_to_real_servers() {
    let dir = TempDir::new();
    for cluster in shared_clusters() {
        let passfile = dir.pgpass(&[format!("127.0.0.1:{}:postgres:tusk_md5:pw_md5", cluster.port())]);
        let services = format!(
            "# services for the tests\n\
             [scram]\nhost={host}\nport={port}\nuser=tusk_scram\npassword=pw_scram\ndbname=postgres\n\
             require_auth=scram-sha-256\n\n\
             [md5-via-pgpass]\nhost={host}\nport={port}\nuser=tusk_md5\ndbname=postgres\npassfile={passfile}\n\
             require_auth=scram-sha-256\n",
            host = cluster.host(),
            port = cluster.port(),
            passfile = passfile.display(),
        );
        let file = dir.file("services.conf", &services, 0o644);
        let env = env_of(vec![("PGSERVICEFILE", file.display().to_string())]);

        let config = Config::parse("service=scram")
            .unwrap()
            .with_env_defaults_from(&env)
            .unwrap();
        assert_eq!(
            login(&config).await.unwrap(),
            ("tusk_scram".into(), AuthMethod::ScramSha256)
        );

        // The connection string overrides the service: here its require_auth.
        let config = Config::parse("service=md5-via-pgpass require_auth=md5")
            .unwrap()
            .with_env_defaults_from(&env)
            .unwrap();
        assert_eq!(login(&config).await.unwrap(), ("tusk_md5".into(), AuthMethod::Md5));
        // The service's own require_auth refuses MD5.
        let config = Config::parse("service=md5-via-pgpass")
            .unwrap()
            .with_env_defaults_from(&env)
            .unwrap();
        let e = login(&config).await.unwrap_err();
        assert!(e.to_string().contains("requested an MD5-hashed password"), "{e}");

        // PGSERVICE names the service when the string does not.
        let env = env_of(vec![
            ("PGSERVICEFILE", file.display().to_string()),
            ("PGSERVICE", "scram".to_string()),
        ]);
        let config = Config::parse("").unwrap().with_env_defaults_from(&env).unwrap();
        assert_eq!(login(&config).await.unwrap().0, "tusk_scram");
        assert_eq!(config.get_service(), Some("scram"));
    }
}

#[test]
fn service_values_sit_between_the_string_and_the_environment() {
    let dir = TempDir::new();
    let file = dir.file(
        "services.conf",
        "[svc]\nhost=svc-host\nport=1111\nuser=svc-user\napplication_name=svc-app\n",
        0o644,
    );
    let env = env_of(vec![
        ("PGSERVICEFILE", file.display().to_string()),
        ("PGHOST", "env-host".into()),
        ("PGUSER", "env-user".into()),
        ("PGDATABASE", "env-db".into()),
        ("PGPORT", "2222".into()),
    ]);
    let config = Config::parse("service=svc port=3333")
        .unwrap()
        .with_env_defaults_from(&env)
        .unwrap();
    assert_eq!(config.get_ports(), &[3333], "the string wins");
    assert_eq!(
        config.get("host").as_deref(),
        Some("svc-host"),
        "the service beats PGHOST"
    );
    assert_eq!(config.get_user(), Some("svc-user"), "the service beats PGUSER");
    assert_eq!(config.get_dbname(), Some("env-db"), "the environment fills the rest");
    assert_eq!(config.get_application_name(), Some("svc-app"));

    // An explicitly empty value also wins over the service.
    let config = Config::parse("service=svc user=''")
        .unwrap()
        .with_env_defaults_from(&env)
        .unwrap();
    assert_eq!(config.get("user").as_deref(), Some(""));

    // with_service_file applies the service only.
    let config = Config::parse("service=svc")
        .unwrap()
        .with_service_file_from(&env)
        .unwrap();
    assert_eq!(config.get_user(), Some("svc-user"));
    assert_eq!(config.get_dbname(), None);
}

#[test]
fn service_files_are_searched_in_libpq_order() {
    let dir = TempDir::new();
    let home = dir.path().join("home");
    let sysconf = dir.path().join("etc");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&sysconf).unwrap();
    let write = |path: &Path, text: &str| std::fs::write(path, text).unwrap();
    write(
        &home.join(".pg_service.conf"),
        "[s]\nhost=home\n[home-only]\nhost=home\n",
    );
    write(
        &sysconf.join("pg_service.conf"),
        "[s]\nhost=sysconf\n[sys-only]\nhost=sysconf\n",
    );
    let param_file = dir.path().join("param.conf");
    write(&param_file, "[s]\nhost=param\n");
    let env_file = dir.path().join("env.conf");
    write(&env_file, "[s]\nhost=envfile\n");

    let host_of = |conninfo: &str, vars: Vec<(&'static str, String)>| -> Result<String, String> {
        Config::parse(conninfo)
            .unwrap()
            .with_service_file_from(env_of(vars))
            .map(|c| c.get("host").unwrap_or_default())
            .map_err(|e| e.to_string())
    };
    let base = || {
        vec![
            ("HOME", home.display().to_string()),
            ("PGSYSCONFDIR", sysconf.display().to_string()),
        ]
    };
    let with = |extra: (&'static str, String)| {
        let mut v = base();
        v.push(extra);
        v
    };
    let servicefile = format!("service=s servicefile={}", q(param_file.display().to_string()));

    // servicefile > PGSERVICEFILE > ~/.pg_service.conf
    assert_eq!(
        host_of(&servicefile, with(("PGSERVICEFILE", env_file.display().to_string()))),
        Ok("param".into())
    );
    assert_eq!(
        host_of("service=s", with(("PGSERVICEFILE", env_file.display().to_string()))),
        Ok("envfile".into())
    );
    assert_eq!(host_of("service=s", base()), Ok("home".into()));
    // A service missing from the user's file comes from the system-wide one…
    assert_eq!(host_of("service=sys-only", base()), Ok("sysconf".into()));
    assert_eq!(
        host_of(&servicefile.replace("service=s", "service=sys-only"), base()),
        Ok("sysconf".into())
    );
    // …and so does everything when the user's file does not exist.
    let no_home = vec![
        ("HOME", dir.path().join("nobody").display().to_string()),
        ("PGSYSCONFDIR", sysconf.display().to_string()),
    ];
    assert_eq!(host_of("service=s", no_home), Ok("sysconf".into()));
    // The system-wide file is not consulted for the user's services.
    assert_eq!(host_of("service=home-only", base()), Ok("home".into()));
    // Found nowhere: an error listing both files.
    let e = host_of("service=nowhere", base()).unwrap_err();
    assert!(e.starts_with("definition of service \"nowhere\" not found"), "{e}");
    assert!(e.contains(".pg_service.conf") && e.contains("pg_service.conf\""), "{e}");
    // PGSERVICE is named when the service came from it.
    let e = host_of("", with(("PGSERVICE", "nowhere".into()))).unwrap_err();
    assert!(e.ends_with("(from environment variable PGSERVICE)"), "{e}");
    // No service: nothing is read.
    assert_eq!(host_of("", base()), Ok(String::new()));
}

#[test]
fn service_file_errors() {
    let dir = TempDir::new();
    let file = dir.file(
        "services.conf",
        "[nested]\nservice=other\n[nestedfile]\nservicefile=/x\n[typo]\nhots=h\n[badvalue]\nhost=h\nsslmode=sometimes\n\
         [spaces]\nhost = h\n",
        0o644,
    );
    let env = env_of(vec![
        ("PGSERVICEFILE", file.display().to_string()),
        ("PGSYSCONFDIR", dir.path().display().to_string()),
    ]);
    let err = |name: &str| {
        Config::parse(&format!("service={name}"))
            .unwrap()
            .with_env_defaults_from(&env)
            .unwrap_err()
    };
    let e = err("nested");
    assert!(
        e.to_string()
            .starts_with("nested \"service\" specifications not supported in service file"),
        "{e}"
    );
    assert!(e.to_string().ends_with("line 2"), "{e}");
    let e = err("nestedfile");
    assert!(e.to_string().contains("nested \"servicefile\""), "{e}");
    let e = err("typo");
    assert!(
        e.to_string().contains("line 6: \"hots\" is not a connection parameter"),
        "{e}"
    );
    let e = err("badvalue");
    assert_eq!(e.key(), Some("sslmode"));
    assert!(e.to_string().contains("sometimes"), "{e}");
    assert!(e.to_string().contains("(from service \"badvalue\" in"), "{e}");
    assert!(e.to_string().ends_with("line 9)"), "{e}");
    let e = err("spaces");
    assert!(e.to_string().contains("without blanks before the ="), "{e}");
    // Connection::connect reports service errors as configuration errors.
    let e: tusk::Error = err("typo").into();
    assert_eq!(e.kind(), ErrorKind::Config);
}
