//! [`Type`]: a PostgreSQL type as the wire protocol names it, by OID.
//!
//! Every column in a `RowDescription` and every parameter in a
//! `ParameterDescription` carries a type OID. The built-in types have fixed
//! OIDs (assigned in PostgreSQL's `pg_type.dat` and never changed), so they are
//! constants here: [`Type::INT4`], [`Type::TEXT_ARRAY`], … . Types created by
//! `CREATE TYPE` or by extensions (`citext`, `hstore`, enums, composites, …)
//! get an OID at creation time that differs between databases; they are still
//! a `Type`, built with [`Type::from_oid`], and simply have no built-in name.
//!
//! # Kinds of types
//!
//! Besides its OID, a type has a [`Kind`]: a plain (base) type such as `int4`,
//! or a container built from other types — an array of an element type, a
//! range of a subtype, a multirange of a range type, a composite (row) type
//! made of named fields, an enum with its labels, a domain over a base type —
//! or a pseudo-type such as `record`. The encoders of containers need the
//! component types: an `int4[]` travels with the OID of `int4` inside it, and
//! its elements are `int4` values.
//!
//! * Built-in containers know their kind statically: `Type::INT4_ARRAY.kind()`
//!   is `Kind::Array(Type::INT4)`, `Type::INT8_RANGE.kind()` is
//!   `Kind::Range(Type::INT8)`, `Type::DATE_MULTIRANGE.kind()` is
//!   `Kind::Multirange(Type::DATE_RANGE)`.
//! * Types created in a database (enums, composites, domains, ranges, arrays of
//!   those, types from extensions) are described by a client that looks them
//!   up in the server's catalogs and builds them with [`Type::new_custom`]: a
//!   name, a schema, an OID and a [`Kind`]. That description is shared behind
//!   an `Arc`, so cloning a `Type` stays cheap, and the built-in constants stay
//!   `const`.
//!
//! # Domains
//!
//! A domain (`CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)`) has its base
//! type's wire format exactly. Conversions therefore see through domains, in
//! two places:
//!
//! * a client resolving the type of a column or parameter hands out the
//!   domain's **base** type (the `tusk` client does this), so `i32` reads a
//!   `posint` column as it reads `int4`;
//! * inside containers the domain is kept, because the wire needs its OID (an
//!   array of `posint` names `posint` as its element type, and the server
//!   checks it), and the container impls pass [`Type::base`] to the element's
//!   conversion.
//!
//! Implementations of [`ToSql`](crate::ToSql) and [`FromSql`](crate::FromSql)
//! therefore never see a [`Kind::Domain`] type as their own `ty`, unless a
//! caller builds one by hand; they can call [`Type::base`] to be safe.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A PostgreSQL object identifier: an unsigned 32-bit number naming a row in a
/// system catalog. On the wire, types are named by the OID of their `pg_type`
/// row.
///
/// ```
/// use tusk_types::{Oid, Type};
///
/// let oid: Oid = 23;
/// assert_eq!(Type::from_oid(oid), Type::INT4);
/// ```
pub type Oid = u32;

/// A PostgreSQL type, identified by its OID.
///
/// Built-in types are associated constants with their catalog names
/// (`Type::INT4.name() == "int4"`); any other OID is a valid `Type` too, with
/// no built-in name. A `Type` is small and cheap to clone.
///
/// ```
/// use tusk_types::Type;
///
/// let ty = Type::from_oid(1007);
/// assert_eq!(ty, Type::INT4_ARRAY);
/// assert_eq!(ty.name(), "_int4");
/// assert_eq!(ty.element(), Some(Type::INT4));
///
/// // An OID that is not built in, for example an enum type created by `CREATE TYPE`.
/// let custom = Type::from_oid(16_385);
/// assert_eq!(custom.oid(), 16_385);
/// assert_eq!(custom.to_string(), "unknown type (oid 16385)");
/// ```
///
/// # Kinds and domains
///
/// A type also has a [`Kind`]: base, pseudo, or a container built from other
/// types (an array of an element type, a range of a subtype, a multirange of
/// a range type, a composite of fields, an enum of labels, a domain over a
/// base type). Built-in containers know their kind; a client describes the
/// others from the catalogs with [`Type::new_custom`].
///
/// A domain has its base type's wire format. Clients hand out the **base**
/// type for a column or parameter of a domain type (so `i32` reads a domain
/// over `int4`), while containers keep the domain ([`Kind::Domain`]) because
/// the binary formats carry its OID; the container conversions convert each
/// element or field as [`Type::base`].
///
/// Two `Type`s are equal when they have the same OID and the same
/// description: a bare [`Type::from_oid`] and a described
/// [`Type::new_custom`] of the same OID differ. Hashing uses the OID only.
#[derive(Clone)]
pub struct Type(Inner);

/// What a [`Type`] knows about itself: its OID, and for a type described at
/// run time from the server's catalogs (enums, composites, domains, ranges,
/// extension types) that description behind an `Arc`. The name, kind and
/// binary support of built-in OIDs come from the table below, which keeps
/// `Type` cheap to clone and the constants `const`.
#[derive(Clone)]
struct Inner {
    oid: Oid,
    custom: Option<Arc<CustomType>>,
}

/// The catalog description of a type that is not built in.
#[derive(Debug, PartialEq, Eq)]
struct CustomType {
    name: String,
    schema: String,
    kind: Kind,
}

/// What sort of type a [`Type`] is, with the types it is built from.
///
/// ```
/// use tusk_types::{Kind, Type};
///
/// assert_eq!(Type::INT4.kind(), &Kind::Simple);
/// assert_eq!(Type::TEXT_ARRAY.kind(), &Kind::Array(Type::TEXT));
/// assert_eq!(Type::NUM_RANGE.kind(), &Kind::Range(Type::NUMERIC));
/// assert_eq!(Type::INT4_MULTIRANGE.kind(), &Kind::Multirange(Type::INT4_RANGE));
/// assert_eq!(Type::RECORD.kind(), &Kind::Pseudo);
///
/// let mood = Type::new_custom("mood", "public", 16_390, Kind::Enum(vec!["sad".into(), "happy".into()]));
/// assert!(matches!(mood.kind(), Kind::Enum(labels) if labels.len() == 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// A base (scalar) type: `int4`, `text`, `hstore`, `vector`, …
    Simple,
    /// A pseudo-type: `record`, `void`, `anyelement`, …
    Pseudo,
    /// An array, with its element type.
    Array(Type),
    /// A range, with its subtype (`int4range` → `int4`).
    Range(Type),
    /// A multirange, with its range type (`int4multirange` → `int4range`).
    Multirange(Type),
    /// A domain, with the type it is based on.
    Domain(Type),
    /// A composite (row) type, with its fields in order.
    Composite(Vec<Field>),
    /// An enum, with its labels in sort order.
    Enum(Vec<String>),
}

/// One field of a composite type: its name and type, in declaration order.
///
/// ```
/// use tusk_types::{Field, Type};
///
/// let f = Field::new("x", Type::FLOAT8);
/// assert_eq!(f.name(), "x");
/// assert_eq!(f.type_(), &Type::FLOAT8);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    name: String,
    type_: Type,
}

impl Field {
    /// A field named `name` of type `type_`.
    ///
    /// ```
    /// # use tusk_types::{Field, Type};
    /// assert_eq!(Field::new("id", Type::INT4).name(), "id");
    /// ```
    pub fn new(name: impl Into<String>, type_: Type) -> Field {
        Field {
            name: name.into(),
            type_,
        }
    }

    /// The field's name (`pg_attribute.attname`).
    ///
    /// ```
    /// # use tusk_types::{Field, Type};
    /// assert_eq!(Field::new("id", Type::INT4).name(), "id");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The field's type.
    ///
    /// ```
    /// # use tusk_types::{Field, Type};
    /// assert_eq!(Field::new("id", Type::INT4).type_(), &Type::INT4);
    /// ```
    pub fn type_(&self) -> &Type {
        &self.type_
    }
}

/// One row of the built-in type table.
#[derive(Clone, Copy)]
struct Builtin {
    /// The `typname` from `pg_type`.
    name: &'static str,
    /// The OID of the array type whose elements are this type; else 0.
    array: Oid,
}

/// Declares the built-in types: an associated constant on [`Type`] for each,
/// its array type when it has one, and the `const fn builtin` lookup table.
///
/// Each line reads `CONST = oid, "typname", "description" [, ARRAY_CONST = array_oid];`.
/// A repeated OID makes the generated `match` report an unreachable pattern,
/// which the lints turn into a build error.
macro_rules! builtin_types {
    (
        $(
            $konst:ident = $oid:literal, $name:literal, $descr:literal
            $(, $akonst:ident = $aoid:literal)?
            ;
        )*
    ) => {
        impl Type {
            $(
                #[doc = concat!("`", $name, "` (OID ", stringify!($oid), "): ", $descr, ".")]
                pub const $konst: Type = Type::from_oid($oid);
                $(
                    #[doc = concat!(
                        "`_", $name, "` (OID ", stringify!($aoid), "): an array of [`Type::",
                        stringify!($konst), "`].",
                    )]
                    pub const $akonst: Type = Type::from_oid($aoid);
                )?
            )*
        }

        /// Looks up a built-in OID.
        const fn builtin(oid: Oid) -> Option<Builtin> {
            match oid {
                $(
                    $oid => Some(Builtin {
                        name: $name,
                        array: builtin_types!(@array $($aoid)?),
                    }),
                    $(
                        $aoid => Some(Builtin {
                            name: concat!("_", $name),
                            array: 0,
                        }),
                    )?
                )*
                _ => None,
            }
        }

        /// The kind of a built-in array type: `Kind::Array` of its element.
        const fn builtin_array_kind(oid: Oid) -> Option<&'static Kind> {
            match oid {
                $(
                    $(
                        $aoid => Some(const { &Kind::Array(Type::from_oid($oid)) }),
                    )?
                )*
                _ => None,
            }
        }

        #[cfg(test)]
        /// Every built-in OID, scalar and array, for tests.
        pub(crate) const ALL_BUILTIN_OIDS: &[Oid] = &[$($oid, $($aoid,)?)*];
    };
    (@array) => { 0 };
    (@array $aoid:literal) => { $aoid };
}

builtin_types! {
    // Booleans, bytes, characters, names.
    BOOL = 16, "bool", "boolean, `true`/`false`; Rust `bool`", BOOL_ARRAY = 1000;
    BYTEA = 17, "bytea", "variable-length byte string; Rust `Vec<u8>`, `&[u8]`", BYTEA_ARRAY = 1001;
    CHAR = 18, "char", "the internal single-byte `\"char\"` type; Rust `i8`", CHAR_ARRAY = 1002;
    NAME = 19, "name", "63-byte identifier used in the system catalogs; Rust `String`, `&str`", NAME_ARRAY = 1003;

    // Integers and object identifiers.
    INT8 = 20, "int8", "`bigint`, 8-byte integer; Rust `i64`", INT8_ARRAY = 1016;
    INT2 = 21, "int2", "`smallint`, 2-byte integer; Rust `i16`", INT2_ARRAY = 1005;
    INT2_VECTOR = 22, "int2vector", "array of int2 used in the system catalogs", INT2_VECTOR_ARRAY = 1006;
    INT4 = 23, "int4", "`integer`, 4-byte integer; Rust `i32`", INT4_ARRAY = 1007;
    REGPROC = 24, "regproc", "registered procedure (an OID); Rust `u32`", REGPROC_ARRAY = 1008;
    TEXT = 25, "text", "variable-length string; Rust `String`, `&str`", TEXT_ARRAY = 1009;
    OID = 26, "oid", "object identifier; Rust `u32`", OID_ARRAY = 1028;
    TID = 27, "tid", "tuple identifier `(block, offset)`", TID_ARRAY = 1010;
    XID = 28, "xid", "32-bit transaction id; Rust `u32`", XID_ARRAY = 1011;
    CID = 29, "cid", "command identifier; Rust `u32`", CID_ARRAY = 1012;
    OID_VECTOR = 30, "oidvector", "array of oids used in the system catalogs", OID_VECTOR_ARRAY = 1013;
    PG_DDL_COMMAND = 32, "pg_ddl_command", "internal pseudo-type for passing CollectedCommand";

    // Row types of bootstrapped catalogs.
    PG_TYPE = 71, "pg_type", "row type of the `pg_type` catalog", PG_TYPE_ARRAY = 210;
    PG_ATTRIBUTE = 75, "pg_attribute", "row type of the `pg_attribute` catalog", PG_ATTRIBUTE_ARRAY = 270;
    PG_PROC = 81, "pg_proc", "row type of the `pg_proc` catalog", PG_PROC_ARRAY = 272;
    PG_CLASS = 83, "pg_class", "row type of the `pg_class` catalog", PG_CLASS_ARRAY = 273;

    // JSON, XML and internal text-like types.
    JSON = 114, "json", "JSON stored as text; Rust `String`, `&str`", JSON_ARRAY = 199;
    XML = 142, "xml", "XML content; Rust `String`, `&str`", XML_ARRAY = 143;
    PG_NODE_TREE = 194, "pg_node_tree", "string representing an internal node tree";
    PG_NDISTINCT = 3361, "pg_ndistinct", "multivariate ndistinct coefficients";
    PG_DEPENDENCIES = 3402, "pg_dependencies", "multivariate dependencies";
    PG_MCV_LIST = 5017, "pg_mcv_list", "multivariate MCV list";
    XID8 = 5069, "xid8", "64-bit full transaction id", XID8_ARRAY = 271;

    // Geometry.
    POINT = 600, "point", "geometric point `(x, y)`", POINT_ARRAY = 1017;
    LSEG = 601, "lseg", "geometric line segment `[(x1,y1),(x2,y2)]`", LSEG_ARRAY = 1018;
    PATH = 602, "path", "geometric path `((x1,y1),...)`", PATH_ARRAY = 1019;
    BOX = 603, "box", "geometric box `(x1,y1),(x2,y2)`", BOX_ARRAY = 1020;
    POLYGON = 604, "polygon", "geometric polygon `((x1,y1),...)`", POLYGON_ARRAY = 1027;
    LINE = 628, "line", "geometric line `{A,B,C}`", LINE_ARRAY = 629;
    CIRCLE = 718, "circle", "geometric circle `<(x,y),r>`", CIRCLE_ARRAY = 719;

    // Floating point, money, the unknown pseudo-type.
    FLOAT4 = 700, "float4", "`real`, single-precision float; Rust `f32`", FLOAT4_ARRAY = 1021;
    FLOAT8 = 701, "float8", "`double precision`; Rust `f64`", FLOAT8_ARRAY = 1022;
    UNKNOWN = 705, "unknown", "pseudo-type of a not-yet-resolved literal; Rust `String`, `&str`";
    MONEY = 790, "money", "currency amount", MONEY_ARRAY = 791;

    // Network addresses.
    MACADDR8 = 774, "macaddr8", "EUI-64 MAC address `XX:XX:XX:XX:XX:XX:XX:XX`", MACADDR8_ARRAY = 775;
    MACADDR = 829, "macaddr", "MAC address `XX:XX:XX:XX:XX:XX`", MACADDR_ARRAY = 1040;
    INET = 869, "inet", "IP host address with optional netmask", INET_ARRAY = 1041;
    CIDR = 650, "cidr", "IP network address", CIDR_ARRAY = 651;

    // Access control, blank-padded and varying strings.
    ACLITEM = 1033, "aclitem", "access control list item", ACLITEM_ARRAY = 1034;
    BPCHAR = 1042, "bpchar", "`character(n)`, blank-padded string; Rust `String`, `&str`", BPCHAR_ARRAY = 1014;
    VARCHAR = 1043, "varchar", "`character varying(n)`; Rust `String`, `&str`", VARCHAR_ARRAY = 1015;

    // Date and time.
    DATE = 1082, "date", "calendar date", DATE_ARRAY = 1182;
    TIME = 1083, "time", "time of day", TIME_ARRAY = 1183;
    TIMESTAMP = 1114, "timestamp", "date and time without time zone", TIMESTAMP_ARRAY = 1115;
    TIMESTAMPTZ = 1184, "timestamptz", "date and time with time zone", TIMESTAMPTZ_ARRAY = 1185;
    INTERVAL = 1186, "interval", "time interval", INTERVAL_ARRAY = 1187;
    TIMETZ = 1266, "timetz", "time of day with time zone", TIMETZ_ARRAY = 1270;

    // Bit strings, numeric.
    BIT = 1560, "bit", "fixed-length bit string", BIT_ARRAY = 1561;
    VARBIT = 1562, "varbit", "variable-length bit string", VARBIT_ARRAY = 1563;
    NUMERIC = 1700, "numeric", "arbitrary-precision decimal number", NUMERIC_ARRAY = 1231;
    REFCURSOR = 1790, "refcursor", "reference to a cursor (portal name); Rust `String`, `&str`", REFCURSOR_ARRAY = 2201;

    // Registered-object (reg*) types: OIDs that print as names.
    REGPROCEDURE = 2202, "regprocedure", "registered procedure with arguments (an OID); Rust `u32`", REGPROCEDURE_ARRAY = 2207;
    REGOPER = 2203, "regoper", "registered operator (an OID); Rust `u32`", REGOPER_ARRAY = 2208;
    REGOPERATOR = 2204, "regoperator", "registered operator with arguments (an OID); Rust `u32`", REGOPERATOR_ARRAY = 2209;
    REGCLASS = 2205, "regclass", "registered relation (an OID); Rust `u32`", REGCLASS_ARRAY = 2210;
    REGTYPE = 2206, "regtype", "registered type (an OID); Rust `u32`", REGTYPE_ARRAY = 2211;
    REGCOLLATION = 4191, "regcollation", "registered collation (an OID); Rust `u32`", REGCOLLATION_ARRAY = 4192;
    REGROLE = 4096, "regrole", "registered role (an OID); Rust `u32`", REGROLE_ARRAY = 4097;
    REGNAMESPACE = 4089, "regnamespace", "registered namespace (an OID); Rust `u32`", REGNAMESPACE_ARRAY = 4090;
    REGCONFIG = 3734, "regconfig", "registered text search configuration (an OID); Rust `u32`", REGCONFIG_ARRAY = 3735;
    REGDICTIONARY = 3769, "regdictionary", "registered text search dictionary (an OID); Rust `u32`", REGDICTIONARY_ARRAY = 3770;

    // UUID, LSN, text search, JSONB, snapshots.
    UUID = 2950, "uuid", "universally unique identifier; Rust `[u8; 16]` (and `uuid::Uuid` with feature `with-uuid`)", UUID_ARRAY = 2951;
    PG_LSN = 3220, "pg_lsn", "write-ahead log location", PG_LSN_ARRAY = 3221;
    TSVECTOR = 3614, "tsvector", "text search document", TSVECTOR_ARRAY = 3643;
    GTSVECTOR = 3642, "gtsvector", "GiST index internal text search representation", GTSVECTOR_ARRAY = 3644;
    TSQUERY = 3615, "tsquery", "text search query", TSQUERY_ARRAY = 3645;
    JSONB = 3802, "jsonb", "binary JSON; Rust `String`, `&str`", JSONB_ARRAY = 3807;
    JSONPATH = 4072, "jsonpath", "SQL/JSON path expression", JSONPATH_ARRAY = 4073;
    TXID_SNAPSHOT = 2970, "txid_snapshot", "transaction snapshot (old form)", TXID_SNAPSHOT_ARRAY = 2949;
    PG_SNAPSHOT = 5038, "pg_snapshot", "transaction snapshot", PG_SNAPSHOT_ARRAY = 5039;

    // Ranges and multiranges.
    INT4_RANGE = 3904, "int4range", "range of int4", INT4_RANGE_ARRAY = 3905;
    NUM_RANGE = 3906, "numrange", "range of numeric", NUM_RANGE_ARRAY = 3907;
    TS_RANGE = 3908, "tsrange", "range of timestamp", TS_RANGE_ARRAY = 3909;
    TSTZ_RANGE = 3910, "tstzrange", "range of timestamptz", TSTZ_RANGE_ARRAY = 3911;
    DATE_RANGE = 3912, "daterange", "range of date", DATE_RANGE_ARRAY = 3913;
    INT8_RANGE = 3926, "int8range", "range of int8", INT8_RANGE_ARRAY = 3927;
    INT4_MULTIRANGE = 4451, "int4multirange", "multirange of int4", INT4_MULTIRANGE_ARRAY = 6150;
    NUM_MULTIRANGE = 4532, "nummultirange", "multirange of numeric", NUM_MULTIRANGE_ARRAY = 6151;
    TS_MULTIRANGE = 4533, "tsmultirange", "multirange of timestamp", TS_MULTIRANGE_ARRAY = 6152;
    TSTZ_MULTIRANGE = 4534, "tstzmultirange", "multirange of timestamptz", TSTZ_MULTIRANGE_ARRAY = 6153;
    DATE_MULTIRANGE = 4535, "datemultirange", "multirange of date", DATE_MULTIRANGE_ARRAY = 6155;
    INT8_MULTIRANGE = 4536, "int8multirange", "multirange of int8", INT8_MULTIRANGE_ARRAY = 6157;

    // Pseudo-types.
    RECORD = 2249, "record", "pseudo-type of any composite (row) value", RECORD_ARRAY = 2287;
    CSTRING = 2275, "cstring", "pseudo-type of a C string", CSTRING_ARRAY = 1263;
    ANY = 2276, "any", "pseudo-type accepting any type";
    ANYARRAY = 2277, "anyarray", "polymorphic array pseudo-type";
    VOID = 2278, "void", "pseudo-type of a function result that is no value";
    TRIGGER = 2279, "trigger", "pseudo-type of a trigger function result";
    EVENT_TRIGGER = 3838, "event_trigger", "pseudo-type of an event trigger function result";
    LANGUAGE_HANDLER = 2280, "language_handler", "pseudo-type of a language handler function result";
    INTERNAL = 2281, "internal", "pseudo-type of an internal data structure";
    ANYELEMENT = 2283, "anyelement", "polymorphic base pseudo-type";
    ANYNONARRAY = 2776, "anynonarray", "polymorphic non-array pseudo-type";
    ANYENUM = 3500, "anyenum", "polymorphic enum pseudo-type";
    FDW_HANDLER = 3115, "fdw_handler", "pseudo-type of a foreign-data wrapper handler result";
    INDEX_AM_HANDLER = 325, "index_am_handler", "pseudo-type of an index access method handler result";
    TSM_HANDLER = 3310, "tsm_handler", "pseudo-type of a tablesample method handler result";
    TABLE_AM_HANDLER = 269, "table_am_handler", "pseudo-type of a table access method handler result";
    ANYRANGE = 3831, "anyrange", "polymorphic range pseudo-type";
    ANYCOMPATIBLE = 5077, "anycompatible", "polymorphic common-type pseudo-type";
    ANYCOMPATIBLEARRAY = 5078, "anycompatiblearray", "polymorphic common-type array pseudo-type";
    ANYCOMPATIBLENONARRAY = 5079, "anycompatiblenonarray", "polymorphic common-type non-array pseudo-type";
    ANYCOMPATIBLERANGE = 5080, "anycompatiblerange", "polymorphic common-type range pseudo-type";
    ANYMULTIRANGE = 4537, "anymultirange", "polymorphic multirange pseudo-type";
    ANYCOMPATIBLEMULTIRANGE = 4538, "anycompatiblemultirange", "polymorphic common-type multirange pseudo-type";

    // BRIN summaries.
    PG_BRIN_BLOOM_SUMMARY = 4600, "pg_brin_bloom_summary", "BRIN bloom summary";
    PG_BRIN_MINMAX_MULTI_SUMMARY = 4601, "pg_brin_minmax_multi_summary", "BRIN minmax-multi summary";
}

/// The name [`Type::name`] gives an OID that is not built in.
const UNKNOWN_TYPE_NAME: &str = "unknown type";

/// OIDs whose values are plain text on the wire in both formats (their binary
/// send function is `textsend` or writes the same bytes). `jsonb` is here too:
/// its binary form is a version byte followed by the text.
pub(crate) const fn is_textual(oid: Oid) -> bool {
    matches!(
        oid,
        19      // name
        | 25    // text
        | 114   // json
        | 142   // xml
        | 705   // unknown
        | 1042  // bpchar
        | 1043  // varchar
        | 1790  // refcursor
        | 3802  // jsonb
        | 4072 // jsonpath (a version byte, then the text, like jsonb)
    )
}

/// OIDs that are a 4-byte unsigned integer in binary: `oid`, the `reg*`
/// types, `xid` and `cid`.
pub(crate) const fn is_oid_like(oid: Oid) -> bool {
    matches!(
        oid,
        24      // regproc
        | 26    // oid
        | 28    // xid
        | 29    // cid
        | 2202  // regprocedure
        | 2203  // regoper
        | 2204  // regoperator
        | 2205  // regclass
        | 2206  // regtype
        | 3734  // regconfig
        | 3769  // regdictionary
        | 4089  // regnamespace
        | 4096  // regrole
        | 4191 // regcollation
    )
}

impl Type {
    /// The type with this OID. Any OID makes a `Type`: built-in OIDs compare
    /// equal to their constants, the others are types this crate has no name
    /// for (created by `CREATE TYPE` or an extension).
    ///
    /// ```
    /// use tusk_types::Type;
    ///
    /// const TY: Type = Type::from_oid(25);
    /// assert_eq!(TY, Type::TEXT);
    /// assert_eq!(Type::from_oid(99_999).name(), "unknown type");
    /// ```
    pub const fn from_oid(oid: Oid) -> Type {
        Type(Inner { oid, custom: None })
    }

    /// A type described from the server's catalogs: its name
    /// (`pg_type.typname`), schema (`pg_namespace.nspname`), OID and
    /// [`Kind`]. Clients build these for types that are not built in (see the
    /// `tusk` client's type resolution); the container conversions use the
    /// kind to find element, subtype and field types.
    ///
    /// ```
    /// use tusk_types::{Field, Kind, Type};
    ///
    /// let point = Type::new_custom(
    ///     "pt",
    ///     "public",
    ///     16_400,
    ///     Kind::Composite(vec![Field::new("x", Type::INT4), Field::new("y", Type::INT4)]),
    /// );
    /// assert_eq!(point.name(), "pt");
    /// assert_eq!(point.schema(), "public");
    /// assert_eq!(point.oid(), 16_400);
    /// assert!(point.binary_supported());
    /// let points = Type::new_custom("_pt", "public", 16_399, Kind::Array(point.clone()));
    /// assert_eq!(points.element(), Some(point));
    /// ```
    pub fn new_custom(name: impl Into<String>, schema: impl Into<String>, oid: Oid, kind: Kind) -> Type {
        Type(Inner {
            oid,
            custom: Some(Arc::new(CustomType {
                name: name.into(),
                schema: schema.into(),
                kind,
            })),
        })
    }

    /// This type's OID, as the server names it in `RowDescription`,
    /// `ParameterDescription` and `Parse`.
    ///
    /// ```
    /// use tusk_types::Type;
    ///
    /// assert_eq!(Type::INT4.oid(), 23);
    /// assert_eq!(Type::TEXT_ARRAY.oid(), 1009);
    /// ```
    #[inline]
    pub const fn oid(&self) -> Oid {
        self.0.oid
    }

    /// The catalog name (`pg_type.typname`) of a built-in type: `"int4"`,
    /// `"text"`, `"_int4"` for `int4[]`. For an OID that is not built in,
    /// `"unknown type"`; [`Display`](fmt::Display) adds the OID in that case.
    ///
    /// ```
    /// use tusk_types::Type;
    ///
    /// assert_eq!(Type::INT4.name(), "int4");
    /// assert_eq!(Type::CHAR.name(), "char");
    /// assert_eq!(Type::INT4_ARRAY.name(), "_int4");
    /// assert_eq!(Type::from_oid(16_385).name(), "unknown type");
    /// ```
    pub fn name(&self) -> &str {
        if let Some(custom) = &self.0.custom {
            return &custom.name;
        }
        match builtin(self.oid()) {
            Some(b) => b.name,
            None => UNKNOWN_TYPE_NAME,
        }
    }

    /// The schema the type lives in: `"pg_catalog"` for a built-in type, the
    /// schema given to [`Type::new_custom`] for a described one, and `""` for
    /// a bare OID nothing is known about.
    ///
    /// ```
    /// use tusk_types::{Kind, Type};
    ///
    /// assert_eq!(Type::INT4.schema(), "pg_catalog");
    /// assert_eq!(Type::new_custom("mood", "app", 16_390, Kind::Enum(vec![])).schema(), "app");
    /// assert_eq!(Type::from_oid(16_390).schema(), "");
    /// ```
    pub fn schema(&self) -> &str {
        match &self.0.custom {
            Some(custom) => &custom.schema,
            None if self.is_builtin() => "pg_catalog",
            None => "",
        }
    }

    /// What sort of type this is: [`Kind::Simple`] for base types,
    /// [`Kind::Array`] with the element type for arrays, and so on. Built-in
    /// arrays, ranges and multiranges know their kind; a described type has
    /// the kind it was built with; a bare OID nothing is known about is
    /// [`Kind::Simple`].
    ///
    /// ```
    /// use tusk_types::{Kind, Type};
    ///
    /// assert_eq!(Type::INT8_ARRAY.kind(), &Kind::Array(Type::INT8));
    /// assert_eq!(Type::TSTZ_RANGE.kind(), &Kind::Range(Type::TIMESTAMPTZ));
    /// assert_eq!(Type::INT2_VECTOR.kind(), &Kind::Array(Type::INT2));
    /// assert_eq!(Type::VOID.kind(), &Kind::Pseudo);
    /// assert_eq!(Type::from_oid(99_999).kind(), &Kind::Simple);
    /// ```
    pub fn kind(&self) -> &Kind {
        if let Some(custom) = &self.0.custom {
            return &custom.kind;
        }
        builtin_kind(self.oid())
    }

    /// The type with every domain peeled off: for a domain, its base type
    /// (following domains over domains); for any other type, itself. Values
    /// of a domain have exactly its base type's wire format.
    ///
    /// ```
    /// use tusk_types::{Kind, Type};
    ///
    /// let posint = Type::new_custom("posint", "public", 16_500, Kind::Domain(Type::INT4));
    /// let small = Type::new_custom("small", "public", 16_501, Kind::Domain(posint.clone()));
    /// assert_eq!(small.base(), &Type::INT4);
    /// assert_eq!(Type::TEXT.base(), &Type::TEXT);
    /// ```
    pub fn base(&self) -> &Type {
        let mut ty = self;
        // Domains cannot form cycles in a catalog, but a hand-built chain is
        // still walked with a bound.
        for _ in 0..MAX_DOMAIN_DEPTH {
            match ty.kind() {
                Kind::Domain(base) => ty = base,
                _ => return ty,
            }
        }
        ty
    }

    /// Whether this is one of the built-in types this crate has a name for.
    ///
    /// ```
    /// use tusk_types::Type;
    ///
    /// assert!(Type::UUID.is_builtin());
    /// assert!(!Type::from_oid(16_385).is_builtin());
    /// ```
    pub const fn is_builtin(&self) -> bool {
        builtin(self.oid()).is_some()
    }

    /// Whether tusk-types can decode values of this type in the binary format.
    ///
    /// A client asks the server for binary results only for columns of such
    /// types and for text for all the others: every type has a text form, and
    /// `String` decodes any of them. The set grows as this crate learns more
    /// types.
    ///
    /// ```
    /// use tusk_types::Type;
    ///
    /// assert!(Type::INT4.binary_supported());
    /// assert!(Type::JSONB.binary_supported());
    /// assert!(Type::INT4_ARRAY.binary_supported()); // its elements are
    /// assert!(Type::INT8_RANGE.binary_supported());
    /// assert!(Type::RECORD.binary_supported()); // fields carry their OIDs
    /// assert!(!Type::from_oid(16_385).binary_supported());
    /// ```
    ///
    /// Containers follow their parts: an array, range or multirange is
    /// binary when its element, subtype or range is; a composite when all
    /// its fields are; a domain when its base is. Anonymous `record` values
    /// are binary (each field names its type in the value), enums are text
    /// (so that `String` reads them), and of the extension types `hstore`,
    /// `ltree`, `vector`, `halfvec` and `sparsevec` are binary.
    pub fn binary_supported(&self) -> bool {
        self.binary_supported_within(MAX_KIND_DEPTH)
    }

    fn binary_supported_within(&self, depth: usize) -> bool {
        let Some(depth) = depth.checked_sub(1) else {
            return false;
        };
        match self.kind() {
            Kind::Array(element) => element.binary_supported_within(depth),
            Kind::Range(subtype) => subtype.binary_supported_within(depth),
            Kind::Multirange(range) => range.binary_supported_within(depth),
            Kind::Domain(base) => base.binary_supported_within(depth),
            Kind::Composite(fields) => fields.iter().all(|f| f.type_.binary_supported_within(depth)),
            Kind::Enum(_) => false,
            Kind::Pseudo => {
                self.oid() == Type::RECORD.oid() || (self.0.custom.is_none() && scalar_binary_supported(self.oid()))
            }
            Kind::Simple => match &self.0.custom {
                Some(custom) => crate::impls::extension_binary_supported(&custom.name),
                None => scalar_binary_supported(self.oid()),
            },
        }
    }

    /// Whether values of this type are plain UTF-8 text in binary format as
    /// well (the textual built-in types, `citext`, and enums): `String` reads
    /// them in both formats.
    ///
    /// ```
    /// use tusk_types::{Kind, Type};
    ///
    /// assert!(Type::VARCHAR.is_textual());
    /// assert!(!Type::INT4.is_textual());
    /// assert!(Type::new_custom("mood", "public", 16_390, Kind::Enum(vec![])).is_textual());
    /// assert!(Type::new_custom("citext", "public", 16_391, Kind::Simple).is_textual());
    /// ```
    #[inline]
    pub fn is_textual(&self) -> bool {
        match &self.0.custom {
            None => is_textual(self.oid()),
            Some(custom) => match &custom.kind {
                Kind::Enum(_) => true,
                Kind::Simple => crate::impls::extension_is_textual(&custom.name),
                _ => false,
            },
        }
    }
}

/// Whether tusk-types decodes the built-in scalar type `oid` in the binary
/// format. [`Type::binary_supported`] asks this for base types; containers
/// follow their parts. The set grows as the crate learns more types.
pub(crate) const fn scalar_binary_supported(oid: Oid) -> bool {
    is_textual(oid)
        || is_oid_like(oid)
        || crate::impls::scalar::is_scalar_binary(oid)
        || matches!(
            oid,
            16      // bool
                | 17    // bytea
                | 18    // "char"
                | 20    // int8
                | 21    // int2
                | 23    // int4
                | 700   // float4
                | 701   // float8
                | 2950 // uuid
        )
}

/// Most levels of containers and domains a [`Type`] is walked through (an
/// array of a composite with a range field is three levels). Catalog types
/// are never this deep; the bound only keeps a hand-built cycle finite.
const MAX_KIND_DEPTH: usize = 32;

/// Most domains over domains [`Type::base`] follows.
const MAX_DOMAIN_DEPTH: usize = 32;

/// The kind of a built-in type, from its OID.
fn builtin_kind(oid: Oid) -> &'static Kind {
    if let Some(kind) = builtin_array_kind(oid) {
        return kind;
    }
    match oid {
        // The catalog vectors use the array wire format.
        22 => const { &Kind::Array(Type::INT2) },
        30 => const { &Kind::Array(Type::OID) },
        3904 => const { &Kind::Range(Type::INT4) },
        3906 => const { &Kind::Range(Type::NUMERIC) },
        3908 => const { &Kind::Range(Type::TIMESTAMP) },
        3910 => const { &Kind::Range(Type::TIMESTAMPTZ) },
        3912 => const { &Kind::Range(Type::DATE) },
        3926 => const { &Kind::Range(Type::INT8) },
        4451 => const { &Kind::Multirange(Type::INT4_RANGE) },
        4532 => const { &Kind::Multirange(Type::NUM_RANGE) },
        4533 => const { &Kind::Multirange(Type::TS_RANGE) },
        4534 => const { &Kind::Multirange(Type::TSTZ_RANGE) },
        4535 => const { &Kind::Multirange(Type::DATE_RANGE) },
        4536 => const { &Kind::Multirange(Type::INT8_RANGE) },
        2249 | 2275 | 2276 | 2277 | 2278 | 2279 | 3838 | 2280 | 2281 | 2283 | 2776 | 3500 | 3115 | 325 | 3310 | 269
        | 3831 | 5077 | 5078 | 5079 | 5080 | 4537 | 4538 | 32 | 705 => &Kind::Pseudo,
        _ => &Kind::Simple,
    }
}

impl Type {
    /// For an array type, the type of its elements.
    ///
    /// ```
    /// use tusk_types::Type;
    ///
    /// assert_eq!(Type::TEXT_ARRAY.element(), Some(Type::TEXT));
    /// assert_eq!(Type::INT2_VECTOR.element(), Some(Type::INT2));
    /// assert_eq!(Type::TEXT.element(), None);
    /// ```
    pub fn element(&self) -> Option<Type> {
        match self.kind() {
            Kind::Array(element) => Some(element.clone()),
            _ => None,
        }
    }

    /// The array type whose elements are this type, when it is built in.
    ///
    /// ```
    /// use tusk_types::Type;
    ///
    /// assert_eq!(Type::INT4.array(), Some(Type::INT4_ARRAY));
    /// assert_eq!(Type::VOID.array(), None);
    /// ```
    pub const fn array(&self) -> Option<Type> {
        if self.0.custom.is_some() {
            return None;
        }
        match builtin(self.oid()) {
            Some(Builtin { array, .. }) if array != 0 => Some(Type::from_oid(array)),
            _ => None,
        }
    }
}

/// Shows the catalog name of a built-in type (`int4`), and
/// `unknown type (oid N)` for any other OID.
///
/// ```
/// use tusk_types::Type;
///
/// assert_eq!(Type::INT4.to_string(), "int4");
/// assert_eq!(Type::from_oid(70_000).to_string(), "unknown type (oid 70000)");
/// ```
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(custom) = &self.0.custom {
            return f.write_str(&custom.name);
        }
        match builtin(self.oid()) {
            Some(b) => f.write_str(b.name),
            None => write!(f, "{UNKNOWN_TYPE_NAME} (oid {})", self.oid()),
        }
    }
}

/// Shows the name and the OID: `Type(int4, oid 23)`.
///
/// ```
/// use tusk_types::Type;
///
/// assert_eq!(format!("{:?}", Type::INT4), "Type(int4, oid 23)");
/// assert_eq!(format!("{:?}", Type::from_oid(70_000)), "Type(unknown type, oid 70000)");
/// ```
impl fmt::Debug for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Type({}, oid {})", self.name(), self.oid())
    }
}

impl PartialEq for Type {
    #[inline]
    fn eq(&self, other: &Type) -> bool {
        self.0.oid == other.0.oid
            && match (&self.0.custom, &other.0.custom) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                _ => false,
            }
    }
}

impl Eq for Type {}

/// Hashes the OID only: equal types have equal OIDs.
impl Hash for Type {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.oid.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn oids_from_the_brief() {
        let expected: &[(Type, Oid, &str)] = &[
            (Type::BOOL, 16, "bool"),
            (Type::BYTEA, 17, "bytea"),
            (Type::CHAR, 18, "char"),
            (Type::NAME, 19, "name"),
            (Type::INT8, 20, "int8"),
            (Type::INT2, 21, "int2"),
            (Type::INT4, 23, "int4"),
            (Type::TEXT, 25, "text"),
            (Type::OID, 26, "oid"),
            (Type::JSON, 114, "json"),
            (Type::XML, 142, "xml"),
            (Type::FLOAT4, 700, "float4"),
            (Type::FLOAT8, 701, "float8"),
            (Type::UNKNOWN, 705, "unknown"),
            (Type::MONEY, 790, "money"),
            (Type::BPCHAR, 1042, "bpchar"),
            (Type::VARCHAR, 1043, "varchar"),
            (Type::DATE, 1082, "date"),
            (Type::TIME, 1083, "time"),
            (Type::TIMESTAMP, 1114, "timestamp"),
            (Type::TIMESTAMPTZ, 1184, "timestamptz"),
            (Type::INTERVAL, 1186, "interval"),
            (Type::TIMETZ, 1266, "timetz"),
            (Type::BIT, 1560, "bit"),
            (Type::VARBIT, 1562, "varbit"),
            (Type::NUMERIC, 1700, "numeric"),
            (Type::UUID, 2950, "uuid"),
            (Type::JSONB, 3802, "jsonb"),
            (Type::VOID, 2278, "void"),
            (Type::RECORD, 2249, "record"),
            (Type::INET, 869, "inet"),
            (Type::CIDR, 650, "cidr"),
            (Type::MACADDR, 829, "macaddr"),
            (Type::REGPROC, 24, "regproc"),
            (Type::REGCLASS, 2205, "regclass"),
            (Type::REGTYPE, 2206, "regtype"),
            (Type::INT4_ARRAY, 1007, "_int4"),
            (Type::TEXT_ARRAY, 1009, "_text"),
            (Type::BOOL_ARRAY, 1000, "_bool"),
            (Type::INT8_ARRAY, 1016, "_int8"),
            (Type::FLOAT8_ARRAY, 1022, "_float8"),
            (Type::VARCHAR_ARRAY, 1015, "_varchar"),
            (Type::UUID_ARRAY, 2951, "_uuid"),
            (Type::JSONB_ARRAY, 3807, "_jsonb"),
        ];
        for (ty, oid, name) in expected {
            assert_eq!(ty.oid(), *oid, "{name}");
            assert_eq!(ty.name(), *name, "{oid}");
            assert_eq!(Type::from_oid(*oid), *ty);
            assert!(ty.is_builtin());
        }
    }

    #[test]
    fn table_is_consistent() {
        let mut seen = HashSet::new();
        for &oid in ALL_BUILTIN_OIDS {
            assert!(seen.insert(oid), "duplicate oid {oid}");
            let ty = Type::from_oid(oid);
            assert_ne!(ty.name(), UNKNOWN_TYPE_NAME);
            if let Some(array) = ty.array() {
                assert_eq!(array.element(), Some(ty.clone()), "{ty}");
                assert_eq!(array.name(), format!("_{}", ty.name()));
            }
            if let Some(element) = ty.element()
                && !matches!(oid, 22 | 30)
            {
                assert_eq!(element.array(), Some(ty.clone()), "{ty}");
            }
        }
    }

    #[test]
    fn unknown_oids() {
        let ty = Type::from_oid(123_456);
        assert_eq!(ty.oid(), 123_456);
        assert_eq!(ty.name(), "unknown type");
        assert_eq!(ty.to_string(), "unknown type (oid 123456)");
        assert_eq!(format!("{ty:?}"), "Type(unknown type, oid 123456)");
        assert!(!ty.is_builtin());
        assert!(!ty.binary_supported());
        assert_eq!(ty.element(), None);
        assert_eq!(ty.array(), None);
        assert_eq!(Type::from_oid(0).name(), "unknown type");
        assert_eq!(Type::from_oid(u32::MAX).oid(), u32::MAX);
    }

    #[test]
    fn display_and_debug() {
        assert_eq!(Type::TIMESTAMPTZ.to_string(), "timestamptz");
        assert_eq!(Type::INT4_ARRAY.to_string(), "_int4");
        assert_eq!(format!("{:?}", Type::BOOL), "Type(bool, oid 16)");
    }

    #[test]
    fn binary_support_set() {
        for ty in [
            Type::BOOL,
            Type::BYTEA,
            Type::CHAR,
            Type::NAME,
            Type::INT8,
            Type::INT2,
            Type::INT4,
            Type::TEXT,
            Type::OID,
            Type::JSON,
            Type::XML,
            Type::FLOAT4,
            Type::FLOAT8,
            Type::UNKNOWN,
            Type::BPCHAR,
            Type::VARCHAR,
            Type::UUID,
            Type::JSONB,
            Type::REFCURSOR,
            Type::REGCLASS,
            Type::REGTYPE,
            Type::XID,
        ] {
            assert!(ty.binary_supported(), "{ty}");
        }
        for ty in [
            Type::NUMERIC,
            Type::DATE,
            Type::TIMESTAMPTZ,
            Type::INET,
            Type::MONEY,
            Type::VOID,
            Type::JSONPATH,
            Type::TSQUERY,
            Type::PG_LSN,
        ] {
            assert!(ty.binary_supported(), "{ty}");
        }
        for ty in [Type::XID8, Type::ACLITEM, Type::TID] {
            assert!(!ty.binary_supported(), "{ty}");
        }
        // Containers follow their parts.
        for ty in [
            Type::RECORD,
            Type::RECORD_ARRAY,
            Type::INT4_ARRAY,
            Type::INT2_VECTOR,
            Type::INT4_RANGE,
            Type::INT8_MULTIRANGE,
        ] {
            assert!(ty.binary_supported(), "{ty}");
        }
        assert!(!Type::VOID.array().is_some_and(|a| a.binary_supported()));
        assert!(!Type::XID8_ARRAY.binary_supported());
    }

    #[test]
    fn kinds_of_builtins() {
        assert_eq!(Type::INT4.kind(), &Kind::Simple);
        assert_eq!(Type::TEXT_ARRAY.kind(), &Kind::Array(Type::TEXT));
        assert_eq!(Type::OID_VECTOR.kind(), &Kind::Array(Type::OID));
        assert_eq!(Type::RECORD.kind(), &Kind::Pseudo);
        assert_eq!(Type::RECORD_ARRAY.kind(), &Kind::Array(Type::RECORD));
        assert_eq!(Type::UNKNOWN.kind(), &Kind::Pseudo);
        assert!(Type::UNKNOWN.binary_supported());
        assert!(Type::UNKNOWN.is_textual());
        let ranges = [
            (Type::INT4_RANGE, Type::INT4, Type::INT4_MULTIRANGE),
            (Type::NUM_RANGE, Type::NUMERIC, Type::NUM_MULTIRANGE),
            (Type::TS_RANGE, Type::TIMESTAMP, Type::TS_MULTIRANGE),
            (Type::TSTZ_RANGE, Type::TIMESTAMPTZ, Type::TSTZ_MULTIRANGE),
            (Type::DATE_RANGE, Type::DATE, Type::DATE_MULTIRANGE),
            (Type::INT8_RANGE, Type::INT8, Type::INT8_MULTIRANGE),
        ];
        for (range, subtype, multirange) in ranges {
            assert_eq!(range.kind(), &Kind::Range(subtype), "{range}");
            assert_eq!(multirange.kind(), &Kind::Multirange(range.clone()), "{multirange}");
            assert_eq!(range.array().unwrap().kind(), &Kind::Array(range.clone()));
            assert_eq!(multirange.array().unwrap().kind(), &Kind::Array(multirange.clone()));
        }
        for &oid in ALL_BUILTIN_OIDS {
            let ty = Type::from_oid(oid);
            assert_eq!(ty.schema(), "pg_catalog");
            if let Some(array) = ty.array() {
                assert_eq!(array.kind(), &Kind::Array(ty.clone()));
            }
        }
    }

    #[test]
    fn custom_types() {
        let mood = Type::new_custom("mood", "app", 70_000, Kind::Enum(vec!["a".into()]));
        assert_eq!(mood.name(), "mood");
        assert_eq!(mood.schema(), "app");
        assert_eq!(mood.to_string(), "mood");
        assert_eq!(format!("{mood:?}"), "Type(mood, oid 70000)");
        assert!(!mood.is_builtin());
        assert_eq!(mood.array(), None);
        assert_ne!(mood, Type::from_oid(70_000));
        assert_eq!(
            mood,
            Type::new_custom("mood", "app", 70_000, Kind::Enum(vec!["a".into()]))
        );
        assert_ne!(
            mood,
            Type::new_custom("mood", "app", 70_000, Kind::Enum(vec!["b".into()]))
        );
        let set: HashSet<Type> = [mood.clone(), mood.clone()].into_iter().collect();
        assert_eq!(set.len(), 1);
        // Domains: base() peels every level, even a hand-made cycle ends.
        let d1 = Type::new_custom("d1", "app", 70_001, Kind::Domain(Type::INT4));
        let d2 = Type::new_custom("d2", "app", 70_002, Kind::Domain(d1.clone()));
        assert_eq!(d2.base(), &Type::INT4);
        assert!(d2.binary_supported());
        assert_eq!(d2.element(), None);
        let mut deep = Type::INT4;
        for i in 0..100 {
            deep = Type::new_custom("d", "app", 71_000 + i, Kind::Domain(deep));
        }
        let _ = deep.base();
        assert!(!deep.binary_supported());
        // A composite is binary when all its fields are.
        let c = Type::new_custom(
            "c",
            "app",
            70_003,
            Kind::Composite(vec![Field::new("a", Type::INT4), Field::new("m", mood.clone())]),
        );
        assert!(!c.binary_supported());
        let arr = Type::new_custom("_mood", "app", 70_004, Kind::Array(mood.clone()));
        assert_eq!(arr.element(), Some(mood));
        assert!(Type::new_custom("hstore", "public", 70_005, Kind::Simple).binary_supported());
        assert!(!Type::new_custom("ltree", "public", 70_006, Kind::Simple).binary_supported());
        assert!(!Type::new_custom("thing", "public", 70_007, Kind::Simple).binary_supported());
        assert!(!Type::new_custom("thing", "public", 70_007, Kind::Pseudo).binary_supported());
    }

    #[test]
    fn hash_and_clone() {
        let set: HashSet<Type> = [Type::INT4, Type::from_oid(23), Type::TEXT].into_iter().collect();
        assert_eq!(set.len(), 2);
        let a = Type::from_oid(99_999);
        assert_eq!(a.clone(), a);
    }
}
