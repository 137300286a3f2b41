//! Connecting to real PostgreSQL 15 and 18 (started by tusk-testkit) as every role, over
//! TCP and the unix socket, and what the session negotiated.

use tusk::{AuthMethod, Connection, ErrorKind, ProtocolVersion};
use tusk_testkit::{Role, Transport, shared_clusters};

#[tokio::test]
async fn every_role_connects_over_tcp_and_unix_socket() {
    for cluster in shared_clusters() {
        for role in [Role::Trust, Role::Password, Role::Md5, Role::Scram] {
            for transport in [Transport::Tcp, Transport::Unix] {
                let mut conninfo = cluster.conninfo(role, transport, "postgres");
                if role == Role::Password && transport == Transport::Tcp {
                    // A cleartext password over unencrypted TCP must be allowed explicitly.
                    conninfo.push_str(" require_auth=password");
                }
                let mut conn = Connection::connect(&conninfo)
                    .await
                    .unwrap_or_else(|e| panic!("PG{} {role:?} over {transport:?}: {e}", cluster.major()));
                let expected = match role {
                    Role::Trust => AuthMethod::None,
                    Role::Password => AuthMethod::Password,
                    Role::Md5 => AuthMethod::Md5,
                    Role::Scram => AuthMethod::ScramSha256,
                    Role::Superuser => unreachable!(),
                };
                assert_eq!(conn.auth_method(), expected, "PG{} {role:?}", cluster.major());
                assert_eq!(conn.is_unix_socket(), matches!(transport, Transport::Unix));
                let row = conn
                    .query_one("SELECT current_user::text, $1::int4 + 1", &[&41i32])
                    .await
                    .unwrap();
                assert_eq!(row.get::<&str>(0).unwrap(), cluster.role(role).name);
                assert_eq!(row.get::<i32>(1).unwrap(), 42);
                conn.close().await.unwrap();
            }
        }
    }
}

#[tokio::test]
async fn protocol_version_is_3_2_on_18_and_3_0_on_15() {
    for cluster in shared_clusters() {
        let conn = Connection::connect(&cluster.conninfo(Role::Scram, Transport::Tcp, "postgres"))
            .await
            .unwrap();
        let expected = if cluster.major() >= 18 {
            ProtocolVersion::V3_2
        } else {
            ProtocolVersion::V3_0
        };
        assert_eq!(conn.protocol_version(), expected, "PG{}", cluster.major());
        let key_len = if cluster.major() >= 18 { 32 } else { 4 };
        assert_eq!(conn.cancel_key_len(), key_len);
        assert!(conn.backend_pid() > 0);
        assert_eq!(conn.server_version_num(), Some(cluster.major()));
        assert_eq!(conn.parameter("client_encoding"), Some("UTF8"));
        assert!(conn.parameter("TimeZone").is_some());
    }
}

#[tokio::test]
async fn max_protocol_version_3_0_is_honoured() {
    for cluster in shared_clusters() {
        let conninfo = format!(
            "{} max_protocol_version=3.0",
            cluster.conninfo(Role::Trust, Transport::Tcp, "postgres")
        );
        let conn = Connection::connect(&conninfo).await.unwrap();
        assert_eq!(conn.protocol_version(), ProtocolVersion::V3_0);
        assert_eq!(conn.cancel_key_len(), 4);
    }
}

#[tokio::test]
async fn min_protocol_version_3_2_refuses_an_older_server() {
    for cluster in shared_clusters() {
        let conninfo = format!(
            "{} min_protocol_version=3.2",
            cluster.conninfo(Role::Trust, Transport::Tcp, "postgres")
        );
        let r = Connection::connect(&conninfo).await;
        if cluster.major() >= 18 {
            assert_eq!(r.unwrap().protocol_version(), ProtocolVersion::V3_2);
        } else {
            let e = r.unwrap_err();
            assert!(e.to_string().contains("min_protocol_version"), "{e}");
        }
    }
}

#[tokio::test]
async fn wrong_password_is_an_auth_error_with_sqlstate() {
    for cluster in shared_clusters() {
        for role in [Role::Password, Role::Md5, Role::Scram] {
            let info = cluster.role(role);
            let conninfo = format!(
                "host={} port={} user={} password=wrong dbname=postgres require_auth={}",
                cluster.host(),
                cluster.port(),
                info.name,
                info.method
            );
            let e = Connection::connect(&conninfo).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Auth, "{role:?}: {e}");
            assert_eq!(e.code(), Some("28P01"), "{role:?}: {e}");
        }
    }
}

#[tokio::test]
async fn cleartext_password_over_tcp_is_refused_by_default() {
    for cluster in shared_clusters() {
        let conninfo = format!(
            "{} sslmode=disable",
            cluster.conninfo(Role::Password, Transport::Tcp, "postgres")
        );
        let e = Connection::connect(&conninfo).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
        // Refused by tusk before the password was sent, not rejected by the server.
        assert_eq!(e.code(), None, "{e}");
        assert!(e.to_string().contains("unencrypted TCP"), "{e}");
        assert!(e.to_string().contains("require_auth=password"), "{e}");
        // Naming the method allows it; a unix-domain socket needs nothing.
        let conn = Connection::connect(&format!("{conninfo} require_auth=password"))
            .await
            .unwrap();
        assert_eq!(conn.auth_method(), AuthMethod::Password);
        let conn = Connection::connect(&cluster.conninfo(Role::Password, Transport::Unix, "postgres"))
            .await
            .unwrap();
        assert_eq!(conn.auth_method(), AuthMethod::Password);
    }
}

#[tokio::test]
async fn missing_password_is_a_clear_auth_error() {
    for cluster in shared_clusters() {
        let info = cluster.role(Role::Scram);
        // (A passfile that does not exist, so that the user's ~/.pgpass cannot help.)
        let conninfo = format!(
            "host={} port={} user={} dbname=postgres passfile=/nonexistent/tusk/pgpass",
            cluster.host(),
            cluster.port(),
            info.name
        );
        let config = tusk::Config::parse(&conninfo).unwrap();
        let e = Connection::connect_with(&config).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(e.to_string().contains("no password"), "{e}");
    }
}

#[tokio::test]
async fn several_hosts_fall_through_to_one_that_works() {
    for cluster in shared_clusters() {
        // A closed port first, then the real server.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!(
            "postgres://tusk_trust@127.0.0.1:{closed},{}:{}/postgres",
            cluster.host(),
            cluster.port()
        );
        let conn = Connection::connect(&url).await.unwrap();
        assert_eq!(conn.port(), cluster.port());
    }
}

#[tokio::test]
async fn unknown_database_is_a_server_error() {
    for cluster in shared_clusters() {
        let e = Connection::connect(&cluster.conninfo(Role::Trust, Transport::Tcp, "no_such_db"))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("3D000"), "{e}");
    }
}
