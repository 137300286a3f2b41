//! Full-text search: `tsvector` ([`PgTsVector`]) and `tsquery`
//! ([`PgTsQuery`]).
//!
//! # `tsvector` binary layout (`tsvectorsend`)
//!
//! An `i32` count of lexemes, then for each lexeme:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | lexeme | NUL-terminated UTF-8 | the normalized word |
//! | npos | `u16` | how many positions follow (0 for a lexeme without positions) |
//! | positions | `npos` × `u16` | the weight in the top two bits (3 = A, 2 = B, 1 = C, 0 = D), the position (1 to 16 383) in the low fourteen |
//!
//! The server keeps lexemes sorted and unique and positions ascending; it
//! sorts what it receives. Text: `'a':1A 'cat':2,5B 'fat'` — each lexeme in
//! single quotes (a quote inside doubled, a backslash doubled), then its
//! positions after a colon, each followed by its weight letter unless D.
//!
//! # `tsquery` binary layout (`tsquerysend`)
//!
//! An `i32` count of items, then the items in prefix order: an operator is
//! followed by its **right** operand's items, then its left operand's (the
//! order the server stores them in). Each item starts with its type:
//!
//! | type | then |
//! | --- | --- |
//! | 1, an operand | `u8` weight mask (8 = A, 4 = B, 2 = C, 1 = D; 0 = any), `u8` prefix flag (`:*`), the lexeme NUL-terminated |
//! | 2, an operator | `u8` operator: 1 `!` (one operand), 2 `&`, 3 `\|`, 4 `<->`; for `<->` an `i16` distance |
//!
//! `'fat' & 'rat'` is `[2, 2, 2]` then `[1, 0, 0, 'r' 'a' 't' 0]` then
//! `[1, 0, 0, 'f' 'a' 't' 0]` after the count 3. The text form is infix with
//! the fewest parentheses (`( 'a' | 'b' ) & !'c' <-> 'd':*AB`); an empty
//! query prints as an empty string.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::scalar::{Cursor, PgValue, Reader, out_of_range, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// The largest position in a `tsvector` (`MAXENTRYPOS - 1`).
const MAX_POSITION: u16 = 0x3FFF;

/// The weight of a lexeme's position, A (highest) to D (the default).
///
/// ```
/// use tusk_types::PgTsWeight;
///
/// assert_eq!(PgTsWeight::default(), PgTsWeight::D);
/// assert_eq!(PgTsWeight::A.letter(), 'A');
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PgTsWeight {
    /// Weight D, the default (not printed).
    #[default]
    D,
    /// Weight C.
    C,
    /// Weight B.
    B,
    /// Weight A.
    A,
}

impl PgTsWeight {
    /// The weight's letter.
    ///
    /// ```
    /// use tusk_types::PgTsWeight;
    ///
    /// assert_eq!(PgTsWeight::C.letter(), 'C');
    /// ```
    pub fn letter(self) -> char {
        match self {
            PgTsWeight::A => 'A',
            PgTsWeight::B => 'B',
            PgTsWeight::C => 'C',
            PgTsWeight::D => 'D',
        }
    }

    /// The two bits on the wire.
    fn bits(self) -> u16 {
        match self {
            PgTsWeight::D => 0,
            PgTsWeight::C => 1,
            PgTsWeight::B => 2,
            PgTsWeight::A => 3,
        }
    }

    /// The weight of two wire bits.
    fn from_bits(bits: u16) -> PgTsWeight {
        match bits & 3 {
            3 => PgTsWeight::A,
            2 => PgTsWeight::B,
            1 => PgTsWeight::C,
            _ => PgTsWeight::D,
        }
    }

    /// The weight a letter names.
    fn from_letter(b: u8) -> Option<PgTsWeight> {
        match b.to_ascii_uppercase() {
            b'A' => Some(PgTsWeight::A),
            b'B' => Some(PgTsWeight::B),
            b'C' => Some(PgTsWeight::C),
            b'D' => Some(PgTsWeight::D),
            _ => None,
        }
    }
}

/// One position of a lexeme in a `tsvector`: where the word occurs (1 to
/// 16 383) and its weight.
///
/// ```
/// use tusk_types::{PgTsPosition, PgTsWeight};
///
/// let pos = PgTsPosition { position: 3, weight: PgTsWeight::B };
/// assert_eq!(pos.to_string(), "3B");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PgTsPosition {
    /// The word's position in the document, from 1.
    pub position: u16,
    /// Its weight.
    pub weight: PgTsWeight,
}

impl fmt::Display for PgTsPosition {
    /// The position and, unless D, the weight letter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.position)?;
        if self.weight != PgTsWeight::D {
            f.write_char(self.weight.letter())?;
        }
        Ok(())
    }
}

/// One lexeme of a `tsvector` with its positions (possibly none).
///
/// ```
/// use tusk_types::{PgTsLexeme, PgTsPosition, PgTsWeight};
///
/// let lexeme = PgTsLexeme {
///     word: "cat".into(),
///     positions: vec![PgTsPosition { position: 2, weight: PgTsWeight::D }],
/// };
/// assert_eq!(lexeme.to_string(), "'cat':2");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgTsLexeme {
    /// The lexeme.
    pub word: String,
    /// Where it occurs.
    pub positions: Vec<PgTsPosition>,
}

/// Writes a quoted lexeme as `tsvectorout` and `tsqueryout` do: quotes and
/// backslashes doubled.
fn write_quoted(out: &mut String, word: &str) {
    out.push('\'');
    for ch in word.chars() {
        if ch == '\'' || ch == '\\' {
            out.push(ch);
        }
        out.push(ch);
    }
    out.push('\'');
}

impl fmt::Display for PgTsLexeme {
    /// `'word':1A,2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(self.word.len() + 2 + self.positions.len() * 4);
        write_quoted(&mut text, &self.word);
        for (i, pos) in self.positions.iter().enumerate() {
            text.push(if i == 0 { ':' } else { ',' });
            let _ = write!(text, "{pos}");
        }
        f.write_str(&text)
    }
}

/// A PostgreSQL `tsvector`: a document's lexemes, each with the positions
/// and weights it occurs at.
///
/// Binary: an `i32` lexeme count, then for each lexeme its NUL-terminated
/// text, a `u16` position count and the positions as `u16`s (the weight in
/// the top two bits, A = 3 to D = 0; the position, 1 to 16 383, in the low
/// fourteen). Text: `'a':1A 'cat':2,5B 'fat'`, quotes and backslashes in a
/// lexeme doubled.
///
/// ```
/// use tusk_types::{Format, FromSql, PgTsVector, Type};
///
/// let v: PgTsVector = "'a':1A 'cat':2,5B 'fat'".parse().unwrap();
/// assert_eq!(v.lexemes.len(), 3);
/// assert_eq!(v.lexemes[1].word, "cat");
/// assert_eq!(v.to_string(), "'a':1A 'cat':2,5B 'fat'");
///
/// // Binary: the count, then each lexeme NUL-terminated with its positions.
/// let raw = [0, 0, 0, 1, b'h', b'i', 0, 0, 1, 0xC0, 0x01];
/// let v = PgTsVector::from_sql(&Type::TSVECTOR, Format::Binary, &raw).unwrap();
/// assert_eq!(v.to_string(), "'hi':1A");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgTsVector {
    /// The lexemes (the server sorts them and removes duplicates).
    pub lexemes: Vec<PgTsLexeme>,
}

impl fmt::Display for PgTsVector {
    /// Lexemes separated by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, lexeme) in self.lexemes.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            write!(f, "{lexeme}")?;
        }
        Ok(())
    }
}

impl FromStr for PgTsVector {
    type Err = DecodeError;

    /// Parses `tsvector` text: quoted or bare lexemes, each optionally
    /// followed by `:positions`. The lexemes are kept as written (the server
    /// would sort them).
    fn from_str(s: &str) -> Result<PgTsVector, DecodeError> {
        value_from_str(&Type::TSVECTOR, s)
    }
}

/// A lexeme in text: `'quoted'` (with `''` and `\x` escapes) or a bare word
/// ending at whitespace or one of `stops` (with `\x` escapes).
fn parse_lexeme(c: &mut Cursor<'_>, stops: &[u8]) -> Result<String, DecodeErrorKind> {
    let mut word = Vec::new();
    if c.eat(b'\'') {
        loop {
            match c.next() {
                None => return Err(DecodeErrorKind::InvalidSyntax),
                Some(b'\'') if c.peek() == Some(b'\'') => {
                    c.next();
                    word.push(b'\'');
                }
                Some(b'\'') => break,
                Some(b'\\') => word.push(c.next().ok_or(DecodeErrorKind::InvalidSyntax)?),
                Some(b) => word.push(b),
            }
        }
    } else {
        while let Some(b) = c.peek() {
            if b.is_ascii_whitespace() || stops.contains(&b) {
                break;
            }
            c.next();
            if b == b'\\' {
                word.push(c.next().ok_or(DecodeErrorKind::InvalidSyntax)?);
            } else {
                word.push(b);
            }
        }
        if word.is_empty() {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
    }
    String::from_utf8(word).map_err(|_| DecodeErrorKind::InvalidUtf8)
}

impl PgTsVector {
    /// Parses the text form.
    fn parse(s: &str) -> Result<PgTsVector, DecodeErrorKind> {
        let mut c = Cursor::new(s);
        let mut lexemes = Vec::new();
        loop {
            c.skip_ws();
            if c.is_done() {
                break;
            }
            let word = parse_lexeme(&mut c, b":")?;
            let mut positions = Vec::new();
            if c.eat(b':') {
                loop {
                    let (pos, _) = c.digits(9)?;
                    if pos == 0 {
                        return Err(DecodeErrorKind::InvalidSyntax);
                    }
                    // tsvectorin clamps positions to the largest one.
                    let position = pos.min(u64::from(MAX_POSITION)) as u16;
                    let weight = match c.peek().and_then(PgTsWeight::from_letter) {
                        Some(w) => {
                            c.next();
                            w
                        }
                        None => PgTsWeight::D,
                    };
                    positions.push(PgTsPosition { position, weight });
                    if !c.eat(b',') {
                        break;
                    }
                }
            }
            if !c.is_done() && !c.peek().is_some_and(|b| b.is_ascii_whitespace()) {
                return Err(DecodeErrorKind::InvalidSyntax);
            }
            lexemes.push(PgTsLexeme { word, positions });
        }
        Ok(PgTsVector { lexemes })
    }

    /// Decodes the binary form.
    fn decode(raw: &[u8]) -> Result<PgTsVector, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let count = usize::try_from(r.i32()?).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
        // Each lexeme takes at least three bytes: bound the allocation.
        let mut lexemes = Vec::with_capacity(count.min(r.remaining() / 3));
        for _ in 0..count {
            let word = std::str::from_utf8(r.cstr()?).map_err(|_| DecodeErrorKind::InvalidUtf8)?;
            let npos = usize::from(r.u16()?);
            let body = r.take(npos * 2)?;
            let positions = body
                .chunks_exact(2)
                .map(|pair| {
                    let v = u16::from_be_bytes([pair[0], pair[1]]);
                    PgTsPosition {
                        position: v & MAX_POSITION,
                        weight: PgTsWeight::from_bits(v >> 14),
                    }
                })
                .collect();
            lexemes.push(PgTsLexeme {
                word: word.to_owned(),
                positions,
            });
        }
        r.finish()?;
        Ok(PgTsVector { lexemes })
    }

    /// Encodes the binary form.
    fn encode(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        const NAME: &str = "PgTsVector";
        let count = i32::try_from(self.lexemes.len()).map_err(|_| out_of_range(NAME, ty, "too many lexemes"))?;
        out.put_i32(count);
        for lexeme in &self.lexemes {
            put_cstring(NAME, ty, &lexeme.word, out)?;
            let npos = u16::try_from(lexeme.positions.len())
                .map_err(|_| out_of_range(NAME, ty, "a lexeme has at most 65 535 positions"))?;
            out.put_u16(npos);
            for pos in &lexeme.positions {
                if pos.position == 0 || pos.position > MAX_POSITION {
                    return Err(out_of_range(NAME, ty, "a position is between 1 and 16383"));
                }
                out.put_u16(pos.weight.bits() << 14 | pos.position);
            }
        }
        Ok(())
    }
}

/// Writes a NUL-terminated string, refusing one with a NUL inside.
fn put_cstring(name: &'static str, ty: &Type, s: &str, out: &mut BytesMut) -> Result<(), BoxError> {
    if s.as_bytes().contains(&0) {
        return Err(out_of_range(name, ty, "a lexeme cannot contain a NUL byte"));
    }
    out.put_slice(s.as_bytes());
    out.put_u8(0);
    Ok(())
}

impl PgValue for PgTsVector {
    const NAME: &'static str = "PgTsVector";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TSVECTOR.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgTsVector::decode(raw)
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgTsVector::parse(text)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        self.encode(ty, out)
    }
}

/// One item of a [`PgTsQuery`] in prefix order: an operand or an operator.
///
/// ```
/// use tusk_types::PgTsQueryItem;
///
/// let item = PgTsQueryItem::Operand { word: "cat".into(), weights: 0b1000, prefix: true };
/// assert!(matches!(item, PgTsQueryItem::Operand { prefix: true, .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PgTsQueryItem {
    /// A lexeme to match.
    Operand {
        /// The lexeme.
        word: String,
        /// The weights it must have, as a mask: 8 = A, 4 = B, 2 = C, 1 = D;
        /// 0 matches any weight.
        weights: u8,
        /// Whether it matches as a prefix (`:*`).
        prefix: bool,
    },
    /// `!`: the next item's subtree does not match.
    Not,
    /// `&`: both operands match.
    And,
    /// `|`: either operand matches.
    Or,
    /// `<N>` (`<->` for 1): the left operand is followed by the right one
    /// `distance` positions later.
    Phrase {
        /// How many positions after the left operand the right one is.
        distance: u16,
    },
}

impl PgTsQueryItem {
    /// How many operands the item takes.
    fn arity(&self) -> usize {
        match self {
            PgTsQueryItem::Operand { .. } => 0,
            PgTsQueryItem::Not => 1,
            _ => 2,
        }
    }

    /// The operator's priority in text (`!` binds tightest).
    fn priority(&self) -> u8 {
        match self {
            PgTsQueryItem::Operand { .. } => 5,
            PgTsQueryItem::Not => 4,
            PgTsQueryItem::Phrase { .. } => 3,
            PgTsQueryItem::And => 2,
            PgTsQueryItem::Or => 1,
        }
    }
}

/// A PostgreSQL `tsquery`: lexemes combined with `!`, `&`, `|` and `<->`.
///
/// The items are kept as the server keeps them, in prefix order with each
/// operator's right operand first: `'a' & 'b'` is `[And, 'b', 'a']`. The
/// builder methods put them there, and the text conversions read and print
/// the usual infix form with the fewest parentheses, as `tsqueryout` does.
///
/// Binary: an `i32` item count, then each item: type 1 (operand) with a
/// `u8` weight mask (A = 8, B = 4, C = 2, D = 1), a `u8` prefix flag and the
/// NUL-terminated lexeme; or type 2 (operator) with a `u8` operator (1 `!`,
/// 2 `&`, 3 `|`, 4 `<N>`) and, for `<N>`, an `i16` distance.
///
/// ```
/// use tusk_types::{Format, FromSql, PgTsQuery, PgTsQueryItem, Type};
///
/// let q = PgTsQuery::lexeme("fat").and(PgTsQuery::lexeme("rat").or(PgTsQuery::lexeme("cat")));
/// assert_eq!(q.to_string(), "'fat' & ( 'rat' | 'cat' )");
/// assert_eq!(q.items()[0], PgTsQueryItem::And);
/// assert_eq!("'fat' & ( 'rat' | 'cat' )".parse::<PgTsQuery>().unwrap(), q);
///
/// let raw = [0, 0, 0, 3, 2, 2, 1, 0, 0, b'r', b'a', b't', 0, 1, 0, 0, b'f', b'a', b't', 0];
/// let q = PgTsQuery::from_sql(&Type::TSQUERY, Format::Binary, &raw).unwrap();
/// assert_eq!(q.to_string(), "'fat' & 'rat'");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgTsQuery {
    items: Vec<PgTsQueryItem>,
}

/// For each item, its operands' indexes (`(right, left)`; `left` unused for
/// `!`), if `items` is a complete expression in prefix order.
fn operands(items: &[PgTsQueryItem]) -> Option<Vec<(usize, usize)>> {
    let mut children = vec![(0, 0); items.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, item) in items.iter().enumerate().rev() {
        match item.arity() {
            0 => {}
            1 => children[i] = (stack.pop()?, 0),
            _ => {
                let right = stack.pop()?;
                let left = stack.pop()?;
                children[i] = (right, left);
            }
        }
        stack.push(i);
    }
    (stack.len() == usize::from(!items.is_empty())).then_some(children)
}

impl PgTsQuery {
    /// The empty query (matches nothing; prints as an empty string).
    ///
    /// ```
    /// use tusk_types::PgTsQuery;
    ///
    /// assert!(PgTsQuery::new().is_empty());
    /// assert_eq!(PgTsQuery::new().to_string(), "");
    /// ```
    pub fn new() -> PgTsQuery {
        PgTsQuery::default()
    }

    /// The query of these items in the server's prefix order, if they form
    /// one complete expression (or none at all).
    ///
    /// ```
    /// use tusk_types::{PgTsQuery, PgTsQueryItem};
    ///
    /// let word = |w: &str| PgTsQueryItem::Operand { word: w.into(), weights: 0, prefix: false };
    /// let q = PgTsQuery::from_items(vec![PgTsQueryItem::Or, word("b"), word("a")]).unwrap();
    /// assert_eq!(q.to_string(), "'a' | 'b'");
    /// assert!(PgTsQuery::from_items(vec![PgTsQueryItem::Or, word("b")]).is_none());
    /// assert!(PgTsQuery::from_items(vec![word("a"), word("b")]).is_none());
    /// ```
    pub fn from_items(items: Vec<PgTsQueryItem>) -> Option<PgTsQuery> {
        operands(&items).map(|_| PgTsQuery { items })
    }

    /// The items, in the server's prefix order.
    ///
    /// ```
    /// use tusk_types::{PgTsQuery, PgTsQueryItem};
    ///
    /// assert_eq!((!PgTsQuery::lexeme("a")).items()[0], PgTsQueryItem::Not);
    /// ```
    pub fn items(&self) -> &[PgTsQueryItem] {
        &self.items
    }

    /// Whether the query has no items.
    ///
    /// ```
    /// use tusk_types::PgTsQuery;
    ///
    /// assert!(!PgTsQuery::lexeme("a").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A query of one lexeme, any weight, not a prefix.
    ///
    /// ```
    /// use tusk_types::PgTsQuery;
    ///
    /// assert_eq!(PgTsQuery::lexeme("it's").to_string(), "'it''s'");
    /// ```
    pub fn lexeme(word: impl Into<String>) -> PgTsQuery {
        PgTsQuery {
            items: vec![PgTsQueryItem::Operand {
                word: word.into(),
                weights: 0,
                prefix: false,
            }],
        }
    }

    /// Combines two queries with a binary operator; an empty side leaves the
    /// other.
    fn combine(self, op: PgTsQueryItem, right: PgTsQuery) -> PgTsQuery {
        if self.is_empty() {
            return right;
        }
        if right.is_empty() {
            return self;
        }
        let mut items = Vec::with_capacity(1 + right.items.len() + self.items.len());
        items.push(op);
        items.extend(right.items);
        items.extend(self.items);
        PgTsQuery { items }
    }

    /// `self & right`.
    ///
    /// ```
    /// use tusk_types::PgTsQuery;
    ///
    /// assert_eq!(PgTsQuery::lexeme("a").and(PgTsQuery::lexeme("b")).to_string(), "'a' & 'b'");
    /// ```
    pub fn and(self, right: PgTsQuery) -> PgTsQuery {
        self.combine(PgTsQueryItem::And, right)
    }

    /// `self | right`.
    ///
    /// ```
    /// use tusk_types::PgTsQuery;
    ///
    /// assert_eq!(PgTsQuery::lexeme("a").or(PgTsQuery::lexeme("b")).to_string(), "'a' | 'b'");
    /// ```
    pub fn or(self, right: PgTsQuery) -> PgTsQuery {
        self.combine(PgTsQueryItem::Or, right)
    }

    /// `self <N> right`: `right` follows `self` `distance` positions later
    /// (`<->` is distance 1).
    ///
    /// ```
    /// use tusk_types::PgTsQuery;
    ///
    /// let q = PgTsQuery::lexeme("a").followed_by(PgTsQuery::lexeme("b"), 1);
    /// assert_eq!(q.to_string(), "'a' <-> 'b'");
    /// assert_eq!(PgTsQuery::lexeme("a").followed_by(PgTsQuery::lexeme("b"), 3).to_string(), "'a' <3> 'b'");
    /// ```
    pub fn followed_by(self, right: PgTsQuery, distance: u16) -> PgTsQuery {
        self.combine(PgTsQueryItem::Phrase { distance }, right)
    }

    /// Parses the infix text form (operator precedence `!`, `<->`, `&`, `|`,
    /// left-associative, as `tsqueryin` reads it).
    fn parse(s: &str) -> Result<PgTsQuery, DecodeErrorKind> {
        /// An entry of the operator stack.
        enum Op {
            Item(PgTsQueryItem),
            Open,
        }
        let mut c = Cursor::new(s);
        let mut postfix: Vec<PgTsQueryItem> = Vec::new();
        let mut ops: Vec<Op> = Vec::new();
        let mut want_operand = true;
        loop {
            c.skip_ws();
            let Some(b) = c.peek() else { break };
            if want_operand {
                match b {
                    b'!' => {
                        c.next();
                        ops.push(Op::Item(PgTsQueryItem::Not));
                    }
                    b'(' => {
                        c.next();
                        ops.push(Op::Open);
                    }
                    b'&' | b'|' | b'<' | b')' | b':' => return Err(DecodeErrorKind::InvalidSyntax),
                    _ => {
                        let word = parse_lexeme(&mut c, b"!&|()<:")?;
                        let (weights, prefix) = parse_modifiers(&mut c);
                        postfix.push(PgTsQueryItem::Operand { word, weights, prefix });
                        want_operand = false;
                    }
                }
                continue;
            }
            let op = match b {
                b')' => {
                    c.next();
                    loop {
                        match ops.pop() {
                            Some(Op::Item(item)) => postfix.push(item),
                            Some(Op::Open) => break,
                            None => return Err(DecodeErrorKind::InvalidSyntax),
                        }
                    }
                    continue;
                }
                b'&' => {
                    c.next();
                    PgTsQueryItem::And
                }
                b'|' => {
                    c.next();
                    PgTsQueryItem::Or
                }
                b'<' => {
                    c.next();
                    let distance = if c.eat(b'-') {
                        1
                    } else {
                        let (n, _) = c.digits(5)?;
                        u16::try_from(n)
                            .ok()
                            .filter(|&d| d <= MAX_POSITION)
                            .ok_or(DecodeErrorKind::OutOfRange)?
                    };
                    c.expect(b'>')?;
                    PgTsQueryItem::Phrase { distance }
                }
                _ => return Err(DecodeErrorKind::InvalidSyntax),
            };
            while let Some(Op::Item(top)) = ops.last() {
                if top.priority() < op.priority() {
                    break;
                }
                if let Some(Op::Item(top)) = ops.pop() {
                    postfix.push(top);
                }
            }
            ops.push(Op::Item(op));
            want_operand = true;
        }
        if want_operand && !(postfix.is_empty() && ops.is_empty()) {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        while let Some(op) = ops.pop() {
            match op {
                Op::Item(item) => postfix.push(item),
                Op::Open => return Err(DecodeErrorKind::InvalidSyntax),
            }
        }
        // The server's prefix order (operator, right, left) is the postfix
        // order reversed.
        postfix.reverse();
        PgTsQuery::from_items(postfix).ok_or(DecodeErrorKind::InvalidSyntax)
    }

    /// Decodes the binary form.
    fn decode(raw: &[u8]) -> Result<PgTsQuery, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let count = usize::try_from(r.i32()?).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
        let mut items = Vec::with_capacity(count.min(r.remaining() / 2));
        for _ in 0..count {
            let item = match r.u8()? {
                1 => {
                    let weights = r.u8()?;
                    let prefix = r.u8()? != 0;
                    let word = std::str::from_utf8(r.cstr()?).map_err(|_| DecodeErrorKind::InvalidUtf8)?;
                    if weights > 0xF {
                        return Err(DecodeErrorKind::InvalidSyntax);
                    }
                    PgTsQueryItem::Operand {
                        word: word.to_owned(),
                        weights,
                        prefix,
                    }
                }
                2 => match r.u8()? {
                    1 => PgTsQueryItem::Not,
                    2 => PgTsQueryItem::And,
                    3 => PgTsQueryItem::Or,
                    4 => PgTsQueryItem::Phrase { distance: r.u16()? },
                    _ => return Err(DecodeErrorKind::InvalidSyntax),
                },
                _ => return Err(DecodeErrorKind::InvalidSyntax),
            };
            items.push(item);
        }
        r.finish()?;
        PgTsQuery::from_items(items).ok_or(DecodeErrorKind::InvalidSyntax)
    }

    /// Encodes the binary form.
    fn encode(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        const NAME: &str = "PgTsQuery";
        let count = i32::try_from(self.items.len()).map_err(|_| out_of_range(NAME, ty, "too many items"))?;
        out.put_i32(count);
        for item in &self.items {
            match item {
                PgTsQueryItem::Operand { word, weights, prefix } => {
                    if *weights > 0xF {
                        return Err(out_of_range(NAME, ty, "a weight mask is at most 15 (ABCD)"));
                    }
                    out.put_slice(&[1, *weights, u8::from(*prefix)]);
                    put_cstring(NAME, ty, word, out)?;
                }
                PgTsQueryItem::Not => out.put_slice(&[2, 1]),
                PgTsQueryItem::And => out.put_slice(&[2, 2]),
                PgTsQueryItem::Or => out.put_slice(&[2, 3]),
                PgTsQueryItem::Phrase { distance } => {
                    out.put_slice(&[2, 4]);
                    out.put_u16(*distance);
                }
            }
        }
        Ok(())
    }
}

/// `:` followed by weight letters and `*`, after an operand.
fn parse_modifiers(c: &mut Cursor<'_>) -> (u8, bool) {
    let mut weights = 0u8;
    let mut prefix = false;
    if c.eat(b':') {
        while let Some(b) = c.peek() {
            match b.to_ascii_uppercase() {
                b'A' => weights |= 8,
                b'B' => weights |= 4,
                b'C' => weights |= 2,
                b'D' => weights |= 1,
                b'*' => prefix = true,
                _ => break,
            }
            c.next();
        }
    }
    (weights, prefix)
}

/// `!query` (an empty query stays empty).
///
/// ```
/// use tusk_types::PgTsQuery;
///
/// let q = !PgTsQuery::lexeme("a").and(PgTsQuery::lexeme("b"));
/// assert_eq!(q.to_string(), "!( 'a' & 'b' )");
/// ```
impl std::ops::Not for PgTsQuery {
    type Output = PgTsQuery;

    fn not(self) -> PgTsQuery {
        if self.is_empty() {
            return self;
        }
        let mut items = Vec::with_capacity(1 + self.items.len());
        items.push(PgTsQueryItem::Not);
        items.extend(self.items);
        PgTsQuery { items }
    }
}

impl fmt::Display for PgTsQuery {
    /// The infix form `tsqueryout` prints, with the fewest parentheses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// What is left to print.
        enum Task {
            /// An item's subtree, under a parent of this priority; `true`
            /// when it is the right operand of a phrase.
            Node(usize, u8, bool),
            Text(&'static str),
            Distance(u16),
        }
        let Some(children) = operands(&self.items) else {
            return f.write_str("<malformed tsquery>");
        };
        if self.items.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        let mut tasks = vec![Task::Node(0, 0, false)];
        while let Some(task) = tasks.pop() {
            let (i, parent, right_of_phrase) = match task {
                Task::Text(s) => {
                    text.push_str(s);
                    continue;
                }
                Task::Distance(1) => {
                    text.push_str(" <-> ");
                    continue;
                }
                Task::Distance(d) => {
                    let _ = write!(text, " <{d}> ");
                    continue;
                }
                Task::Node(i, parent, right_of_phrase) => (i, parent, right_of_phrase),
            };
            let item = &self.items[i];
            let priority = item.priority();
            let (right, left) = children[i];
            match item {
                PgTsQueryItem::Operand { word, weights, prefix } => {
                    write_quoted(&mut text, word);
                    if *weights != 0 || *prefix {
                        text.push(':');
                        if *prefix {
                            text.push('*');
                        }
                        for (bit, letter) in [(8, 'A'), (4, 'B'), (2, 'C'), (1, 'D')] {
                            if weights & bit != 0 {
                                text.push(letter);
                            }
                        }
                    }
                }
                PgTsQueryItem::Not => {
                    let paren = priority < parent;
                    if paren {
                        text.push_str("( ");
                        tasks.push(Task::Text(" )"));
                    }
                    text.push('!');
                    tasks.push(Task::Node(right, priority, false));
                }
                op => {
                    let is_phrase = matches!(op, PgTsQueryItem::Phrase { .. });
                    let paren = priority < parent || (is_phrase && right_of_phrase);
                    if paren {
                        text.push_str("( ");
                        tasks.push(Task::Text(" )"));
                    }
                    tasks.push(Task::Node(right, priority, is_phrase));
                    tasks.push(match op {
                        PgTsQueryItem::And => Task::Text(" & "),
                        PgTsQueryItem::Or => Task::Text(" | "),
                        PgTsQueryItem::Phrase { distance } => Task::Distance(*distance),
                        _ => Task::Text(" ? "),
                    });
                    tasks.push(Task::Node(left, priority, false));
                }
            }
        }
        f.write_str(&text)
    }
}

impl FromStr for PgTsQuery {
    type Err = DecodeError;

    /// Parses the infix text form.
    fn from_str(s: &str) -> Result<PgTsQuery, DecodeError> {
        value_from_str(&Type::TSQUERY, s)
    }
}

impl PgValue for PgTsQuery {
    const NAME: &'static str = "PgTsQuery";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TSQUERY.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgTsQuery::decode(raw)
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgTsQuery::parse(text)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        self.encode(ty, out)
    }
}

pg_value_impls!(PgTsVector, PgTsQuery);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};
    use proptest::prelude::*;

    fn word(w: &str) -> PgTsQueryItem {
        PgTsQueryItem::Operand {
            word: w.into(),
            weights: 0,
            prefix: false,
        }
    }

    #[test]
    fn tsvector_binary_and_text() {
        let v: PgTsVector = "'a':1A 'cat':2,5B 'fat' 'it''s':3C 'back\\\\slash'".parse().unwrap();
        assert_eq!(v.lexemes[3].word, "it's");
        assert_eq!(v.lexemes[4].word, "back\\slash");
        assert_eq!(v.to_string(), "'a':1A 'cat':2,5B 'fat' 'it''s':3C 'back\\\\slash'");
        let raw = encode(&v, &Type::TSVECTOR);
        let mut expected = vec![0, 0, 0, 5];
        expected.extend_from_slice(b"a\0\0\x01\xC0\x01");
        expected.extend_from_slice(b"cat\0\0\x02\x00\x02\x80\x05");
        expected.extend_from_slice(b"fat\0\0\x00");
        expected.extend_from_slice(b"it's\0\0\x01\x40\x03");
        expected.extend_from_slice(b"back\\slash\0\0\x00");
        assert_eq!(raw, expected);
        assert_eq!(PgTsVector::from_sql(&Type::TSVECTOR, Format::Binary, &raw).unwrap(), v);
        assert_eq!(
            PgTsVector::from_sql(&Type::TSVECTOR, Format::Text, b"").unwrap(),
            PgTsVector::default()
        );
        assert_eq!(encode(&PgTsVector::default(), &Type::TSVECTOR), [0, 0, 0, 0]);
        // Bare words, clamping, Unicode.
        let v: PgTsVector = "fat:1,99999 cat:2b żółw".parse().unwrap();
        assert_eq!(v.to_string(), "'fat':1,16383 'cat':2B 'żółw'");
        for bad in ["'open", "a:", "a:0", "a:x", "a:1,", "'a'b", ":1", "a\\"] {
            assert!(bad.parse::<PgTsVector>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tsvector_malformed_binary_and_limits() {
        let cases: &[(&[u8], DecodeErrorKind)] = &[
            (&[0, 0, 0], DecodeErrorKind::WrongLength { expected: 4, actual: 3 }),
            (&[0xFF, 0, 0, 0], DecodeErrorKind::InvalidSyntax),
            (&[0, 0, 0, 1, b'a'], DecodeErrorKind::InvalidSyntax),
            (&[0, 0, 0, 1, 0xFF, 0, 0, 0], DecodeErrorKind::InvalidUtf8),
            (
                &[0, 0, 0, 1, b'a', 0, 0, 2, 0, 1],
                DecodeErrorKind::WrongLength {
                    expected: 12,
                    actual: 10,
                },
            ),
            (&[0x7F, 0xFF, 0xFF, 0xFF, b'a', 0, 0, 0], DecodeErrorKind::InvalidSyntax),
            (
                &[0, 0, 0, 0, 1],
                DecodeErrorKind::WrongLength { expected: 4, actual: 5 },
            ),
        ];
        for (raw, expected) in cases {
            let err = PgTsVector::from_sql(&Type::TSVECTOR, Format::Binary, raw).unwrap_err();
            assert_eq!(&kind(&err), expected, "{raw:?}");
        }
        let nul = PgTsVector {
            lexemes: vec![PgTsLexeme {
                word: "a\0b".into(),
                positions: vec![],
            }],
        };
        assert!(
            nul.to_sql(&Type::TSVECTOR, &mut BytesMut::new())
                .unwrap_err()
                .is::<ValueOutOfRange>()
        );
        let zero = PgTsVector {
            lexemes: vec![PgTsLexeme {
                word: "a".into(),
                positions: vec![PgTsPosition::default()],
            }],
        };
        assert!(zero.to_sql(&Type::TSVECTOR, &mut BytesMut::new()).is_err());
        assert_encode_wrong_type(&PgTsVector::default(), &Type::TSQUERY);
        assert!(!<PgTsVector as FromSql>::accepts(&Type::TEXT));
    }

    #[test]
    fn tsquery_text() {
        let cases = [
            "'fat' & 'rat'",
            "'fat' & ( 'rat' | 'cat' )",
            "( 'a' | 'b' ) & !'c' <-> 'd':*AB",
            "!( 'a' & 'b' )",
            "!!'a'",
            "'a' <-> 'b' <-> 'c'",
            "'a' <-> ( 'b' <-> 'c' )",
            "'a' <3> 'b'",
            "'a' <0> 'b'",
            "'a' & 'b' | 'c' & 'd'",
            "'a' | 'b' | 'c'",
            "'it''s' & 'back\\\\slash'",
            "'x':A & 'y':BCD & 'z':*",
            "'żółw'",
            "",
        ];
        for text in cases {
            let q: PgTsQuery = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(q.to_string(), text);
            let raw = encode(&q, &Type::TSQUERY);
            assert_eq!(
                PgTsQuery::from_sql(&Type::TSQUERY, Format::Binary, &raw).unwrap(),
                q,
                "{text}"
            );
        }
        // Other spellings.
        let loose = [
            ("fat & rat", "'fat' & 'rat'"),
            ("fat&(rat|cat)", "'fat' & ( 'rat' | 'cat' )"),
            ("(((a)))", "'a'"),
            ("a:*b & !c", "'a':*B & !'c'"),
            ("a <-> (b | c)", "'a' <-> ( 'b' | 'c' )"),
            ("!a <-> b", "!'a' <-> 'b'"),
            ("  ", ""),
            // Same-priority operators need no parentheses, on either side.
            ("a | (b | c)", "'a' | 'b' | 'c'"),
        ];
        for (input, shown) in loose {
            assert_eq!(input.parse::<PgTsQuery>().unwrap().to_string(), shown, "{input}");
        }
        for bad in [
            "&",
            "a &",
            "a b",
            "(a",
            "a)",
            "()",
            "a <",
            "a <1",
            "a <x> b",
            "!",
            "a & | b",
            "'a",
            "a <99999> b",
            ":a",
        ] {
            assert!(bad.parse::<PgTsQuery>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tsquery_binary() {
        let q = PgTsQuery::lexeme("fat").and(PgTsQuery::lexeme("rat"));
        let raw = encode(&q, &Type::TSQUERY);
        let mut expected = vec![0, 0, 0, 3, 2, 2];
        expected.extend_from_slice(b"\x01\x00\x00rat\0");
        expected.extend_from_slice(b"\x01\x00\x00fat\0");
        assert_eq!(raw, expected);
        let q: PgTsQuery = "'a':*A <2> !'b'".parse().unwrap();
        let raw = encode(&q, &Type::TSQUERY);
        let mut expected = vec![0, 0, 0, 4, 2, 4, 0, 2, 2, 1];
        expected.extend_from_slice(b"\x01\x00\x00b\0");
        expected.extend_from_slice(b"\x01\x08\x01a\0");
        assert_eq!(raw, expected);
        assert_eq!(encode(&PgTsQuery::new(), &Type::TSQUERY), [0, 0, 0, 0]);
        let malformed: &[&[u8]] = &[
            &[0, 0, 0, 1, 2, 2],
            &[0, 0, 0, 2, 1, 0, 0, b'a', 0, 1, 0, 0, b'b', 0],
            &[0, 0, 0, 1, 3, 0, 0, b'a', 0],
            &[0, 0, 0, 1, 2, 9],
            &[0, 0, 0, 1, 1, 16, 0, b'a', 0],
            &[0, 0, 0, 1, 1, 0, 0, b'a'],
            &[0, 0, 0, 1, 2, 4, 0],
            &[0xFF, 0xFF, 0xFF, 0xFF],
            &[0, 0, 0, 0, 0],
        ];
        for raw in malformed {
            assert!(
                PgTsQuery::from_sql(&Type::TSQUERY, Format::Binary, raw).is_err(),
                "{raw:?}"
            );
        }
        // A deeply nested query neither overflows the stack nor takes long.
        let mut items = vec![PgTsQueryItem::Not; 100_000];
        items.push(word("x"));
        let deep = PgTsQuery::from_items(items).unwrap();
        let raw = encode(&deep, &Type::TSQUERY);
        let back = PgTsQuery::from_sql(&Type::TSQUERY, Format::Binary, &raw).unwrap();
        assert_eq!(back.to_string().len(), 100_000 + 3);
        let text = format!("{}a{}", "(".repeat(50_000), ")".repeat(50_000));
        assert_eq!(text.parse::<PgTsQuery>().unwrap().to_string(), "'a'");
        let bad = PgTsQuery::from_items(vec![PgTsQueryItem::Operand {
            word: "a".into(),
            weights: 16,
            prefix: false,
        }])
        .unwrap();
        assert!(bad.to_sql(&Type::TSQUERY, &mut BytesMut::new()).is_err());
        assert!(PgTsQuery::from_items(vec![PgTsQueryItem::Not]).is_none());
        assert!(PgTsQuery::from_items(vec![PgTsQueryItem::And, word("a"), word("b"), word("c")]).is_none());
        assert_encode_wrong_type(&q, &Type::TSVECTOR);
    }

    fn query() -> impl Strategy<Value = PgTsQuery> {
        let leaf = ("[a-z']{1,4}", 0u8..16, any::<bool>()).prop_map(|(w, weights, prefix)| PgTsQuery {
            items: vec![PgTsQueryItem::Operand {
                word: w,
                weights,
                prefix,
            }],
        });
        leaf.prop_recursive(4, 32, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| a.and(b)),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| a.or(b)),
                (inner.clone(), inner.clone(), 0u16..5).prop_map(|(a, b, d)| a.followed_by(b, d)),
                inner.prop_map(|q| !q),
            ]
        })
    }

    proptest! {
        #[test]
        fn tsquery_round_trips(q in query()) {
            let raw = encode(&q, &Type::TSQUERY);
            prop_assert_eq!(PgTsQuery::from_sql(&Type::TSQUERY, Format::Binary, &raw).unwrap(), q.clone());
            // Text drops redundant parentheses, so compare the printed forms.
            let text = q.to_string();
            let back: PgTsQuery = text.parse().unwrap();
            prop_assert_eq!(back.to_string(), text);
        }

        #[test]
        fn tsvector_round_trips(words in proptest::collection::vec(("[a-z'\\\\ ]{1,5}", proptest::collection::vec((1u16..=16383, 0u16..4), 0..4)), 0..5)) {
            let v = PgTsVector {
                lexemes: words.into_iter().map(|(word, positions)| PgTsLexeme {
                    word,
                    positions: positions.into_iter().map(|(position, w)| PgTsPosition { position, weight: PgTsWeight::from_bits(w) }).collect(),
                }).collect(),
            };
            prop_assert_eq!(v.to_string().parse::<PgTsVector>().unwrap(), v.clone());
            let raw = encode(&v, &Type::TSVECTOR);
            prop_assert_eq!(PgTsVector::from_sql(&Type::TSVECTOR, Format::Binary, &raw).unwrap(), v);
        }

        #[test]
        fn decoders_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = PgTsQuery::from_sql(&Type::TSQUERY, Format::Binary, &raw);
            let _ = PgTsVector::from_sql(&Type::TSVECTOR, Format::Binary, &raw);
            if let Ok(text) = std::str::from_utf8(&raw) {
                let _ = text.parse::<PgTsQuery>();
                let _ = text.parse::<PgTsVector>();
            }
        }
    }
}
