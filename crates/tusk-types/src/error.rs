//! The errors conversions return.
//!
//! [`ToSql`](crate::ToSql) and [`FromSql`](crate::FromSql) return a
//! [`BoxError`](crate::BoxError) so that implementations outside this crate
//! can fail with their own error types. The ones this crate produces are the
//! types below; callers find them with `downcast_ref`.
//!
//! ```
//! use tusk_types::{DecodeError, DecodeErrorKind, Format, FromSql, Type};
//!
//! let err = i32::from_sql(&Type::INT4, Format::Binary, &[0, 0, 1]).unwrap_err();
//! let decode = err.downcast_ref::<DecodeError>().unwrap();
//! assert_eq!(decode.kind(), &DecodeErrorKind::WrongLength { expected: 4, actual: 3 });
//! ```

use std::error::Error;
use std::fmt;

use crate::{BoxError, Format, Type};

/// A column was NULL but the Rust type asked for has no NULL (use `Option<T>`).
///
/// ```
/// use tusk_types::{FromSql, Type, WasNull};
///
/// let err = i32::from_sql_null(&Type::INT4).unwrap_err();
/// assert!(err.is::<WasNull>());
/// assert_eq!(err.to_string(), "unexpected NULL value");
/// assert_eq!(Option::<i32>::from_sql_null(&Type::INT4).unwrap(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WasNull;

impl fmt::Display for WasNull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unexpected NULL value")
    }
}

impl Error for WasNull {}

/// A Rust type and a PostgreSQL type that do not convert into each other, for
/// example an `i64` for an `int4` column or parameter.
///
/// ```
/// use tusk_types::{FromSql, Format, Type, WrongType};
///
/// let err = i64::from_sql(&Type::INT4, Format::Binary, &[0, 0, 0, 1]).unwrap_err();
/// let wrong = err.downcast_ref::<WrongType>().unwrap();
/// assert_eq!(wrong.rust_type, "i64");
/// assert_eq!(wrong.pg_type, Type::INT4);
/// assert_eq!(err.to_string(), "cannot convert between Rust type `i64` and PostgreSQL type `int4`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongType {
    /// The Rust type, as written in source (`"i64"`, `"&str"`).
    pub rust_type: &'static str,
    /// The PostgreSQL type of the column or parameter.
    pub pg_type: Type,
}

impl WrongType {
    /// A `WrongType` for this pair.
    ///
    /// ```
    /// use tusk_types::{Type, WrongType};
    ///
    /// let err = WrongType::new("bool", Type::TEXT);
    /// assert_eq!(err.pg_type, Type::TEXT);
    /// ```
    pub fn new(rust_type: &'static str, pg_type: Type) -> WrongType {
        WrongType { rust_type, pg_type }
    }
}

impl fmt::Display for WrongType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot convert between Rust type `{}` and PostgreSQL type `{}`",
            self.rust_type, self.pg_type
        )
    }
}

impl Error for WrongType {}

/// Bytes from the server that are not a valid value of the Rust type asked
/// for: the wrong length for a binary value, text that does not parse, a
/// number out of the Rust type's range, invalid UTF-8.
///
/// ```
/// use tusk_types::{DecodeError, DecodeErrorKind, Format, FromSql, Type};
///
/// let err = i16::from_sql(&Type::INT2, Format::Text, b"40000").unwrap_err();
/// let decode = err.downcast_ref::<DecodeError>().unwrap();
/// assert_eq!(decode.kind(), &DecodeErrorKind::OutOfRange);
/// assert_eq!(decode.rust_type(), "i16");
/// assert_eq!(decode.pg_type(), &Type::INT2);
/// assert_eq!(decode.format(), Format::Text);
/// assert_eq!(err.to_string(), "cannot decode int2 (text format) as i16: value out of range");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    rust_type: &'static str,
    pg_type: Type,
    format: Format,
    kind: DecodeErrorKind,
}

/// What was wrong with the bytes a [`DecodeError`] refused.
///
/// ```
/// use tusk_types::DecodeErrorKind;
///
/// let kind = DecodeErrorKind::WrongLength { expected: 8, actual: 2 };
/// assert_eq!(kind.to_string(), "expected 8 bytes, got 2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// A binary value of a fixed-size type had the wrong number of bytes.
    WrongLength {
        /// The size the type has on the wire.
        expected: usize,
        /// The size received.
        actual: usize,
    },
    /// Text that is not valid UTF-8.
    InvalidUtf8,
    /// Text that is not valid syntax for the type.
    InvalidSyntax,
    /// A well-formed number that does not fit the Rust type.
    OutOfRange,
    /// A binary value whose format version this crate does not know (for
    /// example a `jsonb` version byte other than 1).
    UnsupportedVersion(u8),
    /// The value is valid but this Rust type cannot represent it in this
    /// format; the message names a type that can.
    Unsupported(&'static str),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeErrorKind::WrongLength { expected, actual } => {
                write!(f, "expected {expected} bytes, got {actual}")
            }
            DecodeErrorKind::InvalidUtf8 => f.write_str("invalid UTF-8"),
            DecodeErrorKind::InvalidSyntax => f.write_str("invalid input syntax"),
            DecodeErrorKind::OutOfRange => f.write_str("value out of range"),
            DecodeErrorKind::UnsupportedVersion(v) => {
                write!(f, "unsupported binary format version {v}")
            }
            DecodeErrorKind::Unsupported(why) => f.write_str(why),
        }
    }
}

impl DecodeError {
    /// A decode error for a value of `pg_type` in `format` that could not
    /// become a `rust_type`. Public so that `FromSql` implementations outside
    /// this crate can report the same way.
    ///
    /// ```
    /// use tusk_types::{DecodeError, DecodeErrorKind, Format, Type};
    ///
    /// let err = DecodeError::new("MyEnum", Type::TEXT, Format::Text, DecodeErrorKind::InvalidSyntax);
    /// assert_eq!(err.to_string(), "cannot decode text (text format) as MyEnum: invalid input syntax");
    /// ```
    pub fn new(rust_type: &'static str, pg_type: Type, format: Format, kind: DecodeErrorKind) -> DecodeError {
        DecodeError {
            rust_type,
            pg_type,
            format,
            kind,
        }
    }

    /// The Rust type being decoded into.
    ///
    /// ```
    /// # use tusk_types::{DecodeError, DecodeErrorKind, Format, Type};
    /// let err = DecodeError::new("i32", Type::INT4, Format::Text, DecodeErrorKind::OutOfRange);
    /// assert_eq!(err.rust_type(), "i32");
    /// ```
    pub fn rust_type(&self) -> &'static str {
        self.rust_type
    }

    /// The PostgreSQL type of the value.
    ///
    /// ```
    /// # use tusk_types::{DecodeError, DecodeErrorKind, Format, Type};
    /// let err = DecodeError::new("i32", Type::INT4, Format::Text, DecodeErrorKind::OutOfRange);
    /// assert_eq!(err.pg_type(), &Type::INT4);
    /// ```
    pub fn pg_type(&self) -> &Type {
        &self.pg_type
    }

    /// The format the value was in.
    ///
    /// ```
    /// # use tusk_types::{DecodeError, DecodeErrorKind, Format, Type};
    /// let err = DecodeError::new("i32", Type::INT4, Format::Text, DecodeErrorKind::OutOfRange);
    /// assert_eq!(err.format(), Format::Text);
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// What was wrong.
    ///
    /// ```
    /// # use tusk_types::{DecodeError, DecodeErrorKind, Format, Type};
    /// let err = DecodeError::new("i32", Type::INT4, Format::Text, DecodeErrorKind::OutOfRange);
    /// assert_eq!(err.kind(), &DecodeErrorKind::OutOfRange);
    /// ```
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = match self.format {
            Format::Text => "text",
            Format::Binary => "binary",
        };
        write!(
            f,
            "cannot decode {} ({format} format) as {}: {}",
            self.pg_type, self.rust_type, self.kind
        )
    }
}

impl Error for DecodeError {}

/// A value too large to send: the wire gives each parameter a signed 32-bit
/// length, so no value can exceed `i32::MAX` bytes.
///
/// ```
/// use tusk_types::ValueTooLarge;
///
/// let err = ValueTooLarge { len: 3_000_000_000 };
/// assert_eq!(
///     err.to_string(),
///     "value is 3000000000 bytes, more than a parameter can hold (2147483647)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueTooLarge {
    /// The encoded length in bytes.
    pub len: usize,
}

impl fmt::Display for ValueTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "value is {} bytes, more than a parameter can hold ({})",
            self.len,
            i32::MAX
        )
    }
}

impl Error for ValueTooLarge {}

/// Boxes a [`WrongType`].
pub(crate) fn wrong_type(rust_type: &'static str, pg_type: &Type) -> BoxError {
    Box::new(WrongType::new(rust_type, pg_type.clone()))
}

/// Boxes a [`DecodeError`].
pub(crate) fn decode_error(rust_type: &'static str, pg_type: &Type, format: Format, kind: DecodeErrorKind) -> BoxError {
    Box::new(DecodeError::new(rust_type, pg_type.clone(), format, kind))
}
