//! `tusk conninfo`: connect and report what the session negotiated.

use serde_json::{Map, Value, json};
use tusk::Connection;

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
    m.insert("tls".into(), json!(false));
    m.insert("tls_version".into(), Value::Null);
    m.insert("backend_pid".into(), json!(conn.backend_pid()));
    m.insert("cancel_key_length".into(), json!(conn.cancel_key_len()));
    let mut params: Vec<(&String, &String)> = conn.parameters().iter().collect();
    params.sort();
    let params: Map<String, Value> = params.into_iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    m.insert("parameters".into(), Value::Object(params));
    m
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
