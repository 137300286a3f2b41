//! Derive macros for tusk, re-exported by the `tusk` crate (feature `derive`, on by
//! default): use them as `#[derive(tusk::FromRow)]`, `#[derive(tusk::ToSql, tusk::FromSql)]`.
//!
//! # `FromRow`
//!
//! For a struct with named fields: each field is read from the column of the same name
//! with `Row::get`, so its type must implement `FromSql` (use `Option<T>` for nullable
//! columns). The generated impl is `FromRow<'r>`, so fields may borrow from the row
//! (`&'r str`) when the struct has one lifetime parameter.
//!
//! | attribute | on | meaning |
//! | --- | --- | --- |
//! | `#[tusk(rename_all = "snake_case")]` | struct | column names from field names by a case convention |
//! | `#[tusk(rename = "col")]` | field | read column `col` |
//! | `#[tusk(flatten)]` | field | read the field (a `FromRow` type) from the same row |
//! | `#[tusk(default)]` | field | `Default::default()` when the row has no such column |
//! | `#[tusk(skip)]` | field | always `Default::default()`, never read |
//! | `#[tusk(try_from = "i64")]` | field | read an `i64`, convert with `TryFrom` |
//! | `#[tusk(crate = "path")]` | struct | where the `tusk` crate is (default `::tusk`) |
//!
//! # `ToSql` and `FromSql`
//!
//! - **C-like enums ↔ PostgreSQL enums.** Each variant is a label: its name, changed by
//!   `#[tusk(rename_all = "...")]` on the enum or `#[tusk(rename = "...")]` on the
//!   variant. Accepted types: a PostgreSQL enum that has every label (and, with
//!   `#[tusk(name = "mood")]`, that name), and the textual types.
//! - **Structs with named fields ↔ composite types**, field by field by name (renames as
//!   above); the composite must have exactly these fields, each of a type the Rust field
//!   converts. `#[tusk(name = "...")]` also checks the composite's name. Field types must
//!   own their data (`String`, not `&str`).
//! - **`#[tusk(transparent)]` newtypes** (one field): convert exactly as the field does,
//!   for domains (`struct Email(String)` for a domain over `text`).
//!
//! `#[tusk(crate = "path")]` names the crate that holds `ToSql` and `FromSql`
//! (default `::tusk::types`; `tusk_types` when using that crate alone).
//!
//! Case conventions for `rename_all`: `lowercase`, `UPPERCASE`, `PascalCase`,
//! `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`,
//! `SCREAMING-KEBAB-CASE`.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{
    Data, DeriveInput, Fields, GenericParam, Generics, Ident, Lifetime, LifetimeParam, LitStr, Path, Type,
    parse_macro_input, parse_quote,
};

/// Derives `tusk::FromRow` for a struct with named fields: each field from the column of
/// the same name. See the crate docs for the attributes.
#[proc_macro_derive(FromRow, attributes(tusk))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    from_row(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Derives `tusk::types::ToSql`: a C-like enum as a PostgreSQL enum, a struct with named
/// fields as a composite type, a `#[tusk(transparent)]` newtype as its field.
#[proc_macro_derive(ToSql, attributes(tusk))]
pub fn derive_to_sql(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    to_sql(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Derives `tusk::types::FromSql`: a C-like enum from a PostgreSQL enum, a struct with
/// named fields from a composite type, a `#[tusk(transparent)]` newtype from its field.
#[proc_macro_derive(FromSql, attributes(tusk))]
pub fn derive_from_sql(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    from_sql(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

// ---- Attributes -------------------------------------------------------------------------

/// Attributes on the struct or enum.
#[derive(Default)]
struct ContainerAttrs {
    rename_all: Option<(Case, Span)>,
    name: Option<LitStr>,
    transparent: Option<Span>,
    krate: Option<Path>,
}

/// Attributes on a field or variant.
#[derive(Default)]
struct MemberAttrs {
    rename: Option<LitStr>,
    flatten: Option<Span>,
    default: Option<Span>,
    skip: Option<Span>,
    try_from: Option<Type>,
}

/// Which attributes a derive allows where.
#[derive(Clone, Copy, PartialEq)]
enum Derive {
    FromRow,
    Sql,
}

fn container_attrs(attrs: &[syn::Attribute], derive: Derive) -> syn::Result<ContainerAttrs> {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("tusk")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
            match (key.as_str(), derive) {
                ("rename_all", _) => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let case = Case::parse(&lit.value()).ok_or_else(|| {
                        syn::Error::new(
                            lit.span(),
                            format!(
                                "unknown case convention `{}`; expected one of {}",
                                lit.value(),
                                Case::NAMES
                            ),
                        )
                    })?;
                    out.rename_all = Some((case, lit.span()));
                }
                ("crate", _) => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.krate = Some(lit.parse()?);
                }
                ("name", Derive::Sql) => out.name = Some(meta.value()?.parse()?),
                ("transparent", Derive::Sql) => out.transparent = Some(meta.path.span()),
                _ => {
                    let allowed = match derive {
                        Derive::FromRow => "`rename_all` or `crate`",
                        Derive::Sql => "`rename_all`, `name`, `transparent` or `crate`",
                    };
                    return Err(meta.error(format!(
                        "unknown tusk attribute `{}` here; expected {allowed}",
                        path_text(&meta.path)
                    )));
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

fn member_attrs(attrs: &[syn::Attribute], derive: Derive, what: &str) -> syn::Result<MemberAttrs> {
    let mut out = MemberAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("tusk")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
            match (key.as_str(), derive) {
                ("rename", _) => out.rename = Some(meta.value()?.parse()?),
                ("flatten", Derive::FromRow) => out.flatten = Some(meta.path.span()),
                ("default", Derive::FromRow) => out.default = Some(meta.path.span()),
                ("skip", Derive::FromRow) => out.skip = Some(meta.path.span()),
                ("try_from", Derive::FromRow) => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.try_from = Some(lit.parse()?);
                }
                _ => {
                    let allowed = match derive {
                        Derive::FromRow => "`rename`, `flatten`, `default`, `skip` or `try_from`",
                        Derive::Sql => "`rename`",
                    };
                    return Err(meta.error(format!(
                        "unknown tusk attribute `{}` on a {what}; expected {allowed}",
                        path_text(&meta.path)
                    )));
                }
            }
            Ok(())
        })?;
    }
    let exclusive = [
        out.flatten.map(|s| ("flatten", s)),
        out.skip.map(|s| ("skip", s)),
        out.try_from.as_ref().map(|t| ("try_from", t.span())),
    ];
    let set: Vec<_> = exclusive.iter().flatten().collect();
    if set.len() > 1 {
        return Err(syn::Error::new(
            set[1].1,
            format!("`{}` cannot be combined with `{}`", set[1].0, set[0].0),
        ));
    }
    if let (Some(_), Some(s)) = (&out.rename, out.flatten.or(out.skip)) {
        return Err(syn::Error::new(
            s,
            "a flattened or skipped field has no column to rename",
        ));
    }
    Ok(out)
}

fn path_text(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

// ---- Case conventions -------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Case {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl Case {
    const NAMES: &'static str = "\"lowercase\", \"UPPERCASE\", \"PascalCase\", \"camelCase\", \"snake_case\", \
                                 \"SCREAMING_SNAKE_CASE\", \"kebab-case\", \"SCREAMING-KEBAB-CASE\"";

    fn parse(s: &str) -> Option<Case> {
        Some(match s {
            "lowercase" => Case::Lower,
            "UPPERCASE" => Case::Upper,
            "PascalCase" => Case::Pascal,
            "camelCase" => Case::Camel,
            "snake_case" => Case::Snake,
            "SCREAMING_SNAKE_CASE" => Case::ScreamingSnake,
            "kebab-case" => Case::Kebab,
            "SCREAMING-KEBAB-CASE" => Case::ScreamingKebab,
            _ => return None,
        })
    }

    /// `ident` (a Rust field or variant name) in this convention.
    fn apply(self, ident: &str) -> String {
        let words = split_words(ident);
        let capitalised = |w: &str| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect::<String>(),
                None => String::new(),
            }
        };
        match self {
            Case::Lower => words.concat().to_lowercase(),
            Case::Upper => words.concat().to_uppercase(),
            Case::Pascal => words.iter().map(|w| capitalised(w)).collect(),
            Case::Camel => words
                .iter()
                .enumerate()
                .map(|(i, w)| if i == 0 { w.to_lowercase() } else { capitalised(w) })
                .collect(),
            Case::Snake => words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("_"),
            Case::ScreamingSnake => words.iter().map(|w| w.to_uppercase()).collect::<Vec<_>>().join("_"),
            Case::Kebab => words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("-"),
            Case::ScreamingKebab => words.iter().map(|w| w.to_uppercase()).collect::<Vec<_>>().join("-"),
        }
    }
}

/// Splits `VeryHappy`, `very_happy` or `HTTPServer` into words.
fn split_words(ident: &str) -> Vec<String> {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let mut words = Vec::new();
    for part in ident.split('_').filter(|p| !p.is_empty()) {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_uppercase()
                && (chars[i - 1].is_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            word.push(c);
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// The SQL name of a field or variant: `rename`, else `rename_all` applied, else as is.
fn sql_name(ident: &Ident, attrs: &MemberAttrs, container: &ContainerAttrs) -> String {
    if let Some(r) = &attrs.rename {
        return r.value();
    }
    let raw = ident.to_string();
    let raw = raw.strip_prefix("r#").unwrap_or(&raw).to_owned();
    match container.rename_all {
        Some((case, _)) => case.apply(&raw),
        None => raw,
    }
}

// ---- Generics ---------------------------------------------------------------------------

/// The lifetime the generated `FromRow<'r>` / `FromSql<'a>` impl uses: the type's own
/// single lifetime parameter, or a fresh one added to the impl's generics.
fn row_lifetime(generics: &Generics, fresh: &str) -> syn::Result<(Lifetime, Generics)> {
    let lifetimes: Vec<&LifetimeParam> = generics.lifetimes().collect();
    match lifetimes.as_slice() {
        [] => {
            let lt = Lifetime::new(fresh, Span::call_site());
            let mut g = generics.clone();
            g.params
                .insert(0, GenericParam::Lifetime(LifetimeParam::new(lt.clone())));
            Ok((lt, g))
        }
        [one] => Ok((one.lifetime.clone(), generics.clone())),
        [_, second, ..] => Err(syn::Error::new(
            second.span(),
            "tusk derives support at most one lifetime parameter (the one values borrow from)",
        )),
    }
}

/// Adds `ty: bound` to the where clause when the type has type parameters.
fn add_bounds(generics: &mut Generics, has_type_params: bool, bounds: Vec<TokenStream2>) {
    if !has_type_params {
        return;
    }
    let where_clause = generics.make_where_clause();
    for b in bounds {
        where_clause.predicates.push(parse_quote!(#b));
    }
}

/// The path of the `tusk` crate (for `FromRow`).
fn krate(attrs: &ContainerAttrs) -> Path {
    attrs.krate.clone().unwrap_or_else(|| parse_quote!(::tusk))
}

/// The path of the crate with `ToSql` and `FromSql` (`tusk::types` or `tusk_types`).
fn types_krate(attrs: &ContainerAttrs) -> Path {
    attrs.krate.clone().unwrap_or_else(|| parse_quote!(::tusk::types))
}

// ---- FromRow ----------------------------------------------------------------------------

fn from_row(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let attrs = container_attrs(&input.attrs, Derive::FromRow)?;
    let tusk = krate(&attrs);
    let name = &input.ident;
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(f) => &f.named,
            _ => {
                return Err(syn::Error::new(
                    input.ident.span(),
                    "FromRow can be derived only for structs with named fields (columns are found by name)",
                ));
            }
        },
        Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span(),
                "FromRow can be derived only for structs with named fields, not for enums",
            ));
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span(),
                "FromRow can be derived only for structs with named fields, not for unions",
            ));
        }
    };
    let (lt, mut generics) = row_lifetime(&input.generics, "'__tusk_row")?;
    let has_type_params = input.generics.type_params().next().is_some();
    let mut inits = Vec::new();
    let mut bounds = Vec::new();
    for field in fields {
        let ident = field
            .ident
            .as_ref()
            .ok_or_else(|| syn::Error::new(field.span(), "unnamed field"))?;
        let fattrs = member_attrs(&field.attrs, Derive::FromRow, "field")?;
        let ty = &field.ty;
        let column = sql_name(ident, &fattrs, &attrs);
        let span = ty.span();
        let init = if fattrs.skip.is_some() {
            bounds.push(quote!(#ty: ::core::default::Default));
            quote_spanned!(span=> ::core::default::Default::default())
        } else if fattrs.flatten.is_some() {
            bounds.push(quote!(#ty: #tusk::FromRow<#lt>));
            quote_spanned!(span=> <#ty as #tusk::FromRow<#lt>>::from_row(row)?)
        } else if let Some(source) = &fattrs.try_from {
            bounds.push(quote!(#source: #tusk::types::FromSql<#lt>));
            bounds.push(quote!(#ty: ::core::convert::TryFrom<#source>));
            if fattrs.default.is_some() {
                quote_spanned!(span=> if #tusk::__private::has_column(row, #column) {
                    #tusk::__private::get_try_from::<#source, #ty>(row, #column, stringify!(#ty))?
                } else {
                    ::core::default::Default::default()
                })
            } else {
                quote_spanned!(span=> #tusk::__private::get_try_from::<#source, #ty>(row, #column, stringify!(#ty))?)
            }
        } else if fattrs.default.is_some() {
            bounds.push(quote!(#ty: #tusk::types::FromSql<#lt> + ::core::default::Default));
            quote_spanned!(span=> #tusk::__private::get_or_default::<#ty>(row, #column)?)
        } else {
            bounds.push(quote!(#ty: #tusk::types::FromSql<#lt>));
            quote_spanned!(span=> row.get::<#ty>(#column)?)
        };
        inits.push(quote!(#ident: #init));
    }
    add_bounds(&mut generics, has_type_params, bounds);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = input.generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #tusk::FromRow<#lt> for #name #ty_generics #where_clause {
            fn from_row(row: &#lt #tusk::Row) -> #tusk::Result<Self> {
                ::core::result::Result::Ok(Self { #(#inits,)* })
            }
        }
    })
}

// ---- ToSql / FromSql --------------------------------------------------------------------

/// What a `ToSql`/`FromSql` derive is for.
enum Shape<'a> {
    /// A C-like enum: (variant, label) pairs.
    Enum(Vec<(&'a Ident, String)>),
    /// A struct with named fields: (field, SQL name, type).
    Composite(Vec<(&'a Ident, String, &'a Type)>),
    /// A one-field struct converted as its field: its accessor and type.
    Transparent(TokenStream2, &'a Type, bool),
}

fn shape<'a>(input: &'a DeriveInput, attrs: &ContainerAttrs, trait_name: &str) -> syn::Result<Shape<'a>> {
    match &input.data {
        Data::Enum(e) => {
            if let Some(span) = attrs.transparent {
                return Err(syn::Error::new(
                    span,
                    "`transparent` is for structs with exactly one field",
                ));
            }
            if !input.generics.params.is_empty() {
                return Err(syn::Error::new(
                    input.generics.span(),
                    format!("{trait_name} cannot be derived for a generic enum"),
                ));
            }
            if e.variants.is_empty() {
                return Err(syn::Error::new(
                    input.ident.span(),
                    format!("{trait_name} cannot be derived for an enum without variants"),
                ));
            }
            let mut labels = Vec::new();
            for v in &e.variants {
                if !matches!(v.fields, Fields::Unit) {
                    return Err(syn::Error::new(
                        v.fields.span(),
                        format!(
                            "{trait_name} can be derived only for enums whose variants have no fields \
                             (they map to the labels of a PostgreSQL enum)"
                        ),
                    ));
                }
                let vattrs = member_attrs(&v.attrs, Derive::Sql, "variant")?;
                labels.push((&v.ident, sql_name(&v.ident, &vattrs, attrs)));
            }
            for (i, (_, label)) in labels.iter().enumerate() {
                if labels[..i].iter().any(|(_, l)| l == label) {
                    return Err(syn::Error::new(
                        labels[i].0.span(),
                        format!("two variants have the label \"{label}\""),
                    ));
                }
            }
            Ok(Shape::Enum(labels))
        }
        Data::Struct(s) => {
            if attrs.transparent.is_some() {
                if let Some((_, span)) = attrs.rename_all {
                    return Err(syn::Error::new(
                        span,
                        "`rename_all` has no effect on a transparent struct",
                    ));
                }
                let mut iter = s.fields.iter();
                let (Some(field), None) = (iter.next(), iter.next()) else {
                    return Err(syn::Error::new(
                        input.ident.span(),
                        "`transparent` needs a struct with exactly one field",
                    ));
                };
                if let Some(attr) = field.attrs.iter().find(|a| a.path().is_ident("tusk")) {
                    return Err(syn::Error::new(
                        attr.span(),
                        "the field of a transparent struct takes no tusk attributes",
                    ));
                }
                return Ok(match &field.ident {
                    Some(ident) => Shape::Transparent(quote!(#ident), &field.ty, true),
                    None => Shape::Transparent(quote!(0), &field.ty, false),
                });
            }
            match &s.fields {
                Fields::Named(named) => {
                    let mut fields = Vec::new();
                    for f in &named.named {
                        let fattrs = member_attrs(&f.attrs, Derive::Sql, "field")?;
                        let ident = f
                            .ident
                            .as_ref()
                            .ok_or_else(|| syn::Error::new(f.span(), "unnamed field"))?;
                        fields.push((ident, sql_name(ident, &fattrs, attrs), &f.ty));
                    }
                    Ok(Shape::Composite(fields))
                }
                Fields::Unnamed(_) => Err(syn::Error::new(
                    input.ident.span(),
                    format!(
                        "{trait_name} for a tuple struct needs `#[tusk(transparent)]` (a newtype converted as its \
                         field); a composite type needs named fields"
                    ),
                )),
                Fields::Unit => Err(syn::Error::new(
                    input.ident.span(),
                    format!("{trait_name} cannot be derived for a unit struct"),
                )),
            }
        }
        Data::Union(u) => Err(syn::Error::new(
            u.union_token.span(),
            format!("{trait_name} cannot be derived for a union"),
        )),
    }
}

/// `name == ty.base().name()` when `#[tusk(name)]` is given.
fn name_check(types: &Path, attrs: &ContainerAttrs) -> TokenStream2 {
    match &attrs.name {
        Some(name) => quote!(#types::Type::base(ty).name() == #name),
        None => quote!(true),
    }
}

fn to_sql(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let attrs = container_attrs(&input.attrs, Derive::Sql)?;
    let types = types_krate(&attrs);
    let name = &input.ident;
    let rust_name = name.to_string();
    let mut generics = input.generics.clone();
    let has_type_params = input.generics.type_params().next().is_some();
    let body = match shape(input, &attrs, "ToSql")? {
        Shape::Enum(labels) => {
            let arms = labels.iter().map(|(v, l)| quote!(Self::#v => #l));
            let all: Vec<&String> = labels.iter().map(|(_, l)| l).collect();
            let type_name = match &attrs.name {
                Some(n) => quote!(::core::option::Option::Some(#n)),
                None => quote!(::core::option::Option::None),
            };
            quote! {
                fn to_sql(&self, ty: &#types::Type, out: &mut #types::bytes::BytesMut)
                    -> ::core::result::Result<#types::IsNull, #types::BoxError>
                {
                    let label = match self { #(#arms,)* };
                    #types::custom::encode_enum_label(#rust_name, ty, label, #types::ToSql::accepts(self, ty), out)
                }

                fn accepts(&self, ty: &#types::Type) -> bool {
                    #types::custom::enum_accepts(ty, #type_name, &[#(#all),*])
                }
            }
        }
        Shape::Composite(fields) => {
            let values: Vec<TokenStream2> = fields
                .iter()
                .map(|(ident, sql, _)| quote!((#sql, &self.#ident as &dyn #types::ToSql)))
                .collect();
            add_bounds(
                &mut generics,
                has_type_params,
                fields.iter().map(|(_, _, ty)| quote!(#ty: #types::ToSql)).collect(),
            );
            let check = name_check(&types, &attrs);
            quote! {
                fn to_sql(&self, ty: &#types::Type, out: &mut #types::bytes::BytesMut)
                    -> ::core::result::Result<#types::IsNull, #types::BoxError>
                {
                    if !(#check) {
                        return ::core::result::Result::Err(::std::boxed::Box::new(
                            #types::WrongType::new(#rust_name, ::core::clone::Clone::clone(ty)),
                        ));
                    }
                    #types::custom::encode_composite(#rust_name, ty, &[#(#values),*], out)
                }

                fn accepts(&self, ty: &#types::Type) -> bool {
                    (#check) && #types::custom::composite_accepts_values(ty, &[#(#values),*])
                }

                fn format(&self, ty: &#types::Type) -> #types::Format {
                    #types::custom::composite_format(ty, &[#(#values),*])
                }
            }
        }
        Shape::Transparent(access, ty, _) => {
            add_bounds(&mut generics, has_type_params, vec![quote!(#ty: #types::ToSql)]);
            quote! {
                fn to_sql(&self, ty: &#types::Type, out: &mut #types::bytes::BytesMut)
                    -> ::core::result::Result<#types::IsNull, #types::BoxError>
                {
                    #types::ToSql::to_sql(&self.#access, ty, out)
                }

                fn accepts(&self, ty: &#types::Type) -> bool {
                    #types::ToSql::accepts(&self.#access, ty)
                }

                fn format(&self, ty: &#types::Type) -> #types::Format {
                    #types::ToSql::format(&self.#access, ty)
                }
            }
        }
    };
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #types::ToSql for #name #ty_generics #where_clause {
            #body

            fn type_name(&self) -> &'static str {
                #rust_name
            }
        }
    })
}

fn from_sql(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let attrs = container_attrs(&input.attrs, Derive::Sql)?;
    let types = types_krate(&attrs);
    let name = &input.ident;
    let rust_name = name.to_string();
    let (lt, mut generics) = row_lifetime(&input.generics, "'__tusk_raw")?;
    let has_type_params = input.generics.type_params().next().is_some();
    let body = match shape(input, &attrs, "FromSql")? {
        Shape::Enum(labels) => {
            let arms = labels
                .iter()
                .map(|(v, l)| quote!(#l => ::core::result::Result::Ok(Self::#v)));
            let all: Vec<&String> = labels.iter().map(|(_, l)| l).collect();
            let type_name = match &attrs.name {
                Some(n) => quote!(::core::option::Option::Some(#n)),
                None => quote!(::core::option::Option::None),
            };
            quote! {
                fn from_sql(ty: &#types::Type, format: #types::Format, raw: &#lt [u8])
                    -> ::core::result::Result<Self, #types::BoxError>
                {
                    let accepted = <Self as #types::FromSql<#lt>>::accepts(ty);
                    match #types::custom::enum_label(#rust_name, ty, format, raw, accepted)? {
                        #(#arms,)*
                        _ => ::core::result::Result::Err(#types::custom::unknown_enum_label(#rust_name, ty, format)),
                    }
                }

                fn accepts(ty: &#types::Type) -> bool {
                    #types::custom::enum_accepts(ty, #type_name, &[#(#all),*])
                }
            }
        }
        Shape::Composite(fields) => {
            let takes = fields.iter().map(|(ident, sql, ty)| {
                let span = ty.span();
                quote_spanned!(span=> #ident: values.take::<#ty>(#sql)?)
            });
            let accepts = fields.iter().map(
                |(_, sql, ty)| quote!((#sql, <#ty as #types::FromSql<#lt>>::accepts as fn(&#types::Type) -> bool)),
            );
            add_bounds(
                &mut generics,
                has_type_params,
                fields
                    .iter()
                    .map(|(_, _, ty)| quote!(#ty: for<'__b> #types::FromSql<'__b>))
                    .collect(),
            );
            let check = name_check(&types, &attrs);
            quote! {
                fn from_sql(ty: &#types::Type, format: #types::Format, raw: &#lt [u8])
                    -> ::core::result::Result<Self, #types::BoxError>
                {
                    if !<Self as #types::FromSql<#lt>>::accepts(ty) {
                        return ::core::result::Result::Err(::std::boxed::Box::new(
                            #types::WrongType::new(#rust_name, ::core::clone::Clone::clone(ty)),
                        ));
                    }
                    let values = #types::custom::CompositeValues::decode(#rust_name, ty, format, raw)?;
                    ::core::result::Result::Ok(Self { #(#takes,)* })
                }

                fn accepts(ty: &#types::Type) -> bool {
                    (#check) && #types::custom::composite_accepts(ty, &[#(#accepts),*])
                }
            }
        }
        Shape::Transparent(access, ty, named) => {
            add_bounds(&mut generics, has_type_params, vec![quote!(#ty: #types::FromSql<#lt>)]);
            let wrap = |inner: TokenStream2| {
                if named {
                    quote!(Self { #access: #inner })
                } else {
                    quote!(Self(#inner))
                }
            };
            let from = wrap(quote!(<#ty as #types::FromSql<#lt>>::from_sql(ty, format, raw)?));
            let null = wrap(quote!(<#ty as #types::FromSql<#lt>>::from_sql_null(ty)?));
            quote! {
                fn from_sql(ty: &#types::Type, format: #types::Format, raw: &#lt [u8])
                    -> ::core::result::Result<Self, #types::BoxError>
                {
                    ::core::result::Result::Ok(#from)
                }

                fn from_sql_null(ty: &#types::Type) -> ::core::result::Result<Self, #types::BoxError> {
                    ::core::result::Result::Ok(#null)
                }

                fn accepts(ty: &#types::Type) -> bool {
                    <#ty as #types::FromSql<#lt>>::accepts(ty)
                }
            }
        }
    };
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = input.generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #types::FromSql<#lt> for #name #ty_generics #where_clause {
            #body
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_cases() {
        assert_eq!(split_words("VeryHappy"), ["Very", "Happy"]);
        assert_eq!(split_words("very_happy"), ["very", "happy"]);
        assert_eq!(split_words("HTTPServer"), ["HTTP", "Server"]);
        assert_eq!(split_words("Sad"), ["Sad"]);
        assert_eq!(split_words("r#type"), ["type"]);
        assert_eq!(Case::Snake.apply("VeryHappy"), "very_happy");
        assert_eq!(Case::ScreamingSnake.apply("VeryHappy"), "VERY_HAPPY");
        assert_eq!(Case::Kebab.apply("very_happy"), "very-happy");
        assert_eq!(Case::ScreamingKebab.apply("VeryHappy"), "VERY-HAPPY");
        assert_eq!(Case::Camel.apply("very_happy"), "veryHappy");
        assert_eq!(Case::Pascal.apply("very_happy"), "VeryHappy");
        assert_eq!(Case::Lower.apply("VeryHappy"), "veryhappy");
        assert_eq!(Case::Upper.apply("very_happy"), "VERYHAPPY");
        assert_eq!(Case::Snake.apply("HTTPServer2Go"), "http_server2_go");
    }
}
