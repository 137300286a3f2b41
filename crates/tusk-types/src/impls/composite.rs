//! Composite (row) types and anonymous records: [`PgRecord`], and the
//! helpers that derived (or hand-written) conversions of Rust structs use,
//! [`CompositeValues`] and [`encode_composite`].
//!
//! The binary and text formats are described on [`PgRecord`].
//!
//! # Rust types
//!
//! * [`PgRecord`] decodes any composite or anonymous `record` into its
//!   fields' types and raw values, with typed getters.
//! * `#[derive(ToSql, FromSql)]` (crate `tusk-macros`, re-exported by `tusk`)
//!   maps a struct to a named composite type by field name, through
//!   [`CompositeValues`] and [`encode_composite`].

use std::borrow::Cow;

use bytes::{BufMut, BytesMut};

use super::array::{Reader, text_of, write_value};
use super::range::write_quoted;
use crate::error::{decode_error, wrong_type};
use crate::{BoxError, DecodeErrorKind, Field, Format, FromSql, IsNull, Kind, ToSql, Type, WasNull};

/// One field of a decoded record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RecordField {
    name: Option<String>,
    type_: Type,
    raw: Option<Vec<u8>>,
}

/// A decoded composite value or anonymous `record`: each field's type and
/// raw bytes, decoded on demand with [`PgRecord::get`].
///
/// In binary format every field names its type, so [`get`](PgRecord::get)
/// checks types as a column would. Fields of a named composite also have
/// names and the composite's own field types. An anonymous record in *text*
/// format has neither: its fields are typed `unknown` and read as strings.
///
/// # The binary format (`record_send` / `record_recv`)
///
/// ```text
/// i32  number of fields (dropped columns of a table's row type are not counted)
/// per field:  u32 type OID, i32 length (-1 for NULL), that many bytes in the field type's binary form
/// ```
///
/// `ROW(1, 'a')` is `00000002  00000017 00000004 00000001  00000019 00000001 61`.
/// Each field names its type, so even an anonymous `record` can be decoded in
/// binary; the server checks the OIDs it receives against the composite's
/// declared field types (a domain field must be sent with the domain's OID).
///
/// # The text format (`record_out` / `record_in`)
///
/// The fields in parentheses, separated by commas; a NULL field is empty
/// (nothing between the commas). A field is in double quotes when it is
/// empty or contains a quote, backslash, parenthesis, comma or white space;
/// inside quotes `"` and `\` are doubled: `(1,"a b",,"say ""hi""")`.
/// White space is data: `( 1)` has the field `" 1"`. The text form does not
/// carry field types, so decoding needs the composite's description (from
/// the catalogs); an anonymous `record` in text has only strings.
///
/// ```
/// use tusk_types::{Format, FromSql, PgRecord, Type};
///
/// // ROW(7, 'seven', NULL::int8) in binary.
/// let raw = [
///     0, 0, 0, 3, //
///     0, 0, 0, 23, 0, 0, 0, 4, 0, 0, 0, 7, //
///     0, 0, 0, 25, 0, 0, 0, 5, b's', b'e', b'v', b'e', b'n', //
///     0, 0, 0, 20, 255, 255, 255, 255,
/// ];
/// let rec = PgRecord::from_sql(&Type::RECORD, Format::Binary, &raw).unwrap();
/// assert_eq!(rec.len(), 3);
/// assert_eq!(rec.get::<i32>(0).unwrap(), 7);
/// assert_eq!(rec.get::<&str>(1).unwrap(), "seven");
/// assert_eq!(rec.get::<Option<i64>>(2).unwrap(), None);
/// assert!(rec.get::<i64>(0).is_err()); // an int4 is not an i64
///
/// let text = PgRecord::from_sql(&Type::RECORD, Format::Text, br#"(7,"a b",)"#).unwrap();
/// assert_eq!(text.get::<String>(1).unwrap(), "a b");
/// assert!(text.is_null(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgRecord {
    format: Format,
    fields: Vec<RecordField>,
}

impl PgRecord {
    /// The number of fields.
    ///
    /// ```
    /// # use tusk_types::{Format, FromSql, PgRecord, Type};
    /// let rec = PgRecord::from_sql(&Type::RECORD, Format::Text, b"(1,2)").unwrap();
    /// assert_eq!(rec.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the record has no fields.
    ///
    /// ```
    /// # use tusk_types::{Format, FromSql, PgRecord, Type};
    /// let rec = PgRecord::from_sql(&Type::RECORD, Format::Binary, &[0, 0, 0, 0]).unwrap();
    /// assert!(rec.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The format the fields are in.
    ///
    /// ```
    /// # use tusk_types::{Format, FromSql, PgRecord, Type};
    /// let rec = PgRecord::from_sql(&Type::RECORD, Format::Text, b"(1)").unwrap();
    /// assert_eq!(rec.format(), Format::Text);
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// The type of field `i` (`unknown` for an anonymous record in text).
    ///
    /// ```
    /// # use tusk_types::{Format, FromSql, PgRecord, Type};
    /// let rec = PgRecord::from_sql(&Type::RECORD, Format::Binary, &[0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0, 1, 1]).unwrap();
    /// assert_eq!(rec.field_type(0), Some(&Type::BOOL));
    /// assert_eq!(rec.field_type(1), None);
    /// ```
    pub fn field_type(&self, i: usize) -> Option<&Type> {
        self.fields.get(i).map(|f| &f.type_)
    }

    /// The name of field `i`, known for named composites only.
    ///
    /// ```
    /// use tusk_types::{Field, Format, FromSql, Kind, PgRecord, Type};
    ///
    /// let ty = Type::new_custom("pair", "public", 70_000, Kind::Composite(vec![
    ///     Field::new("a", Type::INT4),
    ///     Field::new("b", Type::TEXT),
    /// ]));
    /// let rec = PgRecord::from_sql(&ty, Format::Text, b"(1,x)").unwrap();
    /// assert_eq!(rec.field_name(1), Some("b"));
    /// assert_eq!(rec.get::<i32>(0).unwrap(), 1);
    /// ```
    pub fn field_name(&self, i: usize) -> Option<&str> {
        self.fields.get(i).and_then(|f| f.name.as_deref())
    }

    /// The position of the field named `name` (named composites only).
    ///
    /// ```
    /// # use tusk_types::{Field, Format, FromSql, Kind, PgRecord, Type};
    /// # let ty = Type::new_custom("pair", "public", 70_000, Kind::Composite(vec![Field::new("a", Type::INT4)]));
    /// let rec = PgRecord::from_sql(&ty, Format::Text, b"(5)").unwrap();
    /// assert_eq!(rec.position("a"), Some(0));
    /// ```
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name.as_deref() == Some(name))
    }

    /// Whether field `i` is NULL (or does not exist).
    ///
    /// ```
    /// # use tusk_types::{Format, FromSql, PgRecord, Type};
    /// let rec = PgRecord::from_sql(&Type::RECORD, Format::Text, b"(,1)").unwrap();
    /// assert!(rec.is_null(0));
    /// assert!(!rec.is_null(1));
    /// ```
    pub fn is_null(&self, i: usize) -> bool {
        self.fields.get(i).is_none_or(|f| f.raw.is_none())
    }

    /// The raw bytes of field `i` in [`format`](PgRecord::format): `None`
    /// if there is no such field, `Some(None)` for NULL.
    ///
    /// ```
    /// # use tusk_types::{Format, FromSql, PgRecord, Type};
    /// let rec = PgRecord::from_sql(&Type::RECORD, Format::Text, br#"("a b",)"#).unwrap();
    /// assert_eq!(rec.raw(0), Some(Some(&b"a b"[..])));
    /// assert_eq!(rec.raw(1), Some(None));
    /// assert_eq!(rec.raw(2), None);
    /// ```
    pub fn raw(&self, i: usize) -> Option<Option<&[u8]>> {
        self.fields.get(i).map(|f| f.raw.as_deref())
    }

    /// Decodes field `i` as `T`, which must accept the field's type (as for
    /// a column). `Option<T>` reads NULL.
    ///
    /// ```
    /// # use tusk_types::{Format, FromSql, PgRecord, Type};
    /// let rec = PgRecord::from_sql(&Type::RECORD, Format::Text, b"(x,)").unwrap();
    /// assert_eq!(rec.get::<&str>(0).unwrap(), "x");
    /// assert_eq!(rec.get::<Option<String>>(1).unwrap(), None);
    /// assert!(rec.get::<String>(1).is_err()); // NULL
    /// assert!(rec.get::<String>(2).is_err()); // no such field
    /// ```
    pub fn get<'r, T: FromSql<'r>>(&'r self, i: usize) -> Result<T, BoxError> {
        let Some(field) = self.fields.get(i) else {
            return Err(format!("the record has {} fields; there is no field {i}", self.fields.len()).into());
        };
        if self.format == Format::Binary && !T::accepts(&field.type_) {
            return Err(wrong_type(std::any::type_name::<T>(), &field.type_));
        }
        match &field.raw {
            Some(raw) => T::from_sql(&field.type_, self.format, raw),
            None => T::from_sql_null(&field.type_),
        }
    }
}

/// Whether `record_out` quotes a field containing this byte.
fn record_special(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'\\' | b'(' | b')' | b',' | b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c
    )
}

/// The fields of a binary record: each field's type OID and value (`None` for NULL).
type RawFields<'a> = Vec<(u32, Option<&'a [u8]>)>;

/// Parses the binary record format into (type OID, value) pairs.
pub(crate) fn parse_binary(raw: &[u8]) -> Result<RawFields<'_>, DecodeErrorKind> {
    let mut r = Reader::new(raw);
    let count = r.i32()?;
    // Each field takes at least 8 bytes (OID and length).
    if count < 0 || count as usize > r.remaining() / 8 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let mut fields = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let oid = r.u32()?;
        fields.push((oid, r.value()?));
    }
    r.finish()?;
    Ok(fields)
}

/// Parses the text record format as `record_in` reads it. `expected` is the
/// number of fields when known: `()` is zero fields for a zero-field type and
/// one NULL field otherwise.
pub(crate) fn parse_text(raw: &[u8], expected: Option<usize>) -> Result<Vec<Option<Cow<'_, [u8]>>>, DecodeErrorKind> {
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let mut pos = 0;
    while raw.get(pos).copied().is_some_and(is_space) {
        pos += 1;
    }
    if raw.get(pos) != Some(&b'(') {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    pos += 1;
    let mut fields = Vec::new();
    if expected == Some(0) {
        if raw.get(pos) != Some(&b')') {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        pos += 1;
    } else {
        loop {
            if matches!(raw.get(pos), Some(b',' | b')')) {
                fields.push(None);
            } else {
                let start = pos;
                let mut text = Vec::new();
                let mut in_quotes = false;
                loop {
                    let Some(&b) = raw.get(pos) else {
                        return Err(DecodeErrorKind::InvalidSyntax);
                    };
                    if !in_quotes && (b == b',' || b == b')') {
                        break;
                    }
                    match b {
                        b'\\' => {
                            text.push(*raw.get(pos + 1).ok_or(DecodeErrorKind::InvalidSyntax)?);
                            pos += 2;
                        }
                        b'"' if !in_quotes => {
                            in_quotes = true;
                            pos += 1;
                        }
                        b'"' if raw.get(pos + 1) == Some(&b'"') => {
                            text.push(b'"');
                            pos += 2;
                        }
                        b'"' => {
                            in_quotes = false;
                            pos += 1;
                        }
                        _ => {
                            text.push(b);
                            pos += 1;
                        }
                    }
                }
                if text.as_slice() == &raw[start..pos] {
                    fields.push(Some(Cow::Borrowed(&raw[start..pos])));
                } else {
                    fields.push(Some(Cow::Owned(text)));
                }
            }
            match raw.get(pos) {
                Some(b',') => pos += 1,
                Some(b')') => {
                    pos += 1;
                    break;
                }
                _ => return Err(DecodeErrorKind::InvalidSyntax),
            }
        }
    }
    if !raw[pos..].iter().all(|&b| is_space(b)) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    if expected.is_some_and(|n| n != fields.len()) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    Ok(fields)
}

/// The fields of a composite type (seeing through a domain over one).
///
/// ```
/// use tusk_types::{Field, Kind, Type};
/// use tusk_types::custom::composite_fields;
///
/// let ty = Type::new_custom("pt", "public", 70_000, Kind::Composite(vec![Field::new("x", Type::INT4)]));
/// assert_eq!(composite_fields(&ty).unwrap()[0].name(), "x");
/// assert!(composite_fields(&Type::RECORD).is_none());
/// ```
pub fn composite_fields(ty: &Type) -> Option<&[Field]> {
    match ty.base().kind() {
        Kind::Composite(fields) => Some(fields),
        _ => None,
    }
}

impl<'a> FromSql<'a> for PgRecord {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if !<PgRecord as FromSql>::accepts(ty) {
            return Err(wrong_type("PgRecord", ty));
        }
        let declared = composite_fields(ty);
        let fail = |kind| decode_error("PgRecord", ty, format, kind);
        let fields = match format {
            Format::Binary => {
                let parsed = parse_binary(raw).map_err(fail)?;
                if declared.is_some_and(|d| d.len() != parsed.len()) {
                    return Err(fail(DecodeErrorKind::InvalidSyntax));
                }
                let mut fields = Vec::with_capacity(parsed.len());
                for (i, (oid, value)) in parsed.into_iter().enumerate() {
                    let (name, type_) = match declared.and_then(|d| d.get(i)) {
                        Some(f) if f.type_().oid() == oid || f.type_().base().oid() == oid => {
                            (Some(f.name().to_owned()), f.type_().base().clone())
                        }
                        Some(f) => return Err(wrong_type("PgRecord", f.type_())),
                        None => (None, Type::from_oid(oid)),
                    };
                    fields.push(RecordField {
                        name,
                        type_,
                        raw: value.map(<[u8]>::to_vec),
                    });
                }
                fields
            }
            Format::Text => {
                let parsed = parse_text(raw, declared.map(<[Field]>::len)).map_err(fail)?;
                parsed
                    .into_iter()
                    .enumerate()
                    .map(|(i, value)| {
                        let (name, type_) = match declared.and_then(|d| d.get(i)) {
                            Some(f) => (Some(f.name().to_owned()), f.type_().base().clone()),
                            None => (None, Type::UNKNOWN),
                        };
                        RecordField {
                            name,
                            type_,
                            raw: value.map(Cow::into_owned),
                        }
                    })
                    .collect()
            }
        };
        Ok(PgRecord { format, fields })
    }

    /// `record` and every composite type.
    fn accepts(ty: &Type) -> bool {
        ty.base().oid() == Type::RECORD.oid() || composite_fields(ty).is_some()
    }
}

/// The fields of a composite value, split and matched to the composite's
/// declared fields, ready to be decoded one by one by name. This is what
/// `#[derive(FromSql)]` on a struct uses; it works for hand-written impls
/// too.
///
/// ```
/// use tusk_types::{BoxError, Field, Format, FromSql, Kind, Type};
/// use tusk_types::custom::CompositeValues;
///
/// #[derive(Debug, PartialEq)]
/// struct Item { name: String, qty: i32 }
///
/// impl<'a> FromSql<'a> for Item {
///     fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
///         let v = CompositeValues::decode("Item", ty, format, raw)?;
///         Ok(Item { name: v.take("name")?, qty: v.take("qty")? })
///     }
///     fn accepts(ty: &Type) -> bool {
///         tusk_types::custom::composite_accepts(ty, &[("name", <String as FromSql>::accepts), ("qty", <i32 as FromSql>::accepts)])
///     }
/// }
///
/// let ty = Type::new_custom("item", "public", 70_000, Kind::Composite(vec![
///     Field::new("name", Type::TEXT),
///     Field::new("qty", Type::INT4),
/// ]));
/// assert!(<Item as FromSql>::accepts(&ty));
/// let item = Item::from_sql(&ty, Format::Text, br#"("fish & chips",2)"#).unwrap();
/// assert_eq!(item, Item { name: "fish & chips".into(), qty: 2 });
/// ```
#[derive(Debug)]
pub struct CompositeValues<'a> {
    rust_type: &'static str,
    ty: &'a Type,
    format: Format,
    fields: &'a [Field],
    values: Vec<Option<Cow<'a, [u8]>>>,
}

impl<'a> CompositeValues<'a> {
    /// Splits `raw`, a value of the composite type `ty` in `format`, into its
    /// fields. Fails with [`WrongType`](crate::WrongType) if `ty` is not a
    /// composite type, and with a [`DecodeError`](crate::DecodeError) if the
    /// bytes are malformed or do not match the type's fields.
    ///
    /// ```
    /// # use tusk_types::{Field, Format, Kind, Type};
    /// use tusk_types::custom::CompositeValues;
    /// # let ty = Type::new_custom("p", "public", 70_000, Kind::Composite(vec![Field::new("a", Type::INT4)]));
    /// assert!(CompositeValues::decode("P", &ty, Format::Text, b"(1)").is_ok());
    /// assert!(CompositeValues::decode("P", &ty, Format::Text, b"(1,2)").is_err());
    /// assert!(CompositeValues::decode("P", &Type::INT4, Format::Text, b"(1)").is_err());
    /// ```
    pub fn decode(
        rust_type: &'static str,
        ty: &'a Type,
        format: Format,
        raw: &'a [u8],
    ) -> Result<CompositeValues<'a>, BoxError> {
        let Some(fields) = composite_fields(ty) else {
            return Err(wrong_type(rust_type, ty));
        };
        let fail = |kind| decode_error(rust_type, ty, format, kind);
        let values = match format {
            Format::Binary => {
                let parsed = parse_binary(raw).map_err(fail)?;
                if parsed.len() != fields.len() {
                    return Err(fail(DecodeErrorKind::InvalidSyntax));
                }
                let mut values = Vec::with_capacity(parsed.len());
                for ((oid, value), field) in parsed.into_iter().zip(fields) {
                    if oid != field.type_().oid() && oid != field.type_().base().oid() {
                        return Err(wrong_type(rust_type, &Type::from_oid(oid)));
                    }
                    values.push(value.map(Cow::Borrowed));
                }
                values
            }
            Format::Text => parse_text(raw, Some(fields.len())).map_err(fail)?,
        };
        Ok(CompositeValues {
            rust_type,
            ty,
            format,
            fields,
            values,
        })
    }

    /// Decodes the field called `name` as `T` (NULL goes to
    /// `T::from_sql_null`, so use `Option<T>` for nullable fields).
    ///
    /// ```
    /// # use tusk_types::{Field, Format, Kind, Type};
    /// use tusk_types::custom::CompositeValues;
    /// # let ty = Type::new_custom("p", "public", 70_000, Kind::Composite(vec![Field::new("a", Type::INT4), Field::new("b", Type::TEXT)]));
    /// let v = CompositeValues::decode("P", &ty, Format::Text, b"(1,)").unwrap();
    /// assert_eq!(v.take::<i32>("a").unwrap(), 1);
    /// assert_eq!(v.take::<Option<String>>("b").unwrap(), None);
    /// assert!(v.take::<i32>("c").is_err());
    /// ```
    pub fn take<T>(&self, name: &str) -> Result<T, BoxError>
    where
        T: for<'b> FromSql<'b>,
    {
        let Some(i) = self.fields.iter().position(|f| f.name() == name) else {
            return Err(format!(
                "composite type {} has no field \"{name}\" (decoding {})",
                self.ty, self.rust_type
            )
            .into());
        };
        let ty = self.fields[i].type_().base();
        let result = match self.values.get(i).and_then(Option::as_deref) {
            Some(raw) => T::from_sql(ty, self.format, raw),
            None => T::from_sql_null(ty),
        };
        result.map_err(|e| -> BoxError {
            if e.is::<WasNull>() {
                format!("field \"{name}\" of {} is NULL (decoding {})", self.ty, self.rust_type).into()
            } else {
                format!("field \"{name}\" of {} (decoding {}): {e}", self.ty, self.rust_type).into()
            }
        })
    }
}

/// A `FromSql::accepts` function, as [`composite_accepts`] takes one per field.
///
/// ```
/// use tusk_types::FromSql;
/// use tusk_types::custom::AcceptsFn;
///
/// let f: AcceptsFn = <i32 as FromSql>::accepts;
/// assert!(f(&tusk_types::Type::INT4));
/// ```
pub type AcceptsFn = fn(&Type) -> bool;

/// Whether a Rust struct with these fields (name and the field type's
/// `FromSql::accepts`) can decode the composite type `ty`: `ty` is a
/// composite with exactly these field names, each of a type its Rust field
/// accepts.
///
/// ```
/// use tusk_types::{Field, FromSql, Kind, Type};
/// use tusk_types::custom::composite_accepts;
///
/// let ty = Type::new_custom("p", "public", 70_000, Kind::Composite(vec![Field::new("a", Type::INT4)]));
/// assert!(composite_accepts(&ty, &[("a", <i32 as FromSql>::accepts)]));
/// assert!(!composite_accepts(&ty, &[("a", <i64 as FromSql>::accepts)]));
/// assert!(!composite_accepts(&ty, &[("b", <i32 as FromSql>::accepts)]));
/// ```
pub fn composite_accepts(ty: &Type, fields: &[(&str, AcceptsFn)]) -> bool {
    let Some(declared) = composite_fields(ty) else {
        return false;
    };
    declared.len() == fields.len()
        && fields
            .iter()
            .all(|(name, accepts)| declared.iter().any(|f| f.name() == *name && accepts(f.type_().base())))
}

/// The declared field of `ty` called `name` and the Rust value for it.
fn values_by_declared_order<'v>(declared: &[Field], values: &[(&str, &'v dyn ToSql)]) -> Option<Vec<&'v dyn ToSql>> {
    if declared.len() != values.len() {
        return None;
    }
    declared
        .iter()
        .map(|f| values.iter().find(|(name, _)| *name == f.name()).map(|(_, v)| *v))
        .collect()
}

/// Whether a struct with these named values can be sent as the composite
/// type `ty` (exactly these field names, each value accepting its field's
/// type). What `#[derive(ToSql)]` on a struct uses.
///
/// ```
/// use tusk_types::{Field, Kind, ToSql, Type};
/// use tusk_types::custom::composite_accepts_values;
///
/// let ty = Type::new_custom("p", "public", 70_000, Kind::Composite(vec![Field::new("a", Type::INT4)]));
/// assert!(composite_accepts_values(&ty, &[("a", &1i32 as &dyn ToSql)]));
/// assert!(!composite_accepts_values(&ty, &[("a", &1i64 as &dyn ToSql)]));
/// ```
pub fn composite_accepts_values(ty: &Type, values: &[(&str, &dyn ToSql)]) -> bool {
    let Some(declared) = composite_fields(ty) else {
        return false;
    };
    match values_by_declared_order(declared, values) {
        Some(ordered) => ordered.iter().zip(declared).all(|(v, f)| v.accepts(f.type_().base())),
        None => false,
    }
}

/// The format a composite value is sent in: binary unless one of its
/// fields can only be written as text for its type.
///
/// ```
/// use tusk_types::{Field, Format, Kind, ToSql, Type};
/// use tusk_types::custom::composite_format;
///
/// let ty = Type::new_custom("p", "public", 70_000, Kind::Composite(vec![
///     Field::new("a", Type::INT4), Field::new("n", Type::NUMERIC),
/// ]));
/// assert_eq!(composite_format(&ty, &[("a", &1i32 as &dyn ToSql), ("n", &"1.5")]), Format::Text);
/// ```
pub fn composite_format(ty: &Type, values: &[(&str, &dyn ToSql)]) -> Format {
    let Some(declared) = composite_fields(ty) else {
        return Format::Binary;
    };
    match values_by_declared_order(declared, values) {
        Some(ordered)
            if ordered
                .iter()
                .zip(declared)
                .any(|(v, f)| v.format(f.type_().base()) == Format::Text) =>
        {
            Format::Text
        }
        _ => Format::Binary,
    }
}

/// Encodes named values as a value of the composite type `ty`, in the
/// composite's field order, in the format [`composite_format`] picks. What
/// `#[derive(ToSql)]` on a struct uses.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Field, Kind, ToSql, Type};
/// use tusk_types::custom::encode_composite;
///
/// let ty = Type::new_custom("p", "public", 70_000, Kind::Composite(vec![
///     Field::new("a", Type::INT4), Field::new("b", Type::TEXT),
/// ]));
/// let mut buf = BytesMut::new();
/// // Given in any order; written in the type's.
/// encode_composite("P", &ty, &[("b", &"x" as &dyn ToSql), ("a", &1i32)], &mut buf).unwrap();
/// assert_eq!(&buf[..], &[0, 0, 0, 2, 0, 0, 0, 23, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 25, 0, 0, 0, 1, b'x']);
/// ```
pub fn encode_composite(
    rust_type: &'static str,
    ty: &Type,
    values: &[(&str, &dyn ToSql)],
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    let Some(declared) = composite_fields(ty) else {
        return Err(wrong_type(rust_type, ty));
    };
    let Some(ordered) = values_by_declared_order(declared, values) else {
        let names: Vec<&str> = declared.iter().map(Field::name).collect();
        return Err(format!(
            "{rust_type} does not have the fields of composite type {ty} ({})",
            names.join(", ")
        )
        .into());
    };
    for (v, f) in ordered.iter().zip(declared) {
        if !v.accepts(f.type_().base()) {
            return Err(format!(
                "field \"{}\" of {rust_type}: a {} cannot be sent as {}",
                f.name(),
                v.type_name(),
                f.type_()
            )
            .into());
        }
    }
    let start = out.len();
    let result = match composite_format(ty, values) {
        Format::Binary => {
            out.put_i32(declared.len() as i32);
            ordered.iter().zip(declared).try_for_each(|(v, f)| {
                out.put_u32(f.type_().oid());
                write_value(*v, f.type_().base(), out).map(drop)
            })
        }
        Format::Text => {
            out.put_u8(b'(');
            let written = ordered.iter().zip(declared).enumerate().try_for_each(|(i, (v, f))| {
                if i > 0 {
                    out.put_u8(b',');
                }
                if let Some(text) = text_of(*v, f.type_().base())? {
                    write_quoted(&text, record_special, out);
                }
                Ok::<(), BoxError>(())
            });
            out.put_u8(b')');
            written
        }
    };
    match result {
        Ok(()) => Ok(IsNull::No),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::encode;
    use super::*;

    fn pair() -> Type {
        Type::new_custom(
            "pair",
            "public",
            70_000,
            Kind::Composite(vec![Field::new("a", Type::INT4), Field::new("b", Type::TEXT)]),
        )
    }

    #[derive(Debug)]
    struct Pair(i32, Option<&'static str>);

    impl ToSql for Pair {
        fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
            encode_composite("Pair", ty, &[("a", &self.0), ("b", &self.1)], out)
        }
        fn accepts(&self, ty: &Type) -> bool {
            composite_accepts_values(ty, &[("a", &self.0), ("b", &self.1)])
        }
        fn format(&self, ty: &Type) -> Format {
            composite_format(ty, &[("a", &self.0), ("b", &self.1)])
        }
    }

    #[test]
    fn text_parsing() {
        let cases: &[(&[u8], &[Option<&str>])] = &[
            (b"(1,2)", &[Some("1"), Some("2")]),
            (b"(,)", &[None, None]),
            (b"()", &[None]),
            (br#"("a b","")"#, &[Some("a b"), Some("")]),
            (br#"("say ""hi""","\\")"#, &[Some("say \"hi\""), Some("\\")]),
            (br#"(a\,b, x )"#, &[Some("a,b"), Some(" x ")]),
            (b"  (1)  ", &[Some("1")]),
            (br#"(a"b,c"d)"#, &[Some("ab,cd")]),
        ];
        for (raw, expected) in cases {
            let got = parse_text(raw, None).unwrap();
            let got: Vec<Option<&str>> = got
                .iter()
                .map(|f| f.as_deref().map(|b| std::str::from_utf8(b).unwrap()))
                .collect();
            assert_eq!(&got, expected, "{}", String::from_utf8_lossy(raw));
        }
        assert_eq!(parse_text(b"()", Some(0)).unwrap().len(), 0);
        for bad in [&b""[..], b"(", b"(1", b"1)", b"(1)x", b"(\"a)", b"(a\\", b"(1))"] {
            assert!(parse_text(bad, None).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert!(parse_text(b"(1,2)", Some(3)).is_err());
    }

    #[test]
    fn encode_binary_and_text() {
        let ty = pair();
        let raw = encode(&Pair(1, Some("x")), &ty);
        assert_eq!(
            raw,
            [
                0, 0, 0, 2, 0, 0, 0, 23, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 25, 0, 0, 0, 1, b'x'
            ]
        );
        let rec = PgRecord::from_sql(&ty, Format::Binary, &raw).unwrap();
        assert_eq!(rec.get::<i32>(rec.position("a").unwrap()).unwrap(), 1);
        let raw = encode(&Pair(1, None), &ty);
        let v = CompositeValues::decode("Pair", &ty, Format::Binary, &raw).unwrap();
        assert_eq!(v.take::<Option<String>>("b").unwrap(), None);
        let err = v.take::<String>("b").unwrap_err();
        assert!(err.to_string().contains("NULL"), "{err}");

        // A numeric field sent from a string makes the whole value text.
        let num = Type::new_custom(
            "money_pair",
            "public",
            70_001,
            Kind::Composite(vec![Field::new("a", Type::INT4), Field::new("b", Type::NUMERIC)]),
        );
        let p = Pair(1, Some("2.50"));
        assert_eq!(p.format(&num), Format::Text);
        // int4 has no text form from an i32 here: mixed formats are refused.
        let mut buf = BytesMut::new();
        assert!(p.to_sql(&num, &mut buf).is_err());
        assert!(buf.is_empty());
        #[derive(Debug)]
        struct Texts(&'static str, Option<&'static str>);
        impl ToSql for Texts {
            fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
                encode_composite("Texts", ty, &[("a", &self.0), ("b", &self.1)], out)
            }
            fn accepts(&self, ty: &Type) -> bool {
                composite_accepts_values(ty, &[("a", &self.0), ("b", &self.1)])
            }
            fn format(&self, ty: &Type) -> Format {
                composite_format(ty, &[("a", &self.0), ("b", &self.1)])
            }
        }
        let both = Type::new_custom(
            "nums",
            "public",
            70_002,
            Kind::Composite(vec![Field::new("a", Type::NUMERIC), Field::new("b", Type::NUMERIC)]),
        );
        assert_eq!(encode(&Texts("1 ", None), &both), br#"("1 ",)"#);
        assert_eq!(encode(&Texts("", Some("a\"b")), &both), br#"("","a""b")"#);
    }

    #[test]
    fn types_are_checked() {
        let ty = pair();
        assert!(Pair(1, None).accepts(&ty));
        assert!(!Pair(1, None).accepts(&Type::RECORD));
        assert!(composite_accepts(
            &ty,
            &[("a", <i32 as FromSql>::accepts), ("b", <String as FromSql>::accepts)]
        ));
        assert!(!composite_accepts(&ty, &[("a", <i32 as FromSql>::accepts)]));
        assert!(!composite_accepts(
            &ty,
            &[("a", <i64 as FromSql>::accepts), ("b", <String as FromSql>::accepts)]
        ));
        // Wrong field OIDs in a binary value.
        let raw = [
            0, 0, 0, 2, 0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 25, 255, 255, 255, 255,
        ];
        assert!(CompositeValues::decode("Pair", &ty, Format::Binary, &raw).is_err());
        assert!(PgRecord::from_sql(&ty, Format::Binary, &raw).is_err());
        assert!(PgRecord::from_sql(&Type::RECORD, Format::Binary, &raw).is_ok());
        assert!(PgRecord::from_sql(&Type::INT4, Format::Binary, &raw).is_err());
    }

    #[test]
    fn malformed_binary() {
        for raw in [
            &[][..],
            &[0, 0, 0, 1],
            &[0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 4, 0],
            &[0xff, 0xff, 0xff, 0xff],
            &[0x7f, 0, 0, 0, 0, 0, 0, 0],
            &[0, 0, 0, 1, 0, 0, 0, 23, 0xff, 0xff, 0xff, 0xfe],
            &[0, 0, 0, 0, 1],
        ] {
            assert!(
                PgRecord::from_sql(&Type::RECORD, Format::Binary, raw).is_err(),
                "{raw:?}"
            );
        }
    }
}
