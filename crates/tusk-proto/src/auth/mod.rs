//! Password authentication: SCRAM-SHA-256 and MD5, for both ends of a connection.
//!
//! PostgreSQL asks for a password with an `Authentication*` message right after the
//! startup packet. Two mechanisms matter today:
//!
//! * **SCRAM-SHA-256** ([`scram`], RFC 5802 and RFC 7677), the default since PostgreSQL 14.
//!   The password never crosses the wire, not even hashed: the client proves it knows the
//!   password, the server proves it knows the stored secret, and a captured exchange is
//!   useless for replay. The `-PLUS` variant also binds the exchange to the TLS channel
//!   (`tls-server-end-point`: a hash of the server's certificate), so a man in the middle
//!   that terminates TLS itself cannot relay the exchange.
//! * **MD5** ([`md5`]), the legacy mechanism: the client sends
//!   `"md5" + hex(md5(hex(md5(password + user)) + salt))`. The server stores
//!   `"md5" + hex(md5(password + user))`, which is as good as the password to an attacker.
//!   Support it for old servers, prefer SCRAM.
//!
//! Nothing here does I/O, reads a clock or draws random numbers: the caller passes in the
//! nonces and salts (from a cryptographic RNG), moves the bytes to and from the socket, and
//! wraps them in the protocol messages. That keeps every exchange reproducible in tests.
//!
//! # SCRAM on the wire
//!
//! ```text
//! server                                         client
//!   AuthenticationSASL [mechanisms]        ──►
//!                                          ◄──   SASLInitialResponse(mechanism, client-first)
//!   AuthenticationSASLContinue(server-first) ──►
//!                                          ◄──   SASLResponse(client-final)
//!   AuthenticationSASLFinal(server-final)  ──►
//!   AuthenticationOk                       ──►
//! ```
//!
//! A client driver feeds each server message to a [`ScramClient`] and sends back what it
//! returns; a server driver does the mirror image with a [`ScramServer`]:
//!
//! ```
//! use tusk_proto::auth::{
//!     generate_nonce, ChannelBinding, ScramClient, ScramSecret, ScramServer,
//!     ServerChannelBinding,
//! };
//!
//! # fn main() -> Result<(), tusk_proto::auth::ScramError> {
//! // The server side keeps only this secret (what `pg_authid.rolpassword` holds).
//! let secret = ScramSecret::new(b"hunter2", b"sixteen-byte-slt", 4096)?;
//! let mut server = ScramServer::new(
//!     secret,
//!     &generate_nonce(b"18 random bytes!!!"),
//!     ServerChannelBinding::None,
//! );
//!
//! // AuthenticationSASL offers `server.mechanisms()`; the client picks one.
//! let channel_binding = ChannelBinding::negotiate(server.mechanisms(), None)?;
//! let mut client = ScramClient::new(
//!     b"hunter2",
//!     channel_binding,
//!     &generate_nonce(b"other random bytes"),
//! );
//!
//! // SASLInitialResponse → AuthenticationSASLContinue
//! let server_first = server.handle_client_first(client.mechanism(), &client.client_first())?;
//! // SASLResponse → AuthenticationSASLFinal
//! let client_final = client.handle_server_first(&server_first)?;
//! let server_final = server.handle_client_final(&client_final)?;
//! // The client checks that the server knew the secret too.
//! client.handle_server_final(&server_final)?;
//! assert!(client.is_done() && server.is_done());
//! # Ok(())
//! # }
//! ```
//!
//! A client must not accept `AuthenticationOk` before [`ScramClient::handle_server_final`]
//! has succeeded ([`ScramClient::is_done`]): a server that skips the final message has not
//! proved that it knows the password's secret.
//!
//! # MD5 on the wire
//!
//! ```text
//! server                                         client
//!   AuthenticationMD5Password(salt)        ──►
//!                                          ◄──   PasswordMessage(md5_password(user, pw, salt))
//!   AuthenticationOk                       ──►
//! ```
//!
//! ```
//! use tusk_proto::auth::{md5_password, md5_secret, md5_verify};
//!
//! let salt = [1, 2, 3, 4];
//! let response = md5_password("alice", b"secret", salt);
//! // The server only knows what it stored.
//! assert!(md5_verify(&md5_secret("alice", b"secret"), salt, &response));
//! ```

pub mod md5;
mod saslprep;
pub mod scram;

pub use self::md5::{md5_password, md5_secret, md5_verify};
pub use saslprep::saslprep;
pub use scram::{
    ChannelBinding, SCRAM_SHA_256, SCRAM_SHA_256_PLUS, ScramClient, ScramError, ScramSecret, ScramServer,
    ServerChannelBinding, generate_nonce,
};

/// Compares two byte strings in time that depends only on their lengths, never on where
/// they differ, so a peer cannot learn a secret byte by byte from response times.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold into an early-exit loop.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
