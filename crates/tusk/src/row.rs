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
    #[inline]
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
    #[inline]
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
    offsets: Offsets,
}

/// A row read in place by [`RowStream::next_ref`](crate::RowStream::next_ref): it
/// borrows the connection's read buffer and the statement's columns instead of
/// holding a share of them, so reading it costs no reference counting and no copy.
/// It has [`Row`]'s accessors; [`RowRef::to_row`] makes an owned copy.
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
/// let mut rows = conn.query_stream("SELECT g, g::text FROM generate_series(1, 3) g", &[]).await?;
/// while let Some(row) = rows.next_ref().await {
///     let row = row?;
///     let (n, s): (i32, &str) = (row.get(0)?, row.get(1)?);
///     assert_eq!(n.to_string(), s);
/// }
/// # Ok(()) }
/// ```
pub struct RowRef<'r> {
    columns: &'r Arc<[Column]>,
    body: &'r [u8],
    /// Where each value's length prefix is: the stream's buffer, reused row to row.
    offsets: &'r [u32],
}

/// Where each value's length prefix sits in the body. Rows of up to
/// [`INLINE_COLUMNS`] columns keep them inline: decoding a row allocates nothing.
#[derive(Clone)]
enum Offsets {
    Inline { len: u8, at: [u32; INLINE_COLUMNS] },
    Heap(Box<[u32]>),
}

const INLINE_COLUMNS: usize = 10;

impl Offsets {
    /// Validates a DataRow body against its `columns` columns and records where each
    /// value's length prefix is, in one pass.
    #[inline(always)]
    fn parse(b: &[u8], columns: usize) -> Result<Offsets> {
        let mut offsets = Offsets::zeroed(columns);
        let slots = offsets.as_mut_slice();
        walk(b, columns, |i, at| slots[i] = at)?;
        Ok(offsets)
    }

    /// `n` offsets, all 0: inline when they fit.
    #[inline(always)]
    fn zeroed(n: usize) -> Offsets {
        if n > INLINE_COLUMNS {
            Offsets::Heap(vec![0u32; n].into_boxed_slice())
        } else {
            Offsets::Inline {
                len: n as u8,
                at: [0; INLINE_COLUMNS],
            }
        }
    }

    #[inline]
    fn as_mut_slice(&mut self) -> &mut [u32] {
        match self {
            Offsets::Inline { len, at } => &mut at[..*len as usize],
            Offsets::Heap(v) => v,
        }
    }

    #[inline]
    fn as_slice(&self) -> &[u32] {
        match self {
            Offsets::Inline { len, at } => &at[..*len as usize],
            Offsets::Heap(v) => v,
        }
    }
}

/// Validates a DataRow body against `columns` columns in one pass, handing each
/// value's length-prefix position to `put` (column index, offset).
#[inline(always)]
fn walk(b: &[u8], columns: usize, mut put: impl FnMut(usize, u32)) -> Result<()> {
    let bad = |why: &str| Error::protocol(format!("malformed DataRow: {why}"));
    if b.len() < 2 {
        return Err(bad("missing column count"));
    }
    let n = u16::from_be_bytes([b[0], b[1]]) as usize;
    if n != columns {
        return Err(Error::protocol(format!(
            "DataRow has {n} columns but RowDescription announced {columns}"
        )));
    }
    if b.len() > u32::MAX as usize {
        return Err(bad("row larger than 4 GiB"));
    }
    // `rest` is what follows the current value; its start is the next value's offset.
    let mut rest = &b[2..];
    for i in 0..n {
        let Some((len, after)) = rest.split_first_chunk::<4>() else {
            return Err(bad("truncated column length"));
        };
        put(i, (b.len() - rest.len()) as u32);
        rest = match i32::from_be_bytes(*len) {
            -1 => after,
            len @ 0.. => match after.get(len as usize..) {
                Some(tail) => tail,
                None => return Err(bad("column value runs past the message")),
            },
            len => return Err(bad(&format!("invalid column length {len}"))),
        };
    }
    if !rest.is_empty() {
        return Err(bad("trailing bytes after the last column"));
    }
    Ok(())
}

/// Where the accessors find the offsets: inline or boxed in a [`Row`], a borrowed
/// slice in a [`RowRef`].
trait OffsetSlice {
    fn offsets(&self) -> &[u32];
}

impl OffsetSlice for Offsets {
    #[inline]
    fn offsets(&self) -> &[u32] {
        self.as_slice()
    }
}

impl OffsetSlice for &[u32] {
    #[inline]
    fn offsets(&self) -> &[u32] {
        self
    }
}

/// The accessors [`Row`] and [`RowRef`] share: the same code expanded into each (both
/// have `columns`, `body` and `offsets` fields), so each inlines as tightly as if
/// written once for it.
macro_rules! row_accessors {
    () => {
        /// The byte range of value `i` (`None` for NULL); `i` must be in range, and the
        /// layout was validated when the row was made ([`walk`]).
        #[inline]
        fn range(&self, i: usize) -> Option<Range<usize>> {
            let at = OffsetSlice::offsets(&self.offsets)[i] as usize;
            let Some(&[a, b, c, d]) = self.body.get(at..at + 4) else {
                return None;
            };
            let len = i32::from_be_bytes([a, b, c, d]);
            (len >= 0).then(|| at + 4..at + 4 + len as usize)
        }

        /// The bytes of value `i` (`None` for NULL); `i` must be in range.
        #[inline]
        fn raw(&self, i: usize) -> Option<&[u8]> {
            self.range(i).and_then(|r| self.body.get(r))
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
        #[inline]
        pub fn get<'a, T: FromSql<'a>>(&'a self, idx: impl RowIndex) -> Result<T> {
            let i = self.index_of(&idx)?;
            let col = &self.columns[i];
            // Binary values must match the type exactly. Text values are the server's own
            // rendering, which `from_sql` parses and checks (so `&str` reads any type).
            if col.format == Format::Binary && !T::accepts(col.type_()) {
                return Err(decode_error(i, col, std::any::type_name::<T>(), None));
            }
            let result = match self.raw(i) {
                None => T::from_sql_null(col.type_()),
                Some(raw) => T::from_sql(col.type_(), col.format, raw),
            };
            match result {
                Ok(value) => Ok(value),
                Err(e) => Err(decode_error(i, col, std::any::type_name::<T>(), Some(e))),
            }
        }

        /// Whether column `idx` is NULL.
        pub fn is_null(&self, idx: impl RowIndex) -> Result<bool> {
            let i = self.index_of(&idx)?;
            Ok(self.range(i).is_none())
        }

        /// The raw bytes of column `idx` in its wire format (`None` for NULL).
        pub fn get_raw(&self, idx: impl RowIndex) -> Result<Option<&[u8]>> {
            let i = self.index_of(&idx)?;
            Ok(self.raw(i))
        }

        #[inline]
        fn index_of(&self, idx: &impl RowIndex) -> Result<usize> {
            match idx.index(&self.columns) {
                Some(i) => Ok(i),
                None => Err(no_column(idx, self.columns.len())),
            }
        }

        fn fmt_values(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let mut m = f.debug_map();
            for (i, c) in self.columns.iter().enumerate() {
                match self.raw(i) {
                    None => m.entry(&c.name, &"NULL"),
                    Some(raw) => match (c.format, std::str::from_utf8(raw)) {
                        (Format::Text, Ok(s)) => m.entry(&c.name, &s),
                        _ => m.entry(&c.name, &raw),
                    },
                };
            }
            m.finish()
        }
    };
}

impl Row {
    /// Validates a DataRow against its columns and records where each value is.
    pub(crate) fn new(columns: Arc<[Column]>, row: DataRow) -> Result<Row> {
        let body = row.into_body();
        let offsets = Offsets::parse(&body, columns.len())?;
        Ok(Row { columns, body, offsets })
    }

    row_accessors!();
}

impl<'r> RowRef<'r> {
    /// Validates a DataRow body in place against its columns, recording where each
    /// value is in `offsets` (cleared first; its memory is reused row to row).
    pub(crate) fn check(columns: &[Column], body: &[u8], offsets: &mut Vec<u32>) -> Result<()> {
        offsets.clear();
        offsets.reserve(columns.len());
        walk(body, columns.len(), |_, at| offsets.push(at))
    }

    /// A row from a body and the offsets [`RowRef::check`] recorded for it.
    pub(crate) fn from_parts(columns: &'r Arc<[Column]>, body: &'r [u8], offsets: &'r [u32]) -> RowRef<'r> {
        RowRef { columns, body, offsets }
    }

    row_accessors!();

    /// An owned copy of this row, to keep after the stream moves on.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut kept = Vec::new();
    /// let mut rows = conn.query_stream("SELECT g FROM generate_series(1, 10) g", &[]).await?;
    /// while let Some(row) = rows.next_ref().await {
    ///     let row = row?;
    ///     if row.get::<i32>(0)? % 5 == 0 {
    ///         kept.push(row.to_row());
    ///     }
    /// }
    /// assert_eq!(kept.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn to_row(&self) -> Row {
        Row {
            columns: self.columns.clone(),
            body: Bytes::copy_from_slice(self.body),
            offsets: {
                let mut offsets = Offsets::zeroed(self.offsets.len());
                offsets.as_mut_slice().copy_from_slice(self.offsets);
                offsets
            },
        }
    }
}

/// The error for a column that does not exist (kept out of line: it is rare).
#[cold]
#[inline(never)]
fn no_column(idx: &dyn fmt::Display, columns: usize) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("no column {idx} in a row of {columns} columns"),
    )
}

/// The error for a value that cannot be decoded as `rust_type` (kept out of line, and
/// not generic, so the inlined [`Row::get`] stays small).
#[cold]
#[inline(never)]
fn decode_error(i: usize, col: &Column, rust_type: &str, source: Option<tusk_types::BoxError>) -> Error {
    let message = format!(
        "column {} (\"{}\"): cannot decode server type {} into Rust type {}",
        i,
        col.name,
        col.type_(),
        rust_type
    );
    match source {
        Some(e) => Error::with_source(ErrorKind::Decode, message, e),
        None => Error::new(ErrorKind::Decode, message),
    }
}

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_values(f)
    }
}

impl fmt::Debug for RowRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_values(f)
    }
}
