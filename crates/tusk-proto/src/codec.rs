//! Low-level helpers shared by the frontend and backend codecs: limits, framing and a
//! bounds-checked body reader.
//!
//! Every tagged message is `tag: u8, len: i32 (includes itself), body`. [`frame`] looks at
//! the start of a buffer and says whether a whole message is there, without copying;
//! [`Reader`] walks a body and turns any shortfall into a [`ProtoError`].

use crate::ProtoError;
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Size limits applied while decoding.
///
/// A declared length above a limit is refused *before* anything is allocated for it, so
/// a hostile peer cannot make us reserve gigabytes with five bytes.
///
/// ```
/// let limits = tusk_proto::Limits { max_message_len: 1 << 20, ..Default::default() };
/// assert_eq!(limits.max_message_len, 1_048_576);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest tagged message accepted, including its length field (default 64 MiB).
    pub max_message_len: usize,
    /// Largest startup-phase packet accepted (default 10,000 bytes, as PostgreSQL).
    pub max_startup_len: usize,
}

/// Default [`Limits::max_message_len`]: 64 MiB.
pub const DEFAULT_MAX_MESSAGE_LEN: usize = 64 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            max_startup_len: 10_000,
        }
    }
}

/// If `buf` starts with a whole tagged message, returns `(tag, total_len)` where
/// `total_len` counts the tag byte. `Ok(None)` means more bytes are needed; in that case
/// the buffer is reserved up to the declared size so the next read can fill it.
pub(crate) fn frame(buf: &mut BytesMut, max: usize) -> Result<Option<(u8, usize)>, ProtoError> {
    if buf.len() < 5 {
        return Ok(None);
    }
    let tag = buf[0];
    let len = i32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]);
    if len < 4 {
        return Err(ProtoError::BadLength { tag, len: len.into() });
    }
    let len = len as usize;
    if len > max {
        return Err(ProtoError::TooLong {
            tag,
            len: len as u64,
            max,
        });
    }
    let total = len + 1;
    if buf.len() < total {
        buf.reserve(total - buf.len());
        return Ok(None);
    }
    Ok(Some((tag, total)))
}

/// Splits one whole message off the front of `buf` and returns `(tag, body)`; the body
/// shares the buffer's memory (no copy).
pub(crate) fn take_frame(buf: &mut BytesMut, max: usize) -> Result<Option<(u8, Bytes)>, ProtoError> {
    match frame(buf, max)? {
        None => Ok(None),
        Some((tag, total)) => {
            let mut msg = buf.split_to(total);
            msg.advance(5);
            Ok(Some((tag, msg.freeze())))
        }
    }
}

/// A bounds-checked cursor over a message body.
pub(crate) struct Reader {
    msg: &'static str,
    body: Bytes,
}

impl Reader {
    pub(crate) fn new(msg: &'static str, body: Bytes) -> Reader {
        Reader { msg, body }
    }

    fn short(&self, what: &str) -> ProtoError {
        ProtoError::malformed(self.msg, format!("body too short reading {what}"))
    }

    pub(crate) fn remaining(&self) -> usize {
        self.body.len()
    }

    pub(crate) fn u8(&mut self) -> Result<u8, ProtoError> {
        if self.body.is_empty() {
            return Err(self.short("a byte"));
        }
        Ok(self.body.get_u8())
    }

    pub(crate) fn i16(&mut self) -> Result<i16, ProtoError> {
        if self.body.len() < 2 {
            return Err(self.short("an Int16"));
        }
        Ok(self.body.get_i16())
    }

    pub(crate) fn i32(&mut self) -> Result<i32, ProtoError> {
        if self.body.len() < 4 {
            return Err(self.short("an Int32"));
        }
        Ok(self.body.get_i32())
    }

    pub(crate) fn u32(&mut self) -> Result<u32, ProtoError> {
        Ok(self.i32()? as u32)
    }

    /// A count field (Int16) that must not be negative.
    pub(crate) fn count16(&mut self, what: &str) -> Result<usize, ProtoError> {
        let n = self.i16()?;
        if n < 0 {
            return Err(ProtoError::malformed(self.msg, format!("negative {what} count {n}")));
        }
        Ok(n as usize)
    }

    /// `n` raw bytes, sharing memory with the body.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<Bytes, ProtoError> {
        if self.body.len() < n {
            return Err(self.short("bytes"));
        }
        Ok(self.body.split_to(n))
    }

    /// A value prefixed by an Int32 length, where -1 means NULL.
    pub(crate) fn nullable_bytes(&mut self) -> Result<Option<Bytes>, ProtoError> {
        let len = self.i32()?;
        if len == -1 {
            return Ok(None);
        }
        if len < 0 {
            return Err(ProtoError::malformed(self.msg, format!("invalid value length {len}")));
        }
        self.bytes(len as usize).map(Some)
    }

    /// Everything that is left.
    pub(crate) fn rest(&mut self) -> Bytes {
        std::mem::take(&mut self.body)
    }

    /// A NUL-terminated string as raw bytes (without the NUL).
    pub(crate) fn cstr_bytes(&mut self) -> Result<Bytes, ProtoError> {
        match memchr0(&self.body) {
            Some(i) => {
                let s = self.body.split_to(i);
                self.body.advance(1);
                Ok(s)
            }
            None => Err(ProtoError::malformed(self.msg, "string not NUL-terminated")),
        }
    }

    /// A NUL-terminated UTF-8 string.
    pub(crate) fn cstr(&mut self) -> Result<String, ProtoError> {
        let b = self.cstr_bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| ProtoError::malformed(self.msg, "string is not valid UTF-8"))
    }

    /// A NUL-terminated string, with invalid UTF-8 replaced (for error texts, which must
    /// never be lost because of their encoding).
    pub(crate) fn cstr_lossy(&mut self) -> Result<String, ProtoError> {
        let b = self.cstr_bytes()?;
        Ok(String::from_utf8_lossy(&b).into_owned())
    }

    /// Fails unless the whole body was consumed.
    pub(crate) fn finish(self) -> Result<(), ProtoError> {
        if self.body.is_empty() {
            Ok(())
        } else {
            Err(ProtoError::malformed(
                self.msg,
                format!("{} unexpected trailing bytes", self.body.len()),
            ))
        }
    }
}

fn memchr0(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == 0)
}

/// Writes a tagged message: tag, a length placeholder, the body from `f`, then patches
/// the length. Used by every encoder so that lengths are always right.
/// On error the buffer is truncated back to where it was, so a failed encode leaves
/// nothing half-written.
#[inline]
pub(crate) fn write_msg<E>(
    buf: &mut BytesMut,
    tag: u8,
    f: impl FnOnce(&mut BytesMut) -> Result<(), E>,
) -> Result<(), E> {
    let start = buf.len();
    buf.put_u8(tag);
    let r = write_body(buf, f);
    if r.is_err() {
        buf.truncate(start);
    }
    r
}

/// Writes a length-prefixed body (the length counts itself) with no tag; truncates back
/// on error.
#[inline]
pub(crate) fn write_body<E>(buf: &mut BytesMut, f: impl FnOnce(&mut BytesMut) -> Result<(), E>) -> Result<(), E> {
    let start = buf.len();
    buf.put_i32(0);
    if let Err(e) = f(buf) {
        buf.truncate(start);
        return Err(e);
    }
    let len = (buf.len() - start) as i32;
    buf[start..start + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Writes `s` followed by a NUL, refusing a string with an interior NUL (it would end
/// the field early and desynchronise the stream).
#[inline]
pub(crate) fn put_cstr(buf: &mut BytesMut, s: &[u8], what: &'static str) -> Result<(), ProtoError> {
    if memchr0(s).is_some() {
        return Err(ProtoError::InteriorNul { what });
    }
    buf.put_slice(s);
    buf.put_u8(0);
    Ok(())
}

/// Writes a count as the protocol's Int16, which PostgreSQL reads as unsigned for
/// parameter counts (up to 65535).
#[inline]
pub(crate) fn put_count(buf: &mut BytesMut, n: usize, what: &'static str) -> Result<(), ProtoError> {
    if n > u16::MAX as usize {
        return Err(ProtoError::TooMany { what, count: n });
    }
    buf.put_u16(n as u16);
    Ok(())
}
