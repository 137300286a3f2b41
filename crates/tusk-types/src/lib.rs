//! PostgreSQL types for tusk: type OIDs, and the conversions between Rust
//! values and the bytes PostgreSQL sends and receives.
//!
//! # How values cross the wire
//!
//! PostgreSQL never sends a "value object". It sends bytes, plus enough
//! metadata elsewhere in the conversation to interpret them:
//!
//! * **Results.** A `RowDescription` message names each column's type by
//!   [`Oid`] and says which [`Format`] the column is in. Each following
//!   `DataRow` carries every column as a 32-bit length and that many bytes. A
//!   length of −1 means SQL `NULL`, and no bytes follow.
//! * **Parameters.** A `Bind` message carries each parameter the same way
//!   (length, then bytes; −1 for `NULL`), with a format code per parameter.
//!   The parameter types come from the `ParameterDescription` the server sent
//!   after `Parse`.
//!
//! This crate owns the bytes *inside* those length prefixes. [`ToSql`] turns a
//! Rust value into them and [`FromSql`] turns them back; neither sees the
//! length prefix, and neither does I/O.
//!
//! # Two formats
//!
//! Every type has a **text** format: what the type's output function prints,
//! the same characters `psql` shows (`42`, `t`, `2024-01-31`, `\x0102`).
//! Most types also have a **binary** format, written by the type's `send`
//! function: network byte order (big-endian) integers, IEEE 754 floats, raw
//! bytes for `bytea`, and so on. Binary is smaller and faster to decode, but
//! only for the types whose layout a client knows;
//! [`Type::binary_supported`] says which types tusk-types decodes in binary.
//! A client therefore asks for binary results for those columns and text for
//! the rest — every type has a text form, and `String` decodes any of them
//! (a binary `numeric`, date, time, network, geometric or text-search value
//! is printed as the server would print it; `timestamptz` in UTC).
//!
//! For parameters, [`ToSql::format`] says which format a value is encoded in.
//! Numbers, booleans and bytes are always binary. Strings are binary for the
//! textual types and *text* for the others (except the numbers, booleans,
//! `bytea` and `uuid`, which want their Rust types), so that `"12.50"` can be
//! bound to a `numeric` parameter or `"2024-01-31"` to a `date`: the server
//! parses the text as if it had been typed in SQL.
//!
//! # NULL
//!
//! `NULL` is not a value in either format; it is the absence of bytes. A
//! [`ToSql`] implementation writes nothing and returns [`IsNull::Yes`]; on the
//! way back a `NULL` column is handed to [`FromSql::from_sql_null`] instead of
//! [`FromSql::from_sql`]. `Option<T>` maps `NULL` to `None`; every other type
//! refuses it with [`WasNull`].
//!
//! # The mapping
//!
//! | Rust | PostgreSQL |
//! | --- | --- |
//! | `bool` | `bool` |
//! | `i8` | `"char"` |
//! | `i16` | `int2` (`smallint`) |
//! | `i32` | `int4` (`integer`) |
//! | `i64` | `int8` (`bigint`) |
//! | `u32` | `oid`, `regproc`, `regclass`, `regtype` and the other `reg*` types, `xid`, `cid` |
//! | `f32` | `float4` (`real`) |
//! | `f64` | `float8` (`double precision`) |
//! | `String`, `&str`, `Cow<str>` | `text`, `varchar`, `bpchar`, `name`, `unknown`, `json`, `jsonb`, `jsonpath`, `xml`, `refcursor`; in text format any type |
//! | `Vec<u8>`, `&[u8]`, `Cow<[u8]>` | `bytea` |
//! | `[u8; 16]`, `uuid::Uuid` (feature `with-uuid`) | `uuid` |
//! | [`PgNumeric`]; `rust_decimal::Decimal`, `bigdecimal::BigDecimal` (features `with-rust_decimal`, `with-bigdecimal`) | `numeric` |
//! | [`PgMoney`] | `money` |
//! | [`PgDate`]; `chrono::NaiveDate`, `time::Date`, `jiff::civil::Date` | `date` |
//! | [`PgTime`]; `chrono::NaiveTime`, `time::Time`, `jiff::civil::Time` | `time` |
//! | [`PgTimeTz`] | `timetz` |
//! | [`PgTimestamp`], `SystemTime` | `timestamp`, `timestamptz` |
//! | `chrono::NaiveDateTime`, `time::PrimitiveDateTime`, `jiff::civil::DateTime` | `timestamp` |
//! | `chrono::DateTime<Utc>`, `DateTime<FixedOffset>`, `time::OffsetDateTime`, `jiff::Timestamp` | `timestamptz` |
//! | [`PgInterval`] | `interval` |
//! | [`PgInet`], `IpAddr` (a host: `/32`, `/128`), `cidr::IpInet` | `inet` |
//! | [`PgCidr`], `cidr::IpCidr` | `cidr` |
//! | `ipnet::IpNet` | `inet`, `cidr` |
//! | [`PgMacAddr`], `eui48::MacAddress` | `macaddr` |
//! | [`PgMacAddr8`] | `macaddr8` |
//! | [`PgBitVec`], `bit_vec::BitVec` | `bit`, `varbit` |
//! | [`PgPoint`], [`PgLine`], [`PgLSeg`], [`PgBox`], [`PgPath`], [`PgPolygon`], [`PgCircle`]; `geo_types` `Point`, `Line`, `Rect`, `LineString`, `Polygon` | `point`, `line`, `lseg`, `box`, `path`, `polygon`, `circle` |
//! | [`PgTsVector`], [`PgTsQuery`] | `tsvector`, `tsquery` |
//! | [`PgLsn`] | `pg_lsn` |
//! | [`PgSnapshot`] | `pg_snapshot`, `txid_snapshot` |
//! | [`PgInt2Vector`], [`PgOidVector`] | `int2vector`, `oidvector` |
//! | `serde_json::Value`, `Json<T>` (feature `with-serde_json`) | `json`, `jsonb` |
//! | `()` | `void` |
//!
//! The third-party types need their feature: `with-chrono`, `with-time`,
//! `with-jiff`, `with-ipnet`, `with-cidr`, `with-eui48`, `with-bit-vec`,
//! `with-geo-types`. A Rust value PostgreSQL cannot hold (a date before
//! 4713 BC) is a [`ValueOutOfRange`] error when sent; a value the Rust type
//! cannot hold (`infinity` as a `chrono::NaiveDate`, `NaN` as a `Decimal`)
//! is a [`DecodeError`] when read.
//! | `Option<T>` | `T`'s types, with `NULL` as `None` |
//! | `&T`, `Box<T>`, `Arc<T>`, `Rc<T>` (parameters) | `T`'s types |
//!
//! The conversions are strict: an `i64` does not accept an `int4` column or
//! parameter, because a silent narrowing or widening is a bug waiting for the
//! value that does not fit. Ask the server to cast instead (`$1::int8`).
//!
//! # Containers and types created in a database
//!
//! | Rust | PostgreSQL |
//! | --- | --- |
//! | `Vec<T>`, `&[T]` (parameters), `Vec<Option<T>>` | one-dimensional arrays of `T`'s types (`int4[]`, `text[]`, …) |
//! | [`PgArray<T>`] | arrays of any dimensions and lower bounds (`'[0:1][1:2]={{1,2},{3,4}}'`) |
//! | [`PgRange<T>`] | `int4range`, `int8range`, `numrange`, `tsrange`, `tstzrange`, `daterange`, `CREATE TYPE … AS RANGE` |
//! | [`PgMultirange<T>`] | `int4multirange`, … (PostgreSQL 14+) |
//! | [`PgRecord`] | `record` (anonymous rows) and any composite type |
//! | `#[derive(ToSql, FromSql)]` struct | a composite type, field by field by name |
//! | `#[derive(ToSql, FromSql)]` C-like enum, or `String` | an enum type |
//! | `#[derive(ToSql, FromSql)]` `#[tusk(transparent)]` newtype, or the base type's Rust type | a domain |
//! | `HashMap<String, Option<String>>`, `BTreeMap<String, Option<String>>` | `hstore` |
//! | `String`, `&str` | `citext` |
//! | [`PgLtree`], `String` | `ltree` |
//! | [`PgVector`], [`PgHalfVec`], [`PgSparseVec`] | pgvector's `vector`, `halfvec`, `sparsevec` |
//!
//! A container converts in the format its parts do: an `int4[]` is binary, a
//! `numeric[]` bound from `&str` elements is sent as text. Element, bound and
//! field types come from the [`Type`]'s [`Kind`]; for types created in a
//! database a client looks them up in the catalogs ([`Type::new_custom`]).
//! Decoded element types must own their data (`Vec<String>`, not
//! `Vec<&str>`): text elements may need unescaping. The modules of each
//! container teach its wire formats: see [`PgArray`], [`PgRange`],
//! [`PgMultirange`], [`PgRecord`] and [`custom`].
//!
//! # Example
//!
//! ```
//! use bytes::BytesMut;
//! use tusk_types::{Format, FromSql, IsNull, ToSql, Type};
//!
//! // Encoding a parameter: binary int4 is four big-endian bytes.
//! let mut buf = BytesMut::new();
//! assert_eq!(42i32.to_sql(&Type::INT4, &mut buf).unwrap(), IsNull::No);
//! assert_eq!(&buf[..], &[0, 0, 0, 42]);
//!
//! // Decoding a column, in either format.
//! assert_eq!(i32::from_sql(&Type::INT4, Format::Binary, &[0, 0, 0, 42]).unwrap(), 42);
//! assert_eq!(i32::from_sql(&Type::INT4, Format::Text, b"42").unwrap(), 42);
//!
//! // A string sent to a type without binary support travels as text.
//! assert_eq!("12.50".format(&Type::NUMERIC), Format::Text);
//!
//! // NULL.
//! assert_eq!(Option::<i32>::from_sql_null(&Type::INT4).unwrap(), None);
//! assert!(i32::from_sql_null(&Type::INT4).is_err());
//! ```
//!
//! # Implementing the traits
//!
//! A type of your own (an enum, a domain, a newtype) implements [`ToSql`]
//! and/or [`FromSql`] the same way the built-in impls do: check the type,
//! then write or read the bytes. See the trait docs for examples. Return an
//! error, never panic: the bytes come from the network.

#![deny(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;

use bytes::{BufMut, BytesMut};

mod error;
mod impls;
mod types;

pub use error::{DecodeError, DecodeErrorKind, ValueTooLarge, WasNull, WrongType};
pub use impls::array::{ArrayShapeError, Dim, MAX_DIMS, PgArray};
pub use impls::composite::PgRecord;
pub use impls::extension::{PgHalfVec, PgLtree, PgSparseVec, PgVector};
pub use impls::multirange::PgMultirange;
pub use impls::range::PgRange;
pub use types::{Field, Kind, Oid, Type};

/// The `bytes` crate, whose [`bytes::BytesMut`] [`ToSql::to_sql`] writes into
/// (re-exported so that implementations, derived ones included, can name it).
pub use bytes;

/// `#[derive(ToSql)]` and `#[derive(FromSql)]` (feature `derive`): C-like enums as
/// PostgreSQL enums, structs as composite types, `#[tusk(transparent)]` newtypes as their
/// field. Imported together with the traits of the same names. The generated code names
/// this crate as `::tusk::types`; without the `tusk` crate, say
/// `#[tusk(crate = "tusk_types")]`.
///
/// ```
/// use tusk_types::{Format, FromSql, Kind, ToSql, Type};
///
/// #[derive(Debug, PartialEq, ToSql, FromSql)]
/// #[tusk(crate = "tusk_types", rename_all = "lowercase")]
/// enum Mood {
///     Sad,
///     Happy,
/// }
///
/// let mood = Type::new_custom("mood", "public", 16_390, Kind::Enum(vec!["sad".into(), "happy".into()]));
/// assert_eq!(Mood::from_sql(&mood, Format::Text, b"happy").unwrap(), Mood::Happy);
/// assert!(Mood::Sad.accepts(&mood));
/// ```
#[cfg(feature = "derive")]
pub use tusk_macros::{FromSql, ToSql};

#[cfg(feature = "with-serde_json")]
pub use impls::Json;
pub use impls::{
    PgBitVec, PgBox, PgCidr, PgCircle, PgDate, PgInet, PgInt2Vector, PgInterval, PgLSeg, PgLine, PgLsn, PgMacAddr,
    PgMacAddr8, PgMoney, PgNumeric, PgOidVector, PgPath, PgPoint, PgPolygon, PgSnapshot, PgTime, PgTimeTz, PgTimestamp,
    PgTsLexeme, PgTsPosition, PgTsQuery, PgTsQueryItem, PgTsVector, PgTsWeight, ValueOutOfRange, WithOffset,
};

/// Conversions for types created in a database: composites, enums and
/// domains.
///
/// The derive macros of `tusk-macros` (re-exported by `tusk`) generate calls
/// to these helpers; hand-written [`ToSql`] and [`FromSql`] impls for Rust
/// structs and enums can use them the same way. See the function docs for
/// examples, and the module docs of the wire formats:
///
/// * composites: fields matched by name to the type's declared fields
///   ([`Kind::Composite`]), in binary (`record_send`) or text (`record_out`);
/// * enums: the label, the same bytes in both formats;
/// * domains: converted as their base type ([`Type::base`]).
pub mod custom {
    pub use crate::impls::composite::{
        AcceptsFn, CompositeValues, composite_accepts, composite_accepts_values, composite_fields, composite_format,
        encode_composite,
    };
    pub use crate::impls::enum_::{encode_enum_label, enum_accepts, enum_label, unknown_enum_label};
}

/// The boxed error conversions return: any error, thread-safe. This crate's
/// own errors are [`WasNull`], [`WrongType`], [`DecodeError`] and
/// [`ValueTooLarge`]; find them with `downcast_ref`.
///
/// ```
/// use tusk_types::{BoxError, WasNull};
///
/// let err: BoxError = Box::new(WasNull);
/// assert!(err.downcast_ref::<WasNull>().is_some());
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The wire format of one value: the format code in `Bind` and
/// `RowDescription` messages.
///
/// ```
/// use tusk_types::Format;
///
/// assert_eq!(Format::Binary as i16, 1);
/// assert_eq!(Format::from_code(0), Some(Format::Text));
/// assert_eq!(Format::Text.code(), 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i16)]
pub enum Format {
    /// The type's text form, as its output function prints it (code 0).
    Text = 0,
    /// The type's binary form, as its `send` function writes it (code 1).
    Binary = 1,
}

impl Format {
    /// The format code on the wire: 0 for text, 1 for binary.
    ///
    /// ```
    /// use tusk_types::Format;
    ///
    /// assert_eq!(Format::Binary.code(), 1);
    /// ```
    pub const fn code(self) -> i16 {
        self as i16
    }

    /// The format with this wire code, if it is one (0 or 1).
    ///
    /// ```
    /// use tusk_types::Format;
    ///
    /// assert_eq!(Format::from_code(1), Some(Format::Binary));
    /// assert_eq!(Format::from_code(2), None);
    /// ```
    pub const fn from_code(code: i16) -> Option<Format> {
        match code {
            0 => Some(Format::Text),
            1 => Some(Format::Binary),
            _ => None,
        }
    }
}

/// Whether [`ToSql::to_sql`] produced a value or `NULL`.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{IsNull, ToSql, Type};
///
/// let mut buf = BytesMut::new();
/// assert_eq!(None::<i32>.to_sql(&Type::INT4, &mut buf).unwrap(), IsNull::Yes);
/// assert!(buf.is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IsNull {
    /// The value is SQL `NULL`; nothing was written.
    Yes,
    /// The value was written.
    No,
}

/// A Rust value that can be sent as a query parameter.
///
/// The trait is object safe: a query takes its parameters as
/// `&[&(dyn ToSql + Sync)]`, so one call can mix types.
///
/// Implementations check the type: [`to_sql`](ToSql::to_sql) returns a
/// [`WrongType`] error for a type [`accepts`](ToSql::accepts) refuses instead
/// of writing bytes the server would misread.
///
/// # Implementing
///
/// ```
/// use bytes::{BufMut, BytesMut};
/// use tusk_types::{BoxError, IsNull, ToSql, Type, WrongType};
///
/// /// A count stored in an `int8` column.
/// #[derive(Debug)]
/// struct Count(u32);
///
/// impl ToSql for Count {
///     fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
///         if !self.accepts(ty) {
///             return Err(Box::new(WrongType::new("Count", ty.clone())));
///         }
///         out.put_i64(i64::from(self.0));
///         Ok(IsNull::No)
///     }
///
///     fn accepts(&self, ty: &Type) -> bool {
///         *ty == Type::INT8
///     }
/// }
///
/// let params: &[&(dyn ToSql + Sync)] = &[&Count(7), &"seven", &None::<i32>];
/// let mut buf = BytesMut::new();
/// params[0].to_sql(&Type::INT8, &mut buf).unwrap();
/// assert_eq!(&buf[..], &7i64.to_be_bytes());
/// ```
pub trait ToSql: fmt::Debug {
    /// Appends the encoded value to `out`, without a length prefix, in the
    /// format [`format`](ToSql::format) names. Returns [`IsNull::Yes`] for
    /// `NULL`, having written nothing.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use tusk_types::{IsNull, ToSql, Type};
    ///
    /// let mut buf = BytesMut::new();
    /// assert_eq!(true.to_sql(&Type::BOOL, &mut buf).unwrap(), IsNull::No);
    /// assert_eq!(&buf[..], &[1]);
    /// assert!(7i64.to_sql(&Type::INT4, &mut buf).is_err());
    /// ```
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError>;

    /// Whether this value can be sent as a parameter of server type `ty`.
    /// Honest and exact: an `i64` does not accept `int4`.
    ///
    /// ```
    /// use tusk_types::{ToSql, Type};
    ///
    /// assert!(7i64.accepts(&Type::INT8));
    /// assert!(!7i64.accepts(&Type::INT4));
    /// assert!("12.5".accepts(&Type::NUMERIC)); // sent as text
    /// ```
    fn accepts(&self, ty: &Type) -> bool;

    /// The wire format this value is encoded in for `ty`: binary unless the
    /// implementation says otherwise. Strings sent to a type without binary
    /// support use [`Format::Text`].
    ///
    /// ```
    /// use tusk_types::{Format, ToSql, Type};
    ///
    /// assert_eq!(1i32.format(&Type::INT4), Format::Binary);
    /// assert_eq!("hello".format(&Type::TEXT), Format::Binary);
    /// assert_eq!("2024-01-31".format(&Type::DATE), Format::Text);
    /// ```
    fn format(&self, ty: &Type) -> Format {
        let _ = ty;
        Format::Binary
    }

    /// The Rust type's name, for error messages about a parameter known only
    /// as `&dyn ToSql`. The default is [`std::any::type_name`]; this crate's
    /// impls give the short name (`"i64"`, `"String"`), and pointers and
    /// `Some` give their target's.
    ///
    /// ```
    /// use tusk_types::ToSql;
    ///
    /// let params: [&(dyn ToSql + Sync); 3] = [&1i64, &"x", &Box::new(2.5f64)];
    /// let names: Vec<&str> = params.iter().map(|p| p.type_name()).collect();
    /// assert_eq!(names, ["i64", "&str", "f64"]);
    /// ```
    fn type_name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }

    /// Appends the value as one length-prefixed field, the way binary COPY rows and
    /// Bind parameters carry values: a 4-byte big-endian length (`-1` for `NULL`, then
    /// nothing) followed by the bytes. Checks [`accepts`](ToSql::accepts) first (a
    /// [`WrongType`] error) and returns the [`format`](ToSql::format) used; on any
    /// error nothing is left in `out`.
    ///
    /// It does in one call what `accepts`, `to_sql` and `format` do in three, so
    /// through `&dyn ToSql` a value costs one dynamic call; implementations rarely
    /// need to override it.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use tusk_types::{Format, ToSql, Type};
    ///
    /// let mut buf = BytesMut::new();
    /// assert_eq!(7i16.encode_field(&Type::INT2, &mut buf).unwrap(), Format::Binary);
    /// None::<i16>.encode_field(&Type::INT2, &mut buf).unwrap();
    /// assert_eq!(&buf[..], &[0, 0, 0, 2, 0, 7, 255, 255, 255, 255]);
    /// assert!(7i64.encode_field(&Type::INT2, &mut buf).is_err());
    /// assert_eq!(buf.len(), 10);
    /// ```
    fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
        encode_field_generic(self, ty, out)
    }
}

/// The default [`ToSql::encode_field`], for overrides that take a shortcut for some
/// types and fall back to it for the rest.
#[inline]
pub(crate) fn encode_field_generic<T: ToSql + ?Sized>(
    value: &T,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<Format, BoxError> {
    if !value.accepts(ty) {
        return Err(Box::new(WrongType::new(value.type_name(), ty.clone())));
    }
    let start = out.len();
    out.put_i32(0);
    match value.to_sql(ty, out) {
        Ok(IsNull::Yes) => {
            out.truncate(start);
            out.put_i32(-1);
        }
        Ok(IsNull::No) => {
            let len = out.len() - start - 4;
            let Ok(len32) = i32::try_from(len) else {
                out.truncate(start);
                return Err(Box::new(ValueTooLarge { len }));
            };
            out[start..start + 4].copy_from_slice(&len32.to_be_bytes());
        }
        Err(e) => {
            out.truncate(start);
            return Err(e);
        }
    }
    Ok(value.format(ty))
}

/// A Rust value decoded from a column.
///
/// `raw` is the column's bytes, in `format`, without the length prefix. A
/// `NULL` column goes to [`from_sql_null`](FromSql::from_sql_null) instead.
/// The lifetime `'a` lets a value borrow from the row (`&'a str`,
/// `&'a [u8]`): no copy.
///
/// Implementations must return an error, never panic, on any bytes: they come
/// from the network.
///
/// # Implementing
///
/// ```
/// use tusk_types::{BoxError, DecodeError, DecodeErrorKind, Format, FromSql, Type, WrongType};
///
/// /// A mood stored as text (say, an enum type read in text format).
/// #[derive(Debug, PartialEq)]
/// enum Mood { Happy, Sad }
///
/// impl<'a> FromSql<'a> for Mood {
///     fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
///         // Every type has a text form; decode it with the &str impl.
///         match <&str>::from_sql(ty, format, raw)? {
///             "happy" => Ok(Mood::Happy),
///             "sad" => Ok(Mood::Sad),
///             _ => Err(Box::new(DecodeError::new("Mood", ty.clone(), format, DecodeErrorKind::InvalidSyntax))),
///         }
///     }
///
///     fn accepts(ty: &Type) -> bool {
///         !ty.binary_supported() || *ty == Type::TEXT
///     }
/// }
///
/// let mood_type = Type::from_oid(16_390);
/// assert_eq!(Mood::from_sql(&mood_type, Format::Text, b"sad").unwrap(), Mood::Sad);
/// assert!(Mood::from_sql(&mood_type, Format::Text, b"meh").is_err());
/// ```
pub trait FromSql<'a>: Sized {
    /// Decodes a non-`NULL` value of type `ty` from `raw`, which is in
    /// `format`.
    ///
    /// ```
    /// use tusk_types::{Format, FromSql, Type};
    ///
    /// assert_eq!(i16::from_sql(&Type::INT2, Format::Binary, &[1, 0]).unwrap(), 256);
    /// assert_eq!(<&str>::from_sql(&Type::TEXT, Format::Binary, b"hi").unwrap(), "hi");
    /// assert!(i16::from_sql(&Type::INT2, Format::Binary, &[1]).is_err());
    /// ```
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError>;

    /// Decodes a `NULL` of type `ty`. The default refuses with [`WasNull`];
    /// `Option<T>` returns `None`.
    ///
    /// ```
    /// use tusk_types::{FromSql, Type, WasNull};
    ///
    /// assert!(String::from_sql_null(&Type::TEXT).unwrap_err().is::<WasNull>());
    /// assert_eq!(Option::<String>::from_sql_null(&Type::TEXT).unwrap(), None);
    /// ```
    fn from_sql_null(ty: &Type) -> Result<Self, BoxError> {
        let _ = ty;
        Err(Box::new(WasNull))
    }

    /// Whether values of type `ty` can be decoded into `Self` in the format a
    /// client requests for `ty` (binary when [`Type::binary_supported`], else
    /// text). `String` and `&str` accept every type, since every value has a
    /// text form; in binary format they decode only the textual types and
    /// refuse others with [`WrongType`] from [`from_sql`](FromSql::from_sql).
    ///
    /// ```
    /// use tusk_types::{FromSql, Type};
    ///
    /// assert!(i32::accepts(&Type::INT4));
    /// assert!(!i64::accepts(&Type::INT4));
    /// assert!(String::accepts(&Type::NUMERIC));
    /// ```
    fn accepts(ty: &Type) -> bool;
}

/// Writes one `Bind` parameter: its 32-bit length (−1 for `NULL`) and its
/// bytes, and returns the format code to send for it.
///
/// On error nothing is left in `out`.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{encode_param, Format, Type};
///
/// let mut buf = BytesMut::new();
/// assert_eq!(encode_param(&7i16, &Type::INT2, &mut buf).unwrap(), Format::Binary);
/// assert_eq!(encode_param(&None::<i16>, &Type::INT2, &mut buf).unwrap(), Format::Binary);
/// assert_eq!(encode_param(&"3.5", &Type::NUMERIC, &mut buf).unwrap(), Format::Text);
/// assert_eq!(&buf[..], &[0, 0, 0, 2, 0, 7, 255, 255, 255, 255, 0, 0, 0, 3, b'3', b'.', b'5']);
///
/// assert!(encode_param(&7i64, &Type::INT2, &mut buf).is_err());
/// assert_eq!(buf.len(), 17);
/// ```
pub fn encode_param(value: &dyn ToSql, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
    value.encode_field(ty, out)
}

/// Decodes one column value, `None` being `NULL`: calls
/// [`FromSql::from_sql`] or [`FromSql::from_sql_null`].
///
/// ```
/// use tusk_types::{decode_value, Format, Type};
///
/// let n: i32 = decode_value(&Type::INT4, Format::Text, Some(b"-5")).unwrap();
/// assert_eq!(n, -5);
/// let missing: Option<i32> = decode_value(&Type::INT4, Format::Text, None).unwrap();
/// assert_eq!(missing, None);
/// assert!(decode_value::<i32>(&Type::INT4, Format::Text, None).is_err());
/// ```
pub fn decode_value<'a, T: FromSql<'a>>(ty: &Type, format: Format, raw: Option<&'a [u8]>) -> Result<T, BoxError> {
    match raw {
        Some(raw) => T::from_sql(ty, format, raw),
        None => T::from_sql_null(ty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_codes() {
        assert_eq!(Format::Text as i16, 0);
        assert_eq!(Format::Binary as i16, 1);
        assert_eq!(Format::from_code(-1), None);
        for f in [Format::Text, Format::Binary] {
            assert_eq!(Format::from_code(f.code()), Some(f));
        }
    }

    /// The `encode_field` shortcuts (primitives, strings, `PgValue` types) must write
    /// exactly what the general path writes, and refuse exactly what it refuses.
    #[test]
    fn encode_field_shortcuts_match_the_general_path() {
        use std::time::{Duration, UNIX_EPOCH};
        let text = String::from("héllo");
        let (after, before) = (
            UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456),
            UNIX_EPOCH - Duration::from_nanos(1_500),
        );
        let values: Vec<&dyn ToSql> = vec![
            &true,
            &-7i16,
            &7i32,
            &-7i64,
            &1.5f32,
            &-2.25f64,
            &"héllo",
            &text,
            &"",
            &after,
            &before,
            &Some(5i64),
            &None::<i64>,
            &PgTimestamp::Infinity,
            &PgTimestamp::Micros(-1),
        ];
        let types = [
            Type::BOOL,
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::FLOAT4,
            Type::FLOAT8,
            Type::TEXT,
            Type::VARCHAR,
            Type::NAME,
            Type::JSONB,
            Type::NUMERIC,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMP,
            Type::DATE,
        ];
        for value in &values {
            for ty in &types {
                let mut fast = BytesMut::from(&b"prefix"[..]);
                let mut general = fast.clone();
                let a = value.encode_field(ty, &mut fast);
                let b = encode_field_generic(*value, ty, &mut general);
                match (a, b) {
                    (Ok(fa), Ok(fb)) => assert_eq!(fa, fb, "{value:?} as {ty}"),
                    (Err(_), Err(_)) => {}
                    (a, b) => panic!("{value:?} as {ty}: shortcut {a:?}, general {b:?}"),
                }
                assert_eq!(fast, general, "{value:?} as {ty}");
            }
        }
    }

    /// Text decoding takes a shortcut for ASCII; both paths must agree with
    /// `std::str::from_utf8`, and invalid bytes must be refused on either.
    #[test]
    fn text_decoding_ascii_shortcut_and_general_path() {
        let cases: [&[u8]; 8] = [
            b"",
            b"plain ascii text, longer than two machine words",
            "h\u{e9}llo w\u{f6}rld".as_bytes(),
            "\u{1F418} tusk".as_bytes(),
            b"\xff",
            b"abcdefghijklmnop\x80",
            b"\xc3",
            b"abc\xed\xa0\x80", // an encoded surrogate: not UTF-8
        ];
        for raw in cases {
            let got = <&str>::from_sql(&Type::TEXT, Format::Binary, raw).ok();
            assert_eq!(got, std::str::from_utf8(raw).ok(), "{raw:?}");
        }
    }

    #[test]
    fn params_are_object_safe_and_sync() {
        let s = String::from("owned");
        let params: &[&(dyn ToSql + Sync)] = &[&1i32, &"x", &s, &Some(2i64), &vec![1u8, 2]];
        let types = [Type::INT4, Type::TEXT, Type::VARCHAR, Type::INT8, Type::BYTEA];
        let mut buf = BytesMut::new();
        for (p, ty) in params.iter().zip(&types) {
            assert!(p.accepts(ty));
            encode_param(*p, ty, &mut buf).unwrap();
        }
        let expected: Vec<u8> = [
            &[0, 0, 0, 4, 0, 0, 0, 1][..],
            &[0, 0, 0, 1, b'x'],
            &[0, 0, 0, 5, b'o', b'w', b'n', b'e', b'd'],
            &[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2],
            &[0, 0, 0, 2, 1, 2],
        ]
        .concat();
        assert_eq!(&buf[..], &expected[..]);
    }

    #[test]
    fn encode_param_error_leaves_buffer_untouched() {
        let mut buf = BytesMut::from(&b"abc"[..]);
        let err = encode_param(&1i64, &Type::INT4, &mut buf).unwrap_err();
        assert!(err.is::<WrongType>());
        assert_eq!(&buf[..], b"abc");
    }

    #[test]
    fn decode_value_dispatches_null() {
        assert!(
            decode_value::<i64>(&Type::INT8, Format::Binary, None)
                .unwrap_err()
                .is::<WasNull>()
        );
        let v: Option<i64> = decode_value(&Type::INT8, Format::Binary, Some(&[0, 0, 0, 0, 0, 0, 0, 9])).unwrap();
        assert_eq!(v, Some(9));
    }
}
