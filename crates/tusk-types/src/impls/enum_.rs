//! Enums (`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`).
//!
//! An enum value is its label, in both formats: `enum_send` writes the
//! label's bytes and `enum_recv` reads them, exactly like text. So `String`
//! and `&str` read and write enum values, and a Rust enum maps to a
//! PostgreSQL enum by its labels. `#[derive(ToSql, FromSql)]` on a C-like
//! Rust enum (crate `tusk-macros`, re-exported by `tusk`) generates the
//! conversion from the helpers below; they serve hand-written impls too.
//!
//! Which types an enum conversion accepts: a PostgreSQL enum whose labels
//! include every label of the Rust enum (a label added later on the server
//! decodes as an error, not as a wrong variant), optionally only with a given
//! type name, and the textual types (`text`, `varchar`, …), whose values are
//! the label as well.
//!
//! ```
//! use bytes::BytesMut;
//! use tusk_types::{BoxError, Format, FromSql, IsNull, Kind, ToSql, Type};
//! use tusk_types::custom::{encode_enum_label, enum_accepts, enum_label, unknown_enum_label};
//!
//! #[derive(Debug, PartialEq)]
//! enum Mood { Sad, Happy }
//!
//! impl ToSql for Mood {
//!     fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
//!         let label = match self { Mood::Sad => "sad", Mood::Happy => "happy" };
//!         encode_enum_label("Mood", ty, label, self.accepts(ty), out)
//!     }
//!     fn accepts(&self, ty: &Type) -> bool {
//!         enum_accepts(ty, Some("mood"), &["sad", "happy"])
//!     }
//! }
//!
//! impl<'a> FromSql<'a> for Mood {
//!     fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
//!         match enum_label("Mood", ty, format, raw, <Mood as FromSql>::accepts(ty))? {
//!             "sad" => Ok(Mood::Sad),
//!             "happy" => Ok(Mood::Happy),
//!             _ => Err(unknown_enum_label("Mood", ty, format)),
//!         }
//!     }
//!     fn accepts(ty: &Type) -> bool {
//!         enum_accepts(ty, Some("mood"), &["sad", "happy"])
//!     }
//! }
//!
//! let mood = Type::new_custom("mood", "public", 16_390, Kind::Enum(vec!["sad".into(), "ok".into(), "happy".into()]));
//! let mut buf = BytesMut::new();
//! Mood::Happy.to_sql(&mood, &mut buf).unwrap();
//! assert_eq!(&buf[..], b"happy");
//! assert_eq!(Mood::from_sql(&mood, Format::Binary, b"sad").unwrap(), Mood::Sad);
//! assert!(Mood::from_sql(&mood, Format::Text, b"ok").is_err()); // no Rust variant
//! assert!(!<Mood as FromSql>::accepts(&Type::INT4));
//! ```

use bytes::{BufMut, BytesMut};

use super::{ensure_len, utf8};
use crate::error::{decode_error, wrong_type};
use crate::{BoxError, DecodeErrorKind, Format, IsNull, Kind, Type};

/// Whether a Rust enum with these `labels` converts to and from `ty`: a
/// PostgreSQL enum (named `type_name`, when given) having all of them, or a
/// textual type.
///
/// ```
/// use tusk_types::{Kind, Type};
/// use tusk_types::custom::enum_accepts;
///
/// let mood = Type::new_custom("mood", "public", 16_390, Kind::Enum(vec!["sad".into(), "happy".into()]));
/// assert!(enum_accepts(&mood, None, &["sad"]));
/// assert!(enum_accepts(&mood, Some("mood"), &["sad", "happy"]));
/// assert!(!enum_accepts(&mood, Some("feeling"), &["sad"]));
/// assert!(!enum_accepts(&mood, None, &["sad", "angry"]));
/// assert!(enum_accepts(&Type::TEXT, Some("mood"), &["sad"]));
/// assert!(!enum_accepts(&Type::INT4, None, &[]));
/// ```
pub fn enum_accepts(ty: &Type, type_name: Option<&str>, labels: &[&str]) -> bool {
    let ty = ty.base();
    match ty.kind() {
        Kind::Enum(pg_labels) => {
            type_name.is_none_or(|name| name == ty.name()) && labels.iter().all(|l| pg_labels.iter().any(|p| p == l))
        }
        _ => ty.is_builtin() && ty.is_textual(),
    }
}

/// The label in an enum value (the same bytes in both formats), checking
/// that the conversion `accepted` the type and that the label is UTF-8.
///
/// ```
/// use tusk_types::{Format, Type};
/// use tusk_types::custom::enum_label;
///
/// assert_eq!(enum_label("Mood", &Type::TEXT, Format::Binary, b"sad", true).unwrap(), "sad");
/// assert!(enum_label("Mood", &Type::INT4, Format::Binary, b"sad", false).is_err());
/// assert!(enum_label("Mood", &Type::TEXT, Format::Text, b"\xff", true).is_err());
/// ```
pub fn enum_label<'a>(
    rust_type: &'static str,
    ty: &Type,
    format: Format,
    raw: &'a [u8],
    accepted: bool,
) -> Result<&'a str, BoxError> {
    if !accepted {
        return Err(wrong_type(rust_type, ty));
    }
    utf8(rust_type, ty, format, raw)
}

/// The error for a label that no variant of the Rust enum has.
///
/// ```
/// use tusk_types::{DecodeError, Format, Type};
/// use tusk_types::custom::unknown_enum_label;
///
/// let err = unknown_enum_label("Mood", &Type::TEXT, Format::Text);
/// assert!(err.is::<DecodeError>());
/// ```
pub fn unknown_enum_label(rust_type: &'static str, ty: &Type, format: Format) -> BoxError {
    decode_error(
        rust_type,
        ty,
        format,
        DecodeErrorKind::Unsupported("an enum label that no variant of the Rust enum has"),
    )
}

/// Writes `label` as an enum value, if the conversion `accepted` the type.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{IsNull, Type};
/// use tusk_types::custom::encode_enum_label;
///
/// let mut buf = BytesMut::new();
/// assert_eq!(encode_enum_label("Mood", &Type::TEXT, "happy", true, &mut buf).unwrap(), IsNull::No);
/// assert_eq!(&buf[..], b"happy");
/// assert!(encode_enum_label("Mood", &Type::INT4, "happy", false, &mut buf).is_err());
/// ```
pub fn encode_enum_label(
    rust_type: &'static str,
    ty: &Type,
    label: &str,
    accepted: bool,
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    if !accepted {
        return Err(wrong_type(rust_type, ty));
    }
    ensure_len(label.len())?;
    out.put_slice(label.as_bytes());
    Ok(IsNull::No)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FromSql, ToSql};

    fn mood() -> Type {
        Type::new_custom(
            "mood",
            "public",
            70_300,
            Kind::Enum(vec!["sad".into(), "ok".into(), "happy".into()]),
        )
    }

    #[test]
    fn strings_read_and_write_enums_in_both_formats() {
        let ty = mood();
        assert!(<String as FromSql>::accepts(&ty));
        for format in [Format::Text, Format::Binary] {
            assert_eq!(String::from_sql(&ty, format, b"ok").unwrap(), "ok");
        }
        assert!("ok".accepts(&ty));
        assert_eq!("ok".format(&ty), Format::Binary);
        // Enums are requested as text, so that any client code reads them.
        assert!(!ty.binary_supported());
        let arr = Type::new_custom("_mood", "public", 70_301, Kind::Array(ty.clone()));
        let v: Vec<String> = FromSql::from_sql(&arr, Format::Text, b"{sad,happy}").unwrap();
        assert_eq!(v, ["sad", "happy"]);
    }

    #[test]
    fn domains_over_enums() {
        let dom = Type::new_custom("feeling", "public", 70_302, Kind::Domain(mood()));
        assert!(enum_accepts(&dom, Some("mood"), &["sad"]));
    }
}
