//! `Option<T>` (NULL), and the pointer types that send what they point to:
//! `&T`, `&mut T`, `Box<T>`, `Arc<T>`, `Rc<T>` and `Cow<T>`.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use bytes::{BufMut, BytesMut};

use crate::{BoxError, Format, FromSql, IsNull, ToSql, Type};

/// `None` is `NULL`. A `NULL` is a value of every type, so `None` accepts any
/// type; `Some(v)` accepts what `v` accepts.
impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Some(value) => value.to_sql(ty, out),
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(&self, ty: &Type) -> bool {
        match self {
            Some(value) => value.accepts(ty),
            None => true,
        }
    }

    fn format(&self, ty: &Type) -> Format {
        match self {
            Some(value) => value.format(ty),
            None => Format::Binary,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Some(value) => value.type_name(),
            None => std::any::type_name::<Self>(),
        }
    }

    #[inline]
    fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
        match self {
            Some(value) => value.encode_field(ty, out),
            None => {
                out.put_i32(-1);
                Ok(Format::Binary)
            }
        }
    }
}

/// `NULL` decodes as `None`, anything else as `Some` of what `T` decodes.
impl<'a, T: FromSql<'a>> FromSql<'a> for Option<T> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        T::from_sql(ty, format, raw).map(Some)
    }

    fn from_sql_null(_ty: &Type) -> Result<Self, BoxError> {
        Ok(None)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(ty)
    }
}

/// Implements `ToSql` for a pointer type by forwarding to its target.
macro_rules! forward_to_sql {
    ($($ptr:ty),* $(,)?) => {
        $(
            impl<T: ToSql + ?Sized> ToSql for $ptr {
                fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
                    (**self).to_sql(ty, out)
                }

                fn accepts(&self, ty: &Type) -> bool {
                    (**self).accepts(ty)
                }

                fn format(&self, ty: &Type) -> Format {
                    (**self).format(ty)
                }

                fn type_name(&self) -> &'static str {
                    (**self).type_name()
                }

                #[inline]
                fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
                    (**self).encode_field(ty, out)
                }
            }
        )*
    };
}

forward_to_sql!(&T, &mut T, Box<T>, Arc<T>, Rc<T>);

impl<T> ToSql for Cow<'_, T>
where
    T: ToSql + ToOwned + ?Sized,
    T::Owned: std::fmt::Debug,
{
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        (**self).to_sql(ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        (**self).accepts(ty)
    }

    fn format(&self, ty: &Type) -> Format {
        (**self).format(ty)
    }

    fn type_name(&self) -> &'static str {
        (**self).type_name()
    }

    fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
        (**self).encode_field(ty, out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode};
    use super::*;

    #[test]
    fn option_to_sql() {
        let mut buf = BytesMut::new();
        assert_eq!(None::<i32>.to_sql(&Type::INT4, &mut buf).unwrap(), IsNull::Yes);
        assert!(buf.is_empty());
        assert_eq!(encode(&Some(5i32), &Type::INT4), [0, 0, 0, 5]);
        assert!(Some(5i32).accepts(&Type::INT4));
        assert!(!Some(5i64).accepts(&Type::INT4));
        assert!(None::<i64>.accepts(&Type::INT4));
        assert_encode_wrong_type(&Some(5i64), &Type::INT4);
        assert_eq!(Some("1.5").format(&Type::NUMERIC), Format::Text);
        assert_eq!(None::<&str>.format(&Type::NUMERIC), Format::Binary);
    }

    #[test]
    fn option_from_sql() {
        assert_eq!(Option::<i32>::from_sql_null(&Type::INT4).unwrap(), None);
        assert_eq!(
            Option::<i32>::from_sql(&Type::INT4, Format::Text, b"7").unwrap(),
            Some(7)
        );
        assert!(Option::<i32>::from_sql(&Type::INT4, Format::Binary, b"7").is_err());
        assert!(<Option<i32> as FromSql>::accepts(&Type::INT4));
        assert!(!<Option<i64> as FromSql>::accepts(&Type::INT4));
        // Nested options: the outer one takes the NULL.
        assert_eq!(Option::<Option<i32>>::from_sql_null(&Type::INT4).unwrap(), None);
    }

    #[test]
    fn pointers_forward() {
        let s = String::from("text");
        let mut n = 3i16;
        assert_eq!(encode(&&s, &Type::TEXT), b"text");
        assert_eq!(encode(&&mut n, &Type::INT2), [0, 3]);
        assert_eq!(encode(&Box::new(3i16), &Type::INT2), [0, 3]);
        assert_eq!(encode(&Arc::new(3i16), &Type::INT2), [0, 3]);
        assert_eq!(encode(&Rc::new(3i16), &Type::INT2), [0, 3]);
        let boxed: Box<str> = "boxed".into();
        assert_eq!(encode(&boxed, &Type::TEXT), b"boxed");
        let arc: Arc<str> = "arc".into();
        assert_eq!(encode(&arc, &Type::VARCHAR), b"arc");
        let dynamic: Box<dyn ToSql + Sync> = Box::new(9i64);
        assert_eq!(encode(&dynamic, &Type::INT8), 9i64.to_be_bytes());
        assert!(!Box::new(1i32).accepts(&Type::INT8));
        assert_eq!(Box::new("2024-01-31").format(&Type::DATE), Format::Text);
    }

    #[test]
    fn type_names() {
        let s = String::from("s");
        let cow: Cow<'_, str> = Cow::Borrowed("c");
        let params: [&(dyn ToSql + Sync); 12] = [
            &true,
            &1i8,
            &1i16,
            &1i32,
            &1i64,
            &1u32,
            &1f32,
            &"x",
            &s,
            &vec![1u8],
            &[0u8; 16],
            &cow,
        ];
        let names: Vec<&str> = params.iter().map(|p| p.type_name()).collect();
        assert_eq!(
            names,
            [
                "bool", "i8", "i16", "i32", "i64", "u32", "f32", "&str", "String", "Vec<u8>", "[u8; 16]", "&str"
            ]
        );
        assert_eq!(Some(1.5f64).type_name(), "f64");
        assert!(None::<f64>.type_name().contains("Option<f64>"));
        assert_eq!(Box::new(Arc::new(&&b"x"[..])).type_name(), "&[u8]");
    }

    #[test]
    fn cow_forwards() {
        let borrowed: Cow<'_, str> = Cow::Borrowed("b");
        let owned: Cow<'_, str> = Cow::Owned("o".to_owned());
        assert_eq!(encode(&borrowed, &Type::TEXT), b"b");
        assert_eq!(encode(&owned, &Type::TEXT), b"o");
        assert_eq!(borrowed.format(&Type::NUMERIC), Format::Text);
        assert_encode_wrong_type(&borrowed, &Type::INT4);
        let bytes: Cow<'_, [u8]> = Cow::Borrowed(&[1, 2]);
        assert_eq!(encode(&bytes, &Type::BYTEA), [1, 2]);
        assert!(!bytes.accepts(&Type::TEXT));
    }
}
