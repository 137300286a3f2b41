//! Domains (`CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)`).
//!
//! A domain is its base type with constraints the server checks. Its values
//! have the base type's wire format exactly, in both formats: there is no
//! `domain_send`. tusk-types therefore converts a domain as its base type:
//!
//! * A client resolving a column or parameter type that is a domain hands
//!   the conversions the **base** type (the `tusk` client does this), so
//!   `i32` reads a `posint` column, `String` an `email` column.
//! * Inside containers the domain stays in the [`Type`](crate::Type)
//!   ([`Kind::Domain`](crate::Kind::Domain)), because the wire needs its OID:
//!   an array of `posint` carries the element OID of `posint`, and a
//!   composite field of type `posint` is sent with that OID, which the server
//!   checks. The container conversions write that OID and convert each
//!   element or field as [`Type::base`](crate::Type::base).
//!
//! A Rust newtype for a domain (`struct PosInt(i32)`) converts as the type it
//! wraps: `#[derive(ToSql, FromSql)]` with `#[tusk(transparent)]`.
//!
//! ```
//! use bytes::BytesMut;
//! use tusk_types::{Format, FromSql, Kind, ToSql, Type};
//!
//! let posint = Type::new_custom("posint", "public", 16_500, Kind::Domain(Type::INT4));
//! assert_eq!(posint.base(), &Type::INT4);
//! assert!(posint.binary_supported());
//!
//! // An array of a domain: the element OID is the domain's, the values are int4.
//! let posints = Type::new_custom("_posint", "public", 16_499, Kind::Array(posint));
//! let mut buf = BytesMut::new();
//! vec![1i32, 2].to_sql(&posints, &mut buf).unwrap();
//! assert_eq!(&buf[8..12], &16_500u32.to_be_bytes());
//! assert_eq!(Vec::<i32>::from_sql(&posints, Format::Binary, &buf).unwrap(), [1, 2]);
//! ```

#[cfg(test)]
mod tests {
    use super::super::test_util::encode;
    use crate::{Field, Format, FromSql, Kind, PgRange, PgRecord, Type};

    #[test]
    fn composite_fields_of_domain_type_keep_the_domain_oid() {
        let email = Type::new_custom("email", "public", 70_400, Kind::Domain(Type::TEXT));
        let ty = Type::new_custom(
            "contact",
            "public",
            70_401,
            Kind::Composite(vec![Field::new("email", email)]),
        );
        let raw = [0, 0, 0, 1, 0, 1, 0x13, 0x00, 0, 0, 0, 1, b'x'];
        let rec = PgRecord::from_sql(&ty, Format::Binary, &raw).unwrap();
        assert_eq!(rec.get::<String>(0).unwrap(), "x");
        assert_eq!(rec.field_type(0), Some(&Type::TEXT));
    }

    #[test]
    fn ranges_over_domains() {
        let small = Type::new_custom("small", "public", 70_402, Kind::Domain(Type::INT8));
        let ty = Type::new_custom("smallrange", "public", 70_403, Kind::Range(small));
        let raw = encode(&PgRange::from(1i64..4), &ty);
        assert_eq!(
            PgRange::<i64>::from_sql(&ty, Format::Binary, &raw).unwrap(),
            PgRange::from(1..4)
        );
        let dom_over_range = Type::new_custom("r2", "public", 70_404, Kind::Domain(ty));
        assert!(<PgRange<i64> as FromSql>::accepts(&dom_over_range));
    }
}
