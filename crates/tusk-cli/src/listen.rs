//! `tusk listen`: print notifications as JSON lines until stopped.
//!
//! The first argument is a connection (URL or key=value string) when it looks like one
//! (contains `=` or `://`), unless `--env` is given; every other argument is a channel.

use serde_json::json;
use std::io::Write;
use std::time::Duration;
use tusk::Connection;

/// Splits arguments into an optional connection string and channel names.
pub fn split_args(args: Vec<String>, env: bool) -> (Option<String>, Vec<String>) {
    let mut args = args.into_iter();
    let first = args.next();
    match first {
        Some(f) if !env && (f.contains('=') || f.contains("://")) => (Some(f), args.collect()),
        Some(f) => (None, std::iter::once(f).chain(args).collect()),
        None => (None, Vec::new()),
    }
}

pub async fn run(args: Vec<String>, env: bool) -> tusk::Result<()> {
    let (conn, channels) = split_args(args, env);
    if channels.is_empty() {
        return Err(tusk::Error::new(
            tusk::ErrorKind::Config,
            "name at least one channel to listen on",
        ));
    }
    let config = crate::config_from(conn.as_deref())?;
    let mut c = Connection::connect_with(&config).await?;
    for ch in &channels {
        c.listen(ch).await?;
    }
    eprintln!("listening on {} channel(s); stop with Ctrl-C", channels.len());
    let mut out = std::io::stdout();
    let mut reported = 0;
    loop {
        if let Some(n) = c.wait_for_notification(Duration::from_secs(3600)).await? {
            let line = json!({ "channel": n.channel, "payload": n.payload, "process_id": n.process_id });
            if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
                // The reader went away (a closed pipe): stop quietly.
                return Ok(());
            }
        }
        let dropped = c.notifications_dropped();
        if dropped > reported {
            eprintln!(
                "warning: {} notification(s) were refused because the queue was full",
                dropped - reported
            );
            reported = dropped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_args;

    #[test]
    fn first_argument_is_a_connection_only_when_it_looks_like_one() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            split_args(v(&["host=x", "a", "b"]), false),
            (Some("host=x".into()), v(&["a", "b"]))
        );
        assert_eq!(
            split_args(v(&["postgres://h/db", "a"]), false),
            (Some("postgres://h/db".into()), v(&["a"]))
        );
        assert_eq!(split_args(v(&["jobs", "b"]), false), (None, v(&["jobs", "b"])));
        assert_eq!(split_args(v(&["a=b"]), true), (None, v(&["a=b"])));
    }
}
