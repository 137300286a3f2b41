//! Rows and their columns.
//!
//! A [`Row`] keeps the DataRow body as one `Bytes` (a slice of the read buffer, not a
//! copy) and where each value lies in it. Values are decoded only when you ask, by
//! [`Row::get`], into any type implementing [`FromSql`].

use crate::error::{Error, ErrorKind, Result};
use bytes::Bytes;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use tusk_proto::backend::{DataRow, FieldDescription};
use tusk_types::{Format, FromSql, Type};

/// A result column: its name, type and wire format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    name: String,
    type_: Type,
    format: Format,
    table_oid: u32,
    column_id: i16,
    type_modifier: i32,
}

impl Column {
    pub(crate) fn from_field(f: &FieldDescription, format: Format) -> Column {
        Column::new(f, Type::from_oid(f.type_oid), format)
    }

    pub(crate) fn new(f: &FieldDescription, type_: Type, format: Format) -> Column {
        Column {
            name: f.name.clone(),
            type_,
            format,
            table_oid: f.table_oid,
            column_id: f.column_id,
            type_modifier: f.type_modifier,
        }
    }

    /// The column's name (or label).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column's server type.
    pub fn type_(&self) -> &Type {
        &self.type_
    }

    /// The format values of this column arrive in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The OID of the table the column comes from, if it is a plain table column.
    pub fn table_oid(&self) -> Option<u32> {
        (self.table_oid != 0).then_some(self.table_oid)
    }

    /// The column's attribute number in its table, if any.
    pub fn column_id(&self) -> Option<i16> {
        (self.column_id != 0).then_some(self.column_id)
    }

    /// The type modifier (e.g. varchar length + 4), or -1.
    pub fn type_modifier(&self) -> i32 {
        self.type_modifier
    }
}

/// Something that picks a column of a row: an index (`0`) or a name (`"id"`).
pub trait RowIndex: fmt::Display + sealed::Sealed {
    /// The position of this column in `columns`, if it exists.
    fn index(&self, columns: &[Column]) -> Option<usize>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for usize {}
    impl Sealed for str {}
    impl<T: ?Sized + Sealed> Sealed for &T {}
}

impl RowIndex for usize {
    fn index(&self, columns: &[Column]) -> Option<usize> {
        (*self < columns.len()).then_some(*self)
    }
}

impl RowIndex for str {
    fn index(&self, columns: &[Column]) -> Option<usize> {
        columns.iter().position(|c| c.name == self)
    }
}

impl<T: ?Sized + RowIndex> RowIndex for &T {
    fn index(&self, columns: &[Column]) -> Option<usize> {
        (**self).index(columns)
    }
}

/// One row of a result.
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
/// let row = conn.query_one("SELECT 1::int4 AS n, 'x'::text AS s, NULL::int8 AS z", &[]).await?;
/// let n: i32 = row.get(0)?;
/// let s: &str = row.get("s")?;
/// let z: Option<i64> = row.get("z")?;
/// assert_eq!((n, s, z), (1, "x", None));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Row {
    columns: Arc<[Column]>,
    body: Bytes,
    ranges: Box<[Option<Range<usize>>]>,
}

impl Row {
    pub(crate) fn new(columns: Arc<[Column]>, row: DataRow, scratch: &mut Vec<Option<Range<usize>>>) -> Result<Row> {
        row.ranges(scratch)?;
        if scratch.len() != columns.len() {
            return Err(Error::protocol(format!(
                "DataRow has {} columns but RowDescription announced {}",
                scratch.len(),
                columns.len()
            )));
        }
        Ok(Row {
            columns,
            body: row.into_body(),
            ranges: scratch.as_slice().into(),
        })
    }

    /// The columns of this row.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Decodes column `idx` (a position or a name) as `T`. NULL decodes only into
    /// types that accept it, like `Option<T>`.
    ///
    /// Errors name the column, the Rust type and the server type.
    pub fn get<'a, T: FromSql<'a>>(&'a self, idx: impl RowIndex) -> Result<T> {
        let i = self.index_of(&idx)?;
        let col = &self.columns[i];
        // Binary values must match the type exactly. Text values are the server's own
        // rendering, which `from_sql` parses and checks (so `&str` reads any type).
        if col.format == Format::Binary && !T::accepts(col.type_()) {
            return Err(Error::new(
                ErrorKind::Decode,
                format!(
                    "column {} (\"{}\"): cannot decode server type {} into Rust type {}",
                    i,
                    col.name,
                    col.type_(),
                    std::any::type_name::<T>()
                ),
            ));
        }
        let result = match &self.ranges[i] {
            None => T::from_sql_null(col.type_()),
            Some(r) => T::from_sql(col.type_(), col.format, &self.body[r.clone()]),
        };
        result.map_err(|e| {
            Error::with_source(
                ErrorKind::Decode,
                format!(
                    "column {} (\"{}\"): cannot decode server type {} into Rust type {}",
                    i,
                    col.name,
                    col.type_(),
                    std::any::type_name::<T>()
                ),
                e,
            )
        })
    }

    /// Whether column `idx` is NULL.
    pub fn is_null(&self, idx: impl RowIndex) -> Result<bool> {
        let i = self.index_of(&idx)?;
        Ok(self.ranges[i].is_none())
    }

    /// The raw bytes of column `idx` in its wire format (`None` for NULL).
    pub fn get_raw(&self, idx: impl RowIndex) -> Result<Option<&[u8]>> {
        let i = self.index_of(&idx)?;
        Ok(self.ranges[i].clone().map(|r| &self.body[r]))
    }

    fn index_of(&self, idx: &impl RowIndex) -> Result<usize> {
        idx.index(&self.columns).ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                format!("no column {idx} in a row of {} columns", self.columns.len()),
            )
        })
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (i, c) in self.columns.iter().enumerate() {
            match &self.ranges[i] {
                None => m.entry(&c.name, &"NULL"),
                Some(r) => {
                    let raw = &self.body[r.clone()];
                    match (c.format, std::str::from_utf8(raw)) {
                        (Format::Text, Ok(s)) => m.entry(&c.name, &s),
                        _ => m.entry(&c.name, &raw),
                    }
                }
            };
        }
        m.finish()
    }
}
