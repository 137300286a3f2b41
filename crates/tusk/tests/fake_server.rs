//! The client against a scripted fake server built on tusk-proto: the things a real
//! PostgreSQL will not do (truncated frames, absurd lengths, garbage tags, disconnects
//! mid-result, stalls). Each must give a typed error — no panic, no hang.

use bytes::BytesMut;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tusk::{Connection, ErrorKind};
use tusk_proto::Limits;
use tusk_proto::backend::{Authentication, BackendMessage, DataRow, FieldDescription, TransactionStatus};
use tusk_proto::frontend::{FrontendMessage, StartupPacket};

/// Reads the startup packet and answers as a trusting server speaking `minor`.
async fn handshake(sock: &mut TcpStream, buf: &mut BytesMut) -> Vec<(String, String)> {
    let params = loop {
        if let Some(p) = StartupPacket::decode(buf, &Limits::default()).unwrap() {
            match p {
                StartupPacket::Startup { params, .. } => break params,
                // sslmode=prefer (the default) asks for TLS first: this server has none.
                StartupPacket::SslRequest => {
                    sock.write_all(b"N").await.unwrap();
                    continue;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(sock.read_buf(buf).await.unwrap() > 0);
    };
    let mut out = BytesMut::new();
    for m in [
        BackendMessage::Authentication(Authentication::Ok),
        BackendMessage::BackendKeyData {
            process_id: 4242,
            secret_key: vec![1u8; 32].into(),
        },
        BackendMessage::ParameterStatus {
            name: "server_version".into(),
            value: "99.0 (fake)".into(),
        },
        BackendMessage::ReadyForQuery(TransactionStatus::Idle),
    ] {
        m.encode(&mut out).unwrap();
    }
    sock.write_all(&out).await.unwrap();
    params
}

/// Reads frontend messages until a Sync or Query arrives.
async fn read_until_sync(sock: &mut TcpStream, buf: &mut BytesMut) -> Vec<FrontendMessage> {
    let mut got = Vec::new();
    loop {
        while let Some(m) = FrontendMessage::decode(buf, &Limits::default()).unwrap() {
            let end = matches!(m, FrontendMessage::Sync | FrontendMessage::Query(_));
            got.push(m);
            if end {
                return got;
            }
        }
        if sock.read_buf(buf).await.unwrap() == 0 {
            return got;
        }
    }
}

fn encode(msgs: &[BackendMessage]) -> BytesMut {
    let mut out = BytesMut::new();
    for m in msgs {
        m.encode(&mut out).unwrap();
    }
    out
}

fn int_column() -> BackendMessage {
    BackendMessage::RowDescription(vec![FieldDescription {
        name: "n".into(),
        table_oid: 0,
        column_id: 0,
        type_oid: 23,
        type_size: 4,
        type_modifier: -1,
        format: 0,
    }])
}

/// Starts a fake server that completes the handshake, answers one simple Query with
/// `reply` bytes, then closes (or stalls, if `stall`).
async fn serve_once(reply: Vec<u8>, stall: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = BytesMut::new();
        handshake(&mut sock, &mut buf).await;
        read_until_sync(&mut sock, &mut buf).await;
        sock.write_all(&reply).await.unwrap();
        if stall {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
    format!("host=127.0.0.1 port={port} user=u dbname=d")
}

async fn simple_query_error(reply: Vec<u8>) -> tusk::Error {
    let conninfo = serve_once(reply, false).await;
    let mut conn = Connection::connect(&conninfo).await.expect("handshake");
    let result = tokio::time::timeout(Duration::from_secs(10), conn.simple_query("SELECT 1")).await;
    let err = result.expect("the client hung").expect_err("expected an error");
    // The connection knows it is broken and says so on the next request.
    assert!(conn.is_broken());
    let next = tokio::time::timeout(Duration::from_secs(10), conn.simple_query("SELECT 1"))
        .await
        .unwrap();
    assert_eq!(next.unwrap_err().kind(), ErrorKind::Closed);
    err
}

#[tokio::test]
async fn truncated_frame_then_close_is_io_error() {
    let mut reply = encode(&[int_column()]).to_vec();
    // A DataRow that declares 100 bytes but only 3 arrive before the socket closes.
    reply.extend_from_slice(b"D\0\0\0\x64\0\x01\0");
    let err = simple_query_error(reply).await;
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
}

#[tokio::test]
async fn length_over_limit_is_protocol_error() {
    let mut reply = encode(&[int_column()]).to_vec();
    reply.extend_from_slice(b"D\x7f\xff\xff\xff");
    let err = simple_query_error(reply).await;
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(err.to_string().contains("limit"), "{err}");
}

#[tokio::test]
async fn unknown_tag_is_protocol_error() {
    let err = simple_query_error(b"\x01\0\0\0\x04".to_vec()).await;
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(err.to_string().contains("unknown message tag"), "{err}");
}

#[tokio::test]
async fn garbage_body_is_protocol_error() {
    // A ReadyForQuery with an impossible status byte.
    let err = simple_query_error(b"Z\0\0\0\x05?".to_vec()).await;
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}

#[tokio::test]
async fn data_row_with_wrong_column_count_is_protocol_error() {
    let reply = encode(&[
        int_column(),
        BackendMessage::DataRow(DataRow::from_values(&[Some(b"1"), Some(b"2")])),
    ]);
    let err = simple_query_error(reply.to_vec()).await;
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}

#[tokio::test]
async fn disconnect_mid_result_is_io_error() {
    let rows: Vec<BackendMessage> = std::iter::once(int_column())
        .chain((0..100).map(|i| BackendMessage::DataRow(DataRow::from_values(&[Some(i.to_string().as_bytes())]))))
        .collect();
    let err = simple_query_error(encode(&rows).to_vec()).await;
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
}

#[tokio::test]
async fn server_stalling_in_startup_hits_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (_sock, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(3600)).await;
    });
    let started = std::time::Instant::now();
    let err = Connection::connect(&format!("host=127.0.0.1 port={port} user=u connect_timeout=2"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn cancel_key_of_bad_length_is_rejected() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = BytesMut::new();
        let _ = sock.read_buf(&mut buf).await;
        let mut out = encode(&[BackendMessage::Authentication(Authentication::Ok)]);
        // BackendKeyData with a 300-byte key: over the 256-byte maximum.
        out.extend_from_slice(b"K");
        out.extend_from_slice(&(4 + 4 + 300i32).to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
        out.extend_from_slice(&[0u8; 300]);
        sock.write_all(&out).await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let err = Connection::connect(&format!("host=127.0.0.1 port={port} user=u"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}

#[tokio::test]
async fn negotiate_protocol_version_downgrades_to_3_0() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = BytesMut::new();
        let _ = sock.read_buf(&mut buf).await;
        let out = encode(&[
            BackendMessage::NegotiateProtocolVersion {
                newest_minor: 0,
                unrecognized: vec![],
            },
            BackendMessage::Authentication(Authentication::Ok),
            BackendMessage::BackendKeyData {
                process_id: 7,
                secret_key: vec![9u8; 4].into(),
            },
            BackendMessage::ReadyForQuery(TransactionStatus::Idle),
        ]);
        sock.write_all(&out).await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    // This server answers whatever comes first: no SSLRequest (sslmode=disable).
    let conn = Connection::connect(&format!("host=127.0.0.1 port={port} user=u sslmode=disable"))
        .await
        .unwrap();
    assert_eq!(conn.protocol_version(), tusk::ProtocolVersion::V3_0);
    assert_eq!(conn.cancel_key_len(), 4);
    assert_eq!(conn.backend_pid(), 7);
}

#[tokio::test]
async fn version_rejecting_server_gets_a_3_0_retry() {
    // An old server that rejects 3.2 with an error instead of negotiating.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        for attempt in 0..2 {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = BytesMut::new();
            let version = loop {
                match StartupPacket::decode(&mut buf, &Limits::default()).unwrap() {
                    Some(StartupPacket::Startup { version, .. }) => break version,
                    // No TLS here: answer the default sslmode=prefer's SSLRequest with 'N'.
                    Some(StartupPacket::SslRequest) => {
                        sock.write_all(b"N").await.unwrap();
                        continue;
                    }
                    _ => {}
                }
                sock.read_buf(&mut buf).await.unwrap();
            };
            if attempt == 0 {
                assert_eq!(version.minor, 2);
                let err = tusk_proto::backend::ErrorFields::new(vec![
                    (b'S', "FATAL".into()),
                    (b'C', "0A000".into()),
                    (
                        b'M',
                        "unsupported frontend protocol 3.2: server supports 3.0 to 3.0".into(),
                    ),
                ]);
                sock.write_all(&encode(&[BackendMessage::ErrorResponse(err)]))
                    .await
                    .unwrap();
            } else {
                assert_eq!(version.minor, 0);
                sock.write_all(&encode(&[
                    BackendMessage::Authentication(Authentication::Ok),
                    BackendMessage::BackendKeyData {
                        process_id: 1,
                        secret_key: vec![1u8; 4].into(),
                    },
                    BackendMessage::ReadyForQuery(TransactionStatus::Idle),
                ]))
                .await
                .unwrap();
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    });
    let conn = Connection::connect(&format!("host=127.0.0.1 port={port} user=u"))
        .await
        .unwrap();
    assert_eq!(conn.protocol_version(), tusk::ProtocolVersion::V3_0);
}

#[tokio::test]
async fn startup_sends_user_database_and_utf8() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = BytesMut::new();
        handshake(&mut sock, &mut buf).await
    });
    let _conn = Connection::connect(&format!(
        "host=127.0.0.1 port={port} user=alice dbname=shop application_name=tusk-test options='-c search_path=x'"
    ))
    .await
    .unwrap();
    let params = server.await.unwrap();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("user"), Some("alice"));
    assert_eq!(get("database"), Some("shop"));
    assert_eq!(get("client_encoding"), Some("UTF8"));
    assert_eq!(get("application_name"), Some("tusk-test"));
    assert_eq!(get("options"), Some("-c search_path=x"));
}

/// Starts a fake server that answers one prepare (`SELECT` of one int4 column), then
/// answers the execution that follows with `reply` bytes, and then stalls (so that an
/// error is the client's judgement of the bytes, not a closed socket).
async fn serve_prepared(reply: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = BytesMut::new();
        handshake(&mut sock, &mut buf).await;
        read_until_sync(&mut sock, &mut buf).await;
        let prepared = encode(&[
            BackendMessage::ParseComplete,
            BackendMessage::ParameterDescription(vec![]),
            int_column(),
            BackendMessage::ReadyForQuery(TransactionStatus::Idle),
        ]);
        sock.write_all(&prepared).await.unwrap();
        read_until_sync(&mut sock, &mut buf).await;
        sock.write_all(&reply).await.unwrap();
        tokio::time::sleep(Duration::from_secs(3600)).await;
    });
    format!("host=127.0.0.1 port={port} user=u dbname=d")
}

/// The replies to one execution: BindComplete, a row holding 7, then `tail`.
fn execution_reply(tail: &[u8]) -> Vec<u8> {
    let mut reply = encode(&[
        BackendMessage::BindComplete,
        BackendMessage::DataRow(DataRow::from_values(&[Some(&7i32.to_be_bytes())])),
    ])
    .to_vec();
    reply.extend_from_slice(tail);
    reply
}

/// Malformed versions of the frames the reply fast path takes (CommandComplete,
/// ReadyForQuery, BindComplete): each must be refused as a protocol error by the
/// general decoder, through `query`, the explicit pipeline and `Client`.
#[tokio::test]
async fn malformed_frames_after_rows_are_protocol_errors() {
    let cases: [(&str, &[u8]); 4] = [
        ("CommandComplete without its NUL", b"C\0\0\0\x0aSELECT"),
        ("CommandComplete with a NUL inside", b"C\0\0\0\x0cSEL\0CT 1\0"),
        (
            "ReadyForQuery with an unknown status",
            b"C\0\0\0\x0dSELECT 1\0Z\0\0\0\x05?",
        ),
        ("BindComplete with a body", b"2\0\0\0\x05x"),
    ];
    for (what, tail) in cases {
        for way in ["query", "pipeline", "client"] {
            let conninfo = serve_prepared(execution_reply(tail)).await;
            let run = async {
                match way {
                    "query" => {
                        let mut conn = Connection::connect(&conninfo).await?;
                        conn.query("SELECT n", &[]).await.map(drop)
                    }
                    "pipeline" => {
                        let mut conn = Connection::connect(&conninfo).await?;
                        let stmt = conn.prepare("SELECT n").await?;
                        let mut p = conn.pipeline(tusk::pipeline::SyncMode::PerItem);
                        p.add(&stmt, &[])?;
                        p.run().await.map(drop)
                    }
                    _ => {
                        let client = tusk::Client::connect(&conninfo).await?;
                        client.query("SELECT n", &[]).await.map(drop)
                    }
                }
            };
            let result = tokio::time::timeout(Duration::from_secs(10), run)
                .await
                .unwrap_or_else(|_| panic!("{what} via {way}: the client hung"));
            let err = result.expect_err(what);
            assert_eq!(err.kind(), ErrorKind::Protocol, "{what} via {way}: {err}");
        }
    }
}

/// A malformed row read in place (`RowStream::next_ref`) is a protocol error too, and
/// the stream ends there.
#[tokio::test]
async fn malformed_row_read_in_place_is_protocol_error() {
    let mut reply = encode(&[BackendMessage::BindComplete]).to_vec();
    // Two values where the statement has one column.
    reply.extend_from_slice(&encode(&[BackendMessage::DataRow(DataRow::from_values(&[
        Some(b"1"),
        Some(b"2"),
    ]))]));
    let conninfo = serve_prepared(reply).await;
    let mut conn = Connection::connect(&conninfo).await.unwrap();
    let mut rows = conn.query_stream("SELECT n", &[]).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), rows.next_ref())
        .await
        .expect("the client hung");
    let err = first.expect("a result").expect_err("a malformed row");
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(rows.next_ref().await.is_none());
    drop(rows);
    assert!(conn.is_broken());
}
