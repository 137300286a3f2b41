//! Network types from other crates:
//!
//! | Rust | feature | PostgreSQL |
//! | --- | --- | --- |
//! | `ipnet::IpNet` | `with-ipnet` | `inet` (host bits kept) and `cidr` (host bits must be zero) |
//! | `cidr::IpInet` | `with-cidr` | `inet` |
//! | `cidr::IpCidr` | `with-cidr` | `cidr` |
//! | `eui48::MacAddress` | `with-eui48` | `macaddr` |
//!
//! They convert through [`PgInet`], [`PgCidr`] and [`PgMacAddr`], so the wire
//! formats are those of the [`network`](super::network) module.
//!
//! ```
//! # #[cfg(feature = "with-ipnet")] {
//! use ipnet::IpNet;
//! use tusk_types::{Format, FromSql, Type};
//!
//! let net = IpNet::from_sql(&Type::INET, Format::Text, b"192.168.0.1/24").unwrap();
//! assert_eq!(net.to_string(), "192.168.0.1/24");
//! # }
//! ```

#[allow(unused_imports)]
use bytes::BytesMut;

#[allow(unused_imports)]
use super::network::{PgCidr, PgInet, PgMacAddr};
#[allow(unused_imports)]
use super::scalar::{PgValue, out_of_range, pg_value_impls};
#[allow(unused_imports)]
use crate::{BoxError, DecodeErrorKind, Type};

/// Whether `ty` is `inet`.
#[allow(dead_code)]
fn is_inet(ty: &Type) -> bool {
    ty.oid() == Type::INET.oid()
}

/// Whether `ty` is `cidr`.
#[allow(dead_code)]
fn is_cidr(ty: &Type) -> bool {
    ty.oid() == Type::CIDR.oid()
}

#[cfg(feature = "with-ipnet")]
mod ipnet_impl {
    use super::*;
    use ipnet::IpNet;

    fn from_parts(addr: std::net::IpAddr, prefix: u8) -> Result<IpNet, DecodeErrorKind> {
        IpNet::new(addr, prefix).map_err(|_| DecodeErrorKind::InvalidSyntax)
    }

    /// `IpNet` is an address with a prefix, as `inet` is; as a `cidr` it
    /// must be a network (host bits zero).
    impl PgValue for IpNet {
        const NAME: &'static str = "IpNet";

        fn accepts_type(ty: &Type) -> bool {
            is_inet(ty) || is_cidr(ty)
        }

        fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
            if is_cidr(ty) {
                let c = PgCidr::decode_binary(ty, raw)?;
                from_parts(c.addr(), c.prefix())
            } else {
                let i = PgInet::decode_binary(ty, raw)?;
                from_parts(i.addr, i.prefix)
            }
        }

        fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
            if is_cidr(ty) {
                let c = PgCidr::decode_text(ty, text)?;
                from_parts(c.addr(), c.prefix())
            } else {
                let i = PgInet::decode_text(ty, text)?;
                from_parts(i.addr, i.prefix)
            }
        }

        fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
            if is_cidr(ty) {
                let cidr = PgCidr::new(self.addr(), self.prefix_len())
                    .ok_or_else(|| out_of_range(Self::NAME, ty, "a cidr value has no bits set after its prefix"))?;
                cidr.encode_binary(ty, out)
            } else {
                PgInet {
                    addr: self.addr(),
                    prefix: self.prefix_len(),
                }
                .encode_binary(ty, out)
            }
        }
    }

    pg_value_impls!(IpNet);
}

#[cfg(feature = "with-cidr")]
mod cidr_impl {
    use super::*;
    use cidr::{IpCidr, IpInet};

    impl PgValue for IpInet {
        const NAME: &'static str = "IpInet";

        fn accepts_type(ty: &Type) -> bool {
            is_inet(ty)
        }

        fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
            let i = PgInet::decode_binary(ty, raw)?;
            IpInet::new(i.addr, i.prefix).map_err(|_| DecodeErrorKind::InvalidSyntax)
        }

        fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
            let i = PgInet::decode_text(ty, text)?;
            IpInet::new(i.addr, i.prefix).map_err(|_| DecodeErrorKind::InvalidSyntax)
        }

        fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
            PgInet {
                addr: self.address(),
                prefix: self.network_length(),
            }
            .encode_binary(ty, out)
        }
    }

    impl PgValue for IpCidr {
        const NAME: &'static str = "IpCidr";

        fn accepts_type(ty: &Type) -> bool {
            is_cidr(ty)
        }

        fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
            let c = PgCidr::decode_binary(ty, raw)?;
            IpCidr::new(c.addr(), c.prefix()).map_err(|_| DecodeErrorKind::InvalidSyntax)
        }

        fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
            let c = PgCidr::decode_text(ty, text)?;
            IpCidr::new(c.addr(), c.prefix()).map_err(|_| DecodeErrorKind::InvalidSyntax)
        }

        fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
            let cidr = PgCidr::new(self.first_address(), self.network_length())
                .ok_or_else(|| out_of_range(Self::NAME, ty, "not a network address"))?;
            cidr.encode_binary(ty, out)
        }
    }

    pg_value_impls!(IpInet, IpCidr);
}

#[cfg(feature = "with-eui48")]
mod eui48_impl {
    use super::*;
    use eui48::MacAddress;

    impl PgValue for MacAddress {
        const NAME: &'static str = "MacAddress";

        fn accepts_type(ty: &Type) -> bool {
            ty.oid() == Type::MACADDR.oid()
        }

        fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
            PgMacAddr::decode_binary(ty, raw).map(|m| MacAddress::new(m.0))
        }

        fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
            PgMacAddr::decode_text(ty, text).map(|m| MacAddress::new(m.0))
        }

        fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
            PgMacAddr(self.to_array()).encode_binary(ty, out)
        }
    }

    pg_value_impls!(MacAddress);
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    #[allow(unused_imports)]
    use super::*;
    #[allow(unused_imports)]
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};

    #[cfg(feature = "with-ipnet")]
    #[test]
    fn ipnet() {
        use ipnet::IpNet;

        let host: IpNet = "192.168.0.1/24".parse().unwrap();
        let raw = encode(&host, &Type::INET);
        assert_eq!(raw, [2, 24, 0, 4, 192, 168, 0, 1]);
        assert_eq!(IpNet::from_sql(&Type::INET, Format::Binary, &raw).unwrap(), host);
        let err = host.to_sql(&Type::CIDR, &mut BytesMut::new()).unwrap_err();
        assert!(err.is::<ValueOutOfRange>());
        let net = host.trunc();
        let raw = encode(&net, &Type::CIDR);
        assert_eq!(raw, [2, 24, 1, 4, 192, 168, 0, 0]);
        assert_eq!(
            IpNet::from_sql(&Type::CIDR, Format::Text, b"192.168.0.0/24").unwrap(),
            net
        );
        let v6: IpNet = "2001:db8::1/64".parse().unwrap();
        assert_eq!(
            IpNet::from_sql(&Type::INET, Format::Text, b"2001:db8::1/64").unwrap(),
            v6
        );
        assert_encode_wrong_type(&v6, &Type::TEXT);
    }

    #[cfg(feature = "with-cidr")]
    #[test]
    fn cidr_crate() {
        use cidr::{IpCidr, IpInet};

        let inet: IpInet = "10.0.0.1/8".parse().unwrap();
        let raw = encode(&inet, &Type::INET);
        assert_eq!(IpInet::from_sql(&Type::INET, Format::Binary, &raw).unwrap(), inet);
        let net: IpCidr = "10.0.0.0/8".parse().unwrap();
        let raw = encode(&net, &Type::CIDR);
        assert_eq!(raw, [2, 8, 1, 4, 10, 0, 0, 0]);
        assert_eq!(IpCidr::from_sql(&Type::CIDR, Format::Text, b"10.0.0.0/8").unwrap(), net);
        assert_encode_wrong_type(&net, &Type::INET);
        assert_encode_wrong_type(&inet, &Type::CIDR);
    }

    #[cfg(feature = "with-eui48")]
    #[test]
    fn eui48() {
        use eui48::MacAddress;

        let mac = MacAddress::new([8, 0, 0x2b, 1, 2, 3]);
        let raw = encode(&mac, &Type::MACADDR);
        assert_eq!(raw, [8, 0, 0x2b, 1, 2, 3]);
        assert_eq!(MacAddress::from_sql(&Type::MACADDR, Format::Binary, &raw).unwrap(), mac);
        assert_eq!(
            MacAddress::from_sql(&Type::MACADDR, Format::Text, b"08:00:2b:01:02:03").unwrap(),
            mac
        );
        assert_encode_wrong_type(&mac, &Type::MACADDR8);
    }
}
