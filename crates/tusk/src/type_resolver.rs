//! Turning type OIDs the server reports into [`Type`]s.
//!
//! Built-in types are known statically: their OIDs are fixed, and tusk-types knows their
//! names and kinds (`int4[]` is an array of `int4`, `int8range` a range of `int8`). Types
//! created in a database — enums, composites, domains, ranges, multiranges, extension
//! types such as `hstore` or `vector`, and arrays of all of those — get OIDs that differ
//! per database. The first time a statement mentions one, the connection looks it up in
//! the catalogs and keeps the answer in a per-connection cache.
//!
//! ## The lookup
//!
//! One statement, prepared (named) on first use and kept for the connection's life, run
//! once per level of nesting with the OIDs as an `oid[]` parameter. It reads, as one
//! `UNION ALL` result:
//!
//! - `pg_type` joined with `pg_namespace` (name, schema, `typtype`, `typelem`, `typlen`,
//!   `typbasetype`) and `pg_range` (a range's `rngsubtype`; for a multirange, the range
//!   whose `rngmultitypid` it is — PostgreSQL 14 and later);
//! - `pg_attribute` for composite fields, in `attnum` order, without dropped columns;
//! - `pg_enum` for enum labels, in `enumsortorder` order.
//!
//! The OIDs those rows refer to (element, base, subtype, range and field types) that are
//! neither built in nor known are looked up in the next round, until nothing is missing.
//! The lookup's own parameter and columns are built-in types, so preparing it never needs
//! a lookup (no recursion). It is a *named* statement on purpose: a simple query or a Parse
//! of the unnamed statement would destroy an unnamed statement that is waiting for its
//! Bind while its types are being resolved.
//!
//! A type is an array when `typelem` is set and `typlen` is −1 (as PostgreSQL's own
//! `IsTrueArrayType`); base types such as `point` that have a `typelem` but a fixed length
//! are not.
//!
//! ## Domains
//!
//! A domain has its base type's wire format, and tusk converts it as that base type:
//!
//! - result columns: the server itself names a domain column by its base type in
//!   `RowDescription`, so `i32` reads a domain over `int4`;
//! - parameters: `ParameterDescription` does name the domain; it resolves to its **base**
//!   type here, so a parameter of a domain over `int4` takes an `i32`;
//! - inside containers (arrays of a domain, composite fields of a domain type, ranges over
//!   one) the domain is kept, since the binary formats carry its OID and the server checks
//!   it; the tusk-types conversions write that OID and convert the value as the base type.
//!
//! [`Connection::resolve_type`] returns a domain as the domain.
//!
//! ## Staleness
//!
//! The cache is dropped, entirely, when this connection sees:
//!
//! - a command complete with a tag starting `ALTER ` or `DROP ` (`ALTER TYPE … ADD VALUE`,
//!   `ALTER TABLE` changing a row type, `DROP TYPE`, `DROP EXTENSION`, …) — DDL run on this
//!   connection;
//! - an error with SQLSTATE `42704` (`undefined_object`, e.g. a type that no longer
//!   exists), or an internal error `cache lookup failed for type N` — how a type dropped
//!   by another session shows up.
//!
//! Both are cheap: the cache is refilled lazily, one round trip per statement that needs
//! it. Since prepared statements keep the types they were prepared with, the statement
//! cache is emptied at the same moments. DDL run by *other* sessions that changes a type
//! in place (a composite gaining a field) is noticed only through such errors or a decode
//! error; [`Connection::clear_type_cache`] forgets everything by hand.

use std::collections::{HashMap, HashSet};

use crate::connection::Connection;
use crate::error::{Error, ErrorKind, Result};
use crate::row::Row;
use crate::statement::Statement;
use tusk_proto::backend::BackendMessage;
use tusk_types::{Field, Kind, Type};

/// Most catalog round trips one resolution makes (one per level of nesting).
const MAX_ROUNDS: usize = 16;

/// Most types kept in one connection's cache; past this the cache starts over.
const MAX_CACHED_TYPES: usize = 10_000;

/// Most levels of nesting a described type is built with.
const MAX_DEPTH: usize = 32;

/// The types of one connection that are not built in, by OID, as the catalogs described
/// them (domains included as domains).
#[derive(Debug, Default)]
pub(crate) struct TypeCache {
    types: HashMap<u32, Type>,
    /// The prepared catalog lookup, once prepared.
    lookup: Option<Statement>,
}

impl TypeCache {
    /// Whether a message tells that cached descriptions may be stale (see the module
    /// docs); if so the cache is emptied and `true` returned.
    pub(crate) fn observe(&mut self, msg: &BackendMessage) -> bool {
        if let BackendMessage::CommandComplete { tag } = msg
            && (tag.starts_with("DISCARD") || tag.starts_with("DEALLOCATE"))
        {
            // The prepared lookup may be gone.
            self.lookup = None;
        }
        if self.types.is_empty() {
            return false;
        }
        let stale = match msg {
            BackendMessage::CommandComplete { tag } => tag.starts_with("ALTER ") || tag.starts_with("DROP "),
            BackendMessage::ErrorResponse(f) => {
                let code = f.get(b'C').unwrap_or("");
                let message = f.get(b'M').unwrap_or("");
                code == "42704" || (code == "XX000" && message.starts_with("cache lookup failed for type"))
            }
            _ => false,
        };
        if stale {
            self.types.clear();
        }
        stale
    }
}

/// One `pg_type` row of the lookup.
#[derive(Debug, Clone)]
struct TypeRow {
    name: String,
    schema: String,
    typtype: u8,
    elem: u32,
    len: i16,
    base: u32,
    subtype: u32,
    multirange_of: u32,
}

/// What one or more lookup rounds found.
#[derive(Debug, Default)]
struct Catalog {
    rows: HashMap<u32, TypeRow>,
    fields: HashMap<u32, Vec<(String, u32)>>,
    labels: HashMap<u32, Vec<String>>,
}

impl TypeRow {
    /// The OIDs this type is built from.
    fn references<'a>(&'a self, oid: u32, catalog: &'a Catalog) -> impl Iterator<Item = u32> + 'a {
        let fields = catalog.fields.get(&oid).into_iter().flatten().map(|(_, t)| *t);
        [self.elem, self.base, self.subtype, self.multirange_of]
            .into_iter()
            .chain(fields)
            .filter(|&o| o != 0)
    }
}

impl Connection {
    /// Resolves each OID to a [`Type`], looking up non-built-in types on the server. A
    /// domain resolves to its base type (see the module docs).
    pub(crate) async fn resolve_types(&mut self, oids: &[u32]) -> Result<Vec<Type>> {
        let mut missing: Vec<u32> = Vec::new();
        for &oid in oids {
            if needs_lookup(oid) && !self.type_cache.types.contains_key(&oid) && !missing.contains(&oid) {
                missing.push(oid);
            }
        }
        if !missing.is_empty() {
            self.load_types(missing).await?;
        }
        Ok(oids
            .iter()
            .map(|&oid| match self.type_cache.types.get(&oid) {
                Some(ty) => ty.base().clone(),
                None => Type::from_oid(oid),
            })
            .collect())
    }

    /// The [`Type`] for `oid`, with its name, schema and [`Kind`] looked up in the catalogs
    /// (and cached) when it is not built in. Unlike the types of columns and parameters, a
    /// domain is returned as the domain ([`Kind::Domain`]). An OID the catalogs do not
    /// know comes back as a bare [`Type::from_oid`].
    ///
    /// Useful for [`Connection::prepare_typed`] with a type created in the database:
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let oid: u32 = conn.query_one("SELECT 'mood'::regtype::oid", &[]).await?.get(0)?;
    /// let mood = conn.resolve_type(oid).await?;
    /// assert_eq!(mood.name(), "mood");
    /// let stmt = conn.prepare_typed("SELECT $1", &[mood]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn resolve_type(&mut self, oid: u32) -> Result<Type> {
        if needs_lookup(oid) && !self.type_cache.types.contains_key(&oid) {
            self.load_types(vec![oid]).await?;
        }
        Ok(match self.type_cache.types.get(&oid) {
            Some(ty) => ty.clone(),
            None => Type::from_oid(oid),
        })
    }

    /// Forgets every type looked up so far (and empties the statement cache, whose
    /// statements carry those types). The next statement that needs one looks it up again.
    ///
    /// Call it after another session changed a type this connection uses (say, added a
    /// field to a composite type); DDL on this connection is noticed by itself.
    pub fn clear_type_cache(&mut self) {
        self.type_cache.types.clear();
        self.cache.clear();
    }

    /// How many non-built-in types this connection has looked up and keeps.
    pub fn cached_types(&self) -> usize {
        self.type_cache.types.len()
    }

    /// Drops the type cache (and the statement cache) when `msg` says types may have
    /// changed. Called for every message a request reads.
    pub(crate) fn observe_types(&mut self, msg: &BackendMessage) {
        if self.type_cache.observe(msg) {
            self.cache.clear();
        }
    }

    /// Looks `oids` up in the catalogs, with everything they refer to, and caches them.
    async fn load_types(&mut self, mut pending: Vec<u32>) -> Result<()> {
        let mut catalog = Catalog::default();
        for _ in 0..MAX_ROUNDS {
            if pending.is_empty() {
                break;
            }
            let rows = self.run_lookup(&pending).await?;
            read_catalog_rows(&rows, &mut catalog)?;
            let mut next = Vec::new();
            for &oid in &pending {
                let Some(row) = catalog.rows.get(&oid) else {
                    continue;
                };
                for r in row.references(oid, &catalog) {
                    if needs_lookup(r)
                        && !catalog.rows.contains_key(&r)
                        && !self.type_cache.types.contains_key(&r)
                        && !next.contains(&r)
                        && !pending.contains(&r)
                    {
                        next.push(r);
                    }
                }
            }
            pending = next;
        }
        if self.type_cache.types.len() + catalog.rows.len() > MAX_CACHED_TYPES {
            self.type_cache.types.clear();
        }
        let oids: Vec<u32> = catalog.rows.keys().copied().collect();
        for oid in oids {
            let mut visiting = HashSet::new();
            let ty = build(oid, &catalog, &mut self.type_cache.types, &mut visiting, 0);
            self.type_cache.types.insert(oid, ty);
        }
        Ok(())
    }

    /// Runs the catalog lookup for `oids`, preparing it first if needed. A lookup
    /// statement that vanished (`DISCARD ALL` by SQL we did not see) is prepared again.
    async fn run_lookup(&mut self, oids: &[u32]) -> Result<Vec<Row>> {
        let oids: Vec<u32> = oids.to_vec();
        for attempt in 0..2 {
            let stmt = match &self.type_cache.lookup {
                Some(stmt) => stmt.clone(),
                None => {
                    let sql = catalog_query(self.server_version_num().is_none_or(|v| v >= 14));
                    // Boxed: preparing resolves the statement's own (built-in) types, which
                    // never comes back here, but the future type would otherwise be recursive.
                    let stmt = Box::pin(self.prepare_typed(&sql, &[Type::OID_ARRAY])).await?;
                    self.type_cache.lookup = Some(stmt.clone());
                    stmt
                }
            };
            match Box::pin(self.query(&stmt, &[&oids])).await {
                Err(e) if attempt == 0 && e.code() == Some("26000") => self.type_cache.lookup = None,
                other => return other,
            }
        }
        Err(Error::new(
            ErrorKind::Protocol,
            "the type lookup statement keeps disappearing",
        ))
    }
}

/// Whether `oid` must be looked up: not built in (and not 0, "no type").
fn needs_lookup(oid: u32) -> bool {
    oid != 0 && !Type::from_oid(oid).is_builtin()
}

/// The catalog lookup: one row per type (`t`), composite field (`a`) and enum label
/// (`e`) for the OIDs in `$1`, fields and labels in their order.
fn catalog_query(with_multiranges: bool) -> String {
    let (multirange_col, multirange_join) = if with_multiranges {
        (
            "COALESCE(mr.rngtypid, 0)",
            " LEFT JOIN pg_catalog.pg_range mr ON mr.rngmultitypid = t.oid",
        )
    } else {
        ("0::oid", "")
    };
    format!(
        "SELECT 't'::text AS kind, t.oid, t.typname::text AS name, n.nspname::text AS schema, t.typtype::text AS typtype, \
                t.typelem AS elem, t.typlen AS len, t.typbasetype AS base, COALESCE(r.rngsubtype, 0) AS subtype, \
                {multirange_col} AS multirange_of, 0::float8 AS ord \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid{multirange_join} \
         WHERE t.oid = ANY($1) \
         UNION ALL \
         SELECT 'a', t.oid, a.attname::text, NULL, NULL, a.atttypid, NULL, NULL, NULL, NULL, a.attnum::float8 \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_attribute a ON a.attrelid = t.typrelid \
         WHERE t.oid = ANY($1) AND t.typrelid <> 0 AND a.attnum > 0 AND NOT a.attisdropped \
         UNION ALL \
         SELECT 'e', e.enumtypid, e.enumlabel::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, e.enumsortorder::float8 \
         FROM pg_catalog.pg_enum e \
         WHERE e.enumtypid = ANY($1) \
         ORDER BY kind, oid, ord"
    )
}

fn bad_catalog_row(what: &str) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!("unexpected catalog row while looking up types: {what}"),
    )
}

/// Adds the rows of one lookup round to `catalog`.
fn read_catalog_rows(rows: &[Row], catalog: &mut Catalog) -> Result<()> {
    for row in rows {
        let oid: u32 = row.get("oid")?;
        let name: String = row.get("name")?;
        match row.get::<&str>("kind")? {
            "t" => {
                let typtype: &str = row.get("typtype")?;
                let typtype = typtype.bytes().next().ok_or_else(|| bad_catalog_row("typtype"))?;
                catalog.rows.insert(
                    oid,
                    TypeRow {
                        name,
                        schema: row.get("schema")?,
                        typtype,
                        elem: row.get("elem")?,
                        len: row.get("len")?,
                        base: row.get("base")?,
                        subtype: row.get("subtype")?,
                        multirange_of: row.get("multirange_of")?,
                    },
                );
            }
            "a" => catalog.fields.entry(oid).or_default().push((name, row.get("elem")?)),
            "e" => catalog.labels.entry(oid).or_default().push(name),
            other => return Err(bad_catalog_row(other)),
        }
    }
    Ok(())
}

/// The [`Type`] for `oid`: built in, already cached, or built from the catalog rows (and
/// cached). A cycle or too deep a nesting ends in a bare OID rather than a hang.
fn build(
    oid: u32,
    catalog: &Catalog,
    cache: &mut HashMap<u32, Type>,
    visiting: &mut HashSet<u32>,
    depth: usize,
) -> Type {
    if !needs_lookup(oid) {
        return Type::from_oid(oid);
    }
    if let Some(ty) = cache.get(&oid) {
        return ty.clone();
    }
    let Some(row) = catalog.rows.get(&oid) else {
        return Type::from_oid(oid);
    };
    if depth >= MAX_DEPTH || !visiting.insert(oid) {
        return Type::from_oid(oid);
    }
    let mut part = |o: u32| build(o, catalog, cache, visiting, depth + 1);
    let kind = match row.typtype {
        b'c' => Kind::Composite(
            catalog
                .fields
                .get(&oid)
                .into_iter()
                .flatten()
                .map(|(name, t)| Field::new(name.clone(), part(*t)))
                .collect(),
        ),
        b'd' => Kind::Domain(part(row.base)),
        b'e' => Kind::Enum(catalog.labels.get(&oid).cloned().unwrap_or_default()),
        b'p' => Kind::Pseudo,
        b'r' => Kind::Range(part(row.subtype)),
        b'm' => Kind::Multirange(part(row.multirange_of)),
        _ if row.elem != 0 && row.len == -1 => Kind::Array(part(row.elem)),
        _ => Kind::Simple,
    };
    visiting.remove(&oid);
    let ty = Type::new_custom(row.name.clone(), row.schema.clone(), oid, kind);
    cache.insert(oid, ty.clone());
    ty
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, typtype: u8) -> TypeRow {
        TypeRow {
            name: name.into(),
            schema: "public".into(),
            typtype,
            elem: 0,
            len: -1,
            base: 0,
            subtype: 0,
            multirange_of: 0,
        }
    }

    #[test]
    fn builds_nested_types() {
        let mut catalog = Catalog::default();
        catalog.rows.insert(100, row("mood", b'e'));
        catalog.labels.insert(100, vec!["sad".into(), "happy".into()]);
        catalog.rows.insert(
            101,
            TypeRow {
                elem: 100,
                ..row("_mood", b'b')
            },
        );
        catalog.rows.insert(
            102,
            TypeRow {
                base: 23,
                ..row("posint", b'd')
            },
        );
        catalog.rows.insert(103, row("pair", b'c'));
        catalog.fields.insert(103, vec![("m".into(), 101), ("n".into(), 102)]);
        catalog.rows.insert(
            104,
            TypeRow {
                subtype: 102,
                ..row("posrange", b'r')
            },
        );
        catalog.rows.insert(
            105,
            TypeRow {
                multirange_of: 104,
                ..row("posmultirange", b'm')
            },
        );
        catalog.rows.insert(
            106,
            TypeRow {
                elem: 701,
                len: 16,
                ..row("pointish", b'b')
            },
        );
        let mut cache = HashMap::new();
        for oid in 100..=106 {
            build(oid, &catalog, &mut cache, &mut HashSet::new(), 0);
        }
        let pair = &cache[&103];
        let Kind::Composite(fields) = pair.kind() else {
            panic!("{pair:?}")
        };
        assert_eq!(fields[0].name(), "m");
        assert!(matches!(fields[0].type_().kind(), Kind::Array(e) if e.name() == "mood"));
        assert_eq!(fields[1].type_().base(), &Type::INT4);
        assert_eq!(cache[&105].kind(), &Kind::Multirange(cache[&104].clone()));
        assert_eq!(cache[&106].kind(), &Kind::Simple);
    }

    #[test]
    fn cycles_end() {
        let mut catalog = Catalog::default();
        catalog.rows.insert(
            200,
            TypeRow {
                base: 201,
                ..row("a", b'd')
            },
        );
        catalog.rows.insert(
            201,
            TypeRow {
                base: 200,
                ..row("b", b'd')
            },
        );
        let mut cache = HashMap::new();
        let ty = build(200, &catalog, &mut cache, &mut HashSet::new(), 0);
        assert_eq!(ty.name(), "a");
    }

    #[test]
    fn staleness() {
        let mut cache = TypeCache::default();
        let tag = |t: &str| BackendMessage::CommandComplete { tag: t.into() };
        assert!(!cache.observe(&tag("DROP TYPE")), "nothing to drop");
        cache.types.insert(300, Type::from_oid(300));
        assert!(!cache.observe(&tag("SELECT 1")));
        assert!(!cache.observe(&tag("CREATE TYPE")));
        assert!(cache.observe(&tag("ALTER TYPE")));
        assert!(cache.types.is_empty());
        cache.types.insert(300, Type::from_oid(300));
        let err = |code: &str, msg: &str| {
            BackendMessage::ErrorResponse(tusk_proto::backend::ErrorFields::new(vec![
                (b'S', "ERROR".into()),
                (b'C', code.into()),
                (b'M', msg.into()),
            ]))
        };
        assert!(!cache.observe(&err("23505", "duplicate key")));
        assert!(!cache.observe(&err("XX000", "something else")));
        assert!(cache.observe(&err("XX000", "cache lookup failed for type 300")));
        cache.types.insert(300, Type::from_oid(300));
        assert!(cache.observe(&err("42704", "type \"x\" does not exist")));
    }

    #[test]
    fn query_text() {
        assert!(catalog_query(true).contains("rngmultitypid"));
        assert!(!catalog_query(false).contains("rngmultitypid"));
    }
}
