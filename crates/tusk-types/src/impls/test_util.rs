//! Helpers for the conversion tests.

use bytes::BytesMut;

use crate::{BoxError, DecodeError, DecodeErrorKind, Format, IsNull, ToSql, Type, WrongType};

/// Encodes `value` for `ty`, which must succeed and not be NULL.
pub(crate) fn encode(value: &dyn ToSql, ty: &Type) -> Vec<u8> {
    let mut buf = BytesMut::new();
    let is_null = value
        .to_sql(ty, &mut buf)
        .unwrap_or_else(|e| panic!("encoding {value:?} as {ty}: {e}"));
    assert_eq!(is_null, IsNull::No, "{value:?}");
    buf.to_vec()
}

/// Asserts that encoding `value` for `ty` fails with `WrongType` and writes
/// nothing.
pub(crate) fn assert_encode_wrong_type(value: &dyn ToSql, ty: &Type) {
    let mut buf = BytesMut::new();
    let err = value.to_sql(ty, &mut buf).unwrap_err();
    assert!(err.is::<WrongType>(), "{value:?} as {ty}: {err}");
    assert!(buf.is_empty());
}

/// The kind of a `DecodeError`; panics for other errors.
pub(crate) fn kind(err: &BoxError) -> DecodeErrorKind {
    err.downcast_ref::<DecodeError>()
        .unwrap_or_else(|| panic!("not a DecodeError: {err}"))
        .kind()
        .clone()
}

/// Whether `err` is a `WrongType`.
pub(crate) fn is_wrong_type(err: &BoxError) -> bool {
    err.is::<WrongType>()
}

/// Both formats, for loops.
pub(crate) const FORMATS: [Format; 2] = [Format::Text, Format::Binary];
