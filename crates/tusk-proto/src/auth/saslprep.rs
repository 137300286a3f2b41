//! SASLprep (RFC 4013) for passwords, exactly as PostgreSQL applies it.
//!
//! PostgreSQL normalizes a password with SASLprep before SCRAM hashes it, on the client
//! (libpq) and when it builds a stored secret. Wherever SASLprep does not apply, it uses
//! the raw bytes instead of failing, because PostgreSQL does not know the password's
//! encoding. To produce the same keys as PostgreSQL we must follow its implementation
//! (`src/common/saslprep.c`) rather than the letter of the RFC where the two differ:
//!
//! * a password that is pure ASCII is used as it is, control characters included;
//! * a password that is not valid UTF-8 is used as it is;
//! * a password that maps to nothing (say, only soft hyphens) is used as it is;
//! * the prohibited-character and bidirectional checks look at the mapped string before
//!   normalization, and a failure means "use the raw bytes";
//! * otherwise the result is the NFKC normalization of the mapped string.
//!
//! The character tables are those of RFC 3454 (Unicode 3.2), from the `stringprep` crate.

use std::borrow::Cow;

use stringprep::tables;
use unicode_normalization::UnicodeNormalization;

/// Normalizes a password with SASLprep the way PostgreSQL does, falling back to the raw
/// bytes where SASLprep does not apply (not UTF-8, prohibited characters, empty result).
///
/// Both [`ScramClient`](super::ScramClient) and [`ScramSecret::new`](super::ScramSecret::new)
/// call this; use it directly only to store or compare prepared passwords yourself.
///
/// ```
/// use tusk_proto::auth::saslprep;
///
/// // ASCII is left alone.
/// assert_eq!(&*saslprep(b"pencil"), b"pencil");
/// // A no-break space becomes a space, a soft hyphen disappears, ligatures decompose.
/// assert_eq!(&*saslprep("a\u{a0}b\u{ad}\u{fb01}".as_bytes()), b"a bfi");
/// // Not UTF-8: the bytes are used as they are.
/// assert_eq!(&*saslprep(&[0xff, 0x00]), &[0xff, 0x00]);
/// // A prohibited character (here a private-use one): the bytes are used as they are.
/// assert_eq!(&*saslprep("\u{e000}".as_bytes()), "\u{e000}".as_bytes());
/// ```
#[must_use]
pub fn saslprep(password: &[u8]) -> Cow<'_, [u8]> {
    if password.is_ascii() {
        return Cow::Borrowed(password);
    }
    let Ok(text) = std::str::from_utf8(password) else {
        return Cow::Borrowed(password);
    };

    // RFC 4013 2.1: map non-ASCII spaces to a space, and drop the "commonly mapped to
    // nothing" characters. The space test comes first: U+200B is in both tables.
    let mapped: Vec<char> = text
        .chars()
        .filter_map(|c| {
            if tables::non_ascii_space_character(c) {
                Some(' ')
            } else if tables::commonly_mapped_to_nothing(c) {
                None
            } else {
                Some(c)
            }
        })
        .collect();
    if mapped.is_empty() {
        return Cow::Borrowed(password);
    }

    // RFC 4013 2.3 and 2.5 (PostgreSQL checks the mapped string, not the normalized one).
    if mapped
        .iter()
        .any(|&c| prohibited_output(c) || tables::unassigned_code_point(c))
    {
        return Cow::Borrowed(password);
    }

    // RFC 4013 2.4, RFC 3454 section 6: a string with right-to-left characters must not
    // contain left-to-right ones, and must start and end with a right-to-left character.
    if mapped.iter().any(|&c| tables::bidi_r_or_al(c)) {
        let first_and_last_rtl = mapped.first().is_some_and(|&c| tables::bidi_r_or_al(c))
            && mapped.last().is_some_and(|&c| tables::bidi_r_or_al(c));
        if !first_and_last_rtl || mapped.iter().any(|&c| tables::bidi_l(c)) {
            return Cow::Borrowed(password);
        }
    }

    // RFC 4013 2.2: NFKC.
    let normalized: String = mapped.into_iter().nfkc().collect();
    Cow::Owned(normalized.into_bytes())
}

/// RFC 4013 2.3: the characters SASLprep forbids in its output (tables C.1.2 through C.9).
fn prohibited_output(c: char) -> bool {
    tables::non_ascii_space_character(c)
        || tables::ascii_control_character(c)
        || tables::non_ascii_control_character(c)
        || tables::private_use(c)
        || tables::non_character_code_point(c)
        || tables::surrogate_code(c)
        || tables::inappropriate_for_plain_text(c)
        || tables::inappropriate_for_canonical_representation(c)
        || tables::change_display_properties_or_deprecated(c)
        || tables::tagging_character(c)
}

#[cfg(test)]
mod tests {
    use super::saslprep;

    fn prep(s: &str) -> Vec<u8> {
        saslprep(s.as_bytes()).into_owned()
    }

    #[test]
    fn ascii_is_unchanged_even_with_controls() {
        assert_eq!(prep("pencil"), b"pencil");
        assert_eq!(prep(""), b"");
        // RFC 4013 prohibits U+0007, PostgreSQL's ASCII fast path keeps it.
        assert_eq!(prep("a\u{7}b"), b"a\x07b");
    }

    #[test]
    fn rfc4013_examples() {
        // RFC 4013 section 3, the examples that succeed.
        assert_eq!(prep("I\u{ad}X"), b"IX");
        assert_eq!(prep("\u{aa}"), b"a");
        assert_eq!(prep("\u{2168}"), b"IX");
        // The examples that fail: PostgreSQL falls back to the raw bytes.
        assert_eq!(prep("\u{7}"), b"\x07");
        assert_eq!(prep("\u{627}1"), "\u{627}1".as_bytes());
    }

    #[test]
    fn spaces_map_to_space_and_zero_width_space_too() {
        assert_eq!(prep("a\u{3000}b\u{200b}c"), b"a b c");
    }

    #[test]
    fn password_mapping_to_nothing_is_kept_raw() {
        assert_eq!(prep("\u{ad}\u{200d}"), "\u{ad}\u{200d}".as_bytes());
    }

    #[test]
    fn non_utf8_is_kept_raw() {
        let raw = [b'a', 0xc3, 0x28];
        assert_eq!(&*saslprep(&raw), &raw);
    }

    #[test]
    fn bidi_rules() {
        // All right-to-left: accepted and normalized (here unchanged).
        assert_eq!(prep("\u{5d0}\u{5d1}"), "\u{5d0}\u{5d1}".as_bytes());
        // Right-to-left mixed with left-to-right: raw.
        assert_eq!(prep("\u{5d0}a\u{5d1}"), "\u{5d0}a\u{5d1}".as_bytes());
        // Right-to-left not at both ends: raw.
        assert_eq!(prep("1\u{5d0}"), "1\u{5d0}".as_bytes());
        assert_eq!(prep("\u{5d0}1"), "\u{5d0}1".as_bytes());
    }

    #[test]
    fn unassigned_code_points_are_kept_raw() {
        // U+0221 was unassigned in Unicode 3.2 (RFC 3454 table A.1).
        assert_eq!(prep("\u{221}x"), "\u{221}x".as_bytes());
    }

    #[test]
    fn normalizes_to_nfkc() {
        // "e" + combining acute composes to U+00E9; full-width letters fold to ASCII.
        assert_eq!(prep("e\u{301}"), "\u{e9}".as_bytes());
        assert_eq!(prep("\u{ff21}\u{ff22}"), b"AB");
    }
}
