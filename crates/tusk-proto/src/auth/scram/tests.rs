//! Tests for the SCRAM state machines: the RFC 7677 vector, secrets made by PostgreSQL 15,
//! client ↔ server exchanges, and every way a peer can get a message wrong.

use super::*;

// RFC 7677, section 3 (user "user", password "pencil").
const RFC_CLIENT_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";
const RFC_SERVER_NONCE: &str = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const RFC_CLIENT_FIRST: &str = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const RFC_SERVER_FIRST: &str = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const RFC_CLIENT_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                                p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const RFC_SERVER_FINAL: &str = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
// The stored secret for the RFC's password and salt (computed independently with
// Python's hashlib and hmac).
const RFC_SECRET: &str = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$\
                          WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:\
                          wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

const CERT_HASH: [u8; 32] = [0xab; 32];

fn rfc_salt() -> Vec<u8> {
    BASE64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap()
}

/// A cheap secret for exchanges whose key derivation is not what is tested.
fn secret(password: &[u8]) -> ScramSecret {
    ScramSecret::new(password, b"0123456789abcdef", 16).unwrap()
}

fn server(password: &[u8], channel_binding: ServerChannelBinding) -> ScramServer {
    ScramServer::new(secret(password), "SERVERNONCE", channel_binding)
}

fn client(password: &[u8], channel_binding: ChannelBinding) -> ScramClient {
    ScramClient::new(password, channel_binding, "CLIENTNONCE")
}

/// Runs a whole exchange; returns the first error and who raised it.
fn exchange(client: &mut ScramClient, server: &mut ScramServer) -> Result<(), ScramError> {
    let server_first = server.handle_client_first(client.mechanism(), &client.client_first())?;
    let client_final = client.handle_server_first(&server_first)?;
    let server_final = server.handle_client_final(&client_final)?;
    client.handle_server_final(&server_final)
}

/// A client that has already answered a server-first with nonce "CLIENTNONCEx".
fn client_after_first() -> ScramClient {
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=1").unwrap();
    c
}

// ---------------------------------------------------------------- RFC 7677 test vector

#[test]
fn rfc7677_client_side() {
    let mut client = ScramClient::new(b"pencil", ChannelBinding::Unsupported, RFC_CLIENT_NONCE).with_username("user");
    assert_eq!(client.mechanism(), SCRAM_SHA_256);
    assert_eq!(client.client_first(), RFC_CLIENT_FIRST.as_bytes());
    let client_final = client.handle_server_first(RFC_SERVER_FIRST.as_bytes()).unwrap();
    assert_eq!(String::from_utf8(client_final).unwrap(), RFC_CLIENT_FINAL);
    assert!(!client.is_done());
    client.handle_server_final(RFC_SERVER_FINAL.as_bytes()).unwrap();
    assert!(client.is_done());
}

#[test]
fn rfc7677_server_side() {
    let secret = ScramSecret::new(b"pencil", &rfc_salt(), 4096).unwrap();
    let mut server = ScramServer::new(secret, RFC_SERVER_NONCE, ServerChannelBinding::None);
    let server_first = server
        .handle_client_first(SCRAM_SHA_256, RFC_CLIENT_FIRST.as_bytes())
        .unwrap();
    assert_eq!(String::from_utf8(server_first).unwrap(), RFC_SERVER_FIRST);
    let server_final = server.handle_client_final(RFC_CLIENT_FINAL.as_bytes()).unwrap();
    assert_eq!(String::from_utf8(server_final).unwrap(), RFC_SERVER_FINAL);
    assert!(server.is_done());
}

#[test]
fn rfc7677_secret() {
    let secret = ScramSecret::new(b"pencil", &rfc_salt(), 4096).unwrap();
    assert_eq!(secret.to_string(), RFC_SECRET);
    assert_eq!(ScramSecret::parse(RFC_SECRET).unwrap(), secret);
    assert_eq!(RFC_SECRET.parse::<ScramSecret>().unwrap(), secret);
}

#[test]
fn rfc7677_client_rejects_tampered_server_signature() {
    let mut client = ScramClient::new(b"pencil", ChannelBinding::Unsupported, RFC_CLIENT_NONCE).with_username("user");
    client.handle_server_first(RFC_SERVER_FIRST.as_bytes()).unwrap();
    assert_eq!(
        client.handle_server_final(b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
        Err(ScramError::InvalidServerSignature)
    );
    assert!(!client.is_done());
}

// ---------------------------------------------------- secrets made by PostgreSQL 15

/// `CREATE ROLE … PASSWORD …` with `password_encryption = scram-sha-256` on PostgreSQL 15.
/// Each password exercises a SASLprep rule (or PostgreSQL's departure from the RFC).
const POSTGRES_SECRETS: &[(&str, &str)] = &[
    (
        "pencil",
        "SCRAM-SHA-256$4096:TgodZDkRXWZ4+e3EL2qfeQ==$bg8+ilrBxkPh+OPuOnlSgefsCuLaasWrOdstXJ+zzLs=:zESKnuxcVnnhRYsLebMFg8kjrbWtswc9SzNIjoC2+kA=",
    ),
    // Soft hyphen mapped to nothing, Roman numeral nine NFKC-folded: "IXIX".
    (
        "I\u{ad}X\u{2168}",
        "SCRAM-SHA-256$4096:gbr17293Mexltu7zS2Wz2g==$NTepQQRFPzX5o2QBBKY7C6Mf7f7+Qvcg+6VBhfAbSgo=:JTfzXmNWcRoX/+sqDY0PGP/MYLz1ea2cklY1pN5KLNM=",
    ),
    // No-break space to space, ligature decomposed: "a bfi".
    (
        "a\u{a0}b\u{fb01}",
        "SCRAM-SHA-256$4096:lcrGZLNLqHO7cc52UYTKRg==$/S0/tCrzDEUtB9RKultacss7+3n7PCgFaaqRe2+0Qbs=:87/k9+LUBZ1Cmf/GvWBaAEAjK3o/oLYoocruHP9dMlA=",
    ),
    // Fails the bidi rule: raw bytes.
    (
        "\u{5d0}1",
        "SCRAM-SHA-256$4096:JucCSKdbdrEAyDVS2CY9lg==$ZTt8IINACj1JU3PBlRWMrfPNhQqw5Zieq4hwLCDZbFw=:givQlCObv2a7rUz7nT1DUdP1pgoknkPHHTsbc7OS5Ak=",
    ),
    // Maps to nothing: raw bytes.
    (
        "\u{ad}",
        "SCRAM-SHA-256$4096:0amDbRLsNyMVT5j8Ln1BpA==$hNCLLWEX22f3OkBVdeN0PuOERTLLPfCWUvOV9f4n/0k=:l57g8PoIBpcy/9Y7QtJ4H9NaG8x1EPEgyBtGtfwDCD0=",
    ),
    // Composition and ideographic space: "\u{e9} x".
    (
        "e\u{301}\u{3000}x",
        "SCRAM-SHA-256$4096:82UmPD4WdD8R/ssJcZkAzw==$hdbGiphcYQcDF1xIVoa68jtd0lZgczq1mERHAWW2GhE=:+x95tsy0YTCom4pPPj2Tof7JMaxE5VHxmzfxWahpgcU=",
    ),
    // U+0340 is prohibited, though NFKC would turn it into an allowed character.
    // PostgreSQL checks before normalizing, so it uses the raw bytes (RFC 4013 would
    // accept the password as "\u{e0}").
    (
        "a\u{340}",
        "SCRAM-SHA-256$4096:C5rqGqqCguzkUK9DeqkphQ==$3Rr94hKUxAw9W0rrMblWPWiae8ubz7v0h8Iu+7DNrw8=:73aDszQxqHoceEMd9CZhADv/ftU2RjsHoOfxe+y+CD8=",
    ),
];

#[test]
fn secrets_match_postgres() {
    for (password, stored) in POSTGRES_SECRETS {
        let parsed = ScramSecret::parse(stored).unwrap();
        let ours = ScramSecret::new(password.as_bytes(), &parsed.salt, parsed.iterations).unwrap();
        assert_eq!(ours, parsed, "password {password:?}");
        assert_eq!(ours.to_string(), *stored, "password {password:?}");
    }
}

#[test]
fn client_logs_in_against_postgres_secrets() {
    for (password, stored) in POSTGRES_SECRETS {
        let secret = ScramSecret::parse(stored).unwrap();
        let mut server = ScramServer::new(secret, "srv", ServerChannelBinding::None);
        let mut client = ScramClient::new(password.as_bytes(), ChannelBinding::Unsupported, "cli");
        assert_eq!(exchange(&mut client, &mut server), Ok(()), "password {password:?}");
    }
}

// ------------------------------------------------------------------- stored secrets

#[test]
fn secret_round_trips_through_text() {
    let secret = ScramSecret::new("pässwörd".as_bytes(), &[0, 1, 2, 255], 10).unwrap();
    let text = secret.to_string();
    assert!(text.starts_with("SCRAM-SHA-256$10:AAEC/w==$"), "{text}");
    assert_eq!(ScramSecret::parse(&text).unwrap(), secret);
}

#[test]
fn secret_new_refuses_zero_iterations() {
    assert_eq!(ScramSecret::new(b"pw", b"salt", 0), Err(ScramError::IterationCount(0)));
}

#[test]
fn secret_parse_rejects_malformed_text() {
    let key = BASE64.encode([7u8; 32]);
    let short_key = BASE64.encode([7u8; 31]);
    let bad = [
        String::new(),
        "md5b350798a23d7544eb353a6f8dca231c2".to_owned(),
        format!("SCRAM-SHA-1$4096:c2FsdA==${key}:{key}"),
        format!("scram-sha-256$4096:c2FsdA==${key}:{key}"),
        "SCRAM-SHA-256$4096:c2FsdA==".to_owned(),
        format!("SCRAM-SHA-256$4096c2FsdA==${key}:{key}"),
        format!("SCRAM-SHA-256$4096:c2FsdA==${key}{key}"),
        format!("SCRAM-SHA-256$0:c2FsdA==${key}:{key}"),
        format!("SCRAM-SHA-256$-1:c2FsdA==${key}:{key}"),
        format!("SCRAM-SHA-256$:c2FsdA==${key}:{key}"),
        format!("SCRAM-SHA-256$4k:c2FsdA==${key}:{key}"),
        format!("SCRAM-SHA-256$4096:c2FsdA=${key}:{key}"),
        format!("SCRAM-SHA-256$4096:c2FsdA==${short_key}:{key}"),
        format!("SCRAM-SHA-256$4096:c2FsdA==${key}:{short_key}"),
        format!("SCRAM-SHA-256$4096:c2FsdA==${key}:{key}:extra"),
        format!("SCRAM-SHA-256$4096:c2FsdA==${key}:{key}$extra"),
        format!("SCRAM-SHA-256$4096:c2FsdA==${key}:!{key}"),
    ];
    for text in &bad {
        assert!(
            matches!(ScramSecret::parse(text), Err(ScramError::InvalidSecret(_))),
            "accepted {text:?}"
        );
    }
}

#[test]
fn secret_debug_hides_keys() {
    let secret = ScramSecret::parse(RFC_SECRET).unwrap();
    let debug = format!("{secret:?}");
    assert!(debug.contains("4096"), "{debug}");
    assert!(!debug.contains("WG5d8oPm"), "{debug}");
    assert!(!debug.contains("wfPLwcE6"), "{debug}");
}

#[test]
fn mock_secret_fails_like_a_wrong_password() {
    let mut server = ScramServer::new(
        ScramSecret::mock(b"per-user salt".to_vec(), 4096),
        "srv",
        ServerChannelBinding::None,
    );
    let mut client = ScramClient::new(b"", ChannelBinding::Unsupported, "cli");
    let server_first = server
        .handle_client_first(SCRAM_SHA_256, &client.client_first())
        .unwrap();
    assert_eq!(server_first, b"r=clisrv,s=cGVyLXVzZXIgc2FsdA==,i=4096");
    let client_final = client.handle_server_first(&server_first).unwrap();
    assert_eq!(server.handle_client_final(&client_final), Err(ScramError::InvalidProof));
}

// ------------------------------------------------------------------ round trips

#[test]
fn round_trip_with_right_password() {
    let mut c = client(b"correct horse", ChannelBinding::Unsupported);
    let mut s = server(b"correct horse", ServerChannelBinding::None);
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
    assert!(c.is_done() && s.is_done());
}

#[test]
fn round_trip_with_wrong_password() {
    let mut c = client(b"battery staple", ChannelBinding::Unsupported);
    let mut s = server(b"correct horse", ServerChannelBinding::None);
    assert_eq!(exchange(&mut c, &mut s), Err(ScramError::InvalidProof));
    assert!(!s.is_done());
    // A failed exchange stays failed.
    assert_eq!(
        s.handle_client_final(b"c=biws,r=CLIENTNONCESERVERNONCE,p=AAAA"),
        Err(ScramError::OutOfOrder)
    );
}

#[test]
fn round_trip_with_non_utf8_password() {
    let password = [0xff, 0xfe, b'x', 0x80];
    let mut c = client(&password, ChannelBinding::Unsupported);
    let mut s = server(&password, ServerChannelBinding::None);
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
}

#[test]
fn round_trip_applies_saslprep_on_both_sides() {
    // The secret is made from "IX"; the client types it with a soft hyphen.
    let mut c = client("I\u{ad}X".as_bytes(), ChannelBinding::Unsupported);
    let mut s = server(b"IX", ServerChannelBinding::None);
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
}

#[test]
fn round_trip_with_empty_password() {
    let mut c = client(b"", ChannelBinding::Unsupported);
    let mut s = server(b"", ServerChannelBinding::None);
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
}

#[test]
fn round_trip_with_username_and_random_nonces() {
    let mut c = ScramClient::new(b"pw", ChannelBinding::Unsupported, &generate_nonce(&[1; 18]))
        .with_username("bob,the=builder");
    let mut s = ScramServer::new(secret(b"pw"), &generate_nonce(&[2; 18]), ServerChannelBinding::None);
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
}

#[test]
fn round_trip_with_channel_binding() {
    let mut c = client(b"pw", ChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    assert_eq!(c.mechanism(), SCRAM_SHA_256_PLUS);
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
}

#[test]
fn channel_binding_mismatch_is_refused() {
    // A man in the middle terminates TLS: the client sees the attacker's certificate.
    let mut c = client(b"pw", ChannelBinding::TlsServerEndPoint(vec![0xcd; 32]));
    let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    assert!(matches!(exchange(&mut c, &mut s), Err(ScramError::ChannelBinding(_))));
    assert!(!s.is_done());
}

#[test]
fn client_without_tls_may_log_in_to_a_tls_capable_server() {
    // "n": the client cannot bind at all; that is no downgrade.
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
}

#[test]
fn y_flag_is_accepted_by_a_server_that_cannot_bind() {
    let mut c = client(b"pw", ChannelBinding::NotUsed);
    let mut s = server(b"pw", ServerChannelBinding::None);
    assert_eq!(exchange(&mut c, &mut s), Ok(()));
}

#[test]
fn downgrade_is_detected() {
    // The server offered -PLUS, but an attacker removed it: the client says "y".
    let mut c = client(b"pw", ChannelBinding::NotUsed);
    let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    assert!(matches!(exchange(&mut c, &mut s), Err(ScramError::ChannelBinding(_))));
}

// --------------------------------------------------------- client messages and setup

#[test]
fn client_first_and_cbind_input_per_channel_binding() {
    let cases = [
        (ChannelBinding::Unsupported, "n,,", "biws".to_owned()),
        (ChannelBinding::NotUsed, "y,,", "eSws".to_owned()),
        (
            ChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()),
            "p=tls-server-end-point,,",
            BASE64.encode([b"p=tls-server-end-point,,".as_slice(), &CERT_HASH].concat()),
        ),
    ];
    for (binding, header, cbind) in cases {
        let mut c = client(b"pw", binding);
        assert_eq!(c.client_first(), format!("{header}n=,r=CLIENTNONCE").as_bytes());
        let client_final = c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=1").unwrap();
        let expected = format!("c={cbind},r=CLIENTNONCEx,p=");
        assert!(
            client_final.starts_with(expected.as_bytes()),
            "{}",
            String::from_utf8_lossy(&client_final)
        );
    }
}

#[test]
fn invalid_own_nonce_is_encoded_and_empty_nonce_fails() {
    let c = ScramClient::new(b"pw", ChannelBinding::Unsupported, "a,b c");
    assert_eq!(c.client_first(), b"n,,n=,r=YSxiIGM=");

    let mut c = ScramClient::new(b"pw", ChannelBinding::Unsupported, "");
    assert_eq!(
        c.handle_server_first(b"r=abc,s=c2FsdA==,i=1"),
        Err(ScramError::InvalidNonce)
    );

    let mut s = ScramServer::new(secret(b"pw"), "", ServerChannelBinding::None);
    assert_eq!(
        s.handle_client_first(SCRAM_SHA_256, b"n,,n=,r=abc"),
        Err(ScramError::InvalidNonce)
    );
    let s = ScramServer::new(secret(b"pw"), "é", ServerChannelBinding::None);
    assert_eq!(s.nonce, "w6k=");
}

#[test]
fn generate_nonce_is_base64() {
    assert_eq!(generate_nonce(b""), "");
    assert_eq!(generate_nonce(b"\x00\x01\x02"), "AAEC");
    assert!(is_valid_nonce(&generate_nonce(&[0xff; 18])));
}

#[test]
fn negotiate_follows_libpq() {
    let both = [SCRAM_SHA_256_PLUS, SCRAM_SHA_256];
    let hash = || Some(CERT_HASH.to_vec());
    assert_eq!(
        ChannelBinding::negotiate(both, hash()),
        Ok(ChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()))
    );
    assert_eq!(ChannelBinding::negotiate(both, None), Ok(ChannelBinding::Unsupported));
    assert_eq!(
        ChannelBinding::negotiate([SCRAM_SHA_256], hash()),
        Ok(ChannelBinding::NotUsed)
    );
    assert_eq!(
        ChannelBinding::negotiate(vec![SCRAM_SHA_256_PLUS.to_owned()], hash()),
        Ok(ChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()))
    );
    assert_eq!(
        ChannelBinding::negotiate([SCRAM_SHA_256_PLUS], None),
        Err(ScramError::UnsupportedMechanism("SCRAM-SHA-256-PLUS".to_owned()))
    );
    assert_eq!(
        ChannelBinding::negotiate(["OAUTHBEARER", "X"], hash()),
        Err(ScramError::UnsupportedMechanism("OAUTHBEARER, X".to_owned()))
    );
    assert!(ChannelBinding::negotiate(Vec::<String>::new(), None).is_err());
}

#[test]
fn client_debug_hides_password() {
    let c = client(b"hunter2", ChannelBinding::Unsupported);
    let debug = format!("{c:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("AwaitingServerFirst"), "{debug}");
    let s = server(b"hunter2", ServerChannelBinding::None);
    assert!(format!("{s:?}").contains("AwaitingClientFirst"));
}

// -------------------------------------------------- hostile or broken server-first

fn server_first_error(message: &[u8]) -> ScramError {
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    let err = c.handle_server_first(message).unwrap_err();
    // A failed client refuses everything afterwards.
    assert_eq!(c.handle_server_final(b"v=AAAA"), Err(ScramError::OutOfOrder));
    err
}

#[test]
fn server_first_missing_or_misordered_fields() {
    for message in [
        "",
        "r=CLIENTNONCEx",
        "r=CLIENTNONCEx,s=c2FsdA==",
        "s=c2FsdA==,r=CLIENTNONCEx,i=1",
        "r=CLIENTNONCEx,i=1,s=c2FsdA==",
        "x=1,r=CLIENTNONCEx,s=c2FsdA==,i=1",
        "r=CLIENTNONCEx,s=c2FsdA==,i=1,",
        "r=CLIENTNONCEx,s=c2FsdA==,,i=1",
        "rCLIENTNONCEx,s=c2FsdA==,i=1",
        "=,r=CLIENTNONCEx,s=c2FsdA==,i=1",
        "1=x,r=CLIENTNONCEx,s=c2FsdA==,i=1",
    ] {
        assert!(
            matches!(server_first_error(message.as_bytes()), ScramError::Malformed(_)),
            "accepted {message:?}"
        );
    }
}

#[test]
fn server_first_extensions() {
    // An optional extension after i= is ignored (RFC 5802).
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    assert!(
        c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=1,x=whatever")
            .is_ok()
    );
    // A mandatory one must make the client fail.
    assert_eq!(
        server_first_error(b"m=must,r=CLIENTNONCEx,s=c2FsdA==,i=1"),
        ScramError::Unsupported("mandatory extension in server-first")
    );
}

#[test]
fn server_first_bad_nonce() {
    assert_eq!(
        server_first_error(b"r=OTHERNONCEx,s=c2FsdA==,i=1"),
        ScramError::NonceMismatch
    );
    assert_eq!(
        server_first_error(b"r=CLIENTNONCE,s=c2FsdA==,i=1"),
        ScramError::NonceMismatch
    );
    assert_eq!(
        server_first_error(b"r=CLIENTNONC,s=c2FsdA==,i=1"),
        ScramError::NonceMismatch
    );
    assert_eq!(server_first_error(b"r=,s=c2FsdA==,i=1"), ScramError::InvalidNonce);
    assert_eq!(
        server_first_error(b"r=CLIENTNONCE x,s=c2FsdA==,i=1"),
        ScramError::InvalidNonce
    );
    assert_eq!(
        server_first_error("r=CLIENTNONCEé,s=c2FsdA==,i=1".as_bytes()),
        ScramError::InvalidNonce
    );
}

#[test]
fn server_first_bad_salt() {
    for salt in ["c2FsdA=", "c2Fsd", "!!!!", "c2FsdA==="] {
        let message = format!("r=CLIENTNONCEx,s={salt},i=1");
        assert_eq!(
            server_first_error(message.as_bytes()),
            ScramError::Malformed("salt is not valid base64"),
            "{salt}"
        );
    }
    // An empty salt is valid base64 (and PostgreSQL accepts it too).
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    assert!(c.handle_server_first(b"r=CLIENTNONCEx,s=,i=1").is_ok());
}

#[test]
fn server_first_bad_iteration_counts() {
    let cases: [(&str, ScramError); 7] = [
        ("0", ScramError::IterationCount(0)),
        ("10000001", ScramError::IterationCount(10_000_001)),
        ("4294967295", ScramError::IterationCount(u32::MAX)),
        // Beyond u32: refused at once, not parsed into something small.
        ("99999999999999999999999999", ScramError::IterationCount(u32::MAX)),
        ("", ScramError::Malformed("iteration count is not a number")),
        ("-1", ScramError::Malformed("iteration count is not a number")),
        ("4k", ScramError::Malformed("iteration count is not a number")),
    ];
    for (count, expected) in cases {
        let message = format!("r=CLIENTNONCEx,s=c2FsdA==,i={count}");
        assert_eq!(server_first_error(message.as_bytes()), expected, "{count}");
    }
}

#[test]
fn max_iterations_is_configurable() {
    let mut c = client(b"pw", ChannelBinding::Unsupported).with_max_iterations(100);
    assert_eq!(
        c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=101"),
        Err(ScramError::IterationCount(101))
    );
    let mut c = client(b"pw", ChannelBinding::Unsupported).with_max_iterations(100);
    assert!(c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=100").is_ok());
}

#[test]
fn server_first_not_utf8() {
    assert_eq!(
        server_first_error(b"r=CLIENTNONCE\xff,s=c2FsdA==,i=1"),
        ScramError::Malformed("server-first-message is not UTF-8")
    );
}

// -------------------------------------------------- hostile or broken server-final

#[test]
fn server_final_error_attribute() {
    let mut c = client_after_first();
    assert_eq!(
        c.handle_server_final(b"e=invalid-proof"),
        Err(ScramError::ServerError("invalid-proof".to_owned()))
    );
    assert_eq!(c.handle_server_final(b"v=AAAA"), Err(ScramError::OutOfOrder));
}

#[test]
fn server_final_malformed() {
    for message in [
        &b""[..],
        b"v",
        b"x=abc",
        b"V=AAAA",
        b"v=not base64!",
        b"v=\xff",
        b",v=AAAA",
    ] {
        let mut c = client_after_first();
        assert!(
            matches!(c.handle_server_final(message), Err(ScramError::Malformed(_))),
            "accepted {:?}",
            String::from_utf8_lossy(message)
        );
        assert!(!c.is_done());
    }
}

#[test]
fn server_final_wrong_signature() {
    for signature in [String::new(), BASE64.encode([0u8; 32]), BASE64.encode([0u8; 64])] {
        let mut c = client_after_first();
        assert_eq!(
            c.handle_server_final(format!("v={signature}").as_bytes()),
            Err(ScramError::InvalidServerSignature)
        );
    }
}

// ------------------------------------------------ hostile or broken client-first

fn client_first_error(mechanism: &str, message: &[u8]) -> ScramError {
    let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    let err = s.handle_client_first(mechanism, message).unwrap_err();
    assert_eq!(
        s.handle_client_first(SCRAM_SHA_256, b"n,,n=,r=abc"),
        Err(ScramError::OutOfOrder)
    );
    err
}

#[test]
fn client_first_unknown_mechanism() {
    assert_eq!(
        client_first_error("SCRAM-SHA-1", b"n,,n=,r=abc"),
        ScramError::UnsupportedMechanism("SCRAM-SHA-1".to_owned())
    );
    // -PLUS is not offered without TLS.
    let mut s = server(b"pw", ServerChannelBinding::None);
    assert_eq!(
        s.handle_client_first(SCRAM_SHA_256_PLUS, b"p=tls-server-end-point,,n=,r=abc"),
        Err(ScramError::UnsupportedMechanism(SCRAM_SHA_256_PLUS.to_owned()))
    );
}

#[test]
fn client_first_flag_must_fit_mechanism() {
    for (mechanism, message) in [
        (SCRAM_SHA_256_PLUS, &b"n,,n=,r=abc"[..]),
        (SCRAM_SHA_256_PLUS, b"y,,n=,r=abc"),
        (SCRAM_SHA_256, b"p=tls-server-end-point,,n=,r=abc"),
        (SCRAM_SHA_256_PLUS, b"p=tls-unique,,n=,r=abc"),
        (SCRAM_SHA_256_PLUS, b"p=,,n=,r=abc"),
    ] {
        assert!(
            matches!(client_first_error(mechanism, message), ScramError::ChannelBinding(_)),
            "accepted {mechanism} {:?}",
            String::from_utf8_lossy(message)
        );
    }
}

#[test]
fn client_first_malformed() {
    for message in [
        &b""[..],
        b"n",
        b"n,",
        b"x,,n=,r=abc",
        b"N,,n=,r=abc",
        b",,n=,r=abc",
        b"n,,",
        b"n,,r=abc",
        b"n,,n=",
        b"n,,r=abc,n=",
        b"n,,n=,x=abc",
        b"n,,n=,r=abc,",
        b"n,x,n=,r=abc",
        b"n,,n=\xff,r=abc",
    ] {
        assert!(
            matches!(client_first_error(SCRAM_SHA_256, message), ScramError::Malformed(_)),
            "accepted {:?}",
            String::from_utf8_lossy(message)
        );
    }
}

#[test]
fn client_first_unsupported_features() {
    assert_eq!(
        client_first_error(SCRAM_SHA_256, b"n,a=admin,n=,r=abc"),
        ScramError::Unsupported("authorization identity")
    );
    assert_eq!(
        client_first_error(SCRAM_SHA_256, b"n,,m=ext,n=,r=abc"),
        ScramError::Unsupported("mandatory extension in client-first")
    );
}

#[test]
fn client_first_bad_nonce() {
    for message in [&b"n,,n=,r="[..], b"n,,n=,r=a b", "n,,n=,r=é".as_bytes()] {
        assert_eq!(
            client_first_error(SCRAM_SHA_256, message),
            ScramError::InvalidNonce,
            "{:?}",
            String::from_utf8_lossy(message)
        );
    }
}

#[test]
fn client_first_user_name_and_extensions_are_ignored() {
    let mut s = server(b"pw", ServerChannelBinding::None);
    let server_first = s
        .handle_client_first(SCRAM_SHA_256, b"n,,n=someone=2Celse,r=abc,x=ext")
        .unwrap();
    assert!(server_first.starts_with(b"r=abcSERVERNONCE,s="));
}

// ------------------------------------------------ hostile or broken client-final

/// A server that has answered client-first "n,,n=,r=CLIENTNONCE", and the client-final
/// that the right client would send it.
fn server_after_first() -> (ScramServer, String) {
    let mut s = server(b"pw", ServerChannelBinding::None);
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    let server_first = s.handle_client_first(SCRAM_SHA_256, &c.client_first()).unwrap();
    let client_final = c.handle_server_first(&server_first).unwrap();
    (s, String::from_utf8(client_final).unwrap())
}

fn client_final_error(message: &[u8]) -> ScramError {
    let (mut s, _) = server_after_first();
    let err = s.handle_client_final(message).unwrap_err();
    assert!(!s.is_done());
    assert_eq!(s.handle_client_final(message), Err(ScramError::OutOfOrder));
    err
}

#[test]
fn client_final_malformed() {
    let (_, good) = server_after_first();
    let proof = good.rsplit_once(",p=").unwrap().1.to_owned();
    let nonce = "CLIENTNONCESERVERNONCE";
    for message in [
        String::new(),
        format!("c=biws,r={nonce}"),
        format!("c=biws,r={nonce},p="),
        format!("r={nonce},c=biws,p={proof}"),
        format!("c=biws,p={proof}"),
        format!("c=biws,r={nonce},p={proof},x=after"),
        format!("c=biws,r={nonce},p={proof},"),
        format!("c=biws,r={nonce},p={}", &proof[1..]),
        format!("c=biws,r={nonce},p={}", BASE64.encode([0u8; 31])),
        format!("c=biws,r={nonce},p={}", BASE64.encode([0u8; 33])),
        format!("c=bi!s,r={nonce},p={proof}"),
        format!("c=biws,r={nonce},P={proof}"),
    ] {
        assert!(
            matches!(client_final_error(message.as_bytes()), ScramError::Malformed(_)),
            "accepted {message:?}"
        );
    }
    assert_eq!(
        client_final_error(b"c=biws,r=x,p=\xff"),
        ScramError::Malformed("client-final-message is not UTF-8")
    );
}

#[test]
fn client_final_nonce_and_binding_must_match() {
    let (_, good) = server_after_first();
    let proof = good.rsplit_once(",p=").unwrap().1.to_owned();
    assert_eq!(
        client_final_error(format!("c=biws,r=CLIENTNONCESERVERNONC,p={proof}").as_bytes()),
        ScramError::NonceMismatch
    );
    assert_eq!(
        client_final_error(format!("c=biws,r=CLIENTNONCE,p={proof}").as_bytes()),
        ScramError::NonceMismatch
    );
    // The header said "n", the channel binding input says "y".
    assert!(matches!(
        client_final_error(format!("c=eSws,r=CLIENTNONCESERVERNONCE,p={proof}").as_bytes()),
        ScramError::ChannelBinding(_)
    ));
}

#[test]
fn client_final_extensions_before_proof_are_signed() {
    // The proof covers everything before ",p=": an extension added in transit breaks it.
    let (_, good) = server_after_first();
    let (without_proof, proof) = good.rsplit_once(",p=").unwrap();
    let tampered = format!("{without_proof},x=ext,p={proof}");
    assert_eq!(client_final_error(tampered.as_bytes()), ScramError::InvalidProof);
}

#[test]
fn client_final_flipped_proof_bit() {
    let (_, good) = server_after_first();
    let (without_proof, proof) = good.rsplit_once(",p=").unwrap();
    let mut proof = BASE64.decode(proof).unwrap();
    proof[31] ^= 1;
    let tampered = format!("{without_proof},p={}", BASE64.encode(proof));
    assert_eq!(client_final_error(tampered.as_bytes()), ScramError::InvalidProof);
}

#[test]
fn good_client_final_passes() {
    let (mut s, good) = server_after_first();
    assert!(s.handle_client_final(good.as_bytes()).is_ok());
    assert!(s.is_done());
}

// -------------------------------------------------------------- out of order calls

#[test]
fn client_out_of_order() {
    // Server-final before server-first.
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    assert_eq!(c.handle_server_final(b"v=AAAA"), Err(ScramError::OutOfOrder));

    // Server-first twice.
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=1").unwrap();
    assert_eq!(
        c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=1"),
        Err(ScramError::OutOfOrder)
    );

    // Anything after a completed exchange.
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    let mut s = server(b"pw", ServerChannelBinding::None);
    exchange(&mut c, &mut s).unwrap();
    assert_eq!(c.handle_server_final(b"v=AAAA"), Err(ScramError::OutOfOrder));
    assert_eq!(
        c.handle_server_first(b"r=CLIENTNONCEx,s=c2FsdA==,i=1"),
        Err(ScramError::OutOfOrder)
    );
    assert!(c.is_done());
}

#[test]
fn server_out_of_order() {
    // Client-final first.
    let mut s = server(b"pw", ServerChannelBinding::None);
    assert_eq!(s.handle_client_final(b"c=biws,r=x,p=AAAA"), Err(ScramError::OutOfOrder));

    // Client-first twice.
    let mut s = server(b"pw", ServerChannelBinding::None);
    s.handle_client_first(SCRAM_SHA_256, b"n,,n=,r=abc").unwrap();
    assert_eq!(
        s.handle_client_first(SCRAM_SHA_256, b"n,,n=,r=abc"),
        Err(ScramError::OutOfOrder)
    );

    // Anything after a completed exchange; the exchange stays completed.
    let mut c = client(b"pw", ChannelBinding::Unsupported);
    let mut s = server(b"pw", ServerChannelBinding::None);
    exchange(&mut c, &mut s).unwrap();
    assert_eq!(s.handle_client_final(b"c=biws,r=x,p=AAAA"), Err(ScramError::OutOfOrder));
    assert_eq!(
        s.handle_client_first(SCRAM_SHA_256, b"n,,n=,r=abc"),
        Err(ScramError::OutOfOrder)
    );
    assert!(s.is_done());
}

#[test]
fn server_with_zero_iteration_secret_refuses() {
    let mut s = ScramServer::new(ScramSecret::mock(vec![1], 0), "srv", ServerChannelBinding::None);
    assert_eq!(
        s.handle_client_first(SCRAM_SHA_256, b"n,,n=,r=abc"),
        Err(ScramError::IterationCount(0))
    );
}

// ------------------------------------------------ no input makes anything panic

#[test]
fn truncated_and_corrupted_messages_never_panic() {
    let mut c = client(b"pw", ChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
    let client_first = c.client_first();
    let server_first = s.handle_client_first(SCRAM_SHA_256_PLUS, &client_first).unwrap();
    let client_final = c.handle_server_first(&server_first).unwrap();
    let server_final = s.handle_client_final(&client_final).unwrap();

    // Every prefix, and every message with one byte replaced by a troublesome one.
    let variants = |message: &[u8]| {
        let mut out: Vec<Vec<u8>> = (0..message.len()).map(|n| message[..n].to_vec()).collect();
        for i in 0..message.len() {
            for byte in [b',', b'=', 0, 0xff, b'a'] {
                let mut changed = message.to_vec();
                changed[i] = byte;
                out.push(changed);
            }
        }
        out
    };

    for bad in variants(&client_first) {
        let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
        let _ = s.handle_client_first(SCRAM_SHA_256_PLUS, &bad);
    }
    for bad in variants(&server_first) {
        // Iteration counts are capped to keep this test fast.
        let mut c = client(b"pw", ChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec())).with_max_iterations(100);
        let _ = c.handle_server_first(&bad);
    }
    for bad in variants(&client_final) {
        let mut s = server(b"pw", ServerChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
        s.handle_client_first(SCRAM_SHA_256_PLUS, &client_first).unwrap();
        assert!(
            bad == client_final || s.handle_client_final(&bad).is_err(),
            "accepted {:?}",
            String::from_utf8_lossy(&bad)
        );
    }
    for bad in variants(&server_final) {
        let mut c = client(b"pw", ChannelBinding::TlsServerEndPoint(CERT_HASH.to_vec()));
        c.handle_server_first(&server_first).unwrap();
        assert!(
            bad == server_final || c.handle_server_final(&bad).is_err(),
            "accepted {:?}",
            String::from_utf8_lossy(&bad)
        );
    }
}

#[test]
fn errors_display_and_are_std_errors() {
    let errors = [
        ScramError::Malformed("x"),
        ScramError::Unsupported("x"),
        ScramError::UnsupportedMechanism("x".to_owned()),
        ScramError::InvalidNonce,
        ScramError::NonceMismatch,
        ScramError::IterationCount(7),
        ScramError::InvalidProof,
        ScramError::InvalidServerSignature,
        ScramError::ServerError("x".to_owned()),
        ScramError::ChannelBinding("x"),
        ScramError::InvalidSecret("x"),
        ScramError::OutOfOrder,
    ];
    for err in errors {
        let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
        let text = boxed.to_string();
        assert!(text.starts_with("SCRAM: "), "{text}");
    }
    assert!(ScramError::IterationCount(7).to_string().contains('7'));
}
