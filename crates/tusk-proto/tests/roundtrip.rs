//! Every message, both directions: encode, decode, compare; and every way a frame can be
//! wrong gives a typed error.

use bytes::{Bytes, BytesMut};
use tusk_proto::backend::{
    Authentication, BackendMessage, CopyResponse, DataRow, ErrorFields, FieldDescription, TransactionStatus,
};
use tusk_proto::frontend::{self, AuthResponse, FrontendMessage, ProtocolVersion, StartupPacket, Target};
use tusk_proto::{Limits, ProtoError};

fn backend_roundtrip(m: BackendMessage) {
    let mut b = BytesMut::new();
    m.encode(&mut b).unwrap();
    let whole = b.clone();
    // Byte by byte: every prefix says "need more", never an error.
    for cut in 0..whole.len() {
        let mut part = BytesMut::from(&whole[..cut]);
        assert_eq!(
            BackendMessage::decode(&mut part, &Limits::default()).unwrap(),
            None,
            "{m:?} cut at {cut}"
        );
    }
    let got = BackendMessage::decode(&mut b, &Limits::default()).unwrap().unwrap();
    assert_eq!(got, m);
    assert!(b.is_empty());
}

fn frontend_roundtrip(m: FrontendMessage) -> FrontendMessage {
    let mut b = BytesMut::new();
    m.encode(&mut b).unwrap();
    for cut in 0..b.len() {
        let mut part = BytesMut::from(&b[..cut]);
        assert_eq!(FrontendMessage::decode(&mut part, &Limits::default()).unwrap(), None);
    }
    let got = FrontendMessage::decode(&mut b, &Limits::default()).unwrap().unwrap();
    assert!(b.is_empty());
    got
}

#[test]
fn every_backend_message_round_trips() {
    let fields = ErrorFields::new(vec![
        (b'S', "ERROR".into()),
        (b'V', "ERROR".into()),
        (b'C', "23505".into()),
        (b'M', "duplicate key".into()),
        (b'D', "Key (id)=(1) already exists.".into()),
        (b'H', "hint".into()),
        (b'P', "12".into()),
        (b'p', "3".into()),
        (b'q', "select 1".into()),
        (b'W', "where".into()),
        (b's', "public".into()),
        (b't', "t".into()),
        (b'c', "id".into()),
        (b'd', "int4".into()),
        (b'n', "t_pkey".into()),
        (b'F', "nbtinsert.c".into()),
        (b'L', "666".into()),
        (b'R', "_bt_check_unique".into()),
        (b'Z', "unknown future field".into()),
    ]);
    let msgs = vec![
        BackendMessage::Authentication(Authentication::Ok),
        BackendMessage::Authentication(Authentication::KerberosV5),
        BackendMessage::Authentication(Authentication::CleartextPassword),
        BackendMessage::Authentication(Authentication::Md5Password { salt: [1, 2, 3, 4] }),
        BackendMessage::Authentication(Authentication::Gss),
        BackendMessage::Authentication(Authentication::GssContinue {
            data: Bytes::from_static(b"gss"),
        }),
        BackendMessage::Authentication(Authentication::Sspi),
        BackendMessage::Authentication(Authentication::Sasl {
            mechanisms: vec!["SCRAM-SHA-256-PLUS".into(), "SCRAM-SHA-256".into()],
        }),
        BackendMessage::Authentication(Authentication::SaslContinue {
            data: Bytes::from_static(b"r=abc,s=xyz,i=4096"),
        }),
        BackendMessage::Authentication(Authentication::SaslFinal {
            data: Bytes::from_static(b"v=sig"),
        }),
        BackendMessage::BackendKeyData {
            process_id: 42,
            secret_key: Bytes::from_static(&[9; 4]),
        },
        BackendMessage::BackendKeyData {
            process_id: 42,
            secret_key: Bytes::from(vec![7u8; 32]),
        },
        BackendMessage::BackendKeyData {
            process_id: 42,
            secret_key: Bytes::from(vec![7u8; 256]),
        },
        BackendMessage::ParameterStatus {
            name: "TimeZone".into(),
            value: "UTC".into(),
        },
        BackendMessage::ReadyForQuery(TransactionStatus::Idle),
        BackendMessage::ReadyForQuery(TransactionStatus::InTransaction),
        BackendMessage::ReadyForQuery(TransactionStatus::Failed),
        BackendMessage::RowDescription(vec![
            FieldDescription {
                name: "id".into(),
                table_oid: 16384,
                column_id: 1,
                type_oid: 23,
                type_size: 4,
                type_modifier: -1,
                format: 1,
            },
            FieldDescription {
                name: "ünïcode".into(),
                table_oid: 0,
                column_id: 0,
                type_oid: 25,
                type_size: -1,
                type_modifier: -1,
                format: 0,
            },
        ]),
        BackendMessage::RowDescription(vec![]),
        BackendMessage::DataRow(DataRow::from_values(&[Some(b"1"), None, Some(b"")])),
        BackendMessage::CommandComplete {
            tag: "INSERT 0 1".into(),
        },
        BackendMessage::EmptyQueryResponse,
        BackendMessage::ErrorResponse(fields.clone()),
        BackendMessage::NoticeResponse(fields),
        BackendMessage::ParseComplete,
        BackendMessage::BindComplete,
        BackendMessage::CloseComplete,
        BackendMessage::NoData,
        BackendMessage::ParameterDescription(vec![23, 25, 0xffff_fff0]),
        BackendMessage::PortalSuspended,
        BackendMessage::NotificationResponse {
            process_id: 7,
            channel: "Chan Nel".into(),
            payload: "{\"a\":1}".into(),
        },
        BackendMessage::NegotiateProtocolVersion {
            newest_minor: 0,
            unrecognized: vec!["_pq_.x".into()],
        },
        BackendMessage::CopyInResponse(CopyResponse {
            format: 0,
            column_formats: vec![0, 0],
        }),
        BackendMessage::CopyOutResponse(CopyResponse {
            format: 1,
            column_formats: vec![1],
        }),
        BackendMessage::CopyBothResponse(CopyResponse {
            format: 0,
            column_formats: vec![],
        }),
        BackendMessage::CopyData(Bytes::from_static(b"1\tx\n")),
        BackendMessage::CopyDone,
        BackendMessage::FunctionCallResponse(None),
        BackendMessage::FunctionCallResponse(Some(Bytes::from_static(b"\0\0\0\x01"))),
    ];
    for m in msgs {
        backend_roundtrip(m);
    }
}

#[test]
fn every_frontend_message_round_trips() {
    let plain = vec![
        FrontendMessage::Query("SELECT 'ü'".into()),
        FrontendMessage::Parse {
            name: "s1".into(),
            query: "SELECT $1".into(),
            param_types: vec![23, 0],
        },
        FrontendMessage::Bind {
            portal: "p".into(),
            statement: "s1".into(),
            param_formats: vec![1],
            params: vec![Some(Bytes::from_static(b"\0\0\0\x01")), None, Some(Bytes::new())],
            result_formats: vec![0, 1],
        },
        FrontendMessage::Describe {
            target: Target::Statement,
            name: "s1".into(),
        },
        FrontendMessage::Describe {
            target: Target::Portal,
            name: "".into(),
        },
        FrontendMessage::Execute {
            portal: "".into(),
            max_rows: 100,
        },
        FrontendMessage::Close {
            target: Target::Portal,
            name: "p".into(),
        },
        FrontendMessage::Close {
            target: Target::Statement,
            name: "s1".into(),
        },
        FrontendMessage::Sync,
        FrontendMessage::Flush,
        FrontendMessage::Terminate,
        FrontendMessage::CopyData(Bytes::from_static(b"row\n")),
        FrontendMessage::CopyDone,
        FrontendMessage::CopyFail("client gave up".into()),
        FrontendMessage::FunctionCall {
            function_oid: 1598,
            arg_formats: vec![1],
            args: vec![None, Some(Bytes::from_static(b"x"))],
            result_format: 1,
        },
    ];
    for m in plain {
        assert_eq!(frontend_roundtrip(m.clone()), m);
    }

    // The `p` family decodes to the raw body; the server parses by context.
    let FrontendMessage::AuthResponse(body) = frontend_roundtrip(FrontendMessage::Password("secret".into())) else {
        panic!("expected AuthResponse")
    };
    assert_eq!(AuthResponse::password(body).unwrap(), "secret");
    let FrontendMessage::AuthResponse(body) = frontend_roundtrip(FrontendMessage::SaslInitialResponse {
        mechanism: "SCRAM-SHA-256".into(),
        data: Some(Bytes::from_static(b"n,,n=,r=x")),
    }) else {
        panic!("expected AuthResponse")
    };
    assert_eq!(
        AuthResponse::sasl_initial(body).unwrap(),
        ("SCRAM-SHA-256".to_string(), Some(Bytes::from_static(b"n,,n=,r=x")))
    );
    let FrontendMessage::AuthResponse(body) = frontend_roundtrip(FrontendMessage::SaslInitialResponse {
        mechanism: "X".into(),
        data: None,
    }) else {
        panic!("expected AuthResponse")
    };
    assert_eq!(AuthResponse::sasl_initial(body).unwrap(), ("X".to_string(), None));
    let FrontendMessage::AuthResponse(body) =
        frontend_roundtrip(FrontendMessage::SaslResponse(Bytes::from_static(b"c=biws")))
    else {
        panic!("expected AuthResponse")
    };
    assert_eq!(&body[..], b"c=biws");
}

#[test]
fn startup_packets_round_trip() {
    let pkts = vec![
        StartupPacket::Startup {
            version: ProtocolVersion::V3_2,
            params: vec![
                ("user".into(), "alice".into()),
                ("database".into(), "db".into()),
                ("_pq_.opt".into(), "on".into()),
            ],
        },
        StartupPacket::Startup {
            version: ProtocolVersion::V3_0,
            params: vec![],
        },
        StartupPacket::SslRequest,
        StartupPacket::GssEncRequest,
        StartupPacket::Cancel {
            process_id: 99,
            secret_key: Bytes::from_static(&[1, 2, 3, 4]),
        },
        StartupPacket::Cancel {
            process_id: 99,
            secret_key: Bytes::from(vec![5; 32]),
        },
    ];
    for p in pkts {
        let mut b = BytesMut::new();
        p.encode(&mut b).unwrap();
        for cut in 0..b.len() {
            let mut part = BytesMut::from(&b[..cut]);
            assert_eq!(StartupPacket::decode(&mut part, &Limits::default()).unwrap(), None);
        }
        assert_eq!(StartupPacket::decode(&mut b, &Limits::default()).unwrap(), Some(p));
        assert!(b.is_empty());
    }
}

#[test]
fn several_messages_in_one_buffer_decode_in_order() {
    let mut b = BytesMut::new();
    BackendMessage::ParseComplete.encode(&mut b).unwrap();
    BackendMessage::BindComplete.encode(&mut b).unwrap();
    BackendMessage::DataRow(DataRow::from_values(&[Some(b"x")]))
        .encode(&mut b)
        .unwrap();
    BackendMessage::ReadyForQuery(TransactionStatus::Idle)
        .encode(&mut b)
        .unwrap();
    let l = Limits::default();
    assert_eq!(
        BackendMessage::decode(&mut b, &l).unwrap(),
        Some(BackendMessage::ParseComplete)
    );
    assert_eq!(
        BackendMessage::decode(&mut b, &l).unwrap(),
        Some(BackendMessage::BindComplete)
    );
    assert!(matches!(
        BackendMessage::decode(&mut b, &l).unwrap(),
        Some(BackendMessage::DataRow(_))
    ));
    assert!(matches!(
        BackendMessage::decode(&mut b, &l).unwrap(),
        Some(BackendMessage::ReadyForQuery(_))
    ));
    assert_eq!(BackendMessage::decode(&mut b, &l).unwrap(), None);
}

#[test]
fn length_over_limit_is_refused_before_buffering() {
    let limits = Limits {
        max_message_len: 1024,
        ..Limits::default()
    };
    let mut b = BytesMut::from(&b"D\0\0\x04\x01"[..]); // 1025
    let err = BackendMessage::decode(&mut b, &limits).unwrap_err();
    assert_eq!(
        err,
        ProtoError::TooLong {
            tag: b'D',
            len: 1025,
            max: 1024
        }
    );
    assert!(b.capacity() < 1024, "must not reserve for a refused message");
    let mut b = BytesMut::from(&b"D\x7f\xff\xff\xff"[..]);
    assert!(matches!(
        BackendMessage::decode(&mut b, &Limits::default()),
        Err(ProtoError::TooLong { .. })
    ));
    let mut b = BytesMut::from(&b"Q\x7f\xff\xff\xff"[..]);
    assert!(matches!(
        FrontendMessage::decode(&mut b, &Limits::default()),
        Err(ProtoError::TooLong { .. })
    ));
    let mut b = BytesMut::from(&b"\0\x01\0\0\0\x03\0\0"[..]);
    assert!(matches!(
        StartupPacket::decode(&mut b, &Limits::default()),
        Err(ProtoError::TooLong { .. })
    ));
}

#[test]
fn lengths_below_four_are_refused() {
    for len in [-1i32, 0, 3, i32::MIN] {
        let mut b = BytesMut::from(&b"Z"[..]);
        b.extend_from_slice(&len.to_be_bytes());
        assert!(matches!(
            BackendMessage::decode(&mut b, &Limits::default()),
            Err(ProtoError::BadLength { .. })
        ));
    }
}

#[test]
fn unknown_tags_are_errors() {
    let mut b = BytesMut::from(&b"\xff\0\0\0\x04"[..]);
    assert_eq!(
        BackendMessage::decode(&mut b, &Limits::default()),
        Err(ProtoError::UnknownTag(0xff))
    );
    let mut b = BytesMut::from(&b"Y\0\0\0\x04"[..]);
    assert_eq!(
        FrontendMessage::decode(&mut b, &Limits::default()),
        Err(ProtoError::UnknownTag(b'Y'))
    );
}

#[test]
fn malformed_bodies_are_errors() {
    let cases: &[&[u8]] = &[
        b"Z\0\0\0\x05X",                  // bad transaction status
        b"Z\0\0\0\x06II",                 // trailing byte
        b"S\0\0\0\x06ab",                 // unterminated string
        b"R\0\0\0\x08\0\0\0\x63",         // unknown auth code
        b"R\0\0\0\x0a\0\0\0\x05ab",       // short MD5 salt
        b"K\0\0\0\x0a\0\0\0\x01ab",       // 2-byte cancel key
        b"T\0\0\0\x06\0\x05",             // 5 fields, no body
        b"T\0\0\0\x06\xff\xff",           // negative count
        b"t\0\0\0\x08\0\x02\0\0",         // count beyond body
        b"G\0\0\0\x07\0\0\x03",           // copy formats beyond body
        b"V\0\0\0\x08\xff\xff\xff\xfe",   // negative length other than -1
        b"A\0\0\0\x08\0\0\0\x01",         // notification without strings
        b"v\0\0\0\x0c\0\0\0\0\x7f\0\0\0", // absurd option count
        b"1\0\0\0\x05x",                  // ParseComplete with a body
    ];
    for c in cases {
        let mut b = BytesMut::from(*c);
        match BackendMessage::decode(&mut b, &Limits::default()) {
            Err(ProtoError::Malformed { .. }) => {}
            other => panic!("{c:?}: expected Malformed, got {other:?}"),
        }
    }
    let mut b = BytesMut::from(&b"S\0\0\0\x07\xff\xfe\0"[..]);
    assert!(matches!(
        BackendMessage::decode(&mut b, &Limits::default()),
        Err(ProtoError::Malformed { .. })
    ));
}

#[test]
fn data_row_ranges_validate_layout() {
    let mut out = Vec::new();
    for bad in [
        &b""[..],
        b"\0",
        b"\0\x01\0\0",
        b"\0\x01\0\0\0\x05ab",
        b"\0\x01\xff\xff\xff\xfe",
        b"\0\x01\0\0\0\x01ab",
    ] {
        assert!(
            DataRow::from_body(Bytes::copy_from_slice(bad))
                .ranges(&mut out)
                .is_err(),
            "{bad:?}"
        );
    }
    let row = DataRow::from_values(&[Some(b"abc"), None, Some(b"")]);
    row.ranges(&mut out).unwrap();
    assert_eq!(out, vec![Some(6..9), None, Some(17..17)]);
    assert_eq!(row.len(), 3);
}

#[test]
fn encoders_refuse_interior_nul_and_leave_buffer_untouched() {
    let mut b = BytesMut::from(&b"keep"[..]);
    assert_eq!(
        frontend::query(&mut b, "SELECT '\0'"),
        Err(ProtoError::InteriorNul { what: "query text" })
    );
    assert_eq!(&b[..], b"keep");
    assert!(frontend::parse(&mut b, "a\0b", "x", &[]).is_err());
    assert_eq!(&b[..], b"keep");
    assert!(frontend::cancel_request(&mut b, 1, &[1, 2]).is_err());
    assert!(frontend::cancel_request(&mut b, 1, &[1; 257]).is_err());
}

#[test]
fn cancel_request_wire_format() {
    let mut b = BytesMut::new();
    frontend::cancel_request(&mut b, 0x01020304, &[0xaa; 32]).unwrap();
    assert_eq!(&b[..4], &44i32.to_be_bytes());
    assert_eq!(&b[4..8], &80877102i32.to_be_bytes());
    assert_eq!(&b[8..12], &[1, 2, 3, 4]);
    assert_eq!(b.len(), 44);
}

#[test]
fn startup_packet_with_unknown_request_code_is_error() {
    let mut b = BytesMut::new();
    b.extend_from_slice(&8i32.to_be_bytes());
    b.extend_from_slice(&((1234 << 16) | 9999i32).to_be_bytes());
    assert!(StartupPacket::decode(&mut b, &Limits::default()).is_err());
}
