//! The one error type of the codec.

use std::fmt;

/// Why a buffer could not be decoded into a message.
///
/// Every malformed input maps to one of these variants; the codec never panics on
/// bytes from the network.
///
/// ```
/// use tusk_proto::{ProtoError, backend::BackendMessage, Limits};
/// use bytes::BytesMut;
///
/// // Tag 'Z' (ReadyForQuery) declaring an absurd length.
/// let mut buf = BytesMut::from(&b"Z\x7f\xff\xff\xff"[..]);
/// let err = BackendMessage::decode(&mut buf, &Limits::default()).unwrap_err();
/// assert!(matches!(err, ProtoError::TooLong { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtoError {
    /// A message declared a length larger than the configured maximum.
    TooLong {
        /// The message tag (0 for untagged startup-phase packets).
        tag: u8,
        /// The declared length, including the length field itself.
        len: u64,
        /// The configured maximum.
        max: usize,
    },
    /// A message declared a length shorter than its own length field.
    BadLength {
        /// The message tag.
        tag: u8,
        /// The declared length.
        len: i64,
    },
    /// A tag this side of the protocol does not know.
    UnknownTag(u8),
    /// A string to be encoded contains a NUL byte, which the protocol cannot carry.
    InteriorNul {
        /// What was being encoded, e.g. `"query text"`.
        what: &'static str,
    },
    /// A value to be encoded does not fit its field (for example over 32767 parameters).
    TooMany {
        /// What overflowed, e.g. `"parameters"`.
        what: &'static str,
        /// How many there were.
        count: usize,
    },
    /// A message body did not parse.
    Malformed {
        /// The message kind, e.g. `"RowDescription"`.
        message: &'static str,
        /// What was wrong.
        reason: String,
    },
}

impl ProtoError {
    pub(crate) fn malformed(message: &'static str, reason: impl Into<String>) -> ProtoError {
        ProtoError::Malformed {
            message,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ProtoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtoError::TooLong { tag, len, max } => write!(
                f,
                "message {} declares length {len}, over the limit of {max} bytes",
                tag_name(*tag)
            ),
            ProtoError::BadLength { tag, len } => {
                write!(f, "message {} declares invalid length {len}", tag_name(*tag))
            }
            ProtoError::UnknownTag(t) => write!(f, "unknown message tag {}", tag_name(*t)),
            ProtoError::InteriorNul { what } => {
                write!(f, "{what} contains a NUL byte, which PostgreSQL cannot accept")
            }
            ProtoError::TooMany { what, count } => {
                write!(f, "too many {what}: {count} (the protocol allows at most 65535)")
            }
            ProtoError::Malformed { message, reason } => {
                write!(f, "malformed {message} message: {reason}")
            }
        }
    }
}

impl std::error::Error for ProtoError {}

fn tag_name(tag: u8) -> String {
    if tag == 0 {
        "(startup packet)".to_string()
    } else if tag.is_ascii_graphic() {
        format!("'{}'", tag as char)
    } else {
        format!("0x{tag:02x}")
    }
}
