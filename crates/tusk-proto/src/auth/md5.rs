//! MD5 password authentication, PostgreSQL's legacy mechanism.
//!
//! The server stores `"md5" + hex(md5(password + user))` (see [`md5_secret`]) and sends a
//! random 4-byte salt in `AuthenticationMD5Password`. The client answers with
//! `"md5" + hex(md5(hex(md5(password + user)) + salt))` (see [`md5_password`]) in a
//! `PasswordMessage`, and the server recomputes that from its stored secret
//! (see [`md5_verify`]).
//!
//! The stored secret is password-equivalent: whoever reads it can log in. Prefer SCRAM.

use ::md5::{Digest, Md5};

use super::constant_time_eq;

/// The prefix PostgreSQL puts before the hex digest, both in `pg_authid` and on the wire.
const PREFIX: &str = "md5";

/// Length of a secret or a response: the prefix and 32 hex digits.
const HASHED_LEN: usize = PREFIX.len() + 32;

/// Computes the stored MD5 secret for `user` and `password`, as PostgreSQL keeps it in
/// `pg_authid.rolpassword` when `password_encryption = md5`.
///
/// ```
/// use tusk_proto::auth::md5_secret;
///
/// // SELECT 'md5' || md5('pw' || 'u');
/// assert_eq!(md5_secret("u", b"pw"), "md5b350798a23d7544eb353a6f8dca231c2");
/// ```
#[must_use]
pub fn md5_secret(user: &str, password: &[u8]) -> String {
    let mut md5 = Md5::new();
    md5.update(password);
    md5.update(user.as_bytes());
    prefixed_hex(&md5.finalize())
}

/// Computes the client's answer to `AuthenticationMD5Password`: the string to send, without
/// its terminating NUL, in the `PasswordMessage`.
///
/// ```
/// use tusk_proto::auth::md5_password;
///
/// let answer = md5_password("u", b"pw", [1, 2, 3, 4]);
/// assert_eq!(answer, "md50803a98a0618b75c8f9a50f280cad373");
/// ```
#[must_use]
pub fn md5_password(user: &str, password: &[u8], salt: [u8; 4]) -> String {
    let secret = md5_secret(user, password);
    salted(&secret, salt)
}

/// Checks a client's answer against the secret the server stored, for the salt the server
/// sent. The comparison takes the same time wherever the answer differs.
///
/// Returns `false` when `stored_secret` is not an MD5 secret (for example a SCRAM secret,
/// which cannot answer an MD5 challenge, as in PostgreSQL).
///
/// ```
/// use tusk_proto::auth::{md5_password, md5_secret, md5_verify};
///
/// let stored = md5_secret("u", b"pw");
/// let salt = [9, 8, 7, 6];
/// assert!(md5_verify(&stored, salt, &md5_password("u", b"pw", salt)));
/// assert!(!md5_verify(&stored, salt, &md5_password("u", b"wrong", salt)));
/// assert!(!md5_verify(&stored, [0, 0, 0, 0], &md5_password("u", b"pw", salt)));
/// ```
#[must_use]
pub fn md5_verify(stored_secret: &str, salt: [u8; 4], client_response: &str) -> bool {
    if stored_secret.len() != HASHED_LEN || !stored_secret.starts_with(PREFIX) {
        return false;
    }
    // PostgreSQL hashes the stored text as it is, whatever the case of its hex digits.
    let expected = salted(stored_secret, salt);
    constant_time_eq(expected.as_bytes(), client_response.as_bytes())
}

/// `"md5" + hex(md5(hex_part_of(secret) + salt))`, for a secret that starts with `"md5"`.
fn salted(secret: &str, salt: [u8; 4]) -> String {
    let mut md5 = Md5::new();
    // Both callers pass a secret that starts with the prefix, so the slice is in bounds.
    md5.update(&secret.as_bytes()[PREFIX.len()..]);
    md5.update(salt);
    prefixed_hex(&md5.finalize())
}

/// `"md5"` followed by the lowercase hex of `digest`.
fn prefixed_hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(PREFIX.len() + 2 * digest.len());
    out.push_str(PREFIX);
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python's hashlib:
    //   "md5" + md5(b"pwu").hexdigest()
    //   "md5" + md5(md5(b"pwu").hexdigest().encode() + bytes([1, 2, 3, 4])).hexdigest()
    const SECRET_PW_U: &str = "md5b350798a23d7544eb353a6f8dca231c2";
    const ANSWER_PW_U_1234: &str = "md50803a98a0618b75c8f9a50f280cad373";

    #[test]
    fn secret_matches_postgres() {
        assert_eq!(md5_secret("u", b"pw"), SECRET_PW_U);
    }

    #[test]
    fn password_matches_known_value() {
        assert_eq!(md5_password("u", b"pw", [1, 2, 3, 4]), ANSWER_PW_U_1234);
    }

    #[test]
    fn password_concatenates_password_then_user() {
        // md5("pw" + "u") differs from md5("u" + "pw"): the order matters.
        assert_ne!(md5_secret("pw", b"u"), SECRET_PW_U);
        // The same concatenation gives the same secret, as in PostgreSQL.
        assert_eq!(md5_secret("wu", b"p"), SECRET_PW_U);
    }

    #[test]
    fn non_utf8_password_is_hashed_as_bytes() {
        let answer = md5_password("u", &[0xff, 0xfe], [0, 0, 0, 0]);
        assert_eq!(answer.len(), HASHED_LEN);
        assert!(answer.starts_with("md5"));
    }

    #[test]
    fn verify_accepts_right_answer_and_rejects_others() {
        let salt = [1, 2, 3, 4];
        assert!(md5_verify(SECRET_PW_U, salt, ANSWER_PW_U_1234));
        assert!(!md5_verify(SECRET_PW_U, [4, 3, 2, 1], ANSWER_PW_U_1234));
        assert!(!md5_verify(SECRET_PW_U, salt, ""));
        assert!(!md5_verify(SECRET_PW_U, salt, &ANSWER_PW_U_1234[..34]));
        assert!(!md5_verify(SECRET_PW_U, salt, &ANSWER_PW_U_1234.to_uppercase()));
    }

    #[test]
    fn verify_rejects_secrets_that_are_not_md5() {
        let salt = [1, 2, 3, 4];
        assert!(!md5_verify("", salt, ANSWER_PW_U_1234));
        assert!(!md5_verify("pw", salt, ANSWER_PW_U_1234));
        assert!(!md5_verify(
            "SCRAM-SHA-256$4096:c2FsdA==$AAAA:BBBB",
            salt,
            ANSWER_PW_U_1234
        ));
        // Right length, wrong prefix.
        assert!(!md5_verify(
            "xyzb350798a23d7544eb353a6f8dca231c2",
            salt,
            ANSWER_PW_U_1234
        ));
        // Not ASCII, right byte length.
        assert!(!md5_verify(
            "mdéb350798a23d7544eb353a6f8dca231c",
            salt,
            ANSWER_PW_U_1234
        ));
    }
}
