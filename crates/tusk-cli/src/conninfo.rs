//! `tusk conninfo`: connect and report what the session negotiated.

use serde_json::{Map, Value, json};
use tusk::{AuthMethod, Connection, ServerVerification, TrustAnchors};

/// Facts about a live connection as flat, self-explaining JSON keys.
pub fn facts(conn: &Connection, user: &str, dbname: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("host".into(), json!(conn.host()));
    m.insert("port".into(), json!(conn.port()));
    m.insert(
        "transport".into(),
        json!(if conn.is_unix_socket() { "unix" } else { "tcp" }),
    );
    m.insert("user".into(), json!(user));
    m.insert("database".into(), json!(dbname));
    m.insert("server_version".into(), json!(conn.server_version()));
    m.insert("protocol_version".into(), json!(conn.protocol_version().to_string()));
    m.insert("auth_method".into(), json!(conn.auth_method().name()));
    tls_facts(conn, &mut m);
    m.insert("backend_pid".into(), json!(conn.backend_pid()));
    m.insert("cancel_key_length".into(), json!(conn.cancel_key_len()));
    let mut params: Vec<(&String, &String)> = conn.parameters().iter().collect();
    params.sort();
    let params: Map<String, Value> = params.into_iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    m.insert("parameters".into(), Value::Object(params));
    m
}

/// What TLS and SCRAM negotiated: version, cipher suite, ALPN, how the server's
/// certificate was verified and against what, the client certificate, and the SCRAM
/// mechanism and channel binding. Every key is present; `null` when it does not apply.
fn tls_facts(conn: &Connection, m: &mut Map<String, Value>) {
    let tls = conn.tls_info();
    m.insert("tls".into(), json!(tls.is_some()));
    m.insert("tls_version".into(), json!(tls.map(|t| t.protocol_version())));
    m.insert("tls_cipher_suite".into(), json!(tls.map(|t| t.cipher_suite())));
    m.insert("tls_alpn".into(), json!(tls.and_then(|t| t.alpn())));
    m.insert("tls_negotiation".into(), json!(tls.map(|t| t.negotiation())));
    let verification = tls.map(|t| t.verification());
    m.insert(
        "tls_chain_verified".into(),
        json!(verification.map(|v| v.chain_verified())),
    );
    m.insert(
        "tls_host_name_verified".into(),
        json!(verification.map(|v| matches!(v, ServerVerification::ChainAndHostName(_)))),
    );
    m.insert(
        "tls_trust_anchors".into(),
        json!(verification.and_then(|v| v.trust_anchors()).map(|t| match t {
            TrustAnchors::File(path) => path.display().to_string(),
            _ => "system".to_owned(),
        })),
    );
    m.insert(
        "tls_client_certificate".into(),
        json!(
            tls.and_then(|t| t.client_certificate())
                .map(|p| p.display().to_string())
        ),
    );
    let (mechanism, binding) = match conn.auth_method() {
        AuthMethod::ScramSha256Plus => (
            Some("SCRAM-SHA-256-PLUS"),
            Some(format!(
                "tls-server-end-point ({})",
                tls.and_then(|t| t.channel_binding_hash()).unwrap_or("?")
            )),
        ),
        AuthMethod::ScramSha256 => (Some("SCRAM-SHA-256"), None),
        _ => (None, None),
    };
    m.insert("scram_mechanism".into(), json!(mechanism));
    m.insert("channel_binding".into(), json!(binding));
}

pub async fn run(conn: Option<&str>, as_json: bool) -> tusk::Result<()> {
    let config = crate::config_from(conn)?;
    let c = Connection::connect_with(&config).await?;
    let facts = facts(&c, &config.effective_user(), &config.effective_dbname());
    if as_json {
        println!("{}", Value::Object(facts));
    } else {
        let width = facts.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in &facts {
            match v {
                Value::Object(params) => {
                    println!("{k}:");
                    for (pk, pv) in params {
                        println!("  {pk} = {}", pv.as_str().unwrap_or_default());
                    }
                }
                Value::String(s) => println!("{k:width$}  {s}"),
                Value::Null => println!("{k:width$}  -"),
                other => println!("{k:width$}  {other}"),
            }
        }
    }
    c.close().await
}
