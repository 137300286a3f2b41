//! Messages the client (frontend) sends, with encoders and decoders.
//!
//! Two layers:
//! - free functions ([`parse`], [`bind`], [`execute`], [`sync`], …) that write one message
//!   straight into a `BytesMut`; the client's hot path uses these, with no intermediate
//!   value per message;
//! - [`FrontendMessage`] and [`StartupPacket`], owned values with `encode` and `decode`,
//!   which a server uses to read what clients send and tests use to script peers.
//!
//! Startup-phase packets (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) have
//! no tag byte; they are decoded with [`StartupPacket::decode`]. Everything after is
//! tagged and decoded with [`FrontendMessage::decode`].
//!
//! ```
//! use bytes::BytesMut;
//! use tusk_proto::frontend::{self, FrontendMessage};
//! use tusk_proto::Limits;
//!
//! let mut wire = BytesMut::new();
//! frontend::query(&mut wire, "SELECT 1").unwrap();
//! let msg = FrontendMessage::decode(&mut wire, &Limits::default()).unwrap().unwrap();
//! assert_eq!(msg, FrontendMessage::Query("SELECT 1".into()));
//! ```

use crate::codec::{Reader, frame, put_count, put_cstr, take_frame, write_body, write_msg};
use crate::{Limits, ProtoError};
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Request code of SSLRequest.
pub const SSL_REQUEST_CODE: i32 = 80877103;
/// Request code of GSSENCRequest.
pub const GSSENC_REQUEST_CODE: i32 = 80877104;
/// Request code of CancelRequest.
pub const CANCEL_REQUEST_CODE: i32 = 80877102;

/// A protocol version as it appears in a StartupMessage: major in the high 16 bits.
///
/// ```
/// use tusk_proto::frontend::ProtocolVersion;
/// assert_eq!(ProtocolVersion::V3_2.to_wire(), 196610);
/// assert_eq!(ProtocolVersion::from_wire(196608), ProtocolVersion::V3_0);
/// assert_eq!(ProtocolVersion::V3_2.to_string(), "3.2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtocolVersion {
    /// Major version (3).
    pub major: u16,
    /// Minor version (0 or 2).
    pub minor: u16,
}

impl ProtocolVersion {
    /// Protocol 3.0, spoken by every supported PostgreSQL.
    pub const V3_0: ProtocolVersion = ProtocolVersion { major: 3, minor: 0 };
    /// Protocol 3.2 (PostgreSQL 18): variable-length cancel keys.
    pub const V3_2: ProtocolVersion = ProtocolVersion { major: 3, minor: 2 };

    /// The Int32 sent on the wire.
    pub fn to_wire(self) -> i32 {
        ((self.major as i32) << 16) | self.minor as i32
    }

    /// Splits a wire Int32 into major and minor.
    pub fn from_wire(v: i32) -> ProtocolVersion {
        ProtocolVersion {
            major: (v as u32 >> 16) as u16,
            minor: (v as u32 & 0xffff) as u16,
        }
    }
}

impl std::fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// An untagged packet a client sends before (or instead of) a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartupPacket {
    /// StartupMessage: protocol version and `name=value` parameters (`user`, `database`,
    /// `options`, `_pq_.*` protocol options, any GUC).
    Startup {
        /// Requested protocol version.
        version: ProtocolVersion,
        /// Parameters in the order sent.
        params: Vec<(String, String)>,
    },
    /// SSLRequest: asks to switch to TLS.
    SslRequest,
    /// GSSENCRequest: asks for GSSAPI encryption.
    GssEncRequest,
    /// CancelRequest: cancel the query running in `process_id`.
    Cancel {
        /// Target backend.
        process_id: i32,
        /// Its secret key (4 bytes in protocol 3.0, up to 256 in 3.2).
        secret_key: Bytes,
    },
}

impl StartupPacket {
    /// Decodes a startup-phase packet from the front of `buf` (`Ok(None)`: need more).
    pub fn decode(buf: &mut BytesMut, limits: &Limits) -> Result<Option<StartupPacket>, ProtoError> {
        if buf.len() < 4 {
            return Ok(None);
        }
        let len = i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
        if len < 8 {
            return Err(ProtoError::BadLength {
                tag: 0,
                len: len.into(),
            });
        }
        let len = len as usize;
        if len > limits.max_startup_len {
            return Err(ProtoError::TooLong {
                tag: 0,
                len: len as u64,
                max: limits.max_startup_len,
            });
        }
        if buf.len() < len {
            buf.reserve(len - buf.len());
            return Ok(None);
        }
        let mut pkt = buf.split_to(len);
        pkt.advance(4);
        let mut r = Reader::new("StartupMessage", pkt.freeze());
        let code = r.i32()?;
        let p = match code {
            SSL_REQUEST_CODE => StartupPacket::SslRequest,
            GSSENC_REQUEST_CODE => StartupPacket::GssEncRequest,
            CANCEL_REQUEST_CODE => {
                let process_id = r.i32()?;
                let secret_key = r.rest();
                if !(4..=256).contains(&secret_key.len()) {
                    return Err(ProtoError::malformed(
                        "CancelRequest",
                        format!("cancel key of {} bytes (must be 4 to 256)", secret_key.len()),
                    ));
                }
                return Ok(Some(StartupPacket::Cancel { process_id, secret_key }));
            }
            v if (v >> 16) == 1234 => {
                return Err(ProtoError::malformed(
                    "StartupMessage",
                    format!("unknown request code {v}"),
                ));
            }
            v => {
                let mut params = Vec::new();
                loop {
                    let name = r.cstr()?;
                    if name.is_empty() {
                        break;
                    }
                    let value = r.cstr()?;
                    params.push((name, value));
                }
                StartupPacket::Startup {
                    version: ProtocolVersion::from_wire(v),
                    params,
                }
            }
        };
        r.finish()?;
        Ok(Some(p))
    }

    /// Appends this packet to `buf`.
    pub fn encode(&self, buf: &mut BytesMut) -> Result<(), ProtoError> {
        match self {
            StartupPacket::Startup { version, params } => {
                startup(buf, *version, params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            }
            StartupPacket::SslRequest => {
                ssl_request(buf);
                Ok(())
            }
            StartupPacket::GssEncRequest => {
                buf.put_i32(8);
                buf.put_i32(GSSENC_REQUEST_CODE);
                Ok(())
            }
            StartupPacket::Cancel { process_id, secret_key } => cancel_request(buf, *process_id, secret_key),
        }
    }
}

/// The kind of target of Describe and Close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `S`: a prepared statement.
    Statement,
    /// `P`: a portal.
    Portal,
}

impl Target {
    fn byte(self) -> u8 {
        match self {
            Target::Statement => b'S',
            Target::Portal => b'P',
        }
    }

    fn from_byte(msg: &'static str, b: u8) -> Result<Target, ProtoError> {
        match b {
            b'S' => Ok(Target::Statement),
            b'P' => Ok(Target::Portal),
            _ => Err(ProtoError::malformed(msg, format!("unknown target 0x{b:02x}"))),
        }
    }
}

/// Every tagged message a client sends.
///
/// The password-family messages (PasswordMessage, SASLInitialResponse, SASLResponse,
/// GSSResponse) share the tag `p`; which one it is depends on what the server asked, so
/// [`FrontendMessage::decode`] yields [`FrontendMessage::AuthResponse`] with the raw body
/// and the server reads it with [`AuthResponse`]'s parsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontendMessage {
    /// `p`: a cleartext or MD5-hashed password.
    Password(String),
    /// `p`: first SASL message: mechanism and optional initial data.
    SaslInitialResponse {
        /// Chosen mechanism.
        mechanism: String,
        /// Initial response (`None` is encoded as length -1).
        data: Option<Bytes>,
    },
    /// `p`: a further SASL message (or GSSAPI data).
    SaslResponse(Bytes),
    /// `p`, as decoded: raw body; see [`AuthResponse`].
    AuthResponse(Bytes),
    /// `Q`: a simple query (may hold several statements).
    Query(String),
    /// `P`: prepare a statement.
    Parse {
        /// Statement name ("" for the unnamed statement).
        name: String,
        /// SQL text.
        query: String,
        /// Parameter type OIDs (0 = let the server infer).
        param_types: Vec<u32>,
    },
    /// `B`: bind parameters to a statement, creating a portal.
    Bind {
        /// Portal name ("" for the unnamed portal).
        portal: String,
        /// Statement name.
        statement: String,
        /// Parameter format codes (none = all text; one = applies to all).
        param_formats: Vec<i16>,
        /// Parameter values (`None` = NULL).
        params: Vec<Option<Bytes>>,
        /// Result column format codes (same convention as `param_formats`).
        result_formats: Vec<i16>,
    },
    /// `D`: describe a statement or portal.
    Describe {
        /// What to describe.
        target: Target,
        /// Its name.
        name: String,
    },
    /// `E`: run a portal.
    Execute {
        /// Portal name.
        portal: String,
        /// Maximum rows to return (0 = all).
        max_rows: i32,
    },
    /// `C`: close a statement or portal.
    Close {
        /// What to close.
        target: Target,
        /// Its name.
        name: String,
    },
    /// `S`: end of an extended-query batch; the server answers ReadyForQuery.
    Sync,
    /// `H`: ask the server to send what it has buffered.
    Flush,
    /// `X`: end the session.
    Terminate,
    /// `d`: COPY data.
    CopyData(Bytes),
    /// `c`: end of COPY data.
    CopyDone,
    /// `f`: abort COPY FROM STDIN with this message.
    CopyFail(String),
    /// `F`: the legacy fast-path function call.
    FunctionCall {
        /// Function OID.
        function_oid: u32,
        /// Argument format codes.
        arg_formats: Vec<i16>,
        /// Arguments (`None` = NULL).
        args: Vec<Option<Bytes>>,
        /// Result format code.
        result_format: i16,
    },
}

/// Parsers for the body of a `p` message, which the server interprets by context.
///
/// ```
/// use bytes::{Bytes, BytesMut};
/// use tusk_proto::frontend::{self, AuthResponse, FrontendMessage};
/// use tusk_proto::Limits;
///
/// let mut wire = BytesMut::new();
/// frontend::sasl_initial_response(&mut wire, "SCRAM-SHA-256", b"n,,n=,r=abc").unwrap();
/// let Some(FrontendMessage::AuthResponse(body)) =
///     FrontendMessage::decode(&mut wire, &Limits::default()).unwrap() else { panic!() };
/// let (mech, data) = AuthResponse::sasl_initial(body).unwrap();
/// assert_eq!(mech, "SCRAM-SHA-256");
/// assert_eq!(data.as_deref(), Some(&b"n,,n=,r=abc"[..]));
/// ```
pub struct AuthResponse;

impl AuthResponse {
    /// Reads a PasswordMessage (NUL-terminated password).
    pub fn password(body: Bytes) -> Result<String, ProtoError> {
        let mut r = Reader::new("PasswordMessage", body);
        let p = r.cstr()?;
        r.finish()?;
        Ok(p)
    }

    /// Reads a SASLInitialResponse: mechanism and optional data.
    pub fn sasl_initial(body: Bytes) -> Result<(String, Option<Bytes>), ProtoError> {
        let mut r = Reader::new("SASLInitialResponse", body);
        let m = r.cstr()?;
        let d = r.nullable_bytes()?;
        r.finish()?;
        Ok((m, d))
    }
}

impl FrontendMessage {
    /// Decodes one tagged message from the front of `buf` (`Ok(None)`: need more).
    pub fn decode(buf: &mut BytesMut, limits: &Limits) -> Result<Option<FrontendMessage>, ProtoError> {
        let Some((tag, body)) = take_frame(buf, limits.max_message_len)? else {
            return Ok(None);
        };
        Self::decode_body(tag, body).map(Some)
    }

    /// Decodes a body whose tag and framing were already read.
    pub fn decode_body(tag: u8, body: Bytes) -> Result<FrontendMessage, ProtoError> {
        use FrontendMessage as M;
        Ok(match tag {
            b'p' => M::AuthResponse(body),
            b'Q' => {
                let mut r = Reader::new("Query", body);
                let q = r.cstr()?;
                r.finish()?;
                M::Query(q)
            }
            b'P' => {
                let mut r = Reader::new("Parse", body);
                let name = r.cstr()?;
                let query = r.cstr()?;
                let n = r.i16()? as u16 as usize;
                if n * 4 != r.remaining() {
                    return Err(ProtoError::malformed(
                        "Parse",
                        "parameter type count does not match body",
                    ));
                }
                let mut param_types = Vec::with_capacity(n);
                for _ in 0..n {
                    param_types.push(r.u32()?);
                }
                M::Parse {
                    name,
                    query,
                    param_types,
                }
            }
            b'B' => {
                let mut r = Reader::new("Bind", body);
                let portal = r.cstr()?;
                let statement = r.cstr()?;
                let param_formats = read_formats(&mut r)?;
                let n = r.i16()? as u16 as usize;
                if n > r.remaining() / 4 {
                    return Err(ProtoError::malformed("Bind", "parameter count exceeds body"));
                }
                let mut params = Vec::with_capacity(n);
                for _ in 0..n {
                    params.push(r.nullable_bytes()?);
                }
                let result_formats = read_formats(&mut r)?;
                r.finish()?;
                M::Bind {
                    portal,
                    statement,
                    param_formats,
                    params,
                    result_formats,
                }
            }
            b'D' | b'C' => {
                let msg = if tag == b'D' { "Describe" } else { "Close" };
                let mut r = Reader::new(msg, body);
                let target = Target::from_byte(msg, r.u8()?)?;
                let name = r.cstr()?;
                r.finish()?;
                if tag == b'D' {
                    M::Describe { target, name }
                } else {
                    M::Close { target, name }
                }
            }
            b'E' => {
                let mut r = Reader::new("Execute", body);
                let portal = r.cstr()?;
                let max_rows = r.i32()?;
                r.finish()?;
                M::Execute { portal, max_rows }
            }
            b'S' => empty(M::Sync, "Sync", body)?,
            b'H' => empty(M::Flush, "Flush", body)?,
            b'X' => empty(M::Terminate, "Terminate", body)?,
            b'c' => empty(M::CopyDone, "CopyDone", body)?,
            b'd' => M::CopyData(body),
            b'f' => {
                let mut r = Reader::new("CopyFail", body);
                let m = r.cstr_lossy()?;
                r.finish()?;
                M::CopyFail(m)
            }
            b'F' => {
                let mut r = Reader::new("FunctionCall", body);
                let function_oid = r.u32()?;
                let arg_formats = read_formats(&mut r)?;
                let n = r.i16()? as u16 as usize;
                if n > r.remaining() / 4 {
                    return Err(ProtoError::malformed("FunctionCall", "argument count exceeds body"));
                }
                let mut args = Vec::with_capacity(n);
                for _ in 0..n {
                    args.push(r.nullable_bytes()?);
                }
                let result_format = r.i16()?;
                r.finish()?;
                M::FunctionCall {
                    function_oid,
                    arg_formats,
                    args,
                    result_format,
                }
            }
            other => return Err(ProtoError::UnknownTag(other)),
        })
    }

    /// Appends this message, framed, to `buf`.
    pub fn encode(&self, buf: &mut BytesMut) -> Result<(), ProtoError> {
        use FrontendMessage as M;
        match self {
            M::Password(p) => password(buf, p.as_bytes()),
            M::SaslInitialResponse { mechanism, data } => write_msg(buf, b'p', |b| {
                put_cstr(b, mechanism.as_bytes(), "SASL mechanism")?;
                match data {
                    None => b.put_i32(-1),
                    Some(d) => {
                        b.put_i32(d.len() as i32);
                        b.put_slice(d);
                    }
                }
                Ok(())
            }),
            M::SaslResponse(d) | M::AuthResponse(d) => {
                sasl_response(buf, d);
                Ok(())
            }
            M::Query(q) => query(buf, q),
            M::Parse {
                name,
                query,
                param_types,
            } => parse(buf, name, query, param_types),
            M::Bind {
                portal,
                statement,
                param_formats,
                params,
                result_formats,
            } => bind(
                buf,
                portal,
                statement,
                param_formats,
                params.len(),
                |i, b| match &params[i] {
                    None => Ok(false),
                    Some(v) => {
                        b.put_slice(v);
                        Ok(true)
                    }
                },
                result_formats,
            )
            .map_err(|e: BindError<ProtoError>| match e {
                BindError::Proto(e) | BindError::Param(_, e) => e,
            }),
            M::Describe { target, name } => describe(buf, *target, name),
            M::Execute { portal, max_rows } => execute(buf, portal, *max_rows),
            M::Close { target, name } => close(buf, *target, name),
            M::Sync => {
                sync(buf);
                Ok(())
            }
            M::Flush => {
                flush(buf);
                Ok(())
            }
            M::Terminate => {
                terminate(buf);
                Ok(())
            }
            M::CopyData(d) => {
                copy_data(buf, d);
                Ok(())
            }
            M::CopyDone => {
                copy_done(buf);
                Ok(())
            }
            M::CopyFail(m) => copy_fail(buf, m),
            M::FunctionCall {
                function_oid,
                arg_formats,
                args,
                result_format,
            } => write_msg(buf, b'F', |b| {
                b.put_u32(*function_oid);
                put_formats(b, arg_formats)?;
                put_count(b, args.len(), "arguments")?;
                for a in args {
                    match a {
                        None => b.put_i32(-1),
                        Some(v) => {
                            b.put_i32(v.len() as i32);
                            b.put_slice(v);
                        }
                    }
                }
                b.put_i16(*result_format);
                Ok(())
            }),
        }
    }
}

fn empty(m: FrontendMessage, name: &'static str, body: Bytes) -> Result<FrontendMessage, ProtoError> {
    Reader::new(name, body).finish()?;
    Ok(m)
}

fn read_formats(r: &mut Reader) -> Result<Vec<i16>, ProtoError> {
    let n = r.i16()? as u16 as usize;
    if n > r.remaining() / 2 {
        return Err(ProtoError::malformed("Bind", "format count exceeds body"));
    }
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(r.i16()?);
    }
    Ok(v)
}

fn put_formats(b: &mut BytesMut, formats: &[i16]) -> Result<(), ProtoError> {
    put_count(b, formats.len(), "format codes")?;
    for f in formats {
        b.put_i16(*f);
    }
    Ok(())
}

// ---- Direct encoders: the client's hot path. -------------------------------------

/// Writes a StartupMessage with the given version and parameters.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_proto::frontend::{self, ProtocolVersion};
/// let mut b = BytesMut::new();
/// frontend::startup(&mut b, ProtocolVersion::V3_2, [("user", "alice"), ("database", "db")]).unwrap();
/// assert_eq!(&b[4..8], &196610i32.to_be_bytes());
/// ```
pub fn startup<'a>(
    buf: &mut BytesMut,
    version: ProtocolVersion,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), ProtoError> {
    write_body(buf, |b| {
        b.put_i32(version.to_wire());
        for (k, v) in params {
            if k.is_empty() {
                return Err(ProtoError::InteriorNul {
                    what: "empty startup parameter name",
                });
            }
            put_cstr(b, k.as_bytes(), "startup parameter name")?;
            put_cstr(b, v.as_bytes(), "startup parameter value")?;
        }
        b.put_u8(0);
        Ok(())
    })
}

/// Writes an SSLRequest.
pub fn ssl_request(buf: &mut BytesMut) {
    buf.put_i32(8);
    buf.put_i32(SSL_REQUEST_CODE);
}

/// Writes a CancelRequest with a key of any length PostgreSQL allows (4..=256 bytes).
pub fn cancel_request(buf: &mut BytesMut, process_id: i32, secret_key: &[u8]) -> Result<(), ProtoError> {
    if !(4..=256).contains(&secret_key.len()) {
        return Err(ProtoError::malformed(
            "CancelRequest",
            format!("cancel key of {} bytes (must be 4 to 256)", secret_key.len()),
        ));
    }
    buf.put_i32(12 + secret_key.len() as i32);
    buf.put_i32(CANCEL_REQUEST_CODE);
    buf.put_i32(process_id);
    buf.put_slice(secret_key);
    Ok(())
}

/// Writes a PasswordMessage.
pub fn password(buf: &mut BytesMut, password: &[u8]) -> Result<(), ProtoError> {
    write_msg(buf, b'p', |b| put_cstr(b, password, "password"))
}

/// Writes a SASLInitialResponse.
pub fn sasl_initial_response(buf: &mut BytesMut, mechanism: &str, data: &[u8]) -> Result<(), ProtoError> {
    write_msg(buf, b'p', |b| {
        put_cstr(b, mechanism.as_bytes(), "SASL mechanism")?;
        b.put_i32(data.len() as i32);
        b.put_slice(data);
        Ok(())
    })
}

/// Writes a SASLResponse (or GSSResponse).
pub fn sasl_response(buf: &mut BytesMut, data: &[u8]) {
    let _ = write_msg::<()>(buf, b'p', |b| {
        b.put_slice(data);
        Ok(())
    });
}

/// Writes a simple Query.
pub fn query(buf: &mut BytesMut, sql: &str) -> Result<(), ProtoError> {
    write_msg(buf, b'Q', |b| put_cstr(b, sql.as_bytes(), "query text"))
}

/// Writes a Parse.
pub fn parse(buf: &mut BytesMut, name: &str, sql: &str, param_types: &[u32]) -> Result<(), ProtoError> {
    write_msg(buf, b'P', |b| {
        put_cstr(b, name.as_bytes(), "statement name")?;
        put_cstr(b, sql.as_bytes(), "query text")?;
        put_count(b, param_types.len(), "parameters")?;
        for t in param_types {
            b.put_u32(*t);
        }
        Ok(())
    })
}

/// Why [`bind`] failed: the codec refused something, or encoding parameter `i` failed.
#[derive(Debug)]
pub enum BindError<E> {
    /// A name held a NUL or a count overflowed.
    Proto(ProtoError),
    /// The parameter at this index could not be encoded.
    Param(usize, E),
}

/// Writes a Bind. Each parameter is written by `param(i, buf)`, which appends the value
/// and returns `Ok(true)`, or returns `Ok(false)` for NULL; the length prefix is filled
/// in here. This lets the client encode values straight into the send buffer.
///
/// ```
/// use bytes::{BufMut, BytesMut};
/// use tusk_proto::frontend::{self, BindError};
/// let mut b = BytesMut::new();
/// frontend::bind(&mut b, "", "s1", &[1], 2, |i, out| {
///     if i == 0 { out.put_i32(7); Ok::<_, ()>(true) } else { Ok(false) }
/// }, &[1]).unwrap();
/// assert_eq!(b[0], b'B');
/// ```
pub fn bind<E>(
    buf: &mut BytesMut,
    portal: &str,
    statement: &str,
    param_formats: &[i16],
    param_count: usize,
    mut param: impl FnMut(usize, &mut BytesMut) -> Result<bool, E>,
    result_formats: &[i16],
) -> Result<(), BindError<E>> {
    write_msg(buf, b'B', |b| {
        put_cstr(b, portal.as_bytes(), "portal name").map_err(BindError::Proto)?;
        put_cstr(b, statement.as_bytes(), "statement name").map_err(BindError::Proto)?;
        put_formats(b, param_formats).map_err(BindError::Proto)?;
        put_count(b, param_count, "parameters").map_err(BindError::Proto)?;
        for i in 0..param_count {
            let at = b.len();
            b.put_i32(0);
            let present = param(i, b).map_err(|e| BindError::Param(i, e))?;
            if present {
                let len = b.len() - at - 4;
                if len > i32::MAX as usize {
                    return Err(BindError::Proto(ProtoError::TooMany {
                        what: "bytes in one parameter",
                        count: len,
                    }));
                }
                b[at..at + 4].copy_from_slice(&(len as i32).to_be_bytes());
            } else {
                b.truncate(at + 4);
                b[at..at + 4].copy_from_slice(&(-1i32).to_be_bytes());
            }
        }
        put_formats(b, result_formats).map_err(BindError::Proto)?;
        Ok(())
    })
}

/// Writes a Describe.
pub fn describe(buf: &mut BytesMut, target: Target, name: &str) -> Result<(), ProtoError> {
    write_msg(buf, b'D', |b| {
        b.put_u8(target.byte());
        put_cstr(b, name.as_bytes(), "name")
    })
}

/// Writes an Execute (`max_rows` 0 = no limit).
pub fn execute(buf: &mut BytesMut, portal: &str, max_rows: i32) -> Result<(), ProtoError> {
    write_msg(buf, b'E', |b| {
        put_cstr(b, portal.as_bytes(), "portal name")?;
        b.put_i32(max_rows);
        Ok(())
    })
}

/// Writes a Close.
pub fn close(buf: &mut BytesMut, target: Target, name: &str) -> Result<(), ProtoError> {
    write_msg(buf, b'C', |b| {
        b.put_u8(target.byte());
        put_cstr(b, name.as_bytes(), "name")
    })
}

/// Writes a Sync.
pub fn sync(buf: &mut BytesMut) {
    buf.put_slice(b"S\0\0\0\x04");
}

/// Writes a Flush.
pub fn flush(buf: &mut BytesMut) {
    buf.put_slice(b"H\0\0\0\x04");
}

/// Writes a Terminate.
pub fn terminate(buf: &mut BytesMut) {
    buf.put_slice(b"X\0\0\0\x04");
}

/// Writes a CopyData message.
pub fn copy_data(buf: &mut BytesMut, data: &[u8]) {
    buf.put_u8(b'd');
    buf.put_i32(4 + data.len() as i32);
    buf.put_slice(data);
}

/// Writes a CopyDone.
pub fn copy_done(buf: &mut BytesMut) {
    buf.put_slice(b"c\0\0\0\x04");
}

/// Writes a CopyFail with a message for the server log and error.
pub fn copy_fail(buf: &mut BytesMut, message: &str) -> Result<(), ProtoError> {
    write_msg(buf, b'f', |b| put_cstr(b, message.as_bytes(), "CopyFail message"))
}

/// Whether `buf` starts with a whole tagged frame, for callers that frame by hand.
/// Returns the frame's total size including the tag.
pub fn frame_len(buf: &mut BytesMut, limits: &Limits) -> Result<Option<usize>, ProtoError> {
    Ok(frame(buf, limits.max_message_len)?.map(|(_, n)| n))
}
