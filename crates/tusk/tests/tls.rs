//! TLS against real PostgreSQL 15 and 18 and against scripted fake servers.
//!
//! Real servers: the TLS clusters of `tusk_testkit::shared_tls_clusters()` (certificates
//! made at run time; PG15's signed with ECDSA P-256/SHA-256, PG18's with P-384/SHA-384)
//! and the plain `shared_clusters()`. Every `sslmode` against both, certificate checks,
//! client certificates, SCRAM-SHA-256-PLUS, direct TLS, versions, key logging.
//!
//! Fake servers (tokio + tusk-proto + rustls' server side): what a real server will not
//! do: bytes after the SSLRequest answer, odd answers, expired certificates, missing
//! ALPN, and hostile SCRAM messages.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tusk::{AuthMethod, Connection, ErrorKind, ServerVerification, TrustAnchors};
use tusk_proto::Limits;
use tusk_proto::auth::scram::{ScramError, ScramSecret, ScramServer, ServerChannelBinding};
use tusk_proto::backend::{Authentication, BackendMessage, TransactionStatus};
use tusk_proto::frontend::{AuthResponse, FrontendMessage, StartupPacket};
use tusk_testkit::{
    CERT_PASSWORD_ROLE, CERT_ROLE, CertAlgorithm, NOSSL_ONLY_ROLE, Role, SSL_ONLY_ROLE, TestCerts, TlsCluster,
    Transport, shared_clusters, shared_tls_clusters,
};

// ---- helpers ---------------------------------------------------------------------------

/// `host=… port=… user=… [password=…] dbname=postgres` plus `extra`.
fn conninfo(host: &str, port: u16, user: &str, password: Option<&str>, extra: &str) -> String {
    let mut s = format!("host={host} port={port} user={user} dbname=postgres");
    if let Some(pw) = password {
        s.push_str(&format!(" password={pw}"));
    }
    if !extra.is_empty() {
        s.push(' ');
        s.push_str(extra);
    }
    s
}

/// As the SCRAM role, which has `host` lines (TLS or not).
fn scram(port: u16, extra: &str) -> String {
    conninfo("127.0.0.1", port, "tusk_scram", Some("pw_scram"), extra)
}

fn ca(tls: &TlsCluster) -> String {
    format!("sslrootcert={}", tls.certs.ca_path().display())
}

fn client_cert(pair: &tusk_testkit::CertAndKey) -> String {
    format!(
        "sslcert={} sslkey={}",
        pair.cert_path().display(),
        pair.key_path().display()
    )
}

async fn connect(conninfo: &str) -> tusk::Result<Connection> {
    match tokio::time::timeout(Duration::from_secs(30), Connection::connect(conninfo)).await {
        Ok(r) => r,
        Err(_) => panic!("connecting with {conninfo:?} hung"),
    }
}

async fn connect_ok(conninfo: &str, what: &str) -> Connection {
    connect(conninfo)
        .await
        .unwrap_or_else(|e| panic!("{what}: {conninfo}: {e}"))
}

async fn connect_err(conninfo: &str, what: &str) -> tusk::Error {
    match connect(conninfo).await {
        Ok(_) => panic!("{what}: {conninfo}: connected, expected an error"),
        Err(e) => e,
    }
}

fn assert_contains(e: &tusk::Error, needle: &str) {
    let text = e.to_string();
    assert!(text.contains(needle), "{needle:?} not in: {text}");
}

/// Whether libpq's default root file exists here (then `require` verifies the chain).
fn default_root_file_exists() -> bool {
    std::env::var_os("HOME").is_some_and(|h| Path::new(&h).join(".postgresql/root.crt").exists())
}

async fn current_user(conn: &mut Connection) -> String {
    let row = conn.query_one("SELECT current_user::text", &[]).await.unwrap();
    row.get::<&str>(0).unwrap().to_owned()
}

// ---- sslmode against a TLS server and a plain one ---------------------------------------

#[tokio::test]
async fn every_sslmode_against_a_tls_server() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        for (mode, encrypted) in [
            ("disable", false),
            ("allow", false),
            ("prefer", true),
            ("require", true),
            ("verify-ca", true),
            ("verify-full", true),
        ] {
            let extra = format!("sslmode={mode} {}", ca(tls));
            let mut conn = connect_ok(&scram(tls.port(), &extra), &format!("PG{v} {mode}")).await;
            assert_eq!(conn.tls_info().is_some(), encrypted, "PG{v} sslmode={mode}");
            let ssl: String = conn
                .query_one("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
                .await
                .unwrap()
                .get::<&str>(0)
                .unwrap()
                .to_owned();
            assert_eq!(ssl, encrypted.to_string(), "PG{v} sslmode={mode}: the server agrees");
            if let Some(info) = conn.tls_info() {
                let anchors = TrustAnchors::File(tls.certs.ca_path().to_owned());
                let expected = match mode {
                    "verify-full" => ServerVerification::ChainAndHostName(anchors),
                    // A root file makes every weaker mode check the chain (libpq's rule).
                    _ => ServerVerification::Chain(anchors),
                };
                assert_eq!(info.verification(), &expected, "PG{v} {mode}");
                assert!(matches!(info.protocol_version(), "TLSv1.2" | "TLSv1.3"));
                assert!(info.cipher_suite().starts_with("TLS_"), "{}", info.cipher_suite());
                assert_eq!(info.negotiation(), "postgres");
            }
            conn.close().await.unwrap();
        }
    }
}

#[tokio::test]
async fn require_without_a_root_file_does_not_verify() {
    for tls in shared_tls_clusters() {
        let conn = connect_ok(&scram(tls.port(), "sslmode=require"), "require").await;
        let info = conn.tls_info().expect("TLS");
        if !default_root_file_exists() {
            assert_eq!(info.verification(), &ServerVerification::None);
            assert!(!info.verification().chain_verified());
        }
        assert_eq!(info.server_certificate_der(), tls.certs.server().cert_der());
    }
}

#[tokio::test]
async fn every_sslmode_against_a_plain_server() {
    for cluster in shared_clusters() {
        let v = cluster.major();
        for mode in ["disable", "allow", "prefer"] {
            let conn = connect_ok(&scram(cluster.port(), &format!("sslmode={mode}")), mode).await;
            assert!(conn.tls_info().is_none(), "PG{v} {mode}");
        }
        for mode in ["require", "verify-ca", "verify-full"] {
            let e = connect_err(&scram(cluster.port(), &format!("sslmode={mode}")), mode).await;
            assert_eq!(e.kind(), ErrorKind::Tls, "PG{v} {mode}: {e}");
            assert_contains(&e, "does not support SSL");
        }
    }
}

#[tokio::test]
async fn unix_sockets_never_use_tls() {
    for tls in shared_tls_clusters() {
        let info = format!(
            "{} sslmode=require",
            tls.conninfo(Role::Scram, Transport::Unix, "postgres")
        );
        let conn = connect_ok(&info, "unix socket").await;
        assert!(conn.tls_info().is_none());
        assert!(conn.is_unix_socket());
    }
}

#[tokio::test]
async fn a_tls_only_role_needs_tls_and_allow_retries_with_it() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let role = |mode: &str| conninfo("127.0.0.1", tls.port(), SSL_ONLY_ROLE, Some("pw_ssl_only"), mode);
        let e = connect_err(&role("sslmode=disable"), "disable").await;
        assert_eq!(e.kind(), ErrorKind::Auth, "PG{v}: {e}");
        assert_contains(&e, "no pg_hba.conf entry");
        // allow: plain first, refused, then TLS.
        let mut conn = connect_ok(&role("sslmode=allow"), "allow").await;
        assert!(conn.tls_info().is_some(), "PG{v}");
        assert_eq!(current_user(&mut conn).await, SSL_ONLY_ROLE);
        let conn = connect_ok(&role("sslmode=prefer"), "prefer").await;
        assert!(conn.tls_info().is_some());
    }
}

#[tokio::test]
async fn a_plain_only_role_makes_prefer_fall_back_to_plain_text() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let role = |mode: &str| conninfo("127.0.0.1", tls.port(), NOSSL_ONLY_ROLE, Some("pw_nossl_only"), mode);
        // prefer: TLS first, refused over TLS, then a new plain connection.
        let mut conn = connect_ok(&role("sslmode=prefer"), "prefer").await;
        assert!(conn.tls_info().is_none(), "PG{v}");
        assert_eq!(current_user(&mut conn).await, NOSSL_ONLY_ROLE);
        let conn = connect_ok(&role("sslmode=allow"), "allow").await;
        assert!(conn.tls_info().is_none());
        let e = connect_err(&role("sslmode=require"), "require").await;
        assert_eq!(e.kind(), ErrorKind::Auth, "PG{v}: {e}");
        assert_contains(&e, "no pg_hba.conf entry");
        assert_contains(&e, "SSL encryption");
    }
}

#[tokio::test]
async fn when_both_attempts_fail_both_reasons_are_given() {
    let tls = &shared_tls_clusters()[0];
    // A wrong password: refused over TLS, then refused in plain text.
    let e = connect_err(
        &conninfo("127.0.0.1", tls.port(), "tusk_scram", Some("wrong"), "sslmode=prefer"),
        "wrong password",
    )
    .await;
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert_contains(&e, "connecting with TLS failed");
    assert_contains(&e, "then connecting without TLS failed");
    assert_eq!(e.code(), Some("28P01"));
}

// ---- verifying the server ---------------------------------------------------------------

#[tokio::test]
async fn verify_full_checks_dns_names_and_ip_addresses() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        for host in ["localhost", "127.0.0.1"] {
            let info = conninfo(
                host,
                tls.port(),
                "tusk_scram",
                Some("pw_scram"),
                &format!("sslmode=verify-full {}", ca(tls)),
            );
            let conn = connect_ok(&info, host).await;
            assert!(matches!(
                conn.tls_info().unwrap().verification(),
                ServerVerification::ChainAndHostName(_)
            ));
        }
        // A name the certificate does not have (the socket still goes to 127.0.0.1).
        let wrong = |mode: &str, host: &str| {
            conninfo(
                host,
                tls.port(),
                "tusk_scram",
                Some("pw_scram"),
                &format!("hostaddr=127.0.0.1 sslmode={mode} {}", ca(tls)),
            )
        };
        let e = connect_err(&wrong("verify-full", "wrong.example"), "wrong name").await;
        assert_eq!(e.kind(), ErrorKind::Tls, "PG{v}: {e}");
        assert_contains(&e, "not valid for host name \"wrong.example\"");
        assert_contains(&e, "localhost");
        let e = connect_err(&wrong("verify-full", "127.0.0.2"), "wrong address").await;
        assert_contains(&e, "not valid for host name \"127.0.0.2\"");
        // verify-ca does not look at the name.
        let conn = connect_ok(&wrong("verify-ca", "wrong.example"), "verify-ca").await;
        assert!(matches!(
            conn.tls_info().unwrap().verification(),
            ServerVerification::Chain(_)
        ));
    }
}

#[tokio::test]
async fn an_untrusted_ca_is_refused_and_prefer_falls_back() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let untrusted = format!("sslrootcert={}", tls.certs.untrusted_ca_path().display());
        for mode in ["verify-full", "verify-ca", "require"] {
            let e = connect_err(&scram(tls.port(), &format!("sslmode={mode} {untrusted}")), mode).await;
            assert_eq!(e.kind(), ErrorKind::Tls, "PG{v} {mode}: {e}");
            assert_contains(&e, "not issued by a trusted certificate authority");
            assert_contains(&e, "untrusted-ca.crt");
        }
        // prefer: the failed handshake is followed by a plain connection, as with libpq.
        let conn = connect_ok(&scram(tls.port(), &format!("sslmode=prefer {untrusted}")), "prefer").await;
        assert!(conn.tls_info().is_none());
    }
}

#[tokio::test]
async fn verify_modes_need_a_root_file() {
    let tls = &shared_tls_clusters()[0];
    for mode in ["verify-ca", "verify-full"] {
        let e = connect_err(
            &scram(tls.port(), &format!("sslmode={mode} sslrootcert=/nonexistent/root.crt")),
            mode,
        )
        .await;
        assert_eq!(e.kind(), ErrorKind::Tls);
        assert_contains(&e, "root certificate file \"/nonexistent/root.crt\" does not exist");
    }
    // require without the file: no verification.
    let conn = connect_ok(
        &scram(tls.port(), "sslmode=require sslrootcert=/nonexistent/root.crt"),
        "require",
    )
    .await;
    assert_eq!(conn.tls_info().unwrap().verification(), &ServerVerification::None);
}

#[tokio::test]
async fn a_crl_revoking_the_server_certificate_fails_the_handshake() {
    for tls in shared_tls_clusters() {
        let revoked = format!("sslcrl={}", tls.certs.revoked_server_crl_path().display());
        let e = connect_err(
            &scram(tls.port(), &format!("sslmode=verify-full {} {revoked}", ca(tls))),
            "revoked",
        )
        .await;
        assert_eq!(e.kind(), ErrorKind::Tls);
        assert_contains(&e, "revoked");
        let empty = format!("sslcrl={}", tls.certs.empty_crl_path().display());
        connect_ok(
            &scram(tls.port(), &format!("sslmode=verify-full {} {empty}", ca(tls))),
            "empty CRL",
        )
        .await;
        let crldir = format!("sslcrldir={}", tls.certs.dir().join("no-crls-here").display());
        connect_ok(
            &scram(tls.port(), &format!("sslmode=verify-full {} {crldir}", ca(tls))),
            "no CRL dir",
        )
        .await;
    }
}

// ---- SCRAM channel binding --------------------------------------------------------------

#[tokio::test]
async fn scram_binds_to_the_tls_channel() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let hash = tls.certs.algorithm().signature_hash();
        let conn = connect_ok(&scram(tls.port(), "sslmode=require"), "default").await;
        assert_eq!(conn.auth_method(), AuthMethod::ScramSha256Plus, "PG{v}");
        assert_eq!(conn.tls_info().unwrap().channel_binding_hash(), Some(hash), "PG{v}");
        let conn = connect_ok(&scram(tls.port(), "sslmode=require channel_binding=require"), "require").await;
        assert_eq!(conn.auth_method(), AuthMethod::ScramSha256Plus);
        let conn = connect_ok(&scram(tls.port(), "sslmode=require channel_binding=disable"), "disable").await;
        assert_eq!(conn.auth_method(), AuthMethod::ScramSha256);
        // Without TLS: plain SCRAM.
        let conn = connect_ok(&scram(tls.port(), "sslmode=disable"), "plain").await;
        assert_eq!(conn.auth_method(), AuthMethod::ScramSha256);
    }
    // PG15's certificates are signed with SHA-256 and PG18's with SHA-384: both hashes ran.
    let algorithms: Vec<CertAlgorithm> = shared_tls_clusters().iter().map(|c| c.certs.algorithm()).collect();
    if algorithms.len() > 1 {
        assert!(algorithms.contains(&CertAlgorithm::EcdsaP256) && algorithms.contains(&CertAlgorithm::EcdsaP384));
    }
}

#[tokio::test]
async fn channel_binding_require_fails_without_tls_or_without_scram() {
    for cluster in shared_clusters() {
        let e = connect_err(&scram(cluster.port(), "channel_binding=require"), "plain server").await;
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert_contains(&e, "does not use TLS");
    }
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let e = connect_err(&scram(tls.port(), "sslmode=disable channel_binding=require"), "disable").await;
        assert_contains(&e, "does not use TLS");
        for (role, said) in [
            (Role::Md5, "asked for md5 authentication"),
            (Role::Password, "asked for password authentication"),
            (Role::Trust, "authenticated the client without channel binding"),
        ] {
            let info = format!(
                "{} sslmode=require channel_binding=require",
                tls.conninfo(role, Transport::Tcp, "postgres")
            );
            let e = connect_err(&info, "non-SCRAM role").await;
            assert_eq!(e.kind(), ErrorKind::Auth, "PG{v} {role:?}: {e}");
            assert_contains(&e, "channel_binding=require");
            assert_contains(&e, said);
        }
        // Certificate authentication is not channel binding either.
        let info = conninfo(
            "localhost",
            tls.port(),
            CERT_ROLE,
            None,
            &format!(
                "sslmode=verify-full channel_binding=require {} {}",
                ca(tls),
                client_cert(tls.certs.client())
            ),
        );
        let e = connect_err(&info, "cert role").await;
        assert_contains(&e, "without channel binding");
    }
}

#[tokio::test]
async fn cleartext_and_md5_passwords_work_over_tls() {
    for tls in shared_tls_clusters() {
        for (role, method) in [(Role::Password, AuthMethod::Password), (Role::Md5, AuthMethod::Md5)] {
            let info = format!("{} sslmode=require", tls.conninfo(role, Transport::Tcp, "postgres"));
            let conn = connect_ok(&info, "password over TLS").await;
            assert_eq!(conn.auth_method(), method);
            assert!(conn.tls_info().is_some());
        }
    }
}

// ---- client certificates ------------------------------------------------------------------

#[tokio::test]
async fn client_certificate_logins() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let cert = tls.certs.client();
        let info = conninfo(
            "localhost",
            tls.port(),
            CERT_ROLE,
            None,
            &format!("sslmode=verify-full {} {}", ca(tls), client_cert(cert)),
        );
        let mut conn = connect_ok(&info, "cert").await;
        assert_eq!(
            conn.auth_method(),
            AuthMethod::None,
            "PG{v}: pg_hba cert sends no password request"
        );
        assert_eq!(conn.tls_info().unwrap().client_certificate(), Some(cert.cert_path()));
        assert_eq!(current_user(&mut conn).await, CERT_ROLE);

        // Password and certificate (clientcert=verify-full).
        let info = conninfo(
            "127.0.0.1",
            tls.port(),
            CERT_PASSWORD_ROLE,
            Some("pw_cert_password"),
            &format!(
                "sslmode=verify-full {} {}",
                ca(tls),
                client_cert(tls.certs.cert_password_client())
            ),
        );
        let conn = connect_ok(&info, "password + clientcert").await;
        assert_eq!(conn.auth_method(), AuthMethod::ScramSha256Plus);
    }
}

#[tokio::test]
async fn a_missing_or_wrong_client_certificate_is_refused_clearly() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let cert_login = |extra: &str| {
            conninfo(
                "127.0.0.1",
                tls.port(),
                CERT_ROLE,
                None,
                &format!("sslmode=require {} {extra}", ca(tls)),
            )
        };
        // None sent (the file does not exist, as libpq: no certificate).
        let e = connect_err(
            &cert_login("sslcert=/nonexistent/c.crt sslkey=/nonexistent/c.key"),
            "no cert",
        )
        .await;
        assert_eq!(e.kind(), ErrorKind::Auth, "PG{v}: {e}");
        assert_contains(&e, "connection requires a valid client certificate");
        let e = connect_err(&cert_login("sslcertmode=disable"), "sslcertmode=disable").await;
        assert_contains(&e, "connection requires a valid client certificate");

        // A valid certificate for another user.
        let other = tls.certs.issue_client("tusk_scram").unwrap();
        let e = connect_err(&cert_login(&client_cert(&other)), "other user's cert").await;
        assert_eq!(e.kind(), ErrorKind::Auth, "PG{v}: {e}");
        assert_contains(&e, "certificate authentication failed for user \"tusk_cert\"");

        // A certificate from a CA the server does not trust: a TLS alert.
        let e = connect_err(
            &cert_login(&client_cert(tls.certs.untrusted_client())),
            "untrusted cert",
        )
        .await;
        assert_eq!(e.kind(), ErrorKind::Tls, "PG{v}: {e}");
        assert_contains(&e, "client certificate");

        // clientcert=verify-full wants the certificate to name the user.
        let info = conninfo(
            "127.0.0.1",
            tls.port(),
            CERT_PASSWORD_ROLE,
            Some("pw_cert_password"),
            &format!("sslmode=require {}", client_cert(tls.certs.client())),
        );
        let e = connect_err(&info, "clientcert=verify-full with another name").await;
        assert_eq!(e.kind(), ErrorKind::Auth, "PG{v}: {e}");
        // PostgreSQL reports it as a failure of the line's method (the log says why).
        assert_eq!(e.code(), Some("28P01"), "PG{v}: {e}");
    }
}

#[tokio::test]
async fn client_key_files_are_checked() {
    let tls = &shared_tls_clusters()[0];
    let certs = &tls.certs;
    let cert = certs.client();
    let login = |key: &Path| {
        conninfo(
            "127.0.0.1",
            tls.port(),
            CERT_ROLE,
            None,
            &format!(
                "sslmode=require sslcert={} sslkey={}",
                cert.cert_path().display(),
                key.display()
            ),
        )
    };
    // Readable by others: refused before connecting, as libpq does.
    let loose = certs.write_file("loose.key", cert.key_pem().as_bytes(), 0o644).unwrap();
    let e = connect_err(&login(&loose), "0644 key").await;
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_contains(&e, "has group or world access");
    // Encrypted PKCS#8: decrypted with sslpassword.
    let encrypted = certs
        .write_file(
            "encrypted.key",
            encrypt_pkcs8_pem(cert.key_pem(), "s3cret").as_bytes(),
            0o600,
        )
        .unwrap();
    let mut conn = connect_ok(&format!("{} sslpassword=s3cret", login(&encrypted)), "encrypted key").await;
    assert_eq!(current_user(&mut conn).await, CERT_ROLE);
    let e = connect_err(&format!("{} sslpassword=wrong", login(&encrypted)), "wrong sslpassword").await;
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_contains(&e, "could not be decrypted: wrong sslpassword");
    let e = connect_err(&login(&encrypted), "no sslpassword").await;
    assert_contains(&e, "is encrypted: set sslpassword");
    // OpenSSL's traditional encryption: refused, with the command that converts it.
    let traditional = certs
        .write_file(
            "traditional.key",
            b"-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIB\n-----END EC PRIVATE KEY-----\n",
            0o600,
        )
        .unwrap();
    let e = connect_err(&format!("{} sslpassword=x", login(&traditional)), "traditional").await;
    assert_contains(&e, "openssl pkcs8 -topk8");
    // Missing key for a present certificate.
    let e = connect_err(&login(Path::new("/nonexistent/c.key")), "no key").await;
    assert_contains(&e, "certificate present, but not private key file");
    // Another key than the certificate's.
    let e = connect_err(&login(tls.certs.untrusted_client().key_path()), "wrong key").await;
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_contains(&e, "cannot be used with the certificate");
    // SEC1 ("EC PRIVATE KEY") works like PKCS#8.
    let sec1 = certs
        .write_file("sec1.key", pkcs8_to_sec1_pem(cert.key_pem()).as_bytes(), 0o600)
        .unwrap();
    let mut conn = connect_ok(&login(&sec1), "SEC1 key").await;
    assert_eq!(current_user(&mut conn).await, CERT_ROLE);
}

/// Encrypts a PKCS#8 PEM key with `password` (PBES2: PBKDF2-SHA256, AES-256-CBC), as
/// `openssl pkcs8 -topk8 -v2 aes-256-cbc` does.
fn encrypt_pkcs8_pem(pkcs8_pem: &str, password: &str) -> String {
    use pkcs8::der::Decode as _;
    let (_, document) = pkcs8::SecretDocument::from_pem(pkcs8_pem).unwrap();
    let info = pkcs8::PrivateKeyInfo::from_der(document.as_bytes()).unwrap();
    let params =
        pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, b"0123456789abcdef", &[7u8; 16]).unwrap();
    let encrypted = info.encrypt_with_params(params, password).unwrap();
    encrypted
        .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .unwrap()
        .to_string()
}

/// Re-wraps a PKCS#8 EC key as SEC1: the ECPrivateKey inside PKCS#8's OCTET STRING.
fn pkcs8_to_sec1_pem(pkcs8_pem: &str) -> String {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let body: String = pkcs8_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = engine.decode(body).unwrap();
    // SEQUENCE { INTEGER 0, SEQUENCE { … }, OCTET STRING { ECPrivateKey } }
    fn tlv(input: &[u8]) -> (u8, &[u8], &[u8]) {
        let (tag, first) = (input[0], input[1]);
        let (len, start) = if first < 0x80 {
            (first as usize, 2)
        } else {
            let n = (first & 0x7f) as usize;
            (input[2..2 + n].iter().fold(0, |a, &b| (a << 8) | b as usize), 2 + n)
        };
        (tag, &input[start..start + len], &input[start + len..])
    }
    let (_, outer, _) = tlv(&der);
    let (_, _version, rest) = tlv(outer);
    let (_, _algorithm, rest) = tlv(rest);
    let (tag, ec_private_key, _) = tlv(rest);
    assert_eq!(tag, 0x04);
    let encoded = engine.encode(ec_private_key);
    let mut pem = String::from("-----BEGIN EC PRIVATE KEY-----\n");
    for chunk in encoded.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END EC PRIVATE KEY-----\n");
    pem
}

// ---- negotiation, versions, key log ------------------------------------------------------

#[tokio::test]
async fn direct_tls_works_on_18_and_fails_cleanly_on_15() {
    for tls in shared_tls_clusters() {
        let v = tls.major();
        let info = scram(
            tls.port(),
            &format!("sslnegotiation=direct sslmode=verify-full {}", ca(tls)),
        );
        if v >= 17 {
            let conn = connect_ok(&info, "direct").await;
            let t = conn.tls_info().unwrap();
            assert_eq!(t.negotiation(), "direct");
            assert_eq!(t.alpn(), Some("postgresql"));
            assert_eq!(conn.auth_method(), AuthMethod::ScramSha256Plus);
        } else {
            let e = connect_err(&info, "direct on an old server").await;
            assert_eq!(e.kind(), ErrorKind::Tls, "PG{v}: {e}");
            assert_contains(&e, "sslnegotiation=direct");
        }
    }
    let e = connect_err(&scram(5432, "sslnegotiation=direct sslmode=prefer"), "weak mode").await;
    assert_eq!(e.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn alpn_is_offered_with_postgres_negotiation_too() {
    for tls in shared_tls_clusters() {
        let conn = connect_ok(&scram(tls.port(), "sslmode=require"), "alpn").await;
        let expected = if tls.major() >= 17 { Some("postgresql") } else { None };
        assert_eq!(conn.tls_info().unwrap().alpn(), expected, "PG{}", tls.major());
    }
}

#[tokio::test]
async fn tls_protocol_version_bounds() {
    for tls in shared_tls_clusters() {
        let conn = connect_ok(&scram(tls.port(), "sslmode=require"), "default").await;
        assert_eq!(conn.tls_info().unwrap().protocol_version(), "TLSv1.3");
        let conn = connect_ok(
            &scram(tls.port(), "sslmode=require ssl_max_protocol_version=TLSv1.2"),
            "1.2",
        )
        .await;
        assert_eq!(conn.tls_info().unwrap().protocol_version(), "TLSv1.2");
        // SCRAM-PLUS works over TLS 1.2 as well.
        assert_eq!(conn.auth_method(), AuthMethod::ScramSha256Plus);
        let conn = connect_ok(
            &scram(tls.port(), "sslmode=require ssl_min_protocol_version=TLSv1"),
            "min 1.0",
        )
        .await;
        assert_eq!(conn.tls_info().unwrap().protocol_version(), "TLSv1.3");
        let e = connect_err(
            &scram(tls.port(), "sslmode=require ssl_max_protocol_version=TLSv1.1"),
            "max 1.1",
        )
        .await;
        assert_eq!(e.kind(), ErrorKind::Config);
        assert_contains(&e, "below TLSv1.2");
    }
}

#[tokio::test]
async fn sslkeylogfile_gets_nss_key_log_lines() {
    let tls = &shared_tls_clusters()[0];
    let path = tls.certs.dir().join("keys.log");
    let conn = connect_ok(
        &scram(tls.port(), &format!("sslmode=require sslkeylogfile={}", path.display())),
        "keylog",
    )
    .await;
    drop(conn);
    let log = std::fs::read_to_string(&path).unwrap();
    assert!(log.lines().any(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 ")), "{log}");
    for line in log.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert_eq!(fields[1].len(), 64, "client random: 32 bytes in hex");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn cancel_requests_go_over_tls() {
    for tls in shared_tls_clusters() {
        let mut conn = connect_ok(
            &scram(tls.port(), &format!("sslmode=verify-full {}", ca(tls))),
            "cancel",
        )
        .await;
        let token = conn.cancel_token();
        let canceller = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            token.cancel().await
        });
        let e = conn.execute("SELECT pg_sleep(20)", &[]).await.unwrap_err();
        assert_eq!(e.code(), Some("57014"), "{e}");
        canceller.await.unwrap().unwrap();
    }
}

// ---- fake servers ---------------------------------------------------------------------------

/// A listener on 127.0.0.1 and its port.
async fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// Reads one startup-phase packet.
async fn read_packet(sock: &mut (impl AsyncRead + Unpin), buf: &mut BytesMut) -> Option<StartupPacket> {
    loop {
        if let Some(p) = StartupPacket::decode(buf, &Limits::default()).unwrap() {
            return Some(p);
        }
        if sock.read_buf(buf).await.unwrap_or(0) == 0 {
            return None;
        }
    }
}

/// A server that answers SSLRequest with `reply` (and keeps the socket open a while).
async fn answering_ssl_request(reply: &'static [u8]) -> u16 {
    let (l, port) = listener().await;
    tokio::spawn(async move {
        let (mut sock, _) = l.accept().await.unwrap();
        let mut buf = BytesMut::new();
        assert!(matches!(
            read_packet(&mut sock, &mut buf).await,
            Some(StartupPacket::SslRequest)
        ));
        if !reply.is_empty() {
            sock.write_all(reply).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    port
}

#[tokio::test]
async fn bytes_after_the_s_answer_are_refused() {
    // 'S' and, in the same segment, what could be a forged plain-text reply.
    let port = answering_ssl_request(b"SR\0\0\0\x08\0\0\0\0").await;
    let e = connect_err(
        &format!("host=127.0.0.1 port={port} user=u sslmode=require"),
        "extra bytes",
    )
    .await;
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
    assert_contains(&e, "unencrypted data after the SSL response");
}

#[tokio::test]
async fn odd_answers_to_ssl_request_are_typed_errors() {
    let port = answering_ssl_request(b"E").await;
    let e = connect_err(&format!("host=127.0.0.1 port={port} user=u"), "E").await;
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_contains(&e, "error response during the SSL exchange");

    let port = answering_ssl_request(b"X").await;
    let e = connect_err(&format!("host=127.0.0.1 port={port} user=u sslmode=require"), "X").await;
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert_contains(&e, "0x58");

    let (l, port) = listener().await;
    tokio::spawn(async move {
        let (mut sock, _) = l.accept().await.unwrap();
        let mut buf = BytesMut::new();
        read_packet(&mut sock, &mut buf).await;
        // Close without answering.
    });
    let e = connect_err(&format!("host=127.0.0.1 port={port} user=u sslmode=require"), "closed").await;
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_contains(&e, "closed the connection in reply to SSLRequest");
}

/// What a fake TLS server saw of the client's hello.
#[derive(Debug, Default, Clone)]
struct Seen {
    sni: Option<String>,
    alpn: Option<Vec<u8>>,
}

/// A TLS server presenting `cert`/`key` (answering SSLRequest unless `direct`), selecting
/// ALPN `postgresql` if `alpn`, then a trusting PostgreSQL. Reports what it saw.
async fn fake_tls_server(
    cert_pem: &str,
    key_pem: &str,
    direct: bool,
    alpn: bool,
) -> (u16, tokio::task::JoinHandle<Option<Seen>>) {
    use rustls_pki_types::pem::PemObject;
    let chain = vec![rustls_pki_types::CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap()];
    let key = rustls_pki_types::PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    if alpn {
        config.alpn_protocols = vec![b"postgresql".to_vec()];
    }
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (l, port) = listener().await;
    let task = tokio::spawn(async move {
        let (mut sock, _) = l.accept().await.unwrap();
        if !direct {
            let mut buf = BytesMut::new();
            assert!(matches!(
                read_packet(&mut sock, &mut buf).await,
                Some(StartupPacket::SslRequest)
            ));
            sock.write_all(b"S").await.unwrap();
        }
        let mut tls = acceptor.accept(sock).await.ok()?;
        let (_, conn) = tls.get_ref();
        let seen = Seen {
            sni: conn.server_name().map(str::to_owned),
            alpn: conn.alpn_protocol().map(<[u8]>::to_vec),
        };
        let mut buf = BytesMut::new();
        if let Some(StartupPacket::Startup { .. }) = read_packet(&mut tls, &mut buf).await {
            trust_and_ready(&mut tls).await;
        }
        Some(seen)
    });
    (port, task)
}

async fn trust_and_ready(sock: &mut (impl AsyncWrite + Unpin)) {
    let mut out = BytesMut::new();
    for m in [
        BackendMessage::Authentication(Authentication::Ok),
        BackendMessage::BackendKeyData {
            process_id: 7,
            secret_key: vec![1u8; 4].into(),
        },
        BackendMessage::ReadyForQuery(TransactionStatus::Idle),
    ] {
        m.encode(&mut out).unwrap();
    }
    let _ = sock.write_all(&out).await;
    let _ = sock.flush().await;
}

/// Test certificates shared by the fake-server tests.
fn fake_certs() -> &'static TestCerts {
    static CERTS: std::sync::OnceLock<TestCerts> = std::sync::OnceLock::new();
    CERTS.get_or_init(|| TestCerts::generate(CertAlgorithm::EcdsaP256).unwrap())
}

#[tokio::test]
async fn an_expired_server_certificate_is_refused_with_its_date() {
    let certs = fake_certs();
    let expired = certs.expired();
    let (port, _) = fake_tls_server(expired.cert_pem(), expired.key_pem(), false, false).await;
    let e = connect_err(
        &format!(
            "host=localhost hostaddr=127.0.0.1 port={port} user=u sslmode=verify-full sslrootcert={}",
            certs.ca_path().display()
        ),
        "expired",
    )
    .await;
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert_contains(&e, "has expired");
    assert_contains(&e, "2001-01-01");
}

#[tokio::test]
async fn a_server_certificate_for_another_host_is_refused() {
    let certs = fake_certs();
    let wrong = certs.wrong_host();
    let (port, _) = fake_tls_server(wrong.cert_pem(), wrong.key_pem(), false, false).await;
    let e = connect_err(
        &format!(
            "host=localhost hostaddr=127.0.0.1 port={port} user=u sslmode=verify-full sslrootcert={}",
            certs.ca_path().display()
        ),
        "wrong host",
    )
    .await;
    assert_contains(&e, "not valid for host name \"localhost\"");
    assert_contains(&e, "wrong.example");
}

#[tokio::test]
async fn sni_is_sent_for_names_only_and_can_be_turned_off() {
    let certs = fake_certs();
    let server = certs.server();
    for (host, sslsni, expected) in [
        ("localhost", "", Some("localhost")),
        ("localhost", "sslsni=0", None),
        ("127.0.0.1", "", None),
    ] {
        let (port, seen) = fake_tls_server(server.cert_pem(), server.key_pem(), false, true).await;
        connect_ok(
            &format!("host={host} hostaddr=127.0.0.1 port={port} user=u sslmode=require {sslsni}"),
            "sni",
        )
        .await;
        let seen = seen.await.unwrap().expect("handshake");
        assert_eq!(seen.sni.as_deref(), expected, "host={host} {sslsni}");
        assert_eq!(seen.alpn.as_deref(), Some(&b"postgresql"[..]));
    }
}

#[tokio::test]
async fn direct_tls_needs_the_postgresql_alpn() {
    let certs = fake_certs();
    let server = certs.server();
    let (port, _) = fake_tls_server(server.cert_pem(), server.key_pem(), true, false).await;
    let e = connect_err(
        &format!("host=127.0.0.1 port={port} user=u sslmode=require sslnegotiation=direct"),
        "no ALPN",
    )
    .await;
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_contains(&e, "did not select the ALPN protocol \"postgresql\"");
    let (port, _) = fake_tls_server(server.cert_pem(), server.key_pem(), true, true).await;
    let conn = connect_ok(
        &format!("host=127.0.0.1 port={port} user=u sslmode=require sslnegotiation=direct"),
        "ALPN",
    )
    .await;
    assert_eq!(conn.tls_info().unwrap().negotiation(), "direct");
}

#[tokio::test]
async fn sslcertmode_require_needs_the_server_to_ask() {
    let certs = fake_certs();
    let server = certs.server();
    let (port, _) = fake_tls_server(server.cert_pem(), server.key_pem(), false, false).await;
    let e = connect_err(
        &format!(
            "host=127.0.0.1 port={port} user=u sslmode=require sslcertmode=require {}",
            client_cert(certs.client())
        ),
        "sslcertmode=require",
    )
    .await;
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_contains(&e, "did not request a client certificate");
}

// ---- hostile SCRAM (no TLS needed) ------------------------------------------------------------

/// How the fake SCRAM server misbehaves.
#[derive(Clone, Copy)]
enum Twist {
    /// server-first with a nonce that does not extend the client's.
    ForeignNonce,
    /// server-first asking for 4 294 967 295 iterations.
    AbsurdIterations,
    /// A correct exchange, but server-final with a wrong signature.
    WrongSignature,
}

async fn scram_server(twist: Twist) -> u16 {
    let (l, port) = listener().await;
    tokio::spawn(async move {
        let (mut sock, _) = l.accept().await.unwrap();
        let mut buf = BytesMut::new();
        let mut packet = read_packet(&mut sock, &mut buf).await;
        if matches!(packet, Some(StartupPacket::SslRequest)) {
            sock.write_all(b"N").await.unwrap();
            packet = read_packet(&mut sock, &mut buf).await;
        }
        assert!(matches!(packet, Some(StartupPacket::Startup { .. })));
        let mut out = BytesMut::new();
        BackendMessage::Authentication(Authentication::Sasl {
            mechanisms: vec!["SCRAM-SHA-256".into()],
        })
        .encode(&mut out)
        .unwrap();
        sock.write_all(&out).await.unwrap();
        let Some(body) = read_auth_response(&mut sock, &mut buf).await else {
            return;
        };
        let (_mechanism, data) = AuthResponse::sasl_initial(body).unwrap();
        let secret = ScramSecret::new(b"pw", b"salty salt", 4096).unwrap();
        let mut server = ScramServer::new(secret, "fakeservernonce", ServerChannelBinding::None);
        let first = server
            .handle_client_first("SCRAM-SHA-256", &data.unwrap_or_default())
            .unwrap();
        let first = match twist {
            Twist::ForeignNonce => b"r=somebodyelsesnonce,s=c2FsdA==,i=4096".to_vec(),
            Twist::AbsurdIterations => {
                let text = String::from_utf8(first).unwrap();
                let (head, _) = text.rsplit_once(",i=").unwrap();
                format!("{head},i=4294967295").into_bytes()
            }
            Twist::WrongSignature => first,
        };
        out.clear();
        BackendMessage::Authentication(Authentication::SaslContinue { data: first.into() })
            .encode(&mut out)
            .unwrap();
        sock.write_all(&out).await.unwrap();
        let Some(data) = read_auth_response(&mut sock, &mut buf).await else {
            return;
        };
        let final_message = server.handle_client_final(&data).unwrap();
        assert!(final_message.starts_with(b"v="));
        out.clear();
        BackendMessage::Authentication(Authentication::SaslFinal {
            data: b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_vec().into(),
        })
        .encode(&mut out)
        .unwrap();
        sock.write_all(&out).await.unwrap();
        trust_and_ready(&mut sock).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    port
}

/// Reads the body of the next `p` message.
async fn read_auth_response(sock: &mut (impl AsyncRead + Unpin), buf: &mut BytesMut) -> Option<bytes::Bytes> {
    loop {
        if let Some(m) = FrontendMessage::decode(buf, &Limits::default()).unwrap() {
            let FrontendMessage::AuthResponse(body) = m else {
                panic!("expected a `p` message, got {m:?}");
            };
            return Some(body);
        }
        if sock.read_buf(buf).await.unwrap_or(0) == 0 {
            return None;
        }
    }
}

async fn scram_error(twist: Twist) -> ScramError {
    let port = scram_server(twist).await;
    let e = connect_err(
        &format!("host=127.0.0.1 port={port} user=u password=pw"),
        "hostile SCRAM",
    )
    .await;
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    std::error::Error::source(&e)
        .and_then(|s| s.downcast_ref::<ScramError>())
        .unwrap_or_else(|| panic!("not a SCRAM error: {e:?}"))
        .clone()
}

#[tokio::test]
async fn a_server_nonce_not_extending_ours_is_refused() {
    assert_eq!(scram_error(Twist::ForeignNonce).await, ScramError::NonceMismatch);
}

#[tokio::test]
async fn an_absurd_iteration_count_is_refused_before_hashing() {
    assert_eq!(
        scram_error(Twist::AbsurdIterations).await,
        ScramError::IterationCount(u32::MAX)
    );
}

#[tokio::test]
async fn a_wrong_server_signature_is_refused() {
    assert_eq!(
        scram_error(Twist::WrongSignature).await,
        ScramError::InvalidServerSignature
    );
}
