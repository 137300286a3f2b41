//! `numeric`: [`PgNumeric`], an exact decimal that holds every value
//! PostgreSQL's `numeric` can, including `NaN` and the infinities.
//!
//! # Binary layout (`numeric_send`)
//!
//! A header of four 16-bit big-endian fields, then the digits in base 10 000:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `ndigits` | `u16` | how many base-10 000 digits follow |
//! | `weight` | `i16` | the power of 10 000 of the first digit |
//! | `sign` | `u16` | `0x0000` positive, `0x4000` negative, `0xC000` NaN, `0xD000` +Infinity, `0xF000` −Infinity (the infinities since PostgreSQL 14) |
//! | `dscale` | `u16` | display scale: how many digits the text form shows after the decimal point (0 to 16 383) |
//! | digits | `ndigits` × `i16` | each 0 to 9 999, most significant first |
//!
//! The value is Σ digitᵢ × 10 000^(weight − i). `12.345` is `ndigits` 2,
//! `weight` 0, `sign` 0, `dscale` 3, digits `[12, 3450]`; `0.0001` is one
//! digit `[1]` of weight −1 and dscale 4; `12300` (say from a
//! `numeric(5,-2)` column, whose *type* scale is negative, which PostgreSQL 15
//! allows) is digits `[1, 2300]`, weight 1, dscale 0. The server strips
//! leading and trailing zero digits and sends zero as no digits at all.
//!
//! # Text
//!
//! `numeric_out` prints the digits in positional notation with exactly
//! `dscale` digits after the point (`12.345`, `0.0001`, `-5`, `1.50`), and
//! `NaN`, `Infinity`, `-Infinity`. `numeric_in` also reads exponents
//! (`1.5e3` is `1500`, `1e-3` is `0.001`) and, since PostgreSQL 16,
//! underscores between digits (`1_000`). [`PgNumeric`]'s `Display` and
//! `FromStr` do the same, exactly: nothing goes through `f64`.

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::scalar::{PgValue, Reader, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// The sign field of a positive value.
const SIGN_POS: u16 = 0x0000;
/// The sign field of a negative value.
const SIGN_NEG: u16 = 0x4000;
/// The sign field of `NaN`.
const SIGN_NAN: u16 = 0xC000;
/// The sign field of `Infinity` (PostgreSQL 14+).
const SIGN_PINF: u16 = 0xD000;
/// The sign field of `-Infinity` (PostgreSQL 14+).
const SIGN_NINF: u16 = 0xF000;
/// The largest display scale (`NUMERIC_DSCALE_MAX`).
const MAX_DSCALE: u16 = 0x3FFF;
/// The base of a digit.
const NBASE: u16 = 10_000;

/// An exact PostgreSQL `numeric`: a decimal of up to 131 072 digits before
/// the point and 16 383 after it, `NaN`, `Infinity` or `-Infinity`.
///
/// It keeps what the server keeps: the sign, the base-10 000 digits, their
/// weight, and the display scale (how many fractional digits the text form
/// shows, so `1.50` stays `1.50`).
///
/// Binary: four big-endian 16-bit fields — the digit count, the weight (the
/// power of 10 000 of the first digit), the sign (`0x0000` positive,
/// `0x4000` negative, `0xC000` NaN, `0xD000` +Infinity, `0xF000`
/// −Infinity) and the display scale — then the digits, each 0 to 9 999 as an
/// `i16`. Text: positional notation with exactly `dscale` fractional
/// digits; decoding also reads exponents (`1.5e3`) and `_` between digits. Equality compares that representation:
/// `1.5` and `1.50` are different values here (they print differently),
/// though PostgreSQL's `=` calls them equal.
///
/// Text conversions are exact and never go through `f64`:
///
/// ```
/// use tusk_types::PgNumeric;
///
/// let n: PgNumeric = "-12.3450".parse().unwrap();
/// assert_eq!(n.to_string(), "-12.3450");
/// assert_eq!(n.weight(), 0);
/// assert_eq!(n.dscale(), 4);
/// assert_eq!(n.digits(), &[12, 3450]);
/// assert!(n.is_sign_negative());
///
/// assert_eq!("1.5e3".parse::<PgNumeric>().unwrap().to_string(), "1500");
/// assert_eq!("NaN".parse::<PgNumeric>().unwrap(), PgNumeric::NAN);
/// assert_eq!(PgNumeric::NEG_INFINITY.to_string(), "-Infinity");
/// assert_eq!(PgNumeric::from(i64::MIN).to_string(), "-9223372036854775808");
/// ```
///
/// In binary, 12.345 is four header fields and two digits:
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgNumeric, ToSql, Type};
///
/// let n: PgNumeric = "12.345".parse().unwrap();
/// let mut buf = BytesMut::new();
/// n.to_sql(&Type::NUMERIC, &mut buf).unwrap();
/// assert_eq!(&buf[..], &[0, 2, 0, 0, 0, 0, 0, 3, 0, 12, 0x0D, 0x7A]);
/// assert_eq!(PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &buf).unwrap(), n);
/// assert_eq!(PgNumeric::from_sql(&Type::NUMERIC, Format::Text, b"12.345").unwrap(), n);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PgNumeric {
    repr: Repr,
}

/// The value: finite, or one of the three special ones.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// A finite value, normalized: no leading or trailing zero digits; zero
    /// has no digits, weight 0 and is positive.
    Finite {
        negative: bool,
        weight: i16,
        dscale: u16,
        digits: Vec<u16>,
    },
    NaN,
    Infinity,
    NegInfinity,
}

impl PgNumeric {
    /// `NaN`, which PostgreSQL's `numeric` has (and sorts above every other
    /// value).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert!(PgNumeric::NAN.is_nan());
    /// assert_eq!(PgNumeric::NAN.to_string(), "NaN");
    /// ```
    pub const NAN: PgNumeric = PgNumeric { repr: Repr::NaN };

    /// `Infinity` (PostgreSQL 14 and later).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert!(PgNumeric::INFINITY.is_infinite());
    /// assert_eq!(PgNumeric::INFINITY.to_string(), "Infinity");
    /// ```
    pub const INFINITY: PgNumeric = PgNumeric { repr: Repr::Infinity };

    /// `-Infinity` (PostgreSQL 14 and later).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert!(PgNumeric::NEG_INFINITY.is_sign_negative());
    /// assert_eq!(PgNumeric::NEG_INFINITY.to_string(), "-Infinity");
    /// ```
    pub const NEG_INFINITY: PgNumeric = PgNumeric {
        repr: Repr::NegInfinity,
    };

    /// Zero, with no fractional digits.
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert_eq!(PgNumeric::ZERO.to_string(), "0");
    /// assert_eq!("-0.00".parse::<PgNumeric>().unwrap().to_string(), "0.00");
    /// ```
    pub const ZERO: PgNumeric = PgNumeric {
        repr: Repr::Finite {
            negative: false,
            weight: 0,
            dscale: 0,
            digits: Vec::new(),
        },
    };

    /// A finite value from its wire parts: the sign, the weight of the first
    /// base-10 000 digit, the display scale and the digits. `None` if a digit
    /// is 10 000 or more or `dscale` exceeds 16 383.
    ///
    /// The parts are normalized as the server does on input: digits beyond
    /// the display scale are cut off, leading and trailing zero digits
    /// dropped, and zero made positive.
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// let n = PgNumeric::from_parts(false, 0, 3, &[12, 3450]).unwrap();
    /// assert_eq!(n.to_string(), "12.345");
    /// // Digits beyond dscale 1 are truncated, like numeric_recv does.
    /// assert_eq!(PgNumeric::from_parts(true, 1, 1, &[0, 12, 3456]).unwrap().to_string(), "-12.3");
    /// assert!(PgNumeric::from_parts(false, 0, 0, &[10_000]).is_none());
    /// ```
    pub fn from_parts(negative: bool, weight: i16, dscale: u16, digits: &[u16]) -> Option<PgNumeric> {
        if dscale > MAX_DSCALE || digits.iter().any(|&d| d >= NBASE) {
            return None;
        }
        Some(PgNumeric::finite(negative, i32::from(weight), dscale, digits.to_vec()))
    }

    /// Builds a finite value, truncating digits beyond `dscale` (as
    /// `trunc_var` does in `numeric_recv`) and normalizing.
    fn finite(negative: bool, mut weight: i32, dscale: u16, mut digits: Vec<u16>) -> PgNumeric {
        // Decimal digits to keep, counted from the first digit's leading one.
        let keep = (weight + 1) * 4 + i32::from(dscale);
        if keep <= 0 {
            digits.clear();
        } else {
            let groups = ((keep + 3) / 4) as usize;
            if digits.len() >= groups {
                digits.truncate(groups);
                let cut = groups as i32 * 4 - keep;
                if let Some(last) = digits.last_mut() {
                    let unit = 10u16.pow(cut as u32);
                    *last -= *last % unit;
                }
            }
        }
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..leading);
        weight -= leading as i32;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        match i16::try_from(weight) {
            Ok(weight) if !digits.is_empty() => PgNumeric {
                repr: Repr::Finite {
                    negative,
                    weight,
                    dscale,
                    digits,
                },
            },
            // Zero, or a weight below what truncation leaves (unreachable).
            _ => PgNumeric {
                repr: Repr::Finite {
                    negative: false,
                    weight: 0,
                    dscale,
                    digits: Vec::new(),
                },
            },
        }
    }

    /// The value `int(digits) × 10^−scale`, where `digits` are decimal digit
    /// values (0 to 9), most significant first. The display scale is
    /// `max(scale, 0)`.
    pub(crate) fn from_unscaled(negative: bool, digits: &[u8], scale: i128) -> Result<PgNumeric, DecodeErrorKind> {
        if digits.iter().any(|&d| d > 9) {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        let dscale = u16::try_from(scale.max(0))
            .ok()
            .filter(|&d| d <= MAX_DSCALE)
            .ok_or(DecodeErrorKind::OutOfRange)?;
        let Some(first) = digits.iter().position(|&d| d != 0) else {
            return Ok(PgNumeric::finite(false, 0, dscale, Vec::new()));
        };
        let digits = &digits[first..];
        let n = digits.len() as i128;
        // The decimal exponent of digit i is point − 1 − i.
        let point = n - scale;
        let weight = (point - 1).div_euclid(4);
        if weight > i128::from(i16::MAX) || weight < i128::from(i16::MIN) {
            return Err(DecodeErrorKind::OutOfRange);
        }
        let last_group = (point - n).div_euclid(4);
        let mut groups = vec![0u16; (weight - last_group + 1) as usize];
        for (i, &d) in digits.iter().enumerate() {
            let exp = point - 1 - i as i128;
            let slot = (weight - exp.div_euclid(4)) as usize;
            groups[slot] += u16::from(d) * 10u16.pow(exp.rem_euclid(4) as u32);
        }
        Ok(PgNumeric::finite(negative, weight as i32, dscale, groups))
    }

    /// A finite value's sign and decimal digits scaled by `10^dscale` (no
    /// leading zeros; none for zero), and `dscale`; `None` for NaN and the
    /// infinities.
    #[cfg_attr(
        not(any(feature = "with-rust_decimal", feature = "with-bigdecimal")),
        allow(dead_code)
    )]
    pub(crate) fn unscaled(&self) -> Option<(bool, Vec<u8>, u16)> {
        let Repr::Finite {
            negative,
            weight,
            dscale,
            digits,
        } = &self.repr
        else {
            return None;
        };
        let mut out = Vec::new();
        if !digits.is_empty() {
            let weight = i32::from(*weight);
            let top = weight * 4 + 3;
            let bottom = -i32::from(*dscale);
            let mut exp = top;
            while exp >= bottom {
                let slot = (weight - exp.div_euclid(4)) as usize;
                let group = digits.get(slot).copied().unwrap_or(0);
                let digit = (group / 10u16.pow(exp.rem_euclid(4) as u32) % 10) as u8;
                if digit != 0 || !out.is_empty() {
                    out.push(digit);
                }
                exp -= 1;
            }
        }
        Some((*negative, out, *dscale))
    }

    /// Whether this is `NaN`.
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert!(PgNumeric::NAN.is_nan());
    /// assert!(!PgNumeric::ZERO.is_nan());
    /// ```
    pub fn is_nan(&self) -> bool {
        matches!(self.repr, Repr::NaN)
    }

    /// Whether this is `Infinity` or `-Infinity`.
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert!(PgNumeric::NEG_INFINITY.is_infinite());
    /// assert!(!PgNumeric::NAN.is_infinite());
    /// ```
    pub fn is_infinite(&self) -> bool {
        matches!(self.repr, Repr::Infinity | Repr::NegInfinity)
    }

    /// Whether this is a finite number (neither `NaN` nor infinite).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert!(PgNumeric::from(7).is_finite());
    /// assert!(!PgNumeric::INFINITY.is_finite());
    /// ```
    pub fn is_finite(&self) -> bool {
        matches!(self.repr, Repr::Finite { .. })
    }

    /// Whether the value is below zero (`-Infinity` included; zero is never
    /// negative).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert!(PgNumeric::from(-3).is_sign_negative());
    /// assert!(!"-0".parse::<PgNumeric>().unwrap().is_sign_negative());
    /// ```
    pub fn is_sign_negative(&self) -> bool {
        match &self.repr {
            Repr::Finite { negative, .. } => *negative,
            Repr::NegInfinity => true,
            Repr::NaN | Repr::Infinity => false,
        }
    }

    /// The power of 10 000 of the first digit (0 for zero and the special
    /// values).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert_eq!("123456".parse::<PgNumeric>().unwrap().weight(), 1);
    /// assert_eq!("0.00001".parse::<PgNumeric>().unwrap().weight(), -2);
    /// ```
    pub fn weight(&self) -> i16 {
        match &self.repr {
            Repr::Finite { weight, .. } => *weight,
            _ => 0,
        }
    }

    /// The display scale: how many digits the text form shows after the
    /// point (0 for the special values).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert_eq!("1.500".parse::<PgNumeric>().unwrap().dscale(), 3);
    /// ```
    pub fn dscale(&self) -> u16 {
        match &self.repr {
            Repr::Finite { dscale, .. } => *dscale,
            _ => 0,
        }
    }

    /// The base-10 000 digits, most significant first, without leading or
    /// trailing zeros (none for zero and the special values).
    ///
    /// ```
    /// use tusk_types::PgNumeric;
    ///
    /// assert_eq!("123456.7".parse::<PgNumeric>().unwrap().digits(), &[12, 3456, 7000]);
    /// assert!(PgNumeric::ZERO.digits().is_empty());
    /// ```
    pub fn digits(&self) -> &[u16] {
        match &self.repr {
            Repr::Finite { digits, .. } => digits,
            _ => &[],
        }
    }

    /// Parses the text form as `numeric_in` does (see the module docs).
    fn parse(s: &str) -> Result<PgNumeric, DecodeErrorKind> {
        let s = s.trim_ascii();
        for (word, value) in [
            ("NaN", PgNumeric::NAN),
            ("Infinity", PgNumeric::INFINITY),
            ("+Infinity", PgNumeric::INFINITY),
            ("-Infinity", PgNumeric::NEG_INFINITY),
            ("inf", PgNumeric::INFINITY),
            ("+inf", PgNumeric::INFINITY),
            ("-inf", PgNumeric::NEG_INFINITY),
        ] {
            if s.eq_ignore_ascii_case(word) {
                return Ok(value);
            }
        }
        let bytes = s.as_bytes();
        let (negative, mut i) = match bytes.first() {
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            _ => (false, 0),
        };
        let mut digits = Vec::with_capacity(bytes.len());
        let mut frac: i128 = 0;
        let mut seen_point = false;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'0'..=b'9' => {
                    digits.push(b - b'0');
                    frac += i128::from(seen_point);
                }
                b'.' if !seen_point => seen_point = true,
                // PostgreSQL 16+: an underscore between two digits.
                b'_' if i > 0 && bytes[i - 1].is_ascii_digit() && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {}
                b'e' | b'E' => break,
                _ => return Err(DecodeErrorKind::InvalidSyntax),
            }
            i += 1;
        }
        if digits.is_empty() {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        let mut exponent: i128 = 0;
        if i < bytes.len() {
            // After 'e': a sign and at least one digit.
            i += 1;
            let exp_negative = match bytes.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let rest = &bytes[i..];
            if rest.is_empty() || !rest.iter().all(u8::is_ascii_digit) {
                return Err(DecodeErrorKind::InvalidSyntax);
            }
            for &b in rest {
                exponent = exponent * 10 + i128::from(b - b'0');
                if exponent > 1_000_000_000 {
                    return Err(DecodeErrorKind::OutOfRange);
                }
            }
            if exp_negative {
                exponent = -exponent;
            }
        }
        PgNumeric::from_unscaled(negative, &digits, frac - exponent)
    }

    /// The binary form (see the module docs).
    fn decode(raw: &[u8]) -> Result<PgNumeric, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let ndigits = usize::from(r.u16()?);
        let weight = r.i16()?;
        let sign = r.u16()?;
        let dscale = r.u16()?;
        let body = r.take(ndigits * 2)?;
        r.finish()?;
        if dscale > MAX_DSCALE {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        let digits: Vec<u16> = body
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        if digits.iter().any(|&d| d >= NBASE) {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        match sign {
            SIGN_POS | SIGN_NEG => Ok(PgNumeric::finite(sign == SIGN_NEG, i32::from(weight), dscale, digits)),
            SIGN_NAN => Ok(PgNumeric::NAN),
            SIGN_PINF => Ok(PgNumeric::INFINITY),
            SIGN_NINF => Ok(PgNumeric::NEG_INFINITY),
            _ => Err(DecodeErrorKind::InvalidSyntax),
        }
    }

    /// Appends the binary form.
    fn encode(&self, out: &mut BytesMut) {
        let (sign, weight, dscale, digits): (u16, i16, u16, &[u16]) = match &self.repr {
            Repr::Finite {
                negative,
                weight,
                dscale,
                digits,
            } => (if *negative { SIGN_NEG } else { SIGN_POS }, *weight, *dscale, digits),
            Repr::NaN => (SIGN_NAN, 0, 0, &[]),
            Repr::Infinity => (SIGN_PINF, 0, 0, &[]),
            Repr::NegInfinity => (SIGN_NINF, 0, 0, &[]),
        };
        out.reserve(8 + digits.len() * 2);
        // At most 32 768 + 4 096 digits: the weight is an i16 and dscale ≤ 16 383.
        out.put_u16(digits.len() as u16);
        out.put_i16(weight);
        out.put_u16(sign);
        out.put_u16(dscale);
        for &d in digits {
            out.put_u16(d);
        }
    }
}

impl fmt::Display for PgNumeric {
    /// `numeric_out`: positional notation with exactly `dscale` fractional
    /// digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (negative, weight, dscale, digits) = match &self.repr {
            Repr::NaN => return f.write_str("NaN"),
            Repr::Infinity => return f.write_str("Infinity"),
            Repr::NegInfinity => return f.write_str("-Infinity"),
            Repr::Finite {
                negative,
                weight,
                dscale,
                digits,
            } => (*negative, i32::from(*weight), usize::from(*dscale), digits),
        };
        let group = |i: i32| -> u16 {
            if i < 0 {
                0
            } else {
                digits.get(i as usize).copied().unwrap_or(0)
            }
        };
        let mut text = String::with_capacity((weight.max(0) as usize + 1) * 4 + dscale + 2);
        if negative {
            text.push('-');
        }
        if weight < 0 {
            text.push('0');
        } else {
            for i in 0..=weight {
                push_group(&mut text, group(i), i == 0);
            }
        }
        if dscale > 0 {
            text.push('.');
            let start = text.len();
            let mut i = weight + 1;
            while text.len() - start < dscale {
                push_group(&mut text, group(i), false);
                i += 1;
            }
            text.truncate(start + dscale);
        }
        f.write_str(&text)
    }
}

/// Appends a base-10 000 digit: four decimal digits, or without leading
/// zeros when it leads the number.
fn push_group(text: &mut String, group: u16, leading: bool) {
    let chars = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let skip = if leading {
        chars.iter().take_while(|&&d| d == 0).count().min(3)
    } else {
        0
    };
    for &d in &chars[skip..] {
        text.push(char::from(b'0' + d as u8));
    }
}

impl fmt::Debug for PgNumeric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgNumeric({self})")
    }
}

impl FromStr for PgNumeric {
    type Err = DecodeError;

    /// Parses the text form as `numeric_in` does.
    fn from_str(s: &str) -> Result<PgNumeric, DecodeError> {
        value_from_str(&Type::NUMERIC, s)
    }
}

impl Default for PgNumeric {
    /// Zero.
    fn default() -> PgNumeric {
        PgNumeric::ZERO
    }
}

/// Exact conversions from Rust integers.
macro_rules! numeric_from_int {
    ($($t:ty),*) => {
        $(
            impl From<$t> for PgNumeric {
                #[doc = concat!("The exact value of an `", stringify!($t), "`.")]
                fn from(value: $t) -> PgNumeric {
                    let digits: Vec<u8> = value.unsigned_abs().to_string().bytes().map(|b| b - b'0').collect();
                    // Integers always fit: at most 39 digits.
                    PgNumeric::from_unscaled(value < 0, &digits, 0).unwrap_or(PgNumeric::ZERO)
                }
            }
        )*
    };
}

numeric_from_int!(i8, i16, i32, i64, i128, isize);

macro_rules! numeric_from_uint {
    ($($t:ty),*) => {
        $(
            impl From<$t> for PgNumeric {
                #[doc = concat!("The exact value of a `", stringify!($t), "`.")]
                fn from(value: $t) -> PgNumeric {
                    let digits: Vec<u8> = value.to_string().bytes().map(|b| b - b'0').collect();
                    PgNumeric::from_unscaled(false, &digits, 0).unwrap_or(PgNumeric::ZERO)
                }
            }
        )*
    };
}

numeric_from_uint!(u8, u16, u32, u64, u128, usize);

impl PgValue for PgNumeric {
    const NAME: &'static str = "PgNumeric";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::NUMERIC.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgNumeric::decode(raw)
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgNumeric::parse(text)
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        self.encode(out);
        Ok(())
    }
}

pg_value_impls!(PgNumeric);

#[cfg(test)]
mod tests {
    use super::super::test_util::{FORMATS, assert_encode_wrong_type, encode, is_wrong_type, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql};
    use proptest::prelude::*;

    fn num(s: &str) -> PgNumeric {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn wire(ndigits: u16, weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let mut v = Vec::new();
        for x in [ndigits, weight as u16, sign, dscale] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        for d in digits {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v
    }

    #[test]
    fn known_wire_bytes() {
        let cases: &[(&str, Vec<u8>)] = &[
            ("12.345", wire(2, 0, 0, 3, &[12, 3450])),
            ("0", wire(0, 0, 0, 0, &[])),
            ("0.000", wire(0, 0, 0, 3, &[])),
            ("-1", wire(1, 0, 0x4000, 0, &[1])),
            ("0.0001", wire(1, -1, 0, 4, &[1])),
            ("10000", wire(1, 1, 0, 0, &[1])),
            ("12300", wire(2, 1, 0, 0, &[1, 2300])),
            ("1.50", wire(2, 0, 0, 2, &[1, 5000])),
            (
                "-123456789.987654321",
                wire(6, 2, 0x4000, 9, &[1, 2345, 6789, 9876, 5432, 1000]),
            ),
            ("NaN", wire(0, 0, 0xC000, 0, &[])),
            ("Infinity", wire(0, 0, 0xD000, 0, &[])),
            ("-Infinity", wire(0, 0, 0xF000, 0, &[])),
        ];
        for (text, bytes) in cases {
            let n = num(text);
            assert_eq!(n.to_string(), *text);
            let encoded = encode(&n, &Type::NUMERIC);
            assert_eq!(&encoded, bytes, "{text}");
            assert_eq!(
                PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &encoded).unwrap(),
                n
            );
            assert_eq!(
                PgNumeric::from_sql(&Type::NUMERIC, Format::Text, text.as_bytes()).unwrap(),
                n
            );
        }
    }

    #[test]
    fn text_forms() {
        let cases = [
            ("1.5e3", "1500"),
            ("1.5E+3", "1500"),
            ("12.345e1", "123.45"),
            ("1e-3", "0.001"),
            ("-0", "0"),
            ("-0.00", "0.00"),
            ("+7", "7"),
            (".5", "0.5"),
            ("5.", "5"),
            ("  42  ", "42"),
            ("1_000_000.000_1", "1000000.0001"),
            ("000123.4500", "123.4500"),
            ("nan", "NaN"),
            ("-INF", "-Infinity"),
            ("+infinity", "Infinity"),
            ("9999.9999", "9999.9999"),
            ("0.00000000000000000001", "0.00000000000000000001"),
            ("1e20", "100000000000000000000"),
            (
                "123456789012345678901234567890.123456789",
                "123456789012345678901234567890.123456789",
            ),
        ];
        for (input, output) in cases {
            assert_eq!(num(input).to_string(), output, "{input}");
        }
        for bad in [
            "", "-", ".", "1..2", "1e", "1e+", "abc", "1_", "_1", "1__0", "1.2.3", "--1", "1e5x", "0x1F",
        ] {
            let err = bad.parse::<PgNumeric>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::InvalidSyntax, "{bad:?}");
        }
        for big in ["1e200000", "1e-20000", "1e99999999999"] {
            let err = big.parse::<PgNumeric>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::OutOfRange, "{big}");
        }
    }

    #[test]
    fn extremes() {
        // 131 072 digits before the point: weight 32 767.
        let max = "9".repeat(131_072);
        let n = num(&max);
        assert_eq!(n.weight(), 32_767);
        assert_eq!(n.to_string(), max);
        let raw = encode(&n, &Type::NUMERIC);
        assert_eq!(raw.len(), 8 + 2 * 32_768);
        assert_eq!(PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap(), n);
        assert!(format!("1{max}").parse::<PgNumeric>().is_err());
        // 16 383 digits after it.
        let tiny = format!("0.{}1", "0".repeat(16_382));
        let n = num(&tiny);
        assert_eq!(n.dscale(), 16_383);
        assert_eq!(n.to_string(), tiny);
        let raw = encode(&n, &Type::NUMERIC);
        assert_eq!(PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap(), n);
        assert!(format!("0.{}1", "0".repeat(16_383)).parse::<PgNumeric>().is_err());
        // Both at once: more than i16::MAX digits on the wire (ndigits is unsigned).
        let both = format!("{max}.{}", "9".repeat(16_383));
        let n = num(&both);
        assert!(n.digits().len() > 32_767);
        let raw = encode(&n, &Type::NUMERIC);
        assert_eq!(PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap(), n);
        assert_eq!(n.to_string(), both);
    }

    #[test]
    fn from_parts_and_truncation() {
        let n = PgNumeric::from_parts(false, 1, 0, &[0, 1, 2300, 0]).unwrap();
        assert_eq!(n.to_string(), "1");
        assert_eq!(n.weight(), 0);
        let n = PgNumeric::from_parts(true, -3, 2, &[5]).unwrap();
        assert_eq!(n.to_string(), "0.00");
        assert!(!n.is_sign_negative());
        assert!(PgNumeric::from_parts(false, 0, 16_384, &[]).is_none());
        // Truncation in the middle of a digit.
        let n = PgNumeric::from_parts(false, -1, 6, &[1234, 5678]).unwrap();
        assert_eq!(n.to_string(), "0.123456");
        assert_eq!(n.digits(), &[1234, 5600]);
    }

    #[test]
    fn malformed_binary() {
        let cases: &[(&[u8], DecodeErrorKind)] = &[
            (&[], DecodeErrorKind::WrongLength { expected: 2, actual: 0 }),
            (
                &[0, 1, 0, 0, 0, 0, 0, 0],
                DecodeErrorKind::WrongLength {
                    expected: 10,
                    actual: 8,
                },
            ),
            (
                &[0, 0, 0, 0, 0, 0, 0, 0, 9],
                DecodeErrorKind::WrongLength { expected: 8, actual: 9 },
            ),
            (&[0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10], DecodeErrorKind::InvalidSyntax),
            (&[0, 1, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], DecodeErrorKind::InvalidSyntax),
            (&[0, 0, 0, 0, 0x80, 0, 0, 0], DecodeErrorKind::InvalidSyntax),
            (&[0, 0, 0, 0, 0, 0, 0x40, 0], DecodeErrorKind::InvalidSyntax),
            (&[0, 0, 0, 0, 0xC0, 1, 0, 0], DecodeErrorKind::InvalidSyntax),
        ];
        for (raw, expected) in cases {
            let err = PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, raw).unwrap_err();
            assert_eq!(&kind(&err), expected, "{raw:?}");
        }
        // Extreme weights are accepted and normalized.
        let n = PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &wire(1, i16::MIN, 0, 0, &[5])).unwrap();
        assert_eq!(n, PgNumeric::ZERO);
        let n = PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &wire(2, i16::MIN, 0, 0, &[0, 5])).unwrap();
        assert_eq!(n, PgNumeric::ZERO);
        let n = PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &wire(1, i16::MAX, 0x4000, 0, &[7])).unwrap();
        assert!(n.to_string().starts_with("-7000"));
    }

    #[test]
    fn accepts_only_numeric() {
        for ty in [Type::NUMERIC, Type::INT4, Type::FLOAT8, Type::TEXT, Type::MONEY] {
            let ok = ty == Type::NUMERIC;
            assert_eq!(<PgNumeric as FromSql>::accepts(&ty), ok);
            assert_eq!(PgNumeric::ZERO.accepts(&ty), ok);
            if !ok {
                assert_encode_wrong_type(&PgNumeric::ZERO, &ty);
                for format in FORMATS {
                    assert!(is_wrong_type(&PgNumeric::from_sql(&ty, format, b"1").unwrap_err()));
                }
            }
        }
        assert_eq!(PgNumeric::ZERO.type_name(), "PgNumeric");
        assert_eq!(Option::<PgNumeric>::from_sql_null(&Type::NUMERIC).unwrap(), None);
        assert!(PgNumeric::from_sql_null(&Type::NUMERIC).is_err());
        let err = PgNumeric::from_sql(&Type::NUMERIC, Format::Text, b"\xff").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::InvalidUtf8);
    }

    #[test]
    fn integers_and_unscaled() {
        for v in [0i64, 1, -1, 9999, 10_000, -10_001, i64::MAX, i64::MIN] {
            let n = PgNumeric::from(v);
            assert_eq!(n.to_string(), v.to_string());
            assert_eq!(n.dscale(), 0);
        }
        assert_eq!(PgNumeric::from(u128::MAX).to_string(), u128::MAX.to_string());
        assert_eq!(PgNumeric::from(i128::MIN).to_string(), i128::MIN.to_string());
        let (neg, digits, scale) = num("-0.0120").unscaled().unwrap();
        assert!(neg);
        assert_eq!(digits, [1, 2, 0]);
        assert_eq!(scale, 4);
        let (_, digits, scale) = num("0.000").unscaled().unwrap();
        assert!(digits.is_empty());
        assert_eq!(scale, 3);
        assert_eq!(PgNumeric::NAN.unscaled(), None);
        assert_eq!(format!("{:?}", num("1.50")), "PgNumeric(1.50)");
        assert_eq!(PgNumeric::default(), PgNumeric::ZERO);
    }

    /// A decimal string: sign, integer digits, optional fraction.
    fn decimal_text() -> impl Strategy<Value = String> {
        ("-?", "[0-9]{1,40}", proptest::option::of("[0-9]{0,40}")).prop_map(|(sign, int, frac)| match frac {
            Some(frac) => format!("{sign}{int}.{frac}"),
            None => format!("{sign}{int}"),
        })
    }

    /// The canonical spelling of a decimal string, as numeric_out prints it.
    fn canonical(text: &str) -> String {
        let (neg, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let zero = int == "0" && frac.bytes().all(|b| b == b'0');
        let mut out = String::new();
        if neg && !zero {
            out.push('-');
        }
        out.push_str(int);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out
    }

    proptest! {
        #[test]
        fn text_round_trip(text in decimal_text()) {
            let n = num(&text);
            let shown = n.to_string();
            prop_assert_eq!(&shown, &canonical(&text));
            prop_assert_eq!(num(&shown), n);
        }

        #[test]
        fn binary_round_trip(text in decimal_text()) {
            let n = num(&text);
            let raw = encode(&n, &Type::NUMERIC);
            prop_assert_eq!(PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap(), n);
        }

        #[test]
        fn exponent_forms_agree(digits in "[1-9][0-9]{0,30}", exp in -60i32..60) {
            // d × 10^exp written with an exponent, and positionally.
            let n = num(&format!("{digits}e{exp}"));
            let positional = if exp >= 0 {
                format!("{digits}{}", "0".repeat(exp as usize))
            } else {
                let k = (-exp) as usize;
                if k < digits.len() {
                    format!("{}.{}", &digits[..digits.len() - k], &digits[digits.len() - k..])
                } else {
                    format!("0.{}{digits}", "0".repeat(k - digits.len()))
                }
            };
            prop_assert_eq!(n, num(&positional));
        }

        #[test]
        fn binary_decoder_never_panics(raw in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &raw);
        }

        #[test]
        fn text_decoder_never_panics(text in "[-+0-9eE._ ]{0,30}") {
            if let Ok(n) = text.parse::<PgNumeric>() {
                prop_assert_eq!(num(&n.to_string()), n);
            }
        }
    }
}
