//! Messages the server (backend) sends, with encoders and decoders.
//!
//! The client decodes these; a server built on tusk encodes them; tests use both halves
//! to script fake peers. Decoding is incremental: [`BackendMessage::decode`] returns
//! `Ok(None)` until a whole message is buffered, and bodies are `Bytes` slices of the
//! read buffer, so a [`DataRow`] costs no copy.
//!
//! ```
//! use bytes::BytesMut;
//! use tusk_proto::backend::{BackendMessage, TransactionStatus};
//! use tusk_proto::Limits;
//!
//! let mut wire = BytesMut::new();
//! BackendMessage::ReadyForQuery(TransactionStatus::Idle).encode(&mut wire).unwrap();
//! assert_eq!(&wire[..], b"Z\0\0\0\x05I");
//!
//! let mut partial = BytesMut::from(&wire[..3]);
//! assert!(BackendMessage::decode(&mut partial, &Limits::default()).unwrap().is_none());
//! let msg = BackendMessage::decode(&mut wire, &Limits::default()).unwrap().unwrap();
//! assert!(matches!(msg, BackendMessage::ReadyForQuery(TransactionStatus::Idle)));
//! ```

use crate::codec::{Reader, put_count, put_cstr, take_frame, write_msg};
use crate::{Limits, ProtoError};
use bytes::{BufMut, Bytes, BytesMut};
use std::ops::Range;

/// Transaction status carried by ReadyForQuery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionStatus {
    /// `I`: not in a transaction block.
    Idle,
    /// `T`: in a transaction block.
    InTransaction,
    /// `E`: in a failed transaction block; queries are rejected until it ends.
    Failed,
}

impl TransactionStatus {
    /// The status byte on the wire.
    ///
    /// ```
    /// assert_eq!(tusk_proto::backend::TransactionStatus::Failed.byte(), b'E');
    /// ```
    pub fn byte(self) -> u8 {
        match self {
            TransactionStatus::Idle => b'I',
            TransactionStatus::InTransaction => b'T',
            TransactionStatus::Failed => b'E',
        }
    }

    fn from_byte(b: u8) -> Result<TransactionStatus, ProtoError> {
        Ok(match b {
            b'I' => TransactionStatus::Idle,
            b'T' => TransactionStatus::InTransaction,
            b'E' => TransactionStatus::Failed,
            _ => {
                return Err(ProtoError::malformed(
                    "ReadyForQuery",
                    format!("unknown transaction status byte 0x{b:02x}"),
                ));
            }
        })
    }
}

/// The Authentication* family (tag `R`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authentication {
    /// 0: authentication succeeded.
    Ok,
    /// 2: Kerberos V5 (obsolete; no server sends it today).
    KerberosV5,
    /// 3: send the password in clear text.
    CleartextPassword,
    /// 5: send the MD5-hashed password with this salt.
    Md5Password {
        /// The four-byte salt.
        salt: [u8; 4],
    },
    /// 7: GSSAPI.
    Gss,
    /// 8: more GSSAPI or SSPI data.
    GssContinue {
        /// Opaque GSSAPI data.
        data: Bytes,
    },
    /// 9: SSPI.
    Sspi,
    /// 10: SASL, with the mechanisms the server offers in its order of preference.
    Sasl {
        /// Mechanism names, e.g. `SCRAM-SHA-256-PLUS`, `SCRAM-SHA-256`.
        mechanisms: Vec<String>,
    },
    /// 11: a SASL challenge.
    SaslContinue {
        /// Mechanism-specific data.
        data: Bytes,
    },
    /// 12: the SASL outcome (e.g. SCRAM's server signature).
    SaslFinal {
        /// Mechanism-specific data.
        data: Bytes,
    },
}

/// One column of a RowDescription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDescription {
    /// Column name (or label).
    pub name: String,
    /// OID of the source table, or 0.
    pub table_oid: u32,
    /// Attribute number in the source table, or 0.
    pub column_id: i16,
    /// OID of the column's type.
    pub type_oid: u32,
    /// `pg_type.typlen`: negative for variable width.
    pub type_size: i16,
    /// Type modifier (`atttypmod`), -1 if none.
    pub type_modifier: i32,
    /// 0 for text, 1 for binary (0 in replies to Describe of a statement).
    pub format: i16,
}

/// The fields of an ErrorResponse or NoticeResponse, keyed by their one-byte codes.
///
/// Every field is kept, including codes this version does not know, so nothing the
/// server said is lost.
///
/// ```
/// use tusk_proto::backend::ErrorFields;
/// let f = ErrorFields::new(vec![(b'S', "ERROR".into()), (b'C', "42P01".into()), (b'M', "no such table".into())]);
/// assert_eq!(f.get(b'C'), Some("42P01"));
/// assert_eq!(f.get(b'D'), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorFields {
    fields: Vec<(u8, String)>,
}

impl ErrorFields {
    /// Field code `S`: localized severity.
    pub const SEVERITY: u8 = b'S';
    /// Field code `V`: non-localized severity (9.6+).
    pub const SEVERITY_NONLOCALIZED: u8 = b'V';
    /// Field code `C`: SQLSTATE.
    pub const CODE: u8 = b'C';
    /// Field code `M`: primary message.
    pub const MESSAGE: u8 = b'M';
    /// Field code `D`: detail.
    pub const DETAIL: u8 = b'D';
    /// Field code `H`: hint.
    pub const HINT: u8 = b'H';
    /// Field code `P`: cursor position in the query (1-based characters).
    pub const POSITION: u8 = b'P';
    /// Field code `p`: position in an internally generated query.
    pub const INTERNAL_POSITION: u8 = b'p';
    /// Field code `q`: the internally generated query.
    pub const INTERNAL_QUERY: u8 = b'q';
    /// Field code `W`: context (call stack).
    pub const WHERE: u8 = b'W';
    /// Field code `s`: schema name.
    pub const SCHEMA: u8 = b's';
    /// Field code `t`: table name.
    pub const TABLE: u8 = b't';
    /// Field code `c`: column name.
    pub const COLUMN: u8 = b'c';
    /// Field code `d`: data type name.
    pub const DATATYPE: u8 = b'd';
    /// Field code `n`: constraint name.
    pub const CONSTRAINT: u8 = b'n';
    /// Field code `F`: source file.
    pub const FILE: u8 = b'F';
    /// Field code `L`: source line.
    pub const LINE: u8 = b'L';
    /// Field code `R`: source routine.
    pub const ROUTINE: u8 = b'R';

    /// Builds from `(code, value)` pairs.
    pub fn new(fields: Vec<(u8, String)>) -> ErrorFields {
        ErrorFields { fields }
    }

    /// The value of field `code`, if present (the first one if repeated).
    pub fn get(&self, code: u8) -> Option<&str> {
        self.fields.iter().find(|(c, _)| *c == code).map(|(_, v)| v.as_str())
    }

    /// All fields in the order the server sent them.
    pub fn iter(&self) -> impl Iterator<Item = (u8, &str)> {
        self.fields.iter().map(|(c, v)| (*c, v.as_str()))
    }

    fn decode(msg: &'static str, mut r: Reader) -> Result<ErrorFields, ProtoError> {
        let mut fields = Vec::new();
        loop {
            let code = r.u8()?;
            if code == 0 {
                break;
            }
            fields.push((code, r.cstr_lossy()?));
        }
        r.finish()?;
        if fields.is_empty() && msg == "ErrorResponse" {
            // Still a valid frame; callers fill in defaults.
        }
        Ok(ErrorFields { fields })
    }

    fn encode(&self, buf: &mut BytesMut) -> Result<(), ProtoError> {
        for (code, value) in &self.fields {
            if *code == 0 {
                return Err(ProtoError::InteriorNul {
                    what: "error field code",
                });
            }
            buf.put_u8(*code);
            put_cstr(buf, value.as_bytes(), "error field")?;
        }
        buf.put_u8(0);
        Ok(())
    }
}

/// A DataRow: one `Bytes` holding the whole body, decoded lazily.
///
/// The body is `Int16 count` then, per column, `Int32 len` (-1 for NULL) and the bytes.
/// [`DataRow::ranges`] validates the layout once and yields where each value lies, so
/// a row type can keep `body` plus ranges and decode a column only when asked.
///
/// ```
/// use bytes::Bytes;
/// use tusk_proto::backend::DataRow;
///
/// let row = DataRow::from_values(&[Some(&b"42"[..]), None]);
/// let mut ranges = Vec::new();
/// row.ranges(&mut ranges).unwrap();
/// assert_eq!(ranges.len(), 2);
/// assert_eq!(&row.body()[ranges[0].clone().unwrap()], b"42");
/// assert!(ranges[1].is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRow {
    body: Bytes,
}

impl DataRow {
    /// Wraps a raw DataRow body (as on the wire, after the length).
    pub fn from_body(body: Bytes) -> DataRow {
        DataRow { body }
    }

    /// Builds a row from column values (`None` for NULL).
    pub fn from_values(values: &[Option<&[u8]>]) -> DataRow {
        let mut b = BytesMut::new();
        b.put_u16(values.len() as u16);
        for v in values {
            match v {
                None => b.put_i32(-1),
                Some(v) => {
                    b.put_i32(v.len() as i32);
                    b.put_slice(v);
                }
            }
        }
        DataRow { body: b.freeze() }
    }

    /// The raw body: the column count then length-prefixed values.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Consumes the row, returning its body.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// The number of columns the row declares.
    pub fn len(&self) -> usize {
        if self.body.len() < 2 {
            0
        } else {
            u16::from_be_bytes([self.body[0], self.body[1]]) as usize
        }
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Validates the body and appends, for each column, the byte range of its value in
    /// [`DataRow::body`] (`None` for NULL). `out` is cleared first.
    pub fn ranges(&self, out: &mut Vec<Option<Range<usize>>>) -> Result<(), ProtoError> {
        out.clear();
        let b = &self.body[..];
        if b.len() < 2 {
            return Err(ProtoError::malformed("DataRow", "missing column count"));
        }
        let n = u16::from_be_bytes([b[0], b[1]]) as usize;
        out.reserve(n);
        let mut pos = 2;
        for _ in 0..n {
            let Some(len) = b.get(pos..pos + 4) else {
                return Err(ProtoError::malformed("DataRow", "truncated column length"));
            };
            let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
            pos += 4;
            if len == -1 {
                out.push(None);
                continue;
            }
            if len < 0 {
                return Err(ProtoError::malformed("DataRow", format!("invalid column length {len}")));
            }
            let end = pos + len as usize;
            if end > b.len() {
                return Err(ProtoError::malformed("DataRow", "column value runs past the message"));
            }
            out.push(Some(pos..end));
            pos = end;
        }
        if pos != b.len() {
            return Err(ProtoError::malformed("DataRow", "trailing bytes after the last column"));
        }
        Ok(())
    }
}

/// Format codes of a CopyIn/CopyOut/CopyBoth response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyResponse {
    /// 0: textual COPY (text or CSV); 1: binary.
    pub format: i8,
    /// Per-column format codes.
    pub column_formats: Vec<i16>,
}

/// Every message a PostgreSQL server sends, protocol 3.0 and 3.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendMessage {
    /// `R`: an authentication request or outcome.
    Authentication(Authentication),
    /// `K`: process id and cancel key (4 bytes in 3.0; up to 256 in 3.2).
    BackendKeyData {
        /// Backend process id.
        process_id: i32,
        /// Secret cancel key.
        secret_key: Bytes,
    },
    /// `S`: a run-time parameter's value.
    ParameterStatus {
        /// Parameter name.
        name: String,
        /// Its current value.
        value: String,
    },
    /// `Z`: ready for a new query.
    ReadyForQuery(TransactionStatus),
    /// `T`: the columns of the rows that follow.
    RowDescription(Vec<FieldDescription>),
    /// `D`: one row.
    DataRow(DataRow),
    /// `C`: a command finished; the tag says what it did (`INSERT 0 1`, `SELECT 5`).
    CommandComplete {
        /// The command tag.
        tag: String,
    },
    /// `I`: the query string was empty.
    EmptyQueryResponse,
    /// `E`: an error.
    ErrorResponse(ErrorFields),
    /// `N`: a notice (warning, info…).
    NoticeResponse(ErrorFields),
    /// `1`: Parse done.
    ParseComplete,
    /// `2`: Bind done.
    BindComplete,
    /// `3`: Close done.
    CloseComplete,
    /// `n`: the described statement or portal returns no rows.
    NoData,
    /// `t`: parameter types of a described statement.
    ParameterDescription(Vec<u32>),
    /// `s`: Execute hit its row limit; the portal can be resumed.
    PortalSuspended,
    /// `A`: a NOTIFY.
    NotificationResponse {
        /// The notifying backend's process id.
        process_id: i32,
        /// Channel name.
        channel: String,
        /// Payload (may be empty).
        payload: String,
    },
    /// `v`: the server supports an older minor version, or not all `_pq_.` options.
    NegotiateProtocolVersion {
        /// Newest protocol version the server supports. The protocol documentation
        /// calls this the newest *minor* version, but PostgreSQL sends the whole
        /// version code (`3 << 16 | minor`, e.g. 196608 for 3.0); readers should accept
        /// both (`ProtocolVersion::from_wire` for values over 0xffff).
        newest_minor: i32,
        /// Protocol options the server did not recognise.
        unrecognized: Vec<String>,
    },
    /// `G`: ready to receive COPY data.
    CopyInResponse(CopyResponse),
    /// `H`: about to send COPY data.
    CopyOutResponse(CopyResponse),
    /// `W`: COPY both ways (replication).
    CopyBothResponse(CopyResponse),
    /// `d`: COPY data.
    CopyData(Bytes),
    /// `c`: end of COPY data.
    CopyDone,
    /// `V`: a function call's result (`None` for NULL).
    FunctionCallResponse(Option<Bytes>),
}

impl BackendMessage {
    /// Decodes one message from the front of `buf`, consuming it. `Ok(None)`: not a
    /// whole message yet (nothing consumed).
    pub fn decode(buf: &mut BytesMut, limits: &Limits) -> Result<Option<BackendMessage>, ProtoError> {
        let Some((tag, body)) = take_frame(buf, limits.max_message_len)? else {
            return Ok(None);
        };
        Self::decode_body(tag, body).map(Some)
    }

    /// Decodes a message body whose tag and framing were already read.
    pub fn decode_body(tag: u8, body: Bytes) -> Result<BackendMessage, ProtoError> {
        use BackendMessage as M;
        Ok(match tag {
            b'D' => M::DataRow(DataRow { body }),
            b'R' => M::Authentication(decode_auth(Reader::new("Authentication", body))?),
            b'K' => {
                let mut r = Reader::new("BackendKeyData", body);
                let process_id = r.i32()?;
                let secret_key = r.rest();
                if !(4..=256).contains(&secret_key.len()) {
                    return Err(ProtoError::malformed(
                        "BackendKeyData",
                        format!("cancel key of {} bytes (must be 4 to 256)", secret_key.len()),
                    ));
                }
                M::BackendKeyData { process_id, secret_key }
            }
            b'S' => {
                let mut r = Reader::new("ParameterStatus", body);
                let name = r.cstr()?;
                let value = r.cstr()?;
                r.finish()?;
                M::ParameterStatus { name, value }
            }
            b'Z' => {
                let mut r = Reader::new("ReadyForQuery", body);
                let s = TransactionStatus::from_byte(r.u8()?)?;
                r.finish()?;
                M::ReadyForQuery(s)
            }
            b'T' => {
                let mut r = Reader::new("RowDescription", body);
                let n = r.count16("field")?;
                // Each field takes at least 19 bytes: bound the allocation by the body.
                if n > r.remaining() / 19 {
                    return Err(ProtoError::malformed("RowDescription", "field count exceeds body"));
                }
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    fields.push(FieldDescription {
                        name: r.cstr()?,
                        table_oid: r.u32()?,
                        column_id: r.i16()?,
                        type_oid: r.u32()?,
                        type_size: r.i16()?,
                        type_modifier: r.i32()?,
                        format: r.i16()?,
                    });
                }
                r.finish()?;
                M::RowDescription(fields)
            }
            b'C' => {
                let mut r = Reader::new("CommandComplete", body);
                let tag = r.cstr()?;
                r.finish()?;
                M::CommandComplete { tag }
            }
            b'I' => empty(M::EmptyQueryResponse, "EmptyQueryResponse", body)?,
            b'E' => M::ErrorResponse(ErrorFields::decode(
                "ErrorResponse",
                Reader::new("ErrorResponse", body),
            )?),
            b'N' => M::NoticeResponse(ErrorFields::decode(
                "NoticeResponse",
                Reader::new("NoticeResponse", body),
            )?),
            b'1' => empty(M::ParseComplete, "ParseComplete", body)?,
            b'2' => empty(M::BindComplete, "BindComplete", body)?,
            b'3' => empty(M::CloseComplete, "CloseComplete", body)?,
            b'n' => empty(M::NoData, "NoData", body)?,
            b's' => empty(M::PortalSuspended, "PortalSuspended", body)?,
            b'c' => empty(M::CopyDone, "CopyDone", body)?,
            b't' => {
                let mut r = Reader::new("ParameterDescription", body);
                let n = r.i16()? as u16 as usize;
                if n * 4 != r.remaining() {
                    return Err(ProtoError::malformed(
                        "ParameterDescription",
                        "count does not match body",
                    ));
                }
                let mut oids = Vec::with_capacity(n);
                for _ in 0..n {
                    oids.push(r.u32()?);
                }
                M::ParameterDescription(oids)
            }
            b'A' => {
                let mut r = Reader::new("NotificationResponse", body);
                let process_id = r.i32()?;
                let channel = r.cstr()?;
                let payload = r.cstr()?;
                r.finish()?;
                M::NotificationResponse {
                    process_id,
                    channel,
                    payload,
                }
            }
            b'v' => {
                let mut r = Reader::new("NegotiateProtocolVersion", body);
                let newest_minor = r.i32()?;
                let n = r.i32()?;
                if n < 0 || n as usize > r.remaining() {
                    return Err(ProtoError::malformed("NegotiateProtocolVersion", "bad option count"));
                }
                let mut unrecognized = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    unrecognized.push(r.cstr()?);
                }
                r.finish()?;
                M::NegotiateProtocolVersion {
                    newest_minor,
                    unrecognized,
                }
            }
            b'G' => M::CopyInResponse(decode_copy_response("CopyInResponse", body)?),
            b'H' => M::CopyOutResponse(decode_copy_response("CopyOutResponse", body)?),
            b'W' => M::CopyBothResponse(decode_copy_response("CopyBothResponse", body)?),
            b'd' => M::CopyData(body),
            b'V' => {
                let mut r = Reader::new("FunctionCallResponse", body);
                let v = r.nullable_bytes()?;
                r.finish()?;
                M::FunctionCallResponse(v)
            }
            other => return Err(ProtoError::UnknownTag(other)),
        })
    }

    /// The one-byte tag of this message.
    ///
    /// ```
    /// assert_eq!(tusk_proto::backend::BackendMessage::NoData.tag(), b'n');
    /// ```
    pub fn tag(&self) -> u8 {
        use BackendMessage as M;
        match self {
            M::Authentication(_) => b'R',
            M::BackendKeyData { .. } => b'K',
            M::ParameterStatus { .. } => b'S',
            M::ReadyForQuery(_) => b'Z',
            M::RowDescription(_) => b'T',
            M::DataRow(_) => b'D',
            M::CommandComplete { .. } => b'C',
            M::EmptyQueryResponse => b'I',
            M::ErrorResponse(_) => b'E',
            M::NoticeResponse(_) => b'N',
            M::ParseComplete => b'1',
            M::BindComplete => b'2',
            M::CloseComplete => b'3',
            M::NoData => b'n',
            M::ParameterDescription(_) => b't',
            M::PortalSuspended => b's',
            M::NotificationResponse { .. } => b'A',
            M::NegotiateProtocolVersion { .. } => b'v',
            M::CopyInResponse(_) => b'G',
            M::CopyOutResponse(_) => b'H',
            M::CopyBothResponse(_) => b'W',
            M::CopyData(_) => b'd',
            M::CopyDone => b'c',
            M::FunctionCallResponse(_) => b'V',
        }
    }

    /// Appends this message, framed, to `buf`. Fails (writing nothing) if a string holds
    /// a NUL or a count overflows its field.
    pub fn encode(&self, buf: &mut BytesMut) -> Result<(), ProtoError> {
        use BackendMessage as M;
        write_msg(buf, self.tag(), |b| {
            match self {
                M::Authentication(a) => encode_auth(a, b)?,
                M::BackendKeyData { process_id, secret_key } => {
                    b.put_i32(*process_id);
                    b.put_slice(secret_key);
                }
                M::ParameterStatus { name, value } => {
                    put_cstr(b, name.as_bytes(), "parameter name")?;
                    put_cstr(b, value.as_bytes(), "parameter value")?;
                }
                M::ReadyForQuery(s) => b.put_u8(s.byte()),
                M::RowDescription(fields) => {
                    put_count(b, fields.len(), "fields")?;
                    for f in fields {
                        put_cstr(b, f.name.as_bytes(), "column name")?;
                        b.put_u32(f.table_oid);
                        b.put_i16(f.column_id);
                        b.put_u32(f.type_oid);
                        b.put_i16(f.type_size);
                        b.put_i32(f.type_modifier);
                        b.put_i16(f.format);
                    }
                }
                M::DataRow(row) => b.put_slice(row.body()),
                M::CommandComplete { tag } => put_cstr(b, tag.as_bytes(), "command tag")?,
                M::ErrorResponse(f) | M::NoticeResponse(f) => f.encode(b)?,
                M::EmptyQueryResponse
                | M::ParseComplete
                | M::BindComplete
                | M::CloseComplete
                | M::NoData
                | M::PortalSuspended
                | M::CopyDone => {}
                M::ParameterDescription(oids) => {
                    put_count(b, oids.len(), "parameters")?;
                    for o in oids {
                        b.put_u32(*o);
                    }
                }
                M::NotificationResponse {
                    process_id,
                    channel,
                    payload,
                } => {
                    b.put_i32(*process_id);
                    put_cstr(b, channel.as_bytes(), "channel")?;
                    put_cstr(b, payload.as_bytes(), "payload")?;
                }
                M::NegotiateProtocolVersion {
                    newest_minor,
                    unrecognized,
                } => {
                    b.put_i32(*newest_minor);
                    b.put_i32(unrecognized.len() as i32);
                    for o in unrecognized {
                        put_cstr(b, o.as_bytes(), "option name")?;
                    }
                }
                M::CopyInResponse(c) | M::CopyOutResponse(c) | M::CopyBothResponse(c) => {
                    b.put_i8(c.format);
                    put_count(b, c.column_formats.len(), "columns")?;
                    for f in &c.column_formats {
                        b.put_i16(*f);
                    }
                }
                M::CopyData(data) => b.put_slice(data),
                M::FunctionCallResponse(v) => match v {
                    None => b.put_i32(-1),
                    Some(v) => {
                        b.put_i32(v.len() as i32);
                        b.put_slice(v);
                    }
                },
            }
            Ok(())
        })
    }
}

fn empty(m: BackendMessage, name: &'static str, body: Bytes) -> Result<BackendMessage, ProtoError> {
    Reader::new(name, body).finish()?;
    Ok(m)
}

fn decode_copy_response(name: &'static str, body: Bytes) -> Result<CopyResponse, ProtoError> {
    let mut r = Reader::new(name, body);
    let format = r.u8()? as i8;
    let n = r.count16("column")?;
    if n * 2 != r.remaining() {
        return Err(ProtoError::malformed(name, "column count does not match body"));
    }
    let mut column_formats = Vec::with_capacity(n);
    for _ in 0..n {
        column_formats.push(r.i16()?);
    }
    Ok(CopyResponse { format, column_formats })
}

fn decode_auth(mut r: Reader) -> Result<Authentication, ProtoError> {
    let code = r.i32()?;
    let a = match code {
        0 => Authentication::Ok,
        2 => Authentication::KerberosV5,
        3 => Authentication::CleartextPassword,
        5 => {
            let s = r.bytes(4)?;
            Authentication::Md5Password {
                salt: [s[0], s[1], s[2], s[3]],
            }
        }
        7 => Authentication::Gss,
        8 => Authentication::GssContinue { data: r.rest() },
        9 => Authentication::Sspi,
        10 => {
            let mut mechanisms = Vec::new();
            loop {
                let m = r.cstr()?;
                if m.is_empty() {
                    break;
                }
                mechanisms.push(m);
            }
            Authentication::Sasl { mechanisms }
        }
        11 => Authentication::SaslContinue { data: r.rest() },
        12 => Authentication::SaslFinal { data: r.rest() },
        other => {
            return Err(ProtoError::malformed(
                "Authentication",
                format!("unknown authentication request code {other}"),
            ));
        }
    };
    r.finish()?;
    Ok(a)
}

fn encode_auth(a: &Authentication, b: &mut BytesMut) -> Result<(), ProtoError> {
    match a {
        Authentication::Ok => b.put_i32(0),
        Authentication::KerberosV5 => b.put_i32(2),
        Authentication::CleartextPassword => b.put_i32(3),
        Authentication::Md5Password { salt } => {
            b.put_i32(5);
            b.put_slice(salt);
        }
        Authentication::Gss => b.put_i32(7),
        Authentication::GssContinue { data } => {
            b.put_i32(8);
            b.put_slice(data);
        }
        Authentication::Sspi => b.put_i32(9),
        Authentication::Sasl { mechanisms } => {
            b.put_i32(10);
            for m in mechanisms {
                if m.is_empty() {
                    return Err(ProtoError::InteriorNul {
                        what: "empty SASL mechanism name",
                    });
                }
                put_cstr(b, m.as_bytes(), "SASL mechanism")?;
            }
            b.put_u8(0);
        }
        Authentication::SaslContinue { data } => {
            b.put_i32(11);
            b.put_slice(data);
        }
        Authentication::SaslFinal { data } => {
            b.put_i32(12);
            b.put_slice(data);
        }
    }
    Ok(())
}
