//! [`FromRow`]: a whole row as one Rust value.
//!
//! `#[derive(FromRow)]` (feature `derive`, on by default) implements it for a struct with
//! named fields, each read from the column of the same name; tuples implement it by
//! position. [`Row::decode`] and [`FromRow::from_row`] use it.
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
//! use tusk::FromRow;
//!
//! #[derive(FromRow, Debug)]
//! struct Person {
//!     id: i32,
//!     #[tusk(rename = "full_name")]
//!     name: String,
//!     email: Option<String>,
//!     #[tusk(try_from = "i64")]
//!     visits: u32,
//!     #[tusk(default)]
//!     nickname: String, // absent column: empty
//! }
//!
//! let row = conn
//!     .query_one("SELECT 1::int4 AS id, 'Ada L.' AS full_name, NULL::text AS email, 7::int8 AS visits", &[])
//!     .await?;
//! let p: Person = row.decode()?;
//! assert_eq!((p.id, p.visits, p.nickname.as_str()), (1, 7, ""));
//!
//! let (id, name): (i32, String) = row.decode()?; // by position
//! # Ok(()) }
//! ```

use crate::error::{Error, ErrorKind, Result};
use crate::row::Row;
use tusk_types::FromSql;

/// A type built from a whole [`Row`].
///
/// The lifetime lets a value borrow from the row (`&'r str` fields). Derive it with
/// `#[derive(tusk::FromRow)]`; tuples of up to 12 [`FromSql`] types implement it by
/// column position.
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
/// #[derive(tusk::FromRow)]
/// struct Named<'r> {
///     name: &'r str,
/// }
/// let row = conn.query_one("SELECT 'x' AS name", &[]).await?;
/// let n: Named<'_> = row.decode()?;
/// assert_eq!(n.name, "x");
/// # Ok(()) }
/// ```
pub trait FromRow<'r>: Sized {
    /// Builds the value from `row`; errors are [`ErrorKind::Decode`] and name the column.
    fn from_row(row: &'r Row) -> Result<Self>;
}

impl Row {
    /// Decodes the whole row into a [`FromRow`] type: a struct deriving it, or a tuple.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let row = conn.query_one("SELECT 1::int4, 'one'::text", &[]).await?;
    /// let (n, s): (i32, &str) = row.decode()?;
    /// # Ok(()) }
    /// ```
    pub fn decode<'r, T: FromRow<'r>>(&'r self) -> Result<T> {
        T::from_row(self)
    }
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        /// By column position; the row must have exactly this many columns.
        impl<'r, $($t: FromSql<'r>),+> FromRow<'r> for ($($t,)+) {
            fn from_row(row: &'r Row) -> Result<Self> {
                let expected = [$($i),+].len();
                if row.len() != expected {
                    return Err(Error::new(
                        ErrorKind::Decode,
                        format!("a tuple of {expected} values cannot hold a row of {} columns", row.len()),
                    ));
                }
                Ok(($(row.get::<$t>($i)?,)+))
            }
        }
    };
}

tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// Helpers the `FromRow` derive calls; not a public API.
#[doc(hidden)]
pub mod __private {
    use super::*;

    /// Whether the row has a column called `column`.
    pub fn has_column(row: &Row, column: &str) -> bool {
        row.columns().iter().any(|c| c.name() == column)
    }

    /// Column `column` as `T`, or `T::default()` when the row has no such column.
    pub fn get_or_default<'r, T: FromSql<'r> + Default>(row: &'r Row, column: &str) -> Result<T> {
        if has_column(row, column) {
            row.get(column)
        } else {
            Ok(T::default())
        }
    }

    /// Column `column` as `S`, converted to `T` with `TryFrom`.
    pub fn get_try_from<'r, S, T>(row: &'r Row, column: &str, target: &'static str) -> Result<T>
    where
        S: FromSql<'r>,
        T: TryFrom<S>,
        T::Error: Into<tusk_types::BoxError>,
    {
        let value: S = row.get(column)?;
        T::try_from(value).map_err(|e| {
            Error::with_source(
                ErrorKind::Decode,
                format!(
                    "column \"{column}\": the {} value does not convert to {target}",
                    std::any::type_name::<S>()
                ),
                e.into(),
            )
        })
    }
}
