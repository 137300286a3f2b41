//! The `ToSql` and `FromSql` implementations for Rust's own types, one module
//! per family, and the small checks they share.
//!
//! Every decoder follows the same three steps: check that the PostgreSQL
//! type is one the Rust type accepts ([`WrongType`](crate::WrongType)
//! otherwise), check the bytes' shape (length, UTF-8), then convert. Each
//! step returns an error instead of panicking, whatever the input.

pub(crate) mod array;
mod bytea;
pub(crate) mod composite;
pub(crate) mod domain;
pub(crate) mod enum_;
pub(crate) mod extension;
pub(crate) mod multirange;
mod primitive;
pub(crate) mod range;
mod text;
mod uuid_impl;
mod wrappers;

// Scalar types: numeric, money, dates and times, intervals, network addresses, bit
// strings, geometry, text search, system types; and their third-party counterparts.
mod bits;
#[cfg(feature = "with-chrono")]
mod chrono_impl;
mod datetime;
#[cfg(any(feature = "with-rust_decimal", feature = "with-bigdecimal"))]
mod decimal;
#[cfg(feature = "with-geo-types")]
mod geo_impl;
mod geometric;
mod interval;
#[cfg(feature = "with-jiff")]
mod jiff_impl;
#[cfg(feature = "with-serde_json")]
mod json;
mod money;
#[cfg(any(feature = "with-ipnet", feature = "with-cidr", feature = "with-eui48"))]
mod net_crates;
mod network;
mod numeric;
mod render;
pub(crate) mod scalar;
mod system;
#[cfg(feature = "with-time")]
mod time_impl;
mod tsearch;
pub use bits::PgBitVec;
pub use datetime::{PgDate, PgTime, PgTimeTz, PgTimestamp, WithOffset};
pub use geometric::{PgBox, PgCircle, PgLSeg, PgLine, PgPath, PgPoint, PgPolygon};
pub use interval::PgInterval;
#[cfg(feature = "with-serde_json")]
pub use json::Json;
pub use money::PgMoney;
pub use network::{PgCidr, PgInet, PgMacAddr, PgMacAddr8};
pub use numeric::PgNumeric;
pub use scalar::ValueOutOfRange;
pub use system::{PgInt2Vector, PgLsn, PgOidVector, PgSnapshot};
pub use tsearch::{PgTsLexeme, PgTsPosition, PgTsQuery, PgTsQueryItem, PgTsVector, PgTsWeight};

pub(crate) use extension::{extension_binary_supported, extension_is_textual};

#[cfg(test)]
mod test_util;

use crate::error::{decode_error, wrong_type};
use crate::{BoxError, DecodeErrorKind, Format, Type, ValueTooLarge};

/// Refuses `ty` with [`WrongType`](crate::WrongType) unless `ok`.
#[inline]
pub(crate) fn ensure_type(ok: bool, rust_type: &'static str, ty: &Type) -> Result<(), BoxError> {
    if ok { Ok(()) } else { Err(wrong_type(rust_type, ty)) }
}

/// The bytes of a fixed-size binary value, or a
/// [`WrongLength`](DecodeErrorKind::WrongLength) error.
#[inline]
pub(crate) fn fixed<const N: usize>(rust_type: &'static str, ty: &Type, raw: &[u8]) -> Result<[u8; N], BoxError> {
    raw.try_into().map_err(|_| {
        decode_error(
            rust_type,
            ty,
            Format::Binary,
            DecodeErrorKind::WrongLength {
                expected: N,
                actual: raw.len(),
            },
        )
    })
}

/// `raw` as UTF-8 text, or an [`InvalidUtf8`](DecodeErrorKind::InvalidUtf8)
/// error.
#[inline]
#[allow(unsafe_code)]
pub(crate) fn utf8<'a>(rust_type: &'static str, ty: &Type, format: Format, raw: &'a [u8]) -> Result<&'a str, BoxError> {
    if raw.is_ascii() {
        // SAFETY: every byte is below 0x80, and a sequence of ASCII bytes is valid
        // UTF-8. `is_ascii` checks a word at a time; for the short strings rows carry
        // it costs a fraction of `from_utf8`'s general validation (tusk-bench
        // `bigread`: ~70 fewer instructions per 10-40 byte text value).
        return Ok(unsafe { std::str::from_utf8_unchecked(raw) });
    }
    std::str::from_utf8(raw).map_err(|_| decode_error(rust_type, ty, format, DecodeErrorKind::InvalidUtf8))
}

/// Refuses a value longer than a parameter's 32-bit length can describe.
pub(crate) fn ensure_len(len: usize) -> Result<(), BoxError> {
    if i32::try_from(len).is_ok() {
        Ok(())
    } else {
        Err(Box::new(ValueTooLarge { len }))
    }
}
