//! Text from binary: the text form of a binary value of one of the scalar
//! types, so that an owned `String` still reads any column a client asked
//! for in binary.
//!
//! The text is what the server prints with the default settings, except
//! where the server's text depends on the session: a `timestamptz` is shown
//! in UTC (`2024-01-31 12:00:00+00`) rather than in the session's
//! `TimeZone`, and `money` in the `C` locale's form (`$1,234.56`) whatever
//! `lc_monetary` is. Decode into the typed value ([`PgTimestamp`],
//! [`PgMoney`], …) to avoid both.

use super::bits::PgBitVec;
use super::datetime::{PgDate, PgTime, PgTimeTz, PgTimestamp};
use super::geometric::{PgBox, PgCircle, PgLSeg, PgLine, PgPath, PgPoint, PgPolygon};
use super::interval::PgInterval;
use super::money::PgMoney;
use super::network::{PgCidr, PgInet, PgMacAddr, PgMacAddr8};
use super::numeric::PgNumeric;
use super::scalar::PgValue;
use super::system::{PgLsn, PgSnapshot};
use super::tsearch::{PgTsQuery, PgTsVector};
use crate::{DecodeErrorKind, Type};

/// Decodes `raw` as `T` and prints it.
fn show<T: PgValue + ToString>(ty: &Type, raw: &[u8]) -> Result<String, DecodeErrorKind> {
    T::decode_binary(ty, raw).map(|v| v.to_string())
}

/// The text of a binary value of `ty`, if `ty` is one of the scalar types
/// this crate decodes in binary (see the [module docs](self)): for example
/// `"7"` for the `numeric` bytes `[0, 1, 0, 0, 0, 0, 0, 0, 0, 7]`.
pub(crate) fn render_binary(ty: &Type, raw: &[u8]) -> Option<Result<String, DecodeErrorKind>> {
    let oid = ty.oid();
    let is = |t: Type| oid == t.oid();
    Some(if is(Type::NUMERIC) {
        show::<PgNumeric>(ty, raw)
    } else if is(Type::MONEY) {
        show::<PgMoney>(ty, raw)
    } else if is(Type::DATE) {
        show::<PgDate>(ty, raw)
    } else if is(Type::TIME) {
        show::<PgTime>(ty, raw)
    } else if is(Type::TIMETZ) {
        show::<PgTimeTz>(ty, raw)
    } else if is(Type::TIMESTAMP) {
        show::<PgTimestamp>(ty, raw)
    } else if is(Type::TIMESTAMPTZ) {
        PgTimestamp::decode_binary(ty, raw).map(|t| t.with_offset(0).to_string())
    } else if is(Type::INTERVAL) {
        show::<PgInterval>(ty, raw)
    } else if is(Type::INET) {
        show::<PgInet>(ty, raw)
    } else if is(Type::CIDR) {
        show::<PgCidr>(ty, raw)
    } else if is(Type::MACADDR) {
        show::<PgMacAddr>(ty, raw)
    } else if is(Type::MACADDR8) {
        show::<PgMacAddr8>(ty, raw)
    } else if is(Type::BIT) || is(Type::VARBIT) {
        show::<PgBitVec>(ty, raw)
    } else if is(Type::POINT) {
        show::<PgPoint>(ty, raw)
    } else if is(Type::LINE) {
        show::<PgLine>(ty, raw)
    } else if is(Type::LSEG) {
        show::<PgLSeg>(ty, raw)
    } else if is(Type::BOX) {
        show::<PgBox>(ty, raw)
    } else if is(Type::PATH) {
        show::<PgPath>(ty, raw)
    } else if is(Type::POLYGON) {
        show::<PgPolygon>(ty, raw)
    } else if is(Type::CIRCLE) {
        show::<PgCircle>(ty, raw)
    } else if is(Type::TSVECTOR) {
        show::<PgTsVector>(ty, raw)
    } else if is(Type::TSQUERY) {
        show::<PgTsQuery>(ty, raw)
    } else if is(Type::PG_LSN) {
        show::<PgLsn>(ty, raw)
    } else if is(Type::PG_SNAPSHOT) || is(Type::TXID_SNAPSHOT) {
        show::<PgSnapshot>(ty, raw)
    } else if is(Type::VOID) {
        <()>::decode_binary(ty, raw).map(|()| String::new())
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DecodeError, Format, FromSql};
    use std::borrow::Cow;

    #[test]
    fn strings_read_binary_scalars() {
        let cases: &[(Type, &[u8], &str)] = &[
            (Type::NUMERIC, &[0, 2, 0, 0, 0, 0, 0, 3, 0, 12, 0x0D, 0x7A], "12.345"),
            (Type::MONEY, &(-100i64).to_be_bytes(), "-$1.00"),
            (Type::DATE, &[0, 0, 0, 0], "2000-01-01"),
            (Type::TIMESTAMPTZ, &0i64.to_be_bytes(), "2000-01-01 00:00:00+00"),
            (Type::TIMESTAMP, &i64::MAX.to_be_bytes(), "infinity"),
            (Type::INET, &[2, 24, 0, 4, 10, 0, 0, 1], "10.0.0.1/24"),
            (Type::VARBIT, &[0, 0, 0, 2, 0x80], "10"),
            (Type::PG_LSN, &0x16_B374_D848u64.to_be_bytes(), "16/B374D848"),
            (Type::VOID, &[], ""),
        ];
        for (ty, raw, text) in cases {
            assert_eq!(String::from_sql(ty, Format::Binary, raw).unwrap(), *text, "{ty}");
            assert_eq!(Cow::<str>::from_sql(ty, Format::Binary, raw).unwrap(), *text, "{ty}");
            assert_eq!(&*Box::<str>::from_sql(ty, Format::Binary, raw).unwrap(), *text, "{ty}");
        }
        let err = String::from_sql(&Type::NUMERIC, Format::Binary, &[0]).unwrap_err();
        assert!(err.is::<DecodeError>());
        // Borrowed text cannot be made up: &str still refuses.
        assert!(<&str>::from_sql(&Type::NUMERIC, Format::Binary, &[0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert_eq!(render_binary(&Type::INT4_ARRAY, &[]), None);
    }
}
