//! `tusk conninfo` over TLS: what it reports about the encryption and the SCRAM binding.

use std::process::Command;
use tusk_testkit::{CERT_ROLE, shared_tls_clusters};

fn conninfo_json(conn: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args(["conninfo", conn, "--json"])
        .env_remove("PGSSLMODE")
        .env_remove("PGSSLROOTCERT")
        .output()
        .expect("run tusk");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn conninfo_reports_tls_and_channel_binding() {
    for tls in shared_tls_clusters() {
        let ca = tls.certs.ca_path().display().to_string();
        let v = conninfo_json(&format!(
            "host=localhost port={} user=tusk_scram password=pw_scram dbname=postgres sslmode=verify-full sslrootcert={ca}",
            tls.port()
        ));
        assert_eq!(v["tls"], true, "{v}");
        assert_eq!(v["tls_version"], "TLSv1.3");
        assert!(v["tls_cipher_suite"].as_str().unwrap().starts_with("TLS_"), "{v}");
        assert_eq!(v["tls_negotiation"], "postgres");
        assert_eq!(v["tls_chain_verified"], true);
        assert_eq!(v["tls_host_name_verified"], true);
        assert_eq!(v["tls_trust_anchors"], ca.as_str());
        assert_eq!(v["tls_client_certificate"], serde_json::Value::Null);
        assert_eq!(v["auth_method"], "scram-sha-256-plus");
        assert_eq!(v["scram_mechanism"], "SCRAM-SHA-256-PLUS");
        let hash = tls.certs.algorithm().signature_hash();
        assert_eq!(v["channel_binding"], format!("tls-server-end-point ({hash})"));
        let alpn = if tls.major() >= 17 {
            serde_json::json!("postgresql")
        } else {
            serde_json::Value::Null
        };
        assert_eq!(v["tls_alpn"], alpn);

        // A client certificate login, chain verified but not the name.
        let cert = tls.certs.client();
        let v = conninfo_json(&format!(
            "host=127.0.0.1 port={} user={CERT_ROLE} dbname=postgres sslmode=verify-ca sslrootcert={ca} sslcert={} sslkey={}",
            tls.port(),
            cert.cert_path().display(),
            cert.key_path().display()
        ));
        assert_eq!(v["tls_chain_verified"], true, "{v}");
        assert_eq!(v["tls_host_name_verified"], false);
        assert_eq!(v["tls_client_certificate"], cert.cert_path().display().to_string());
        assert_eq!(v["scram_mechanism"], serde_json::Value::Null);
        assert_eq!(v["channel_binding"], serde_json::Value::Null);
    }
}
